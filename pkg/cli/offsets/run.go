package offsets

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
		counts, err := a.PartitionCounts(slices.Compact(slices.Sorted(slices.Values(topics))))
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
	r := &groupRun{name: g, notes: map[offsets.TP]error{}}
	var members []offsets.Member
	if d != nil {
		r.state, members = d.State, kafka.ResetMembers(d.Members)
	}
	in := offsets.Input{
		Group:     g,
		Committed: map[offsets.TP]int64{},
		Earliest:  map[offsets.TP]int64{},
		Latest:    map[offsets.TP]int64{},
		ByTime:    map[offsets.TP]int64{},
		LookupErr: map[offsets.TP]error{},
	}
	var problems []error
	switch {
	case d == nil:
		problems = append(problems, errors.New("the group could not be described"))
	case d.Err != nil:
		problems = append(problems, fmt.Errorf("cannot describe the group: %w", d.Err))
	}
	switch {
	case c == nil:
		problems = append(problems, errors.New("its committed offsets could not be read"))
	case c.Err != nil:
		problems = append(problems, fmt.Errorf("cannot read its committed offsets: %w", c.Err))
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
		problems = append(problems, fmt.Errorf("%d of %d partitions could not be planned", n, len(r.plan.Partitions)))
	}
	if len(problems) > 0 {
		r.err = &offsets.PlanError{Group: g, Problems: problems}
		return r
	}
	if r.err = offsets.CheckInactive(g, r.state, members, false); r.err != nil {
		return r
	}
	if len(r.plan.Partitions) == 0 {
		o.F.Warnf("Note: group %q has no partition in scope (no committed offsets for --all-topics): nothing to reset.", g)
	}
	return r
}

// apply runs kafka.Admin.ApplyResets on the groups ready to reset and
// prints its outcome. It returns the undo file path.
func (o *ResetOptions) apply(ctx context.Context, a *kafka.Admin, ready []*groupRun) string {
	if len(ready) == 0 {
		o.F.Warnf("Nothing to apply.")
		return ""
	}
	plans := make([]offsets.GroupPlan, len(ready))
	for i, r := range ready {
		plans[i] = r.plan
	}
	var undo string
	applied := a.ApplyResets(ctx, o.at, plans, func(rechecked []*offsets.Applied) error {
		o.record(ready, rechecked)
		o.reportErrors(ready)
		var commit []offsets.GroupPlan
		for i, ap := range rechecked {
			if ap.Err == nil {
				commit = append(commit, plans[i])
			}
		}
		path, err := o.writeUndo(commit)
		if err != nil {
			return err
		}
		if path != "" {
			o.F.Warnf("Undo file: %s (restore with: kctl offsets reset --from-file %s --execute)", path, path)
		}
		undo = path
		return nil
	})
	o.record(ready, applied)
	for i, r := range ready {
		ap := applied[i]
		if !ap.ReadBack {
			continue
		}
		switch {
		case ap.Err == nil:
			o.F.Warnf("Group %q: applied %d partitions, verified.", r.name, ap.Verified)
		case ap.Verified == 0:
			o.F.Warnf("Group %q: no partition was applied.", r.name)
		default:
			o.F.Warnf("Group %q: applied %d of %d partitions, verified; the others failed.", r.name, ap.Verified, ap.Total)
		}
	}
	o.reportErrors(ready)
	for _, r := range ready {
		for _, p := range r.plan.Partitions {
			if n := r.notes[p.TP]; n != nil {
				o.F.Warnf("Error: group %q %s: %v", r.name, p.TP, n)
			}
		}
	}
	return undo
}

// record copies the apply's outcome so far into the runs (same order).
func (o *ResetOptions) record(runs []*groupRun, applied []*offsets.Applied) {
	for i, r := range runs {
		ap := applied[i]
		if ap.State != "" {
			r.state = ap.State
		}
		r.err, r.executed = ap.Err, ap.Sent
		for tp, e := range ap.Notes {
			r.notes[tp] = e
		}
	}
}

func (o *ResetOptions) reportErrors(runs []*groupRun) {
	for _, r := range runs {
		if r.err != nil && !r.reported {
			r.reported = true
			o.F.Warnf("Error: %v", r.err)
		}
	}
}
