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
// connected and one shared connection per broker, opened from that
// metadata. It replaces sarama's Client, which retried Metadata while a
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
	topics map[string]int           // name -> index in md.Topics
	shared map[int32]*sarama.Broker // the shared connection to each broker
	seed   *sarama.Broker           // the bootstrap connection that answered Metadata
	seedID int32                    // the broker the seed connection reached; -1: none in the metadata
	// seedShared: the seed connection serves shared requests (anyBroker,
	// conn); until then it is an idle connection of the pool, which the
	// first step of a plan leases without a dial. Never both at once.
	seedShared bool
}

// brokerConn is the command's shared connection to one broker, named by the
// broker's id from the metadata (the bootstrap connection, reused for its
// broker, is known to sarama by address only). Requests on it are
// serialised by sarama's broker lock; parallel requests to one broker lease
// dedicated connections (lease).
type brokerConn struct {
	*sarama.Broker
	id int32
}

// ID is the broker's id from the metadata.
func (c brokerConn) ID() int32 { return c.id }

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

// conn returns the shared connection to broker id, starting to open it
// without waiting (call connected inside Do, as for sarama's client).
func (a *Admin) conn(id int32) (brokerConn, error) {
	info, ok := a.t.brokerInfo(id)
	if !ok {
		return brokerConn{}, fmt.Errorf("broker %d is not in the cluster metadata", id)
	}
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	if a.t.seed != nil && a.t.seedID == id {
		if a.t.seedShared || a.pool.claim(id, a.t.seed) {
			a.t.seedShared = true
			return brokerConn{a.t.seed, id}, nil
		}
		// Leased for a plan's request: the shared connection is another.
	}
	if b, ok := a.t.shared[id]; ok {
		// Reopens a connection closed after a failure, as sarama's client
		// did; never waits (Connected would wait for a request in flight).
		_ = b.Open(a.conf)
		return brokerConn{b, id}, nil
	}
	b := sarama.NewBroker(info.Addr)
	if err := b.Open(a.conf); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
		return brokerConn{}, a.classify(info.Addr, err)
	}
	if a.t.shared == nil {
		a.t.shared = map[int32]*sarama.Broker{}
	}
	a.t.shared[id] = b
	return brokerConn{b, id}, nil
}

// leaderConn is the shared connection to tp's leader.
func (a *Admin) leaderConn(tp TopicPartition) (brokerConn, error) {
	id, err := a.t.leader(tp)
	if err != nil {
		return brokerConn{}, err
	}
	return a.conn(id)
}

// controller is the shared connection to the controller of the metadata.
func (a *Admin) controller() (brokerConn, error) {
	id := a.t.controllerID()
	if id < 0 {
		return brokerConn{}, errors.New("the metadata names no controller")
	}
	return a.conn(id)
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
	a.logf("Metadata to broker %d (%s): %s", b.ID(), b.Addr(), topicsNote(names))
	resp, err := Do(ctx, "metadata from "+b.Addr(), func() (*sarama.MetadataResponse, error) {
		if err := a.connected(b.Broker); err != nil {
			return nil, err
		}
		return b.GetMetadata(req)
	})
	if err != nil {
		return a.classify(b.Addr(), err)
	}
	a.t.store(convertMetadata(resp), names)
	return nil
}

// closeAll closes every shared connection (in the background: sarama's
// Close waits for a broker lock that a request without an answer holds).
func (t *transport) closeAll() []*sarama.Broker {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []*sarama.Broker
	if t.seed != nil {
		out = append(out, t.seed)
	}
	for _, b := range t.shared {
		out = append(out, b)
	}
	t.seed, t.shared = nil, nil
	return out
}
