package kafka

import (
	"context"
	"errors"
	"sync"

	"github.com/IBM/sarama"
)

// connPool keeps the command's dedicated connections, per broker: sarama
// holds one request in flight per *sarama.Broker, so a plan that sends
// several requests to one broker at once needs as many connections there.
// A plan opens what it needs in one parallel wave (openWave) right after
// the metadata, so no request of the plan waits for a connection set-up
// (TCP, TLS, ApiVersions, SASL) in the middle of a round trip; later steps
// reuse the connections; Close closes them.
type connPool struct {
	mu      sync.Mutex
	idle    map[int32][]*sarama.Broker
	open    map[int32]int // connections opened to each broker and not closed
	opening map[int32]int // wave and pre-open dials in flight: a lease waits for them rather than dialing
	sized   map[int32]int // connections the plan's wave sized for each broker: while that many are open, a lease waits for one to come back rather than dialing
	changed chan struct{} // closed (and replaced) whenever idle or opening changes
	// pre: the connections opened at connect time to each bootstrap
	// address (Options.PreOpen), before the metadata says which broker
	// the address is.
	pre map[string]*preAddr
}

// preAddr is what was pre-opened to one bootstrap address.
type preAddr struct {
	resolved bool             // the metadata arrived (or the connect failed)
	id       int32            // once resolved: the broker advertising the address; -1: none, close what opens
	ready    []*sarama.Broker // opened before the metadata arrived
	inflight int              // dials not finished
}

// notify wakes the leases waiting for a connection; p.mu is held.
func (p *connPool) notify() {
	if p.changed != nil {
		close(p.changed)
	}
	p.changed = make(chan struct{})
}

func (p *connPool) init() {
	if p.idle == nil {
		p.idle, p.open, p.opening, p.sized = map[int32][]*sarama.Broker{}, map[int32]int{}, map[int32]int{}, map[int32]int{}
		p.pre = map[string]*preAddr{}
		p.changed = make(chan struct{})
	}
}

// adopt puts an open connection (the bootstrap one) into the pool.
func (p *connPool) adopt(id int32, conn *sarama.Broker) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	p.idle[id] = append(p.idle[id], conn)
	p.open[id]++
	p.notify()
}

// lease returns a dedicated connection to broker b that no one else is
// using: an idle one, else one the wave is opening, else a new dial.
// release(healthy) returns it to the pool, or closes it when the request
// failed on the wire.
func (a *Admin) lease(ctx context.Context, b Broker) (*sarama.Broker, func(healthy bool), error) {
	p := &a.pool
	for {
		p.mu.Lock()
		p.init()
		if l := p.idle[b.ID]; len(l) > 0 {
			conn := l[len(l)-1]
			p.idle[b.ID] = l[:len(l)-1]
			p.mu.Unlock()
			return conn, a.releaser(b.ID, conn), nil
		}
		if p.opening[b.ID] == 0 && (p.sized[b.ID] == 0 || p.open[b.ID] < p.sized[b.ID]) {
			p.mu.Unlock()
			break
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, nil, a.classify(b.Addr, ctx.Err())
		}
	}
	conn, err := a.dial(ctx, b.Addr, b.ID)
	if err != nil {
		return nil, nil, err
	}
	p.mu.Lock()
	p.open[b.ID]++
	p.mu.Unlock()
	return conn, a.releaser(b.ID, conn), nil
}

func (a *Admin) releaser(id int32, conn *sarama.Broker) func(bool) {
	var once sync.Once
	return func(healthy bool) {
		once.Do(func() {
			p := &a.pool
			p.mu.Lock()
			defer p.mu.Unlock()
			p.init()
			if !healthy {
				p.open[id]--
				// In the background: sarama's Close waits for the broker
				// lock, which a request that got no answer holds until
				// sarama's own read timeout (past --timeout).
				go func() { _ = conn.Close() }()
				return
			}
			p.idle[id] = append(p.idle[id], conn)
			p.notify()
		})
	}
}

