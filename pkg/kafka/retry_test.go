package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/offsets"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// retryCase is one coordinator behaviour the retry policy meets, with the
// requests it must cost.
type retryCase struct {
	name  string
	fault func(c *sandbox.Cluster, key kmsg.Key, group string) func() // installs the behaviour, returns its removal
	// extra requests beyond a plan without faults: FindCoordinator
	// rounds, and sends of the faulted step
	lookups, sends int
	// errWant: the group's error after the policy gave up ("": none);
	// %d is the coordinator.
	errWant string
	// minTime: the backoffs the policy must have waited.
	minTime time.Duration
}

// retryCases are the cases of a step whose error, when the policy gives up,
// starts with moved or loading (%d: the coordinator).
func retryCases(moved, loading string) []retryCase {
	return []retryCase{
		{
			name: "not coordinator once",
			fault: func(c *sandbox.Cluster, key kmsg.Key, group string) func() {
				// One answer NOT_COORDINATOR, as a coordinator that just
				// handed the group over.
				c.Kfake.ControlKey(int16(key), func(kr kmsg.Request) (kmsg.Response, error, bool) {
					c.Kfake.DropControl()
					return notCoordinator(kr, kerr.NotCoordinator.Code), nil, true
				})
				return func() {}
			},
			lookups: 1, sends: 1,
		},
		{
			name: "loading twice",
			fault: func(c *sandbox.Cluster, key kmsg.Key, group string) func() {
				f := c.Kfake.Fault(kfake.Fault{Keys: []kmsg.Key{key}, Group: group, Err: kerr.CoordinatorLoadInProgress, Count: 2})
				return f.Remove
			},
			sends: 2, minTime: 600 * time.Millisecond, // 200 ms, then 400 ms
		},
		{
			name: "not coordinator forever",
			fault: func(c *sandbox.Cluster, key kmsg.Key, group string) func() {
				f := c.Kfake.Fault(kfake.Fault{Keys: []kmsg.Key{key}, Group: group, Err: kerr.NotCoordinator, Count: -1})
				return f.Remove
			},
			lookups: 1, sends: 1,
			errWant: moved,
		},
		{
			name: "loading forever",
			fault: func(c *sandbox.Cluster, key kmsg.Key, group string) func() {
				f := c.Kfake.Fault(kfake.Fault{Keys: []kmsg.Key{key}, Group: group, Err: kerr.CoordinatorLoadInProgress, Count: -1})
				return f.Remove
			},
			sends:   3,
			errWant: loading,
			minTime: 1400 * time.Millisecond, // 200 + 400 + 800 ms
		},
	}
}

