package cluster_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/cluster"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// BenchmarkClusterDescribe: a whole `cluster describe`, connection included,
// on a 3-broker sandbox: requests (ApiVersions and SASL excluded), round
// trips and peak heap.
func BenchmarkClusterDescribe(b *testing.B) {
	c := testkit.Cluster(b, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	var reqs, trips int
	var peak uint64
	var ms runtime.MemStats
	for i := 0; i < b.N; i++ {
		f, _ := testkit.Factory(b, testkit.Settings(c), "json")
		c.Counter.Reset()
		if err := cluster.RunDescribe(ctx, &cluster.DescribeOptions{F: f}); err != nil {
			b.Fatal(err)
		}
		reqs += c.Counter.Total()
		trips += c.Counter.RoundTrips()
		f.Close()
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
	b.ReportMetric(float64(trips)/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
}
