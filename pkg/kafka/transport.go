package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/IBM/sarama"
)

// The transport of one command: the cluster metadata it read when it
// connected, from which every request finds its broker; the requests
// themselves go out on connections leased from the pool (pool.go,
// onBroker), the bootstrap connection among them. It replaces sarama's Client, which retried Metadata while a
// partition had no leader (3 Metadata over 3 connections on a degraded
// cluster, exactly when an operator runs kctl) and kept the bootstrap
// connection apart from the brokers' own, so a command always paid one
// connection set-up more than it needed. Here a leaderless partition is a
// fact to report: Metadata is sent once, never retried by the transport.
type transport struct {
	mu sync.Mutex
	md *Metadata
	// fresh: md is Connect's answer and no describe has used it yet, so
	// the first describe reads it instead of asking again.
	fresh  bool
	topics map[string]int // name -> index in md.Topics
	// seed: the bootstrap connection that answered Metadata, adopted into
	// the pool of the broker it reached (seedID; -1: none in the
	// metadata), so the first request of a plan needs no dial.
	seed   *sarama.Broker
	seedID int32
}

// bootstrap connects to the bootstrap addresses in order until one answers
// a Metadata request for every topic, and keeps that answer and that
// connection. A broker whose advertised address is the bootstrap address
// reuses the connection.
func (a *Admin) bootstrap(ctx context.Context) error {
	var failures []error
	for _, addr := range a.settings.Brokers {
		if ctx.Err() != nil {
			break
		}
		b := sarama.NewBroker(addr)
		md, err := a.seedMetadata(ctx, b)
		if err != nil {
			a.logf("bootstrap broker %s: %v", addr, err)
			failures = append(failures, err)
			go func() { _ = b.Close() }() // may wait for sarama's lock
			continue
		}
		a.t.seed, a.t.seedID = b, -1
		for _, br := range md.Brokers {
			if br.Addr == addr {
				a.t.seedID = br.ID
				break
			}
		}
		if a.t.seedID < 0 {
			// The cluster advertises other addresses: the connections
			// the plans need go there.
			go func() { _ = b.Close() }()
			a.t.seed = nil
		}
		a.t.store(md, nil)
		a.t.fresh = true
		if a.t.seed != nil {
			a.pool.adopt(a.t.seedID, b) // the first request of a plan needs no dial
		}
		return nil
	}
	if ctx.Err() != nil && len(failures) == 0 {
		return ctx.Err()
	}
	return sarama.Wrap(sarama.ErrOutOfBrokers, failures...)
}

// seedMetadata opens b and asks it for every topic's metadata.
func (a *Admin) seedMetadata(ctx context.Context, b *sarama.Broker) (*Metadata, error) {
	if err := b.Open(a.conf); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
		return nil, err
	}
	req := sarama.NewMetadataRequest(a.conf.Version, nil)
	req.AllowAutoTopicCreation = false
	a.logf("Metadata to bootstrap broker %s: all topics", b.Addr())
	resp, err := Do(ctx, "metadata from "+b.Addr(), func() (*sarama.MetadataResponse, error) {
		if err := a.connected(b); err != nil {
			return nil, err
		}
		return b.GetMetadata(req)
	})
	if err != nil {
		return nil, err
	}
	if len(resp.Brokers) == 0 {
		// A broker still starting may answer with no brokers (KAFKA-7924).
		return nil, fmt.Errorf("broker %s: the metadata lists no brokers (still starting?)", b.Addr())
	}
	return convertMetadata(resp), nil
}

// store merges a Metadata answer: names nil means it lists every topic.
func (t *transport) store(md *Metadata, names []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fresh = false
	if t.md == nil || names == nil {
		t.md = md
	} else {
		merged := *t.md
		merged.ClusterID, merged.ControllerID, merged.Brokers = md.ClusterID, md.ControllerID, md.Brokers
		byName := make(map[string]TopicInfo, len(md.Topics))
		for _, ti := range md.Topics {
			byName[ti.Name] = ti
		}
		merged.Topics = make([]TopicInfo, 0, len(t.md.Topics)+len(md.Topics))
		for _, ti := range t.md.Topics {
			if nt, ok := byName[ti.Name]; ok {
				ti = nt
				delete(byName, ti.Name)
			}
			merged.Topics = append(merged.Topics, ti)
		}
		for _, ti := range byName {
			merged.Topics = append(merged.Topics, ti)
		}
		sort.Slice(merged.Topics, func(i, j int) bool { return merged.Topics[i].Name < merged.Topics[j].Name })
		t.md = &merged
	}
	t.topics = make(map[string]int, len(t.md.Topics))
	for i, ti := range t.md.Topics {
		t.topics[ti.Name] = i
	}
}

