package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/cli/sandboxcmd"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// The JSON examples of docs/*.md are the documented schema of each
// command's -o json. Every ```json block is preceded, on the line before its
// fence, by an HTML comment naming the command that prints it:
//
//	<!-- json: kctl group list -o json -->
//	<!-- json: kctl acl list -o json; sandbox: --sasl scram-sha-512 --acls -->
//	<!-- json: kctl health -o json; null: scope -->
//	<!-- json: none (an illustrative fragment) -->
//
// TestDocsJSONExamplesMatch runs each command in-process on a `kctl
// sandbox` with the demo seed (the flags after "sandbox:" choose another
// kind: --sasl M, --acls, --tls DIR), one sandbox of each kind for every
// example, and compares the documented JSON with what the command prints:
// the same key paths (arrays collapse to [], a stream of JSON values such as
// topic consume's lines counts as one array), and at each path the same
// JSON types. A null where the other has a value fails unless the path is
// listed after "null:" (the docs then say when it is null); below such a
// path, keys only one side has are not compared. Commands run in document
// order, pages in name order; `<!-- json-run: kctl ... -->` runs a command
// (exit 0 required) to set up state for the examples after it. An
// example's own exit code is not checked: some print JSON and exit 1 or 2
// by design (topic audit with warnings, topic delete without --yes).
// "; stdin: TEXT" gives the command TEXT on stdin; "; file NAME: TEXT" writes
// TEXT to a file in a temporary directory and passes its path for every
// argument NAME (a reassignment plan).

type docsExample struct {
	where    string // docs/PAGE.md:LINE, for messages
	run      bool   // a json-run directive: no block, exit 0 required
	args     []string
	sandbox  string // flags after "sandbox:", "" for the demo sandbox
	nullable map[string]bool
	stdin    string
	files    map[string]string // name -> content, written to a temp dir
	block    []byte
}

var (
	jsonFence   = regexp.MustCompile("^```json\\s*$")
	jsonComment = regexp.MustCompile(`^<!-- (json|json-run): (.*) -->\s*$`)
)

// docsExamples reads every docs page's JSON blocks and directives. Blocks
// marked "none" are checked for parsing only (they are not returned).
func docsExamples(t *testing.T) []docsExample {
	t.Helper()
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no docs: %v", err)
	}
	sort.Strings(files)
	var out []docsExample
	blocks := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		name := filepath.Base(f)
		prev := "" // the previous non-empty line
		for i := 0; i < len(lines); i++ {
			l := lines[i]
			where := fmt.Sprintf("docs/%s:%d", name, i+1)
			if m := jsonComment.FindStringSubmatch(l); m != nil && m[1] == "json-run" {
				ex := parseDirective(t, where, m[2])
				ex.run = true
				out = append(out, ex)
			}
			if !jsonFence.MatchString(l) {
				if strings.TrimSpace(l) != "" {
					prev = l
				}
				continue
			}
			start := i + 1
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			}
			block := []byte(strings.Join(lines[start:min(i, len(lines))], "\n"))
			blocks++
			if _, err := jsonPaths(block); err != nil {
				t.Errorf("%s: a JSON example does not parse: %v\n%s", where, err, block)
				continue
			}
			m := jsonComment.FindStringSubmatch(prev)
			switch {
			case m == nil || m[1] != "json":
				t.Errorf("%s: a ```json block without `<!-- json: kctl ... -->` (or `<!-- json: none (why) -->`) on the line before it", where)
			case strings.HasPrefix(m[2], "none"):
				if !regexp.MustCompile(`^none \(.+\)$`).MatchString(m[2]) {
					t.Errorf("%s: write `<!-- json: none (why) -->`", where)
				}
			default:
				ex := parseDirective(t, where, m[2])
				ex.block = block
				out = append(out, ex)
			}
			prev = ""
		}
	}
	if blocks == 0 {
		t.Error("no JSON example found")
	}
	return out
}

