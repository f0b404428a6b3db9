package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"time"

	"github.com/IBM/sarama"
)

// The admin layer's one retry policy. A broker's answer may say that the
// request reached the wrong broker or came too early; the policy says which
// answers are worth another try, how many tries, and how long to wait in
// between. Nothing else is retried: an error that another try cannot heal
// (authorization, a group with members, an unknown topic in a plan) is
// reported at once, and a broker that does not answer is reported when its
// step's share of the deadline is up.
//
//   - Coordinator moved (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE): the
//     lookup is stale. The groups that got it are looked up again in one
//     FindCoordinator round and their step is sent again for them alone, at
//     once, coordMovedRetries times: a coordinator that moves again within
//     one command is reported ("the coordinator moved twice").
//   - Coordinator loading (COORDINATOR_LOAD_IN_PROGRESS): the broker is the
//     coordinator but is still reading the offsets topic, as after a
//     restart. The step is sent again at the same coordinator (no lookup:
//     it said it is the coordinator) after a backoff, coordLoadingRetries
//     times.
//   - Leader moved (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, fenced or
//     unknown leader epoch, OFFSET_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION
//     for a partition the metadata knew): one Metadata refresh for the
//     partitions' topics, and the step again for those partitions alone,
//     leaderRetries times.
//   - FindCoordinator itself is sent lookupAttempts times for a group whose
//     answer was a coordinator error (the offsets topic being created or
//     loaded) or a broken connection, with a backoff in between.
//
// Every wait is bounded (retryBackoff) and never outlives the command's
// deadline: when the wait would end past it, the policy gives up at once
// and the error the broker gave is reported, naming the group (or
// partition) and the broker.
const (
	coordMovedRetries   = 1
	coordLoadingRetries = 3
	leaderRetries       = 1
	lookupAttempts      = 3

	retryBackoffBase = 200 * time.Millisecond
	retryBackoffMax  = time.Second
)

// retryKind is what the policy does after an answer.
type retryKind int

const (
	noRetry      retryKind = iota
	coordMoved             // look the coordinator up again, then retry
	coordLoading           // wait, then retry at the same coordinator
)

// coordRetryKind classifies a coordinator's answer.
func coordRetryKind(err error) retryKind {
	switch {
	case err == nil:
		return noRetry
	case errors.Is(err, sarama.ErrNotCoordinatorForConsumer), errors.Is(err, sarama.ErrConsumerCoordinatorNotAvailable):
		return coordMoved
	case errors.Is(err, sarama.ErrOffsetsLoadInProgress):
		return coordLoading
	}
	return noRetry
}

// retriableCoordErr reports errors after which a coordinator request is
// worth another try (the coordinator moved, or is still loading).
func retriableCoordErr(err error) bool { return coordRetryKind(err) != noRetry }

// retriableLeaderErr reports errors that a metadata refresh may heal.
func retriableLeaderErr(err error) bool {
	return errors.Is(err, sarama.ErrNotLeaderForPartition) || errors.Is(err, sarama.ErrLeaderNotAvailable) ||
		errors.Is(err, sarama.ErrUnknownTopicOrPartition) || errors.Is(err, sarama.ErrFencedLeaderEpoch) ||
		errors.Is(err, sarama.ErrUnknownLeaderEpoch) || errors.Is(err, sarama.ErrOffsetNotAvailable)
}

// retryBackoff is the wait before the n-th retry (n ≥ 1): doubling from
// retryBackoffBase, at most retryBackoffMax.
func retryBackoff(n int) time.Duration {
	d := retryBackoffBase
	for i := 1; i < n && d < retryBackoffMax; i++ {
		d *= 2
	}
	return min(d, retryBackoffMax)
}

// errNoTimeToRetry: the backoff would end past the deadline, so the policy
// gives up now with the error it has.
var errNoTimeToRetry = errors.New("no time left to retry before the deadline")

// retryWait waits before the n-th retry, or returns errNoTimeToRetry at
// once when the wait would end past ctx's deadline (ctx's error when ctx
// ends meanwhile).
func retryWait(ctx context.Context, n int) error {
	d := retryBackoff(n)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
		return errNoTimeToRetry
	}
	return sleepCtx(ctx, d)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// coordStep is one per-coordinator step of a plan (describe, fetch offsets,
// commit, delete) that the policy sends again for the groups whose answer
// was a coordinator error.
type coordStep struct {
	groups []string
	// run sends the step for groups at coords (a group without a
	// coordinator there is skipped) and returns the groups whose answer
	// was a coordinator error, with that error. Its error stops the plan.
	run func(ctx context.Context, groups []string, coords map[string]Broker) (map[string]error, error)
	// lookupFailed records a group whose coordinator could not be looked
	// up again: it is not sent again.
	lookupFailed func(group string, err error)
	// gaveUp (optional) records a group still answering a coordinator
	// error (err) when the policy stops, with the reason to say.
	gaveUp func(group, reason string, err error)
}

