package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

func TestRetryPolicyClassifies(t *testing.T) {
	for _, tc := range []struct {
		err          error
		coord        retryKind
		leaderHealed bool
	}{
		{nil, noRetry, false},
		{sarama.ErrNotCoordinatorForConsumer, coordMoved, false},
		{fmt.Errorf("describe group %q on broker 2: %w", "g", sarama.ErrConsumerCoordinatorNotAvailable), coordMoved, false},
		{sarama.ErrOffsetsLoadInProgress, coordLoading, false},
		{sarama.ErrGroupAuthorizationFailed, noRetry, false},
		{sarama.ErrNotLeaderForPartition, noRetry, true},
		{fmt.Errorf("t[0]: %w", sarama.ErrFencedLeaderEpoch), noRetry, true},
		{sarama.ErrTopicAuthorizationFailed, noRetry, false},
	} {
		if got := coordRetryKind(tc.err); got != tc.coord {
			t.Errorf("coordRetryKind(%v) = %d, want %d", tc.err, got, tc.coord)
		}
		if got := retriableLeaderErr(tc.err); got != tc.leaderHealed {
			t.Errorf("retriableLeaderErr(%v) = %v", tc.err, got)
		}
	}
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}
	for i, w := range want {
		if got := retryBackoff(i + 1); got != w {
			t.Errorf("retryBackoff(%d) = %v, want %v", i+1, got, w)
		}
	}
}

// A backoff that would end past the deadline is not waited: the policy
// gives up at once, and the step's group says why.
func TestRetryPolicyNeverWaitsPastTheDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := retryWait(ctx, 1); !errors.Is(err, errNoTimeToRetry) || time.Since(start) > 50*time.Millisecond {
		t.Fatalf("retryWait = %v after %v", err, time.Since(start))
	}

	// A coordinator that keeps loading, 500 ms left: the first backoff
	// (200 ms) fits, the second (400 ms) does not.
	ctx, cancel = context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	var runs int
	var gaveUp string
	step := &coordStep{
		groups: []string{"g"},
		run: func(_ context.Context, gs []string, _ map[string]Broker) (map[string]error, error) {
			runs++
			return map[string]error{"g": fmt.Errorf("fetch offsets of group %q on broker 1: %w", "g", sarama.ErrOffsetsLoadInProgress)}, nil
		},
		lookupFailed: func(string, error) { t.Error("no lookup for a loading coordinator") },
		gaveUp:       func(g, reason string, err error) { gaveUp = fmt.Sprintf("%s: %s (%v)", g, reason, err) },
	}
	start = time.Now()
	found, err := (&Admin{}).retryCoordinators(ctx, map[string]Broker{"g": {ID: 1}}, step)
	took := time.Since(start)
	if err != nil || len(found) != 0 || runs != 2 {
		t.Fatalf("err %v, found %v, runs %d", err, found, runs)
	}
	if !strings.HasPrefix(gaveUp, `g: no time left to retry before the deadline (fetch offsets of group "g" on broker 1: `) {
		t.Errorf("gave up: %q", gaveUp)
	}
	if took < 200*time.Millisecond || took > 400*time.Millisecond {
		t.Errorf("took %v: want the first backoff only", took)
	}
}
