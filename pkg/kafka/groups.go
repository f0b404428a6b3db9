package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/IBM/sarama"
)

// GroupMember is one member of a consumer group.
type GroupMember struct {
	MemberID        string
	GroupInstanceID string
	ClientID        string
	Host            string
	Assignment      []TopicPartition // sorted by topic, partition
}

// GroupDescription is one group as its coordinator describes it.
type GroupDescription struct {
	Group        string
	State        string // Stable, Empty, PreparingRebalance, ..., Dead (does not exist)
	ProtocolType string // "consumer" for Kafka consumers, "connect", ...
	Protocol     string // the assignor (range, cooperative-sticky, uniform, ...)
	Type         string // "classic" or "consumer" (KIP-848)
	Coordinator  Broker
	Members      []GroupMember // sorted by member id
	Err          error         // the describe failed for this group
}

// Exists reports whether the coordinator knows the group.
func (d *GroupDescription) Exists() bool {
	return d != nil && d.Err == nil && d.State != "Dead" && d.State != ""
}

// GroupOffsets are a group's committed offsets.
type GroupOffsets struct {
	Group string
	// Offsets holds only partitions with a commit.
	Offsets map[TopicPartition]int64
	// Err is a group-level failure (authorization, coordinator not found).
	// A group Kafka does not know has no offsets and no error.
	Err error
}

// GroupListing is one group from ListGroups.
type GroupListing struct {
	Group        string
	State        string // empty when the broker is older than 2.6 (ListGroups v4)
	ProtocolType string
	Type         string // "classic" or "consumer"; empty before Kafka 3.8 (v5)
	Coordinator  Broker
}

// IsConsumerGroup reports whether a listed group holds consumer offsets:
// classic and KIP-848 consumer groups, not share groups (KIP-932), which
// kafka-share-groups.sh handles and which have no committed offsets.
func IsConsumerGroup(l GroupListing) bool { return l.Type != "share" && l.ProtocolType != "share" }

// GroupList is the answer of every broker to ListGroups.
type GroupList struct {
	Groups []GroupListing // sorted by group name
	// Errors are brokers that did not answer: the groups they coordinate
	// are missing from Groups.
	Errors map[int32]error
}

// groupChunk bounds the groups carried by one OffsetFetch or DescribeGroups
// request: big enough that 500 groups take one request, small enough that
// one answer stays a few MB.
const groupChunk = 1000

func chunks(groups []string, n int) [][]string {
	var out [][]string
	for len(groups) > n {
		out = append(out, groups[:n])
		groups = groups[n:]
	}
	if len(groups) > 0 {
		out = append(out, groups)
	}
	return out
}

// uniqueSorted is a sorted copy of groups without repeats.
func uniqueSorted(groups []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(groups)))
}

// ListGroups asks every broker, in parallel, for the groups it coordinates:
// one request per broker, and each group's coordinator for free.
func (a *Admin) ListGroups(ctx context.Context) (*GroupList, error) {
	brokers := a.brokers()
	if len(brokers) == 0 {
		return nil, fmt.Errorf("the cluster metadata lists no brokers")
	}
	out := &GroupList{Errors: map[int32]error{}}
	var mu sync.Mutex
	err := a.forEachBroker(ctx, ids(brokers), func(id int32) error {
		b := brokerByID(brokers, id)
		a.logf("ListGroups to broker %d (%s)", id, b.Addr)
		resp, err := onBroker(ctx, a, b, fmt.Sprintf("list groups on broker %d (%s)", id, b.Addr), func(c *sarama.Broker) (*sarama.ListGroupsResponse, error) {
			return c.ListGroups(&sarama.ListGroupsRequest{Version: 5})
		})
		if err == nil && resp.Err != sarama.ErrNoError {
			err = a.classify(b.Addr, resp.Err)
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			out.Errors[id] = err
			if ctx.Err() != nil {
				return err
			}
			return nil
		}
		for g, pt := range resp.Groups {
			l := GroupListing{Group: g, ProtocolType: pt, Coordinator: b}
			if d, ok := resp.GroupsData[g]; ok {
				l.State, l.Type = d.GroupState, d.GroupType
			}
			out.Groups = append(out.Groups, l)
		}
		return nil
	})
	sort.Slice(out.Groups, func(i, j int) bool { return out.Groups[i].Group < out.Groups[j].Group })
	if err != nil && len(out.Groups) == 0 {
		return out, err
	}
	return out, nil
}