// openWave opens, in parallel and without waiting, the connections a plan
// needs: need[id] connections to broker id at once, counting those already
// open. Leases wait for them instead of dialing their own. A failed dial is
// left for the step that needs the broker to report (it dials again).
func (a *Admin) openWave(ctx context.Context, need map[int32]int) {
	p := &a.pool
	p.mu.Lock()
	p.init()
	todo := map[int32]int{}
	for id, n := range need {
		p.sized[id] = max(p.sized[id], n)
		if more := n - p.open[id] - p.opening[id]; more > 0 {
			todo[id] = more
			p.opening[id] += more
		}
	}
	p.mu.Unlock()
	total := 0
	for id, n := range todo {
		b, ok := a.t.brokerInfo(id)
		for i := 0; i < n; i++ {
			total++
			go func() {
				var conn *sarama.Broker
				err := errors.New("not in the metadata")
				if ok {
					conn, err = a.dial(ctx, b.Addr, id)
				}
				p.mu.Lock()
				defer p.mu.Unlock()
				p.opening[id]--
				if err == nil {
					p.idle[id] = append(p.idle[id], conn)
					p.open[id]++
				} else {
					p.sized[id] = 0 // the step dials again, and reports
				}
				p.notify()
			}()
		}
	}
	if total > 0 {
		a.logf("opening %d connections in one wave", total)
	}
}

// preOpen starts opening, without waiting, n connections to every
// bootstrap address (n-1 to the first, whose bootstrap connection is the
// n-th), so that their set-up (TCP, TLS, ApiVersions, SASL) runs alongside
// the bootstrap connection's own instead of in a wave after the metadata.
// ctx bounds the dials (Close cancels it). adoptPreOpened files them under
// the broker advertising each address once the metadata is known.
func (a *Admin) preOpen(ctx context.Context, n int) {
	p := &a.pool
	seen := map[string]bool{}
	total := 0
	for i, addr := range a.settings.Brokers {
		if seen[addr] {
			continue
		}
		seen[addr] = true
		k := n
		if i == 0 {
			k = n - 1
		}
		if k <= 0 {
			continue
		}
		p.mu.Lock()
		p.init()
		st := p.pre[addr]
		if st == nil {
			st = &preAddr{id: -1}
			p.pre[addr] = st
		}
		st.inflight += k
		p.mu.Unlock()
		for j := 0; j < k; j++ {
			total++
			go func() {
				conn, err := a.open(ctx, addr)
				if err == nil && ctx.Err() != nil {
					// Close ran while this dial finished: the
					// connection may be past Close's list.
					go func(c *sarama.Broker) { _ = c.Close() }(conn)
					conn, err = nil, ctx.Err()
				}
				if err != nil && ctx.Err() == nil {
					// (Not once the command ended: its trace is printed.)
					a.logf("pre-opened connection to %s: %v", addr, err)
				}
				a.preDone(addr, conn, err)
			}()
		}
	}
	if total > 0 {
		a.logf("opening %d more connections to the bootstrap brokers alongside the bootstrap connection", total)
	}
}

// preDone files one finished pre-open dial: before the metadata, it waits
// in ready; after, it joins the pool of its broker, or is closed when no
// broker advertises its address. A failed dial is just not adopted: the
// step that needs the broker dials again and reports.
func (a *Admin) preDone(addr string, conn *sarama.Broker, err error) {
	p := &a.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.pre[addr]
	st.inflight--
	switch {
	case !st.resolved:
		if err == nil {
			st.ready = append(st.ready, conn)
		}
		return
	case st.id < 0:
		if err == nil {
			go func() { _ = conn.Close() }()
		}
		return
	}
	p.opening[st.id]--
	if err == nil {
		p.idle[st.id] = append(p.idle[st.id], conn)
		p.open[st.id]++
	} else {
		p.sized[st.id] = 0 // the step dials again, and reports
	}
	p.notify()
}

