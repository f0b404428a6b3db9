package sandbox

import (
	"crypto/tls"
	"encoding/binary"
	"net"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// Counter counts the Kafka requests that reach the sandbox, by API, and can
// inject latency into each one. It sits on the listener (kfake's
// ListenFn), so it sees exactly what a client sends: the benchmark harness.
type Counter struct {
	latency atomic.Int64 // nanoseconds added before each request is handled
	tls     *tls.Config  // the listener's TLS, terminated here (nil: plaintext)
	// setupLatency: the latency applies to set-up requests too, so a
	// connection opened in the middle of a plan costs its set-up round
	// trips (RoundTripsWithSetup).
	setupLatency atomic.Bool

	mu    sync.Mutex
	reqs  []*Request
	conns int
}

// Request is one request seen on the wire.
type Request struct {
	Key     int16
	Version int16
	Conn    int
	// ClientID is the request header's client_id (header v1+): "kctl"
	// for kctl, "kctl-sandbox-seed" for the sandbox's seeding clients.
	// With Conn it tells who sent a request a budget did not expect.
	ClientID string
	Start    time.Time // first byte arrived
	End      time.Time // response written (zero if none yet)
}

// Setup reports whether the request is connection set-up (not counted in
// a command's plan): ApiVersions and SASL.
func (r *Request) Setup() bool { return r.Key == 18 || r.Key == 17 || r.Key == 36 }

// SetLatency makes every request but set-up wait d before the broker
// handles it.
func (c *Counter) SetLatency(d time.Duration) { c.latency.Store(int64(d)) }

// SetLatencyWithSetup is SetLatency for set-up requests (ApiVersions,
// SASL) too: what a plan pays for opening connections shows in
// RoundTripsWithSetup.
func (c *Counter) SetLatencyWithSetup(d time.Duration) {
	c.setupLatency.Store(true)
	c.latency.Store(int64(d))
}

// Reset forgets what was counted.
func (c *Counter) Reset() {
	c.mu.Lock()
	c.reqs = nil
	c.mu.Unlock()
}

// Requests returns a copy of what was seen.
func (c *Counter) Requests() []Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Request, len(c.reqs))
	for i, r := range c.reqs {
		out[i] = *r
	}
	return out
}

// Counts returns requests per API name, set-up requests excluded.
func (c *Counter) Counts() map[string]int {
	m := map[string]int{}
	for _, r := range c.Requests() {
		if !r.Setup() {
			m[kmsg.NameForKey(r.Key)]++
		}
	}
	return m
}

// Total counts requests, set-up (ApiVersions, SASL) excluded.
func (c *Counter) Total() int {
	n := 0
	for _, r := range c.Requests() {
		if !r.Setup() {
			n++
		}
	}
	return n
}

// Connections counts the TCP connections accepted since the cluster started.
func (c *Counter) Connections() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conns
}

// RoundTrips is the length of the longest chain of requests where each was
// sent after the previous one's response: the number of sequential waits a
// command made. Set-up requests are excluded.
func (c *Counter) RoundTrips() int { return c.roundTrips(false) }

// RoundTripsWithSetup is RoundTrips counting connection set-up requests
// (ApiVersions, SASL) too: a connection opened in the middle of a plan
// adds its set-up to the chain.
func (c *Counter) RoundTripsWithSetup() int { return c.roundTrips(true) }

// RequestsWithSetup counts every request, set-up included.
func (c *Counter) RequestsWithSetup() int { return len(c.Requests()) }

func (c *Counter) roundTrips(setup bool) int {
	var iv []Request
	for _, r := range c.Requests() {
		if (setup || !r.Setup()) && !r.End.IsZero() {
			iv = append(iv, r)
		}
	}
	// Greedy by end time gives the maximum set of pairwise
	// non-overlapping intervals, i.e. the longest sequential chain.
	sort.Slice(iv, func(i, j int) bool { return iv[i].End.Before(iv[j].End) })
	n := 0
	var last time.Time
	for _, r := range iv {
		if n == 0 || !r.Start.Before(last) {
			n++
			last = r.End
		}
	}
	return n
}

// listen wraps net.Listen with counting.
func (c *Counter) listen(network, addr string) (net.Listener, error) {
	l, err := net.Listen(network, addr)
	if err != nil {
		return nil, err
	}
	if c.tls != nil {
		l = tls.NewListener(l, c.tls)
	}
	return &countingListener{Listener: l, c: c}, nil
}

type countingListener struct {
	net.Listener
	c *Counter
}

