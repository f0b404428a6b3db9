package acl_test

import (
	"reflect"
	"strings"
	"testing"

	. "github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/acl/acltest"
)

func TestExplain(t *testing.T) {
	for _, tc := range acltest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			got := Explain(tc.ACLs, tc.Query)
			want := []ACL{}
			for _, i := range tc.Matched {
				want = append(want, tc.ACLs[i])
			}
			if got.Decision != tc.Want {
				t.Errorf("decision %s, want %s (reason: %s)", got.Decision, tc.Want, got.Reason)
			}
			if len(got.Matched) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got.Matched, want)) {
				t.Errorf("matched\n%s\nwant\n%s", dump(got.Matched), dump(want))
			}
			if got.Matched == nil {
				t.Error("matched is nil: JSON would say null, not []")
			}
			if !strings.Contains(got.Reason, tc.Reason) {
				t.Errorf("reason %q lacks %q", got.Reason, tc.Reason)
			}
			if got.Decision == Denied && !strings.Contains(got.Reason, "super users (broker config super.users) bypass ACLs and are not visible to clients") {
				t.Errorf("denied without the super-user note: %q", got.Reason)
			}
		})
	}
}

func TestExplainUnknownHost(t *testing.T) {
	acls := []ACL{
		acltest.WithHost(acltest.Lit(PermAllow, "User:alice", OpRead, ResourceTopic, "orders"), "10.0.0.1"),
		acltest.WithHost(acltest.Lit(PermDeny, "User:alice", OpRead, ResourceTopic, "orders"), "10.0.0.2"),
	}
	got := Explain(acls, Query{Principal: "User:alice", Operation: OpRead, ResourceType: ResourceTopic, ResourceName: "orders"})
	if got.Decision != Denied || len(got.Matched) != 0 {
		t.Fatalf("%+v", got)
	}
	want := "2 ACL(s) for specific hosts (10.0.0.1, 10.0.0.2) were not considered: from those hosts the decision may differ (pass --host)"
	if !strings.Contains(got.Reason, want) {
		t.Errorf("reason %q lacks %q", got.Reason, want)
	}
	// With a star ACL the host-specific deny still counts as a note.
	acls = append(acls, acltest.Lit(PermAllow, "User:alice", OpRead, ResourceTopic, "*"))
	got = Explain(acls, Query{Principal: "User:alice", Operation: OpRead, ResourceType: ResourceTopic, ResourceName: "orders"})
	if got.Decision != Allowed || !strings.Contains(got.Reason, "were not considered") {
		t.Errorf("%+v", got)
	}
}

// IdempotentWrite on the cluster: a denial names the Write-on-any-topic
// path of Kafka 2.8+ (KIP-679); an allow does not.
func TestExplainIdempotentWriteNote(t *testing.T) {
	q := Query{Principal: "User:alice", Operation: OpIdempotentWrite, ResourceType: ResourceCluster}
	got := Explain(nil, q)
	want := "no ACL matches: denied unless allow.everyone.if.no.acl.found=true; " +
		"brokers since Kafka 2.8 (KIP-679) also let an idempotent producer in with Write on any topic: ask about --operation Write --topic T too; " +
		"super users (broker config super.users) bypass ACLs and are not visible to clients"
	if got.Decision != Denied || got.Reason != want {
		t.Errorf("got %s %q\nwant %q", got.Decision, got.Reason, want)
	}
	allow := []ACL{acltest.Lit(PermAllow, "User:alice", OpIdempotentWrite, ResourceCluster, ClusterName)}
	got = Explain(allow, q)
	if got.Decision != Allowed || got.Reason != "User:alice IdempotentWrite on cluster kafka-cluster is allowed by 1 ALLOW ACL(s)" {
		t.Errorf("got %s %q", got.Decision, got.Reason)
	}
	// Not on other operations.
	got = Explain(nil, Query{Principal: "User:alice", Operation: OpAlter, ResourceType: ResourceCluster})
	if strings.Contains(got.Reason, "KIP-679") {
		t.Errorf("reason %q", got.Reason)
	}
}

func TestQueryValidate(t *testing.T) {
	for _, tc := range []struct {
		q   Query
		err string
	}{
		{Query{Principal: "User:alice", Operation: OpRead, ResourceType: ResourceTopic, ResourceName: "t"}, ""},
		{Query{Principal: "alice", Operation: OpRead, ResourceType: ResourceTopic, ResourceName: "t"}, "invalid principal"},
		{Query{Principal: "User:alice", Operation: OpAll, ResourceType: ResourceTopic, ResourceName: "t"}, "not All"},
		{Query{Principal: "User:alice", Operation: OpIdempotentWrite, ResourceType: ResourceTopic, ResourceName: "t"}, "not valid on a topic"},
	} {
		err := tc.q.Validate()
		if (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%+v: %v, want %q", tc.q, err, tc.err)
		}
	}
}

func dump(acls []ACL) string {
	var b strings.Builder
	for _, a := range acls {
		b.WriteString("  " + a.String() + "\n")
	}
	return b.String()
}
