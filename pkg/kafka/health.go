package kafka

import (
	"context"
	"errors"
	"time"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/health"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// HealthPlan selects what `kctl health` reads; each part is one strand of
// its plan, and the strands run in parallel.
type HealthPlan struct {
	Brokers bool // probe every broker of the metadata (brokers check)
	Certs   bool // read every broker's certificate (tls-expiry check)
	// Topics: one Metadata for every topic (controller and partition
	// checks); with MinISR also one DescribeConfigs carrying every topic;
	// with Reassignments (the under-replicated check) also, in parallel,
	// one ListPartitionReassignments to the controller about the
	// partitions whose ISR is smaller than their replicas, if any.
	Topics        bool
	MinISR        bool
	Reassignments bool
	Quorum        bool // one DescribeQuorum
	// Lag is the lag read of the selected groups (nil: none); Groups and
	// GroupPattern name them when it fails.
	Lag          *LagQuery
	Groups       []string
	GroupPattern string
}

// HealthFacts runs the plan within ctx and returns its facts (pkg/health
// builds them from what was read). The strands run in parallel, each
// within ctx, so one hung broker costs at most the deadline:
//   - probes: a bounded connect to every broker of the connect-time
//     metadata (ApiVersions only; TLS certificates come with it);
//   - the topic plan: one Metadata, then one DescribeConfigs for
//     min.insync.replicas when asked, both sent to the first broker whose
//     probe answered;
//   - the lag plan of the selected groups;
//   - DescribeQuorum.
//
// The strands run under Do although the admin layer bounds its requests:
// sarama takes a broker's lock before some of them, and a broker still in
// its connection handshake holds that lock for up to twice the read
// timeout. A hung broker must cost the run its deadline, not more; the
// abandoned call ends on its own socket timeouts.
func (a *Admin) HealthFacts(ctx context.Context, plan HealthPlan) health.Facts {
	var (
		f     health.Facts
		steps []func() error
	)
	if plan.Quorum {
		steps = append(steps, func() error {
			var err error
			if f.Quorum, err = Do(ctx, "describe quorum", func() (*health.Quorum, error) { return a.quorumFacts(ctx), nil }); err != nil {
				f.Quorum = &health.Quorum{Err: "describe quorum: no answer within the timeout"}
			}
			return nil
		})
	}
	// The first broker to answer its probe, and the end of all probes.
	answered := make(chan int32, 1)
	probed := make(chan struct{})
	if plan.Brokers || plan.Certs || plan.Topics {
		steps = append(steps, func() error {
			defer close(probed)
			probes := healthProbes(ProbeBrokersNotify(ctx, a.settings, a.MetadataBrokers(), func(bp BrokerProbe) {
				if bp.Err == nil {
					select {
					case answered <- bp.ID:
					default:
					}
				}
			}))
			if plan.Brokers {
				f.Brokers = health.BrokerFacts(probes)
			}
			if plan.Certs {
				f.TLS = health.CertFacts(probes)
			}
			return nil
		})
	} else {
		close(probed)
	}
	if plan.Topics {
		steps = append(steps, func() error {
			// Any broker can answer the topic plan, and the default pick
			// may be one that accepts connections and never answers: then
			// the partition checks would all be UNKNOWN. Ask a broker that
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
			type res struct {
				c *health.Controller
				p *health.Partitions
			}
			r, err := Do(ctx, "topic metadata", func() (res, error) {
				c, p := a.topicFacts(ctx, plan.MinISR, plan.Reassignments)
				return res{c, p}, nil
			})
			if err != nil {
				r.c, r.p = health.TopicsUnknown("topic metadata: no answer within the timeout")
			}
			f.Controller, f.Partitions = r.c, r.p
			return nil
		})
	}
	if plan.Lag != nil {
		steps = append(steps, func() error {
			var err error
			if f.Groups, err = Do(ctx, "consumer lag", func() (*health.Groups, error) { return a.lagFacts(ctx, plan), nil }); err != nil {
				f.Groups = health.UnknownGroups("consumer lag: no answer within the timeout", plan.Groups, plan.GroupPattern)
			}
			return nil
		})
	}
	_ = Parallel(steps...) // every strand reports its failure in its facts
	return f
}

// BootstrapCertFacts reads the certificates of the bootstrap brokers when
// the connection failed (ids unknown: -1): an expired certificate fails the
// connection itself, and the tls-expiry check still says which and when.
func BootstrapCertFacts(ctx context.Context, s config.Settings) *health.TLS {
	var bs []Broker
	for _, addr := range s.Brokers {
		bs = append(bs, Broker{ID: -1, Addr: addr})
	}
	return health.BootstrapCertFacts(healthProbes(ProbeBrokers(ctx, s, bs)))
}

func healthProbes(probes []BrokerProbe) []health.Probe {
	out := make([]health.Probe, len(probes))
	for i, p := range probes {
		out[i] = health.Probe{ID: p.ID, Addr: p.Addr, Err: p.Err}
		if p.Cert != nil {
			out[i].HasCert, out[i].Subject, out[i].NotAfter = true, CertSubject(p.Cert), p.Cert.NotAfter
		}
	}
	return out
}

// topicFacts runs the topic plan: one Metadata for every topic, then, in
// parallel, one DescribeConfigs carrying every topic when a min-ISR check
// needs it, and one ListPartitionReassignments when the under-replicated
// check needs it and some partition's ISR is smaller than its replicas
// (kafka-topics.sh does not count the replicas a reassignment is adding).
func (a *Admin) topicFacts(ctx context.Context, needMinISR, needMoving bool) (*health.Controller, *health.Partitions) {
	// Kafka leaves the topics this principal may not describe out of the
	// answer without a word: ask, in parallel, whether it may describe
	// every topic, so a blind run is UNKNOWN, not OK.
	hidden := a.StartHiddenTopics(ctx)
	md, err := a.DescribeCluster(ctx, nil)
	if err != nil {
		return health.TopicsUnknown("topic metadata: " + err.Error())
	}
	hm := health.ClusterMetadata{ControllerID: md.ControllerID}
	for _, b := range md.Brokers {
		hm.Brokers = append(hm.Brokers, health.MetadataBroker{ID: b.ID, Addr: b.Addr})
	}
	var names []string
	var candidates []TopicPartition
	for _, t := range md.Topics {
		ht := health.TopicMetadata{Name: t.Name, Internal: t.Internal, Err: t.Err}
		if t.Err == nil {
			names = append(names, t.Name)
			for _, pt := range t.Partitions {
				ht.Partitions = append(ht.Partitions, partitionState(pt))
				if needMoving && topics.MayBeReassigning(pt.Replicas, pt.ISR) {
					candidates = append(candidates, TopicPartition{Topic: t.Name, Partition: pt.Partition})
				}
			}
		}
		hm.Topics = append(hm.Topics, ht)
	}
	var (
		minISR    health.MinISRRead
		moving    map[TopicPartition]*topics.Reassignment
		movingErr error
	)
	_ = Parallel(
		func() error {
			if needMinISR && len(names) > 0 {
				minISR.Values, minISR.Failed, minISR.Err = a.MinInsyncReplicas(ctx, names)
			}
			return nil
		},
		func() error {
			if len(candidates) == 0 {
				return nil
			}
			// A controller that never answers must not cost the partition
			// checks: give it half of what is left, then count every
			// replica.
			mctx := ctx
			if dl, ok := ctx.Deadline(); ok {
				var cancel context.CancelFunc
				mctx, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(dl)/2))
				defer cancel()
			}
			moving, movingErr = a.Moving(mctx, candidates)
			return nil
		},
	)
	for i := range hm.Topics {
		ps := hm.Topics[i].Partitions
		for j := range ps {
			ps[j].Reassignment = moving[TopicPartition{Topic: hm.Topics[i].Name, Partition: ps[j].Partition}]
		}
	}
	c, p := health.TopicFacts(hm, minISR, hidden())
	switch {
	case errors.Is(movingErr, ErrReassignmentsUnavailable):
		// What kafka-topics.sh accepts silently: every replica counts.
		a.logf("%v: every replica counts", movingErr)
	case movingErr != nil:
		p.ReassignmentsErr = movingErr.Error()
	}
	return c, p
}