func (l *countingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.c.mu.Lock()
	l.c.conns++
	id := l.c.conns
	l.c.mu.Unlock()
	return &countingConn{Conn: conn, c: l.c, id: id}, nil
}

// countingConn parses request frames on Read and response frames on Write.
// Kafka answers requests on one connection in order, so responses match the
// oldest open request.
type countingConn struct {
	net.Conn
	c  *Counter
	id int

	rmu     sync.Mutex
	rHdr    []byte   // partial frame header being read
	rRemain int      // bytes left in the current request body
	rCur    *Request // request whose client id is being read
	rID     []byte   // correlation id, client id length and client id, as read

	wmu     sync.Mutex
	wHdr    []byte
	wRemain int
	open    []*Request
}

func (cc *countingConn) Read(p []byte) (int, error) {
	n, err := cc.Conn.Read(p)
	if n > 0 {
		cc.rmu.Lock()
		cc.scanRead(p[:n])
		cc.rmu.Unlock()
	}
	return n, err
}

func (cc *countingConn) scanRead(b []byte) {
	for len(b) > 0 {
		if cc.rRemain > 0 {
			k := min(cc.rRemain, len(b))
			if cc.rCur != nil {
				cc.scanClientID(b[:k])
			}
			cc.rRemain -= k
			b = b[k:]
			continue
		}
		need := 8 - len(cc.rHdr)
		k := min(need, len(b))
		cc.rHdr = append(cc.rHdr, b[:k]...)
		b = b[k:]
		if len(cc.rHdr) < 8 {
			continue
		}
		size := int(binary.BigEndian.Uint32(cc.rHdr[:4]))
		r := &Request{
			Key:     int16(binary.BigEndian.Uint16(cc.rHdr[4:6])),
			Version: int16(binary.BigEndian.Uint16(cc.rHdr[6:8])),
			Conn:    cc.id,
			Start:   time.Now(),
		}
		cc.rHdr = cc.rHdr[:0]
		cc.rRemain = size - 4
		cc.rCur, cc.rID = r, cc.rID[:0]
		cc.c.mu.Lock()
		cc.c.reqs = append(cc.c.reqs, r)
		cc.c.mu.Unlock()
		cc.wmu.Lock()
		cc.open = append(cc.open, r)
		cc.wmu.Unlock()
		if d := time.Duration(cc.c.latency.Load()); d > 0 && (!r.Setup() || cc.c.setupLatency.Load()) {
			time.Sleep(d)
		}
	}
}

// scanClientID reads the request header's client_id (a nullable int16
// length-prefixed string after the correlation id) from body bytes b.
func (cc *countingConn) scanClientID(b []byte) {
	for len(b) > 0 && cc.rCur != nil {
		need := 6
		if len(cc.rID) >= 6 {
			need += max(0, int(int16(binary.BigEndian.Uint16(cc.rID[4:6]))))
		}
		k := min(need-len(cc.rID), len(b))
		cc.rID = append(cc.rID, b[:k]...)
		b = b[k:]
		if len(cc.rID) < 6 {
			return
		}
		l := max(0, int(int16(binary.BigEndian.Uint16(cc.rID[4:6]))))
		if len(cc.rID) == 6+l {
			cc.c.mu.Lock()
			cc.rCur.ClientID = string(cc.rID[6:])
			cc.c.mu.Unlock()
			cc.rCur = nil
		}
	}
}

func (cc *countingConn) Write(p []byte) (int, error) {
	// Mark responses finished before the bytes leave: once written, the
	// client may send its next request before this goroutine runs again,
	// and a late End would merge two sequential round trips into one.
	cc.wmu.Lock()
	cc.scanWrite(p)
	cc.wmu.Unlock()
	return cc.Conn.Write(p)
}

func (cc *countingConn) scanWrite(b []byte) {
	for len(b) > 0 {
		if cc.wRemain > 0 {
			k := min(cc.wRemain, len(b))
			cc.wRemain -= k
			b = b[k:]
			if cc.wRemain == 0 && len(cc.open) > 0 {
				cc.c.mu.Lock()
				cc.open[0].End = time.Now()
				cc.c.mu.Unlock()
				cc.open = cc.open[1:]
			}
			continue
		}
		need := 4 - len(cc.wHdr)
		k := min(need, len(b))
		cc.wHdr = append(cc.wHdr, b[:k]...)
		b = b[k:]
		if len(cc.wHdr) == 4 {
			cc.wRemain = int(binary.BigEndian.Uint32(cc.wHdr))
			cc.wHdr = cc.wHdr[:0]
		}
	}
}
