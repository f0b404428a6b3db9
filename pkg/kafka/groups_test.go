package kafka_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

type tp = kafka.TopicPartition

// seedLag creates topic t (4 partitions: 10, 5, 0 and 3 records) and
// commits g1 = {p0: 4, p1: 5}, g2 = {p0: 10}, g3 = {p3: 0}.
func seedLag(t testing.TB, c *sandbox.Cluster) {
	t.Helper()
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 4, 1, nil); err != nil {
		t.Fatal(err)
	}
	var recs []sandbox.Record
	for p, n := range []int{10, 5, 0, 3} {
		for i := 0; i < n; i++ {
			recs = append(recs, sandbox.Record{Partition: int32(p), Value: "v", Timestamp: time.UnixMilli(1_700_000_000_000 + int64(i)*1000)})
		}
	}
	if err := c.Produce(ctx, "t", recs); err != nil {
		t.Fatal(err)
	}
	for g, offs := range map[string]map[int32]int64{"g1": {0: 4, 1: 5}, "g2": {0: 10}, "g3": {3: 0}} {
		if err := c.Commit(ctx, g, "t", offs); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGroupsAPIs(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	seedLag(t, c)
	a := testkit.Admin(t, testkit.Settings(c))
	ctx := context.Background()

	coords, failed, err := a.FindCoordinators(ctx, []string{"g1", "g2", "nope"})
	if err != nil || len(failed) != 0 {
		t.Fatalf("FindCoordinators: %v %v", err, failed)
	}
	for _, g := range []string{"g1", "g2", "nope"} {
		if coords[g].ID != c.Kfake.CoordinatorFor(g) {
			t.Errorf("coordinator of %s = %d, want %d", g, coords[g].ID, c.Kfake.CoordinatorFor(g))
		}
	}

	offs, err := a.FetchGroupOffsets(ctx, []string{"g1", "g2", "g3", "nope"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[tp]int64{
		"g1":   {{Topic: "t", Partition: 0}: 4, {Topic: "t", Partition: 1}: 5},
		"g2":   {{Topic: "t", Partition: 0}: 10},
		"g3":   {{Topic: "t", Partition: 3}: 0},
		"nope": {},
	}
	for g, w := range want {
		o := offs[g]
		if o == nil || o.Err != nil {
			t.Fatalf("%s: %+v", g, o)
		}
		if len(o.Offsets) != len(w) {
			t.Errorf("%s offsets = %v, want %v", g, o.Offsets, w)
		}
		for k, v := range w {
			if got, ok := o.Offsets[k]; !ok || got != v {
				t.Errorf("%s %v = %d (%v), want %d", g, k, got, ok, v)
			}
		}
	}

	descs, err := a.DescribeGroups(ctx, []string{"g1", "nope"})
	if err != nil {
		t.Fatal(err)
	}
	if d := descs["g1"]; d.Err != nil || d.State != "Empty" || d.Type != "classic" || len(d.Members) != 0 || d.Coordinator.ID != coords["g1"].ID {
		t.Errorf("g1 = %+v", d)
	}
	if d := descs["nope"]; d.Err != nil || d.Exists() {
		t.Errorf("nope = %+v, want Dead", d)
	}

	list, err := a.ListGroups(ctx)
	if err != nil || len(list.Errors) != 0 {
		t.Fatal(err, list.Errors)
	}
	var names []string
	for _, l := range list.Groups {
		names = append(names, l.Group)
		if l.Coordinator.ID != c.Kfake.CoordinatorFor(l.Group) {
			t.Errorf("%s listed by %d, coordinator %d", l.Group, l.Coordinator.ID, c.Kfake.CoordinatorFor(l.Group))
		}
	}
	if len(names) != 3 || names[0] != "g1" || names[2] != "g3" {
		t.Errorf("groups = %v", names)
	}
}

func leaderCount(c *sandbox.Cluster, topic string, n int32) int {
	ls := map[int32]bool{}
	for p := int32(0); p < n; p++ {
		ls[c.Kfake.LeaderFor(topic, p)] = true
	}
	return len(ls)
}

func TestLagNamedGroupPlan(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	seedLag(t, c)
	a := testkit.Admin(t, testkit.Settings(c))
	// Latency makes parallel requests overlap, so round trips are exact.
	c.Counter.SetLatency(50 * time.Millisecond)
	c.Counter.Reset()
	res, err := a.Lag(context.Background(), kafka.LagQuery{Groups: []string{"g1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 1 || res.Groups[0].Err != nil || !res.Groups[0].Exists {
		t.Fatalf("result = %+v", res.Groups[0])
	}
	g := res.Groups[0]
	if g.Committed[tp{Topic: "t", Partition: 0}] != 4 || g.End[tp{Topic: "t", Partition: 0}].Offset != 10 || g.End[tp{Topic: "t", Partition: 1}].Offset != 5 {
		t.Errorf("g1 = %+v", g)
	}
	counts := c.Counter.Counts()
	wantCounts := map[string]int{"FindCoordinator": 1, "OffsetFetch": 1, "DescribeGroups": 1, "ListOffsets": leaderCount(c, "t", 4)}
	for k, v := range wantCounts {
		if counts[k] != v {
			t.Errorf("%s requests = %d, want %d (all: %v)", k, counts[k], v, counts)
		}
	}
	if total := c.Counter.Total(); total != 3+leaderCount(c, "t", 4) {
		t.Errorf("requests = %d (%v)", total, counts)
	}
	settle(c)
	// 2 when parallel requests overlap; a slow dial under -race can
	// stretch that, so the test holds the budget (3) and the benchmark
	// reports the figure.
	if rt := c.Counter.RoundTrips(); rt > 3 {
		dumpRequests(t, c)
		t.Errorf("round trips after connect = %d, want at most 3", rt)
	}
}

func TestLagAllGroupsPlan(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	seedLag(t, c)
	a := testkit.Admin(t, testkit.Settings(c))
	c.Counter.SetLatency(50 * time.Millisecond)
	c.Counter.Reset()
	res, err := a.Lag(context.Background(), kafka.LagQuery{AllGroups: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) != 3 || len(res.Errors) != 0 {
		t.Fatalf("groups = %d, errors %v", len(res.Groups), res.Errors)
	}
	coordinators := map[int32]bool{}
	for _, g := range []string{"g1", "g2", "g3"} {
		coordinators[c.Kfake.CoordinatorFor(g)] = true
	}
	counts := c.Counter.Counts()
	want := map[string]int{"ListGroups": 3, "ListOffsets": leaderCount(c, "t", 4), "OffsetFetch": len(coordinators), "DescribeGroups": len(coordinators)}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("%s requests = %d, want %d (all: %v)", k, counts[k], v, counts)
		}
	}
	settle(c)
	// 2 when parallel requests overlap; a slow dial under -race can
	// stretch that, so the test holds the budget (3) and the benchmark
	// reports the figure.
	if rt := c.Counter.RoundTrips(); rt > 3 {
		dumpRequests(t, c)
		t.Errorf("round trips after connect = %d, want at most 3", rt)
	}
	pat, err := a.Lag(context.Background(), kafka.LagQuery{Pattern: regexp.MustCompile("^g[12]$")})
	if err != nil || len(pat.Groups) != 2 || pat.Groups[0].Group != "g1" || pat.Groups[1].Group != "g2" {
		t.Fatalf("pattern: %v %+v", err, pat)
	}
}

func dumpRequests(t testing.TB, c *sandbox.Cluster) {
	rs := c.Counter.Requests()
	if len(rs) == 0 {
		return
	}
	t0 := rs[0].Start
	for _, r := range rs {
		t.Logf("conn %2d key %2d v%d  %8v .. %8v", r.Conn, r.Key, r.Version, r.Start.Sub(t0), r.End.Sub(t0))
	}
}

// settle waits until the counter saw every response written: the client
// can read an answer before the server's Write call returns.
func settle(c *sandbox.Cluster) {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		open := 0
		for _, r := range c.Counter.Requests() {
			if r.End.IsZero() {
				open++
			}
		}
		if open == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestIsConsumerGroup(t *testing.T) {
	for _, c := range []struct {
		l    kafka.GroupListing
		want bool
	}{
		{kafka.GroupListing{Type: "classic", ProtocolType: "consumer"}, true},
		{kafka.GroupListing{Type: "consumer", ProtocolType: "consumer"}, true},
		{kafka.GroupListing{ProtocolType: "connect"}, true},
		{kafka.GroupListing{}, true},
		{kafka.GroupListing{Type: "share", ProtocolType: "share"}, false},
	} {
		if got := kafka.IsConsumerGroup(c.l); got != c.want {
			t.Errorf("%+v: %v", c.l, got)
		}
	}
}
