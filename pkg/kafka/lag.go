package kafka

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// LagQuery selects the groups and topics of a lag read.
type LagQuery struct {
	Groups    []string       // named groups
	AllGroups bool           // every group the brokers list
	Pattern   *regexp.Regexp // groups whose name matches (listed groups)
	Topics    []string       // only these topics (empty: all)
	Isolation Isolation      // ReadCommitted: lag against the last stable offset
	TimeLag   bool           // read the timestamp of the record at each lagging commit
}

// Connections is how many requests Lag(q) sends at once to one broker, the
// Options.PreOpen hint that opens its connections alongside the bootstrap
// connection: listed groups, 2 (ListGroups ∥ ListOffsets, then OffsetFetch
// ∥ DescribeGroups); named groups, 3 on a coordinator that leads
// partitions (OffsetFetch ∥ DescribeGroups ∥ ListOffsets).
func (q LagQuery) Connections() int {
	if q.AllGroups || q.Pattern != nil {
		return 2
	}
	return 3
}

// GroupLag is the raw material of one group's lag: what the coordinator and
// the partition leaders said. pkg/lag turns it into rows and totals.
type GroupLag struct {
	Group string
	// Description is never nil; its Err says why the group could not be
	// described.
	Description *GroupDescription
	// Committed holds the group's commits (only partitions with one),
	// restricted to the query's topics.
	Committed map[TopicPartition]int64
	// End is the log-end offset (or last stable offset) of every partition
	// the group has a commit on or is assigned.
	End map[TopicPartition]PartitionOffset
	// RecordTime is, with TimeLag, the timestamp (ms) of the record at the
	// committed offset of lagging partitions, where it could be read.
	RecordTime map[TopicPartition]int64
	// Exists: the coordinator knows the group (a state other than Dead, or
	// committed offsets).
	Exists bool
	// Err is a group-level failure (offsets or description unreadable).
	Err error
}

// LagResult is one lag read.
type LagResult struct {
	Groups []*GroupLag // sorted by group name
	// Errors are failures not tied to one group, e.g. a broker that did not
	// list its groups (the groups it coordinates are missing).
	Errors []error
	// ReadAt is when the offsets were read (time lag is measured from it).
	ReadAt time.Time
}

// largePartitionCount is the cluster size above which a named-group read
// lists end offsets only for the group's partitions (one more round trip)
// instead of every partition in parallel with the offset fetch.
const largePartitionCount = 20000

