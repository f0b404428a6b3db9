package partitions_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/reassign"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// electFixture: ops-e has p0 led by a non-preferred replica (electable),
// p1 led by its preferred replica, p2 whose preferred replica fell out of
// the ISR (not electable), p3 without a leader.
func electFixture(t *testing.T) (*sandbox.Cluster, *captured[*kmsg.ElectLeadersRequest]) {
	c, sent, _ := electFixtureNodes(t)
	return c, sent
}

func electFixtureNodes(t *testing.T) (*sandbox.Cluster, *captured[*kmsg.ElectLeadersRequest], *captured[int32]) {
	return electResponder(t, electCluster(t))
}

// electResponder answers every ElectLeaders with success for each
// partition and records the requests and the node that received them.
func electResponder(t *testing.T, c *sandbox.Cluster) (*sandbox.Cluster, *captured[*kmsg.ElectLeadersRequest], *captured[int32]) {
	sent := &captured[*kmsg.ElectLeadersRequest]{}
	electNodes := &captured[int32]{}
	c.Kfake.ControlKey(int16(kmsg.ElectLeaders), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		req := r.(*kmsg.ElectLeadersRequest)
		sent.add(req)
		electNodes.add(c.Kfake.CurrentNode())
		resp := req.ResponseKind().(*kmsg.ElectLeadersResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewElectLeadersResponseTopic()
			st.Topic = rt.Topic
			for _, p := range rt.Partitions {
				sp := kmsg.NewElectLeadersResponseTopicPartition()
				sp.Partition = p
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	c.Counter.Reset()
	return c, sent, electNodes
}

func electCluster(t *testing.T) *sandbox.Cluster {
	return electClusterWith(t, []reassign.Partition{
		part("ops-e", 0, 1, []int32{0, 1, 2}, []int32{0, 1, 2}),
		part("ops-e", 1, 1, []int32{1, 2, 0}, []int32{1, 2, 0}),
		part("ops-e", 2, 2, []int32{0, 1, 2}, []int32{1, 2}),
		part("ops-e", 3, -1, []int32{2, 0}, []int32{}),
	})
}

func electClusterWith(t *testing.T, ps []reassign.Partition) *sandbox.Cluster {
	t.Helper()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	if err := c.CreateTopic(t.Context(), "ops-e", 4, 1, nil); err != nil {
		t.Fatal(err)
	}
	layout(t, c, nil, ps)
	return c
}

func sentPartitions(reqs []*kmsg.ElectLeadersRequest) string {
	var out []string
	for _, r := range reqs {
		for _, t := range r.Topics {
			out = append(out, fmt.Sprintf("type=%d %s%v", r.ElectionType, t.Topic, t.Partitions))
		}
	}
	return strings.Join(out, " ")
}

func TestElectPreferredDryRunAndExecute(t *testing.T) {
	t.Parallel()
	c, sent, electNodes := electFixtureNodes(t)
	want := "TOPIC  PARTITION  LEADER  REPLICAS  ISR    NEW-LEADER  RESULT\n" +
		"ops-e  0          1       0,1,2     0,1,2  0           would elect\n" +
		"ops-e  2          2       0,1,2     1,2    0           skipped: preferred replica 0 is not in the ISR\n" +
		"ops-e  3          none    2,0              2           skipped: preferred replica 2 is not in the ISR\n"
	r := run(t, c, "partitions", "elect-leaders", "--topic", "ops-e")
	if r.Code != 0 || r.Stdout != want || r.Stderr != "Dry run: 1 partition would change leader; run again with --execute to elect.\n" {
		t.Fatalf("dry run: exit %d\nstdout\n%s\nwant\n%s\nstderr %q", r.Code, r.Stdout, want, r.Stderr)
	}
	if len(sent.all()) != 0 {
		t.Fatalf("dry run sent ElectLeaders %s", sentPartitions(sent.all()))
	}
	// The dry run in JSON: reason null for the eligible partition, whose
	// result is null too (nothing was sent); the others are skipped.
	r = run(t, c, "partitions", "elect-leaders", "--topic", "ops-e", "-o", "json")
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(r.Stdout)); err != nil {
		t.Fatalf("dry run json: %v %q %s", err, r.Stdout, r.Stderr)
	}
	wantDry := `{"type":"preferred","executed":false,"partitions":[` +
		`{"topic":"ops-e","partition":0,"leader":1,"replicas":[0,1,2],"isr":[0,1,2],"newLeader":0,"eligible":true,"reason":null,"result":null},` +
		`{"topic":"ops-e","partition":2,"leader":2,"replicas":[0,1,2],"isr":[1,2],"newLeader":0,"eligible":false,"reason":"preferred replica 0 is not in the ISR","result":"skipped"},` +
		`{"topic":"ops-e","partition":3,"leader":-1,"replicas":[2,0],"isr":[],"newLeader":2,"eligible":false,"reason":"preferred replica 2 is not in the ISR","result":"skipped"}]}`
	if r.Code != 0 || b.String() != wantDry {
		t.Fatalf("dry run json: exit %d %s\n got %s\nwant %s", r.Code, r.Stderr, b.String(), wantDry)
	}
	if len(sent.all()) != 0 {
		t.Fatalf("dry run sent ElectLeaders %s", sentPartitions(sent.all()))
	}

	// --execute: one ElectLeaders to the controller, carrying only the
	// electable partition. The one that cannot move makes it exit 1.
	r = run(t, c, "partitions", "elect-leaders", "--topic", "ops-e", "--execute")
	want = "TOPIC  PARTITION  LEADER  REPLICAS  ISR    NEW-LEADER  RESULT\n" +
		"ops-e  0          1       0,1,2     0,1,2  0           elected\n" +
		"ops-e  2          2       0,1,2     1,2    0           skipped: preferred replica 0 is not in the ISR\n" +
		"ops-e  3          none    2,0              2           skipped: preferred replica 2 is not in the ISR\n"
	if r.Code != 1 || r.Stdout != want || r.Stderr != "Error: 2 of 3 partitions were not elected\n" {
		t.Fatalf("execute: exit %d\nstdout\n%s\nwant\n%s\nstderr %q", r.Code, r.Stdout, want, r.Stderr)
	}
	if got := sentPartitions(sent.all()); got != "type=0 ops-e[0]" {
		t.Fatalf("ElectLeaders carried %s", got)
	}
	if got := fmt.Sprint(electNodes.all()); got != "[2]" {
		t.Errorf("ElectLeaders went to brokers %s, want the controller 2", got)
	}

	// One partition, JSON.
	r = run(t, c, "partitions", "elect-leaders", "--topic", "ops-e", "--partition", "0", "--execute", "-o", "json")
	wantJSON := `{
  "type": "preferred",
  "executed": true,
  "partitions": [
    {
      "topic": "ops-e",
      "partition": 0,
      "leader": 1,
      "replicas": [
        0,
        1,
        2
      ],
      "isr": [
        0,
        1,
        2
      ],
      "newLeader": 0,
      "eligible": true,
      "reason": null,
      "result": "elected"
    }
  ]
}
`
	if r.Code != 0 || r.Stdout != wantJSON || r.Stderr != "" {
		t.Fatalf("json: exit %d\n%s\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
	// A partition already led by its preferred replica: nothing to do,
	// no request.
	c.Counter.Reset()
	r = run(t, c, "partitions", "elect-leaders", "--topic", "ops-e", "--partition", "1", "--execute")
	if r.Code != 0 || r.Stdout != "" || r.Stderr != "Nothing to elect: every partition in scope is led by its preferred replica.\n" {
		t.Fatalf("nothing to elect: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if got := c.Counter.Counts()["ElectLeaders"]; got != 0 {
		t.Fatalf("nothing to elect sent %d ElectLeaders", got)
	}
}

func TestElectUncleanNeedsYes(t *testing.T) {
	t.Parallel()
	c, sent := electFixture(t)
	r := run(t, c, "partitions", "elect-leaders", "--all-topic-partitions", "--type", "unclean", "--execute")
	if r.Code != 2 || !strings.HasPrefix(r.Stderr, "WARNING: an unclean leader election lets a replica that is not in the ISR become the leader, \"even though doing so may result in data loss\"") ||
		!strings.HasSuffix(r.Stderr, "Error: nothing elected: an unclean election can lose data; add --yes to run it\n") {
		t.Fatalf("unclean without --yes: exit %d\nstdout\n%s\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if len(sent.all()) != 0 {
		t.Fatalf("unclean without --yes sent %s", sentPartitions(sent.all()))
	}
	r = run(t, c, "partitions", "elect-leaders", "--all-topic-partitions", "--type", "unclean", "--execute", "--yes")
	if r.Code != 0 || !strings.Contains(r.Stdout, "ops-e  3          none    2,0            a live replica  elected") {
		t.Fatalf("unclean --yes: exit %d\nstdout\n%s\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if got := sentPartitions(sent.all()); got != "type=1 ops-e[3]" {
		t.Fatalf("ElectLeaders carried %s", got)
	}
}

func TestElectBadInput(t *testing.T) {
	t.Parallel()
	c, sent := electFixture(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--execute"}, "Error: name the partitions: --topic T [--partition P], or --all-topic-partitions\n"},
		{[]string{"--all-topic-partitions", "--topic", "ops-e"}, "Error: name the partitions: --topic T [--partition P], or --all-topic-partitions\n"},
		{[]string{"--topic", "ops-e", "--type", "random"}, "Error: --type must be preferred or unclean, not \"random\"\n"},
		{[]string{"--partition", "0", "--all-topic-partitions"}, "Error: --partition needs exactly one --topic\n"},
		{[]string{"--topic", "nope", "--execute"}, "Error: topic 'nope' does not exist; nothing elected\n"},
		{[]string{"--topic", "ops-e", "--partition", "9", "--execute"}, "Error: topic 'ops-e' has no partition 9 (it has 4); nothing elected\n"},
	} {
		r := run(t, c, append([]string{"partitions", "elect-leaders"}, tc.args...)...)
		if r.Code != 2 || r.Stderr != tc.want || r.Stdout != "" {
			t.Errorf("%v: exit %d stdout %q stderr %q, want %q", tc.args, r.Code, r.Stdout, r.Stderr, tc.want)
		}
	}
	if len(sent.all()) != 0 {
		t.Fatalf("bad input sent %s", sentPartitions(sent.all()))
	}
}

// A controller that never answers: the command ends within --timeout and
// names the request and the broker.
func TestElectControllerHangs(t *testing.T) {
	t.Parallel()
	c := electCluster(t)
	c.Kfake.ControlKey(int16(kmsg.ElectLeaders), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		return nil, nil, true // never answer
	})
	start := time.Now()
	r := run(t, c, "--timeout", "2s", "partitions", "elect-leaders", "--topic", "ops-e", "--partition", "0", "--execute")
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("took %v with --timeout 2s", d)
	}
	if r.Code != 1 || !strings.Contains(r.Stderr, "elect preferred leaders for 1 partitions on broker 2 (") || !strings.Contains(r.Stderr, "no answer within the timeout") {
		t.Fatalf("exit %d stderr %q", r.Code, r.Stderr)
	}
}

func TestElectUnreachable(t *testing.T) {
	t.Parallel()
	r := clitest.Run(t, "", "-b", testkit.ClosedAddr(t), "--timeout", "2s", "partitions", "elect-leaders", "--all-topic-partitions")
	if r.Code != 1 || !strings.Contains(r.Stderr, "connection refused") {
		t.Fatalf("exit %d stderr %q", r.Code, r.Stderr)
	}
}

// The request plan: the dry run needs only the Metadata read at connect;
// --execute adds exactly one ElectLeaders, to the controller, whatever the
// partition count.
func TestElectRequestBudget(t *testing.T) {
	t.Parallel()
	var ps []reassign.Partition
	for p := int32(0); p < 60; p++ {
		ps = append(ps, part("ops-e", p, 1, []int32{p % 3, (p + 1) % 3, (p + 2) % 3}, []int32{0, 1, 2}))
	}
	c, sent, _ := electResponder(t, electClusterWith(t, ps))
	r := run(t, c, "partitions", "elect-leaders", "--all-topic-partitions")
	if r.Code != 0 || strings.Count(r.Stdout, "would elect") != 40 {
		t.Fatalf("dry run: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if got := fmt.Sprint(c.Counter.Counts()); got != "map[Metadata:1]" {
		t.Fatalf("dry run requests %v, want only the Metadata of connecting", got)
	}
	c.Counter.Reset()
	r = run(t, c, "partitions", "elect-leaders", "--all-topic-partitions", "--execute")
	if r.Code != 0 || strings.Count(r.Stdout, "elected") != 40 {
		t.Fatalf("execute: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if got := fmt.Sprint(c.Counter.Counts()); got != "map[ElectLeaders:1 Metadata:1]" {
		t.Fatalf("execute requests %v, want Metadata 1 and ElectLeaders 1", got)
	}
	if n := len(sent.all()); n != 1 || len(sent.all()[0].Topics[0].Partitions) != 40 {
		t.Fatalf("%d ElectLeaders requests: %s", n, sentPartitions(sent.all()))
	}
}
