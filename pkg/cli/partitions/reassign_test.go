package partitions_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/reassign"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// reassignCluster: ops-r has 2 partitions with replicas [0,1] and [1,0]
// (crafted: kfake keeps one copy and lists its leader first).
func reassignCluster(t *testing.T) *sandbox.Cluster {
	t.Helper()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	if err := c.CreateTopic(t.Context(), "ops-r", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	layout(t, c, nil, []reassign.Partition{
		part("ops-r", 0, 0, []int32{0, 1}, []int32{0, 1}),
		part("ops-r", 1, 1, []int32{1, 0}, []int32{1, 0}),
	})
	c.Counter.Reset()
	return c
}

func writePlan(t *testing.T, body string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestReassignBadPlanChangesNothing(t *testing.T) {
	t.Parallel()
	c := reassignCluster(t)
	for _, tc := range []struct{ plan, want string }{
		{`{"version":1,"partitions":[{"topic":"ops-r","partition":0,"replicas":[1,7]}]}`, "Error: ops-r-0: broker 7 is not in the cluster\n"},
		{`{"version":1,"partitions":[{"topic":"ops-r","partition":0,"replicas":[2,2]}]}`, "Error: ops-r-0: broker 2 is listed twice in [2 2]\n"},
		{`{"version":1,"partitions":[{"topic":"ops-r","partition":5,"replicas":[2]}]}`, "Error: ops-r-5: topic \"ops-r\" has no partition 5 (it has 2)\n"},
		{`{"version":1,"partitions":[{"topic":"nope","partition":0,"replicas":[2]}]}`, "Error: nope-0: topic \"nope\" does not exist\n"},
	} {
		f := writePlan(t, tc.plan)
		c.Counter.Reset()
		r := run(t, c, "partitions", "reassign", "--plan", f, "--execute", "--throttle", "1000")
		if r.Code != 2 || !strings.HasPrefix(r.Stderr, tc.want) || !strings.HasSuffix(r.Stderr, ": 1 problems; nothing changed\n") || r.Stdout != "" {
			t.Errorf("%s: exit %d stdout %q stderr %q", tc.plan, r.Code, r.Stdout, r.Stderr)
		}
		if got := fmt.Sprint(c.Counter.Counts()); got != "map[Metadata:1]" {
			t.Errorf("%s: requests %v (only connecting's Metadata expected)", tc.plan, got)
		}
		if _, err := os.Stat(f + ".rollback.json"); err == nil {
			t.Errorf("%s: rollback file written", tc.plan)
		}
	}
	f := writePlan(t, `{"version":1,"partitions":[{"topic":"ops-r"`)
	r := run(t, c, "partitions", "reassign", "--plan", f)
	if r.Code != 2 || r.Stderr != "Error: "+f+": not a reassignment plan (kafka-reassign-partitions JSON): unexpected EOF; nothing changed\n" {
		t.Errorf("malformed: exit %d stderr %q", r.Code, r.Stderr)
	}
	for _, args := range [][]string{{"--plan", f, "--throttle", "10"}, {"--plan", f, "--verify", "--cancel"}, {"--generate", "--topics", "ops-r"}, {}} {
		if r := run(t, c, append([]string{"partitions", "reassign"}, args...)...); r.Code != 2 {
			t.Errorf("%v: exit %d stderr %q", args, r.Code, r.Stderr)
		}
	}
}

func TestReassignDryRunExecuteVerify(t *testing.T) {
	t.Parallel()
	c := reassignCluster(t)
	plan := writePlan(t, `{"version":1,"partitions":[{"topic":"ops-r","partition":0,"replicas":[1,2]},{"topic":"ops-r","partition":1,"replicas":[1,0]}]}`)
	r := run(t, c, "partitions", "reassign", "--plan", plan)
	// kfake reports every partition's log on every broker; the size is
	// that of the (empty) partition: 0.
	want := "TOPIC  PARTITION  CURRENT  TARGET  ADDING  REMOVING  BYTES-TO-MOVE\n" +
		"ops-r  0          0,1      1,2     2       0         0\n" +
		"\n1 partition move, 0 bytes to copy\n"
	if r.Code != 0 || r.Stdout != want || r.Stderr != "Dry run: run again with --execute to start moving 1 partition.\n" {
		t.Fatalf("dry run: exit %d\n%s\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
	c.Counter.Reset()
	r = run(t, c, "partitions", "reassign", "--plan", plan, "--execute", "--throttle", "1000000")
	if r.Code != 0 {
		t.Fatalf("execute: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	got := c.Counter.Counts()
	// Metadata; DescribeLogDirs per broker; throttles: one topic, the 3
	// brokers of the move (0,1 current, 2 added); the reassignment.
	if fmt.Sprint(got) != "map[AlterPartitionAssignments:1 DescribeLogDirs:3 IncrementalAlterConfigs:4 Metadata:1]" {
		t.Fatalf("execute requests %v", got)
	}
	rb, err := os.ReadFile(plan + ".rollback.json")
	if err != nil || string(rb) != `{"version":1,"partitions":[{"topic":"ops-r","partition":0,"replicas":[0,1],"log_dirs":["any","any"]}]}`+"\n" {
		t.Fatalf("rollback %q %v", rb, err)
	}
	if st, _ := os.Stat(plan + ".rollback.json"); st.Mode().Perm() != 0o600 {
		t.Fatalf("rollback mode %v", st.Mode().Perm())
	}
	r = run(t, c, "topic", "config", "get", "ops-r")
	if !strings.Contains(r.Stdout, "leader.replication.throttled.replicas    0:0,0:1") || !strings.Contains(r.Stdout, "follower.replication.throttled.replicas  0:2") {
		t.Fatalf("topic throttles:\n%s%s", r.Stdout, r.Stderr)
	}
	// The rollback plan is never overwritten: a second --execute stops
	// before changing anything.
	c.Counter.Reset()
	r = run(t, c, "partitions", "reassign", "--plan", plan, "--execute")
	if r.Code != 2 || !strings.Contains(r.Stderr, "exists and is never overwritten") {
		t.Fatalf("second execute: exit %d %q", r.Code, r.Stderr)
	}
	if n := c.Counter.Counts()["AlterPartitionAssignments"] + c.Counter.Counts()["IncrementalAlterConfigs"]; n != 0 {
		t.Fatalf("second execute changed things: %v", c.Counter.Counts())
	}
	// --verify: one ListPartitionReassignments beyond the Metadata.
	// kfake accepts a reassignment and moves nothing (no replication), so
	// the partition stays "not started" and the throttles stay.
	c.Counter.Reset()
	r = run(t, c, "partitions", "reassign", "--plan", plan, "--verify")
	want = "TOPIC  PARTITION  TARGET  REPLICAS  ADDING  REMOVING  STATE\n" +
		"ops-r  0          1,2     0,1       -       -         not started\n" +
		"ops-r  1          1,0     1,0       -       -         complete\n"
	if r.Code != 1 || r.Stdout != want {
		t.Fatalf("verify: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if got := fmt.Sprint(c.Counter.Counts()); got != "map[ListPartitionReassignments:1 Metadata:1]" {
		t.Fatalf("verify requests %v", got)
	}
	// --cancel: kfake has nothing in progress (NO_REASSIGNMENT_IN_PROGRESS);
	// the throttles go from the topic and the 3 brokers.
	c.Counter.Reset()
	r = run(t, c, "partitions", "reassign", "--plan", plan, "--cancel")
	if r.Code != 0 || strings.Count(r.Stdout, "not in progress") != 2 {
		t.Fatalf("cancel: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if got := fmt.Sprint(c.Counter.Counts()); got != "map[AlterPartitionAssignments:1 IncrementalAlterConfigs:4 Metadata:1]" {
		t.Fatalf("cancel requests %v", got)
	}
	r = run(t, c, "topic", "config", "get", "ops-r")
	if strings.Contains(r.Stdout, "throttled") {
		t.Fatalf("throttles remain:\n%s", r.Stdout)
	}
}

func TestReassignGenerate(t *testing.T) {
	t.Parallel()
	c := reassignCluster(t)
	out := filepath.Join(t.TempDir(), "proposed.json")
	r := run(t, c, "partitions", "reassign", "--generate", "--topics", "ops-r", "--broker-list", "0,1,2", "--write-plan", out)
	want := "TOPIC  PARTITION  CURRENT  TARGET  ADDING  REMOVING  BYTES-TO-MOVE\n" +
		"ops-r  1          1,0      1,2     2       0         0\n" +
		"\n1 partition move, 0 bytes to copy\n"
	if r.Code != 0 || r.Stdout != want || r.Stderr != "Wrote the proposed plan to "+out+".\n" {
		t.Fatalf("generate: exit %d\n%s\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
	b, _ := os.ReadFile(out)
	if string(b) != `{"version":1,"partitions":[{"topic":"ops-r","partition":0,"replicas":[0,1],"log_dirs":["any","any"]},{"topic":"ops-r","partition":1,"replicas":[1,2],"log_dirs":["any","any"]}]}`+"\n" {
		t.Fatalf("plan %s", b)
	}
	if r := run(t, c, "partitions", "reassign", "--generate", "--topics", "ops-r", "--broker-list", "0,1,2", "--write-plan", out); r.Code != 2 {
		t.Fatalf("overwrite: exit %d %q", r.Code, r.Stderr)
	}
	if r := run(t, c, "partitions", "reassign", "--generate", "--topics", "ops-r", "--broker-list", "0,9"); r.Code != 2 || r.Stderr != "Error: broker 9 is not in the cluster\n" {
		t.Fatalf("unknown broker: exit %d %q", r.Code, r.Stderr)
	}
}

// Every action's JSON has every key: null where the action has no value
// (plan, rollbackFile, throttle), [] for the list it does not fill (moves
// of --verify and --cancel, status of the others).
func TestReassignJSONKeysAlwaysThere(t *testing.T) {
	t.Parallel()
	c := reassignCluster(t)
	plan := writePlan(t, `{"version":1,"partitions":[{"topic":"ops-r","partition":0,"replicas":[1,2]}]}`)
	rb2 := filepath.Join(t.TempDir(), "rb2.json")
	move := `{"topic":"ops-r","partition":0,"current":[0,1],"target":[1,2],"adding":[2],"removing":[0],"bytesToMove":0}`
	stat := func(state string) string {
		return `[{"topic":"ops-r","partition":0,"target":[1,2],"replicas":[0,1],"adding":[],"removing":[],"state":"` + state + `"}]`
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--generate", "--topics", "ops-r", "--broker-list", "0,1,2"},
			`{"action":"generate","moves":[{"topic":"ops-r","partition":1,"current":[1,0],"target":[1,2],"adding":[2],"removing":[0],"bytesToMove":0}],"bytesToMove":0,` +
				`"plan":{"version":1,"partitions":[{"topic":"ops-r","partition":0,"replicas":[0,1],"log_dirs":["any","any"]},{"topic":"ops-r","partition":1,"replicas":[1,2],"log_dirs":["any","any"]}]},` +
				`"rollbackFile":null,"throttle":null,"status":[],"complete":false,"throttlesRemoved":false}`},
		{[]string{"--plan", plan},
			`{"action":"dry-run","moves":[` + move + `],"bytesToMove":0,"plan":null,"rollbackFile":null,"throttle":null,"status":[],"complete":false,"throttlesRemoved":false}`},
		{[]string{"--plan", plan, "--execute", "--throttle", "1000"},
			`{"action":"execute","moves":[` + move + `],"bytesToMove":0,"plan":null,"rollbackFile":"` + plan + `.rollback.json","throttle":1000,"status":[],"complete":false,"throttlesRemoved":false}`},
		{[]string{"--plan", plan, "--execute", "--rollback-file", rb2},
			`{"action":"execute","moves":[` + move + `],"bytesToMove":0,"plan":null,"rollbackFile":"` + rb2 + `","throttle":null,"status":[],"complete":false,"throttlesRemoved":false}`},
		{[]string{"--plan", plan, "--verify"},
			`{"action":"verify","moves":[],"bytesToMove":0,"plan":null,"rollbackFile":null,"throttle":null,"status":` + stat("not started") + `,"complete":false,"throttlesRemoved":false}`},
		{[]string{"--plan", plan, "--cancel"},
			`{"action":"cancel","moves":[],"bytesToMove":0,"plan":null,"rollbackFile":null,"throttle":null,"status":` + stat("not in progress") + `,"complete":true,"throttlesRemoved":true}`},
	} {
		r := run(t, c, append([]string{"partitions", "reassign", "-o", "json"}, tc.args...)...)
		var b bytes.Buffer
		if err := json.Compact(&b, []byte(r.Stdout)); err != nil {
			t.Fatalf("%v: exit %d %v %q %s", tc.args, r.Code, err, r.Stdout, r.Stderr)
		}
		if b.String() != tc.want {
			t.Errorf("%v: exit %d %s\n got %s\nwant %s", tc.args, r.Code, r.Stderr, b.String(), tc.want)
		}
	}
}