func ids(bs []Broker) []int32 {
	out := make([]int32, len(bs))
	for i, b := range bs {
		out[i] = b.ID
	}
	return out
}

func brokerByID(bs []Broker, id int32) Broker {
	for _, b := range bs {
		if b.ID == id {
			return b
		}
	}
	return Broker{ID: id}
}

// FindCoordinators looks up the group coordinator of every group.
//
// sarama v1.61.1 speaks FindCoordinator up to v3 (one key per request), so
// the batched v4 form is not available. The lookups run in parallel over
// the brokers (bounded fan-out), which keeps them to one round trip; for
// more groups than brokers, one ListGroups per broker answers for all the
// groups that exist, and only the rest are looked up one by one.
// Per-group failures are in the second map; the error return is for
// failures that stop everything (the deadline).
func (a *Admin) FindCoordinators(ctx context.Context, groups []string) (map[string]Broker, map[string]error, error) {
	groups = uniqueSorted(groups)
	coords := map[string]Broker{}
	failed := map[string]error{}
	brokers := a.t.seedFirst()
	if len(brokers) == 0 {
		return nil, nil, fmt.Errorf("the cluster metadata lists no brokers")
	}
	pending := groups
	if len(groups) > len(brokers) {
		list, err := a.ListGroups(ctx)
		if err != nil && ctx.Err() != nil {
			return nil, nil, err
		}
		if list != nil && len(list.Errors) == 0 {
			known := map[string]Broker{}
			for _, l := range list.Groups {
				known[l.Group] = l.Coordinator
			}
			pending = nil
			for _, g := range groups {
				if b, ok := known[g]; ok {
					coords[g] = b
				} else {
					pending = append(pending, g)
				}
			}
		}
	}
	for attempt := 0; attempt < lookupAttempts && len(pending) > 0; attempt++ {
		if attempt > 0 {
			if err := retryWait(ctx, attempt); errors.Is(err, errNoTimeToRetry) {
				break
			} else if err != nil {
				return coords, failed, err
			}
		}
		var retry []string
		var mu sync.Mutex
		err := boundedEach(ctx, len(pending), maxFanOut, func(i int) error {
			g := pending[i]
			b := brokers[i%len(brokers)]
			resp, err := onBroker(ctx, a, b, fmt.Sprintf("find the coordinator of group %q on broker %d (%s)", g, b.ID, b.Addr), func(c *sarama.Broker) (*sarama.FindCoordinatorResponse, error) {
				return c.FindCoordinator(&sarama.FindCoordinatorRequest{Version: 3, CoordinatorKey: g, CoordinatorType: sarama.CoordinatorGroup})
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failed[g] = err
				if ctx.Err() != nil {
					return err
				}
				retry = append(retry, g)
			case resp.Err != sarama.ErrNoError:
				failed[g] = a.classify(b.Addr, fmt.Errorf("find the coordinator of group %q: %w", g, resp.Err))
				if retriableCoordErr(resp.Err) {
					retry = append(retry, g)
				}
			case resp.Coordinator == nil:
				failed[g] = fmt.Errorf("find the coordinator of group %q: no coordinator in the answer", g)
			default:
				delete(failed, g)
				coords[g] = Broker{ID: resp.Coordinator.ID(), Addr: resp.Coordinator.Addr(), Rack: resp.Coordinator.Rack()}
			}
			return nil
		})
		if err != nil {
			return coords, failed, err
		}
		sort.Strings(retry)
		pending = retry
	}
	a.logf("coordinators found for %d of %d groups", len(coords), len(groups))
	return coords, failed, nil
}

// boundedEach runs fn(0..n-1) with at most limit in flight and returns the
// first error.
func boundedEach(ctx context.Context, n, limit int, fn func(i int) error) error {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(i); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	return first
}

// byCoordinator groups group names by their coordinator.
func byCoordinator(groups []string, coords map[string]Broker) (map[int32][]string, map[int32]Broker) {
	by := map[int32][]string{}
	bs := map[int32]Broker{}
	for _, g := range groups {
		b, ok := coords[g]
		if !ok {
			continue
		}
		by[b.ID] = append(by[b.ID], g)
		bs[b.ID] = b
	}
	for id := range by {
		sort.Strings(by[id])
	}
	return by, bs
}

// DescribeGroups describes groups with one DescribeGroups per coordinator
// carrying all its groups, in parallel; groups on the new consumer protocol
// (KIP-848) are described with ConsumerGroupDescribe. Groups whose
// coordinator moved are looked up and described again, once.
func (a *Admin) DescribeGroups(ctx context.Context, groups []string) (map[string]*GroupDescription, error) {
	groups = uniqueSorted(groups)
	// Steps get a share of the time left (as in Lag): a coordinator that
	// never answers fails its own groups, the others are described.
	fatal := func(err error) bool {
		return err != nil && (ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded))
	}
	findCtx, cancel := stepCtx(ctx, 0.4)
	coords, failed, err := a.FindCoordinators(findCtx, groups)
	cancel()
	if fatal(err) || coords == nil {
		return nil, err
	}
	out := map[string]*GroupDescription{}
	for g, e := range failed {
		out[g] = &GroupDescription{Group: g, Err: e}
	}
	descCtx, cancel := stepCtx(ctx, 0.8)
	defer cancel()
	if err := a.describeWithRetry(descCtx, groups, coords, nil, out); fatal(err) {
		return out, err
	}
	for _, g := range groups {
		if out[g] == nil {
			out[g] = &GroupDescription{Group: g, Err: fmt.Errorf("describe group %q: no answer", g)}
		}
	}
	return out, nil
}

