package lag_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/kafka/kafkatest"
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

// cols picks columns of rows (by index).
func cols(rows [][]string, idx ...int) []string {
	var out []string
	for _, r := range rows {
		var f []string
		for _, i := range idx {
			f = append(f, r[i])
		}
		out = append(out, strings.Join(f, " "))
	}
	return out
}

func eq(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func produce(t testing.TB, c *sandbox.Cluster, topic string, counts []int, base time.Time) {
	t.Helper()
	var recs []sandbox.Record
	for p, n := range counts {
		for i := 0; i < n; i++ {
			recs = append(recs, sandbox.Record{Partition: int32(p), Value: fmt.Sprint(i), Timestamp: base.Add(time.Duration(i) * time.Minute)})
		}
	}
	if len(recs) > 0 {
		if err := c.Produce(context.Background(), topic, recs); err != nil {
			t.Fatal(err)
		}
	}
}

func commit(t testing.TB, c *sandbox.Cluster, group, topic string, offs map[int32]int64) {
	t.Helper()
	if err := c.Commit(context.Background(), group, topic, offs); err != nil {
		t.Fatal(err)
	}
}

// cluster starts a sandbox with topic t: 4 partitions holding 10, 5, 0 and
// 3 records.
func cluster(t *testing.T, o sandbox.Options) (*sandbox.Cluster, config.Settings) {
	t.Helper()
	c := testkit.Cluster(t, o)
	if err := c.CreateTopic(context.Background(), "t", 4, 1, nil); err != nil {
		t.Fatal(err)
	}
	produce(t, c, "t", []int{10, 5, 0, 3}, time.UnixMilli(1_700_000_000_000))
	return c, testkit.Settings(c)
}

func TestDescribeEmptyGroupExactNumbers(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 3})
	// p0 lagging, p1 caught up, p2 empty partition committed at 0, p3
	// committed at 0 with 3 records.
	commit(t, c, "g1", "t", map[int32]int64{0: 4, 1: 5, 2: 0, 3: 0})
	r := run(t, s, "lag", "describe", "--group", "g1")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if !strings.HasPrefix(r.out, "GROUP  TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST  CLIENT-ID\n") {
		t.Errorf("header:\n%s", r.out)
	}
	eq(t, "rows", cols(table(r.out), 0, 1, 2, 3, 4, 5, 6, 7, 8), []string{
		"g1 t 0 4 10 6 - - -",
		"g1 t 1 5 5 0 - - -",
		"g1 t 2 0 0 0 - - -",
		"g1 t 3 0 3 3 - - -",
	})
	if r.err != "Consumer group 'g1' has no active members.\n" {
		t.Errorf("stderr = %q", r.err)
	}

	r = run(t, s, "lag", "describe", "--group", "g1", "--summary")
	eq(t, "summary", table(r.out)[0], []string{"g1", "Empty", "0", "1", "4", "9", "6"})

	r = run(t, s, "lag", "describe", "--group", "g1", "-o", "json")
	var v struct {
		Groups []map[string]any `json:"groups"`
	}
	if err := json.Unmarshal([]byte(r.out), &v); err != nil {
		t.Fatal(err, r.out)
	}
	g := v.Groups[0]
	if g["group"] != "g1" || g["state"] != "Empty" || g["totalLag"] != 9.0 || g["maxLag"] != 6.0 || g["memberCount"] != 0.0 ||
		g["error"] != nil || g["maxTimeLagMs"] != nil || g["coordinator"] != float64(c.Kfake.CoordinatorFor("g1")) {
		t.Errorf("json group = %v", g)
	}
	p0 := g["partitions"].([]any)[0].(map[string]any)
	want := map[string]any{"topic": "t", "partition": 0.0, "currentOffset": 4.0, "logEndOffset": 10.0, "lag": 6.0, "timeLagMs": nil, "consumerId": nil, "host": nil, "clientId": nil}
	for k, w := range want {
		if p0[k] != w {
			t.Errorf("json partition %s = %v, want %v", k, p0[k], w)
		}
	}
	if len(p0) != len(want) {
		t.Errorf("json partition keys = %v", p0)
	}
}

