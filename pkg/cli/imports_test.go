package cli_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/kctl-dev/kctl"

type listedPackage struct {
	ImportPath string
	Imports    []string // non-test imports
	Deps       []string // transitive non-test dependencies
}

func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps=false", "-json", module+"/...").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

func under(pkg string, homes ...string) bool {
	for _, h := range homes {
		h = module + "/" + h
		if pkg == h || strings.HasPrefix(pkg, h+"/") {
			return true
		}
	}
	return false
}

func hasPrefixPath(imp, lib string) bool { return imp == lib || strings.HasPrefix(imp, lib+"/") }

// TestImportRules: each third-party library has one home (ARCHITECTURE.md),
// and domain packages stay free of cobra and sarama, even indirectly.
func TestImportRules(t *testing.T) {
	rules := []struct {
		lib   string
		homes []string
	}{
		{"github.com/IBM/sarama", []string{"pkg/kafka"}},
		{"github.com/spf13/cobra", []string{"pkg/cli", "cmd"}},
		{"github.com/spf13/viper", []string{"pkg/config"}},
		{"github.com/olekukonko/tablewriter", []string{"pkg/output"}},
		{"github.com/twmb/franz-go/pkg/kfake", []string{"pkg/sandbox"}},
		// The wire codec: the admin layer's own connections and the
		// sandbox's request hooks (plus the ACL test kit's probe client).
		{"github.com/twmb/franz-go/pkg/kmsg", []string{"pkg/kafka", "pkg/sandbox", "pkg/acl/acltest"}},
	}
	// Every package under pkg/ except the CLI, the admin layer and the test
	// kit is domain or infrastructure code: pkg/lag, pkg/offsets, pkg/acl,
	// pkg/health, pkg/topics, pkg/doctor, pkg/config, pkg/output, ... and
	// whatever comes next.
	exempt := []string{"pkg/cli", "pkg/kafka", "pkg/testkit"}
	checked := 0
	for _, p := range listPackages(t) {
		for _, imp := range p.Imports {
			for _, r := range rules {
				if hasPrefixPath(imp, r.lib) && !under(p.ImportPath, r.homes...) {
					t.Errorf("%s imports %s; only %s may", p.ImportPath, imp, strings.Join(r.homes, ", "))
				}
			}
		}
		if under(p.ImportPath, "pkg") && !under(p.ImportPath, exempt...) {
			checked++
			for _, d := range p.Deps {
				if hasPrefixPath(d, "github.com/spf13/cobra") || hasPrefixPath(d, "github.com/IBM/sarama") {
					t.Errorf("%s depends on %s: only pkg/cli, pkg/kafka and pkg/testkit may (keep domain code free of the CLI and the wire protocol)", p.ImportPath, d)
				}
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d packages checked for cobra/sarama freedom", checked)
	}
	t.Logf("%d packages checked for cobra/sarama freedom", checked)
}

// TestNounsImportNoNoun: a pkg/cli/<noun> package imports no other noun's
// package (not even in its tests); what two nouns share lives in
// pkg/cli/cmdutil (and below it), a domain package or pkg/output, so a noun
// can change without reaching into another's internals. cmdutil and clitest
// are not nouns.
func TestNounsImportNoNoun(t *testing.T) {
	notNouns := map[string]bool{"cmdutil": true, "clitest": true}
	// noun is the first path element below pkg/cli, or "" for pkg/cli
	// itself (which wires every noun) and for packages outside it.
	noun := func(pkg string) string {
		rest, ok := strings.CutPrefix(pkg, module+"/pkg/cli/")
		if !ok {
			return ""
		}
		n, _, _ := strings.Cut(rest, "/")
		if notNouns[n] {
			return ""
		}
		return n
	}
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", module+"/pkg/cli/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	nouns := 0
	for {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		from := noun(p.ImportPath)
		if from == "" {
			continue
		}
		nouns++
		for _, imp := range append(append(p.Imports, p.TestImports...), p.XTestImports...) {
			to := noun(imp)
			if to != "" && to != from {
				t.Errorf("%s imports %s: a noun package may not import another noun's; move what they share to pkg/cli/cmdutil, a domain package or pkg/output", p.ImportPath, imp)
			}
		}
	}
	if nouns < 10 {
		t.Fatalf("only %d noun packages found", nouns)
	}
}
