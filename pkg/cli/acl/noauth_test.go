package acl_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// On a cluster without an authorizer Kafka answers the ACL APIs with
// SECURITY_DISABLED (and so does the sandbox without --acls): explain says
// ALLOWED because nothing is checked, list/add/delete fail saying why
// (exit 1), never an empty table or "DENIED".
func TestACLWithoutAuthorizer(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	s := testkit.Settings(c)
	noAuth := "the cluster has no authorizer configured (authorizer.class.name is unset: the broker answered SECURITY_DISABLED), so ACLs do not apply and every client may do everything"

	r := mustRun(t, s, 0, "", "acl", "explain", "--principal", "User:alice", "--operation", "Read", "--topic", "orders")
	want := "Decision:  ALLOWED\nReason:    the cluster has no authorizer (DescribeAcls answered SECURITY_DISABLED): Kafka checks no ACLs, so every client the listener lets in may do everything\n"
	if r.stdout != want || r.stderr != "" {
		t.Errorf("explain:\n%q\nwant\n%q\nstderr %q", r.stdout, want, r.stderr)
	}
	r = mustRun(t, s, 0, "", "acl", "explain", "--principal", "User:alice", "--operation", "Read", "--topic", "orders", "-o", "json")
	if got := compactJSON(t, r.stdout); got != `{"decision":"ALLOWED","matched":[],"reason":"the cluster has no authorizer (DescribeAcls answered SECURITY_DISABLED): Kafka checks no ACLs, so every client the listener lets in may do everything"}` {
		t.Errorf("explain json %s", got)
	}
	for _, args := range [][]string{
		{"acl", "list"},
		{"acl", "add", "--allow-principal", "User:alice", "--consumer", "--topic", "orders", "--group", "g"},
		{"acl", "delete", "--principal", "User:alice", "--yes"},
	} {
		r = mustRun(t, s, 1, "", args...)
		if want := "Error: broker " + c.Addrs[0] + ": cannot "; r.stdout != "" || len(r.stderr) < len(want) || r.stderr[:len(want)] != want || !strings.HasSuffix(r.stderr, noAuth+"\n") {
			t.Errorf("%v: stdout %q stderr %q", args, r.stdout, r.stderr)
		}
	}
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return b.String()
}