// describeWithRetry is describeAt under the retry policy.
func (a *Admin) describeWithRetry(ctx context.Context, groups []string, coords map[string]Broker, types map[string]string, out map[string]*GroupDescription) error {
	_, err := a.retryCoordinators(ctx, coords, a.describeStep(groups, types, out))
	return err
}

// describeStep is describeAt as a step of the retry policy.
func (a *Admin) describeStep(groups []string, types map[string]string, out map[string]*GroupDescription) *coordStep {
	return &coordStep{
		groups: groups,
		run: func(ctx context.Context, gs []string, coords map[string]Broker) (map[string]error, error) {
			return a.describeAt(ctx, gs, coords, types, out)
		},
		lookupFailed: func(g string, err error) { out[g] = &GroupDescription{Group: g, Err: err} },
		gaveUp: func(g, reason string, err error) {
			if out[g] == nil {
				out[g] = &GroupDescription{Group: g}
			}
			if out[g].Err != nil {
				err = out[g].Err
			}
			out[g].Err = fmt.Errorf("describe group %q: %s (%w)", g, reason, err)
		},
	}
}

// describeAt describes groups at known coordinators. It returns the groups
// whose answer was a coordinator error, with it. types (optional) holds group types
// from ListGroups, so "consumer" groups go straight to ConsumerGroupDescribe.
func (a *Admin) describeAt(ctx context.Context, groups []string, coords map[string]Broker, types map[string]string, out map[string]*GroupDescription) (map[string]error, error) {
	var classic, modern []string
	for _, g := range groups {
		if _, ok := coords[g]; !ok {
			continue
		}
		if types[g] == "consumer" {
			modern = append(modern, g)
		} else {
			classic = append(classic, g)
		}
	}
	var mu sync.Mutex
	var probe []string
	retry := map[string]error{}
	byC, bs := byCoordinator(classic, coords)
	jobs := coordinatorJobs(byC, bs)
	err := boundedEach(ctx, len(jobs), maxFanOut, func(i int) error {
		j := jobs[i]
		a.logf("DescribeGroups to broker %d (%s): %d groups", j.b.ID, j.b.Addr, len(j.groups))
		resp, err := onBroker(ctx, a, j.b, fmt.Sprintf("describe %d groups on broker %d (%s)", len(j.groups), j.b.ID, j.b.Addr), func(c *sarama.Broker) (*sarama.DescribeGroupsResponse, error) {
			return c.DescribeGroups(&sarama.DescribeGroupsRequest{Version: 5, Groups: j.groups})
		})
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			for _, g := range j.groups {
				out[g] = &GroupDescription{Group: g, Coordinator: j.b, Err: fmt.Errorf("describe group %q: %w", g, err)}
			}
			return ctxErr(ctx, err)
		}
		answered := map[string]bool{}
		for _, gd := range resp.Groups {
			answered[gd.GroupId] = true
			d := &GroupDescription{Group: gd.GroupId, State: gd.State, ProtocolType: gd.ProtocolType, Protocol: gd.Protocol, Type: "classic", Coordinator: j.b}
			if gd.Err != sarama.ErrNoError {
				d.Err = fmt.Errorf("describe group %q on broker %d: %w", gd.GroupId, j.b.ID, gd.Err)
				if retriableCoordErr(gd.Err) {
					retry[gd.GroupId] = gd.Err
				}
				if errors.Is(gd.Err, sarama.ErrGroupIDNotFound) {
					d.Err, d.State = nil, "Dead"
					probe = append(probe, gd.GroupId)
				}
				if errors.Is(gd.Err, sarama.ErrGroupAuthorizationFailed) {
					d.Err = a.classify(j.b.Addr, d.Err)
				}
				out[gd.GroupId] = d
				continue
			}
			for _, m := range gd.Members {
				gm := GroupMember{MemberID: m.MemberId, ClientID: m.ClientId, Host: m.ClientHost}
				if m.GroupInstanceId != nil {
					gm.GroupInstanceID = *m.GroupInstanceId
				}
				if gd.ProtocolType == "consumer" || gd.ProtocolType == "" {
					if asg, err := m.GetMemberAssignment(); err == nil && asg != nil {
						for t, ps := range asg.Topics {
							for _, p := range ps {
								gm.Assignment = append(gm.Assignment, TopicPartition{Topic: t, Partition: p})
							}
						}
						SortPartitions(gm.Assignment)
					}
				}
				d.Members = append(d.Members, gm)
			}
			sortMembers(d.Members)
			out[gd.GroupId] = d
			// Kafka answers Dead for a group on the new protocol
			// (KIP-848); kfake answers its state with no classic
			// members. Either way ConsumerGroupDescribe knows.
			if d.State == "Dead" || (len(d.Members) == 0 && d.State != "Empty") {
				probe = append(probe, gd.GroupId)
			}
		}
		for _, g := range j.groups {
			if !answered[g] {
				out[g] = &GroupDescription{Group: g, Coordinator: j.b, Err: fmt.Errorf("describe group %q: broker %d did not answer for it", g, j.b.ID)}
			}
		}
		return nil
	})
	if err != nil {
		return retry, err
	}
	if cands := append(modern, probe...); len(cands) > 0 {
		r2, err := a.describeConsumerGroups(ctx, uniqueSorted(cands), coords, types, out)
		maps.Copy(retry, r2)
		if err != nil {
			return retry, err
		}
	}
	return retry, nil
}

