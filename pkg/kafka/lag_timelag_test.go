package kafka_test

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// Several groups commit the same partitions at different offsets: still
// one Fetch per leader broker (each partition fetched from its smallest
// committed offset, the other offsets read from the same answer), and every
// record's timestamp exact.
func TestLagTimeLagDistinctOffsetsOneFetchPerLeader(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "tl", 3, 1, nil); err != nil {
		t.Fatal(err)
	}
	base := time.UnixMilli(1_700_000_000_000)
	var recs []sandbox.Record
	for p := int32(0); p < 3; p++ {
		for i := 0; i < 20; i++ {
			recs = append(recs, sandbox.Record{Partition: p, Value: "v", Timestamp: base.Add(time.Duration(i) * time.Second)})
		}
	}
	if err := c.Produce(ctx, "tl", recs); err != nil {
		t.Fatal(err)
	}
	commits := map[string]map[int32]int64{
		"ga": {0: 2, 1: 5, 2: 19},
		"gb": {0: 7, 1: 5, 2: 3},
		"gc": {0: 15, 1: 0},
		"gd": {0: 20, 2: 20}, // caught up: nothing to fetch
	}
	for g, offs := range commits {
		if err := c.Commit(ctx, g, "tl", offs); err != nil {
			t.Fatal(err)
		}
	}
	a := testkit.Admin(t, testkit.Settings(c))
	c.Counter.SetLatency(50 * time.Millisecond)
	c.Counter.Reset()
	res, err := a.Lag(ctx, kafka.LagQuery{Groups: []string{"ga", "gb", "gc", "gd"}, TimeLag: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Counter.Counts()["Fetch"], leaderCount(c, "tl", 3); got != want {
		t.Errorf("Fetch requests = %d, want one per leader (%d)", got, want)
	}
	settle(c)
	if rt := c.Counter.RoundTrips(); rt > 4 {
		dumpRequests(t, c)
		t.Errorf("round trips = %d, want at most 4 (3 + the fetch)", rt)
	}
	for _, g := range res.Groups {
		if g.Err != nil {
			t.Fatalf("%s: %v", g.Group, g.Err)
		}
		var got, want []string
		for p, off := range commits[g.Group] {
			if off < 20 {
				want = append(want, fmt.Sprintf("%d@%d=%d", p, off, base.Add(time.Duration(off)*time.Second).UnixMilli()))
			}
			if ts, ok := g.RecordTime[tp{Topic: "tl", Partition: p}]; ok {
				got = append(got, fmt.Sprintf("%d@%d=%d", p, off, ts))
			}
		}
		if strings.Join(sorted(got), " ") != strings.Join(sorted(want), " ") {
			t.Errorf("%s record times: %v, want %v", g.Group, sorted(got), sorted(want))
		}
	}
}

// Committed offsets too far apart for one answer (300 KiB records, one per
// batch): the offsets the first Fetch did not reach take one more round of
// Fetches in parallel, one per remaining distinct offset, and the
// timestamps are still exact.
func TestLagTimeLagOffsetsFarApart(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "big", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	base := time.UnixMilli(1_700_000_000_000)
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 12; i++ { // one batch per record, random bytes (the producer compresses)
		value := make([]byte, 300<<10)
		r.Read(value)
		if err := c.Produce(ctx, "big", []sandbox.Record{{Value: string(value), Timestamp: base.Add(time.Duration(i) * time.Second)}}); err != nil {
			t.Fatal(err)
		}
	}
	commits := map[string]int64{"g0": 0, "g1": 1, "g10": 10, "g11": 11}
	for g, off := range commits {
		if err := c.Commit(ctx, g, "big", map[int32]int64{0: off}); err != nil {
			t.Fatal(err)
		}
	}
	a := testkit.Admin(t, testkit.Settings(c))
	c.Counter.SetLatency(50 * time.Millisecond)
	c.Counter.Reset()
	res, err := a.Lag(ctx, kafka.LagQuery{Groups: []string{"g0", "g1", "g10", "g11"}, TimeLag: true})
	if err != nil {
		t.Fatal(err)
	}
	// The first answer (1 MiB limit) holds offsets 0-2; 10 and 11 are
	// fetched in the second round, in parallel.
	if got := c.Counter.Counts()["Fetch"]; got != 3 {
		t.Errorf("Fetch requests = %d, want 3 (1, then 2 in parallel)", got)
	}
	settle(c)
	if rt := c.Counter.RoundTrips(); rt > 5 {
		dumpRequests(t, c)
		t.Errorf("round trips = %d, want at most 5 (3 + two fetch rounds)", rt)
	}
	for _, g := range res.Groups {
		off := commits[g.Group]
		if ts, ok := g.RecordTime[tp{Topic: "big", Partition: 0}]; !ok || ts != base.Add(time.Duration(off)*time.Second).UnixMilli() {
			t.Errorf("%s (offset %d): record time %d (%v), want %d", g.Group, off, ts, ok, base.Add(time.Duration(off)*time.Second).UnixMilli())
		}
	}
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