// Lag reads consumer-group lag with a plan whose request count depends on
// the number of brokers, not on groups or partitions:
//
//	all groups / pattern: Metadata (at connect); ListGroups to every broker ∥
//	ListOffsets per leader; per coordinator OffsetFetch v8 ∥ DescribeGroups.
//	named groups: Metadata (at connect); FindCoordinator per group (parallel);
//	OffsetFetch ∥ DescribeGroups ∥ ListOffsets.
//
// Groups whose coordinator moved are looked up again and retried, alone.
// Per-group failures are in GroupLag.Err; the error return is for failures
// that stop everything (the deadline, no broker answering).
func (a *Admin) Lag(ctx context.Context, q LagQuery) (*LagResult, error) {
	res := &LagResult{}
	topicSet := map[string]bool{}
	for _, t := range q.Topics {
		topicSet[t] = true
	}
	inScope := func(t string) bool { return len(topicSet) == 0 || topicSet[t] }
	parts, err := a.metadataPartitions(inScope)
	if err != nil {
		return nil, err
	}

	var groups []string
	var coords map[string]Broker
	types := map[string]string{}
	descs := map[string]*GroupDescription{}
	offsets := map[string]*GroupOffsets{}
	// Each step gets a share of the time left: a broker that never
	// answers fails its own groups or partitions when its step's time is
	// up ("no answer within the timeout"), and the rest of the plan runs
	// with the time left instead of the whole command failing with it.
	// Only the command's own deadline stops everything.
	fatal := func(err error) bool {
		return err != nil && (ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded))
	}
	endsCtx, cancelEnds := stepCtx(ctx, 0.7)
	defer cancelEnds()
	var ends map[TopicPartition]PartitionOffset
	var endsMu sync.Mutex
	listEnds := func(ctx context.Context, ps []TopicPartition) error {
		e, err := a.ListOffsets(ctx, ps, OffsetLatest, q.Isolation)
		endsMu.Lock()
		defer endsMu.Unlock()
		if ends == nil {
			ends = map[TopicPartition]PartitionOffset{}
		}
		for tp, po := range e {
			ends[tp] = po
		}
		return err
	}

	// End offsets do not depend on the groups: read them alongside every
	// other step, so they never add a round trip. On a large cluster a
	// named-group read lists only the groups' partitions, afterwards.
	listed := q.AllGroups || q.Pattern != nil
	endsLater := !listed && len(parts) > largePartitionCount
	endsDone := make(chan error, 1)
	startEnds := func() {
		if endsLater {
			endsDone <- nil
		} else {
			go func() { endsDone <- listEnds(endsCtx, parts) }()
		}
	}
	// The connections of the whole plan open in one wave, now. Listed
	// groups: ListGroups to every broker and ListOffsets to every leader
	// at once, then OffsetFetch and DescribeGroups to every coordinator
	// at once: 2 per broker. Named groups: FindCoordinator on the
	// bootstrap connection meanwhile, then OffsetFetch, DescribeGroups
	// and ListOffsets at once, at a coordinator not known yet: 2 per
	// broker, 3 on a leader.
	perLeader := 0
	if !listed && !endsLater {
		perLeader = 1
	}
	a.OpenPlanConnections(ctx, parts, perLeader, 2)
	firstCtx, cancelFirst := stepCtx(ctx, 0.4)
	defer cancelFirst()
	if listed {
		startEnds()
		list, err := a.ListGroups(firstCtx)
		if fatal(err) || list == nil {
			return nil, err
		}
		coords = map[string]Broker{}
		for _, l := range list.Groups {
			if !IsConsumerGroup(l) || q.Pattern != nil && !q.Pattern.MatchString(l.Group) {
				continue
			}
			groups = append(groups, l.Group)
			coords[l.Group] = l.Coordinator
			types[l.Group] = l.Type
		}
		for _, id := range keys(list.Errors) {
			res.Errors = append(res.Errors, fmt.Errorf("broker %d did not list its groups (they are missing here): %w", id, list.Errors[id]))
		}
		a.logf("%d groups listed, %d selected", len(list.Groups), len(groups))
	} else {
		groups = uniqueSorted(q.Groups)
		var failed map[string]error
		coords, failed, err = a.FindCoordinators(firstCtx, groups)
		// End offsets go with the offset fetch: started before, they
		// would take the bootstrap connection from FindCoordinator.
		startEnds()
		if fatal(err) {
			return nil, err
		}
		if coords == nil {
			coords = map[string]Broker{}
		}
		for _, g := range groups {
			if _, ok := coords[g]; ok {
				continue
			}
			e := failed[g]
			switch {
			case e == nil && err != nil:
				e = fmt.Errorf("find the coordinator of group %q: %w", g, err)
			case e == nil:
				e = fmt.Errorf("find the coordinator of group %q: no answer", g)
			}
			descs[g] = &GroupDescription{Group: g, Err: e}
			offsets[g] = &GroupOffsets{Group: g, Err: e}
		}
	}
	cancelFirst()

	secondCtx, cancelSecond := stepCtx(ctx, 0.5)
	defer cancelSecond()
	if err := a.offsetsAndDescriptions(secondCtx, groups, coords, types, offsets, descs); fatal(err) {
		return nil, err
	}
	if err := <-endsDone; fatal(err) {
		return nil, err
	}
	res.ReadAt = time.Now()

	// Partitions a group commits on or is assigned that the first
	// ListOffsets did not cover (a topic created or deleted since the
	// metadata was read, or a large cluster): ask for those only.
	need := map[TopicPartition]bool{}
	for _, g := range groups {
		for tp := range offsets[g].offsetsOrNil() {
			if inScope(tp.Topic) {
				need[tp] = true
			}
		}
		if d := descs[g]; d != nil {
			for _, m := range d.Members {
				for _, tp := range m.Assignment {
					if inScope(tp.Topic) {
						need[tp] = true
					}
				}
			}
		}
	}
	var missing []TopicPartition
	for tp := range need {
		if _, ok := ends[tp]; !ok {
			missing = append(missing, tp)
		}
	}
	if len(missing) > 0 {
		SortPartitions(missing)
		if !endsLater {
			a.logf("%d partitions were not in the cluster metadata: listing their offsets", len(missing))
		}
		if err := listEnds(ctx, missing); err != nil {
			return nil, err
		}
	}

	for _, g := range groups {
		gl := &GroupLag{Group: g, Description: descs[g], Committed: map[TopicPartition]int64{}, End: map[TopicPartition]PartitionOffset{}}
		if gl.Description == nil {
			gl.Description = &GroupDescription{Group: g, Err: fmt.Errorf("group %q was not described", g)}
		}
		if types[g] != "" && gl.Description.Type == "" {
			gl.Description.Type = types[g]
		}
		o := offsets[g]
		if o == nil {
			o = &GroupOffsets{Group: g, Err: fmt.Errorf("offsets of group %q were not fetched", g)}
		}
		for tp, off := range o.Offsets {
			if inScope(tp.Topic) {
				gl.Committed[tp] = off
				gl.End[tp] = endOf(ends, tp)
			}
		}
		for _, m := range gl.Description.Members {
			for _, tp := range m.Assignment {
				if inScope(tp.Topic) {
					gl.End[tp] = endOf(ends, tp)
				}
			}
		}
		switch {
		case o.Err != nil:
			gl.Err = o.Err
		case gl.Description.Err != nil:
			gl.Err = gl.Description.Err
		}
		gl.Exists = gl.Description.Exists() || len(o.Offsets) > 0
		if listed && !gl.Exists && gl.Err == nil {
			continue // deleted since it was listed: not an error
		}
		res.Groups = append(res.Groups, gl)
	}
	sort.Slice(res.Groups, func(i, j int) bool { return res.Groups[i].Group < res.Groups[j].Group })

	if q.TimeLag {
		// Time lag is an addition: when its Fetch gets no answer in time,
		// the lag read so far is still the result.
		fetchCtx, cancelFetch := stepCtx(ctx, 0.8)
		defer cancelFetch()
		if err := a.fillRecordTimes(fetchCtx, res, q.Isolation); fatal(err) {
			return nil, err
		} else if err != nil {
			a.logf("time lag: %v", err)
		}
	}
	return res, nil
}