func TestDescribeStableMemberWithUnassignedCommits(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "s", 3, 1, nil); err != nil {
		t.Fatal(err)
	}
	produce(t, c, "s", []int{5, 5, 5}, time.Now().Add(-time.Hour))
	// A commit on s[0] only, and an older commit on t (no longer consumed).
	commit(t, c, "active", "s", map[int32]int64{0: 2})
	commit(t, c, "active", "t", map[int32]int64{0: 7})
	m, err := c.JoinMember(context.Background(), "active", "s")
	if err != nil {
		t.Fatal(err)
	}
	_ = m
	r := run(t, s, "lag", "describe", "--group", "active")
	if r.code != 0 || r.err != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	rows := table(r.out)
	eq(t, "rows", cols(rows, 0, 1, 2, 3, 4, 5), []string{
		"active s 0 2 5 3",
		"active s 1 - 5 -",
		"active s 2 - 5 -",
		"active t 0 7 10 3",
	})
	for i, row := range rows[:3] {
		if !strings.HasPrefix(row[6], "demo-consumer-") || row[8] != "demo-consumer" || row[7] == "-" {
			t.Errorf("assigned row %d member columns = %v", i, row[6:])
		}
	}
	if got := strings.Join(rows[3][6:], " "); got != "- - -" {
		t.Errorf("unassigned member columns = %q", got)
	}
	r = run(t, s, "lag", "describe", "--group", "active", "--summary")
	eq(t, "summary", table(r.out)[0], []string{"active", "Stable", "1", "2", "4", "6", "3"})
}

