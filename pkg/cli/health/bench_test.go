package health_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// BenchmarkHealth measures a full `kctl health` (every check, 10 named
// groups with time lag) on a 3-broker sandbox with 100 topics of 6
// partitions: requests and round trips per run, wall time with 5ms added
// to every request, and peak heap.
func BenchmarkHealth(b *testing.B) {
	c := testkit.Cluster(b, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		if err := c.CreateTopic(ctx, "t"+strconv.Itoa(i), 6, 3, nil); err != nil {
			b.Fatal(err)
		}
	}
	var recs []sandbox.Record
	for p := int32(0); p < 6; p++ {
		for i := 0; i < 20; i++ {
			recs = append(recs, sandbox.Record{Partition: p, Value: "v", Timestamp: time.Now().Add(-time.Hour)})
		}
	}
	if err := c.Produce(ctx, "t0", recs); err != nil {
		b.Fatal(err)
	}
	args := []string{"--brokers", c.Addrs[0], "--timeout", "20s", "health", "--expect-brokers", "3", "--format", "nagios"}
	for g := 0; g < 10; g++ {
		name := "g" + strconv.Itoa(g)
		if err := c.Commit(ctx, name, "t0", map[int32]int64{0: 10, 1: 10, 2: 10, 3: 20, 4: 20, 5: 20}); err != nil {
			b.Fatal(err)
		}
		args = append(args, "--group", name)
	}
	c.Counter.SetLatency(5 * time.Millisecond)

	heap := testkit.StartHeapSampler()
	requests, trips := 0, 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Counter.Reset()
		r := run(b, args...)
		if r.Code != 0 {
			b.Fatalf("exit %d: %s %s", r.Code, r.Stdout, r.Stderr)
		}
		requests += c.Counter.Total()
		trips += c.Counter.RoundTrips()
	}
	b.StopTimer()
	peak := heap.Stop()
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(trips)/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
}
