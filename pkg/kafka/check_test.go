package kafka_test

import (
	"context"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/doctor"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// answered checks that every counted request has its response recorded.
// No waiting is needed: the counter marks a response finished before its
// bytes leave (sandbox/counter.go), so once the check has read every
// answer, every End is set.
func answered(t testing.TB, c *sandbox.Counter) {
	t.Helper()
	for _, r := range c.Requests() {
		if r.End.IsZero() {
			t.Fatalf("request %d v%d on conn %d has no recorded response", r.Key, r.Version, r.Conn)
		}
	}
}

// The doctor's plan: one connection per address, ApiVersions then
// Metadata on each; the advertised brokers in parallel after the
// bootstrap answered.
func TestCheckConnectivityRequestPlan(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	// Latency makes parallel requests overlap, so round trips count waits
	// rather than how fast the sandbox happened to be.
	c.Counter.SetLatency(30 * time.Millisecond)
	cases := []struct {
		name        string
		bootstrap   []string
		conns, reqs int
		metadata    int
		roundTrips  int
	}{
		{"one bootstrap address", c.Addrs[:1], 3, 6, 3, 2},
		{"every broker as bootstrap", c.Addrs, 3, 6, 3, 1},
	}
	for _, tc := range cases {
		c.Counter.Reset()
		conns0 := c.Counter.Connections()
		s := testkit.Settings(c)
		s.Brokers = tc.bootstrap
		r, err := kafka.CheckConnectivity(context.Background(), s, kafka.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status() != doctor.Pass || len(r.Targets) != 3 {
			t.Fatalf("%s: %s, %d targets", tc.name, r.Status(), len(r.Targets))
		}
		answered(t, c.Counter)
		conns := c.Counter.Connections() - conns0
		reqs := len(c.Counter.Requests())
		md := c.Counter.Counts()["Metadata"]
		rt := c.Counter.RoundTrips()
		if conns != tc.conns || reqs != tc.reqs || md != tc.metadata || rt != tc.roundTrips {
			t.Errorf("%s: %d connections, %d requests, %d Metadata, %d round trips; want %d, %d, %d, %d",
				tc.name, conns, reqs, md, rt, tc.conns, tc.reqs, tc.metadata, tc.roundTrips)
		}
	}
}

func benchmarkCheck(b *testing.B, brokers int, latency time.Duration) {
	c := testkit.Cluster(b, sandbox.Options{Brokers: brokers, Count: true})
	c.Counter.SetLatency(latency)
	s := testkit.Settings(c)
	s.Brokers = c.Addrs[:1]
	var reqs, conns, rts int
	var peak uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Counter.Reset()
		conns0 := c.Counter.Connections()
		p := testkit.HeapPeak(func() {
			r, err := kafka.CheckConnectivity(context.Background(), s, kafka.CheckOptions{})
			if err != nil || r.Status() != doctor.Pass {
				b.Fatalf("%v %s", err, r.Verdict())
			}
		})
		b.StopTimer()
		answered(b, c.Counter)
		reqs += len(c.Counter.Requests())
		conns += c.Counter.Connections() - conns0
		rts += c.Counter.RoundTrips()
		peak = max(peak, p)
		b.StartTimer()
	}
	b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
	b.ReportMetric(float64(conns)/float64(b.N), "connections/op")
	b.ReportMetric(float64(rts)/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
}

// BenchmarkCheckConnectivity: requests grow with brokers (2 per broker:
// ApiVersions and Metadata), round trips and wall time do not (brokers are
// probed in parallel). With 20ms per Metadata the wall time stays ~2×20ms.
func BenchmarkCheckConnectivity(b *testing.B) {
	b.Run("brokers=3", func(b *testing.B) { benchmarkCheck(b, 3, 0) })
	b.Run("brokers=12", func(b *testing.B) { benchmarkCheck(b, 12, 0) })
	b.Run("brokers=12/latency=20ms", func(b *testing.B) { benchmarkCheck(b, 12, 20*time.Millisecond) })
}
