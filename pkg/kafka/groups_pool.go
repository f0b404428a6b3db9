package kafka

import (
	"context"
	"errors"
	"net"
	"sync"

	"github.com/IBM/sarama"
)

// connPool keeps dedicated connections that finished a request, per broker,
// so a plan that sends several requests to one broker in parallel opens only
// as many connections as it has requests in flight there, and later steps
// reuse them (sarama holds one request in flight per *sarama.Broker).
type connPool struct {
	mu   sync.Mutex
	idle map[int32][]*sarama.Broker
}

// lease returns a dedicated connection to broker b that no one else is
// using. release(healthy) returns it to the pool, or closes it when the
// request failed on the wire (sarama would reconnect lazily, but a fresh
// dial keeps the error handling in one place).
func (a *Admin) lease(ctx context.Context, b Broker) (*sarama.Broker, func(healthy bool), error) {
	a.pool.mu.Lock()
	if l := a.pool.idle[b.ID]; len(l) > 0 {
		conn := l[len(l)-1]
		a.pool.idle[b.ID] = l[:len(l)-1]
		a.pool.mu.Unlock()
		return conn, a.releaser(b.ID, conn), nil
	}
	a.pool.mu.Unlock()
	conn, err := a.dial(ctx, b.Addr, b.ID)
	if err != nil {
		return nil, nil, err
	}
	return conn, a.releaser(b.ID, conn), nil
}

func (a *Admin) releaser(id int32, conn *sarama.Broker) func(bool) {
	var once sync.Once
	return func(healthy bool) {
		once.Do(func() {
			if !healthy {
				// In the background: sarama's Close waits for the broker
				// lock, which a request that got no answer holds until
				// sarama's own read timeout (past --timeout).
				go func() { _ = conn.Close() }()
				return
			}
			a.pool.mu.Lock()
			if a.pool.idle == nil {
				a.pool.idle = map[int32][]*sarama.Broker{}
			}
			a.pool.idle[id] = append(a.pool.idle[id], conn)
			a.pool.mu.Unlock()
		})
	}
}

// onBroker sends one request on a leased connection to b, bounded by ctx.
func onBroker[T any](ctx context.Context, a *Admin, b Broker, what string, fn func(conn *sarama.Broker) (T, error)) (T, error) {
	var zero T
	conn, release, err := a.lease(ctx, b)
	if err != nil {
		return zero, err
	}
	v, err := Do(ctx, what, func() (T, error) { return fn(conn) })
	if err != nil {
		// A timed-out request may still be in flight: never reuse that
		// connection. Encoding errors (nothing was sent) keep it.
		var pe sarama.PacketEncodingError
		release(errors.As(err, &pe) || errors.Is(err, sarama.ErrUnsupportedVersion))
		if errors.As(err, &pe) || errors.Is(err, sarama.ErrUnsupportedVersion) {
			return zero, err
		}
		return zero, a.classify(b.Addr, err)
	}
	release(true)
	return v, nil
}

// brokers lists the brokers of the metadata, by id.
func (a *Admin) brokers() []Broker { return a.t.brokerList() }

// isNetErr reports a connection-level failure.
func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

// warm opens n more dedicated connections to each broker and leaves them
// idle in the pool, so a later step that sends requests to one broker in
// parallel does not wait for dials (TCP, TLS, ApiVersions, SASL) in the
// middle of a round trip. Failures are left for the step to report.
func (a *Admin) warm(ctx context.Context, bs []Broker, n int) {
	var wg sync.WaitGroup
	for _, b := range bs {
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(b Broker) {
				defer wg.Done()
				conn, err := a.dial(ctx, b.Addr, b.ID)
				if err != nil {
					return
				}
				a.releaser(b.ID, conn)(true)
			}(b)
		}
	}
	wg.Wait()
}