// retryCoordinators runs steps, in parallel, at coords, then applies the
// policy until no group is left to retry: the groups of every step whose
// coordinator moved get one batched FindCoordinator round, the groups whose
// coordinator is loading a backoff, and each step is sent again, in
// parallel, for its own retried groups only. It returns the coordinators
// looked up again; coords is not changed. Its error is a step's or the
// lookup's error that stops the plan (the deadline).
func (a *Admin) retryCoordinators(ctx context.Context, coords map[string]Broker, steps ...*coordStep) (map[string]Broker, error) {
	found := map[string]Broker{}
	cur := coords
	type tries struct{ moved, loading int }
	count := make([]map[string]*tries, len(steps))
	for i := range steps {
		count[i] = map[string]*tries{}
	}
	groups := make([][]string, len(steps))
	for i, s := range steps {
		groups[i] = s.groups
	}
	for {
		pending, err := runSteps(ctx, steps, groups, cur)
		// What the policy allows next, per step.
		next := make([][]string, len(steps))
		var lookup []string
		loadingRound := 0
		for i, s := range steps {
			for _, g := range sortedKeys(pending[i]) {
				kind := coordRetryKind(pending[i][g])
				t := count[i][g]
				if t == nil {
					t = &tries{}
					count[i][g] = t
				}
				switch {
				case err != nil:
					if kind == coordMoved && t.moved >= coordMovedRetries || kind == coordLoading && t.loading >= coordLoadingRetries {
						s.giveUp(g, giveUpReason(kind, t.moved, t.loading), pending[i][g])
					}
					continue
				case kind == coordMoved && t.moved < coordMovedRetries:
					t.moved++
					lookup = append(lookup, g)
				case kind == coordLoading && t.loading < coordLoadingRetries:
					t.loading++
					loadingRound = max(loadingRound, t.loading)
				default:
					s.giveUp(g, giveUpReason(kind, t.moved, t.loading), pending[i][g])
					continue
				}
				next[i] = append(next[i], g)
			}
		}
		if err != nil {
			return found, err
		}
		if len(lookup) == 0 && loadingRound == 0 {
			return found, nil
		}
		if len(lookup) > 0 {
			lookup = uniqueSorted(lookup)
			a.logf("%d groups moved coordinator: looking them up again", len(lookup))
			c2, failed, err := a.FindCoordinators(ctx, lookup)
			if err != nil {
				return found, err
			}
			cur = maps.Clone(cur)
			for _, g := range lookup {
				if b, ok := c2[g]; ok {
					cur[g], found[g] = b, b
					continue
				}
				e := failed[g]
				if e == nil {
					e = fmt.Errorf("find the coordinator of group %q: no answer", g)
				}
				for i, s := range steps {
					if _, ok := pending[i][g]; ok && coordRetryKind(pending[i][g]) == coordMoved {
						s.lookupFailed(g, e)
						next[i] = without(next[i], g)
					}
				}
			}
		}
		if loadingRound > 0 {
			a.logf("coordinators loading: retrying in %v", retryBackoff(loadingRound))
			if err := retryWait(ctx, loadingRound); err != nil {
				if !errors.Is(err, errNoTimeToRetry) {
					return found, err
				}
				for i, s := range steps {
					for _, g := range next[i] {
						if coordRetryKind(pending[i][g]) == coordLoading {
							s.giveUp(g, errNoTimeToRetry.Error(), pending[i][g])
							next[i] = without(next[i], g)
						}
					}
				}
			}
		}
		groups = next
	}
}

// giveUp records the reason, when the step words one.
func (s *coordStep) giveUp(g, reason string, err error) {
	if s.gaveUp != nil {
		s.gaveUp(g, reason, err)
	}
}

// giveUpReason says why the policy stopped retrying a group.
func giveUpReason(kind retryKind, moved, loading int) string {
	switch kind {
	case coordMoved:
		if moved == 1 {
			return "the coordinator moved twice"
		}
		return fmt.Sprintf("the coordinator moved %d times", moved+1)
	case coordLoading:
		return fmt.Sprintf("the coordinator was still loading after %d attempts", moved+loading+1)
	}
	return "the coordinator did not answer for it"
}

// runSteps runs the steps that have groups, in parallel, and returns each
// step's groups to retry.
func runSteps(ctx context.Context, steps []*coordStep, groups [][]string, coords map[string]Broker) ([]map[string]error, error) {
	pending := make([]map[string]error, len(steps))
	var fns []func() error
	for i, s := range steps {
		if len(groups[i]) == 0 {
			continue
		}
		fns = append(fns, func() (err error) {
			pending[i], err = s.run(ctx, groups[i], coords)
			return err
		})
	}
	if len(fns) == 1 {
		return pending, fns[0]()
	}
	return pending, Parallel(fns...)
}

func sortedKeys(m map[string]error) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func without(gs []string, g string) []string {
	out := gs[:0:0]
	for _, x := range gs {
		if x != g {
			out = append(out, x)
		}
	}
	return out
}
