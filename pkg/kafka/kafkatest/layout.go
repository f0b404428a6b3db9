package kafkatest

import (
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// Part is one partition of a crafted layout.
type Part struct {
	Topic     string
	Partition int32
	Leader    int32
	Replicas  []int32
	ISR       []int32
}

// Layout answers every Metadata request with kfake's brokers (node i on
// c.Addrs[i], rack racks[i] when given) and these partitions, because kfake
// always lists a partition's leader first and keeps the ISR full: the
// states an election or a reassignment acts on have to be crafted. It
// returns a setter to change the layout between commands.
func Layout(t testing.TB, c *sandbox.Cluster, racks []string, ps []Part) func([]Part) {
	t.Helper()
	var mu sync.Mutex
	cur := ps
	c.Kfake.ControlKey(int16(kmsg.Metadata), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		req := r.(*kmsg.MetadataRequest)
		resp := req.ResponseKind().(*kmsg.MetadataResponse)
		for i, a := range c.Addrs {
			host, port, _ := net.SplitHostPort(a)
			n, _ := strconv.Atoi(port)
			b := kmsg.NewMetadataResponseBroker()
			b.NodeID, b.Host, b.Port = int32(i), host, int32(n)
			if i < len(racks) {
				b.Rack = kmsg.StringPtr(racks[i])
			}
			resp.Brokers = append(resp.Brokers, b)
		}
		resp.ClusterID = kmsg.StringPtr("crafted")
		resp.ControllerID = int32(len(c.Addrs) - 1)
		want := map[string]bool{}
		for _, rt := range req.Topics {
			if rt.Topic != nil {
				want[*rt.Topic] = true
			}
		}
		mu.Lock()
		defer mu.Unlock()
		byTopic := map[string]int{}
		for _, p := range cur {
			if req.Topics != nil && !want[p.Topic] {
				continue
			}
			i, ok := byTopic[p.Topic]
			if !ok {
				st := kmsg.NewMetadataResponseTopic()
				st.Topic = kmsg.StringPtr(p.Topic)
				st.TopicID[0] = byte(len(resp.Topics) + 1)
				resp.Topics = append(resp.Topics, st)
				i = len(resp.Topics) - 1
				byTopic[p.Topic] = i
			}
			sp := kmsg.NewMetadataResponseTopicPartition()
			sp.Partition, sp.Leader, sp.Replicas, sp.ISR = p.Partition, p.Leader, p.Replicas, p.ISR
			if p.Leader < 0 {
				sp.ErrorCode = 5 // LEADER_NOT_AVAILABLE, as Kafka answers
			}
			resp.Topics[i].Partitions = append(resp.Topics[i].Partitions, sp)
		}
		for name := range want {
			if _, ok := byTopic[name]; ok {
				continue
			}
			st := kmsg.NewMetadataResponseTopic()
			st.Topic = kmsg.StringPtr(name)
			st.ErrorCode = 3 // UNKNOWN_TOPIC_OR_PARTITION
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	return func(ps []Part) {
		mu.Lock()
		cur = ps
		mu.Unlock()
	}
}
