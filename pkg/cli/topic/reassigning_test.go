package topic_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/topic"
	"github.com/kctl-dev/kctl/pkg/kafka/kafkatest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// movingLayout is a cluster of three live brokers (controller 2) where
// (min.insync.replicas 2) moving/0 is being moved 0,1 -> 1,2 with its old replicas in sync,
// moving/1 is being moved 1,0 -> 2,1 with only 1 in sync, moving/2 is
// healthy and steady/0 lost a replica without any move.
func movingLayout(t *testing.T) *sandbox.Cluster {
	t.Helper()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "moving", 1, 1, map[string]string{"min.insync.replicas": "2"}); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateTopic(ctx, "steady", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	kafkatest.Layout(t, c, nil, []kafkatest.Part{
		{Topic: "moving", Partition: 0, Leader: 1, Replicas: ids(1, 2, 0), ISR: ids(1, 0)},
		{Topic: "moving", Partition: 1, Leader: 1, Replicas: ids(2, 1, 0), ISR: ids(1)},
		{Topic: "moving", Partition: 2, Leader: 0, Replicas: ids(0, 1, 2), ISR: ids(0, 1, 2)},
		{Topic: "steady", Partition: 0, Leader: 0, Replicas: ids(0, 1), ISR: ids(0)},
	})
	return c
}

var movingMoves = []kafkatest.Move{
	{Topic: "moving", Partition: 0, Replicas: ids(1, 2, 0), Adding: ids(2), Removing: ids(0)},
	{Topic: "moving", Partition: 1, Replicas: ids(2, 1, 0), Adding: ids(2), Removing: ids(0)},
}

