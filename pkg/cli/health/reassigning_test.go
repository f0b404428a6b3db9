package health_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/kafka/kafkatest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// The under-replicated check counts as kafka-topics.sh
// --under-replicated-partitions does: a partition being reassigned is held
// against its replicas less the ones being added. moving/0 (moved 0,1 ->
// 1,2, old replicas in sync) is not under-replicated during its move,
// moving/1 (moved 1,0 -> 2,1, only 1 in sync) is, steady/0 lost a replica
// without any move.
func TestUnderReplicatedDuringReassignment(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	for _, name := range []string{"moving", "steady"} {
		if err := c.CreateTopic(context.Background(), name, 1, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	kafkatest.Layout(t, c, nil, []kafkatest.Part{
		{Topic: "moving", Partition: 0, Leader: 1, Replicas: []int32{1, 2, 0}, ISR: []int32{1, 0}},
		{Topic: "moving", Partition: 1, Leader: 1, Replicas: []int32{2, 1, 0}, ISR: []int32{1}},
		{Topic: "moving", Partition: 2, Leader: 0, Replicas: []int32{0, 1, 2}, ISR: []int32{0, 1, 2}},
		{Topic: "steady", Partition: 0, Leader: 0, Replicas: []int32{0, 1}, ISR: []int32{0}},
	})
	urp := func(args ...string) (line string, details []string, requests map[string]int) {
		t.Helper()
		c.Counter.Reset()
		r := run(t, on(c, "10s", append([]string{"--checks", "under-replicated", "--format", "nagios"}, args...)...)...)
		if r.Code != 1 {
			t.Fatalf("exit %d %s %s", r.Code, r.Stdout, r.Stderr)
		}
		requests = c.Counter.Counts()
		r = run(t, on(c, "10s", "--checks", "under-replicated", "--format", "json")...)
		for _, ch := range parseJSON(t, r.Stdout).Checks {
			if ch.Name == "under-replicated" {
				details = ch.Details
			}
		}
		return r.Stdout, details, requests
	}
	nagios := func() string {
		t.Helper()
		return run(t, on(c, "10s", "--checks", "under-replicated", "--format", "nagios")...).Stdout
	}

	// kfake lists no reassignment: every replica counts.
	_, details, requests := urp()
	if want := []string{"moving[0] isr 2 of 3 replicas", "moving[1] isr 1 of 3 replicas", "steady[0] isr 1 of 2 replicas"}; !reflect.DeepEqual(details, want) {
		t.Errorf("no move: %q, want %q", details, want)
	}
	// The connect-time Metadata, the visibility probe, one
	// ListPartitionReassignments about the 3 partitions with a short ISR.
	if want := map[string]int{"Metadata": 2, "ListPartitionReassignments": 1}; !reflect.DeepEqual(requests, want) {
		t.Errorf("requests %v, want %v", requests, want)
	}
	if got, want := nagios(), "KAFKA WARNING - 3 under-replicated; 2 topics, 4 partitions checked | urp=3;0\n"; got != want {
		t.Errorf("nagios %q, want %q", got, want)
	}

	mv := kafkatest.Reassigning(t, c, []kafkatest.Move{
		{Topic: "moving", Partition: 0, Replicas: []int32{1, 2, 0}, Adding: []int32{2}, Removing: []int32{0}},
		{Topic: "moving", Partition: 1, Replicas: []int32{2, 1, 0}, Adding: []int32{2}, Removing: []int32{0}},
	})
	_, details, requests = urp()
	if want := []string{"moving[1] isr 1 of 2 replicas (reassigning: 3 replicas, adding 2)", "steady[0] isr 1 of 2 replicas"}; !reflect.DeepEqual(details, want) {
		t.Errorf("moving: %q, want %q", details, want)
	}
	if want := map[string]int{"Metadata": 2, "ListPartitionReassignments": 1}; !reflect.DeepEqual(requests, want) {
		t.Errorf("requests %v, want %v", requests, want)
	}
	if got, want := nagios(), "KAFKA WARNING - 2 under-replicated; 2 topics, 4 partitions checked | urp=2;0\n"; got != want {
		t.Errorf("nagios %q, want %q", got, want)
	}
	for _, asked := range mv.Asked() {
		if want := []string{"moving/0", "moving/1", "steady/0"}; !reflect.DeepEqual(asked, want) {
			t.Errorf("asked %v, want %v", asked, want)
		}
	}

	// Checks that do not count under-replicated partitions ask nothing.
	c.Counter.Reset()
	before := len(mv.Asked())
	r := run(t, on(c, "10s", "--checks", "offline-partitions,under-min-isr,at-min-isr", "--format", "nagios")...)
	if got := c.Counter.Counts(); got["ListPartitionReassignments"] != 0 || len(mv.Asked()) != before || r.Code != 1 {
		t.Errorf("requests %v, exit %d %s", got, r.Code, r.Stdout)
	}

	// Not allowed to list reassignments: every replica counts, as
	// kafka-topics.sh does, nothing said.
	mv.Fail(31) // CLUSTER_AUTHORIZATION_FAILED
	if got, want := nagios(), "KAFKA WARNING - 3 under-replicated; 2 topics, 4 partitions checked | urp=3;0\n"; got != want {
		t.Errorf("not authorized: nagios %q, want %q", got, want)
	}
	// Any other failure: the count is an upper bound, and says so.
	mv.Fail(-1)
	if got, want := nagios(), "KAFKA WARNING - 3 under-replicated (reassignments unknown: partitions being moved may be counted); 2 topics, 4 partitions checked | urp=3;0\n"; got != want {
		t.Errorf("server error: nagios %q, want %q", got, want)
	}
	_, details, _ = urp()
	if n := len(details); n != 4 || !strings.Contains(details[3], "list partition reassignments: ") {
		t.Errorf("server error: details %q", details)
	}
}

// A healthy cluster: the under-replicated check sends no
// ListPartitionReassignments (TestRequestPlan holds the whole plan).
func TestUnderReplicatedHealthyAsksNoReassignments(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	if err := c.CreateTopic(context.Background(), "t", 6, 3, nil); err != nil {
		t.Fatal(err)
	}
	mv := kafkatest.Reassigning(t, c, nil)
	c.Counter.Reset()
	r := run(t, on(c, "10s", "--checks", "under-replicated", "--format", "nagios")...)
	if r.Code != 0 || c.Counter.Counts()["ListPartitionReassignments"] != 0 || len(mv.Asked()) != 0 {
		t.Errorf("exit %d %q, requests %v", r.Code, r.Stdout, c.Counter.Counts())
	}
}