// stepCtx bounds one step of a plan to share of the time left before
// ctx's deadline (no deadline: none).
func stepCtx(ctx context.Context, share float64) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, time.Duration(float64(time.Until(dl))*share))
}

// offsetsAndDescriptions runs OffsetFetch and DescribeGroups at known
// coordinators in parallel, under the retry policy: groups either step
// finds moved get one batched coordinator lookup, then both steps are
// retried, in parallel, each for its own groups only.
func (a *Admin) offsetsAndDescriptions(ctx context.Context, groups []string, coords map[string]Broker, types map[string]string, offsets map[string]*GroupOffsets, descs map[string]*GroupDescription) error {
	fetch, describe := a.fetchStep(groups, offsets), a.describeStep(groups, types, descs)
	// A group whose lookup failed fails in both steps, as before the
	// first attempt.
	fetch.lookupFailed = func(g string, err error) {
		offsets[g] = &GroupOffsets{Group: g, Err: err}
		descs[g] = &GroupDescription{Group: g, Err: err}
	}
	describe.lookupFailed = fetch.lookupFailed
	_, err := a.retryCoordinators(ctx, coords, fetch, describe)
	return err
}

// endOf returns a partition's end offset, worded for the lag report when
// it could not be read.
func endOf(ends map[TopicPartition]PartitionOffset, tp TopicPartition) PartitionOffset {
	e, ok := ends[tp]
	switch {
	case !ok:
		return PartitionOffset{Offset: -1, Err: fmt.Errorf("%s: end offset not read", tp)}
	case e.Err != nil && errors.Is(e.Err, sarama.ErrUnknownTopicOrPartition):
		e.Err = fmt.Errorf("%s does not exist (topic deleted after the commit?)", tp)
	}
	return e
}

