package contextcmd_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
)

const secret = "S3cret-pa55!"

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func want(t *testing.T, r clitest.Result, code int, stdout, stderr string) {
	t.Helper()
	if r.Code != code || r.Stdout != stdout || r.Stderr != stderr {
		t.Fatalf("exit %d\nstdout %q\nstderr %q\nwant exit %d\nstdout %q\nstderr %q", r.Code, r.Stdout, r.Stderr, code, stdout, stderr)
	}
	if strings.Contains(r.Stdout+r.Stderr, secret) {
		t.Fatalf("the password is printed:\n%s%s", r.Stdout, r.Stderr)
	}
}

func TestContextLifecycle(t *testing.T) {
	cfg := clitest.ConfigPath(t)
	run := func(args ...string) clitest.Result { return clitest.Run(t, "", args...) }

	want(t, run("context", "list"), 0, "CURRENT  NAME  BROKERS\n", "No context in "+cfg+" (kctl context set NAME --brokers HOST:PORT creates one).\n")
	want(t, run("context", "list", "-o", "json"), 0, "{\n  \"contexts\": []\n}\n", "")

	want(t, run("context", "set", "dev", "-b", "localhost:9092"), 0, "", `Context "dev" saved in `+cfg+".\n")
	if m := mode(t, cfg); m != 0o644 {
		t.Fatalf("mode %o without secrets, want 644", m)
	}

	dir := t.TempDir()
	t.Chdir(dir) // relative paths are stored absolute
	want(t, run("context", "set", "prod", "-b", "k1:9093,k2:9093", "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-username", "ops",
		"--sasl-password", secret, "--tls-ca-file", "ca.pem"), 0, "",
		"Warning: --sasl-password puts the password in your shell history; it is stored in the config file (mode 0600)\n"+
			`Context "prod" saved in `+cfg+".\n")
	if m := mode(t, cfg); m != 0o600 {
		t.Fatalf("mode %o with a password, want 600", m)
	}
	b, _ := os.ReadFile(cfg)
	if !strings.Contains(string(b), "tls-ca-file: "+filepath.Join(dir, "ca.pem")) {
		t.Fatalf("CA path not stored absolute:\n%s", b)
	}

	want(t, run("context", "list"), 0, "CURRENT  NAME  BROKERS\n*        dev   localhost:9092\n         prod  k1:9093,k2:9093\n", "")
	want(t, run("context", "show", "prod"), 0, "KEY             VALUE\n"+
		"name            prod\n"+
		"brokers         k1:9093,k2:9093\n"+
		"sasl-mechanism  SCRAM-SHA-512\n"+
		"sasl-username   ops\n"+
		"sasl-password   [redacted]\n"+
		"tls-ca-file     "+filepath.Join(dir, "ca.pem")+"\n", "")
	r := run("context", "show", "prod", "-o", "json")
	want(t, r, 0, r.Stdout, "")
	var view struct {
		Name    string         `json:"name"`
		Current bool           `json:"current"`
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &view); err != nil {
		t.Fatal(err)
	}
	if view.Name != "prod" || view.Current || view.Context["saslPassword"] != "[redacted]" || view.Context["saslUsername"] != "ops" ||
		fmt.Sprint(view.Context["brokers"]) != "[k1:9093 k2:9093]" { // one address per item
		t.Fatalf("json view %+v", view)
	}
	r = run("context", "show", "prod", "-o", "yaml")
	want(t, r, 0, r.Stdout, "")
	if !strings.Contains(r.Stdout, "saslPassword: '[redacted]'") {
		t.Fatalf("yaml view:\n%s", r.Stdout)
	}

	want(t, run("context", "use", "prod"), 0, "", "Switched to context \"prod\".\n")
	want(t, run("context", "list", "--no-headers"), 0, "   dev   localhost:9092\n*  prod  k1:9093,k2:9093\n", "")
	r = run("context", "show")
	want(t, r, 0, r.Stdout, "")
	if !strings.HasPrefix(r.Stdout, "KEY             VALUE\nname            prod\n") {
		t.Fatalf("show without a name shows %q", r.Stdout)
	}

	// Updating keeps what is not given; a password file replaces the password.
	pw := filepath.Join(dir, "pw")
	want(t, run("context", "set", "prod", "--sasl-password-file", pw, "--timeout", "20s"), 0, "", `Context "prod" saved in `+cfg+".\n")
	b, _ = os.ReadFile(cfg)
	if strings.Contains(string(b), secret) || !strings.Contains(string(b), "sasl-password-file: "+pw) || !strings.Contains(string(b), "sasl-username: ops") || !strings.Contains(string(b), "timeout: 20s") {
		t.Fatalf("after update:\n%s", b)
	}
	if m := mode(t, cfg); m != 0o644 {
		t.Fatalf("mode %o after the password left, want 644", m)
	}

	want(t, run("context", "delete", "prod"), 0, "", "Context \"prod\" deleted.\n")
	want(t, run("context", "list"), 0, "CURRENT  NAME  BROKERS\n         dev   localhost:9092\n", "")
	want(t, run("context", "show"), 2, "", "Error: no current context: name one, or run `kctl context use NAME`\n")
}

