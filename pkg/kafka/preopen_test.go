package kafka_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// connectPreOpen connects with the lag plan's pre-open hint.
func connectPreOpen(t *testing.T, s config.Settings, n int, trace io.Writer) *kafka.Admin {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	a, err := kafka.Connect(ctx, s, kafka.Options{PreOpen: n, Verbose: trace})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return a
}

func checkG1(t *testing.T, res *kafka.LagResult) {
	t.Helper()
	if len(res.Groups) != 1 || res.Groups[0].Err != nil || !res.Groups[0].Exists {
		t.Fatalf("result = %+v", res.Groups)
	}
	g := res.Groups[0]
	if g.Committed[tp{Topic: "t", Partition: 0}] != 4 || g.End[tp{Topic: "t", Partition: 0}].Offset != 10 || g.End[tp{Topic: "t", Partition: 1}].Offset != 5 {
		t.Errorf("g1 = %+v", g)
	}
}

// The connections a lag plan pre-opens at connect time join the pool of
// the broker advertising their address: the plan opens none after the
// metadata (3 per broker for a named group, as the wave opened before). A
// bootstrap list naming one broker still works: the other brokers'
// connections open in the plan's wave.
func TestPreOpenedConnectionsJoinThePlan(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	seedLag(t, c)
	q := kafka.LagQuery{Groups: []string{"g1"}}
	// Latency on set-up too: every connection the plan opens is set up
	// before the plan ends, so the count is the plan's.
	c.Counter.SetLatencyWithSetup(20 * time.Millisecond)
	for _, tc := range []struct {
		name  string
		addrs []string
	}{
		{"every broker", c.Addrs},
		{"one broker", c.Addrs[:1]},
	} {
		s := testkit.Settings(c)
		s.Brokers = tc.addrs
		conns := c.Counter.Connections()
		c.Counter.Reset()
		var trace bytes.Buffer
		a := connectPreOpen(t, s, q.Connections(), &trace)
		res, err := a.Lag(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		checkG1(t, res)
		_ = a.Close()
		// 3 per bootstrap address; the wave: 2 per other broker, 3 on
		// a leader of t.
		leaders := map[int32]bool{}
		for p := int32(0); p < 4; p++ {
			leaders[c.Kfake.LeaderFor("t", p)] = true
		}
		want := 0
		for _, b := range a.MetadataBrokers() {
			switch {
			case slices.Contains(tc.addrs, b.Addr), leaders[b.ID]:
				want += 3
			default:
				want += 2
			}
		}
		if n := c.Counter.Connections() - conns; n != want {
			t.Errorf("%s: %d connections, want %d; trace:\n%s", tc.name, n, want, trace.String())
		}
		if n := c.Counter.Counts()["Metadata"]; n != 1 {
			t.Errorf("%s: %d Metadata, want 1", tc.name, n)
		}
	}
}

// hangingListener accepts connections and never answers (a broker that
// hangs); closed reports how many of them the client closed.
type hangingListener struct {
	addr     string
	mu       sync.Mutex
	accepted int
	closed   int
}

func newHangingListener(t *testing.T) *hangingListener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hangingListener{addr: ln.Addr().String()}
	var conns []net.Conn
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			h.mu.Lock()
			h.accepted++
			conns = append(conns, c)
			h.mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _ = io.Copy(io.Discard, c) // until the client closes
				h.mu.Lock()
				h.closed++
				h.mu.Unlock()
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		h.mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		h.mu.Unlock()
		wg.Wait()
	})
	return h
}

func (h *hangingListener) counts() (accepted, closed int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.accepted, h.closed
}

// A pre-opened connection that fails (a refused address) or hangs (an
// address that accepts and never answers) neither fails nor delays the
// command: no broker advertises those addresses, so nothing waits for
// them; the ones that hang are closed once sarama's set-up gives up (its
// read timeout), and Close returns at once.
func TestPreOpenFailuresDoNotDelayTheCommand(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	seedLag(t, c)
	c.Counter.SetLatencyWithSetup(20 * time.Millisecond) // see TestPreOpenedConnectionsJoinThePlan
	hang := newHangingListener(t)
	s := testkit.Settings(c)
	s.Timeout = time.Second // sarama's read timeout: 2 s
	s.Brokers = append(append([]string(nil), c.Addrs...), testkit.ClosedAddr(t), hang.addr)
	conns := c.Counter.Connections()
	start := time.Now()
	a := connectPreOpen(t, s, 3, nil)
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	res, err := a.Lag(ctx, kafka.LagQuery{Groups: []string{"g1"}})
	if err != nil {
		t.Fatal(err)
	}
	checkG1(t, res)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 900*time.Millisecond {
		t.Errorf("connect + lag + close took %v with a hanging bootstrap address, want well under the 1 s timeout", took)
	}
	if n := c.Counter.Connections() - conns; n != 9 {
		t.Errorf("%d connections to the brokers, want 9 (3 per broker)", n)
	}
	// The hanging address got its 3 dials; every one is closed once
	// sarama's set-up gives up (up to twice its read timeout).
	deadline := time.Now().Add(8 * time.Second)
	for {
		accepted, closed := hang.counts()
		if accepted == 3 && closed == 3 {
			t.Logf("closed %v after start", time.Since(start))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hanging address: %d connections accepted, %d closed by the client; want 3 and 3", accepted, closed)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A connect that fails closes what it pre-opened.
func TestPreOpenClosedWhenConnectFails(t *testing.T) {
	t.Parallel()
	hang := newHangingListener(t)
	s := config.Settings{Brokers: []string{testkit.ClosedAddr(t), hang.addr}, SecurityProtocol: config.Plaintext, Timeout: time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	if _, err := kafka.Connect(ctx, s, kafka.Options{PreOpen: 2}); err == nil {
		t.Fatal("connect succeeded")
	}
	deadline := time.Now().Add(8 * time.Second)
	for {
		accepted, closed := hang.counts()
		// 1 bootstrap connection + 2 pre-opened (+ the diagnosis's probe).
		if accepted >= 3 && closed == accepted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hanging address: %d connections accepted, %d closed by the client; want 3 and 3", accepted, closed)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
