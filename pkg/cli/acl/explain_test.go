package acl_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/acl/acltest"
)

// TestExplainMatchesTheBroker runs the explain table (pkg/acl/acltest)
// against the sandbox: the ACLs of each case are created, `kctl acl
// explain` must give the table's answer, and the same request made for
// real by alice must be allowed or denied the same way by the broker's
// authorizer.
func TestExplainMatchesTheBroker(t *testing.T) {
	t.Parallel()
	s := startSecure(t)
	ctx := context.Background()
	for _, topic := range []string{"orders", "payments"} {
		if err := s.c.CreateTopic(ctx, topic, 1, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, s.admin, 0, alicePassword, "user", "upsert", "alice", "--mechanism", "SCRAM-SHA-512", "--password-stdin")
	alice := s.kgoAs(t, "alice", alicePassword)
	if err := alice.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	probed := 0
	for _, tc := range acltest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			s.setACLs(t, tc.ACLs)
			q := tc.Query
			args := append([]string{"acl", "explain", "-o", "json", "--principal", q.Principal, "--host", q.Host,
				"--operation", q.Operation.String()}, acltest.ResourceArgs(q)...)
			r := mustRun(t, s.admin, 0, "", args...)
			var got acl.Explanation
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("explain JSON %q: %v", r.stdout, err)
			}
			want := []acl.ACL{}
			for _, i := range tc.Matched {
				want = append(want, tc.ACLs[i])
			}
			if got.Decision != tc.Want || !reflect.DeepEqual(got.Matched, want) {
				t.Errorf("explain: %s with\n%s want %s with\n%s(reason %s)", got.Decision, dump(got.Matched), tc.Want, dump(want), got.Reason)
			}
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			allowed, err := acltest.Probe(pctx, alice, q, "orders")
			if err != nil {
				t.Fatalf("%v: every case must be checked against the authorizer", err)
			}
			probed++
			if allowed != (tc.Want == acl.Allowed) {
				t.Errorf("the broker %s alice's real request; explain says %s", map[bool]string{true: "allowed", false: "denied"}[allowed], tc.Want)
			}
		})
	}
	t.Logf("%d of %d cases checked against the broker", probed, len(acltest.Cases()))
	if probed != len(acltest.Cases()) {
		t.Errorf("only %d of %d cases were checked against the broker", probed, len(acltest.Cases()))
	}
}

// TestExplainOutput checks the table rendering and the JSON shape.
func TestExplainOutput(t *testing.T) {
	t.Parallel()
	s := startSecure(t)
	s.setACLs(t, []acl.ACL{
		acltest.Lit(acl.PermAllow, "User:alice", acl.OpRead, acl.ResourceTopic, "orders"),
		acltest.Pre(acl.PermDeny, "User:*", acl.OpRead, acl.ResourceTopic, "ord"),
	})
	r := mustRun(t, s.admin, 0, "", "acl", "explain", "--principal", "User:alice", "--operation", "read", "--topic", "orders")
	want := `Decision:  DENIED
Reason:    User:alice Read on topic orders is denied by 1 DENY ACL(s); DENY beats ALLOW (1 ALLOW ACL(s) also match); super users (broker config super.users) bypass ACLs and are not visible to clients

PRINCIPAL  HOST  OPERATION  PERMISSION  RESOURCE-TYPE  RESOURCE-NAME  PATTERN-TYPE
User:*     *     READ       DENY        TOPIC          ord            PREFIXED
`
	if r.stdout != want {
		t.Errorf("got\n%s\nwant\n%s", r.stdout, want)
	}
	r = mustRun(t, s.admin, 0, "", "acl", "explain", "--principal", "User:bob", "--operation", "Describe", "--group", "g1", "-o", "json")
	wantJSON := `{
  "decision": "DENIED",
  "matched": [],
  "reason": "no ACL matches: denied unless allow.everyone.if.no.acl.found=true; super users (broker config super.users) bypass ACLs and are not visible to clients"
}
`
	if r.stdout != wantJSON {
		t.Errorf("got\n%s\nwant\n%s", r.stdout, wantJSON)
	}
}
