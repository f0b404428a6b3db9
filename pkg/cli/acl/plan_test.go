package acl_test

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// counted starts a plaintext sandbox whose listener counts requests (the
// counter sees plaintext only, so the authorizer is off, and the ACL APIs
// answer as if it were on: request plans do not depend on it).
func counted(t testing.TB, brokers int) (*sandbox.Cluster, config.Settings) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: brokers, Count: true, ACLsUnchecked: true})
	return c, testkit.Settings(c)
}

// TestRequestPlans: each command sends the fewest requests the protocol
// allows, whatever the number of ACLs: one CreateAcls carrying every
// creation, one DescribeAcls for list and explain, DescribeAcls then one
// DeleteAcls carrying every filter for delete.
func TestRequestPlans(t *testing.T) {
	t.Parallel()
	c, s := counted(t, 3)
	for _, tc := range []struct {
		stdin string
		args  []string
		want  map[string]int
	}{
		{"", []string{"acl", "add", "--allow-principal", "User:alice", "--allow-principal", "User:bob", "--producer", "--consumer", "--idempotent",
			"--topic", "a", "--topic", "b", "--topic", "c", "--group", "g", "--transactional-id", "tx"},
			map[string]int{"Metadata": 1, "CreateACLs": 1}},
		{"", []string{"acl", "list", "--topic", "a"}, map[string]int{"Metadata": 1, "DescribeACLs": 1}},
		{"", []string{"acl", "explain", "--principal", "User:alice", "--operation", "Describe", "--topic", "b"}, map[string]int{"Metadata": 1, "DescribeACLs": 1}},
		{"", []string{"acl", "delete", "--principal", "User:bob"}, map[string]int{"Metadata": 1, "DescribeACLs": 1}},
		{"", []string{"acl", "delete", "--principal", "User:bob", "--yes"}, map[string]int{"Metadata": 1, "DescribeACLs": 1, "DeleteACLs": 1}},
		{"pw", []string{"user", "upsert", "u1", "--mechanism", "SCRAM-SHA-256", "--password-stdin"}, map[string]int{"Metadata": 1, "AlterUserSCRAMCredentials": 1}},
		{"", []string{"user", "list"}, map[string]int{"Metadata": 1, "DescribeUserSCRAMCredentials": 1}},
		{"", []string{"user", "delete", "u1", "--mechanism", "SCRAM-SHA-256"}, map[string]int{"Metadata": 1, "AlterUserSCRAMCredentials": 1}},
	} {
		c.Counter.Reset()
		r := run(t, s, tc.stdin, tc.args...)
		if r.code != 0 && !(r.code == 2 && tc.args[1] == "delete" && !strings.Contains(strings.Join(tc.args, " "), "--yes")) {
			t.Fatalf("%v: exit %d: %s", tc.args, r.code, r.stderr)
		}
		if got := c.Counter.Counts(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("kctl %s sent %v, want %v", strings.Join(tc.args, " "), got, tc.want)
		}
	}
}

func benchCommand(b *testing.B, setup []string, args ...string) {
	c, s := counted(b, 3)
	c.Counter.SetLatency(time.Millisecond)
	if len(setup) > 0 {
		if r := run(b, s, "", setup...); r.code != 0 {
			b.Fatalf("setup: %s", r.stderr)
		}
	}
	var peak uint64
	var reqs, trips int
	b.ResetTimer()
	for range b.N {
		c.Counter.Reset()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		if r := run(b, s, "", args...); r.code != 0 && r.code != 2 {
			b.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		peak = max(peak, after.HeapAlloc)
		reqs += c.Counter.Total()
		trips += c.Counter.RoundTrips()
	}
	b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
	b.ReportMetric(float64(trips)/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
}

// BenchmarkACLAddProducerConsumer: 2 principals × (3 topics × 4 ops + 1
// group + 2 transactional-id ops + IdempotentWrite) = 32 ACLs, one
// CreateAcls.
func BenchmarkACLAddProducerConsumer(b *testing.B) {
	benchCommand(b, nil, "acl", "add", "--allow-principal", "User:alice", "--allow-principal", "User:bob", "--producer", "--consumer", "--idempotent",
		"--topic", "a", "--topic", "b", "--topic", "c", "--group", "g", "--transactional-id", "tx")
}

// BenchmarkACLExplain: one DescribeAcls over the topic ACLs.
func BenchmarkACLExplain(b *testing.B) {
	benchCommand(b, []string{"acl", "add", "--allow-principal", "User:alice", "--consumer", "--topic", "orders", "--group", "g1"},
		"acl", "explain", "--principal", "User:alice", "--operation", "Read", "--topic", "orders")
}
