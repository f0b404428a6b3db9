package kafka_test

import (
	"context"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

func TestListOffsetsOneRequestPerLeader(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 6, 1, nil); err != nil {
		t.Fatal(err)
	}
	base := time.UnixMilli(1_700_000_000_000)
	var recs []sandbox.Record
	for p := int32(0); p < 6; p++ {
		for i := 0; i < int(p)+1; i++ { // partition p holds p+1 records
			recs = append(recs, sandbox.Record{Partition: p, Value: "v", Timestamp: base.Add(time.Duration(i) * time.Minute)})
		}
	}
	if err := c.Produce(ctx, "t", recs); err != nil {
		t.Fatal(err)
	}
	a := testkit.Admin(t, testkit.Settings(c))
	var parts []kafka.TopicPartition
	for p := int32(0); p < 6; p++ {
		parts = append(parts, kafka.TopicPartition{Topic: "t", Partition: p})
	}
	leaders := map[int32]bool{}
	for p := int32(0); p < 6; p++ {
		leaders[c.Kfake.LeaderFor("t", p)] = true
	}
	c.Counter.Reset()
	latest, err := a.ListOffsets(ctx, parts, kafka.OffsetLatest, kafka.ReadUncommitted)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Counter.Counts()["ListOffsets"]; got != len(leaders) {
		t.Fatalf("ListOffsets requests = %d, want one per leader = %d", got, len(leaders))
	}
	for p := int32(0); p < 6; p++ {
		if got := latest[kafka.TopicPartition{Topic: "t", Partition: p}]; got.Err != nil || got.Offset != int64(p)+1 {
			t.Errorf("latest p%d = %+v, want %d", p, got, p+1)
		}
	}
	earliest, err := a.ListOffsets(ctx, parts, kafka.OffsetEarliest, kafka.ReadUncommitted)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range parts {
		if earliest[tp].Offset != 0 {
			t.Errorf("earliest %v = %+v, want 0", tp, earliest[tp])
		}
	}
	// Timestamp between record 1 (t+1m) and record 2 (t+2m): offset 2 where
	// it exists, -1 (no later record) on partitions with fewer records.
	byTS, err := a.ListOffsets(ctx, parts, base.Add(90*time.Second).UnixMilli(), kafka.ReadUncommitted)
	if err != nil {
		t.Fatal(err)
	}
	for p := int32(0); p < 6; p++ {
		want := int64(2)
		if p < 2 {
			want = -1
		}
		if got := byTS[kafka.TopicPartition{Topic: "t", Partition: p}]; got.Offset != want {
			t.Errorf("by timestamp p%d = %+v, want %d", p, got, want)
		}
	}
	unknown, err := a.ListOffsets(ctx, []kafka.TopicPartition{{Topic: "nope", Partition: 0}}, kafka.OffsetLatest, kafka.ReadUncommitted)
	if err != nil {
		t.Fatal(err)
	}
	if unknown[kafka.TopicPartition{Topic: "nope", Partition: 0}].Err == nil {
		t.Fatal("unknown topic: want a per-partition error")
	}
}
