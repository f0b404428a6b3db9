package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/offsets"
)

// ApplyResets applies reset plans computed while their groups were
// inactive, in the order that keeps it safe:
//
//  1. re-check every group's state (one DescribeGroups per coordinator): a
//     consumer may have started since the plan, and an active group is
//     refused (offsets.CheckInactive);
//  2. beforeCommit, with every group's outcome so far (Err nil: about to be
//     committed): the CLI reports the refusals and writes the undo file; its
//     error stops every group before anything is committed;
//  3. commit each group's new offsets (CommitOffsetsRetry: one OffsetCommit
//     per group, once more after a coordinator move);
//  4. read the offsets back (one OffsetFetch per coordinator) and verify
//     them (offsets.Verify): a reset is done when the broker says so.
//
// at holds the coordinators the plan found; it follows a coordinator that
// moved at the commit. The outcomes are in the plans' order; a group's Err
// is nil when it was committed and verified.
func (a *Admin) ApplyResets(ctx context.Context, at *GroupsAt, plans []offsets.GroupPlan, beforeCommit func([]*offsets.Applied) error) []*offsets.Applied {
	out := make([]*offsets.Applied, len(plans))
	names := make([]string, len(plans))
	want := map[string]map[TopicPartition]int64{}
	for i, p := range plans {
		m := map[TopicPartition]int64{}
		for tp, off := range p.NewOffsets() {
			m[TopicPartition{Topic: tp.Topic, Partition: tp.Partition}] = off
		}
		out[i] = &offsets.Applied{Group: p.Group, Total: len(m), Notes: map[offsets.TP]error{}}
		names[i] = p.Group
		want[p.Group] = m
	}
	if len(plans) == 0 {
		return out
	}

	desc, err := a.DescribeGroupsAt(ctx, at.Subset(names))
	if err != nil {
		for _, o := range out {
			o.Err = &offsets.RecheckError{Group: o.Group, Err: err}
		}
		return out
	}
	var commit []*offsets.Applied
	coords := map[string]Broker{}
	for _, o := range out {
		d := desc[o.Group]
		switch {
		case d == nil:
			o.Err = &offsets.RecheckError{Group: o.Group, Err: offsets.ErrNoAnswer}
		case d.Err != nil:
			o.Err = &offsets.RecheckError{Group: o.Group, Err: d.Err}
		default:
			o.State, o.Members = d.State, ResetMembers(d.Members)
			if o.Err = offsets.CheckInactive(o.Group, d.State, o.Members, true); o.Err == nil {
				coords[o.Group] = d.Coordinator
				commit = append(commit, o)
			}
		}
	}
	if len(commit) == 0 {
		return out
	}
	if beforeCommit != nil {
		if err := beforeCommit(out); err != nil {
			for _, o := range commit {
				o.Err = &offsets.UndoError{Group: o.Group, Err: err}
			}
			return out
		}
	}

	toCommit := map[string]map[TopicPartition]int64{}
	for _, o := range commit {
		toCommit[o.Group] = want[o.Group]
	}
	results, moved := a.CommitOffsetsRetry(ctx, coords, toCommit)
	for g, c := range moved {
		at.Coordinators[g] = c
	}
	var sent []string
	for _, o := range commit {
		res := results[o.Group]
		o.Sent = res.Sent
		if res.Sent {
			sent = append(sent, o.Group)
		}
		if res.Err != nil {
			o.Err = &offsets.CommitError{Group: o.Group, Err: res.Err, Sent: res.Sent}
			continue
		}
		if len(res.Errors) > 0 {
			failed := map[offsets.TP]error{}
			for tp, e := range res.Errors {
				failed[fromTP(tp)] = e
				o.Notes[fromTP(tp)] = &offsets.PartitionCommitError{Err: e}
			}
			o.Err = &offsets.PartialCommitError{Group: o.Group, Errors: failed, Total: o.Total}
		}
	}
	if len(sent) == 0 {
		return out
	}

	back, err := a.FetchGroupOffsetsAt(ctx, at.Subset(sent))
	for _, o := range commit {
		if !o.Sent {
			continue
		}
		var bo *GroupOffsets
		if back != nil {
			bo = back[o.Group]
		}
		switch {
		case err != nil:
			o.Err = offsets.JoinErrors(o.Err, &offsets.ReadBackError{Group: o.Group, Err: err})
			continue
		case bo == nil:
			o.Err = offsets.JoinErrors(o.Err, &offsets.ReadBackError{Group: o.Group, Err: offsets.ErrNoAnswer})
			continue
		case bo.Err != nil:
			o.Err = offsets.JoinErrors(o.Err, &offsets.ReadBackError{Group: o.Group, Err: bo.Err})
			continue
		}
		o.ReadBack = true
		res := results[o.Group]
		if res.Err != nil {
			continue // nothing is known to be committed: nothing to verify
		}
		committed, refused, got := map[offsets.TP]int64{}, map[offsets.TP]error{}, map[offsets.TP]int64{}
		for tp, off := range want[o.Group] {
			committed[fromTP(tp)] = off
		}
		for tp, e := range res.Errors {
			refused[fromTP(tp)] = e
		}
		for tp, off := range bo.Offsets {
			got[fromTP(tp)] = off
		}
		verified, mismatches := offsets.Verify(committed, refused, got)
		o.Verified = verified
		for tp, e := range mismatches {
			o.Notes[tp] = e
		}
		if len(mismatches) > 0 {
			o.Err = offsets.JoinErrors(o.Err, &offsets.UnverifiedError{Group: o.Group, Count: len(mismatches)})
		}
	}
	return out
}

