package group_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

type result struct {
	out, err string
	code     int
}

// run runs the whole CLI in-process against settings s (clitest.RunSettings:
// real root and exit-code mapping, locked buffers, no environment).
func run(t testing.TB, s config.Settings, args ...string) result {
	t.Helper()
	r := clitest.RunSettings(t, s, "", args...)
	return result{r.Stdout, r.Stderr, r.Code}
}

func table(out string) [][]string { return clitest.TableRows(out) }

func setup(t *testing.T) (*sandbox.Cluster, config.Settings) {
	t.Helper()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	ctx := context.Background()
	for _, tp := range []string{"t", "u"} {
		if err := c.CreateTopic(ctx, tp, 4, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	var recs []sandbox.Record
	for p := int32(0); p < 4; p++ {
		for i := 0; i < 5; i++ {
			recs = append(recs, sandbox.Record{Partition: p, Value: "v", Timestamp: time.Now()})
		}
	}
	for _, tp := range []string{"t", "u"} {
		if err := c.Produce(ctx, tp, recs); err != nil {
			t.Fatal(err)
		}
	}
	return c, testkit.Settings(c)
}

func commit(t *testing.T, c *sandbox.Cluster, g, topic string, offs map[int32]int64) {
	t.Helper()
	if err := c.Commit(context.Background(), g, topic, offs); err != nil {
		t.Fatal(err)
	}
}

// joinModern starts a member on the new consumer protocol (KIP-848) and
// waits until the coordinator shows its assignment.
func joinModern(t *testing.T, c *sandbox.Cluster, s config.Settings, group, topic string, parts int) {
	t.Helper()
	cl, err := c.Client(kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic), kgo.Balancers(kgo.RangeBalancer()),
		kgo.ServerSideBalancer(), kgo.ClientID("modern-client"), kgo.DisableAutoCommit())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	go func() {
		for {
			if fs := cl.PollFetches(context.Background()); fs.IsClientClosed() {
				return
			}
		}
	}()
	a := testkit.Admin(t, s)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		d, err := a.DescribeGroups(context.Background(), []string{group})
		if err == nil && len(d[group].Members) == 1 && len(d[group].Members[0].Assignment) == parts {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("group %s never showed its KIP-848 member with %d partitions", group, parts)
}

func TestGroupListAndDescribe(t *testing.T) {
	t.Parallel()
	c, s := setup(t)
	commit(t, c, "idle", "t", map[int32]int64{0: 1})
	if _, err := c.JoinMember(context.Background(), "active", "u"); err != nil {
		t.Fatal(err)
	}
	joinModern(t, c, s, "modern", "t", 4)

	r := run(t, s, "group", "list")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var got []string
	for _, row := range table(r.out) {
		got = append(got, strings.Join(row[:5], " "))
	}
	want := []string{"active Stable classic cooperative-sticky 1", "idle Empty classic - 0", "modern Stable consumer range 1"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("list:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, row := range table(r.out) {
		if !strings.HasPrefix(row[len(row)-1], fmt.Sprintf("%d@127.0.0.1:", c.Kfake.CoordinatorFor(row[0]))) {
			t.Errorf("coordinator of %s: %v", row[0], row)
		}
	}
	if r := run(t, s, "group", "list", "--state", "empty"); len(table(r.out)) != 1 || table(r.out)[0][0] != "idle" {
		t.Errorf("--state empty:\n%s", r.out)
	}
	if r := run(t, s, "group", "list", "--type", "consumer", "-o", "json"); !strings.Contains(r.out, `"group": "modern"`) || strings.Contains(r.out, `"idle"`) {
		t.Errorf("--type consumer:\n%s", r.out)
	}

	r = run(t, s, "group", "describe", "active", "modern")
	if h := strings.SplitN(r.out, "\n", 2)[0]; r.code != 0 || !strings.HasPrefix(h, "GROUP   COORDINATOR  ") || !strings.HasSuffix(h, "STATE   #MEMBERS  TYPE      PROTOCOL-TYPE") {
		t.Errorf("describe header: exit %d\n%s", r.code, r.out)
	}
	eq := []string{"cooperative-sticky Stable 1 classic consumer", "range Stable 1 consumer consumer"}
	for i, row := range table(strings.SplitN(r.out, "\n\n", 2)[0]) {
		if got := strings.Join(row[2:], " "); i >= len(eq) || got != eq[i] {
			t.Errorf("describe state row %d: %q", i, got)
		}
	}
	r = run(t, s, "group", "describe", "modern", "active", "-o", "json")
	var v struct {
		Groups []struct {
			Group, State, Type, Protocol string
			Members                      []struct {
				ClientID   string                 `json:"clientId"`
				Assignment []kafka.TopicPartition `json:"assignment"`
			} `json:"members"`
			Error *string `json:"error"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(r.out), &v); err != nil {
		t.Fatal(err, r.out)
	}
	m := v.Groups[0]
	if r.code != 0 || m.Group != "modern" || m.State != "Stable" || m.Type != "consumer" || len(m.Members) != 1 ||
		m.Members[0].ClientID != "modern-client" || len(m.Members[0].Assignment) != 4 || m.Members[0].Assignment[3] != (kafka.TopicPartition{Topic: "t", Partition: 3}) {
		t.Errorf("modern = %+v (exit %d)", m, r.code)
	}
	if a := v.Groups[1]; a.Type != "classic" || len(a.Members) != 1 || len(a.Members[0].Assignment) != 4 || a.Members[0].Assignment[0].Topic != "u" {
		t.Errorf("active = %+v", a)
	}

	r = run(t, s, "group", "describe", "idle", "nope")
	if r.code != 1 || !strings.Contains(r.err, "Consumer group 'idle' has no active members.") || !strings.Contains(r.err, "Error: Consumer group 'nope' does not exist.") {
		t.Errorf("describe idle nope: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	if rows := table(r.out); len(rows) != 1 || strings.Join(rows[0][2:], " ") != "- Empty 0 classic -" {
		t.Errorf("state table:\n%s", r.out)
	}
	// The lag of a KIP-848 group shows its member.
	r = run(t, s, "lag", "describe", "--group", "modern")
	if rows := table(r.out); r.code != 0 || len(rows) != 4 || rows[0][8] != "modern-client" || rows[0][3] != "-" {
		t.Errorf("lag of modern: exit %d\n%s%s", r.code, r.out, r.err)
	}
	// --all-groups knows it from ListGroups (type consumer) and asks
	// ConsumerGroupDescribe directly.
	r = run(t, s, "lag", "describe", "--all-groups")
	var modern []string
	for _, row := range table(r.out) {
		if row[0] == "modern" {
			modern = append(modern, strings.Join(append(row[1:3], row[8]), " "))
		}
	}
	if r.code != 0 || strings.Join(modern, ",") != "t 0 modern-client,t 1 modern-client,t 2 modern-client,t 3 modern-client" {
		t.Errorf("lag --all-groups, modern: exit %d %v\n%s%s", r.code, modern, r.out, r.err)
	}
}

func TestGroupDelete(t *testing.T) {
	t.Parallel()
	c, s := setup(t)
	commit(t, c, "old", "t", map[int32]int64{0: 1})
	commit(t, c, "old2", "t", map[int32]int64{0: 2})
	if _, err := c.JoinMember(context.Background(), "busy", "u"); err != nil {
		t.Fatal(err)
	}
	a := testkit.Admin(t, s)
	exists := func(g string) bool {
		d, err := a.DescribeGroups(context.Background(), []string{g})
		if err != nil {
			t.Fatal(err)
		}
		return d[g].Exists()
	}

	r := run(t, s, "group", "delete", "old")
	if r.code != 2 || !strings.Contains(r.err, "re-run with --yes") || !exists("old") {
		t.Errorf("without --yes: exit %d %q", r.code, r.err)
	}
	r = run(t, s, "group", "delete", "old", "busy", "--yes")
	if r.code != 1 || !strings.Contains(r.err, "Error: Consumer group 'busy' is not empty (state Stable, 1 member(s): demo-consumer-") ||
		!strings.Contains(r.err, "client demo-consumer") || !strings.Contains(r.err, "Nothing was deleted.") {
		t.Errorf("busy: exit %d %q", r.code, r.err)
	}
	if !exists("old") || !exists("busy") {
		t.Error("a refused delete deleted something")
	}
	r = run(t, s, "group", "delete", "nope", "--yes")
	if r.code != 1 || !strings.Contains(r.err, "Error: Consumer group 'nope' does not exist.") {
		t.Errorf("nope: exit %d %q", r.code, r.err)
	}
	r = run(t, s, "group", "delete", "old", "old2", "--yes", "-o", "json")
	if r.code != 0 || strings.Count(r.out, `"deleted": true`) != 2 {
		t.Errorf("delete: exit %d %s %s", r.code, r.out, r.err)
	}
	if exists("old") || exists("old2") {
		t.Error("groups still exist after delete")
	}
	if r := run(t, s, "group", "delete"); r.code != 2 {
		t.Errorf("no args: exit %d", r.code)
	}
}

func TestGroupDeleteOffsets(t *testing.T) {
	t.Parallel()
	c, s := setup(t)
	commit(t, c, "g", "t", map[int32]int64{0: 1, 2: 3})
	commit(t, c, "g", "u", map[int32]int64{1: 4})
	a := testkit.Admin(t, s)
	offsets := func() map[kafka.TopicPartition]int64 {
		o, err := a.FetchGroupOffsets(context.Background(), []string{"g"})
		if err != nil || o["g"].Err != nil {
			t.Fatal(err, o["g"].Err)
		}
		return o["g"].Offsets
	}
	r := run(t, s, "group", "delete-offsets", "g", "--topic", "t", "--dry-run")
	if r.code != 0 || len(offsets()) != 3 {
		t.Errorf("dry run: exit %d, offsets %v", r.code, offsets())
	}
	r = run(t, s, "group", "delete-offsets", "g", "--topic", "t")
	rows := table(r.out)
	if r.code != 0 || len(rows) != 2 || strings.Join(rows[0], " ") != "t 0 1 Successful" || strings.Join(rows[1], " ") != "t 2 3 Successful" {
		t.Errorf("delete: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if o := offsets(); len(o) != 1 || o[kafka.TopicPartition{Topic: "u", Partition: 1}] != 4 {
		t.Errorf("offsets after delete = %v", o)
	}
	if r := run(t, s, "group", "delete-offsets", "g", "--topic", "t"); r.code != 1 || !strings.Contains(r.err, "no committed offsets") {
		t.Errorf("again: exit %d %q", r.code, r.err)
	}

	// Kafka keeps the offsets of topics the group's members consume.
	commit(t, c, "busy", "u", map[int32]int64{0: 2})
	if _, err := c.JoinMember(context.Background(), "busy", "u"); err != nil {
		t.Fatal(err)
	}
	r = run(t, s, "group", "delete-offsets", "busy", "--topic", "u")
	if r.code != 1 || !strings.Contains(r.err, "has active members subscribed to topic u") {
		t.Errorf("subscribed: exit %d %q", r.code, r.err)
	}
	if r := run(t, s, "group", "delete-offsets", "g"); r.code != 2 {
		t.Errorf("no --topic: exit %d", r.code)
	}
	bad := config.Settings{Brokers: []string{"127.0.0.1:1"}, SecurityProtocol: config.Plaintext, Timeout: 3 * time.Second}
	for _, args := range [][]string{{"group", "list"}, {"group", "describe", "g"}, {"group", "delete", "g", "--yes"}, {"group", "delete-offsets", "g", "--topic", "t"}} {
		if r := run(t, bad, args...); r.code != 1 || !strings.Contains(r.err, "127.0.0.1:1") {
			t.Errorf("%v unreachable: exit %d %q", args, r.code, r.err)
		}
	}
	if r := run(t, s, "group", "list", "--state", "bogus"); r.code != 2 {
		t.Errorf("bad state: exit %d", r.code)
	}
}

// A broker that never answers ListGroups: the groups of the others are
// listed and described, its own are reported missing, exit 1, within
// --timeout.
func TestGroupListHungBroker(t *testing.T) {
	t.Parallel()
	c, s := setup(t)
	for i := 0; i < 6; i++ {
		commit(t, c, fmt.Sprintf("g%d", i), "t", map[int32]int64{0: 1})
	}
	node := c.Kfake.CoordinatorFor("g0")
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	c.Kfake.ControlKey(int16(kmsg.ListGroups), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		if c.Kfake.CurrentNode() == node {
			c.Kfake.SleepControl(func() { <-release })
		}
		return nil, nil, false
	})
	s.Timeout = 3 * time.Second
	start := time.Now()
	r := run(t, s, "group", "list")
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("took %v with --timeout 3s", d)
	}
	var got, want []string
	for _, row := range table(r.out) {
		got = append(got, row[0]+" "+row[1])
	}
	for i := 0; i < 6; i++ {
		if g := fmt.Sprintf("g%d", i); c.Kfake.CoordinatorFor(g) != node {
			want = append(want, g+" Empty")
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("listed %v, want %v", got, want)
	}
	if r.code != 1 || !strings.Contains(r.err, fmt.Sprintf("Error: broker %d did not list its groups (they are missing here): ", node)) {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}

	// The same broker never answers DescribeGroups either: describe shows
	// the group it does not coordinate.
	c.Kfake.ControlKey(int16(kmsg.DescribeGroups), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		if c.Kfake.CurrentNode() == node {
			c.Kfake.SleepControl(func() { <-release })
		}
		return nil, nil, false
	})
	other := want[0][:2]
	start = time.Now()
	r = run(t, s, "group", "describe", "g0", other)
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("describe took %v with --timeout 3s", d)
	}
	if rows := table(r.out); len(rows) != 1 || rows[0][0] != other || r.code != 1 || !strings.Contains(r.err, `Error: describe group "g0"`) {
		t.Errorf("describe: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// Kafka 3.9 advertises ConsumerGroupDescribe but, with the new protocol
// off, answers every group UNSUPPORTED_VERSION (found on real Kafka 3.9,
// pkg/realkafka/e2e TestGroupUnknown): a group the cluster does not know
// is still "does not exist", and a classic group keeps its classic answer.
func TestGroupDescribeConsumerGroupDescribeUnsupportedPerGroup(t *testing.T) {
	t.Parallel()
	c, s := setup(t)
	commit(t, c, "idle", "t", map[int32]int64{0: 1})
	c.Kfake.ControlKey(int16(kmsg.ConsumerGroupDescribe), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		req := kr.(*kmsg.ConsumerGroupDescribeRequest)
		resp := req.ResponseKind().(*kmsg.ConsumerGroupDescribeResponse)
		for _, g := range req.Groups {
			rg := kmsg.NewConsumerGroupDescribeResponseGroup()
			rg.Group, rg.ErrorCode = g, 35 // UNSUPPORTED_VERSION
			resp.Groups = append(resp.Groups, rg)
		}
		return resp, nil, true
	})
	for _, args := range [][]string{{"group", "describe", "nope"}, {"lag", "describe", "--group", "nope"}, {"group", "delete", "nope", "--yes"}} {
		r := run(t, s, args...)
		if r.code != 1 || !strings.Contains(r.err, "Error: Consumer group 'nope' does not exist.") || strings.Contains(r.err, "not supported") {
			t.Errorf("%v: exit %d %q", args, r.code, r.err)
		}
	}
	r := run(t, s, "group", "describe", "idle")
	if rows := table(r.out); r.code != 0 || len(rows) != 1 || rows[0][3] != "Empty" {
		t.Errorf("describe idle: exit %d\n%s%s", r.code, r.out, r.err)
	}
}