// partitionState is a partition's replica state for pkg/topics.
func partitionState(p PartitionInfo) topics.Partition {
	return topics.Partition{Partition: p.Partition, Leader: p.Leader, Replicas: p.Replicas, ISR: p.ISR, OfflineReplicas: p.OfflineReplicas}
}

func (a *Admin) quorumFacts(ctx context.Context) *health.Quorum {
	q, err := a.DescribeQuorum(ctx)
	if errors.Is(err, ErrQuorumUnsupported) {
		return &health.Quorum{Unsupported: true}
	}
	if err != nil {
		return &health.Quorum{Err: err.Error()}
	}
	s := health.QuorumState{LeaderID: q.LeaderID, LeaderEpoch: q.LeaderEpoch}
	for _, v := range q.Voters {
		s.Voters = append(s.Voters, health.VoterState{ID: v.ID, Lag: v.Lag, LastCaughtUpTimestamp: v.LastCaughtUpTimestamp})
	}
	return health.QuorumFacts(s)
}

// lagFacts runs the lag plan of `kctl lag` for the selected groups (named:
// FindCoordinator, then OffsetFetch ∥ DescribeGroups ∥ ListOffsets; by
// pattern: ListGroups to every broker ∥ ListOffsets, then OffsetFetch ∥
// DescribeGroups per coordinator), with time lag, and judges nothing: the
// totals come from pkg/lag exactly as `kctl lag` computes them.
func (a *Admin) lagFacts(ctx context.Context, p HealthPlan) *health.Groups {
	res, err := a.Lag(ctx, *p.Lag)
	if err != nil {
		return health.UnknownGroups("consumer lag: "+err.Error(), p.Groups, p.GroupPattern)
	}
	return health.GroupFacts(res.Reports(), p.GroupPattern, res.Errors)
}