// CommitOffsetsRetry is CommitOffsets under the retry policy (retry.go):
// the groups whose commit says the coordinator moved between the lookup
// and the commit (CoordinatorMoved: every partition answered
// NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE or a load in progress) are
// committed again at the coordinator a new FindCoordinator names, or at the
// same one after a backoff while it loads; a commit is idempotent, so the
// retry is safe. It returns the coordinators found for the moved groups.
func (a *Admin) CommitOffsetsRetry(ctx context.Context, coordinators map[string]Broker, offsets map[string]map[TopicPartition]int64) (map[string]*CommitResult, map[string]Broker) {
	results := map[string]*CommitResult{}
	groups := make([]string, 0, len(offsets))
	for g := range offsets {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	step := &coordStep{
		groups: groups,
		run: func(ctx context.Context, gs []string, coords map[string]Broker) (map[string]error, error) {
			sub := make(map[string]map[TopicPartition]int64, len(gs))
			for _, g := range gs {
				sub[g] = offsets[g]
			}
			retry := map[string]error{}
			for g, res := range a.CommitOffsets(ctx, coords, sub) {
				if prev := results[g]; prev != nil {
					res.Sent = res.Sent || prev.Sent
				}
				results[g] = res
				if res.CoordinatorMoved() {
					retry[g] = res.coordinatorErr()
				}
			}
			return retry, nil
		},
		// No coordinator found again: the commit is not sent again.
		lookupFailed: func(g string, _ error) {
			results[g] = &CommitResult{Group: g, Err: fmt.Errorf("group %q: %w", g, ErrNoCoordinator), Sent: results[g].Sent}
		},
		// Each partition's refusal says why the policy stopped and which
		// broker answered.
		gaveUp: func(g, reason string, _ error) {
			res := results[g]
			for tp, e := range res.Errors {
				var ke sarama.KError
				if errors.As(e, &ke) {
					res.Errors[tp] = fmt.Errorf("%s: %s (broker %d: %w)", tp, reason, res.Coordinator.ID, ke)
				}
			}
		},
	}
	found, _ := a.retryCoordinators(ctx, coordinators, step)
	if len(found) == 0 {
		found = nil
	}
	return results, found
}

// ResetMembers are a group's members as a reset refusal names them.
func ResetMembers(ms []GroupMember) []offsets.Member {
	out := make([]offsets.Member, 0, len(ms))
	for _, m := range ms {
		out = append(out, offsets.Member{ClientID: m.ClientID, Host: m.Host, InstanceID: m.GroupInstanceID})
	}
	return out
}

func fromTP(tp TopicPartition) offsets.TP {
	return offsets.TP{Topic: tp.Topic, Partition: tp.Partition}
}