func (o *GroupOffsets) offsetsOrNil() map[TopicPartition]int64 {
	if o == nil {
		return nil
	}
	return o.Offsets
}

// metadataPartitions lists the partitions of the client's metadata (read
// at connect) for topics in scope.
func (a *Admin) metadataPartitions(inScope func(string) bool) ([]TopicPartition, error) {
	return a.t.partitions(inScope), nil
}

// fillRecordTimes reads, for every lagging partition, the timestamp of the
// record at each committed offset (several groups may commit one partition
// at different offsets): one Fetch per leader broker carrying all those
// partitions, each from its smallest committed offset. A Fetch can carry a
// partition only once, so the records at a partition's other offsets are
// read from the same answer: such partitions get a larger byte limit.
// Offsets the answer did not reach (far apart, large records) take one more
// round, in parallel: one Fetch per leader per remaining distinct offset of
// a partition (bounded by the distinct offsets), so time lag costs at most
// two round trips.
func (a *Admin) fillRecordTimes(ctx context.Context, res *LagResult, iso Isolation) error {
	sets := map[TopicPartition]map[int64]bool{}
	for _, g := range res.Groups {
		for tp, off := range g.Committed {
			end := g.End[tp]
			if end.Err == nil && off < end.Offset {
				if sets[tp] == nil {
					sets[tp] = map[int64]bool{}
				}
				sets[tp][off] = true
			}
		}
	}
	if len(sets) == 0 {
		return nil
	}
	want := map[TopicPartition][]int64{}
	for tp, set := range sets {
		offs := make([]int64, 0, len(set))
		for o := range set {
			offs = append(offs, o)
		}
		sort.Slice(offs, func(i, j int) bool { return offs[i] < offs[j] })
		want[tp] = offs
	}
	times := map[timeKey]int64{}
	if err := a.fetchRound(ctx, [][]fetchWant{firstRound(want)}, iso, times); err != nil {
		return err
	}
	// The offsets the first answers did not reach: round i fetches each
	// partition's i-th remaining offset, all rounds in parallel.
	var rounds [][]fetchWant
	for _, tp := range partitionsOf(want) {
		var left []int64
		for _, o := range want[tp] {
			if _, ok := times[timeKey{tp, o}]; !ok && o != want[tp][0] {
				left = append(left, o)
			}
		}
		for i := range left {
			for len(rounds) <= i {
				rounds = append(rounds, nil)
			}
			rounds[i] = append(rounds[i], fetchWant{tp: tp, offsets: left[i:]})
		}
	}
	if len(rounds) > 0 {
		a.logf("time lag: %d more fetch rounds (in parallel) for committed offsets far apart", len(rounds))
		if err := a.fetchRound(ctx, rounds, iso, times); err != nil {
			return err
		}
	}
	for _, g := range res.Groups {
		for tp, off := range g.Committed {
			if ts, ok := times[timeKey{tp, off}]; ok {
				if g.RecordTime == nil {
					g.RecordTime = map[TopicPartition]int64{}
				}
				g.RecordTime[tp] = ts
			}
		}
	}
	return nil
}

type timeKey struct {
	tp  TopicPartition
	off int64
}

