package main

// Binary-level tests: kctl is built once, then testdata/script/*.txtar run it
// as a user would from a shell (github.com/rogpeppe/go-internal/testscript),
// checking stdout, stderr and exit codes. Sandbox clusters run inside this
// test process; the scripts find them through environment variables:
//
//	BROKERS        plaintext sandbox with the demo seed (3 brokers); BROKER0
//	               is the first, CONTROLLER the last; PORT0..PORT2 their ports
//	SASL_BROKERS   SCRAM-SHA-512 sandbox, user admin / admin-secret
//	TLS_BROKERS    TLS sandbox; its CA is $TLS_CA
//	CLOSED         an address where nothing listens
//	SILENT         a listener that accepts and never answers

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kctl-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The real binary, built the way `make build` builds it.
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "kctl"), ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestScripts(t *testing.T) {
	plain, err := sandbox.Start(sandbox.Options{Brokers: 3, Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(plain.Close)                                                                     // the scripts run in parallel after this function returns
	sasl, err := sandbox.Start(sandbox.Options{Brokers: 1, SASL: "scram-sha-512", ACLs: true}) // acl_user.txtar needs an authorizer
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sasl.Close) // the scripts run in parallel after this function returns
	tlsDir := t.TempDir()
	tlsC, err := sandbox.Start(sandbox.Options{Brokers: 1, TLSDir: tlsDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tlsC.Close) // the scripts run in parallel after this function returns
	closed := testkit.ClosedAddr(t)
	silent := testkit.SilentListener(t)

	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("KCTL_CONFIG", filepath.Join(env.WorkDir, "kctl.yaml"))
			env.Setenv("BROKERS", plain.Bootstrap())
			env.Setenv("BROKER0", plain.Addrs[0])
			for i, a := range plain.Addrs {
				_, port, _ := net.SplitHostPort(a)
				env.Setenv(fmt.Sprintf("PORT%d", i), port)
			}
			env.Setenv("CONTROLLER", plain.Addrs[len(plain.Addrs)-1])
			env.Setenv("SASL_BROKERS", sasl.Bootstrap())
			env.Setenv("TLS_BROKERS", tlsC.Bootstrap())
			env.Setenv("TLS_CA", tlsC.TLS.CA)
			env.Setenv("CLOSED", closed)
			env.Setenv("SILENT", silent)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode":     cmdExitCode,
			"mode":         cmdMode,
			"wait-context": cmdWaitContext,
		},
	})
}

// exitcode N prog args...: run prog and require exit status N; stdout and
// stderr are kept for the next assertions.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N prog [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("exitcode: %v", err)
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// mode PERM FILE: the file's permission bits are PERM (octal).
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mode PERM FILE")
	}
	want, err := strconv.ParseUint(args[0], 8, 32)
	if err != nil {
		ts.Fatalf("mode: %v", err)
	}
	st, err := os.Stat(ts.MkAbs(args[1]))
	if err != nil {
		ts.Fatalf("mode: %v", err)
	}
	if (st.Mode().Perm() == os.FileMode(want)) == neg {
		ts.Fatalf("%s has mode %o", args[1], st.Mode().Perm())
	}
}

// wait-context NAME: wait (up to 60s) until the kctl config holds context
// NAME, i.e. a background `kctl sandbox` is ready.
func cmdWaitContext(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: wait-context NAME")
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if f, err := config.Load(ts.Getenv("KCTL_CONFIG")); err == nil {
			if _, ok := f.Contexts[args[0]]; ok {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("no context %q within 60s", args[0])
}