// notCoordinator answers an OffsetFetch or OffsetCommit with err for every
// group and partition it carries.
func notCoordinator(kr kmsg.Request, code int16) kmsg.Response {
	switch req := kr.(type) {
	case *kmsg.OffsetFetchRequest:
		resp := req.ResponseKind().(*kmsg.OffsetFetchResponse)
		for _, g := range req.Groups {
			rg := kmsg.NewOffsetFetchResponseGroup()
			rg.Group, rg.ErrorCode = g.Group, code
			resp.Groups = append(resp.Groups, rg)
		}
		return resp
	case *kmsg.OffsetCommitRequest:
		resp := req.ResponseKind().(*kmsg.OffsetCommitResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewOffsetCommitResponseTopic()
			st.Topic = rt.Topic
			for _, rp := range rt.Partitions {
				sp := kmsg.NewOffsetCommitResponseTopicPartition()
				sp.Partition, sp.ErrorCode = rp.Partition, code
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp
	}
	panic(fmt.Sprintf("notCoordinator: %T", kr))
}

// The retry policy as lag describe meets it: the offsets of a named group
// at a coordinator that moved once (one more FindCoordinator and
// OffsetFetch), that loads twice (two more OffsetFetch after backoffs, no
// lookup), that keeps moving (given up after one lookup and one retry) or
// keeps loading (given up after three retries), within the deadline, with
// an error naming the group and the broker.
func TestRetryPolicyLag(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	seedLag(t, c)
	a := testkit.Admin(t, testkit.Settings(c))
	coord := c.Kfake.CoordinatorFor("g1")
	leaders := leaderCount(c, "t", 4)
	for _, tc := range retryCases(`fetch offsets of group "g1": the coordinator moved twice (fetch offsets of group "g1" on broker %d: `,
		`fetch offsets of group "g1": the coordinator was still loading after 4 attempts (fetch offsets of group "g1" on broker %d: `) {
		remove := tc.fault(c, kmsg.OffsetFetch, "g1")
		c.Counter.Reset()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		start := time.Now()
		res, err := a.Lag(ctx, kafka.LagQuery{Groups: []string{"g1"}})
		took := time.Since(start)
		cancel()
		remove()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		counts := c.Counter.Counts()
		want := map[string]int{"FindCoordinator": 1 + tc.lookups, "OffsetFetch": 1 + tc.sends, "DescribeGroups": 1, "ListOffsets": leaders}
		for k, v := range want {
			if counts[k] != v {
				t.Errorf("%s: %s requests = %d, want %d (all: %v)", tc.name, k, counts[k], v, counts)
			}
		}
		if total := c.Counter.Total(); total != 3+tc.lookups+tc.sends+leaders {
			t.Errorf("%s: requests = %d (%v)", tc.name, total, counts)
		}
		g := res.Groups[0]
		switch {
		case tc.errWant == "":
			if g.Err != nil || g.Committed[tp{Topic: "t", Partition: 0}] != 4 || g.End[tp{Topic: "t", Partition: 0}].Offset != 10 {
				t.Errorf("%s: g1 = %+v", tc.name, g)
			}
		case g.Err == nil || !strings.HasPrefix(g.Err.Error(), fmt.Sprintf(tc.errWant, coord)):
			t.Errorf("%s: error %v, want %q", tc.name, g.Err, fmt.Sprintf(tc.errWant, coord))
		case !errors.Is(g.Err, sarama.ErrNotCoordinatorForConsumer) && !errors.Is(g.Err, sarama.ErrOffsetsLoadInProgress):
			t.Errorf("%s: error %v does not wrap the broker's", tc.name, g.Err)
		}
		if took < tc.minTime || took > tc.minTime+3*time.Second {
			t.Errorf("%s: took %v, want the backoffs (%v) and no more than the requests", tc.name, took, tc.minTime)
		}
	}
}

// The retry policy as offsets reset --execute meets it (ApplyResets): the
// commit at a coordinator that moved once, loads twice, keeps moving or
// keeps loading. Re-check and read-back are one request each; a commit
// that was given up on is still read back (it was sent) and not verified.
func TestRetryPolicyResetExecute(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	a := testkit.Admin(t, testkit.Settings(c))
	for i, tc := range retryCases(`t[0]: the coordinator moved twice (broker %d: `, `t[0]: the coordinator was still loading after 4 attempts (broker %d: `) {
		if err := c.Commit(ctx, "g", "t", map[int32]int64{0: 1, 1: 1}); err != nil {
			t.Fatal(err)
		}
		at, failed, err := a.LocateGroups(ctx, []string{"g"})
		if err != nil || len(failed) > 0 {
			t.Fatal(err, failed)
		}
		coord := at.Coordinators["g"].ID
		to := int64(i + 2)
		plan := offsets.GroupPlan{Group: "g", Partitions: []offsets.PartitionPlan{{TP: offsets.TP{Topic: "t", Partition: 0}, New: to}, {TP: offsets.TP{Topic: "t", Partition: 1}, New: to}}}
		remove := tc.fault(c, kmsg.OffsetCommit, "g")
		c.Counter.Reset()
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		start := time.Now()
		out := a.ApplyResets(dctx, at, []offsets.GroupPlan{plan}, nil)
		took := time.Since(start)
		cancel()
		remove()
		counts := c.Counter.Counts()
		want := map[string]int{"DescribeGroups": 1, "FindCoordinator": tc.lookups, "OffsetCommit": 1 + tc.sends, "OffsetFetch": 1}
		for k, v := range want {
			if counts[k] != v {
				t.Errorf("%s: %s requests = %d, want %d (all: %v)", tc.name, k, counts[k], v, counts)
			}
		}
		if total := c.Counter.Total(); total != 3+tc.lookups+tc.sends {
			t.Errorf("%s: requests = %d (%v)", tc.name, total, counts)
		}
		r := out[0]
		if tc.errWant == "" {
			if r.Err != nil || !r.Sent || r.Verified != 2 {
				t.Errorf("%s: %+v", tc.name, r)
			}
			if got := readCommitted(t, c, "g"); got[tp{Topic: "t", Partition: 0}] != to || got[tp{Topic: "t", Partition: 1}] != to {
				t.Errorf("%s: committed %v, want %d", tc.name, got, to)
			}
		} else {
			var pe *offsets.PartialCommitError
			msg := fmt.Sprintf(tc.errWant, coord)
			if !errors.As(r.Err, &pe) || !r.Sent || r.Verified != 0 || len(pe.Errors) != 2 {
				t.Errorf("%s: %+v", tc.name, r)
			} else if e := pe.Errors[offsets.TP{Topic: "t", Partition: 0}]; !strings.HasPrefix(e.Error(), msg) {
				t.Errorf("%s: t[0] error %v, want %q", tc.name, e, msg)
			}
			if got := readCommitted(t, c, "g"); got[tp{Topic: "t", Partition: 0}] != 1 {
				t.Errorf("%s: committed %v although every answer refused it", tc.name, got)
			}
		}
		if took < tc.minTime || took > tc.minTime+3*time.Second {
			t.Errorf("%s: took %v, want the backoffs (%v) and no more than the requests", tc.name, took, tc.minTime)
		}
	}
}
