package kafka_test

import (
	"context"
	"errors"
	"net"
	"reflect"
	"strconv"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// craftPart and craftTopic describe a Metadata answer kfake cannot produce
// on its own (it has no replication: ISR always equals the replicas).
type craftPart struct {
	leader                 int32
	replicas, isr, offline []int32
}

type craftTopic struct {
	name     string
	internal bool
	parts    []craftPart
}

// craftMetadata makes every Metadata request answer with these topics and
// the listed brokers (node i listens on c.Addrs[i]).
func craftMetadata(t testing.TB, c *sandbox.Cluster, brokers []int32, topics []craftTopic) {
	t.Helper()
	c.Kfake.ControlKey(int16(kmsg.Metadata), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		req := r.(*kmsg.MetadataRequest)
		resp := req.ResponseKind().(*kmsg.MetadataResponse)
		for _, id := range brokers {
			host, port, _ := net.SplitHostPort(c.Addrs[id])
			p, _ := strconv.Atoi(port)
			b := kmsg.NewMetadataResponseBroker()
			b.NodeID, b.Host, b.Port = id, host, int32(p)
			resp.Brokers = append(resp.Brokers, b)
		}
		resp.ClusterID = kmsg.StringPtr("crafted")
		resp.ControllerID = brokers[0]
		want := map[string]bool{}
		for _, rt := range req.Topics {
			if rt.Topic != nil {
				want[*rt.Topic] = true
			}
		}
		for i, ct := range topics {
			if req.Topics != nil && !want[ct.name] {
				continue
			}
			delete(want, ct.name)
			st := kmsg.NewMetadataResponseTopic()
			st.Topic = kmsg.StringPtr(ct.name)
			st.TopicID[0] = byte(i + 1)
			st.IsInternal = ct.internal
			for p, cp := range ct.parts {
				sp := kmsg.NewMetadataResponseTopicPartition()
				sp.Partition = int32(p)
				sp.Leader = cp.leader
				sp.Replicas, sp.ISR, sp.OfflineReplicas = cp.replicas, cp.isr, cp.offline
				if cp.leader < 0 {
					sp.ErrorCode = 5 // LEADER_NOT_AVAILABLE, as Kafka answers
				}
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		for name := range want {
			st := kmsg.NewMetadataResponseTopic()
			st.Topic = kmsg.StringPtr(name)
			st.ErrorCode = 3 // UNKNOWN_TOPIC_OR_PARTITION
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
}

func TestDescribeTopicsOneMetadataRequest(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "b", 3, 3, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateTopic(ctx, "a", 2, 2, nil); err != nil {
		t.Fatal(err)
	}
	// Connecting reads every topic's metadata; the first describe uses
	// that answer: one Metadata for connect and describe together.
	c.Counter.Reset()
	a := testkit.Admin(t, testkit.Settings(c))
	topics, brokers, err := a.DescribeTopics(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Counter.Counts(); !reflect.DeepEqual(got, map[string]int{"Metadata": 1}) {
		t.Fatalf("requests = %v, want one Metadata", got)
	}
	if len(brokers) != 3 || brokers[0].ID != 0 || brokers[2].ID != 2 {
		t.Fatalf("brokers = %+v", brokers)
	}
	if len(topics) != 2 || topics[0].Name != "a" || topics[1].Name != "b" {
		t.Fatalf("topics = %+v", topics)
	}
	// kfake: replicas are the leader and the next brokers in order; the
	// ISR equals the replicas.
	for _, ti := range topics {
		if ti.TopicID == "" || ti.Err != nil || ti.Internal {
			t.Errorf("%s: %+v", ti.Name, ti)
		}
		rf := map[string]int{"a": 2, "b": 3}[ti.Name]
		if ti.ReplicationFactor() != rf {
			t.Errorf("%s rf = %d", ti.Name, ti.ReplicationFactor())
		}
		for i, p := range ti.Partitions {
			leader := c.Kfake.LeaderFor(ti.Name, int32(i))
			var want []int32
			for k := 0; k < rf; k++ {
				want = append(want, (leader+int32(k))%3)
			}
			if p.Partition != int32(i) || p.Leader != leader || !reflect.DeepEqual(p.Replicas, want) || !reflect.DeepEqual(p.ISR, want) || len(p.OfflineReplicas) != 0 {
				t.Errorf("%s[%d] = %+v, want leader %d replicas=isr=%v", ti.Name, i, p, leader, want)
			}
		}
	}

	// Named topics, one unknown: still one request, the unknown one
	// flagged.
	c.Counter.Reset()
	topics, _, err = a.DescribeTopics(ctx, []string{"b", "nope"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Counter.Counts(); !reflect.DeepEqual(got, map[string]int{"Metadata": 1}) {
		t.Fatalf("requests = %v, want one Metadata", got)
	}
	if len(topics) != 2 || topics[0].Name != "b" || topics[1].Name != "nope" || !errors.Is(topics[1].Err, kafka.ErrTopicNotFound) || len(topics[0].Partitions) != 3 {
		t.Fatalf("topics = %+v", topics)
	}
}

func TestDescribeTopicsCraftedReplicaStates(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	craftMetadata(t, c, []int32{0, 1}, []craftTopic{{name: "t", parts: []craftPart{
		{leader: 0, replicas: []int32{0, 1, 2}, isr: []int32{0, 1}, offline: []int32{2}},
		{leader: -1, replicas: []int32{2}, isr: nil, offline: []int32{2}},
		{leader: 2, replicas: []int32{2, 0}, isr: []int32{2, 0}},
		{leader: 1, replicas: []int32{0, 1}, isr: []int32{0, 1}},
	}}, {name: "__consumer_offsets", internal: true, parts: []craftPart{{leader: 1, replicas: []int32{1}, isr: []int32{1}}}}})
	a := testkit.Admin(t, testkit.Settings(c))
	topics, brokers, err := a.DescribeTopics(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(brokers) != 2 {
		t.Fatalf("live brokers = %+v", brokers)
	}
	if len(topics) != 2 || topics[0].Name != "__consumer_offsets" || !topics[0].Internal || topics[1].Internal {
		t.Fatalf("topics = %+v", topics)
	}
	want := []kafka.PartitionInfo{
		{Partition: 0, Leader: 0, Replicas: []int32{0, 1, 2}, ISR: []int32{0, 1}, OfflineReplicas: []int32{2}},
		{Partition: 1, Leader: -1, Replicas: []int32{2}, ISR: []int32{}, OfflineReplicas: []int32{2}},
		{Partition: 2, Leader: 2, Replicas: []int32{2, 0}, ISR: []int32{2, 0}, OfflineReplicas: []int32{}},
		{Partition: 3, Leader: 1, Replicas: []int32{0, 1}, ISR: []int32{0, 1}, OfflineReplicas: []int32{}},
	}
	got := topics[1].Partitions
	for i := range want {
		g := got[i]
		if (i == 1) != (g.Err != nil) {
			t.Errorf("p%d err = %v", i, g.Err)
		}
		g.Err = nil
		if len(g.ISR) == 0 {
			g.ISR = []int32{}
		}
		if len(g.OfflineReplicas) == 0 {
			g.OfflineReplicas = []int32{}
		}
		if !reflect.DeepEqual(g, want[i]) {
			t.Errorf("p%d = %+v, want %+v", i, g, want[i])
		}
	}
}

func TestMinInsyncReplicasOneRequest(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true, BrokerConfigs: map[string]string{"min.insync.replicas": "2"}})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "override", 1, 3, map[string]string{"min.insync.replicas": "3"}); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateTopic(ctx, "inherit", 1, 3, nil); err != nil {
		t.Fatal(err)
	}
	a := testkit.Admin(t, testkit.Settings(c))
	c.Counter.Reset()
	got, failed, err := a.MinInsyncReplicas(ctx, []string{"override", "inherit", "gone"})
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Counter.Counts(); !reflect.DeepEqual(n, map[string]int{"DescribeConfigs": 1}) {
		t.Fatalf("requests = %v, want one DescribeConfigs", n)
	}
	if !reflect.DeepEqual(got, map[string]int{"override": 3, "inherit": 2}) {
		t.Errorf("min isr = %v", got)
	}
	if len(failed) != 1 || !errors.Is(failed["gone"], kafka.ErrTopicNotFound) {
		t.Errorf("failed = %v", failed)
	}
}

func TestMinInsyncReplicasBuiltInDefault(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	a := testkit.Admin(t, testkit.Settings(c))
	got, failed, err := a.MinInsyncReplicas(ctx, []string{"t"})
	if err != nil || len(failed) != 0 || got["t"] != 1 {
		t.Fatalf("got %v %v %v", got, failed, err)
	}
}