func TestContextErrors(t *testing.T) {
	t.Parallel()
	cfg := clitest.ConfigPath(t)
	run := func(args ...string) clitest.Result { return clitest.Run(t, "", args...) }
	want(t, run("context", "use", "nope"), 2, "", `Error: context "nope" not found: `+cfg+" has no contexts (create one with kctl context set NAME --brokers HOST:PORT)\n")
	want(t, run("context", "set", "a", "-b", "a:9092"), 0, "", `Context "a" saved in `+cfg+".\n")
	want(t, run("context", "set", "b", "-b", "b:9092"), 0, "", `Context "b" saved in `+cfg+".\n")
	notFound := `Error: context "nope" not found in ` + cfg + " (have: a, b)\n"
	want(t, run("context", "use", "nope"), 2, "", notFound)
	want(t, run("context", "show", "nope"), 2, "", notFound)
	want(t, run("context", "delete", "nope"), 2, "", notFound)
	want(t, run("--context", "nope", "cluster", "describe"), 2, "", `Error: context "nope" not found in `+cfg+" (kctl context list shows the contexts)\n")
	want(t, run("context", "set", "c"), 2, "", "Error: context \"c\" does not exist: give its settings, e.g. kctl context set c --brokers HOST:PORT\n")
	want(t, run("context", "set", "c", "--security-protocol", "TLS"), 2, "", "Error: unknown security protocol \"TLS\": use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL\n")
	want(t, run("context", "set", "c", "-b", "kafka"), 2, "", "Error: broker address \"kafka\" has no port: use host:port (e.g. kafka:9092)\n")
	want(t, run("context", "set", "c", "-b", "c:1", "--timeout", "0s"), 2, "", "Error: invalid timeout \"0s\": use a Go duration such as 10s or 1m\n")
	want(t, run("context", "use"), 2, "", "Error: kctl context use needs a context name (usage: kctl context use NAME [flags])\n")
	want(t, run("context", "show", "a", "b"), 2, "", "Error: context show takes at most one context name\n")
	// Nothing was written by the failures.
	want(t, run("context", "list"), 0, "CURRENT  NAME  BROKERS\n*        a     a:9092\n         b     b:9092\n", "")
}

func TestContextUsedByCommands(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "kctl.yaml")
	t.Setenv("KCTL_CONFIG", cfg)
	want(t, clitest.Run(t, "", "context", "set", "x", "-b", "127.0.0.1:1", "--timeout", "2s"), 0, "", `Context "x" saved in `+cfg+".\n")
	r := clitest.Run(t, "", "cluster", "describe")
	want(t, r, 1, "", "Error: broker 127.0.0.1:1: connection refused (nothing listens on that port: is the broker up and the port right?)\n")
}

// TestCompleteContextNames: `kctl context use <TAB>` and `--context <TAB>`
// offer the config file's contexts; a second NAME offers nothing.
func TestCompleteContextNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"prod", "dev"} {
		want(t, clitest.Run(t, "", "context", "set", name, "-b", name+":9092"), 0, "", `Context "`+name+`" saved in `+clitest.ConfigPath(t)+".\n")
	}
	for _, args := range [][]string{
		{"__complete", "context", "use", ""},
		{"__complete", "context", "delete", "p"},
		{"__complete", "--context", ""},
		{"__complete", "lag", "describe", "x", "--context", ""},
	} {
		if r := clitest.Run(t, "", args...); r.Code != 0 || r.Stdout != "dev\nprod\n:4\n" {
			t.Errorf("%v: exit %d, stdout %q", args, r.Code, r.Stdout)
		}
	}
	if r := clitest.Run(t, "", "__complete", "context", "use", "prod", ""); r.Stdout != ":4\n" {
		t.Errorf("second NAME: stdout %q", r.Stdout)
	}
}