func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	return nil
}

func sortMembers(ms []GroupMember) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].MemberID != ms[j].MemberID {
			return ms[i].MemberID < ms[j].MemberID
		}
		return ms[i].ClientID < ms[j].ClientID
	})
}

// describeConsumerGroups describes KIP-848 groups (or candidates) with
// ConsumerGroupDescribe, one request per coordinator. A broker without the
// API (before Kafka 3.7) keeps the classic answer: nothing is sent.
func (a *Admin) describeConsumerGroups(ctx context.Context, groups []string, coords map[string]Broker, types map[string]string, out map[string]*GroupDescription) (map[string]error, error) {
	byC, bs := byCoordinator(groups, coords)
	var mu sync.Mutex
	retry := map[string]error{}
	var needNames bool
	err := a.forEachBroker(ctx, keys(byC), func(id int32) error {
		b := bs[id]
		gs := byC[id]
		a.logf("ConsumerGroupDescribe to broker %d (%s): %d groups", id, b.Addr, len(gs))
		resp, err := onBroker(ctx, a, b, fmt.Sprintf("describe %d consumer groups on broker %d (%s)", len(gs), id, b.Addr), func(c *sarama.Broker) (*sarama.ConsumerGroupDescribeResponse, error) {
			return c.ConsumerGroupDescribe(&sarama.ConsumerGroupDescribeRequest{Version: 1, GroupIDs: gs})
		})
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			var pe sarama.PacketEncodingError
			if errors.Is(err, sarama.ErrUnsupportedVersion) || errors.As(err, &pe) {
				for _, g := range gs {
					if out[g] == nil {
						out[g] = &GroupDescription{Group: g, Coordinator: b, Err: fmt.Errorf("group %q is on the new consumer protocol but broker %d cannot describe it", g, id)}
					}
				}
				return nil
			}
			for _, g := range gs {
				if out[g] == nil || types[g] == "consumer" {
					out[g] = &GroupDescription{Group: g, Coordinator: b, Err: fmt.Errorf("describe consumer group %q: %w", g, err)}
				}
			}
			return ctxErr(ctx, err)
		}
		for _, cg := range resp.Groups {
			if cg.ErrorCode != sarama.ErrNoError {
				switch {
				case retriableCoordErr(cg.ErrorCode):
					retry[cg.GroupID] = cg.ErrorCode
				case errors.Is(cg.ErrorCode, sarama.ErrUnsupportedVersion) && types[cg.GroupID] == "consumer":
					out[cg.GroupID] = &GroupDescription{Group: cg.GroupID, Type: "consumer", Coordinator: b, Err: fmt.Errorf("group %q is on the new consumer protocol but broker %d cannot describe it", cg.GroupID, id)}
				case errors.Is(cg.ErrorCode, sarama.ErrGroupIDNotFound),
					// Kafka 3.9 advertises the API but answers each group
					// UNSUPPORTED_VERSION while the new protocol is off.
					errors.Is(cg.ErrorCode, sarama.ErrUnsupportedVersion):
					// Not a KIP-848 group: keep the classic answer.
					if out[cg.GroupID] == nil {
						out[cg.GroupID] = &GroupDescription{Group: cg.GroupID, State: "Dead", Type: "consumer", Coordinator: b}
					}
				default:
					out[cg.GroupID] = &GroupDescription{Group: cg.GroupID, Type: "consumer", Coordinator: b, Err: a.classify(b.Addr, fmt.Errorf("describe consumer group %q: %w", cg.GroupID, cg.ErrorCode))}
				}
				continue
			}
			d := &GroupDescription{Group: cg.GroupID, State: cg.GroupState, ProtocolType: "consumer", Protocol: cg.AssignorName, Type: "consumer", Coordinator: b}
			for _, m := range cg.Members {
				gm := GroupMember{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost}
				if m.InstanceID != nil {
					gm.GroupInstanceID = *m.InstanceID
				}
				for _, tp := range m.Assignment.TopicPartitions {
					name := tp.TopicName
					if name == "" {
						name = "\x00" + string(tp.TopicID[:])
						needNames = true
					}
					for _, p := range tp.Partitions {
						gm.Assignment = append(gm.Assignment, TopicPartition{Topic: name, Partition: p})
					}
				}
				d.Members = append(d.Members, gm)
			}
			sortMembers(d.Members)
			out[cg.GroupID] = d
		}
		return nil
	})
	if needNames {
		a.resolveTopicIDs(ctx, out)
	}
	return retry, err
}

