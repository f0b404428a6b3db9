package kafka_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// One connection model: a command's single admin calls (Metadata,
// DescribeConfigs, ApiVersions on the bootstrap broker) and a plan's step
// (ListOffsets to a partition the bootstrap broker leads) lease the same
// pooled connection in turn: the whole command opens one connection.
// With a shared connection beside the pool, the single calls claimed the
// bootstrap connection for good and the plan's step dialed a second one.
func TestSingleCallsAndPlanStepsShareOneConnection(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 6, 1, nil); err != nil {
		t.Fatal(err)
	}
	// Bootstrap at the leader of t-0.
	s := testkit.Settings(c)
	probe := connectPreOpen(t, s, 0, nil)
	for _, b := range probe.MetadataBrokers() {
		if b.ID == c.Kfake.LeaderFor("t", 0) {
			s.Brokers = []string{b.Addr}
		}
	}
	_ = probe.Close()
	conns := c.Counter.Connections()
	c.Counter.Reset()
	var trace bytes.Buffer
	a := connectPreOpen(t, s, 0, &trace)
	defer a.Close()
	seed := int32(-1)
	for _, b := range a.MetadataBrokers() {
		if b.Addr == s.Brokers[0] {
			seed = b.ID
		}
	}
	var tps []kafka.TopicPartition
	for p := int32(0); p < 6; p++ {
		if c.Kfake.LeaderFor("t", p) == seed {
			tps = append(tps, kafka.TopicPartition{Topic: "t", Partition: p})
		}
	}
	if seed < 0 || len(tps) == 0 {
		t.Fatalf("bootstrap broker %d leads none of t's partitions", seed)
	}
	for i := 0; i < 2; i++ { // the first is Connect's answer, the second a request
		if _, err := a.DescribeCluster(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, failed, err := a.TopicConfigValues(ctx, []string{"t"}, []string{kafka.MinISRKey}, nil); err != nil || len(failed) > 0 {
		t.Fatalf("configs: %v %v", err, failed)
	}
	if _, _, err := a.APIVersions(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ListOffsets(ctx, tps, kafka.OffsetLatest, kafka.ReadUncommitted); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DescribeCluster(ctx, []string{"t"}); err != nil {
		t.Fatal(err)
	}
	counts := c.Counter.Counts()
	if n := c.Counter.Connections() - conns; n != 1 {
		t.Errorf("%d connections, want 1; trace:\n%s", n, trace.String())
	}
	if counts["Metadata"] != 3 || counts["DescribeConfigs"] != 1 || counts["ListOffsets"] != 1 {
		t.Errorf("requests = %v, want 3 Metadata, 1 DescribeConfigs, 1 ListOffsets", counts)
	}
}
