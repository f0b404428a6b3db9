// Package clitest runs the whole kctl command tree in-process, as a user
// would from a shell, with captured streams and the real exit-code mapping.
package clitest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli"
	"github.com/kctl-dev/kctl/pkg/output"
)

// Result is one run.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Run runs `kctl args...` with an isolated config file (KCTL_CONFIG in the
// test's temp dir unless the test set it) and stdin from stdin.
func Run(t testing.TB, stdin string, args ...string) Result {
	t.Helper()
	if os.Getenv("KCTL_CONFIG") == "" {
		t.Setenv("KCTL_CONFIG", filepath.Join(t.TempDir(), "config.yaml"))
	}
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), &output.Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}, args)
	return Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}
