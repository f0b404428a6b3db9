// Package clitest runs the whole kctl command tree in-process, as a user
// would from a shell, with captured streams and the real exit-code mapping.
package clitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/output"
)

// Result is one run.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Run runs `kctl args...` with stdin from stdin. Unless the test set
// KCTL_CONFIG or passes --config, the run uses a config file of its own in
// the test's temp dir (the same file for every Run of one test, so
// `context set` then `context use` work). It sets no environment variable,
// so tests that use it may call t.Parallel.
func Run(t testing.TB, stdin string, args ...string) Result {
	t.Helper()
	return RunContext(context.Background(), t, stdin, args...)
}

// RunContext is Run with a context (e.g. one a test cancels).
func RunContext(ctx context.Context, t testing.TB, stdin string, args ...string) Result {
	t.Helper()
	if os.Getenv("KCTL_CONFIG") == "" && !hasConfigFlag(args) {
		args = append([]string{"--config", ConfigPath(t)}, args...)
	}
	var out, errOut SyncBuffer
	code := cli.Run(ctx, &output.Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}, args)
	return Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// RunSettings runs `kctl args...` with fixed connection settings (no flags,
// environment or config file resolve them) as cli.Run does: same root, same
// exit-code mapping, same "Error:" line. For tests whose commands connect
// with credentials of their own; parallel-safe.
func RunSettings(t testing.TB, s config.Settings, stdin string, args ...string) Result {
	t.Helper()
	var out, errOut SyncBuffer
	f := cmdutil.New(&output.Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	f.SetSettings(s)
	root := cli.NewRootCmd(f)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(context.Background())
	code := cli.ExitCode(cmd, err)
	var ee *errs.ExitError
	if err != nil && !(errors.As(err, &ee) && (ee.Silent || ee.Msg == "")) {
		fmt.Fprintf(&errOut, "Error: %s\n", err)
	}
	// Close before reading: closing detaches the -v trace (sarama's global
	// logger) from errOut, so no background sarama goroutine can still be
	// writing to the buffers while they are read.
	f.Close()
	return Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// Main runs a package's tests with KCTL_CONFIG and XDG_STATE_HOME (the
// undo files) in a temporary directory, removed afterwards: no test reads
// or writes the user's files, and none needs t.Setenv (which forbids
// t.Parallel). Call it from TestMain.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "kctl-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("KCTL_CONFIG", filepath.Join(dir, "config.yaml"))
	os.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var configs sync.Map // testing.TB -> config path

// ConfigPath is the config file Run uses for t when neither KCTL_CONFIG nor
// --config is given.
func ConfigPath(t testing.TB) string {
	if p, ok := configs.Load(t); ok {
		return p.(string)
	}
	p := filepath.Join(t.TempDir(), "config.yaml")
	if prev, loaded := configs.LoadOrStore(t, p); loaded {
		return prev.(string)
	}
	t.Cleanup(func() { configs.Delete(t) })
	return p
}

// hasConfigFlag reports a --config naming a file. `topic create --config
// KEY=VALUE` sets a topic config, not kctl's file: a run with only that
// still gets the test's own config file.
func hasConfigFlag(args []string) bool {
	for i, a := range args {
		if a == "--" {
			return false
		}
		v, ok := strings.CutPrefix(a, "--config=")
		if a == "--config" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if ok && !isKeyValue(v) {
			return true
		}
	}
	return false
}

// isKeyValue matches a topic config KEY=VALUE (the key is a config name).
func isKeyValue(s string) bool {
	k, _, ok := strings.Cut(s, "=")
	return ok && k != "" && !strings.ContainsAny(k, `/\`)
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers and readers:
// with -v, sarama's global logger writes the trace from background
// goroutines next to the command's own writes, and streaming tests read
// the output while the command (or the binary) still writes it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TableRows returns the data rows of a plain (piped) table, header skipped,
// each split on whitespace.
func TableRows(out string) [][]string {
	var rows [][]string
	for i, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if i == 0 || strings.TrimSpace(l) == "" {
			continue
		}
		rows = append(rows, strings.Fields(l))
	}
	return rows
}
