package acl_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kversion"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/cli"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

const (
	adminPassword = "admin-pw-not-in-output"
	alicePassword = "alice-pw-not-in-output"
)

// secure is a one-broker sandbox with SCRAM-SHA-512 and the authorizer on;
// admin is a super user.
type secure struct {
	c     *sandbox.Cluster
	admin config.Settings
}

func startSecure(t *testing.T) *secure {
	t.Helper()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, SASL: "scram-sha-512", User: "admin", Password: adminPassword, ACLs: true})
	return &secure{c: c, admin: scramSettings(c.Addrs, "admin", adminPassword)}
}

func scramSettings(addrs []string, user, pass string) config.Settings {
	return config.Settings{
		Brokers: addrs, SecurityProtocol: config.SASLPlaintext, Timeout: 15 * time.Second,
		SASL: config.SASL{Mechanism: config.MechSHA512, Username: user, Password: pass},
	}
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs `kctl args...` in-process with fixed settings, as cli.Run does
// (same root, same exit-code mapping, same "Error:" line), so tests can run
// in parallel (clitest.Run sets an environment variable).
func run(t testing.TB, s config.Settings, stdin string, args ...string) result {
	t.Helper()
	var out, errOut syncBuffer
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
	return result{out.String(), errOut.String(), code}
}

// mustRun runs and fails the test unless the exit code is want.
func mustRun(t testing.TB, s config.Settings, want int, stdin string, args ...string) result {
	t.Helper()
	r := run(t, s, stdin, args...)
	if r.code != want {
		t.Fatalf("kctl %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// acls reads every ACL back through the admin layer.
func (s *secure) acls(t *testing.T) []acl.ACL {
	t.Helper()
	a := testkit.Admin(t, s.admin)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := a.DescribeACLs(ctx, acl.NewFilter())
	if err != nil {
		t.Fatalf("read ACLs back: %v", err)
	}
	return got
}

func (s *secure) setACLs(t *testing.T, want []acl.ACL) {
	t.Helper()
	a := testkit.Admin(t, s.admin)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.DeleteACLs(ctx, []acl.Filter{acl.NewFilter()}); err != nil {
		t.Fatal(err)
	}
	if err := a.CreateACLs(ctx, want); err != nil {
		t.Fatal(err)
	}
}

func (s *secure) users(t *testing.T) []kafka.SCRAMCredential {
	t.Helper()
	a := testkit.Admin(t, s.admin)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, failed, err := a.DescribeSCRAM(ctx, nil)
	if err != nil || len(failed) > 0 {
		t.Fatalf("read users back: %v %v", err, failed)
	}
	return got
}

// kgoAs is a franz-go client logged in as user, pinned to Kafka 2.8
// request versions so requests name topics (not topic ids).
func (s *secure) kgoAs(t *testing.T, user, pass string) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.c.Addrs...), kgo.SASL(scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()),
		kgo.MaxVersions(kversion.V2_8_0()), kgo.RequestRetries(0), kgo.RetryTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func dump(acls []acl.ACL) string {
	var b strings.Builder
	for _, a := range acls {
		b.WriteString("  " + a.String() + "\n")
	}
	return b.String()
}

// syncBuffer is a bytes.Buffer safe for concurrent writers: with -v,
// sarama's global logger writes the trace from background goroutines (of
// this command, and of commands that parallel tests run at the same time)
// next to the command's own writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
