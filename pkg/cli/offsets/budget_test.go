package offsets_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/kafka/kafkatest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// leaders counts the distinct leaders of the fixture's partitions.
func leaders(c *sandbox.Cluster, topics map[string]int32) int {
	ls := map[int32]bool{}
	for t, n := range topics {
		for p := int32(0); p < n; p++ {
			ls[c.Kfake.LeaderFor(t, p)] = true
		}
	}
	return len(ls)
}

func coordinators(c *sandbox.Cluster, groups ...string) int {
	cs := map[int32]bool{}
	for _, g := range groups {
		cs[c.Kfake.CoordinatorFor(g)] = true
	}
	return len(cs)
}

// The plan's requests and round trips, counted without a clock (waveGate):
// Metadata (at connect); FindCoordinator ∥ both ListOffsets per leader (the
// plan opens a connection for each at once); DescribeGroups ∥ OffsetFetch
// at the coordinator. --execute adds the state re-check (DescribeGroups),
// one OffsetCommit per group and the OffsetFetch read-back, each a round
// trip of its own.
func TestResetRequestBudget(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{Brokers: 3, Count: true})
	nl := leaders(c, map[string]int32{"orders": 3, "events": 1})
	c.Counter.Reset()
	g := kafkatest.GateWaves(t, c, kafkatest.Wave{"Metadata": 1}, kafkatest.Wave{"FindCoordinator": 1, "ListOffsets": 2 * nl},
		kafkatest.Wave{"DescribeGroups": 1, "OffsetFetch": 1})
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "-t", "events", "--to-datetime", "2026-11-25T10:01:30Z")
	g.Check(t)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	want := map[string]int{"Metadata": 1, "FindCoordinator": 1, "DescribeGroups": 1, "OffsetFetch": 1, "ListOffsets": 2 * nl}
	if got := c.Counter.Counts(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("dry run requests %v, want %v", got, want)
	}

	c.Counter.Reset()
	g = kafkatest.GateWaves(t, c, kafkatest.Wave{"Metadata": 1}, kafkatest.Wave{"FindCoordinator": 1, "ListOffsets": 2 * nl},
		kafkatest.Wave{"DescribeGroups": 1, "OffsetFetch": 1},
		kafkatest.Wave{"DescribeGroups": 1}, kafkatest.Wave{"OffsetCommit": 1}, kafkatest.Wave{"OffsetFetch": 1})
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "-t", "events", "--to-offset", "2", "--execute", "--undo-file", filepath.Join(t.TempDir(), "u"))
	g.Check(t)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	want = map[string]int{"Metadata": 1, "FindCoordinator": 1, "DescribeGroups": 2, "OffsetFetch": 2, "ListOffsets": 2 * nl, "OffsetCommit": 1}
	if got := c.Counter.Counts(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("execute requests %v, want %v", got, want)
	}

	// --to-latest needs one ListOffsets per leader, nothing else.
	c.Counter.Reset()
	g = kafkatest.GateWaves(t, c, kafkatest.Wave{"Metadata": 1}, kafkatest.Wave{"FindCoordinator": 1, "ListOffsets": nl}, kafkatest.Wave{"DescribeGroups": 1, "OffsetFetch": 1})
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "-t", "events", "--to-latest")
	g.Check(t)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if got := c.Counter.Counts()["ListOffsets"]; got != nl {
		t.Errorf("--to-latest: %d ListOffsets, want %d", got, nl)
	}
}

// More groups and partitions do not mean more plan requests (except one
// OffsetCommit per group: the protocol carries one group per commit).
func TestResetRequestsIndependentOfSize(t *testing.T) {
	t.Parallel()
	c := testkitCluster(t)
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "wide", 60, 1, nil); err != nil {
		t.Fatal(err)
	}
	var groups []string
	args := []string{"offsets", "reset", "-t", "wide", "--to-earliest", "--execute", "--undo-file", filepath.Join(t.TempDir(), "u")}
	for i := 0; i < 12; i++ {
		g := fmt.Sprintf("grp-%02d", i)
		groups = append(groups, g)
		offs := map[int32]int64{}
		for p := int32(0); p < 60; p++ {
			offs[p] = 0
		}
		if err := c.Commit(ctx, g, "wide", offs); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-g", g)
	}
	nl := leaders(c, map[string]int32{"wide": 60})
	nc := coordinators(c, groups...)
	c.Counter.Reset()
	r := run(t, c, args...)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	got := c.Counter.Counts()
	if got["ListOffsets"] != 2*nl || got["DescribeGroups"] != 2*nc || got["OffsetFetch"] != 2*nc || got["OffsetCommit"] != len(groups) || got["Metadata"] != 1 {
		t.Fatalf("requests %v: want ListOffsets %d, DescribeGroups and OffsetFetch %d, OffsetCommit %d", got, 2*nl, 2*nc, len(groups))
	}
	// Coordinator lookup: FindCoordinator v3 carries one group, so the
	// lag helper answers with one ListGroups per broker for many groups.
	if got["FindCoordinator"]+got["ListGroups"] > len(groups) {
		t.Errorf("coordinator lookups %v", got)
	}
}

func testkitCluster(t testing.TB) *sandbox.Cluster {
	t.Helper()
	c, err := sandbox.Start(sandbox.Options{Brokers: 3, Count: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// BenchmarkResetPlan measures a dry-run --to-datetime plan and an
// executed reset of 12 groups × 60 partitions: requests, round trips
// (with 5 ms injected per request), wall time and peak heap.
func BenchmarkResetPlan(b *testing.B) {
	for _, execute := range []bool{false, true} {
		name := "dry-run"
		if execute {
			name = "execute"
		}
		b.Run(name, func(b *testing.B) {
			c := testkitCluster(b)
			ctx := context.Background()
			if err := c.CreateTopic(ctx, "wide", 60, 1, nil); err != nil {
				b.Fatal(err)
			}
			base := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
			var recs []sandbox.Record
			for p := int32(0); p < 60; p++ {
				for i := 0; i < 5; i++ {
					recs = append(recs, sandbox.Record{Partition: p, Value: "v", Timestamp: base.Add(time.Duration(i) * time.Minute)})
				}
			}
			if err := c.Produce(ctx, "wide", recs); err != nil {
				b.Fatal(err)
			}
			args := []string{"offsets", "reset", "-t", "wide", "--to-datetime", "2026-11-25T10:02:30Z"}
			for i := 0; i < 12; i++ {
				g := fmt.Sprintf("grp-%02d", i)
				if err := c.Commit(ctx, g, "wide", map[int32]int64{0: 1}); err != nil {
					b.Fatal(err)
				}
				args = append(args, "-g", g)
			}
			if execute {
				args = append(args, "--execute")
			}
			c.Counter.SetLatency(5 * time.Millisecond)
			heap := testkit.StartHeapSampler()
			reqs, rts := 0, 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c.Counter.Reset()
				a := args
				if execute {
					a = append(append([]string(nil), args...), "--undo-file", filepath.Join(b.TempDir(), fmt.Sprint("u", i)))
				}
				r := run(b, c, a...)
				if r.Code != 0 {
					b.Fatalf("exit %d: %s", r.Code, r.Stderr)
				}
				reqs += c.Counter.Total()
				rts += c.Counter.RoundTrips()
			}
			b.StopTimer()
			peak := heap.Stop()
			b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
			b.ReportMetric(float64(rts)/float64(b.N), "roundtrips/op")
			b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
		})
	}
}
