package acl_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/acl/acltest"
)

// probe performs, as the client cl, a real request that the broker
// authorizes with exactly q's operation on q's resource, and reports
// whether the broker allowed it. ok is false for operations without a
// harmless probe (Write, Create, Alter, AlterConfigs on topics): the table
// holds none of those, since every case must be checked both ways.
func probe(t *testing.T, cl *kgo.Client, q acl.Query) (allowed, ok bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b := cl.Broker(0) // the one broker: coordinator and leader of everything
	code := func(req kmsg.Request) int16 {
		resp, err := b.Request(ctx, req)
		if err != nil {
			t.Fatalf("probe %s: %v", kmsg.NameForKey(req.Key()), err)
		}
		switch r := resp.(type) {
		case *kmsg.MetadataResponse:
			return r.Topics[0].ErrorCode
		case *kmsg.FetchResponse:
			return r.Topics[0].Partitions[0].ErrorCode
		case *kmsg.DeleteRecordsResponse:
			return r.Topics[0].Partitions[0].ErrorCode
		case *kmsg.DescribeConfigsResponse:
			return r.Resources[0].ErrorCode
		case *kmsg.OffsetCommitResponse:
			return r.Topics[0].Partitions[0].ErrorCode
		case *kmsg.DescribeGroupsResponse:
			return r.Groups[0].ErrorCode
		case *kmsg.DescribeACLsResponse:
			return r.ErrorCode
		case *kmsg.DeleteACLsResponse:
			return r.Results[0].ErrorCode
		case *kmsg.FindCoordinatorResponse:
			return r.ErrorCode
		case *kmsg.InitProducerIDResponse:
			return r.ErrorCode
		}
		t.Fatalf("unexpected response %T", resp)
		return 0
	}
	denied := func(c int16, authErr *kerr.Error) bool {
		if c != 0 && c != authErr.Code {
			t.Fatalf("probe for %+v: error code %d (%v), neither allowed nor denied", q, c, kerr.ErrorForCode(c))
		}
		return c == authErr.Code
	}
	name := q.ResourceName
	switch q.ResourceType {
	case acl.ResourceTopic:
		switch q.Operation {
		case acl.OpDescribe:
			req := kmsg.NewPtrMetadataRequest()
			rt := kmsg.NewMetadataRequestTopic()
			rt.Topic = kmsg.StringPtr(name)
			req.Topics = append(req.Topics, rt)
			return !denied(code(req), kerr.TopicAuthorizationFailed), true
		case acl.OpRead:
			req := kmsg.NewPtrFetchRequest()
			req.ReplicaID, req.MaxBytes, req.SessionEpoch = -1, 1<<20, -1
			ft := kmsg.NewFetchRequestTopic()
			ft.Topic = name
			fp := kmsg.NewFetchRequestTopicPartition()
			fp.PartitionMaxBytes, fp.CurrentLeaderEpoch, fp.LogStartOffset = 1<<20, -1, -1
			ft.Partitions = append(ft.Partitions, fp)
			req.Topics = append(req.Topics, ft)
			return !denied(code(req), kerr.TopicAuthorizationFailed), true
		case acl.OpDelete:
			req := kmsg.NewPtrDeleteRecordsRequest()
			req.TimeoutMillis = 5000
			dt := kmsg.NewDeleteRecordsRequestTopic()
			dt.Topic = name
			dp := kmsg.NewDeleteRecordsRequestTopicPartition()
			dp.Offset = 0 // deletes nothing
			dt.Partitions = append(dt.Partitions, dp)
			req.Topics = append(req.Topics, dt)
			return !denied(code(req), kerr.TopicAuthorizationFailed), true
		case acl.OpDescribeConfigs:
			req := kmsg.NewPtrDescribeConfigsRequest()
			r := kmsg.NewDescribeConfigsRequestResource()
			r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, name
			req.Resources = append(req.Resources, r)
			return !denied(code(req), kerr.TopicAuthorizationFailed), true
		}
	case acl.ResourceGroup:
		switch q.Operation {
		case acl.OpRead:
			// A standalone commit checks Read on the group first; with the
			// group allowed it fails (or not) on the topic instead.
			req := kmsg.NewPtrOffsetCommitRequest()
			req.Group, req.Generation = name, -1
			ct := kmsg.NewOffsetCommitRequestTopic()
			ct.Topic = "orders"
			cp := kmsg.NewOffsetCommitRequestTopicPartition()
			cp.LeaderEpoch = -1
			ct.Partitions = append(ct.Partitions, cp)
			req.Topics = append(req.Topics, ct)
			c := code(req)
			return c != kerr.GroupAuthorizationFailed.Code, true
		case acl.OpDescribe:
			req := kmsg.NewPtrDescribeGroupsRequest()
			req.Groups = []string{name}
			return !denied(code(req), kerr.GroupAuthorizationFailed), true
		}
	case acl.ResourceCluster:
		switch q.Operation {
		case acl.OpDescribe:
			req := kmsg.NewPtrDescribeACLsRequest()
			req.ResourceType, req.ResourcePatternType = kmsg.ACLResourceTypeAny, kmsg.ACLResourcePatternTypeAny
			req.Operation, req.PermissionType = kmsg.ACLOperationAny, kmsg.ACLPermissionTypeAny
			return !denied(code(req), kerr.ClusterAuthorizationFailed), true
		case acl.OpAlter:
			req := kmsg.NewPtrDeleteACLsRequest()
			f := kmsg.NewDeleteACLsRequestFilter()
			f.ResourceType, f.ResourceName, f.ResourcePatternType = kmsg.ACLResourceTypeTopic, kmsg.StringPtr("no-such-acl"), kmsg.ACLResourcePatternTypeLiteral
			f.Operation, f.PermissionType = kmsg.ACLOperationAny, kmsg.ACLPermissionTypeAny
			req.Filters = append(req.Filters, f)
			return !denied(code(req), kerr.ClusterAuthorizationFailed), true
		}
	case acl.ResourceTransactionalID:
		switch q.Operation {
		case acl.OpDescribe:
			req := kmsg.NewPtrFindCoordinatorRequest()
			req.CoordinatorType, req.CoordinatorKey = 1, name
			return !denied(code(req), kerr.TransactionalIDAuthorizationFailed), true
		case acl.OpWrite:
			req := kmsg.NewPtrInitProducerIDRequest()
			req.TransactionalID, req.TransactionTimeoutMillis = kmsg.StringPtr(name), 60000
			return !denied(code(req), kerr.TransactionalIDAuthorizationFailed), true
		}
	}
	return false, false
}

func resourceArgs(q acl.Query) []string {
	switch q.ResourceType {
	case acl.ResourceTopic:
		return []string{"--topic", q.ResourceName}
	case acl.ResourceGroup:
		return []string{"--group", q.ResourceName}
	case acl.ResourceTransactionalID:
		return []string{"--transactional-id", q.ResourceName}
	}
	return []string{"--cluster"}
}

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
				"--operation", q.Operation.String()}, resourceArgs(q)...)
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
			allowed, ok := probe(t, alice, q)
			if !ok {
				t.Fatalf("no broker probe for %s on %s: every case must be checked against the authorizer", q.Operation, q.ResourceType)
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
