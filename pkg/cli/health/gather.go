package health

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/health"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// gather collects the facts of the selected checks. Three independent
// strands run in parallel, each within ctx, so one hung broker costs at most
// the deadline:
//   - probes: a bounded connect to every broker of the connect-time
//     metadata (ApiVersions only; TLS certificates come with it);
//   - the topic plan: one Metadata, then one DescribeConfigs for
//     min.insync.replicas when a min-ISR check is selected, both sent to
//     the first broker whose probe answered;
//   - the lag plan of the selected groups.
func gather(ctx context.Context, a *kafka.Admin, s config.Settings, o *Options, checks []string) health.Facts {
	var (
		wg         sync.WaitGroup
		brokers    *health.Brokers
		tlsFacts   *health.TLS
		controller *health.Controller
		parts      *health.Partitions
		groups     *health.Groups
		quorum     *health.Quorum
	)
	if o.wants(checks, health.CheckQuorum) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ok bool
			if quorum, ok = bounded(ctx, func() *health.Quorum { return quorumFacts(ctx, a) }); !ok {
				quorum = &health.Quorum{Err: "describe quorum: no answer within the timeout"}
			}
		}()
	}
	topicPlan := o.wants(checks, health.CheckController, health.CheckOffline, health.CheckUnderMinISR, health.CheckUnderReplicated, health.CheckAtMinISR)
	// The first broker to answer its probe, and the end of all probes.
	answered := make(chan int32, 1)
	probed := make(chan struct{})
	if o.wants(checks, health.CheckBrokers, health.CheckTLSExpiry) || topicPlan {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(probed)
			probes := kafka.ProbeBrokersNotify(ctx, s, a.MetadataBrokers(), func(p kafka.BrokerProbe) {
				if p.Err == nil {
					select {
					case answered <- p.ID:
					default:
					}
				}
			})
			if o.wants(checks, health.CheckBrokers) {
				brokers = brokerFacts(probes)
			}
			if o.wants(checks, health.CheckTLSExpiry) {
				tlsFacts = certFacts(probes)
			}
		}()
	} else {
		close(probed)
	}
	if topicPlan {
		wg.Add(1)
		go func() {
			defer wg.Done()
			type res struct {
				c *health.Controller
				p *health.Partitions
			}
			// Any broker can answer the topic plan, and sarama's pick may
			// be one that accepts connections and never answers: then the
			// partition checks would all be UNKNOWN. Ask a broker that
			// just proved it answers. When none did, let the admin layer
			// pick (its error then names the broker).
			select {
			case id := <-answered:
				a.PreferBroker(id)
			case <-probed:
				select {
				case id := <-answered:
					a.PreferBroker(id)
				default:
				}
			case <-ctx.Done():
			}
			r, ok := bounded(ctx, func() res {
				c, p := topicFacts(ctx, a, o.wants(checks, health.CheckUnderMinISR, health.CheckAtMinISR))
				return res{c, p}
			})
			if !ok {
				msg := "topic metadata: no answer within the timeout"
				r = res{&health.Controller{Err: msg}, &health.Partitions{Err: msg}}
			}
			controller, parts = r.c, r.p
		}()
	}
	if o.wants(checks, health.CheckConsumerLag) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ok bool
			if groups, ok = bounded(ctx, func() *health.Groups { return lagFacts(ctx, a, o) }); !ok {
				groups = unknownGroups(o, "consumer lag: no answer within the timeout")
			}
		}()
	}
	wg.Wait()
	return health.Facts{Brokers: brokers, Controller: controller, Partitions: parts, Groups: groups, TLS: tlsFacts, Quorum: quorum}
}

// bounded returns fn's result, or false when ctx ends first. The admin
// layer bounds its requests, but sarama takes a broker's lock before some
// of them (picking the least loaded broker reads every broker's queue), and
// a broker still in its connection handshake holds that lock for up to
// twice the read timeout: a hung broker must cost this run its deadline,
// not more. The abandoned call ends on its own socket timeouts.
func bounded[T any](ctx context.Context, fn func() T) (T, bool) {
	ch := make(chan T, 1)
	go func() { ch <- fn() }()
	select {
	case v := <-ch:
		return v, true
	case <-ctx.Done():
		var zero T
		return zero, false
	}
}

func brokerFacts(probes []kafka.BrokerProbe) *health.Brokers {
	b := &health.Brokers{}
	for _, p := range probes {
		bp := health.BrokerProbe{ID: p.ID, Addr: p.Addr}
		if p.Err != nil {
			bp.Err = p.Err.Error()
		}
		b.Brokers = append(b.Brokers, bp)
	}
	return b
}

func certFacts(probes []kafka.BrokerProbe) *health.TLS {
	t := &health.TLS{}
	for _, p := range probes {
		c := health.Cert{Broker: p.ID, Addr: p.Addr}
		switch {
		case p.Cert != nil:
			c.Subject = kafka.CertSubject(p.Cert)
			c.NotAfter = p.Cert.NotAfter
		case p.Err != nil:
			c.Err = p.Err.Error()
		default:
			c.Err = "the broker presented no certificate"
		}
		t.Certs = append(t.Certs, c)
	}
	return t
}