// fetchWant is one partition of a time-lag Fetch: it is fetched from
// offsets[0], and the timestamps of all offsets are read from the answer.
type fetchWant struct {
	tp      TopicPartition
	offsets []int64 // sorted
	multi   bool    // several offsets expected in this answer: a larger byte limit
}

func firstRound(want map[TopicPartition][]int64) []fetchWant {
	out := make([]fetchWant, 0, len(want))
	for _, tp := range partitionsOf(want) {
		out = append(out, fetchWant{tp: tp, offsets: want[tp], multi: len(want[tp]) > 1})
	}
	return out
}

func partitionsOf[V any](m map[TopicPartition]V) []TopicPartition {
	out := make([]TopicPartition, 0, len(m))
	for tp := range m {
		out = append(out, tp)
	}
	SortPartitions(out)
	return out
}

// fetchRound sends, for each round, one Fetch per leader broker carrying
// the round's partitions; all requests in parallel.
func (a *Admin) fetchRound(ctx context.Context, rounds [][]fetchWant, iso Isolation, times map[timeKey]int64) error {
	var mu sync.Mutex
	var jobs []func() error
	for _, r := range rounds {
		byLeader := map[int32][]fetchWant{}
		leaders := map[int32]Broker{}
		for _, w := range r {
			b, err := a.leaderBroker(w.tp)
			if err != nil {
				continue
			}
			byLeader[b.ID] = append(byLeader[b.ID], w)
			leaders[b.ID] = b
		}
		for _, id := range keys(byLeader) {
			b, ws := leaders[id], byLeader[id]
			jobs = append(jobs, func() error {
				got, err := a.fetchRecordTimes(ctx, b, ws, iso)
				if err != nil {
					a.logf("time lag: fetch from broker %d: %v", b.ID, err)
					return ctxErr(ctx, err)
				}
				mu.Lock()
				for k, ts := range got {
					if _, ok := times[k]; !ok {
						times[k] = ts
					}
				}
				mu.Unlock()
				return nil
			})
		}
	}
	return boundedEach(ctx, len(jobs), maxFanOut, func(i int) error { return jobs[i]() })
}

// Byte limits of a time-lag Fetch: a partition read for one offset gets an
// equal share of fetchBudget between 1 KiB (a batch header: its first
// timestamp) and 64 KiB (a whole typical batch); one read for several
// offsets weighs fetchMultiWeight shares, up to 1 MiB, so the records at
// its other offsets usually come back in the same answer.
const (
	fetchBudget      = 8 << 20
	fetchPartMin     = 1 << 10
	fetchPartMax     = 64 << 10
	fetchMultiWeight = 16
	fetchMultiMax    = 1 << 20
	fetchMaxVersion  = 11
)

// fetchLimits returns the byte limits of one Fetch: for partitions read
// for one offset, and for several.
func fetchLimits(single, multi int) (int32, int32) {
	unit := fetchBudget / max(single+fetchMultiWeight*multi, 1)
	return int32(min(max(unit, fetchPartMin), fetchPartMax)), int32(min(max(fetchMultiWeight*unit, fetchPartMin), fetchMultiMax))
}