// resolveTopicIDs names assignments that came back with topic ids only
// (Kafka fills both; kfake only ids) with one Metadata request.
func (a *Admin) resolveTopicIDs(ctx context.Context, out map[string]*GroupDescription) {
	b, err := a.anyBroker()
	if err != nil {
		return
	}
	// v10+ (Kafka 2.8) carries topic ids; sarama clamps to the broker's.
	req := sarama.NewMetadataRequest(a.conf.Version, nil)
	req.Version = 11
	resp, err := send(ctx, a, b, "metadata from "+b.Addr, func(conn *sarama.Broker) (*sarama.MetadataResponse, error) { return conn.GetMetadata(req) })
	if err != nil {
		a.logf("metadata for topic ids: %v", err)
		return
	}
	names := map[string]string{}
	for _, t := range resp.Topics {
		names["\x00"+string(t.Uuid[:])] = t.Name
	}
	for _, d := range out {
		for i := range d.Members {
			m := &d.Members[i]
			for j := range m.Assignment {
				if n, ok := names[m.Assignment[j].Topic]; ok {
					m.Assignment[j].Topic = n
				} else if len(m.Assignment[j].Topic) > 0 && m.Assignment[j].Topic[0] == 0 {
					m.Assignment[j].Topic = "unknown-topic-id"
				}
			}
			SortPartitions(m.Assignment)
		}
	}
}