// parseDirective reads "kctl ARGS[; sandbox: FLAGS][; null: P, P][; stdin: TEXT]".
func parseDirective(t *testing.T, where, s string) docsExample {
	t.Helper()
	parts := strings.Split(s, ";")
	ex := docsExample{where: where, nullable: map[string]bool{}, files: map[string]string{}}
	args := strings.Fields(parts[0])
	if len(args) < 2 || args[0] != "kctl" {
		t.Errorf("%s: %q: the comment names a command, `kctl ARGS`", where, s)
		return ex
	}
	ex.args = unquote(args[1:])
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(p), ":")
		v = strings.TrimSpace(v)
		switch k {
		case "sandbox":
			ex.sandbox = v
		case "null":
			for _, n := range strings.Split(v, ",") {
				ex.nullable[strings.TrimSpace(n)] = true
			}
		case "stdin":
			ex.stdin = v
		default:
			if name, ok := strings.CutPrefix(k, "file "); ok {
				ex.files[strings.TrimSpace(name)] = v
				continue
			}
			t.Errorf("%s: unknown clause %q (sandbox:, null:, stdin:, file NAME:)", where, p)
		}
	}
	return ex
}

// unquote strips shell single quotes around one argument ('^orders$').
func unquote(args []string) []string {
	for i, a := range args {
		if len(a) >= 2 && a[0] == '\'' && a[len(a)-1] == '\'' {
			args[i] = a[1 : len(a)-1]
		}
	}
	return args
}

// Every JSON example parses, and every one is annotated (docsExamples
// checks both); kept separate from the match so it runs without a sandbox.
func TestDocsJSONExamplesParse(t *testing.T) {
	t.Parallel()
	docsExamples(t)
}

func TestDocsJSONExamplesMatch(t *testing.T) {
	t.Parallel() // its own sandboxes and config files; examples run in order
	examples := docsExamples(t)
	if t.Failed() {
		return
	}
	boxes := map[string]string{} // sandbox flags -> config file with its "sandbox" context
	for _, ex := range examples {
		cfg, ok := boxes[ex.sandbox]
		if !ok {
			cfg = startDocsSandbox(t, ex.sandbox)
			boxes[ex.sandbox] = cfg
		}
		args := append([]string{"--config", cfg, "--context", "sandbox"}, ex.args...)
		if len(ex.files) > 0 {
			dir := t.TempDir()
			for name, text := range ex.files {
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, []byte(text+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				for i, a := range args {
					if a == name {
						args[i] = path
					}
				}
			}
		}
		r := clitest.Run(t, ex.stdin, args...)
		cmd := "kctl " + strings.Join(ex.args, " ")
		if ex.run {
			if r.Code != 0 {
				t.Fatalf("%s: %s: exit %d\n%s%s", ex.where, cmd, r.Code, r.Stdout, r.Stderr)
			}
			continue
		}
		got, err := jsonPaths([]byte(r.Stdout))
		if err != nil || strings.TrimSpace(r.Stdout) == "" {
			t.Errorf("%s: %s (exit %d) printed no JSON: %v\nstdout:\n%s\nstderr:\n%s", ex.where, cmd, r.Code, err, r.Stdout, r.Stderr)
			continue
		}
		want, _ := jsonPaths(ex.block)
		if diffs := comparePaths(want, got, ex.nullable); len(diffs) > 0 {
			t.Errorf("%s: the example of `%s` does not match its output:\n  %s\noutput:\n%s", ex.where, cmd, strings.Join(diffs, "\n  "), r.Stdout)
		}
	}
}

// startDocsSandbox starts a sandbox as `kctl sandbox FLAGS` would (demo
// seed) and writes a config file whose current context "sandbox" reaches
// it, as the command does.
func startDocsSandbox(t *testing.T, flags string) string {
	t.Helper()
	o := sandbox.Options{Brokers: 3, Seed: "demo"}
	f := strings.Fields(flags)
	for i := 0; i < len(f); i++ {
		next := func() string {
			if i+1 >= len(f) {
				t.Fatalf("sandbox: %q: %s needs a value", flags, f[i])
			}
			i++
			return f[i]
		}
		switch f[i] {
		case "--sasl":
			o.SASL = next()
		case "--acls":
			o.ACLs = true
		case "--tls":
			next() // the directory: the test's own
			o.TLSDir = t.TempDir()
		case "--brokers":
			n, err := strconv.Atoi(next())
			if err != nil {
				t.Fatalf("sandbox: %q: %v", flags, err)
			}
			o.Brokers = n
		default:
			t.Fatalf("sandbox: %q: the test knows --sasl M, --acls, --tls DIR, --brokers N", flags)
		}
	}
	c, err := sandbox.Start(o)
	if err != nil {
		t.Fatalf("sandbox %s: %v", flags, err)
	}
	t.Cleanup(c.Close)
	file, err := config.Load(filepath.Join(t.TempDir(), "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	file.Contexts["sandbox"] = sandboxcmd.ContextLayer(c)
	file.CurrentContext = "sandbox"
	if err := file.Save(); err != nil {
		t.Fatal(err)
	}
	return file.Path()
}

// jsonPaths decodes a stream of JSON values (one document, or JSON lines)
// and maps every key path to the JSON types seen there: "" is the root,
// object keys join with ".", array elements add "[]".
func jsonPaths(b []byte) (map[string]map[string]bool, error) {
	paths := map[string]map[string]bool{}
	err := eachJSONValue(b, func(v any) { walkJSON(v, "", paths) })
	return paths, err
}

// eachJSONValue decodes a stream of JSON values (one document, or JSON
// lines) and calls fn with each; an empty stream is an error.
func eachJSONValue(b []byte, fn func(v any)) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	n := 0
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		n++
		fn(v)
	}
	if n == 0 {
		return errors.New("no JSON value")
	}
	return nil
}

func walkJSON(v any, path string, paths map[string]map[string]bool) {
	if paths[path] == nil {
		paths[path] = map[string]bool{}
	}
	switch v := v.(type) {
	case nil:
		paths[path]["null"] = true
	case string:
		paths[path]["string"] = true
	case json.Number:
		paths[path]["number"] = true
	case bool:
		paths[path]["bool"] = true
	case []any:
		paths[path]["array"] = true
		for _, e := range v {
			walkJSON(e, path+"[]", paths)
		}
	case map[string]any:
		paths[path]["object"] = true
		for k, e := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			walkJSON(e, p, paths)
		}
	}
}

