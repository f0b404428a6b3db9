package topic_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// On a degraded cluster (an offline partition, a leaderless one whose ISR
// is still there, a leader that is not a live broker) the describe commands
// send exactly one Metadata over one connection in one round trip, for the
// whole command: the answer read at connect is the description. sarama's
// client retried Metadata while a partition had no leader (3 Metadata over 3
// connections, ~240 ms instead of ~20 ms with 5 ms per request).
func TestDegradedClusterOneMetadata(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	for name, n := range map[string]int32{"degraded": 4, "healthy": 1} {
		if err := c.CreateTopic(context.Background(), name, n, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	craft(t, c, []cbroker{{id: 0}, {id: 1}}, []ctopic{
		{name: "degraded", parts: []cpart{
			{leader: -1, replicas: ids(2), isr: ids(), offline: ids(2)}, // offline
			{leader: -1, replicas: ids(0, 1), isr: ids(0, 1)},           // leaderless, ISR intact (election)
			{leader: 2, replicas: ids(2, 0), isr: ids(2, 0)},            // dead leader
			{leader: 0, replicas: ids(0, 1), isr: ids(0, 1)},            // healthy
		}},
		{name: "healthy", parts: []cpart{{leader: 1, replicas: ids(1, 0), isr: ids(1, 0)}}},
	})
	c.Counter.SetLatency(20 * time.Millisecond)
	defer c.Counter.SetLatency(0)
	for _, tc := range []struct {
		args []string
		out  string // a line the output must hold
	}{
		{[]string{"topic", "describe"}, "degraded  2          none    2,0       2,0  -                 unavailable,under-min-isr,leader-not-preferred\n"},
		{[]string{"topic", "describe", "degraded"}, "degraded  1          none    0,1       0,1  -                 unavailable,under-min-isr,leader-not-preferred\n"},
		{[]string{"topic", "describe", "--unavailable-partitions"}, "degraded  0          none    2         -    2                 unavailable,under-min-isr,under-replicated,leader-not-preferred\n"},
		{[]string{"topic", "list"}, "degraded  4           1                   1                 3"},
		{[]string{"cluster", "describe"}, "Cluster ID:  crafted"},
		{[]string{"broker", "list"}, "1   127.0.0.1"},
	} {
		conns := c.Counter.Connections()
		c.Counter.Reset()
		r := kctl(t, c, tc.args...)
		if r.Code != 0 || !strings.Contains(r.Stdout, tc.out) {
			t.Errorf("%v: exit %d, stdout\n%s\nwant a line %q; stderr %s", tc.args, r.Code, r.Stdout, tc.out, r.Stderr)
		}
		counts := c.Counter.Counts()
		if counts["Metadata"] != 1 {
			t.Errorf("%v: requests %v, want exactly 1 Metadata", tc.args, counts)
		}
		if n := c.Counter.Connections() - conns; n != 1 {
			t.Errorf("%v: %d connections, want 1", tc.args, n)
		}
		want := 1
		if len(counts) > 1 {
			want = 2 // the filter's DescribeConfigs follows the Metadata
		}
		if rt := c.Counter.RoundTrips(); rt != want {
			t.Errorf("%v: %d round trips, want %d (requests %v)", tc.args, rt, want, counts)
		}
	}
}