func TestDescribeCaughtUpAheadAndMissing(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 3})
	commit(t, c, "caught", "t", map[int32]int64{0: 10, 1: 5, 3: 3})
	// Commit ahead of the end offset (the partition holds 10 records).
	commit(t, c, "ahead", "t", map[int32]int64{0: 12})

	r := run(t, s, "lag", "describe", "--group", "caught", "--summary")
	eq(t, "caught up", table(r.out)[0], []string{"caught", "Empty", "0", "1", "3", "0", "0"})

	r = run(t, s, "lag", "describe", "--group", "ahead")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	eq(t, "ahead", cols(table(r.out), 1, 2, 3, 4, 5), []string{"t 0 12 10 0"})
	if !strings.Contains(r.err, "Warning: group 'ahead' committed offset 12 on t[0], ahead of the log-end offset 10: lag shown as 0") {
		t.Errorf("stderr = %q", r.err)
	}

	// A group that does not exist: Kafka's message, exit 1, and the
	// other group is still shown.
	r = run(t, s, "lag", "describe", "--group", "nope")
	if r.code != 1 || r.out != header || r.err != "Error: Consumer group 'nope' does not exist.\n" {
		t.Errorf("nope: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	// --summary: no row for it either (a "Dead 0 0 0" row would read as a
	// group without lag).
	r = run(t, s, "lag", "describe", "--group", "nope", "--group", "caught", "--summary")
	if r.code != 1 || r.err != "Consumer group 'caught' has no active members.\nError: Consumer group 'nope' does not exist.\n" {
		t.Errorf("nope --summary: exit %d, err %q", r.code, r.err)
	}
	eq(t, "summary without nope", cols(table(r.out), 0, 1), []string{"caught Empty"})
	r = run(t, s, "lag", "describe", "--group", "nope", "--group", "caught", "-o", "json")
	var v struct {
		Groups []struct {
			Group string  `json:"group"`
			Error *string `json:"error"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(r.out), &v); err != nil {
		t.Fatal(err)
	}
	if r.code != 1 || len(v.Groups) != 2 || v.Groups[0].Group != "caught" || v.Groups[0].Error != nil ||
		v.Groups[1].Group != "nope" || v.Groups[1].Error == nil || *v.Groups[1].Error != "Consumer group 'nope' does not exist." {
		t.Errorf("json: exit %d %s", r.code, r.out)
	}
	// Every key is there: progress is null outside watch mode.
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(r.out)); err != nil {
		t.Fatal(err)
	}
	if want := `{"groups":[` +
		`{"group":"caught","state":"Empty","protocolType":null,"coordinator":1,"memberCount":0,"totalLag":0,"maxLag":0,"maxTimeLagMs":null,"partitions":[` +
		`{"topic":"t","partition":0,"currentOffset":10,"logEndOffset":10,"lag":0,"timeLagMs":null,"consumerId":null,"host":null,"clientId":null},` +
		`{"topic":"t","partition":1,"currentOffset":5,"logEndOffset":5,"lag":0,"timeLagMs":null,"consumerId":null,"host":null,"clientId":null},` +
		`{"topic":"t","partition":3,"currentOffset":3,"logEndOffset":3,"lag":0,"timeLagMs":null,"consumerId":null,"host":null,"clientId":null}],"error":null,"progress":null},` +
		`{"group":"nope","state":"Dead","protocolType":null,"coordinator":1,"memberCount":0,"totalLag":0,"maxLag":0,"maxTimeLagMs":null,` +
		`"partitions":[],"error":"Consumer group 'nope' does not exist.","progress":null}]}`; compact.String() != want {
		t.Errorf("json\n got %s\nwant %s", compact.String(), want)
	}

	// --min-lag and --sort lag.
	commit(t, c, "big", "t", map[int32]int64{0: 0, 1: 0})
	r = run(t, s, "lag", "describe", "--all-groups", "--summary", "--sort", "lag")
	eq(t, "sorted", cols(table(r.out), 0, 5), []string{"big 15", "ahead 0", "caught 0"})
	r = run(t, s, "lag", "describe", "--all-groups", "--min-lag", "6")
	eq(t, "min-lag", cols(table(r.out), 0, 1, 2, 5), []string{"big t 0 10"})
	r = run(t, s, "lag", "describe", "--group-pattern", "^(big|caught)$", "--topic", "t", "--summary")
	eq(t, "pattern", cols(table(r.out), 0, 5), []string{"big 15", "caught 0"})
}

func TestDescribeDeletedTopicFailsOnlyItsGroup(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 3})
	if err := c.CreateTopic(context.Background(), "gone", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	produce(t, c, "gone", []int{8}, time.Now())
	commit(t, c, "gd", "gone", map[int32]int64{0: 5})
	commit(t, c, "gd", "t", map[int32]int64{0: 1})
	commit(t, c, "gok", "t", map[int32]int64{0: 2})
	// The topic is gone for the partition leaders while the commit is still
	// there (Kafka drops commits of deleted topics asynchronously; stale
	// metadata does the same): its end offset cannot be read.
	c.Kfake.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.ListOffsets}, Topic: "gone", Err: kerr.UnknownTopicOrPartition, Count: -1})
	r := run(t, s, "lag", "describe", "--all-groups")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1", r.code)
	}
	eq(t, "rows", cols(table(r.out), 0, 1, 2, 3, 4, 5), []string{
		"gd gone 0 5 - -",
		"gd t 0 1 10 9",
		"gok t 0 2 10 8",
	})
	if !strings.Contains(r.err, "Error: group 'gd': cannot read the log-end offset: gone[0] does not exist (topic deleted after the commit?)\n") || strings.Contains(r.err, "Error: group 'gok'") {
		t.Errorf("stderr = %q", r.err)
	}
	r = run(t, s, "lag", "describe", "--all-groups", "--summary", "-o", "json")
	var v struct {
		Groups []struct {
			Group    string  `json:"group"`
			TotalLag int64   `json:"totalLag"`
			Error    *string `json:"error"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(r.out), &v); err != nil {
		t.Fatal(err)
	}
	if r.code != 1 || len(v.Groups) != 2 || v.Groups[0].Error == nil || v.Groups[0].TotalLag != 9 || v.Groups[1].Error != nil || v.Groups[1].TotalLag != 8 {
		t.Errorf("json: exit %d %s", r.code, r.out)
	}
}

func TestDescribeCoordinatorMoved(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 3, Count: true})
	for i := 0; i < 6; i++ {
		commit(t, c, fmt.Sprintf("g%d", i), "t", map[int32]int64{0: int64(i)})
	}
	// NOT_COORDINATOR once for g0's offsets and description: one batched
	// lookup, and a retry for g0 alone.
	c.Kfake.Fault(
		kfake.Fault{Keys: []kmsg.Key{kmsg.OffsetFetch}, Group: "g0", Err: kerr.NotCoordinator},
		kfake.Fault{Keys: []kmsg.Key{kmsg.DescribeGroups}, Group: "g0", Err: kerr.NotCoordinator},
	)
	c.Counter.Reset()
	r := run(t, s, "lag", "describe", "--all-groups", "--summary")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	eq(t, "lags", cols(table(r.out), 0, 5), []string{"g0 10", "g1 9", "g2 8", "g3 7", "g4 6", "g5 5"})
	counts := c.Counter.Counts()
	coords := map[int32]bool{}
	for i := 0; i < 6; i++ {
		coords[c.Kfake.CoordinatorFor(fmt.Sprintf("g%d", i))] = true
	}
	if counts["FindCoordinator"] != 1 || counts["OffsetFetch"] != len(coords)+1 || counts["DescribeGroups"] != len(coords)+1 {
		t.Errorf("requests = %v (coordinators %d)", counts, len(coords))
	}

	// NOT_COORDINATOR that does not heal: g1 alone fails, after one
	// lookup and one retry; the other groups are shown; exit 1.
	stuck := c.Kfake.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.OffsetFetch}, Group: "g1", Err: kerr.NotCoordinator, Count: -1})
	r = run(t, s, "lag", "describe", "--all-groups", "--summary")
	eq(t, "g1 failing", cols(table(r.out), 0, 5, 6), []string{"g0 10 10", "g1 - -", "g2 8 8", "g3 7 7", "g4 6 6", "g5 5 5"})
	if r.code != 1 || !strings.Contains(r.err, `Error: fetch offsets of group "g1": the coordinator moved twice (`) || strings.Count(r.err, "Error:") != 1 {
		t.Errorf("persistent NOT_COORDINATOR: exit %d, stderr %q", r.code, r.err)
	}
	stuck.Remove()

	// The coordinators really move while the command runs: every group
	// still comes out right.
	c.Kfake.ControlKey(int16(kmsg.OffsetFetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.RehashCoordinators()
		c.Kfake.DropControl()
		return nil, nil, false
	})
	r = run(t, s, "lag", "describe", "--all-groups", "--summary")
	if r.code != 0 {
		t.Fatalf("after rehash: exit %d: %s", r.code, r.err)
	}
	eq(t, "lags after rehash", cols(table(r.out), 0, 5), []string{"g0 10", "g1 9", "g2 8", "g3 7", "g4 6", "g5 5"})
}

