package sandbox

import "github.com/twmb/franz-go/pkg/kmsg"

// FailOffsetCommit makes the next OffsetCommit request get an answer that
// commits nothing: code gives each partition's error code, and answered
// false leaves the partition out of the answer, as a broker that forgot it.
// Once, as every kfake control: a retry reaches the cluster.
func (c *Cluster) FailOffsetCommit(code func(topic string, partition int32) (errCode int16, answered bool)) {
	c.Kfake.ControlKey(int16(kmsg.OffsetCommit), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		req := kr.(*kmsg.OffsetCommitRequest)
		resp := req.ResponseKind().(*kmsg.OffsetCommitResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewOffsetCommitResponseTopic()
			st.Topic = rt.Topic
			for _, rp := range rt.Partitions {
				ec, ok := code(rt.Topic, rp.Partition)
				if !ok {
					continue
				}
				sp := kmsg.NewOffsetCommitResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = ec
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
}
