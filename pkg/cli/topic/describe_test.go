package topic_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/cli/topic"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// kctl runs the whole CLI against c.
func kctl(t *testing.T, c *sandbox.Cluster, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, "", append([]string{"--brokers", c.Bootstrap(), "--timeout", "10s"}, args...)...)
}

// troubled is a cluster whose Metadata shows every replica state: broker 2
// is dead (absent from the broker list), "inherit" takes
// min.insync.replicas=2 from the broker default, "override" sets 1.
func troubled(t *testing.T) *sandbox.Cluster {
	t.Helper()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true, BrokerConfigs: map[string]string{"min.insync.replicas": "2"}})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "inherit", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateTopic(ctx, "override", 1, 1, map[string]string{"min.insync.replicas": "1"}); err != nil {
		t.Fatal(err)
	}
	craft(t, c, []cbroker{{id: 0}, {id: 1}}, []ctopic{
		{name: "inherit", parts: []cpart{
			{leader: 0, replicas: ids(0, 1, 2), isr: ids(0, 1, 2)},            // p0 healthy
			{leader: 0, replicas: ids(0, 1, 2), isr: ids(0, 1)},               // p1 under-replicated, at min ISR
			{leader: 1, replicas: ids(1, 0, 2), isr: ids(1)},                  // p2 under min ISR
			{leader: -1, replicas: ids(2, 0, 1), isr: ids(), offline: ids(2)}, // p3 no leader
			{leader: 2, replicas: ids(2, 0, 1), isr: ids(2, 0, 1)},            // p4 dead leader: no leader, as Kafka's tool says
			{leader: 1, replicas: ids(0, 1, 2), isr: ids(0, 1, 2)},            // p5 not preferred
		}},
		{name: "override", parts: []cpart{
			{leader: 0, replicas: ids(0, 1), isr: ids(0)},    // p0 under-replicated, at min ISR 1
			{leader: 1, replicas: ids(1, 0), isr: ids(1, 0)}, // p1 healthy
		}},
	})
	return c
}