// adoptPreOpened files the pre-opened connections under the broker whose
// advertised address is the one they were opened to (brokers: the
// metadata's; nil: the connect failed, close them all). Connections still
// opening count as opening for their broker: a lease waits for them rather
// than dialing, and openWave does not dial them again.
func (a *Admin) adoptPreOpened(brokers []Broker) {
	p := &a.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	p.init()
	adopted, dropped := 0, 0
	for addr, st := range p.pre {
		if st.resolved {
			continue
		}
		st.resolved = true
		for _, b := range brokers {
			if b.Addr == addr {
				st.id = b.ID
				break
			}
		}
		if st.id < 0 {
			dropped += len(st.ready) + st.inflight
			for _, conn := range st.ready {
				go func() { _ = conn.Close() }()
			}
		} else {
			adopted += len(st.ready) + st.inflight
			p.idle[st.id] = append(p.idle[st.id], st.ready...)
			p.open[st.id] += len(st.ready)
			p.opening[st.id] += st.inflight
		}
		st.ready = nil
	}
	p.notify()
	if adopted+dropped > 0 && brokers != nil {
		a.logf("pre-opened connections: %d kept for their brokers, %d not (no broker advertises their address)", adopted, dropped)
	}
}

// OpenPlanConnections opens, in one parallel wave and without waiting, the
// connections of a plan that sends perBroker requests at once to every
// broker (group requests at coordinators not known yet) and perLeader more
// at once to each leader of parts (ListOffsets). Without it, two parallel
// requests to one broker race for its one open connection, and the plan
// takes a round trip more or less from one run to the next.
func (a *Admin) OpenPlanConnections(ctx context.Context, parts []TopicPartition, perLeader, perBroker int) {
	need := map[int32]int{}
	for _, b := range a.brokers() {
		need[b.ID] = perBroker
	}
	if perLeader > 0 {
		for _, tp := range parts {
			if id, err := a.t.leader(tp); err == nil {
				need[id] = perBroker + perLeader
			}
		}
	}
	a.openWave(ctx, need)
}

// onBroker sends one request on a leased connection to b, bounded by ctx.
func onBroker[T any](ctx context.Context, a *Admin, b Broker, what string, fn func(conn *sarama.Broker) (T, error)) (T, error) {
	return request(ctx, a, b, what, fn, false)
}

// request is onBroker; asRequest words a connection set-up that ctx ended
// as the request's own timeout (what: no answer within the timeout).
func request[T any](ctx context.Context, a *Admin, b Broker, what string, fn func(conn *sarama.Broker) (T, error), asRequest bool) (T, error) {
	var zero T
	conn, release, err := a.lease(ctx, b)
	if err != nil {
		if asRequest && ctx.Err() != nil {
			return zero, ended(ctx, what)
		}
		return zero, err
	}
	v, err := Do(ctx, what, func() (T, error) { return fn(conn) })
	if err != nil {
		// A timed-out request may still be in flight: never reuse that
		// connection. Encoding errors (nothing was sent) keep it.
		release(unsent(err))
		if unsent(err) {
			return zero, err
		}
		return zero, a.classify(b.Addr, err)
	}
	release(true)
	return v, nil
}

// unsent: a request that failed before it was sent (sarama could not
// encode it, or the broker does not offer its version); onBroker returns
// these unworded, for the plans that fall back to an older version.
func unsent(err error) bool {
	var pe sarama.PacketEncodingError
	return errors.As(err, &pe) || errors.Is(err, sarama.ErrUnsupportedVersion)
}

// send is onBroker for a single request of a command (not a step of a
// plan's wave): every failure is worded by classify, those never sent
// included, and a connection set-up that the deadline ends is worded as
// the request's own timeout (what: no answer within the timeout).
func send[T any](ctx context.Context, a *Admin, b Broker, what string, fn func(conn *sarama.Broker) (T, error)) (T, error) {
	v, err := request(ctx, a, b, what, fn, true)
	if err != nil && unsent(err) {
		return v, a.classify(b.Addr, err)
	}
	return v, err
}

// brokers lists the brokers of the metadata, by id.
func (a *Admin) brokers() []Broker { return a.t.brokerList() }