// FetchGroupOffsets reads the committed offsets of groups: one OffsetFetch
// v8 per coordinator carrying all its groups (KIP-709), in parallel, or one
// OffsetFetch per group (bounded concurrency) on brokers older than 3.0.
// Groups whose coordinator moved are looked up and fetched again, once.
func (a *Admin) FetchGroupOffsets(ctx context.Context, groups []string) (map[string]*GroupOffsets, error) {
	groups = uniqueSorted(groups)
	coords, failed, err := a.FindCoordinators(ctx, groups)
	if err != nil {
		return nil, err
	}
	out := map[string]*GroupOffsets{}
	for g, e := range failed {
		out[g] = &GroupOffsets{Group: g, Err: e}
	}
	return out, a.fetchWithRetry(ctx, groups, coords, out)
}

// fetchWithRetry is fetchAt under the retry policy.
func (a *Admin) fetchWithRetry(ctx context.Context, groups []string, coords map[string]Broker, out map[string]*GroupOffsets) error {
	_, err := a.retryCoordinators(ctx, coords, a.fetchStep(groups, out))
	return err
}

// fetchStep is fetchAt as a step of the retry policy.
func (a *Admin) fetchStep(groups []string, out map[string]*GroupOffsets) *coordStep {
	return &coordStep{
		groups: groups,
		run: func(ctx context.Context, gs []string, coords map[string]Broker) (map[string]error, error) {
			return a.fetchAt(ctx, gs, coords, out)
		},
		lookupFailed: func(g string, err error) { out[g] = &GroupOffsets{Group: g, Err: err} },
		gaveUp: func(g, reason string, err error) {
			if out[g] == nil {
				out[g] = &GroupOffsets{Group: g}
			}
			if out[g].Err != nil {
				err = out[g].Err
			}
			out[g].Err = fmt.Errorf("fetch offsets of group %q: %s (%w)", g, reason, err)
		},
	}
}

// perGroupFanOut bounds per-group OffsetFetch requests in flight per
// coordinator on brokers without multi-group OffsetFetch.
const perGroupFanOut = 8

