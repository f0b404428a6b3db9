package testkit

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

// A closed address refuses at once, and no listener can take its port
// while the test runs (a sandbox broker there would receive the stray
// connection of a test that expects a refusal).
func TestClosedAddrRefusesAndStaysReserved(t *testing.T) {
	addr := ClosedAddr(t)
	start := time.Now()
	_, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) || time.Since(start) > time.Second {
		t.Fatalf("dial %s: %v after %s, want connection refused at once", addr, err, time.Since(start))
	}
	if ln, err := net.Listen("tcp", addr); err == nil {
		ln.Close()
		t.Fatalf("listening on %s succeeded: the port is not reserved", addr)
	}
	// Many listeners on port 0 never get the reserved port.
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := 0; i < 2000; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if ln.Addr().String() == addr {
			t.Fatalf("a listener on port 0 got the reserved %s", addr)
		}
		ls = append(ls, ln)
	}
}
