package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/IBM/sarama"
)

// CommitResult is one group's OffsetCommit outcome.
type CommitResult struct {
	Group       string
	Coordinator Broker
	// Committed counts partitions the broker acknowledged without error.
	Committed int
	// Errors holds every partition that was not committed, with the
	// broker's error code (or "no answer" when the response left it out).
	Errors map[TopicPartition]error
	// Err is a failure of the whole request (connection, timeout); then no
	// partition is known to be committed.
	Err error
	// Sent reports whether the request left kctl: when false, nothing
	// changed for the group.
	Sent bool
}

// Failed reports whether anything was not committed.
func (r *CommitResult) Failed() bool { return r.Err != nil || len(r.Errors) > 0 }

// CoordinatorMoved reports whether the request failed because the broker no
// longer (or not yet) coordinates the group: worth one retry after a new
// FindCoordinator. A commit is idempotent, so retrying is safe.
func (r *CommitResult) CoordinatorMoved() bool {
	if r.Err != nil || len(r.Errors) == 0 {
		return false
	}
	for _, e := range r.Errors {
		if !retriableCoordErr(e) {
			return false
		}
	}
	return true
}

// coordinatorErr is the error of a commit whose coordinator moved that the
// retry policy acts on: a moved coordinator before one still loading.
func (r *CommitResult) coordinatorErr() error {
	var out error
	for _, tp := range partitionsOf(r.Errors) {
		e := r.Errors[tp]
		if coordRetryKind(e) == coordMoved {
			return e
		}
		if out == nil {
			out = e
		}
	}
	return out
}

// ErrNoCoordinator: no coordinator is known for the group, so its commit
// was not sent.
var ErrNoCoordinator = errors.New("no coordinator known")

// CommitOffsets commits offsets with a standalone OffsetCommit: generation
// -1, no member id, no group join, exactly what kafka-consumer-groups.sh
// --execute sends. Each group's partitions travel in one request to its
// coordinator (OffsetCommit carries one group); all groups are committed in
// parallel (bounded), on dedicated connections, so many groups on one
// coordinator still take one round trip. Every partition's error code is
// checked: a reset that reports success must have changed something.
func (a *Admin) CommitOffsets(ctx context.Context, coordinators map[string]Broker, offsets map[string]map[TopicPartition]int64) map[string]*CommitResult {
	out := make(map[string]*CommitResult, len(offsets))
	var groups []string
	for g := range offsets {
		c, ok := coordinators[g]
		if !ok {
			out[g] = &CommitResult{Group: g, Err: fmt.Errorf("group %q: %w", g, ErrNoCoordinator)}
			continue
		}
		out[g] = &CommitResult{Group: g, Coordinator: c}
		groups = append(groups, g)
	}
	sort.Strings(groups)
	_ = boundedEach(ctx, len(groups), maxFanOut, func(i int) error {
		a.commitGroup(ctx, out[groups[i]], offsets[groups[i]])
		return nil
	})
	return out
}

func (a *Admin) commitGroup(ctx context.Context, res *CommitResult, offsets map[TopicPartition]int64) {
	c := res.Coordinator
	conn, release, err := a.lease(ctx, c)
	if err != nil {
		res.Err = fmt.Errorf("group %q: coordinator %d: %w", res.Group, c.ID, err)
		return
	}
	req := sarama.NewOffsetCommitRequest(a.conf, res.Group)
	req.ConsumerGroupGeneration = sarama.GroupGenerationUndefined
	req.ConsumerID = ""
	for tp, off := range offsets {
		// Leader epoch -1: unknown, so the broker does not fence on it.
		req.AddBlockWithLeaderEpoch(tp.Topic, tp.Partition, off, -1, 0, "")
	}
	a.logf("OffsetCommit(group %q, generation -1) to coordinator %d (%s): %d partitions", res.Group, c.ID, c.Addr, len(offsets))
	res.Sent = true
	resp, err := Do(ctx, fmt.Sprintf("commit offsets of group %q on broker %d (%s)", res.Group, c.ID, c.Addr),
		func() (*sarama.OffsetCommitResponse, error) { return conn.CommitOffset(req) })
	if err != nil {
		// A request that timed out may still be in flight: never reuse
		// that connection.
		release(false)
		res.Err = fmt.Errorf("group %q: %w", res.Group, a.classify(c.Addr, err))
		return
	}
	release(true)
	res.Errors = map[TopicPartition]error{}
	for tp := range offsets {
		kerr, answered := resp.Errors[tp.Topic][tp.Partition]
		switch {
		case !answered:
			res.Errors[tp] = fmt.Errorf("%s: coordinator %d did not answer for this partition", tp, c.ID)
		case kerr != sarama.ErrNoError:
			res.Errors[tp] = fmt.Errorf("%s: %w", tp, kerr)
		default:
			res.Committed++
		}
	}
	if len(res.Errors) == 0 {
		res.Errors = nil
	}
}