// takeFresh returns Connect's answer for names (nil: every topic) if no
// describe used it yet and it holds every named topic; a topic missing from
// the full listing may be one the user may not describe, which only a named
// request tells.
func (t *transport) takeFresh(names []string) *Metadata {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.fresh || t.md == nil {
		return nil
	}
	out := *t.md
	if len(names) == 0 {
		out.Topics = append([]TopicInfo(nil), t.md.Topics...)
		t.fresh = false
		return &out
	}
	seen := map[string]bool{}
	out.Topics = nil
	for _, n := range names {
		i, ok := t.topics[n]
		if !ok {
			return nil
		}
		if !seen[n] {
			seen[n] = true
			out.Topics = append(out.Topics, t.md.Topics[i])
		}
	}
	sort.Slice(out.Topics, func(i, j int) bool { return out.Topics[i].Name < out.Topics[j].Name })
	t.fresh = false
	return &out
}

// seedFirst is brokerList with the broker the bootstrap connection reached
// first: a request that may go to any broker goes there without a dial.
func (t *transport) seedFirst() []Broker {
	bs := t.brokerList()
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, b := range bs {
		if b.ID == t.seedID && t.seed != nil {
			copy(bs[1:i+1], bs[:i])
			bs[0] = b
			break
		}
	}
	return bs
}

// brokerList is the metadata's live brokers, by id.
func (t *transport) brokerList() []Broker {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.md == nil {
		return nil
	}
	return append([]Broker(nil), t.md.Brokers...)
}

func (t *transport) brokerInfo(id int32) (Broker, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.md == nil {
		return Broker{}, false
	}
	for _, b := range t.md.Brokers {
		if b.ID == id {
			return b, true
		}
	}
	return Broker{}, false
}

// leader is the leader id of tp in the metadata, with sarama's errors for a
// partition the metadata does not know or that has no live leader.
func (t *transport) leader(tp TopicPartition) (int32, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i, ok := t.topics[tp.Topic]
	if !ok {
		return -1, sarama.ErrUnknownTopicOrPartition
	}
	ti := &t.md.Topics[i]
	for _, p := range ti.Partitions {
		if p.Partition != tp.Partition {
			continue
		}
		if p.Leader < 0 {
			return -1, sarama.ErrLeaderNotAvailable
		}
		for _, b := range t.md.Brokers {
			if b.ID == p.Leader {
				return p.Leader, nil
			}
		}
		return -1, sarama.ErrLeaderNotAvailable // a leader that is not a live broker
	}
	return -1, sarama.ErrUnknownTopicOrPartition
}

// partitions lists the partitions of the topics in the metadata that are in
// scope (a topic with a topic-level error other than LEADER_NOT_AVAILABLE
// has none), sorted.
func (t *transport) partitions(inScope func(string) bool) []TopicPartition {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []TopicPartition
	if t.md == nil {
		return nil
	}
	for _, ti := range t.md.Topics {
		if !inScope(ti.Name) || (ti.Err != nil && !errors.Is(ti.Err, sarama.ErrLeaderNotAvailable)) {
			continue
		}
		for _, p := range ti.Partitions {
			out = append(out, TopicPartition{Topic: ti.Name, Partition: p.Partition})
		}
	}
	return out
}

func (t *transport) controllerID() int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.md == nil {
		return -1
	}
	return t.md.ControllerID
}

// brokerFor is broker id of the metadata, for a request on a leased
// connection (onBroker).
func (a *Admin) brokerFor(id int32) (Broker, error) {
	b, ok := a.t.brokerInfo(id)
	if !ok {
		return Broker{}, fmt.Errorf("broker %d is not in the cluster metadata", id)
	}
	return b, nil
}

// leaderBroker is tp's leader.
func (a *Admin) leaderBroker(tp TopicPartition) (Broker, error) {
	id, err := a.t.leader(tp)
	if err != nil {
		return Broker{}, err
	}
	return a.brokerFor(id)
}

// controller is the controller of the metadata.
func (a *Admin) controller() (Broker, error) {
	id := a.t.controllerID()
	if id < 0 {
		return Broker{}, errors.New("the metadata names no controller")
	}
	return a.brokerFor(id)
}

// refreshMetadata asks again for the named topics (nil: every topic), after
// a broker said a leader or the controller moved. One request, no retry.
func (a *Admin) refreshMetadata(ctx context.Context, names []string) error {
	b, err := a.anyBroker()
	if err != nil {
		return err
	}
	req := sarama.NewMetadataRequest(a.conf.Version, names)
	req.AllowAutoTopicCreation = false
	a.logf("Metadata to broker %d (%s): %s", b.ID, b.Addr, topicsNote(names))
	resp, err := send(ctx, a, b, "metadata from "+b.Addr, func(conn *sarama.Broker) (*sarama.MetadataResponse, error) {
		return conn.GetMetadata(req)
	})
	if err != nil {
		return err
	}
	a.t.store(convertMetadata(resp), names)
	return nil
}

// closeAll hands the bootstrap connection to Close (the pool's other
// connections are in Admin.conns; sarama's Close waits for a broker lock
// that a request without an answer holds, so Close closes in the
// background).
func (t *transport) closeAll() []*sarama.Broker {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []*sarama.Broker
	if t.seed != nil {
		out = append(out, t.seed)
	}
	t.seed = nil
	return out
}
