package acl_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kversion"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
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
	c, admin := testkit.SCRAMCluster(t, adminPassword)
	return &secure{c: c, admin: admin}
}

type result struct {
	stdout, stderr string
	code           int
}

// run is clitest.RunSettings with this package's result.
func run(t testing.TB, s config.Settings, stdin string, args ...string) result {
	t.Helper()
	r := clitest.RunSettings(t, s, stdin, args...)
	return result{r.Stdout, r.Stderr, r.Code}
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
