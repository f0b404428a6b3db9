package sandbox_test

import (
	"context"
	"encoding/binary"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// TestDemoSeed checks the numbers docs/sandbox.md promises, reading them with
// raw Kafka requests (independent of kctl's own lag code).
func TestDemoSeed(t *testing.T) {
	t.Parallel()
	c, err := sandbox.Start(sandbox.Options{Brokers: 3, Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	started := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()

	topics := map[string]int32{"orders": 6, "payments": 3, "audit": 1}
	perPartition := map[string]int64{"orders": 200, "payments": 100, "audit": 50}
	ends := listOffsets(ctx, t, cl, topics, -1)
	for topic, n := range topics {
		for p := int32(0); p < n; p++ {
			if got := ends[topic][p]; got != perPartition[topic] {
				t.Errorf("%s[%d] log-end offset %d, want %d", topic, p, got, perPartition[topic])
			}
		}
	}
	if len(ends) != 3 || len(ends["orders"]) != 6 {
		t.Fatalf("offsets %v", ends)
	}

	// Records spread over the 24 hours before the seed (record i of n at
	// seed - 24h + (i+1)*24h/n): the first record at or after "12 hours
	// and 200s ago" is record n/2-1 (records are >= 432s apart, and the
	// seed ran less than 200s before started).
	mid := listOffsets(ctx, t, cl, topics, started.Add(-12*time.Hour-200*time.Second).UnixMilli())
	for topic, n := range topics {
		for p := int32(0); p < n; p++ {
			if want := perPartition[topic]/2 - 1; mid[topic][p] != want {
				t.Errorf("%s[%d]: first record from 12h ago is %d, want %d", topic, p, mid[topic][p], want)
			}
		}
	}
	old := listOffsets(ctx, t, cl, topics, started.Add(-25*time.Hour).UnixMilli())
	if old["orders"][0] != 0 {
		t.Errorf("first record from 25h ago is %d, want 0", old["orders"][0])
	}

	committed := func(group string) map[string]map[int32]int64 {
		req := kmsg.NewPtrOffsetFetchRequest()
		req.Group = group
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			t.Fatalf("OffsetFetch %s: %v", group, err)
		}
		if resp.ErrorCode != 0 {
			t.Fatalf("OffsetFetch %s: error %d", group, resp.ErrorCode)
		}
		out := map[string]map[int32]int64{}
		for _, tp := range resp.Topics {
			out[tp.Topic] = map[int32]int64{}
			for _, p := range tp.Partitions {
				out[tp.Topic][p.Partition] = p.Offset
			}
		}
		return out
	}
	// billing: Empty, committed 150 of 200 on every orders partition: lag 50.
	billing := committed("billing")
	for p := int32(0); p < 6; p++ {
		if lag := ends["orders"][p] - billing["orders"][p]; billing["orders"][p] != 150 || lag != 50 {
			t.Errorf("billing orders[%d]: committed %d, lag %d; want 150, 50", p, billing["orders"][p], lag)
		}
	}
	if len(billing) != 1 || len(billing["orders"]) != 6 {
		t.Errorf("billing commits %v", billing)
	}
	// analytics: caught up on payments.
	analytics := committed("analytics")
	for p := int32(0); p < 3; p++ {
		if analytics["payments"][p] != ends["payments"][p] {
			t.Errorf("analytics payments[%d]: committed %d, end %d", p, analytics["payments"][p], ends["payments"][p])
		}
	}
	if len(analytics) != 1 || len(analytics["payments"]) != 3 {
		t.Errorf("analytics commits %v", analytics)
	}
	// shipping: committed 40 of 50 on audit (lag 10), one live member.
	shipping := committed("shipping")
	if len(shipping) != 1 || shipping["audit"][0] != 40 || ends["audit"][0]-shipping["audit"][0] != 10 {
		t.Errorf("shipping commits %v", shipping)
	}

	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = []string{"billing", "analytics", "shipping"}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]kmsg.DescribeGroupsResponseGroup{}
	for _, g := range resp.Groups {
		states[g.Group] = g
	}
	for _, g := range []string{"billing", "analytics"} {
		if s := states[g]; s.State != "Empty" || len(s.Members) != 0 {
			t.Errorf("%s: state %q with %d members, want Empty with none", g, s.State, len(s.Members))
		}
	}
	if s := states["shipping"]; s.State != "Stable" || len(s.Members) != 1 || s.Members[0].ClientID != "demo-consumer" || s.ProtocolType != "consumer" {
		t.Errorf("shipping: state %q, protocol type %q, members %+v; want Stable with one demo-consumer", s.State, s.ProtocolType, s.Members)
	}
}

// listOffsets asks each partition's offset for timestamp ts (-1: the end).
func listOffsets(ctx context.Context, t *testing.T, cl *kgo.Client, topics map[string]int32, ts int64) map[string]map[int32]int64 {
	t.Helper()
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID = -1
	for topic, n := range topics {
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = topic
		for p := int32(0); p < n; p++ {
			rp := kmsg.NewListOffsetsRequestTopicPartition()
			rp.Partition = p
			rp.Timestamp = ts
			rp.CurrentLeaderEpoch = -1
			rt.Partitions = append(rt.Partitions, rp)
		}
		req.Topics = append(req.Topics, rt)
	}
	shards := cl.RequestSharded(ctx, req)
	out := map[string]map[int32]int64{}
	for _, sh := range shards {
		if sh.Err != nil {
			t.Fatalf("ListOffsets on broker %d: %v", sh.Meta.NodeID, sh.Err)
		}
		for _, tp := range sh.Resp.(*kmsg.ListOffsetsResponse).Topics {
			if out[tp.Topic] == nil {
				out[tp.Topic] = map[int32]int64{}
			}
			for _, p := range tp.Partitions {
				if p.ErrorCode != 0 {
					t.Fatalf("ListOffsets %s[%d]: error %d", tp.Topic, p.Partition, p.ErrorCode)
				}
				out[tp.Topic][p.Partition] = p.Offset
			}
		}
	}
	return out
}

// TestDemoSeedDLT: orders.DLT holds the three dead letters docs/consume.md
// shows, in the partition of their original, with the original key, value
// and Spring's kafka_dlt-* headers (partition a 4-byte int, offset and
// timestamp 8-byte longs, big-endian), read with franz-go.
func TestDemoSeedDLT(t *testing.T) {
	t.Parallel()
	c, err := sandbox.Start(sandbox.Options{Brokers: 1, Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := c.Client(kgo.ConsumeTopics("orders", sandbox.DemoDLTTopic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends := listOffsets(ctx, t, cl, map[string]int32{sandbox.DemoDLTTopic: 6}, -1)[sandbox.DemoDLTTopic]
	if want := map[int32]int64{0: 0, 1: 1, 2: 0, 3: 2, 4: 0, 5: 0}; !reflect.DeepEqual(ends, want) {
		t.Fatalf("orders.DLT ends %v, want %v", ends, want)
	}
	type pos struct {
		p int32
		o int64
	}
	orig := map[pos]*kgo.Record{}
	var dlt []*kgo.Record
	for len(dlt) < 3 || len(orig) < 1200 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d dead letters, %d orders", len(dlt), len(orig))
		}
		fs.EachRecord(func(r *kgo.Record) {
			if r.Topic == "orders" {
				orig[pos{r.Partition, r.Offset}] = r
			} else {
				dlt = append(dlt, r)
			}
		})
	}
	sort.Slice(dlt, func(i, j int) bool {
		return dlt[i].Partition < dlt[j].Partition || dlt[i].Partition == dlt[j].Partition && dlt[i].Offset < dlt[j].Offset
	})
	for i, d := range sandbox.DemoDeadLetters {
		r := dlt[i]
		h := map[string][]byte{}
		for _, x := range r.Headers {
			h[x.Key] = x.Value
		}
		o := orig[pos{d.Partition, d.Offset}]
		if r.Partition != d.Partition || string(r.Key) != string(o.Key) || string(r.Value) != string(o.Value) {
			t.Errorf("dead letter %d: %s[%d] key %q value %q; want partition %d and the original's %q %q", i, r.Topic, r.Partition, r.Key, r.Value, d.Partition, o.Key, o.Value)
		}
		if string(h["kafka_dlt-original-topic"]) != "orders" ||
			int32(binary.BigEndian.Uint32(h["kafka_dlt-original-partition"])) != d.Partition ||
			int64(binary.BigEndian.Uint64(h["kafka_dlt-original-offset"])) != d.Offset ||
			int64(binary.BigEndian.Uint64(h["kafka_dlt-original-timestamp"])) != o.Timestamp.UnixMilli() ||
			string(h["kafka_dlt-original-timestamp-type"]) != "CreateTime" ||
			string(h["kafka_dlt-original-consumer-group"]) != "billing" ||
			string(h["kafka_dlt-exception-fqcn"]) != d.Exception ||
			string(h["kafka_dlt-exception-cause-fqcn"]) != d.Cause ||
			string(h["kafka_dlt-exception-message"]) != d.Message ||
			!strings.HasPrefix(string(h["kafka_dlt-exception-stacktrace"]), d.Exception+": "+d.Message+"\n\tat ") ||
			string(h["__TypeId__"]) != "com.example.billing.Order" || len(r.Headers) != 11 {
			t.Errorf("dead letter %d headers: %v", i, r.Headers)
		}
	}
	// The first is billing's committed offset on orders[3]: the poison pill.
	if d := sandbox.DemoDeadLetters[1]; d.Partition != 3 || d.Offset != sandbox.DemoLaggingCommitted {
		t.Errorf("the poison pill is at orders[%d]@%d, billing commits %d", d.Partition, d.Offset, sandbox.DemoLaggingCommitted)
	}
}
