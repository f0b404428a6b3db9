package kafkatest

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// Wave is the requests (API name -> count) a plan sends together: each
// needs only answers of earlier waves.
type Wave map[string]int

// Gate counts round trips without a clock. It holds the answer to
// every request until all requests of its wave have reached the cluster,
// then releases the wave. A command whose plan sends a request later than
// the plan says (after an answer it was not supposed to need, or queued
// behind another request on one connection) can never complete its wave:
// it fails at its --timeout instead of passing or failing by the luck of
// scheduling, as round trips read from timestamps do on a loaded machine.
type Gate struct {
	mu    sync.Mutex
	want  []Wave
	cur   int
	got   Wave
	open  []chan struct{}
	extra []string // requests after the last wave
	trace []string // every request, in arrival order, with its wave
	off   bool
}

// GateWaves installs a gate on c for one command; call Check once it has
// run. Connection set-up (ApiVersions, SASL) is not gated.
func GateWaves(t testing.TB, c *sandbox.Cluster, want ...Wave) *Gate {
	g := &Gate{want: want, got: Wave{}}
	for range want {
		g.open = append(g.open, make(chan struct{}))
	}
	t.Cleanup(g.releaseAll)
	c.Kfake.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		g.mu.Lock()
		off := g.off
		g.mu.Unlock()
		if off {
			c.Kfake.DropControl()
			return nil, nil, false
		}
		switch kmsg.Key(req.Key()) {
		case kmsg.ApiVersions, kmsg.SASLHandshake, kmsg.SASLAuthenticate:
			return nil, nil, false
		}
		name := kmsg.NameForKey(req.Key())
		g.mu.Lock()
		if g.cur >= len(g.want) {
			g.extra = append(g.extra, name)
			g.trace = append(g.trace, name+"@after")
			g.mu.Unlock()
			return nil, nil, false
		}
		w := g.cur
		g.got[name]++
		g.trace = append(g.trace, fmt.Sprintf("%s@%d", name, w+1))
		if reflect.DeepEqual(g.got, g.want[w]) {
			close(g.open[w])
			g.cur, g.got = w+1, Wave{}
		}
		ch := g.open[w]
		g.mu.Unlock()
		c.Kfake.SleepControl(func() { <-ch })
		return nil, nil, false
	})
	return g
}

// releaseAll opens every wave not yet complete (cur stays: check reports
// how far the plan got).
func (g *Gate) releaseAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := g.cur; i < len(g.open); i++ {
		select {
		case <-g.open[i]:
		default:
			close(g.open[i])
		}
	}
}

// Check removes the gate and fails the test unless every wave completed
// and nothing followed.
func (g *Gate) Check(t testing.TB) {
	t.Helper()
	g.releaseAll()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.off = true
	if g.cur != len(g.want) || len(g.extra) > 0 {
		t.Errorf("plan: completed %d of %d waves %v; stuck with %v; after the last: %v; arrivals %v", g.cur, len(g.want), g.want, g.got, g.extra, g.trace)
	}
}
