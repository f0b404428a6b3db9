package offsets

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/offsets"
)

// lookups are the ListOffsets answers a plan needs.
type lookups struct {
	latest, earliest, byTime map[kafka.TopicPartition]kafka.PartitionOffset
}

func toKafka(tps []offsets.TP) []kafka.TopicPartition {
	out := make([]kafka.TopicPartition, len(tps))
	for i, tp := range tps {
		out[i] = kafka.TopicPartition{Topic: tp.Topic, Partition: tp.Partition}
	}
	return out
}

func fromKafka(tp kafka.TopicPartition) offsets.TP {
	return offsets.TP{Topic: tp.Topic, Partition: tp.Partition}
}

// lookup resolves, in parallel, only the ListOffsets the spec needs: each
// is one request per leader broker.
func (o *ResetOptions) lookup(ctx context.Context, a *kafka.Admin, tps []offsets.TP) (*lookups, error) {
	l := &lookups{}
	if len(tps) == 0 {
		return l, nil
	}
	parts := toKafka(tps)
	spec := func(dst *map[kafka.TopicPartition]kafka.PartitionOffset, s int64) func() error {
		return func() error {
			m, err := a.ListOffsets(ctx, parts, s, kafka.ReadUncommitted)
			*dst = m
			return err
		}
	}
	fns := []func() error{spec(&l.latest, kafka.OffsetLatest)}
	if o.Spec.NeedsEarliest() {
		fns = append(fns, spec(&l.earliest, kafka.OffsetEarliest))
	}
	if o.Spec.NeedsTimestamp() {
		fns = append(fns, spec(&l.byTime, o.Spec.Timestamp))
	}
	return l, kafka.Parallel(fns...)
}

// lookupsPerLeader is how many ListOffsets lookup sends to each leader at
// once: one per spec it needs.
func (o *ResetOptions) lookupsPerLeader() int {
	n := 1
	if o.Spec.NeedsEarliest() {
		n++
	}
	if o.Spec.NeedsTimestamp() {
		n++
	}
	return n
}

// groupNames are the groups to plan: --group, every consumer group
// (--all-groups), or the groups of a four-column --from-file.
func (o *ResetOptions) groupNames(ctx context.Context, a *kafka.Admin) ([]string, error) {
	if o.fromFile != nil {
		var gs []string
		for g := range o.fromFile {
			gs = append(gs, g)
		}
		sort.Strings(gs)
		return gs, nil
	}
	if !o.AllGroups {
		return o.Groups, nil
	}
	list, err := a.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	if len(list.Errors) > 0 {
		var bs []string
		for id, e := range list.Errors {
			bs = append(bs, fmt.Sprintf("broker %d: %v", id, e))
		}
		sort.Strings(bs)
		return nil, errs.Exit(errs.ExitFailure, "--all-groups: cannot list the groups of every broker, so some groups would be missed (%s); nothing was changed", strings.Join(bs, "; "))
	}
	var gs []string
	for _, g := range list.Groups {
		// Consumer groups: classic "consumer" or simple (standalone
		// commits, no protocol), as Kafka's listConsumerGroups.
		if g.ProtocolType == "consumer" || g.ProtocolType == "" {
			gs = append(gs, g.Group)
		}
	}
	return gs, nil
}