func (a *Admin) fetchRecordTimes(ctx context.Context, b Broker, ws []fetchWant, iso Isolation) (map[timeKey]int64, error) {
	var nSingle, nMulti int
	for _, w := range ws {
		if w.multi {
			nMulti++
		} else {
			nSingle++
		}
	}
	single, multi := fetchLimits(nSingle, nMulti)
	req := &sarama.FetchRequest{Version: fetchMaxVersion, MaxWaitTime: 0, MinBytes: 0, SessionID: 0, SessionEpoch: -1}
	if iso == ReadCommitted {
		req.Isolation = sarama.ReadCommitted
	}
	for _, w := range ws {
		limit := single
		if w.multi {
			limit = multi
		}
		req.MaxBytes += limit
		req.AddBlock(w.tp.Topic, w.tp.Partition, w.offsets[0], limit, -1)
	}
	a.logf("Fetch to broker %d (%s) for time lag: %d partitions at one offset (%d bytes each), %d at several (%d bytes each)", b.ID, b.Addr, nSingle, single, nMulti, multi)
	resp, err := onBroker(ctx, a, b, fmt.Sprintf("fetch records for time lag on broker %d (%s)", b.ID, b.Addr), func(c *sarama.Broker) (*sarama.FetchResponse, error) {
		return c.Fetch(req)
	})
	if err != nil {
		return nil, err
	}
	out := map[timeKey]int64{}
	for _, w := range ws {
		blk := resp.GetBlock(w.tp.Topic, w.tp.Partition)
		if blk == nil || blk.Err != sarama.ErrNoError {
			continue
		}
		for off, ts := range recordTimes(blk, w.offsets, iso == ReadCommitted) {
			out[timeKey{w.tp, off}] = ts
		}
	}
	return out, nil
}

// recordTimes finds, for each offset (sorted), the timestamp (ms) of the
// first record at or after it that a consumer would read: control batches
// are skipped, and with read_committed so are batches of aborted
// transactions. A batch cut short by the byte limit still has its header:
// its first timestamp stands for the offsets it holds. Offsets past the
// records in the answer are left out.
func recordTimes(blk *sarama.FetchResponseBlock, offs []int64, readCommitted bool) map[int64]int64 {
	out := map[int64]int64{}
	j := 0
	// at assigns ts to every offset up to last.
	at := func(last, ts int64) {
		for ; j < len(offs) && offs[j] <= last; j++ {
			out[offs[j]] = ts
		}
	}
	aborted := map[int64][]int64{}
	if readCommitted {
		for _, t := range blk.AbortedTransactions {
			aborted[t.ProducerID] = append(aborted[t.ProducerID], t.FirstOffset)
		}
	}
	isAborted := func(b *sarama.RecordBatch) bool {
		if !b.IsTransactional {
			return false
		}
		for _, first := range aborted[b.ProducerID] {
			if first <= b.LastOffset() {
				return true
			}
		}
		return false
	}
	for _, rs := range blk.RecordsSet {
		if rs == nil {
			continue
		}
		if rs.MsgSet != nil {
			legacyTimes(rs.MsgSet, 0, at)
			continue
		}
		b := rs.RecordBatch
		if b == nil || b.Control || isAborted(b) {
			continue
		}
		if len(b.Records) == 0 {
			if b.PartialTrailingRecord && !b.FirstTimestamp.IsZero() {
				at(b.LastOffset(), b.FirstTimestamp.UnixMilli())
			}
			continue
		}
		for _, r := range b.Records {
			ts := b.FirstTimestamp.Add(r.TimestampDelta).UnixMilli()
			if b.LogAppendTime {
				ts = b.MaxTimestamp.UnixMilli()
			}
			at(b.FirstOffset+r.OffsetDelta, ts)
		}
	}
	return out
}

// legacyTimes walks a pre-0.11 message set (and the sets compressed in
// it) in offset order. Inside a compressed magic-1 wrapper, offsets are
// relative: the wrapper carries the last one (base is what to add).
func legacyTimes(set *sarama.MessageSet, base int64, at func(last, ts int64)) {
	for _, m := range set.Messages {
		if m == nil || m.Msg == nil {
			continue
		}
		if inner := m.Msg.Set; inner != nil && len(inner.Messages) > 0 {
			b := int64(0)
			if last := inner.Messages[len(inner.Messages)-1]; m.Msg.Version >= 1 && last != nil {
				b = m.Offset - last.Offset
			}
			legacyTimes(inner, b, at)
			continue
		}
		if !m.Msg.Timestamp.IsZero() {
			at(base+m.Offset, m.Msg.Timestamp.UnixMilli())
		}
	}
}
