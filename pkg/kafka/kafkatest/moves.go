package kafkatest

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// Move is a partition reassignment in progress, as the controller lists
// it: the replica set during the move and the replicas being added and
// removed.
type Move struct {
	Topic     string
	Partition int32
	Replicas  []int32
	Adding    []int32
	Removing  []int32
}

// Moves records what ListPartitionReassignments requests asked.
type Moves struct {
	mu    sync.Mutex
	asked [][]string
	code  int16
}

// Asked is, request by request, the partitions each asked for
// ("topic/partition", sorted; nil: the request asked for every
// reassignment).
func (m *Moves) Asked() [][]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([][]string(nil), m.asked...)
}

// Fail makes the next answers carry this top-level error code (0: answer
// normally again).
func (m *Moves) Fail(code int16) {
	m.mu.Lock()
	m.code = code
	m.mu.Unlock()
}

// Reassigning answers every ListPartitionReassignments with these moves,
// those among the partitions the request names (all of them when it names
// none), because kfake never has a reassignment in progress: with Layout,
// a move can be crafted whole (the replica set and ISR of the metadata,
// the adding and removing replicas here).
func Reassigning(t testing.TB, c *sandbox.Cluster, moves []Move) *Moves {
	t.Helper()
	m := &Moves{}
	c.Kfake.ControlKey(int16(kmsg.ListPartitionReassignments), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		req := r.(*kmsg.ListPartitionReassignmentsRequest)
		resp := req.ResponseKind().(*kmsg.ListPartitionReassignmentsResponse)
		var asked []string
		want := map[string]bool{}
		for _, rt := range req.Topics {
			for _, p := range rt.Partitions {
				k := fmt.Sprintf("%s/%d", rt.Topic, p)
				asked = append(asked, k)
				want[k] = true
			}
		}
		sort.Strings(asked)
		m.mu.Lock()
		m.asked = append(m.asked, asked)
		code := m.code
		m.mu.Unlock()
		if code != 0 {
			resp.ErrorCode = code
			return resp, nil, true
		}
		byTopic := map[string]int{}
		for _, mv := range moves {
			if req.Topics != nil && !want[fmt.Sprintf("%s/%d", mv.Topic, mv.Partition)] {
				continue
			}
			i, ok := byTopic[mv.Topic]
			if !ok {
				rt := kmsg.NewListPartitionReassignmentsResponseTopic()
				rt.Topic = mv.Topic
				resp.Topics = append(resp.Topics, rt)
				i = len(resp.Topics) - 1
				byTopic[mv.Topic] = i
			}
			p := kmsg.NewListPartitionReassignmentsResponseTopicPartition()
			p.Partition, p.Replicas, p.AddingReplicas, p.RemovingReplicas = mv.Partition, mv.Replicas, mv.Adding, mv.Removing
			resp.Topics[i].Partitions = append(resp.Topics[i].Partitions, p)
		}
		return resp, nil, true
	})
	return m
}
