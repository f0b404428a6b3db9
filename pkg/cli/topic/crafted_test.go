package topic_test

import (
	"net"
	"strconv"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// kfake has no replication (ISR always equals the replicas, the leader is
// always the first replica and alive), so the replica states the filters
// look for are crafted: every Metadata request is answered from a spec.

type cpart struct {
	leader                 int32
	replicas, isr, offline []int32
}

type ctopic struct {
	name     string
	internal bool
	parts    []cpart
}

type cbroker struct {
	id   int32
	rack string
}

// craft answers every Metadata request with these live brokers (node i
// listens on c.Addrs[i]) and topics. Topics the request names but the spec
// lacks are answered UNKNOWN_TOPIC_OR_PARTITION.
func craft(t testing.TB, c *sandbox.Cluster, brokers []cbroker, topics []ctopic) {
	t.Helper()
	craftResp(c, func(req *kmsg.MetadataRequest) *kmsg.MetadataResponse {
		resp := req.ResponseKind().(*kmsg.MetadataResponse)
		for _, b := range brokers {
			host, port, _ := net.SplitHostPort(c.Addrs[b.id])
			p, _ := strconv.Atoi(port)
			mb := kmsg.NewMetadataResponseBroker()
			mb.NodeID, mb.Host, mb.Port = b.id, host, int32(p)
			if b.rack != "" {
				mb.Rack = kmsg.StringPtr(b.rack)
			}
			resp.Brokers = append(resp.Brokers, mb)
		}
		resp.ClusterID = kmsg.StringPtr("crafted")
		resp.ControllerID = brokers[0].id
		want := map[string]bool{}
		var order []string
		for _, rt := range req.Topics {
			if rt.Topic != nil && !want[*rt.Topic] {
				want[*rt.Topic] = true
				order = append(order, *rt.Topic)
			}
		}
		found := map[string]bool{}
		for i, ct := range topics {
			if req.Topics != nil && !want[ct.name] {
				continue
			}
			found[ct.name] = true
			st := kmsg.NewMetadataResponseTopic()
			st.Topic = kmsg.StringPtr(ct.name)
			st.TopicID[15] = byte(i + 1)
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
		for _, name := range order {
			if !found[name] {
				st := kmsg.NewMetadataResponseTopic()
				st.Topic = kmsg.StringPtr(name)
				st.ErrorCode = 3 // UNKNOWN_TOPIC_OR_PARTITION
				resp.Topics = append(resp.Topics, st)
			}
		}
		return resp
	})
}

func craftResp(c *sandbox.Cluster, fn func(*kmsg.MetadataRequest) *kmsg.MetadataResponse) {
	c.Kfake.ControlKey(int16(kmsg.Metadata), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		return fn(r.(*kmsg.MetadataRequest)), nil, true
	})
}

func ids(v ...int32) []int32 { return v }