// matches runs describe with filters and returns "topic/partition" of
// every partition in the JSON answer.
func matches(t *testing.T, c *sandbox.Cluster, args ...string) []string {
	t.Helper()
	r := kctl(t, c, append([]string{"topic", "describe", "-o", "json"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("describe %v: exit %d, stderr %s", args, r.Code, r.Stderr)
	}
	var v topic.DescribeView
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("bad json: %v\n%s", err, r.Stdout)
	}
	var out []string
	for _, tv := range v.Topics {
		for _, p := range tv.Partitions {
			out = append(out, fmt.Sprintf("%s/%d", tv.Name, p.Partition))
		}
	}
	return out
}

func TestDescribeFiltersReturnExactlyTheTroubledPartitions(t *testing.T) {
	c := troubled(t)
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--under-replicated-partitions"}, []string{"inherit/1", "inherit/2", "inherit/3", "override/0"}},
		// inherit/4's leader is no live broker: Kafka's Admin client makes
		// that no leader, so kafka-topics.sh counts it under min ISR.
		{[]string{"--under-min-isr-partitions"}, []string{"inherit/2", "inherit/3", "inherit/4"}},
		{[]string{"--at-min-isr-partitions"}, []string{"inherit/1", "override/0"}},
		{[]string{"--unavailable-partitions"}, []string{"inherit/3", "inherit/4"}},
		{[]string{"--leader-not-preferred"}, []string{"inherit/3", "inherit/4", "inherit/5"}},
		// Several filters: partitions matching any of them.
		{[]string{"--under-replicated-partitions", "--unavailable-partitions"}, []string{"inherit/1", "inherit/2", "inherit/3", "inherit/4", "override/0"}},
		// With topic names: only those topics.
		{[]string{"override", "--under-replicated-partitions"}, []string{"override/0"}},
		{[]string{"--pattern", "over.*", "--at-min-isr-partitions"}, []string{"override/0"}},
		{[]string{"--pattern", "over", "--at-min-isr-partitions"}, nil},
		{nil, []string{"inherit/0", "inherit/1", "inherit/2", "inherit/3", "inherit/4", "inherit/5", "override/0", "override/1"}},
	}
	for _, tc := range cases {
		if got := matches(t, c, tc.args...); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("describe %v = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestDescribeJSONExact(t *testing.T) {
	c := troubled(t)
	r := kctl(t, c, "topic", "describe", "--under-min-isr-partitions", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	want := `{
  "topics": [
    {
      "name": "inherit",
      "topicId": "AAAAAAAAAAAAAAAAAAAAAQ",
      "internal": false,
      "partitionCount": 6,
      "replicationFactor": 3,
      "configs": null,
      "partitions": [
        {
          "partition": 2,
          "leader": 1,
          "replicas": [
            1,
            0,
            2
          ],
          "isr": [
            1
          ],
          "offlineReplicas": [],
          "logStartOffset": null,
          "logEndOffset": null,
          "underReplicated": true,
          "underMinIsr": true,
          "atMinIsr": false,
          "unavailable": false
        },
        {
          "partition": 3,
          "leader": -1,
          "replicas": [
            2,
            0,
            1
          ],
          "isr": [],
          "offlineReplicas": [
            2
          ],
          "logStartOffset": null,
          "logEndOffset": null,
          "underReplicated": true,
          "underMinIsr": true,
          "atMinIsr": false,
          "unavailable": true
        },
        {
          "partition": 4,
          "leader": -1,
          "replicas": [
            2,
            0,
            1
          ],
          "isr": [
            2,
            0,
            1
          ],
          "offlineReplicas": [],
          "logStartOffset": null,
          "logEndOffset": null,
          "underReplicated": false,
          "underMinIsr": true,
          "atMinIsr": false,
          "unavailable": true
        }
      ]
    }
  ]
}
`
	if r.Stdout != want {
		t.Errorf("json:\n%s\nwant:\n%s", r.Stdout, want)
	}
	// --configs adds the non-default configs (the broker-level 2 the
	// topic inherits); nothing else changes.
	r = kctl(t, c, "topic", "describe", "--under-min-isr-partitions", "--configs", "-o", "json")
	wantCfg := strings.Replace(want, `"configs": null,`, "\"configs\": {\n        \"min.insync.replicas\": \"2\"\n      },", 1)
	if r.Code != 0 || r.Stdout != wantCfg {
		t.Errorf("exit %d json:\n%s\nwant:\n%s", r.Code, r.Stdout, wantCfg)
	}
}

func TestDescribeTableExact(t *testing.T) {
	c := troubled(t)
	r := kctl(t, c, "topic", "describe", "override")
	want := "Topic: override\tTopicId: AAAAAAAAAAAAAAAAAAAAAg\tPartitionCount: 2\tReplicationFactor: 2\n" +
		"TOPIC     PARTITION  LEADER  REPLICAS  ISR  OFFLINE-REPLICAS  STATUS\n" +
		"override  0          0       0,1       0    -                 under-replicated\n" +
		"override  1          1       1,0       1,0  -                 ok\n"
	if r.Code != 0 || r.Stdout != want {
		t.Errorf("exit %d\n%s\nwant\n%s\nstderr %s", r.Code, r.Stdout, want, r.Stderr)
	}
	// Filters print one table of matching partitions, no topic headers.
	r = kctl(t, c, "topic", "describe", "--unavailable-partitions")
	want = "TOPIC    PARTITION  LEADER  REPLICAS  ISR    OFFLINE-REPLICAS  STATUS\n" +
		"inherit  3          none    2,0,1     -      2                 unavailable,under-min-isr,under-replicated,leader-not-preferred\n" +
		"inherit  4          none    2,0,1     2,0,1  -                 unavailable,under-min-isr,leader-not-preferred\n"
	if r.Code != 0 || r.Stdout != want {
		t.Errorf("exit %d\n%s\nwant\n%s\nstderr %s", r.Code, r.Stdout, want, r.Stderr)
	}
	// --configs shows non-default configs and min ISR status.
	r = kctl(t, c, "topic", "describe", "override", "--configs")
	want = "Topic: override\tTopicId: AAAAAAAAAAAAAAAAAAAAAg\tPartitionCount: 2\tReplicationFactor: 2\tConfigs: min.insync.replicas=1\n" +
		"TOPIC     PARTITION  LEADER  REPLICAS  ISR  OFFLINE-REPLICAS  STATUS\n" +
		"override  0          0       0,1       0    -                 under-replicated,at-min-isr\n" +
		"override  1          1       1,0       1,0  -                 ok\n"
	if r.Code != 0 || r.Stdout != want {
		t.Errorf("exit %d\n%s\nwant\n%s\nstderr %s", r.Code, r.Stdout, want, r.Stderr)
	}
}

// Budget: one Metadata request for the whole command (connect's answer is
// the description); a filter adds exactly one DescribeConfigs.
func TestDescribeRequestBudget(t *testing.T) {
	c := troubled(t)
	run := func(o *topic.DescribeOptions) map[string]int {
		c.Counter.Reset()
		f, _ := testkit.Factory(t, testkit.Settings(c), "json")
		o.F = f
		if _, err := f.Admin(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := topic.RunDescribe(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		return c.Counter.Counts()
	}
	if got := run(&topic.DescribeOptions{}); !reflect.DeepEqual(got, map[string]int{"Metadata": 1}) {
		t.Errorf("describe: %v", got)
	}
	for _, f := range []topics.Filter{{UnderMinISR: true}, {AtMinISR: true, Unavailable: true, LeaderNotPreferred: true}} {
		if got := run(&topic.DescribeOptions{Filter: f}); !reflect.DeepEqual(got, map[string]int{"Metadata": 1, "DescribeConfigs": 1}) {
			t.Errorf("describe %+v: %v", f, got)
		}
	}
	// --under-replicated-partitions with partitions whose ISR is short:
	// one ListPartitionReassignments asks the controller whether they are
	// being reassigned (kafka-topics.sh does not count adding replicas).
	if got := run(&topic.DescribeOptions{Filter: topics.Filter{UnderReplicated: true}}); !reflect.DeepEqual(got, map[string]int{"Metadata": 1, "DescribeConfigs": 1, "ListPartitionReassignments": 1}) {
		t.Errorf("describe --under-replicated-partitions: %v", got)
	}
	lr := func() map[string]int {
		c.Counter.Reset()
		f, _ := testkit.Factory(t, testkit.Settings(c), "json")
		if _, err := f.Admin(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := topic.RunList(context.Background(), &topic.ListOptions{F: f}); err != nil {
			t.Fatal(err)
		}
		return c.Counter.Counts()
	}
	if got := lr(); !reflect.DeepEqual(got, map[string]int{"Metadata": 1}) {
		t.Errorf("list: %v", got)
	}
}

func TestListCounts(t *testing.T) {
	c := troubled(t)
	r := kctl(t, c, "topic", "list")
	want := "TOPIC     PARTITIONS  REPLICATION-FACTOR  UNDER-REPLICATED  OFFLINE\n" +
		"inherit   6           3                   3                 2\n" +
		"override  2           2                   1                 0\n"
	if r.Code != 0 || r.Stdout != want {
		t.Errorf("exit %d\n%s\nwant\n%s\nstderr %s", r.Code, r.Stdout, want, r.Stderr)
	}
	r = kctl(t, c, "topic", "list", "-o", "json", "--pattern", "inh.*")
	wantJSON := `{
  "topics": [
    {
      "name": "inherit",
      "topicId": "AAAAAAAAAAAAAAAAAAAAAQ",
      "internal": false,
      "partitionCount": 6,
      "replicationFactor": 3,
      "underReplicatedPartitions": 3,
      "offlinePartitions": 2
    }
  ]
}
`
	if r.Code != 0 || r.Stdout != wantJSON {
		t.Errorf("exit %d\n%s\nstderr %s", r.Code, r.Stdout, r.Stderr)
	}
}

func TestListExcludeInternal(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	craft(t, c, []cbroker{{id: 0}}, []ctopic{
		{name: "__consumer_offsets", internal: true, parts: []cpart{{leader: 0, replicas: ids(0), isr: ids(0)}}},
		{name: "orders", parts: []cpart{{leader: 0, replicas: ids(0), isr: ids(0)}}},
	})
	r := kctl(t, c, "topic", "list", "--exclude-internal", "--no-headers")
	if r.Code != 0 || r.Stdout != "orders  1  1  0  0\n" {
		t.Errorf("exit %d: %q %s", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "topic", "list", "--no-headers")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "__consumer_offsets") {
		t.Errorf("exit %d: %q %s", r.Code, r.Stdout, r.Stderr)
	}
}

// A topic deleted between the Metadata and DescribeConfigs requests is
// reported; the others are still described; exit 1.
func TestDescribeTopicDeletedBetweenRequests(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2})
	if err := c.CreateTopic(context.Background(), "alive", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	// "ghost" is in the Metadata answer but kfake no longer has it.
	craft(t, c, []cbroker{{id: 0}, {id: 1}}, []ctopic{
		{name: "alive", parts: []cpart{{leader: 0, replicas: ids(0, 1), isr: ids(0)}}},
		{name: "ghost", parts: []cpart{{leader: 1, replicas: ids(1, 0), isr: ids(1)}}},
	})
	r := kctl(t, c, "topic", "describe", "--under-replicated-partitions")
	if r.Code != 1 {
		t.Errorf("exit %d, want 1", r.Code)
	}
	if !strings.Contains(r.Stderr, "Error: topic 'ghost' was deleted while it was being described") {
		t.Errorf("stderr: %s", r.Stderr)
	}
	want := "TOPIC  PARTITION  LEADER  REPLICAS  ISR  OFFLINE-REPLICAS  STATUS\n" +
		"alive  0          0       0,1       0    -                 under-replicated,at-min-isr\n"
	if r.Stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.Stdout, want)
	}
}

func TestDescribeUnknownTopic(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "a", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	r := kctl(t, c, "topic", "describe", "a", "nope", "--no-headers")
	if r.Code != 1 || !strings.Contains(r.Stderr, "Error: topic 'nope' does not exist") || !strings.Contains(r.Stdout, "a  0  0  0  0  -  ok") {
		t.Errorf("exit %d\nstdout %q\nstderr %s", r.Code, r.Stdout, r.Stderr)
	}
}

func TestDescribeOffsetsTwoListOffsetsPerLeader(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 6, 1, nil); err != nil {
		t.Fatal(err)
	}
	var recs []sandbox.Record
	for p := int32(0); p < 6; p++ {
		for i := int32(0); i <= p; i++ {
			recs = append(recs, sandbox.Record{Partition: p, Value: "v"})
		}
	}
	if err := c.Produce(ctx, "t", recs); err != nil {
		t.Fatal(err)
	}
	leaders := map[int32]bool{}
	for p := int32(0); p < 6; p++ {
		leaders[c.Kfake.LeaderFor("t", p)] = true
	}
	c.Counter.Reset()
	f, io := testkit.Factory(t, testkit.Settings(c), "json")
	if _, err := f.Admin(ctx); err != nil {
		t.Fatal(err)
	}
	if err := topic.RunDescribe(ctx, &topic.DescribeOptions{F: f, Topics: []string{"t"}, Offsets: true}); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"Metadata": 1, "ListOffsets": 2 * len(leaders)}
	if got := c.Counter.Counts(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests = %v, want %v", got, want)
	}
	var v topic.DescribeView
	if err := json.Unmarshal(io.Out.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	for _, p := range v.Topics[0].Partitions {
		if p.LogStartOffset == nil || *p.LogStartOffset != 0 || p.LogEndOffset == nil || *p.LogEndOffset != int64(p.Partition)+1 {
			t.Errorf("p%d offsets %v %v", p.Partition, p.LogStartOffset, p.LogEndOffset)
		}
	}
	if !strings.Contains(io.Out.String(), `"logEndOffset": 6`) {
		t.Error("offset fields missing from JSON")
	}
	// Without --offsets the fields are null in every partition.
	r := kctl(t, c, "topic", "describe", "t", "-o", "json")
	if strings.Count(r.Stdout, `"logStartOffset": null,`) != 6 || strings.Count(r.Stdout, `"logEndOffset": null,`) != 6 || strings.Count(r.Stdout, "Offset") != 12 {
		t.Errorf("offsets without --offsets: %s", r.Stdout)
	}
}

func TestDescribeBadInput(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	for _, args := range [][]string{
		{"topic", "describe", "a", "--pattern", "a.*"},
		{"topic", "describe", "--pattern", "a("},
		{"topic", "list", "--pattern", "*"},
		{"topic", "describe", "--no-such-flag"},
	} {
		r := kctl(t, c, args...)
		if r.Code != 2 || !strings.HasPrefix(r.Stderr, "Error: ") || r.Stdout != "" {
			t.Errorf("%v: exit %d stdout %q stderr %q", args, r.Code, r.Stdout, r.Stderr)
		}
	}
}

func TestUnreachableCluster(t *testing.T) {
	for _, args := range [][]string{{"topic", "list"}, {"topic", "describe", "--under-replicated-partitions"}, {"topic", "audit"}, {"topic", "config", "get", "t"}, {"broker", "config", "get", "1"}} {
		r := clitest.Run(t, "", append([]string{"--brokers", "127.0.0.1:1", "--timeout", "2s"}, args...)...)
		want := 1
		if args[1] == "audit" {
			want = 3 // a check that could not run is UNKNOWN
		}
		if r.Code != want || !strings.Contains(r.Stderr, "127.0.0.1:1") {
			t.Errorf("%v: exit %d (want %d), stderr %s", args, r.Code, want, r.Stderr)
		}
	}
}

// A broker that stops answering mid-command (DescribeConfigs never
// answered): the command ends within --timeout, naming the broker.
func TestDescribeBrokerHangsMidCommand(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "t", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	c.Kfake.ControlKey(int16(kmsg.DescribeConfigs), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		return nil, nil, true // never answer
	})
	start := time.Now()
	r := clitest.Run(t, "", "--brokers", c.Bootstrap(), "--timeout", "2s", "topic", "describe", "--under-min-isr-partitions")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v with --timeout 2s", d)
	}
	if r.Code != 1 || !strings.Contains(r.Stderr, "describe configs on broker 0 ("+c.Addrs[0]+"): no answer within the timeout") || r.Stdout != "" {
		t.Errorf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	// The audit is a check: a broker that does not answer is UNKNOWN (3).
	r = clitest.Run(t, "", "--brokers", c.Bootstrap(), "--timeout", "2s", "topic", "audit")
	if r.Code != 3 {
		t.Errorf("audit exit %d, stderr %q", r.Code, r.Stderr)
	}
}