// bootstrapCerts reads the certificates of the bootstrap brokers when the
// connection failed (ids unknown: -1).
func bootstrapCerts(ctx context.Context, s config.Settings) *health.TLS {
	var bs []kafka.Broker
	for _, addr := range s.Brokers {
		bs = append(bs, kafka.Broker{ID: -1, Addr: addr})
	}
	t := certFacts(kafka.ProbeBrokers(ctx, s, bs))
	for _, c := range t.Certs {
		if c.Err == "" {
			return t
		}
	}
	return &health.TLS{Err: "no broker certificate could be read: " + t.Certs[0].Err}
}

// topicFacts runs the topic plan: one Metadata for every topic, then, when
// a min-ISR check needs it, one DescribeConfigs carrying every topic.
func topicFacts(ctx context.Context, a *kafka.Admin, needMinISR bool) (*health.Controller, *health.Partitions) {
	// Kafka leaves the topics this principal may not describe out of the
	// answer without a word: ask, in parallel, whether it may describe
	// every topic, so a blind run is UNKNOWN, not OK.
	hidden := a.StartHiddenTopics(ctx)
	md, err := a.DescribeCluster(ctx, nil)
	if err != nil {
		msg := "topic metadata: " + err.Error()
		return &health.Controller{Err: msg}, &health.Partitions{Err: msg}
	}
	ids := make([]int32, 0, len(md.Brokers))
	ctl := &health.Controller{ID: md.ControllerID}
	for _, b := range md.Brokers {
		ids = append(ids, b.ID)
		if b.ID == md.ControllerID {
			ctl.Live, ctl.Addr = true, b.Addr
		}
	}
	live := topics.LiveSet(ids)

	p := &health.Partitions{}
	var names []string
	for _, t := range md.Topics {
		if t.Err == nil {
			names = append(names, t.Name)
		}
	}
	var minISR map[string]int
	if needMinISR && len(names) > 0 {
		var failed map[string]error
		minISR, failed, err = a.MinInsyncReplicas(ctx, names)
		if err != nil {
			p.MinISRErrors = append(p.MinISRErrors, "min.insync.replicas: "+err.Error())
		}
		for _, n := range names {
			if e := failed[n]; e != nil {
				p.MinISRErrors = append(p.MinISRErrors, e.Error())
			}
		}
	}
	for _, t := range md.Topics {
		if t.Err != nil {
			p.Errors = append(p.Errors, t.Err.Error())
			continue
		}
		p.Topics++
		if t.Internal {
			p.Internal++
		}
		for _, pt := range t.Partitions {
			p.Total++
			h := topics.Classify(pt.Leader, pt.Replicas, pt.ISR, minISR[t.Name], live)
			name := t.Name + "[" + strconv.Itoa(int(pt.Partition)) + "]"
			if h.Unavailable {
				p.Offline = append(p.Offline, name+leaderNote(pt.Leader))
			}
			if h.UnderMinISR {
				if !topics.HasLeader(pt.Leader, live) {
					p.UnderMinISR = append(p.UnderMinISR, name+leaderNote(pt.Leader))
				} else {
					p.UnderMinISR = append(p.UnderMinISR, fmt.Sprintf("%s isr %d of min %d", name, len(pt.ISR), minISR[t.Name]))
				}
			}
			if h.UnderReplicated {
				p.UnderReplicated = append(p.UnderReplicated, fmt.Sprintf("%s isr %d of %d replicas", name, len(pt.ISR), len(pt.Replicas)))
			}
			if h.AtMinISR {
				p.AtMinISR = append(p.AtMinISR, fmt.Sprintf("%s isr %d = min %d", name, len(pt.ISR), minISR[t.Name]))
			}
		}
	}
	p.Hidden = hidden()
	return ctl, p
}

func leaderNote(leader int32) string {
	if leader < 0 {
		return " no leader"
	}
	return fmt.Sprintf(" leader %d not live", leader)
}

func quorumFacts(ctx context.Context, a *kafka.Admin) *health.Quorum {
	q, err := a.DescribeQuorum(ctx)
	if errors.Is(err, kafka.ErrQuorumUnsupported) {
		return &health.Quorum{Unsupported: true}
	}
	if err != nil {
		return &health.Quorum{Err: err.Error()}
	}
	out := &health.Quorum{LeaderID: q.LeaderID, LeaderEpoch: q.LeaderEpoch}
	var leaderCaught int64 = -1
	for _, v := range q.Voters {
		if v.ID == q.LeaderID {
			leaderCaught = v.LastCaughtUpTimestamp
		}
	}
	for _, v := range q.Voters {
		behind := int64(-1)
		if leaderCaught >= 0 && v.LastCaughtUpTimestamp >= 0 {
			behind = leaderCaught - v.LastCaughtUpTimestamp
		}
		out.Voters = append(out.Voters, health.QuorumVoter{ID: v.ID, Lag: v.Lag, BehindMs: behind})
	}
	return out
}
