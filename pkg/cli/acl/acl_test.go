package acl_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/acl/acltest"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

const alice, bob = "User:alice", "User:bob"

var (
	lit = acltest.Lit
	pre = acltest.Pre
)

// TestAddShortcutsCreateKafkaAclsSets: each shortcut creates exactly the
// ACLs kafka-acls.sh would (read back from the broker, full set).
func TestAddShortcutsCreateKafkaAclsSets(t *testing.T) {
	t.Parallel()
	s := startSecure(t)
	for _, tc := range []struct {
		name string
		args []string
		want []acl.ACL
	}{
		{"consumer", []string{"--allow-principal", alice, "--consumer", "--topic", "orders", "--group", "g1"}, []acl.ACL{
			lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"), lit(acl.PermAllow, alice, acl.OpDescribe, acl.ResourceTopic, "orders"),
			lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceGroup, "g1"),
		}},
		{"producer", []string{"--allow-principal", alice, "--producer", "--topic", "orders"}, []acl.ACL{
			lit(acl.PermAllow, alice, acl.OpWrite, acl.ResourceTopic, "orders"), lit(acl.PermAllow, alice, acl.OpCreate, acl.ResourceTopic, "orders"),
			lit(acl.PermAllow, alice, acl.OpDescribe, acl.ResourceTopic, "orders"),
		}},
		{"producer idempotent transactional", []string{"--allow-principal", alice, "--producer", "--idempotent", "--topic", "orders", "--transactional-id", "tx"}, []acl.ACL{
			lit(acl.PermAllow, alice, acl.OpWrite, acl.ResourceTopic, "orders"), lit(acl.PermAllow, alice, acl.OpCreate, acl.ResourceTopic, "orders"),
			lit(acl.PermAllow, alice, acl.OpDescribe, acl.ResourceTopic, "orders"),
			lit(acl.PermAllow, alice, acl.OpIdempotentWrite, acl.ResourceCluster, acl.ClusterName),
			lit(acl.PermAllow, alice, acl.OpWrite, acl.ResourceTransactionalID, "tx"), lit(acl.PermAllow, alice, acl.OpDescribe, acl.ResourceTransactionalID, "tx"),
		}},
		{"producer and consumer prefixed, two principals", []string{"--allow-principal", alice, "--allow-principal", bob, "--producer", "--consumer", "--topic", "ord", "--group", "g", "--resource-pattern-type", "prefixed"}, func() []acl.ACL {
			var out []acl.ACL
			for _, p := range []string{alice, bob} {
				for _, op := range []acl.Operation{acl.OpRead, acl.OpWrite, acl.OpCreate, acl.OpDescribe} {
					out = append(out, pre(acl.PermAllow, p, op, acl.ResourceTopic, "ord"))
				}
				out = append(out, pre(acl.PermAllow, p, acl.OpRead, acl.ResourceGroup, "g"))
			}
			return out
		}()},
		{"explicit deny from a host", []string{"--deny-principal", bob, "--deny-host", "10.0.0.7", "--operation", "All", "--topic", "*"}, []acl.ACL{
			acltest.WithHost(lit(acl.PermDeny, bob, acl.OpAll, acl.ResourceTopic, "*"), "10.0.0.7"),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.setACLs(t, nil)
			r := mustRun(t, s.admin, 0, "", append([]string{"acl", "add", "-o", "json"}, tc.args...)...)
			want := acl.Dedupe(append([]acl.ACL(nil), tc.want...))
			var printed struct {
				ACLs []acl.ACL `json:"acls"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &printed); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(printed.ACLs, want) {
				t.Errorf("printed\n%s\nwant\n%s", dump(printed.ACLs), dump(want))
			}
			if got := s.acls(t); !reflect.DeepEqual(got, want) {
				t.Errorf("the broker holds\n%s\nwant\n%s", dump(got), dump(want))
			}
		})
	}
	// Adding the same ACLs again is not an error (Kafka: idempotent).
	mustRun(t, s.admin, 0, "", "acl", "add", "--deny-principal", bob, "--deny-host", "10.0.0.7", "--operation", "All", "--topic", "*")
	if got := s.acls(t); len(got) != 1 {
		t.Errorf("re-adding duplicated ACLs:\n%s", dump(got))
	}
}

// TestList: match (the default) lists literal, prefixed and wildcard ACLs
// that apply to the resource; other pattern types narrow; the JSON shape is
// the issue's.
func TestList(t *testing.T) {
	t.Parallel()
	s := startSecure(t)
	all := []acl.ACL{
		lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"),
		lit(acl.PermAllow, bob, acl.OpRead, acl.ResourceTopic, "*"),
		pre(acl.PermDeny, alice, acl.OpWrite, acl.ResourceTopic, "ord"),
		pre(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders-"),
		lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceGroup, "orders"),
		lit(acl.PermAllow, alice, acl.OpIdempotentWrite, acl.ResourceCluster, acl.ClusterName),
	}
	s.setACLs(t, all)
	list := func(args ...string) []acl.ACL {
		t.Helper()
		r := mustRun(t, s.admin, 0, "", append([]string{"acl", "list", "-o", "json"}, args...)...)
		var v struct {
			ACLs []acl.ACL `json:"acls"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v.ACLs == nil {
			t.Fatalf("%q: %v", r.stdout, err)
		}
		return v.ACLs
	}
	sorted := func(in ...acl.ACL) []acl.ACL { out := append([]acl.ACL{}, in...); acl.Sort(out); return out }
	for _, tc := range []struct {
		args []string
		want []acl.ACL
	}{
		{nil, sorted(all...)},
		{[]string{"--topic", "orders"}, sorted(all[0], all[1], all[2])},
		{[]string{"--topic", "orders", "--resource-pattern-type", "literal"}, sorted(all[0])},
		{[]string{"--topic", "ord", "--resource-pattern-type", "any"}, sorted(all[2])},
		{[]string{"--resource-pattern-type", "prefixed"}, sorted(all[2], all[3])},
		{[]string{"--principal", bob}, sorted(all[1])},
		{[]string{"--topic", "orders", "--permission", "deny"}, sorted(all[2])},
		{[]string{"--operation", "idempotent-write"}, sorted(all[5])},
		{[]string{"--cluster"}, sorted(all[5])},
		{[]string{"--group", "orders"}, sorted(all[4])},
		{[]string{"--topic", "payments", "--resource-pattern-type", "literal"}, []acl.ACL{}},
	} {
		if got := list(tc.args...); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("acl list %v:\n%s\nwant\n%s", tc.args, dump(got), dump(tc.want))
		}
	}
	// The exact JSON keys of the issue.
	r := mustRun(t, s.admin, 0, "", "acl", "list", "-o", "json", "--cluster")
	want := `{
  "acls": [
    {
      "principal": "User:alice",
      "host": "*",
      "operation": "IDEMPOTENT_WRITE",
      "permission": "ALLOW",
      "resourceType": "CLUSTER",
      "resourceName": "kafka-cluster",
      "patternType": "LITERAL"
    }
  ]
}
`
	if r.stdout != want {
		t.Errorf("got\n%s\nwant\n%s", r.stdout, want)
	}
	r = mustRun(t, s.admin, 0, "", "acl", "list", "--topic", "orders")
	wantTable := `PRINCIPAL   HOST  OPERATION  PERMISSION  RESOURCE-TYPE  RESOURCE-NAME  PATTERN-TYPE
User:bob    *     READ       ALLOW       TOPIC          *              LITERAL
User:alice  *     WRITE      DENY        TOPIC          ord            PREFIXED
User:alice  *     READ       ALLOW       TOPIC          orders         LITERAL
`
	if r.stdout != wantTable {
		t.Errorf("got\n%s\nwant\n%s", r.stdout, wantTable)
	}
	r = mustRun(t, s.admin, 0, "", "acl", "list", "--topic", "payments", "--resource-pattern-type", "literal")
	if r.stderr != "No ACL matches.\n" {
		t.Errorf("stderr %q", r.stderr)
	}
}

// TestDelete: the filter lists first; --yes deletes exactly the listed
// ACLs; --all is needed for an empty filter.
func TestDelete(t *testing.T) {
	t.Parallel()
	s := startSecure(t)
	all := []acl.ACL{
		lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"),
		lit(acl.PermAllow, bob, acl.OpRead, acl.ResourceTopic, "*"),
		pre(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "ord"),
		lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceGroup, "g1"),
	}
	s.setACLs(t, all)

	r := mustRun(t, s.admin, 2, "", "acl", "delete", "--topic", "orders", "--resource-pattern-type", "match", "-o", "json")
	var v struct {
		ACLs    []acl.ACL `json:"acls"`
		Deleted bool      `json:"deleted"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatal(err)
	}
	if want := []acl.ACL{all[1], all[2], all[0]}; !reflect.DeepEqual(v.ACLs, want) || v.Deleted {
		t.Errorf("without --yes: %+v", v)
	}
	if got := s.acls(t); len(got) != 4 {
		t.Fatalf("without --yes something was deleted:\n%s", dump(got))
	}

	// Literal by default with a resource: the wildcard and prefixed stay.
	r = mustRun(t, s.admin, 0, "", "acl", "delete", "--topic", "orders", "--yes")
	if r.stdout != "PRINCIPAL   HOST  OPERATION  PERMISSION  RESOURCE-TYPE  RESOURCE-NAME  PATTERN-TYPE\nUser:alice  *     READ       ALLOW       TOPIC          orders         LITERAL\n" {
		t.Errorf("deleted:\n%s", r.stdout)
	}
	if got, want := s.acls(t), []acl.ACL{all[1], all[2], all[3]}; !reflect.DeepEqual(got, want) {
		t.Errorf("left\n%s\nwant\n%s", dump(got), dump(want))
	}

	r = mustRun(t, s.admin, 0, "", "acl", "delete", "--principal", "User:nobody", "--yes")
	if r.stderr != "No ACL matches the filter: nothing to delete.\n" {
		t.Errorf("stderr %q", r.stderr)
	}
	// Without --yes and nothing matching there is nothing to confirm: exit 0.
	r = mustRun(t, s.admin, 0, "", "acl", "delete", "--principal", "User:nobody", "-o", "json")
	if r.stdout != "{\n  \"acls\": [],\n  \"deleted\": false\n}\n" || r.stderr != "" {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}

	r = mustRun(t, s.admin, 0, "", "acl", "delete", "--all", "--yes", "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || len(v.ACLs) != 3 || !v.Deleted {
		t.Errorf("delete --all: %s %v", r.stdout, err)
	}
	if got := s.acls(t); len(got) != 0 {
		t.Errorf("left:\n%s", dump(got))
	}
}

// TestBadInput: clear errors, exit 2, and nothing changed on the cluster.
func TestBadInput(t *testing.T) {
	t.Parallel()
	s := startSecure(t)
	before := []acl.ACL{lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders")}
	s.setACLs(t, before)
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"acl", "add", "--allow-principal", "alice", "--operation", "Read", "--topic", "orders"}, `invalid principal "alice": use Type:name, e.g. User:alice`},
		{[]string{"acl", "add", "--allow-principal", alice, "--operation", "Reed", "--topic", "orders"}, `unknown operation "Reed": use one of All, Read, Write`},
		{[]string{"acl", "add", "--allow-principal", alice, "--operation", "IdempotentWrite", "--topic", "orders"}, "operation IdempotentWrite is not valid on a topic resource"},
		{[]string{"acl", "add", "--allow-principal", alice, "--consumer", "--topic", "orders"}, "with --consumer you must specify a --topic and a --group"},
		{[]string{"acl", "add", "--allow-principal", alice, "--operation", "Read", "--topic", "orders", "--resource-pattern-type", "match"}, "is a filter"},
		{[]string{"acl", "list", "--topic", "orders", "--group", "g1"}, "conflicting resource flags [--topic --group]: name one resource"},
		{[]string{"acl", "explain", "--principal", alice, "--operation", "Read", "--topic", "orders", "--cluster"}, "conflicting resource flags [--topic --cluster]"},
		{[]string{"acl", "explain", "--principal", "alice", "--operation", "Read", "--topic", "orders"}, `invalid principal "alice"`},
		{[]string{"acl", "explain", "--principal", alice, "--operation", "IdempotentWrite", "--topic", "orders"}, "not valid on a topic resource"},
		{[]string{"acl", "explain", "--principal", alice, "--operation", "Read"}, "name the resource"},
		{[]string{"acl", "delete"}, "an empty filter matches every ACL in the cluster: narrow it (--principal, --topic, ...) or add --all"},
		{[]string{"acl", "delete", "--yes"}, "add --all to delete them all"},
		{[]string{"acl", "delete", "--resource-pattern-type", "prefixed", "--yes"}, "add --all"},
		{[]string{"acl", "delete", "--all", "--principal", alice, "--yes"}, "--all deletes every ACL and cannot be combined with a filter"},
		{[]string{"acl", "delete", "--principal", "alice", "--yes"}, `invalid principal "alice"`},
		{[]string{"acl", "list", "--permission", "maybe"}, `unknown permission "maybe"`},
		{[]string{"acl", "list", "--topic", ""}, "--topic needs a name"},
	} {
		r := run(t, s.admin, "", tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, "Error: ") || !strings.Contains(r.stderr, tc.err) || r.stdout != "" {
			t.Errorf("kctl %s: exit %d, stdout %q, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), r.code, r.stdout, r.stderr, tc.err)
		}
	}
	if got := s.acls(t); !reflect.DeepEqual(got, before) {
		t.Errorf("bad input changed the ACLs:\n%s", dump(got))
	}
}

// TestNotAuthorized: a client without cluster rights gets an
// authorization error naming what it needs, exit 1.
func TestNotAuthorized(t *testing.T) {
	t.Parallel()
	s := startSecure(t)
	mustRun(t, s.admin, 0, "pw-of-carol", "user", "upsert", "carol", "--mechanism", "SCRAM-SHA-512", "--password-stdin")
	carol := testkit.SCRAMSettings(s.c.Addrs, "carol", "pw-of-carol")
	r := run(t, carol, "", "acl", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "not authorized to describe ACLs: User:carol needs Describe on the cluster (or to be a super user)") {
		t.Errorf("list: %+v", r)
	}
	r = run(t, carol, "", "acl", "add", "--allow-principal", "User:carol", "--operation", "All", "--cluster")
	if r.code != 1 || !strings.Contains(r.stderr, "not authorized to create ACLs: User:carol needs Alter on the cluster") {
		t.Errorf("add: %+v", r)
	}
	if got := s.acls(t); len(got) != 0 {
		t.Errorf("ACLs created:\n%s", dump(got))
	}
}

// TestUnreachable: a closed port fails within the timeout, exit 1, naming
// the broker.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	addr := testkit.ClosedAddr(t)
	s := config.Settings{Brokers: []string{addr}, SecurityProtocol: config.Plaintext, Timeout: 3 * time.Second}
	for _, args := range [][]string{
		{"acl", "list"},
		{"acl", "add", "--allow-principal", alice, "--consumer", "--topic", "t", "--group", "g"},
		{"acl", "delete", "--principal", alice, "--yes"},
		{"acl", "explain", "--principal", alice, "--operation", "Read", "--topic", "t"},
	} {
		// "connection refused" is the proof that nothing waited for the
		// timeout (a wall-time bound would only measure the machine's load).
		r := run(t, s, "", args...)
		if r.code != 1 || !strings.Contains(r.stderr, "broker "+addr+": connection refused") || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}