func TestDescribeOldBrokerPerGroupPath(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 3, Count: true, MaxVersions: kversion.V2_8_0()})
	for i := 0; i < 5; i++ {
		commit(t, c, fmt.Sprintf("g%d", i), "t", map[int32]int64{0: int64(i), 3: 1})
	}
	c.Counter.Reset()
	r := run(t, s, "lag", "describe", "--all-groups", "--summary")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	eq(t, "lags", cols(table(r.out), 0, 4, 5, 6), []string{"g0 2 12 10", "g1 2 11 9", "g2 2 10 8", "g3 2 9 7", "g4 2 8 6"})
	counts := c.Counter.Counts()
	if counts["OffsetFetch"] != 5 {
		t.Errorf("OffsetFetch requests = %d, want one per group (5): %v", counts["OffsetFetch"], counts)
	}
	for _, r := range c.Counter.Requests() {
		if r.Key == 9 && r.Version > 7 {
			t.Errorf("OffsetFetch v%d sent to a 2.8 broker", r.Version)
		}
	}
	r = run(t, s, "lag", "describe", "--group", "g3", "--group", "g4", "--summary")
	eq(t, "named", cols(table(r.out), 0, 5), []string{"g3 9", "g4 8"})
}

func TestDescribeTimeLag(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	if err := c.CreateTopic(context.Background(), "tl", 3, 1, nil); err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	produce(t, c, "tl", []int{10, 10, 10}, base) // record i at base + i minutes
	commit(t, c, "g", "tl", map[int32]int64{0: 3, 1: 10, 2: 9})
	s := testkit.Settings(c)
	leaders := map[int32]bool{c.Kfake.LeaderFor("tl", 0): true, c.Kfake.LeaderFor("tl", 2): true}
	c.Counter.Reset()
	start := time.Now()
	r := run(t, s, "lag", "describe", "--group", "g", "--time-lag", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if got := c.Counter.Counts()["Fetch"]; got != len(leaders) {
		t.Errorf("Fetch requests = %d, want one per leader of a lagging partition (%d)", got, len(leaders))
	}
	var v struct {
		Groups []struct {
			MaxTimeLagMs *int64 `json:"maxTimeLagMs"`
			Partitions   []struct {
				Lag       *int64 `json:"lag"`
				TimeLagMs *int64 `json:"timeLagMs"`
			} `json:"partitions"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(r.out), &v); err != nil {
		t.Fatal(err)
	}
	ps := v.Groups[0].Partitions
	end := time.Now()
	// The record at offset i was written with timestamp base + i minutes:
	// its age is between start and end minus that.
	within := func(got *int64, i int) bool {
		if got == nil {
			return false
		}
		ts := base.Add(time.Duration(i) * time.Minute)
		d := time.Duration(*got) * time.Millisecond
		return d >= start.Sub(ts)-time.Second && d <= end.Sub(ts)+time.Second
	}
	if *ps[0].Lag != 7 || !within(ps[0].TimeLagMs, 3) {
		t.Errorf("p0 lag %d time lag %v ms, want about 57m", *ps[0].Lag, ps[0].TimeLagMs)
	}
	if *ps[1].Lag != 0 || ps[1].TimeLagMs != nil {
		t.Errorf("p1 (caught up) time lag = %v, want null", ps[1].TimeLagMs)
	}
	if *ps[2].Lag != 1 || !within(ps[2].TimeLagMs, 9) {
		t.Errorf("p2 time lag = %v ms, want about 51m", ps[2].TimeLagMs)
	}
	if v.Groups[0].MaxTimeLagMs == nil || *v.Groups[0].MaxTimeLagMs != *ps[0].TimeLagMs {
		t.Errorf("max time lag = %v", v.Groups[0].MaxTimeLagMs)
	}
	r = run(t, s, "lag", "describe", "--group", "g", "--time-lag", "--summary")
	if h := strings.Fields(strings.SplitN(r.out, "\n", 2)[0]); h[len(h)-1] != "MAX-TIME-LAG" || !strings.HasPrefix(table(r.out)[0][7], "57m") {
		t.Errorf("summary:\n%s", r.out)
	}
}

func TestDescribeReadCommittedOpenTransaction(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "tx", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	produce(t, c, "tx", []int{3}, time.Now())
	p, err := c.Client(kgo.TransactionalID("kctl-test-txn"), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.DefaultProduceTopic("tx"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	// Two records in a transaction left open: HW 5, LSO 3.
	if err := p.ProduceSync(ctx, &kgo.Record{Value: []byte("a")}, &kgo.Record{Value: []byte("b")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	commit(t, c, "g", "tx", map[int32]int64{0: 1})
	s := testkit.Settings(c)
	r := run(t, s, "lag", "describe", "--group", "g")
	eq(t, "read_uncommitted", cols(table(r.out), 3, 4, 5), []string{"1 5 4"})
	r = run(t, s, "lag", "describe", "--group", "g", "--isolation", "read_committed", "--time-lag")
	eq(t, "read_committed", cols(table(r.out), 3, 4, 5), []string{"1 3 2"})
	if r.code != 0 {
		t.Errorf("exit %d: %s", r.code, r.err)
	}
}

func TestDescribeBadInputAndUnreachable(t *testing.T) {
	t.Parallel()
	s := config.Settings{Brokers: []string{"127.0.0.1:1"}, SecurityProtocol: config.Plaintext, Timeout: 3 * time.Second}
	for _, args := range [][]string{
		{"lag", "describe"},
		{"lag", "describe", "--group", "g", "--all-groups"},
		{"lag", "describe", "--group-pattern", "("},
		{"lag", "describe", "--group", "g", "--isolation", "snapshot"},
		{"lag", "describe", "--group", "g", "--sort", "size"},
		{"lag", "describe", "--group", "g", "--sort", "time-lag"},
		{"lag", "describe", "--group", "g", "--min-lag", "-1"},
		{"lag", "describe", "--group", "g", "--watch", "1ms"},
		{"lag", "describe", "--group", ""},
	} {
		r := run(t, s, args...)
		if r.code != 2 || !strings.HasPrefix(r.err, "Error: ") || r.out != "" {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
	start := time.Now()
	r := run(t, s, "lag", "describe", "--group", "g")
	if r.code != 1 || !strings.Contains(r.err, "127.0.0.1:1") || time.Since(start) > 10*time.Second {
		t.Errorf("unreachable: exit %d after %v, stderr %q", r.code, time.Since(start), r.err)
	}
}

func TestDescribeWatch(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 1})
	commit(t, c, "w", "t", map[int32]int64{0: 2})
	r := run(t, s, "lag", "describe", "--group", "w", "--summary", "--watch", "150ms", "--iterations", "2")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	parts := strings.Split(strings.TrimSpace(r.out), "\n\n")
	if len(parts) != 2 {
		t.Fatalf("want 2 snapshots:\n%s", r.out)
	}
	eq(t, "first", table(parts[0])[0], []string{"w", "Empty", "0", "1", "1", "8", "8"})
	eq(t, "second", table(parts[1])[0], []string{"w", "Empty", "0", "1", "1", "8", "8", "0", "0.0/s", "0.0/s", "never"})
	r = run(t, s, "lag", "describe", "--group", "w", "--watch", "150ms", "--iterations", "2", "-o", "json")
	dec := json.NewDecoder(strings.NewReader(r.out))
	var n int
	for dec.More() {
		var v struct {
			Groups []struct {
				Progress *struct {
					LagChange    int64  `json:"lagChange"`
					CatchUpEtaMs *int64 `json:"catchUpEtaMs"`
				} `json:"progress"`
			} `json:"groups"`
		}
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if (n == 0) != (v.Groups[0].Progress == nil) {
			t.Errorf("snapshot %d progress = %+v", n, v.Groups[0].Progress)
		}
		n++
	}
	if n != 2 {
		t.Errorf("json snapshots = %d", n)
	}
	// YAML: a stream of documents, separated.
	r = run(t, s, "lag", "describe", "--group", "w", "--watch", "150ms", "--iterations", "2", "-o", "yaml")
	docs := strings.Split(r.out, "\n---\n")
	if r.code != 0 || len(docs) != 2 || !strings.HasPrefix(docs[0], "groups:\n") || !strings.HasPrefix(docs[1], "groups:\n") || !strings.Contains(docs[1], "progress:") {
		t.Errorf("yaml watch: exit %d\n%s", r.code, r.out)
	}
}

func TestDescribeSASLSSLAndAuthorization(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, SASL: "scram-sha-512", User: "admin", Password: "admin-secret",
		TLSDir: t.TempDir(), ACLs: true, Extra: []kfake.Opt{kfake.User("SCRAM-SHA-512", "bob", "bob-secret")}})
	if err := c.CreateTopic(context.Background(), "t", 4, 1, nil); err != nil {
		t.Fatal(err)
	}
	produce(t, c, "t", []int{10, 5, 0, 3}, time.Now())
	commit(t, c, "g1", "t", map[int32]int64{0: 4, 1: 5})
	secure := func(user, pass string) config.Settings {
		return config.Settings{Brokers: c.Addrs, SecurityProtocol: config.SASLSSL, Timeout: 10 * time.Second,
			SASL: config.SASL{Mechanism: config.MechSHA512, Username: user, Password: pass}, TLS: config.TLS{CAFile: c.TLS.CA}}
	}
	// Dedicated connections (parallel requests) authenticate like the
	// client's own.
	r := run(t, secure("admin", "admin-secret"), "lag", "describe", "--all-groups")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	eq(t, "rows", cols(table(r.out), 0, 1, 2, 3, 4, 5), []string{"g1 t 0 4 10 6", "g1 t 1 5 5 0"})
	r = run(t, secure("admin", "admin-secret"), "lag", "describe", "--group", "g1", "--time-lag", "--summary")
	if r.code != 0 || table(r.out)[0][5] != "6" {
		t.Errorf("time lag over SASL_SSL: exit %d\n%s%s", r.code, r.out, r.err)
	}
	// bob has no ACL on the group: a clear authorization error, exit 1.
	r = run(t, secure("bob", "bob-secret"), "lag", "describe", "--group", "g1")
	if r.code != 1 || !strings.Contains(r.err, "not authorized") || !strings.Contains(r.err, "User:bob") {
		t.Errorf("bob: exit %d, stderr %q", r.code, r.err)
	}
	// bob may read g2 (and topic t) only: g2's lag shows, g1 fails
	// beside it, exit 1.
	commit(t, c, "g2", "t", map[int32]int64{0: 7})
	if r := run(t, secure("admin", "admin-secret"), "acl", "add", "--allow-principal", "User:bob", "--consumer", "--topic", "t", "--group", "g2"); r.code != 0 {
		t.Fatalf("acl add: exit %d %s", r.code, r.err)
	}
	r = run(t, secure("bob", "bob-secret"), "lag", "describe", "--group", "g1", "--group", "g2")
	eq(t, "bob's rows", cols(table(r.out), 0, 1, 2, 3, 4, 5), []string{"g2 t 0 7 10 3"})
	if r.code != 1 || !strings.Contains(r.err, "not authorized") || !strings.Contains(r.err, "g1") || strings.Contains(r.err, "Error: group 'g2'") {
		t.Errorf("bob g1+g2: exit %d, stderr %q", r.code, r.err)
	}
}

// Two real sarama consumer-group members (the client applications run):
// every assigned partition shows its member, with or without a commit, and
// the committed-but-unassigned partition comes last with "-".
func TestDescribeSaramaMembers(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 3})
	if err := c.CreateTopic(context.Background(), "s", 4, 1, nil); err != nil {
		t.Fatal(err)
	}
	produce(t, c, "s", []int{4, 4, 4, 4}, time.Now())
	commit(t, c, "apps", "s", map[int32]int64{0: 1, 3: 4})
	commit(t, c, "apps", "t", map[int32]int64{1: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, id := range []string{"app-1", "app-2"} {
		m, err := kafkatest.JoinGroup(ctx, c.Addrs, "apps", id, "s")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(m.Close)
	}
	// The second join rebalances the group: wait until both own partitions.
	var r result
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		r = run(t, s, "lag", "describe", "--group", "apps")
		owners := map[string]int{}
		for _, row := range table(r.out) {
			owners[row[8]]++
		}
		if r.code == 0 && owners["app-1"] == 2 && owners["app-2"] == 2 && r.err == "" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	rows := table(r.out)
	eq(t, "rows", cols(rows, 0, 1, 2, 3, 4, 5), []string{
		"apps s 0 1 4 3",
		"apps s 1 - 4 -",
		"apps s 2 - 4 -",
		"apps s 3 4 4 0",
		"apps t 1 2 5 3",
	})
	for _, row := range rows[:4] {
		if row[8] != "app-1" && row[8] != "app-2" || row[6] == "-" || row[7] == "-" {
			t.Errorf("assigned row without its member: %v", row)
		}
	}
	if strings.Join(rows[4][6:], " ") != "- - -" {
		t.Errorf("unassigned row: %v", rows[4])
	}
	r = run(t, s, "lag", "describe", "--group", "apps", "--summary")
	eq(t, "summary", table(r.out)[0], []string{"apps", "Stable", "2", "2", "5", "6", "3"})
}

// Apache Kafka answers OffsetFetch for a group it does not know with no
// error and no offsets (kfake: GROUP_ID_NOT_FOUND), and DescribeGroups v5
// with state Dead and no members. kafka-consumer-groups.sh then says the
// group does not exist; so does kctl, exit 1, whichever way it is told.
func TestDescribeUnknownGroupAsKafkaAnswers(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 3})
	commit(t, c, "real", "t", map[int32]int64{0: 4})
	// The unknown group's OffsetFetch goes alone to its coordinator.
	nope := "nope"
	for i := 0; c.Kfake.CoordinatorFor(nope) == c.Kfake.CoordinatorFor("real"); i++ {
		nope = fmt.Sprintf("nope%d", i)
	}
	answered := make(chan struct{}, 16)
	c.Kfake.ControlKey(int16(kmsg.OffsetFetch), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		req := kr.(*kmsg.OffsetFetchRequest)
		if len(req.Groups) != 1 || req.Groups[0].Group != nope {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.OffsetFetchResponse)
		resp.Version = req.Version
		g := kmsg.NewOffsetFetchResponseGroup()
		g.Group = nope
		resp.Groups = append(resp.Groups, g)
		answered <- struct{}{}
		return resp, nil, true
	})
	r := run(t, s, "lag", "describe", "--group", nope, "--group", "real")
	if len(answered) == 0 {
		t.Fatal("the Kafka-style OffsetFetch answer was not used")
	}
	if r.code != 1 || r.err != "Consumer group 'real' has no active members.\nError: Consumer group '"+nope+"' does not exist.\n" {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
	eq(t, "rows", cols(table(r.out), 0, 1, 2, 3, 4, 5), []string{"real t 0 4 10 6"})
	r = run(t, s, "lag", "describe", "--group", nope, "-o", "json")
	if r.code != 1 || !strings.Contains(r.out, `"error": "Consumer group '`+nope+`' does not exist."`) || !strings.Contains(r.out, `"state": "Dead"`) {
		t.Errorf("json: exit %d\n%s", r.code, r.out)
	}
	r = run(t, s, "group", "describe", nope)
	if r.code != 1 || r.err != "Error: Consumer group '"+nope+"' does not exist.\n" {
		t.Errorf("group describe: exit %d, stderr %q", r.code, r.err)
	}
}

// hang makes broker node leave requests of key unanswered until the test
// ends (a broker that accepts connections but never answers: the on-call
// case).
func hang(t *testing.T, c *sandbox.Cluster, key kmsg.Key, node int32) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	c.Kfake.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		if c.Kfake.CurrentNode() == node {
			c.Kfake.SleepControl(func() { <-release })
		}
		return nil, nil, false
	})
}

// A broker that never answers fails only what it holds: its step of the
// plan gets a share of --timeout, then the rest runs, and the command ends
// within --timeout, exit 1, the other groups shown.
func TestDescribeHungBroker(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*sandbox.Cluster, config.Settings) {
		c, s := cluster(t, sandbox.Options{Brokers: 3})
		for i := 0; i < 6; i++ {
			commit(t, c, fmt.Sprintf("g%d", i), "t", map[int32]int64{1: int64(i)})
		}
		s.Timeout = 3 * time.Second
		return c, s
	}
	timed := func(t *testing.T, s config.Settings, args ...string) result {
		start := time.Now()
		r := run(t, s, args...)
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("%v took %v with --timeout 3s", args, d)
		}
		return r
	}
	// coordinated lists the groups broker node coordinates and the others.
	coordinated := func(c *sandbox.Cluster, node int32) (on, off []string) {
		for i := 0; i < 6; i++ {
			g := fmt.Sprintf("g%d", i)
			if c.Kfake.CoordinatorFor(g) == node {
				on = append(on, g)
			} else {
				off = append(off, g)
			}
		}
		return on, off
	}
	lags := func(gs []string) []string {
		var out []string
		for _, g := range gs {
			out = append(out, fmt.Sprintf("%s %d", g, 5-(g[1]-'0')))
		}
		return out
	}

	t.Run("ListGroups", func(t *testing.T) {
		t.Parallel()
		c, s := setup(t)
		node := c.Kfake.CoordinatorFor("g0")
		hang(t, c, kmsg.ListGroups, node)
		_, others := coordinated(c, node)
		r := timed(t, s, "lag", "describe", "--all-groups", "--summary")
		eq(t, "groups of the brokers that answered", cols(table(r.out), 0, 5), lags(others))
		if want := fmt.Sprintf("Error: broker %d did not list its groups (they are missing here): ", node); r.code != 1 || !strings.Contains(r.err, want) || !strings.Contains(r.err, "no answer within the timeout") {
			t.Errorf("exit %d, stderr %q", r.code, r.err)
		}
	})
	t.Run("OffsetFetch", func(t *testing.T) {
		t.Parallel()
		c, s := setup(t)
		node := c.Kfake.CoordinatorFor("g0")
		hang(t, c, kmsg.OffsetFetch, node)
		stuck, others := coordinated(c, node)
		args := []string{"lag", "describe", "--summary"}
		for i := 0; i < 6; i++ {
			args = append(args, "--group", fmt.Sprintf("g%d", i))
		}
		r := timed(t, s, args...)
		var got []string
		for _, row := range table(r.out) {
			if row[5] != "-" {
				got = append(got, row[0]+" "+row[5])
			}
		}
		eq(t, "groups whose coordinator answered", got, lags(others))
		for _, g := range stuck {
			if !strings.Contains(r.err, fmt.Sprintf("Error: fetch offsets of group %q", g)) {
				t.Errorf("no error for %s: %q", g, r.err)
			}
		}
		if r.code != 1 {
			t.Errorf("exit %d", r.code)
		}
	})
	t.Run("ListOffsets", func(t *testing.T) {
		t.Parallel()
		c, s := setup(t)
		commit(t, c, "elsewhere", "t", map[int32]int64{})
		leader := c.Kfake.LeaderFor("t", 1)
		// A group committed on a partition another broker leads (kfake
		// places partitions at random and may put all four on one
		// broker: move partition 0 away when it shares t[1]'s leader).
		other := int32(0)
		if c.Kfake.LeaderFor("t", other) == leader {
			if err := c.Kfake.MoveTopicPartition("t", other, (leader+1)%3); err != nil {
				t.Fatal(err)
			}
		}
		if c.Kfake.LeaderFor("t", other) == leader {
			t.Fatalf("t[%d] still led by %d", other, leader)
		}
		commit(t, c, "elsewhere", "t", map[int32]int64{other: 0})
		hang(t, c, kmsg.ListOffsets, leader)
		r := timed(t, s, "lag", "describe", "--all-groups")
		eq(t, "the partition whose leader answered", cols(table(r.out)[:1], 0, 1, 2, 5), []string{fmt.Sprintf("elsewhere t %d %d", other, []int{10, 5, 0, 3}[other])})
		if r.code != 1 || !strings.Contains(r.err, "Error: group 'g0': cannot read the log-end offset: t[1]") || strings.Contains(r.err, "group 'elsewhere'") {
			t.Errorf("exit %d, stderr %q", r.code, r.err)
		}
	})
	t.Run("Fetch", func(t *testing.T) {
		t.Parallel()
		c, s := setup(t)
		hang(t, c, kmsg.Fetch, c.Kfake.LeaderFor("t", 1))
		r := timed(t, s, "lag", "describe", "--group", "g0", "--time-lag")
		// The lag is read; only the time lag is missing.
		eq(t, "lag without time lag", cols(table(r.out), 0, 1, 2, 3, 4, 5, 6), []string{"g0 t 1 0 5 5 -"})
		if r.code != 0 {
			t.Errorf("exit %d, stderr %q", r.code, r.err)
		}
	})
}

// Nested fan-outs stay within the plan's connections: on brokers older than
// 3.0 OffsetFetch carries one group, so the fetch fans out per coordinator
// (up to 16) and then per group (up to 8 each), but a request needs a
// connection of its own and the plan sized them (3 per broker), so at most
// 9 requests are in flight at once on 3 brokers, counted at the brokers
// while each request is held 20 ms.
func TestNestedFanOutsStayWithinThePlansConnections(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 3, MaxVersions: kversion.V2_8_0()})
	var args []string
	perCoordinator := map[int32]int{}
	for i := 0; i < 60; i++ {
		g := fmt.Sprintf("g%02d", i)
		commit(t, c, g, "t", map[int32]int64{0: 1})
		perCoordinator[c.Kfake.CoordinatorFor(g)]++
		args = append(args, "--group", g)
	}
	if len(perCoordinator) != 3 {
		t.Fatalf("groups on %d coordinators, want 3 (the nesting needs several)", len(perCoordinator))
	}
	var mu sync.Mutex
	inFlight, peak, fetches := 0, 0, 0
	c.Kfake.ControlKey(int16(kmsg.OffsetFetch), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		mu.Lock()
		inFlight++
		fetches++
		peak = max(peak, inFlight)
		mu.Unlock()
		c.Kfake.SleepControl(func() { time.Sleep(20 * time.Millisecond) })
		mu.Lock()
		inFlight--
		mu.Unlock()
		return nil, nil, false
	})
	for _, cmd := range [][]string{
		{"lag", "describe", "--summary"},
		{"offsets", "reset", "--topic", "t", "--to-latest"},
	} {
		mu.Lock()
		peak, fetches = 0, 0
		mu.Unlock()
		r := run(t, s, append(cmd, args...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", cmd, r.code, r.err)
		}
		mu.Lock()
		t.Logf("%v: %d OffsetFetch, at most %d in flight", cmd, fetches, peak)
		if fetches != 60 || peak > 9 || peak < 2 {
			t.Errorf("%v: %d OffsetFetch, at most %d in flight at once; want 60, between 2 and 9", cmd, fetches, peak)
		}
		mu.Unlock()
	}
}