// comparePaths lists the differences between the documented paths and the
// output's.
func comparePaths(doc, out map[string]map[string]bool, nullable map[string]bool) []string {
	// under reports a path below a nullable path that is null on the side
	// that lacks it.
	under := func(p string, side map[string]map[string]bool) bool {
		for n := range nullable {
			if strings.HasPrefix(p, n+".") || strings.HasPrefix(p, n+"[]") {
				if side[n]["null"] {
					return true
				}
			}
		}
		return false
	}
	var diffs []string
	all := map[string]bool{}
	for p := range doc {
		all[p] = true
	}
	for p := range out {
		all[p] = true
	}
	for _, p := range sortedKeys(all) {
		d, o := doc[p], out[p]
		switch {
		case d == nil && o == nil:
		case d == nil:
			if !under(p, doc) {
				diffs = append(diffs, fmt.Sprintf("%s: in the output (%s), not in the docs", show(p), types(o)))
			}
		case o == nil:
			if !under(p, out) {
				diffs = append(diffs, fmt.Sprintf("%s: in the docs (%s), not in the output", show(p), types(d)))
			}
		default:
			if types(d) == types(o) {
				continue
			}
			dn, on := nonNull(d), nonNull(o)
			if nullable[p] && (dn == "" || on == "" || dn == on) {
				continue
			}
			diffs = append(diffs, fmt.Sprintf("%s: docs %s, output %s", show(p), types(d), types(o)))
		}
	}
	return diffs
}

func show(p string) string {
	if p == "" {
		return "(root)"
	}
	return p
}

func types(m map[string]bool) string { return strings.Join(sortedKeys(m), "|") }

func nonNull(m map[string]bool) string {
	c := map[string]bool{}
	for k := range m {
		if k != "null" {
			c[k] = true
		}
	}
	return types(c)
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
