// Package kafkatest holds test helpers shared by the command tests: a real
// sarama consumer-group member (sarama's one home is pkg/kafka), the kind
// of client applications run, for commands that must see and refuse to
// disturb active groups; and a wave gate that counts a plan's round trips
// without a clock. Production code never imports it.
package kafkatest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// Member is a running sarama consumer-group member. It commits nothing:
// auto-commit is off and no message is marked, so a group's committed
// offsets stay exactly as the test set them.
type Member struct {
	ClientID string

	cg     sarama.ConsumerGroup
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// JoinGroup starts a sarama consumer-group member of group, subscribed to
// topics, and returns once it has joined and received its assignment (its
// session's Setup ran), or ctx ends. The member keeps heartbeating until
// Close: tests need no sleeps to keep it in the group.
func JoinGroup(ctx context.Context, brokers []string, group, clientID string, topics ...string) (*Member, error) {
	conf := sarama.NewConfig()
	conf.ClientID = clientID
	conf.Version = sarama.V2_8_0_0
	conf.Consumer.Offsets.AutoCommit.Enable = false
	conf.Consumer.Offsets.Initial = sarama.OffsetOldest
	conf.Consumer.Return.Errors = true
	// Frequent heartbeats: a member learns of a rebalance (another member
	// joining) at its next heartbeat, so tests wait milliseconds, not 3 s.
	conf.Consumer.Group.Heartbeat.Interval = 100 * time.Millisecond
	conf.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategyRange()}
	cg, err := sarama.NewConsumerGroup(brokers, group, conf)
	if err != nil {
		return nil, fmt.Errorf("sarama consumer group %q: %w", group, err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	m := &Member{ClientID: clientID, cg: cg, cancel: cancel, done: make(chan struct{})}
	ready := make(chan struct{})
	h := &handler{ready: ready}
	failed := make(chan error, 1)
	go func() {
		for err := range cg.Errors() {
			select {
			case failed <- err:
			default:
			}
		}
	}()
	go func() {
		defer close(m.done)
		for runCtx.Err() == nil {
			// Consume returns at every rebalance; calling it again rejoins.
			if err := cg.Consume(runCtx, topics, h); err != nil {
				if errors.Is(err, sarama.ErrClosedConsumerGroup) || runCtx.Err() != nil {
					return
				}
				select {
				case failed <- err:
				default:
				}
				return
			}
		}
	}()
	select {
	case <-ready:
		return m, nil
	case err := <-failed:
		m.Close()
		return nil, fmt.Errorf("sarama member of group %q did not join: %w", group, err)
	case <-ctx.Done():
		m.Close()
		return nil, fmt.Errorf("sarama member of group %q did not join: %w", group, ctx.Err())
	}
}

// Close leaves the group and stops the member.
func (m *Member) Close() {
	m.once.Do(func() {
		m.cancel()
		_ = m.cg.Close()
		<-m.done
	})
}

type handler struct {
	ready chan struct{}
	once  sync.Once
}

func (h *handler) Setup(sarama.ConsumerGroupSession) error {
	h.once.Do(func() { close(h.ready) })
	return nil
}

func (h *handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

// ConsumeClaim reads and drops messages, marking none, until the session
// ends.
func (h *handler) ConsumeClaim(_ sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for range claim.Messages() {
	}
	return nil
}