// fetchAt fetches offsets at known coordinators and returns the groups
// whose answer was a coordinator error, with it.
func (a *Admin) fetchAt(ctx context.Context, groups []string, coords map[string]Broker, out map[string]*GroupOffsets) (map[string]error, error) {
	byC, bs := byCoordinator(groups, coords)
	var mu sync.Mutex
	retry := map[string]error{}
	record := func(b Broker, g string, kerr sarama.KError, blocks map[string]map[int32]*sarama.OffsetFetchResponseBlock) {
		o := &GroupOffsets{Group: g, Offsets: map[TopicPartition]int64{}}
		switch {
		case kerr == sarama.ErrNoError, errors.Is(kerr, sarama.ErrGroupIDNotFound):
			// kfake answers GROUP_ID_NOT_FOUND for an unknown group;
			// Kafka answers no error and no offsets. Same meaning.
		case retriableCoordErr(kerr):
			o.Err = fmt.Errorf("fetch offsets of group %q on broker %d: %w", g, b.ID, kerr)
			retry[g] = kerr
		default:
			o.Err = a.classify(b.Addr, fmt.Errorf("fetch offsets of group %q: %w", g, kerr))
		}
		for t, ps := range blocks {
			for p, blk := range ps {
				if blk == nil {
					continue
				}
				if blk.Err != sarama.ErrNoError {
					if o.Err == nil {
						o.Err = fmt.Errorf("fetch offset of group %q on %s[%d]: %w", g, t, p, blk.Err)
					}
					continue
				}
				if blk.Offset >= 0 {
					o.Offsets[TopicPartition{Topic: t, Partition: p}] = blk.Offset
				}
			}
		}
		out[g] = o
	}
	fail := func(b Broker, gs []string, err error) {
		for _, g := range gs {
			out[g] = &GroupOffsets{Group: g, Err: fmt.Errorf("fetch offsets of group %q: %w", g, err)}
		}
	}
	single := func(b Broker, g string) error {
		resp, err := onBroker(ctx, a, b, fmt.Sprintf("fetch offsets of group %q on broker %d (%s)", g, b.ID, b.Addr), func(c *sarama.Broker) (*sarama.OffsetFetchResponse, error) {
			req := &sarama.OffsetFetchRequest{Version: 8, Groups: []sarama.OffsetFetchRequestGroup{{GroupId: g}}}
			return c.FetchOffset(req)
		})
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			fail(b, []string{g}, err)
			return ctxErr(ctx, err)
		}
		if resp.Version >= 8 {
			for _, rg := range resp.Groups {
				record(b, rg.GroupId, rg.Err, rg.Blocks)
			}
			if len(resp.Groups) == 0 {
				fail(b, []string{g}, fmt.Errorf("broker %d did not answer for the group", b.ID))
			}
		} else {
			record(b, g, resp.Err, resp.Blocks)
		}
		return nil
	}
	jobs := coordinatorJobs(byC, bs)
	err := boundedEach(ctx, len(jobs), maxFanOut, func(i int) error {
		j := jobs[i]
		if len(j.groups) == 1 {
			// One group: any version carries it.
			a.logf("OffsetFetch to broker %d (%s): 1 group", j.b.ID, j.b.Addr)
			return single(j.b, j.groups[0])
		}
		a.logf("OffsetFetch v8 to broker %d (%s): %d groups", j.b.ID, j.b.Addr, len(j.groups))
		resp, err := onBroker(ctx, a, j.b, fmt.Sprintf("fetch offsets of %d groups on broker %d (%s)", len(j.groups), j.b.ID, j.b.Addr), func(c *sarama.Broker) (*sarama.OffsetFetchResponse, error) {
			req := &sarama.OffsetFetchRequest{Version: 8}
			for _, g := range j.groups {
				req.Groups = append(req.Groups, sarama.OffsetFetchRequestGroup{GroupId: g})
			}
			return c.FetchOffset(req)
		})
		var pe sarama.PacketEncodingError
		if err != nil && errors.As(err, &pe) {
			// sarama clamped the version to the broker's maximum (< 8,
			// Kafka < 3.0) and refused to encode several groups: nothing
			// was sent. One request per group, bounded.
			a.logf("broker %d has no multi-group OffsetFetch: %d requests, %d at a time", j.b.ID, len(j.groups), perGroupFanOut)
			return boundedEach(ctx, len(j.groups), perGroupFanOut, func(k int) error { return single(j.b, j.groups[k]) })
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			fail(j.b, j.groups, err)
			return ctxErr(ctx, err)
		}
		answered := map[string]bool{}
		for _, rg := range resp.Groups {
			answered[rg.GroupId] = true
			record(j.b, rg.GroupId, rg.Err, rg.Blocks)
		}
		for _, g := range j.groups {
			if !answered[g] {
				fail(j.b, []string{g}, fmt.Errorf("broker %d did not answer for the group", j.b.ID))
			}
		}
		return nil
	})
	return retry, err
}

// ListAndDescribeGroups lists every group (one ListGroups per broker) and
// describes them all at their coordinators (one DescribeGroups per
// coordinator, ConsumerGroupDescribe for KIP-848 groups), with one batched
// coordinator lookup for groups that moved in between.
func (a *Admin) ListAndDescribeGroups(ctx context.Context) (*GroupList, map[string]*GroupDescription, error) {
	// Listing gets half the time left: a broker that never answers is
	// reported in list.Errors and the others' groups are still described.
	listCtx, cancel := stepCtx(ctx, 0.5)
	list, err := a.ListGroups(listCtx)
	cancel()
	if err != nil && (list == nil || ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded)) {
		return nil, nil, err
	}
	coords := map[string]Broker{}
	types := map[string]string{}
	var groups []string
	kept := list.Groups[:0]
	for _, l := range list.Groups {
		if !IsConsumerGroup(l) {
			continue
		}
		kept = append(kept, l)
		groups = append(groups, l.Group)
		coords[l.Group] = l.Coordinator
		types[l.Group] = l.Type
	}
	list.Groups = kept
	descs := map[string]*GroupDescription{}
	return list, descs, a.describeWithRetry(ctx, groups, coords, types, descs)
}

// groupJob is one request's worth of groups on one coordinator.
type groupJob struct {
	b      Broker
	groups []string
}

// coordinatorJobs splits each coordinator's groups into request-sized
// chunks, coordinators in id order.
func coordinatorJobs(byC map[int32][]string, bs map[int32]Broker) []groupJob {
	var jobs []groupJob
	for _, id := range keys(byC) {
		for _, ch := range chunks(byC[id], groupChunk) {
			jobs = append(jobs, groupJob{bs[id], ch})
		}
	}
	return jobs
}
