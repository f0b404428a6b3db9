package kafka_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/offsets"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// readCommitted reads a group's commits with franz-go, independently of
// the code under test.
func readCommitted(t *testing.T, c *sandbox.Cluster, group string) map[kafka.TopicPartition]int64 {
	t.Helper()
	cl, err := c.Client(kgo.MaxVersions(kversion.V3_9_0()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrOffsetFetchRequest()
	req.Group = group
	resp, err := req.RequestWith(context.Background(), cl)
	if err != nil {
		t.Fatal(err)
	}
	out := map[kafka.TopicPartition]int64{}
	if resp.ErrorCode == kerr.GroupIDNotFound.Code {
		return out
	}
	if resp.ErrorCode != 0 {
		t.Fatalf("offset fetch %s: %v", group, kerr.ErrorForCode(resp.ErrorCode))
	}
	for _, tt := range resp.Topics {
		for _, p := range tt.Partitions {
			if p.ErrorCode == 0 && p.Offset >= 0 {
				out[kafka.TopicPartition{Topic: tt.Topic, Partition: p.Partition}] = p.Offset
			}
		}
	}
	return out
}

func coordinatorOf(t *testing.T, c *sandbox.Cluster, a *kafka.Admin, group string) kafka.Broker {
	t.Helper()
	info, err := a.Cluster(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	id := c.Kfake.CoordinatorFor(group)
	for _, b := range info.Brokers {
		if b.ID == id {
			return b
		}
	}
	t.Fatalf("coordinator %d of %s not in metadata", id, group)
	return kafka.Broker{}
}

func TestCommitOffsetsStandalone(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 4, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Commit(ctx, "g1", "t", map[int32]int64{0: 1, 3: 9}); err != nil {
		t.Fatal(err)
	}
	a := testkit.Admin(t, testkit.Settings(c))
	groups := []string{"g1", "g2", "g3", "g4"}
	coords := map[string]kafka.Broker{}
	offsets := map[string]map[kafka.TopicPartition]int64{}
	for i, g := range groups {
		coords[g] = coordinatorOf(t, c, a, g)
		offsets[g] = map[kafka.TopicPartition]int64{{Topic: "t", Partition: 0}: int64(10 + i), {Topic: "t", Partition: 1}: int64(20 + i), {Topic: "t", Partition: 2}: 0}
	}
	c.Counter.Reset()
	res := a.CommitOffsets(ctx, coords, offsets)
	if got := c.Counter.Counts(); got["OffsetCommit"] != len(groups) || len(got) != 1 {
		t.Fatalf("requests = %v, want exactly one OffsetCommit per group", got)
	}
	for _, r := range c.Counter.Requests() {
		if r.Key == 8 && r.Version != 8 {
			t.Errorf("OffsetCommit v%d, want v8 (sarama's newest, names topics)", r.Version)
		}
	}
	for i, g := range groups {
		r := res[g]
		if r.Failed() || r.Committed != 3 || r.Coordinator != coords[g] {
			t.Fatalf("%s: %+v", g, r)
		}
		got := readCommitted(t, c, g)
		want := offsets[g]
		if g == "g1" {
			want[kafka.TopicPartition{Topic: "t", Partition: 3}] = 9 // untouched
		}
		if len(got) != len(want) {
			t.Fatalf("%s committed %v, want %v", g, got, want)
		}
		for tp, o := range want {
			if got[tp] != o {
				t.Fatalf("%s %v = %d, want %d (i=%d)", g, tp, got[tp], o, i)
			}
		}
	}
}

func TestCommitOffsetsPartitionErrors(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 3, 1, nil); err != nil {
		t.Fatal(err)
	}
	a := testkit.Admin(t, testkit.Settings(c))
	coords := map[string]kafka.Broker{"g": coordinatorOf(t, c, a, "g")}
	// The broker answers partition 1 with an error and leaves partition 2
	// out of the response altogether.
	c.FailOffsetCommit(func(_ string, p int32) (int16, bool) {
		switch p {
		case 1:
			return kerr.OffsetMetadataTooLarge.Code, true
		case 2:
			return 0, false
		}
		return 0, true
	})
	res := a.CommitOffsets(ctx, coords, map[string]map[kafka.TopicPartition]int64{
		"g": {{Topic: "t", Partition: 0}: 1, {Topic: "t", Partition: 1}: 1, {Topic: "t", Partition: 2}: 1},
	})["g"]
	if !res.Failed() || res.Committed != 1 || len(res.Errors) != 2 || res.CoordinatorMoved() {
		t.Fatalf("result = %+v", res)
	}
	if e := res.Errors[kafka.TopicPartition{Topic: "t", Partition: 1}]; !errors.Is(e, sarama.ErrOffsetMetadataTooLarge) || !strings.Contains(e.Error(), "t[1]") {
		t.Fatalf("t[1] error = %v", e)
	}
	if e := res.Errors[kafka.TopicPartition{Topic: "t", Partition: 2}]; e == nil || !strings.Contains(e.Error(), "did not answer") {
		t.Fatalf("t[2] error = %v", e)
	}

	// NOT_COORDINATOR on every partition: a retry after a new
	// FindCoordinator may heal it.
	c.FailOffsetCommit(func(string, int32) (int16, bool) { return kerr.NotCoordinator.Code, true })
	res = a.CommitOffsets(ctx, coords, map[string]map[kafka.TopicPartition]int64{"g": {{Topic: "t", Partition: 0}: 2}})["g"]
	if !res.CoordinatorMoved() {
		t.Fatalf("want CoordinatorMoved: %+v", res)
	}
	if got := readCommitted(t, c, "g"); len(got) != 0 {
		t.Fatalf("nothing should be committed, got %v", got)
	}
	// Unknown coordinator: an error, no request.
	res = a.CommitOffsets(ctx, coords, map[string]map[kafka.TopicPartition]int64{"other": {{Topic: "t", Partition: 0}: 2}})["other"]
	if !errors.Is(res.Err, kafka.ErrNoCoordinator) || !strings.Contains(res.Err.Error(), "no coordinator known") {
		t.Fatalf("unknown coordinator: %+v", res)
	}
}

// ApplyResets: the undo hook sees the re-check before any commit, and its
// error stops the group (nothing committed); else the offsets are
// committed, read back and verified, in three requests.
func TestApplyResets(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Commit(ctx, "g", "t", map[int32]int64{0: 1, 1: 1}); err != nil {
		t.Fatal(err)
	}
	a := testkit.Admin(t, testkit.Settings(c))
	at, failed, err := a.LocateGroups(ctx, []string{"g"})
	if err != nil || len(failed) > 0 {
		t.Fatal(err, failed)
	}
	plan := offsets.GroupPlan{Group: "g", Partitions: []offsets.PartitionPlan{{TP: offsets.TP{Topic: "t", Partition: 0}, New: 0}, {TP: offsets.TP{Topic: "t", Partition: 1}, New: 0}}}

	cause := errors.New("disk full")
	out := a.ApplyResets(ctx, at, []offsets.GroupPlan{plan}, func(re []*offsets.Applied) error {
		if len(re) != 1 || re[0].Err != nil || re[0].State != "Empty" {
			t.Errorf("re-check: %+v", re[0])
		}
		return cause
	})
	var ue *offsets.UndoError
	if !errors.As(out[0].Err, &ue) || !errors.Is(out[0].Err, cause) || out[0].Sent {
		t.Fatalf("undo failure: %+v", out[0])
	}
	if got := readCommitted(t, c, "g"); got[kafka.TopicPartition{Topic: "t", Partition: 0}] != 1 {
		t.Fatalf("committed despite the undo failure: %v", got)
	}

	c.Counter.Reset()
	out = a.ApplyResets(ctx, at, []offsets.GroupPlan{plan}, func([]*offsets.Applied) error { return nil })
	if r := out[0]; r.Err != nil || !r.Sent || !r.ReadBack || r.Verified != 2 || r.Total != 2 || len(r.Notes) != 0 {
		t.Fatalf("apply: %+v", r)
	}
	want := map[string]int{"DescribeGroups": 1, "OffsetCommit": 1, "OffsetFetch": 1}
	if got := c.Counter.Counts(); len(got) != len(want) || got["DescribeGroups"] != 1 || got["OffsetCommit"] != 1 || got["OffsetFetch"] != 1 {
		t.Fatalf("requests %v, want %v", got, want)
	}
	if got := readCommitted(t, c, "g"); got[kafka.TopicPartition{Topic: "t", Partition: 0}] != 0 || got[kafka.TopicPartition{Topic: "t", Partition: 1}] != 0 {
		t.Fatalf("committed %v", got)
	}
}