// plan gathers what the cluster knows and computes every group's plan.
// Requests: DescribeGroups and OffsetFetch (per coordinator) in parallel
// with the ListOffsets the spec needs (per leader); with --all-topics the
// partitions come from the commits, so ListOffsets follows OffsetFetch.
func (o *ResetOptions) plan(ctx context.Context, a *kafka.Admin) ([]*groupRun, error) {
	groups, err := o.groupNames(ctx, a)
	if err != nil {
		return nil, err
	}
	if len(groups) == 0 {
		o.F.Warnf("No consumer groups to reset.")
		return nil, nil
	}
	// The partitions to look up, known before any group request unless
	// they come from the commits.
	var fixed []offsets.TP
	fileErrs := map[offsets.TP]error{}
	switch {
	case len(o.Scopes) > 0:
		var topics []string
		for _, s := range o.Scopes {
			topics = append(topics, s.Topic)
		}
		counts, err := a.PartitionCounts(topics)
		if err != nil {
			return nil, err
		}
		fixed, err = offsets.ResolveScopes(o.Scopes, counts)
		if err != nil {
			return nil, errs.Exit(errs.ExitFailure, "%v; nothing was changed", err)
		}
	case o.fromFile != nil:
		set := map[offsets.TP]bool{}
		var topics []string
		for _, m := range o.fromFile {
			for tp := range m {
				if !set[tp] {
					set[tp] = true
					fixed = append(fixed, tp)
					topics = append(topics, tp.Topic)
				}
			}
		}
		counts, err := a.PartitionCounts(uniq(topics))
		if err != nil {
			return nil, err
		}
		// A file may name a topic deleted since: an error for those
		// partitions (and so for their group), not for the others.
		var known []offsets.TP
		for _, tp := range fixed {
			n, ok := counts[tp.Topic]
			switch {
			case !ok:
				fileErrs[tp] = fmt.Errorf("topic %q does not exist", tp.Topic)
			case tp.Partition >= n:
				fileErrs[tp] = fmt.Errorf("topic %q has no partition %d", tp.Topic, tp.Partition)
			default:
				known = append(known, tp)
			}
		}
		fixed = known
		offsets.SortTPs(fixed)
	}

	var (
		desc      map[string]*kafka.GroupDescription
		committed map[string]*kafka.GroupOffsets
		look      *lookups
		mu        sync.Mutex
	)
	// FindCoordinator, then DescribeGroups ∥ OffsetFetch at the
	// coordinators, alongside the ListOffsets per leader.
	groupsFn := func() error {
		at, failed, err := a.LocateGroups(ctx, groups)
		if err != nil {
			return err
		}
		var d map[string]*kafka.GroupDescription
		var c map[string]*kafka.GroupOffsets
		err = kafka.Parallel(
			func() (err error) { d, err = a.DescribeGroupsAt(ctx, at); return err },
			func() (err error) { c, err = a.FetchGroupOffsetsAt(ctx, at); return err },
		)
		for g, e := range failed {
			d[g] = &kafka.GroupDescription{Group: g, Err: e}
			c[g] = &kafka.GroupOffsets{Group: g, Err: e}
		}
		mu.Lock()
		o.at, desc, committed = at, d, c
		mu.Unlock()
		return err
	}
	// Every connection the plan needs opens now, in one wave: the
	// ListOffsets per leader and per spec, and DescribeGroups ∥ OffsetFetch
	// at coordinators not known yet.
	if o.AllTopics {
		a.OpenPlanConnections(ctx, nil, 0, 2)
	} else {
		a.OpenPlanConnections(ctx, toKafka(fixed), o.lookupsPerLeader(), 2)
	}
	fns := []func() error{groupsFn}
	if !o.AllTopics {
		fns = append(fns, func() error {
			l, err := o.lookup(ctx, a, fixed)
			mu.Lock()
			look = l
			mu.Unlock()
			return err
		})
	}
	if err := kafka.Parallel(fns...); err != nil {
		return nil, err
	}
	if o.AllTopics {
		set := map[offsets.TP]bool{}
		for _, g := range groups {
			if c := committed[g]; c != nil && c.Err == nil {
				for tp := range c.Offsets {
					set[fromKafka(tp)] = true
				}
			}
		}
		var all []offsets.TP
		for tp := range set {
			all = append(all, tp)
		}
		offsets.SortTPs(all)
		if look, err = o.lookup(ctx, a, all); err != nil {
			return nil, err
		}
	}

	var runs []*groupRun
	for _, g := range groups {
		runs = append(runs, o.planGroup(g, desc[g], committed[g], fixed, fileErrs, look))
	}
	return runs, nil
}

func (o *ResetOptions) planGroup(g string, d *kafka.GroupDescription, c *kafka.GroupOffsets, fixed []offsets.TP, fileErrs map[offsets.TP]error, look *lookups) *groupRun {
	r := &groupRun{name: g, notes: map[offsets.TP]string{}}
	if d != nil {
		r.state, r.members = d.State, d.Members
	}
	in := offsets.Input{
		Group:     g,
		Committed: map[offsets.TP]int64{},
		Earliest:  map[offsets.TP]int64{},
		Latest:    map[offsets.TP]int64{},
		ByTime:    map[offsets.TP]int64{},
		LookupErr: map[offsets.TP]error{},
	}
	var problems []string
	switch {
	case d == nil:
		problems = append(problems, "the group could not be described")
	case d.Err != nil:
		problems = append(problems, fmt.Sprintf("cannot describe the group: %v", d.Err))
	}
	switch {
	case c == nil:
		problems = append(problems, "its committed offsets could not be read")
	case c.Err != nil:
		problems = append(problems, fmt.Sprintf("cannot read its committed offsets: %v", c.Err))
	default:
		for tp, off := range c.Offsets {
			in.Committed[fromKafka(tp)] = off
		}
	}
	switch {
	case o.AllTopics:
		for tp := range in.Committed {
			in.Partitions = append(in.Partitions, tp)
		}
	case o.fromFile != nil:
		in.Requested = o.fromFile[g]
		for tp := range in.Requested {
			in.Partitions = append(in.Partitions, tp)
			if e := fileErrs[tp]; e != nil {
				in.LookupErr[tp] = e
			}
		}
	default:
		in.Partitions = fixed
	}
	fill := func(dst map[offsets.TP]int64, src map[kafka.TopicPartition]kafka.PartitionOffset) {
		for _, tp := range in.Partitions {
			po, ok := src[kafka.TopicPartition{Topic: tp.Topic, Partition: tp.Partition}]
			if !ok {
				continue
			}
			if po.Err != nil {
				if in.LookupErr[tp] == nil {
					in.LookupErr[tp] = po.Err
				}
				continue
			}
			dst[tp] = po.Offset
		}
	}
	if look != nil {
		fill(in.Latest, look.latest)
		fill(in.Earliest, look.earliest)
		fill(in.ByTime, look.byTime)
	}
	r.plan = offsets.Plan(o.Spec, in)
	if n := r.plan.Errors(); n > 0 {
		problems = append(problems, fmt.Sprintf("%d of %d partitions could not be planned", n, len(r.plan.Partitions)))
	}
	if len(problems) > 0 {
		r.err = fmt.Sprintf("group %q: %s; nothing will be changed for this group", g, strings.Join(problems, "; "))
		return r
	}
	if !resettable(r.state) {
		r.refused = true
		r.err = refusal(g, r.state, r.members)
		return r
	}
	if len(r.plan.Partitions) == 0 {
		o.F.Warnf("Note: group %q has no partition in scope (no committed offsets for --all-topics): nothing to reset.", g)
	}
	return r
}

