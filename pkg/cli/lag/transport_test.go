package lag_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// planCluster is 3 brokers with 3 topics × 40 partitions, groups g0..g4
// committed on every partition, counting requests at the listener (TLS
// terminated there under SASL_SSL) with 20 ms (250 ms under SASL) added to
// every request (set-up included), so parallel requests overlap.
func planCluster(t testing.TB, secure bool) (*sandbox.Cluster, config.Settings) {
	o := sandbox.Options{Brokers: 3, Count: true}
	if secure {
		o.SASL, o.User, o.Password, o.TLSDir = "scram-sha-512", "admin", "admin-secret", t.TempDir()
	}
	c := testkit.Cluster(t, o)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		topic := fmt.Sprintf("t%d", i)
		if err := c.CreateTopic(ctx, topic, 40, 1, nil); err != nil {
			t.Fatal(err)
		}
		offs := map[int32]int64{}
		for p := int32(0); p < 40; p++ {
			offs[p] = 0
		}
		for g := 0; g < 5; g++ {
			if err := c.Commit(ctx, fmt.Sprintf("g%d", g), topic, offs); err != nil {
				t.Fatal(err)
			}
		}
	}
	s := testkit.Settings(c)
	if secure {
		s.SecurityProtocol, s.TLS.CAFile = config.SASLSSL, c.TLS.CA
		s.SASL = config.SASL{Mechanism: config.MechSHA512, Username: "admin", Password: "admin-secret"}
	}
	// SCRAM's key derivation costs a few ms of CPU per connection, on
	// both sides in one process, and more on a loaded 2-core machine under
	// -race with 9 connections set up at once: under SASL the latency must
	// dwarf it, so that a set-up delayed by CPU still overlaps the others
	// and the round-trip count is the plan's, not the scheduler's. The
	// same holds, less, for plaintext under -race on a busy machine (one run
	// in a dozen counted 5 for --all-groups at 20 ms): 100 ms.
	lat := 100 * time.Millisecond
	if secure {
		lat = 250 * time.Millisecond
	}
	c.Counter.SetLatencyWithSetup(lat)
	return c, s
}

// plan is what one whole command cost at the listener.
type plan struct {
	conns, requests, setupRequests, roundTrips, roundTripsWithSetup int
	counts                                                          map[string]int
}

func measurePlan(t testing.TB, c *sandbox.Cluster, s config.Settings, args ...string) plan {
	t.Helper()
	conns := c.Counter.Connections()
	c.Counter.Reset()
	r := clitest.RunSettings(t, s, "", args...)
	if r.Code != 0 {
		t.Fatalf("%v: exit %d: %s", args, r.Code, r.Stderr)
	}
	all := c.Counter.RequestsWithSetup()
	p := plan{conns: c.Counter.Connections() - conns, requests: c.Counter.Total(), roundTrips: c.Counter.RoundTrips(),
		roundTripsWithSetup: c.Counter.RoundTripsWithSetup(), counts: c.Counter.Counts()}
	p.setupRequests = all - p.requests
	return p
}

// Budgets of issue 12, whole commands counted at the listener, set-up
// included, with latency on every request: S is the set-up of one
// connection (1 request plaintext: ApiVersions; 4 under SASL_SSL/SCRAM:
// ApiVersions, SaslHandshake, 2 SaslAuthenticate).
//
//	lag --group:      S (the bootstrap connection ∥ the connections the
//	                  plan pre-opens to every bootstrap address: one set-up
//	                  wave) + Metadata + FindCoordinator on the bootstrap
//	                  connection + OffsetFetch ∥ DescribeGroups ∥
//	                  ListOffsets: 4 plaintext, 7 under SASL_SSL (budget:
//	                  4 plaintext, 4 + one set-up wave = 8 under SASL_SSL).
//	lag --all-groups: S (with the pre-opened connections) + Metadata +
//	                  ListGroups ∥ ListOffsets + OffsetFetch ∥
//	                  DescribeGroups: 4 plaintext, 7 under SASL_SSL
//	                  (budget: 4 + one set-up wave: 8 under SASL_SSL; the
//	                  plaintext wave is hidden now, so 4 is asserted there);
//	                  at most 1 + 5·brokers requests beyond set-up.
//	topic describe, cluster describe: one Metadata on one connection.
//
// Connections: 3 per broker for a named group (the coordinator, not known
// at connect time, gets OffsetFetch, DescribeGroups and ListOffsets at
// once), 2 per broker for --all-groups; 1 for a one-request command.
func TestTransportPlans(t *testing.T) {
	for _, secure := range []bool{false, true} {
		c, s := planCluster(t, secure)
		S := 1
		if secure {
			S = 4
		}
		// The lag plans: 4 round trips plaintext; 4 + one set-up wave
		// (S) under SASL_SSL.
		lagRT := 4
		if secure {
			lagRT = 4 + S
		}
		for _, tc := range []struct {
			args              []string
			maxRT, maxConns   int
			maxRequests       int
			wantMetadataCount int
		}{
			{[]string{"lag", "describe", "--group", "g1"}, lagRT, 9, 7, 1},
			{[]string{"lag", "describe", "--all-groups"}, lagRT, 6, 1 + 5*3, 1},
			{[]string{"topic", "describe"}, S + 1, 1, 1, 1},
			{[]string{"cluster", "describe"}, S + 1, 1, 1, 1},
		} {
			p := measurePlan(t, c, s, tc.args...)
			t.Logf("secure=%v %v: %d connections, %d requests + %d set-up, %d round trips (%d with set-up) %v", secure, tc.args, p.conns, p.requests, p.setupRequests, p.roundTrips, p.roundTripsWithSetup, p.counts)
			if p.roundTripsWithSetup > tc.maxRT || p.conns > tc.maxConns || p.requests > tc.maxRequests || p.counts["Metadata"] != tc.wantMetadataCount {
				t.Errorf("secure=%v %v: %d round trips with set-up (max %d), %d connections (max %d), %d requests (max %d), %d Metadata (want %d)",
					secure, tc.args, p.roundTripsWithSetup, tc.maxRT, p.conns, tc.maxConns, p.requests, tc.maxRequests, p.counts["Metadata"], tc.wantMetadataCount)
			}
		}
	}
}

// BenchmarkTransportPlans shows in `make bench` what TestTransportPlans
// asserts: per command and protocol, connections opened, requests (and
// connection set-up requests) and round trips with set-up, counted at the
// listener with latency on every request (docs/benchmarks.md, issue 12).
func BenchmarkTransportPlans(b *testing.B) {
	for _, secure := range []bool{false, true} {
		proto := "plaintext"
		if secure {
			proto = "sasl_ssl"
		}
		c, s := planCluster(b, secure)
		for _, args := range [][]string{
			{"lag", "describe", "--group", "g1"},
			{"lag", "describe", "--all-groups"},
			{"topic", "describe"},
			{"cluster", "describe"},
		} {
			b.Run(proto+"/"+strings.Join(args, "-"), func(b *testing.B) {
				var p plan
				for i := 0; i < b.N; i++ {
					p = measurePlan(b, c, s, args...)
				}
				b.ReportMetric(float64(p.conns), "connections")
				b.ReportMetric(float64(p.requests), "requests")
				b.ReportMetric(float64(p.setupRequests), "setup-requests")
				b.ReportMetric(float64(p.roundTripsWithSetup), "round-trips-with-setup")
			})
		}
	}
}