// kafka-topics.sh --under-replicated-partitions holds the ISR against the
// replicas less those a reassignment is adding: moving/0 (old replicas in
// sync) is not under-replicated during its move, moving/1 (an old replica
// out) still is. kctl asks the controller once, about the partitions whose
// ISR is short only.
func TestDescribeUnderReplicatedDuringReassignment(t *testing.T) {
	c := movingLayout(t)
	const header = "TOPIC   PARTITION  LEADER  REPLICAS  ISR  OFFLINE-REPLICAS  STATUS\n"

	// kfake lists no reassignment: every replica counts.
	r := kctl(t, c, "topic", "describe", "--under-replicated-partitions")
	want := header +
		"moving  0          1       1,2,0     1,0  -                 under-replicated,at-min-isr\n" +
		"moving  1          1       2,1,0     1    -                 under-min-isr,under-replicated,leader-not-preferred\n" +
		"steady  0          0       0,1       0    -                 under-replicated,at-min-isr\n"
	if r.Code != 0 || r.Stdout != want || r.Stderr != "" {
		t.Errorf("no move: exit %d\n%s\nwant\n%s\nstderr %s", r.Code, r.Stdout, want, r.Stderr)
	}

	mv := kafkatest.Reassigning(t, c, movingMoves)
	r = kctl(t, c, "topic", "describe", "--under-replicated-partitions")
	want = header +
		"moving  1          1       2,1,0     1    -                 under-min-isr,under-replicated,leader-not-preferred\n" +
		"steady  0          0       0,1       0    -                 under-replicated,at-min-isr\n"
	if r.Code != 0 || r.Stdout != want || r.Stderr != "" {
		t.Errorf("moving: exit %d\n%s\nwant\n%s\nstderr %s", r.Code, r.Stdout, want, r.Stderr)
	}
	if got, want := mv.Asked(), [][]string{{"moving/0", "moving/1", "steady/0"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("ListPartitionReassignments asked %v, want %v", got, want)
	}

	// JSON: underReplicated follows the same rule.
	got := describeURP(t, c, "--under-replicated-partitions", "--leader-not-preferred")
	if want := map[string]bool{"moving/1": true, "steady/0": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("json %v, want %v", got, want)
	}
	// Several filters: moving/0, at min ISR, is listed, not under-replicated.
	got = describeURP(t, c, "--under-replicated-partitions", "--at-min-isr-partitions")
	if want := map[string]bool{"moving/0": false, "moving/1": true, "steady/0": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("json with --at-min-isr-partitions %v, want %v", got, want)
	}

	// Topic names narrow what is asked.
	r = kctl(t, c, "topic", "describe", "moving", "--under-replicated-partitions", "--no-headers")
	if want := "moving  1  1  2,1,0  1  -  under-min-isr,under-replicated,leader-not-preferred\n"; r.Code != 0 || r.Stdout != want {
		t.Errorf("describe moving: exit %d %q", r.Code, r.Stdout)
	}
	if got := mv.Asked(); len(got) != 4 || !reflect.DeepEqual(got[3], []string{"moving/0", "moving/1"}) {
		t.Errorf("asked %v", got)
	}

	// Without --under-replicated-partitions nothing is asked, and every
	// replica counts (plain describe stays at one Metadata request).
	before := len(mv.Asked())
	got = describeURP(t, c)
	if want := map[string]bool{"moving/0": true, "moving/1": true, "moving/2": false, "steady/0": true}; !reflect.DeepEqual(got, want) || len(mv.Asked()) != before {
		t.Errorf("plain describe %v, asked %v", got, mv.Asked())
	}
	got = describeURP(t, c, "--under-min-isr-partitions", "--at-min-isr-partitions")
	if want := map[string]bool{"moving/0": true, "moving/1": true, "steady/0": true}; !reflect.DeepEqual(got, want) || len(mv.Asked()) != before {
		t.Errorf("min ISR filters %v, asked %v", got, mv.Asked())
	}
}

// describeURP runs describe -o json and returns underReplicated by
// "topic/partition".
func describeURP(t *testing.T, c *sandbox.Cluster, args ...string) map[string]bool {
	t.Helper()
	r := kctl(t, c, append([]string{"topic", "describe", "-o", "json"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("describe %v: exit %d %s", args, r.Code, r.Stderr)
	}
	var v topic.DescribeView
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, tv := range v.Topics {
		for _, p := range tv.Partitions {
			out[fmt.Sprintf("%s/%d", tv.Name, p.Partition)] = p.UnderReplicated
		}
	}
	return out
}

// A cluster that will not list reassignments to this principal
// (CLUSTER_AUTHORIZATION_FAILED) is what kafka-topics.sh accepts silently:
// every replica counts, a note says why. Any other failure also prints
// the rows, with a warning and the partial-failure exit code.
func TestDescribeUnderReplicatedReassignmentsUnknown(t *testing.T) {
	c := movingLayout(t)
	mv := kafkatest.Reassigning(t, c, movingMoves)
	const rows = "moving  0  1  1,2,0  1,0  -  under-replicated,at-min-isr\n" +
		"moving  1  1  2,1,0  1    -  under-min-isr,under-replicated,leader-not-preferred\n" +
		"steady  0  0  0,1    0    -  under-replicated,at-min-isr\n"

	mv.Fail(31) // CLUSTER_AUTHORIZATION_FAILED
	r := kctl(t, c, "topic", "describe", "--under-replicated-partitions", "--no-headers")
	if r.Code != 0 || r.Stdout != rows || r.Stderr != "Note: the cluster does not list partition reassignments to this client: list partition reassignments: "+
		"The client is not authorized to send this request type (CLUSTER_AUTHORIZATION_FAILED); partitions being reassigned count the replicas they are adding as missing\n" {
		t.Errorf("not authorized: exit %d\n%s\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}

	mv.Fail(-1) // UNKNOWN_SERVER_ERROR
	r = kctl(t, c, "topic", "describe", "--under-replicated-partitions", "--no-headers")
	if r.Code != 1 || r.Stdout != rows || r.Stderr != "Warning: list partition reassignments: Unexpected (unknown?) server error (error code -1); "+
		"partitions being reassigned count the replicas they are adding as missing\nError: partition reassignments unknown (see above)\n" {
		t.Errorf("server error: exit %d\n%s\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// The request budget with candidates: Metadata, then DescribeConfigs and
// one ListPartitionReassignments in the same round trip (each is held
// until the other has arrived). Plain describe sends the Metadata alone.
func TestDescribeUnderReplicatedRequests(t *testing.T) {
	c := movingLayout(t)
	met := together(t, c, kmsg.DescribeConfigs, kmsg.ListPartitionReassignments)
	kafkatest.Reassigning(t, c, movingMoves)
	run := func(o *topic.DescribeOptions) map[string]int {
		t.Helper()
		c.Counter.Reset()
		f, io := testkit.Factory(t, testkit.Settings(c), "")
		o.F = f
		if _, err := f.Admin(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := topic.RunDescribe(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if io.Out.Len() == 0 {
			t.Error("no output")
		}
		return c.Counter.Counts()
	}
	got := run(&topic.DescribeOptions{Filter: topics.Filter{UnderReplicated: true}})
	if want := map[string]int{"Metadata": 1, "DescribeConfigs": 1, "ListPartitionReassignments": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("--under-replicated-partitions: %v, want %v", got, want)
	}
	if !met() {
		t.Error("DescribeConfigs and ListPartitionReassignments were not sent together")
	}
	got = run(&topic.DescribeOptions{})
	if want := map[string]int{"Metadata": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("describe: %v, want %v", got, want)
	}
}

// together holds each request of API a or b until one of the other has
// arrived (at most 5 s); met reports whether every one found its pair.
func together(t *testing.T, c *sandbox.Cluster, a, b kmsg.Key) (met func() bool) {
	t.Helper()
	var mu sync.Mutex
	arrived := map[kmsg.Key]chan struct{}{a: make(chan struct{}), b: make(chan struct{})}
	ok := true
	for _, k := range []kmsg.Key{a, b} {
		other := a
		if k == a {
			other = b
		}
		c.Kfake.ControlKey(int16(k), func(kmsg.Request) (kmsg.Response, error, bool) {
			c.Kfake.KeepControl()
			mu.Lock()
			select {
			case <-arrived[k]:
			default:
				close(arrived[k])
			}
			wait := arrived[other]
			mu.Unlock()
			c.Kfake.SleepControl(func() {
				select {
				case <-wait:
				case <-time.After(5 * time.Second):
					mu.Lock()
					ok = false
					mu.Unlock()
				}
			})
			return nil, nil, false
		})
	}
	return func() bool {
		mu.Lock()
		defer mu.Unlock()
		return ok
	}
}

// On a healthy cluster --under-replicated-partitions asks nothing beyond
// the Metadata: no partition has a short ISR.
func TestDescribeUnderReplicatedHealthyClusterAsksNothing(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	if err := c.CreateTopic(context.Background(), "t", 6, 3, nil); err != nil {
		t.Fatal(err)
	}
	mv := kafkatest.Reassigning(t, c, nil)
	c.Counter.Reset()
	f, io := testkit.Factory(t, testkit.Settings(c), "")
	if _, err := f.Admin(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := topic.RunDescribe(context.Background(), &topic.DescribeOptions{F: f, Filter: topics.Filter{UnderReplicated: true}}); err != nil {
		t.Fatal(err)
	}
	if got := c.Counter.Counts(); !reflect.DeepEqual(got, map[string]int{"Metadata": 1}) || len(mv.Asked()) != 0 {
		t.Errorf("requests %v, asked %v", got, mv.Asked())
	}
	if s := io.ErrOut.String(); s != "No partitions match.\n" {
		t.Errorf("stderr %q", s)
	}
}