// resettable: Kafka resets only inactive groups. A group unknown to the
// cluster is described as Dead.
func resettable(state string) bool {
	return state == "Empty" || state == "Dead"
}

// refusal is Kafka's sentence, word for word (a script grepping for it
// keeps working), then who is active.
func refusal(g, state string, members []kafka.GroupMember) string {
	msg := fmt.Sprintf("Assignments can only be reset if the group '%s' is inactive, but the current state is %s.", g, state)
	if len(members) == 0 {
		return msg + " Nothing will be changed for this group"
	}
	var ms []string
	for _, m := range members {
		s := fmt.Sprintf("client-id %s on host %s", orDash(m.ClientID), orDash(m.Host))
		if m.GroupInstanceID != "" {
			s += " (instance " + m.GroupInstanceID + ")"
		}
		ms = append(ms, s)
	}
	noun := "members"
	if len(members) == 1 {
		noun = "member"
	}
	return fmt.Sprintf("%s It has %d %s: %s. Stop them, or wait for them to leave; nothing will be changed for this group",
		msg, len(members), noun, strings.Join(ms, ", "))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// apply re-checks the groups' state, writes the undo file, commits and
// reads the offsets back. It returns the undo file path.
func (o *ResetOptions) apply(ctx context.Context, a *kafka.Admin, ready []*groupRun) (string, error) {
	if len(ready) == 0 {
		o.F.Warnf("Nothing to apply.")
		return "", nil
	}
	names := make([]string, len(ready))
	for i, r := range ready {
		names[i] = r.name
	}
	// The state may have changed since the plan: a consumer may have
	// started. Check again right before committing.
	desc, err := a.DescribeGroupsAt(ctx, o.at.Subset(names))
	if err != nil {
		for _, r := range ready {
			r.err = fmt.Sprintf("group %q: cannot re-check the state before committing: %v; nothing was changed", r.name, err)
		}
		o.reportErrors(ready)
		return "", nil
	}
	var commit []*groupRun
	coords := map[string]kafka.Broker{}
	for _, r := range ready {
		d := desc[r.name]
		switch {
		case d == nil || d.Err != nil:
			why := "no answer"
			if d != nil {
				why = d.Err.Error()
			}
			r.err = fmt.Sprintf("group %q: cannot re-check the state before committing: %s; nothing was changed", r.name, why)
		case !resettable(d.State):
			r.state, r.members, r.refused = d.State, d.Members, true
			r.err = refusal(r.name, d.State, d.Members) + " (it became active after the plan)"
		default:
			r.state = d.State
			coords[r.name] = d.Coordinator
			commit = append(commit, r)
		}
	}
	o.reportErrors(ready)
	if len(commit) == 0 {
		return "", nil
	}
	undo, err := o.writeUndo(commit)
	if err != nil {
		for _, r := range commit {
			r.err = fmt.Sprintf("group %q: the undo file could not be written (%v); nothing was changed", r.name, err)
		}
		o.reportErrors(commit)
		return "", nil
	}
	if undo != "" {
		o.F.Warnf("Undo file: %s (restore with: kctl offsets reset --from-file %s --execute)", undo, undo)
	}

	want := map[string]map[kafka.TopicPartition]int64{}
	for _, r := range commit {
		m := map[kafka.TopicPartition]int64{}
		for tp, off := range r.plan.NewOffsets() {
			m[kafka.TopicPartition{Topic: tp.Topic, Partition: tp.Partition}] = off
		}
		want[r.name] = m
	}
	results := a.CommitOffsets(ctx, coords, want)
	// A coordinator that moved between the describe and the commit
	// answers NOT_COORDINATOR for every partition: find it, commit again.
	var moved []string
	for g, res := range results {
		if res.CoordinatorMoved() {
			moved = append(moved, g)
		}
	}
	if len(moved) > 0 {
		sort.Strings(moved)
		newCoords, _, err := a.FindCoordinators(ctx, moved)
		if err == nil {
			for g, c := range newCoords {
				o.at.Coordinators[g] = c
			}
			again := map[string]map[kafka.TopicPartition]int64{}
			for _, g := range moved {
				again[g] = want[g]
			}
			for g, res := range a.CommitOffsets(ctx, newCoords, again) {
				res.Sent = res.Sent || results[g].Sent
				results[g] = res
			}
		}
	}

	var sent []string
	for _, r := range commit {
		res := results[r.name]
		r.executed = res.Sent
		if res.Sent {
			sent = append(sent, r.name)
		}
		if res.Err != nil {
			r.err = fmt.Sprintf("group %q: commit failed: %v", r.name, res.Err)
			if res.Sent {
				r.err += " (the outcome is unknown: check with kctl lag)"
			}
			continue
		}
		for tp, e := range res.Errors {
			r.notes[fromKafka(tp)] = "commit failed: " + e.Error()
		}
		if len(res.Errors) > 0 {
			r.err = fmt.Sprintf("group %q: %d of %d partitions were not committed (%s)", r.name, len(res.Errors), len(want[r.name]), firstErrors(res.Errors))
		}
	}
	if len(sent) == 0 {
		o.reportErrors(commit)
		return undo, nil
	}

	// Read back: a reset is done when the broker says so.
	back, err := a.FetchGroupOffsetsAt(ctx, o.at.Subset(sent))
	for _, r := range commit {
		if !r.executed {
			continue
		}
		res := results[r.name]
		var bo *kafka.GroupOffsets
		if back != nil {
			bo = back[r.name]
		}
		switch {
		case err != nil:
			r.err = joinErr(r.err, fmt.Sprintf("group %q: committed, but the read-back failed: %v", r.name, err))
			continue
		case bo == nil || bo.Err != nil:
			why := "no answer"
			if bo != nil {
				why = bo.Err.Error()
			}
			r.err = joinErr(r.err, fmt.Sprintf("group %q: committed, but the read-back failed: %s", r.name, why))
			continue
		}
		verified, bad := 0, 0
		for tp, off := range want[r.name] {
			if _, failed := res.Errors[tp]; failed || res.Err != nil {
				continue
			}
			got, ok := bo.Offsets[tp]
			if ok && got == off {
				verified++
				continue
			}
			bad++
			if ok {
				r.notes[fromKafka(tp)] = fmt.Sprintf("verification failed: the committed offset reads %d, expected %d", got, off)
			} else {
				r.notes[fromKafka(tp)] = fmt.Sprintf("verification failed: no committed offset, expected %d", off)
			}
		}
		if bad > 0 {
			r.err = joinErr(r.err, fmt.Sprintf("group %q: %d partitions did not read back as committed", r.name, bad))
		}
		switch {
		case r.err == "":
			o.F.Warnf("Group %q: applied %d partitions, verified.", r.name, verified)
		case verified == 0:
			o.F.Warnf("Group %q: no partition was applied.", r.name)
		default:
			o.F.Warnf("Group %q: applied %d of %d partitions, verified; the others failed.", r.name, verified, len(want[r.name]))
		}
	}
	o.reportErrors(commit)
	for _, r := range commit {
		for _, p := range r.plan.Partitions {
			if n := r.notes[p.TP]; n != "" {
				o.F.Warnf("Error: group %q %s: %s", r.name, p.TP, n)
			}
		}
	}
	return undo, nil
}

func (o *ResetOptions) reportErrors(runs []*groupRun) {
	for _, r := range runs {
		if r.err != "" && !r.reported {
			r.reported = true
			o.F.Warnf("Error: %s", r.err)
		}
	}
}

func joinErr(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func firstErrors(m map[kafka.TopicPartition]error) string {
	var tps []kafka.TopicPartition
	for tp := range m {
		tps = append(tps, tp)
	}
	kafka.SortPartitions(tps)
	var out []string
	for i, tp := range tps {
		if i == 3 {
			out = append(out, fmt.Sprintf("and %d more", len(tps)-3))
			break
		}
		out = append(out, m[tp].Error())
	}
	return strings.Join(out, "; ")
}
