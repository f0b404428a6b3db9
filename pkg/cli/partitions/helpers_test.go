package partitions_test

import (
	"sync"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/kafka/kafkatest"
	"github.com/kctl-dev/kctl/pkg/reassign"
	"github.com/kctl-dev/kctl/pkg/sandbox"
)

func TestMain(m *testing.M) { clitest.Main(m) }

func layout(t testing.TB, c *sandbox.Cluster, racks []string, ps []reassign.Partition) {
	t.Helper()
	var kp []kafkatest.Part
	for _, p := range ps {
		kp = append(kp, kafkatest.Part{Topic: p.Topic, Partition: p.Partition, Leader: p.Leader, Replicas: p.Replicas, ISR: p.ISR})
	}
	kafkatest.Layout(t, c, racks, kp)
}

func part(topic string, p, leader int32, replicas, isr []int32) reassign.Partition {
	return reassign.Partition{Topic: topic, Partition: p, Leader: leader, Replicas: replicas, ISR: isr}
}

// captured records the requests of one kind a command sent.
type captured[T any] struct {
	mu   sync.Mutex
	reqs []T
}

func (c *captured[T]) add(r T) {
	c.mu.Lock()
	c.reqs = append(c.reqs, r)
	c.mu.Unlock()
}

func (c *captured[T]) all() []T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]T(nil), c.reqs...)
}

func run(t testing.TB, c *sandbox.Cluster, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, "", append([]string{"-b", c.Bootstrap()}, args...)...)
}
