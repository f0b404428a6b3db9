package offsets_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	cliofs "github.com/kctl-dev/kctl/pkg/cli/offsets"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// base is 2026-11-25T10:00:00Z. The fixture:
//
//	orders p0: 5 records at base+0,1,2,3,4 min  (offsets 0-4, log-end 5)
//	orders p1: 3 records at base+0,2,4 min      (offsets 0-2, log-end 3)
//	orders p2: empty                            (log-end 0)
//	events p0: 10 records at base+i s, records before 4 deleted (log [4,10))
//
// Group g1 commits orders p0=1, p1=1 and events p0=6; g2 commits orders
// p0=3 only.
var base = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) { clitest.Main(m) }

func fixture(t testing.TB, opts sandbox.Options) *sandbox.Cluster {
	t.Helper()
	if opts.Brokers == 0 {
		opts.Brokers = 2
	}
	c := testkit.Cluster(t, opts)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.CreateTopic(ctx, "orders", 3, 1, nil))
	must(c.CreateTopic(ctx, "events", 1, 1, nil))
	var recs []sandbox.Record
	for i := 0; i < 5; i++ {
		recs = append(recs, sandbox.Record{Partition: 0, Value: fmt.Sprint(i), Timestamp: base.Add(time.Duration(i) * time.Minute)})
	}
	for i := 0; i < 3; i++ {
		recs = append(recs, sandbox.Record{Partition: 1, Value: fmt.Sprint(i), Timestamp: base.Add(time.Duration(2*i) * time.Minute)})
	}
	must(c.Produce(ctx, "orders", recs))
	recs = nil
	for i := 0; i < 10; i++ {
		recs = append(recs, sandbox.Record{Partition: 0, Value: fmt.Sprint(i), Timestamp: base.Add(time.Duration(i) * time.Second)})
	}
	must(c.Produce(ctx, "events", recs))
	must(c.Kfake.DeleteRecords("events", 0, 4))
	must(c.Commit(ctx, "g1", "orders", map[int32]int64{0: 1, 1: 1}))
	must(c.Commit(ctx, "g1", "events", map[int32]int64{0: 6}))
	must(c.Commit(ctx, "g2", "orders", map[int32]int64{0: 3}))
	return c
}

func run(t testing.TB, c *sandbox.Cluster, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, "", append([]string{"--brokers", c.Bootstrap(), "--timeout", "15s"}, args...)...)
}

type tpk struct {
	topic string
	part  int32
}

// committed reads a group's commits with franz-go, independently of kctl.
func committed(t testing.TB, c *sandbox.Cluster, group string) map[tpk]int64 {
	t.Helper()
	cl, err := c.Client(kgo.MaxVersions(kversion.V3_9_0()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrOffsetFetchRequest()
	req.Group = group
	resp, err := req.RequestWith(context.Background(), cl)
	if err != nil {
		t.Fatal(err)
	}
	out := map[tpk]int64{}
	if resp.ErrorCode != 0 && resp.ErrorCode != kerr.GroupIDNotFound.Code {
		t.Fatalf("offset fetch %s: %v", group, kerr.ErrorForCode(resp.ErrorCode))
	}
	for _, tt := range resp.Topics {
		for _, p := range tt.Partitions {
			if p.ErrorCode == 0 && p.Offset >= 0 {
				out[tpk{tt.Topic, p.Partition}] = p.Offset
			}
		}
	}
	return out
}

var g1Start = map[tpk]int64{{"orders", 0}: 1, {"orders", 1}: 1, {"events", 0}: 6}
var g2Start = map[tpk]int64{{"orders", 0}: 3}

func assertCommitted(t testing.TB, c *sandbox.Cluster, group string, want map[tpk]int64) {
	t.Helper()
	if got := committed(t, c, group); !reflect.DeepEqual(got, want) {
		t.Fatalf("group %s committed %v, want %v", group, got, want)
	}
}

func parseView(t testing.TB, r clitest.Result) cliofs.View {
	t.Helper()
	var v cliofs.View
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s\nstderr: %s", err, r.Stdout, r.Stderr)
	}
	// An absent note, undo file or error is null, never "".
	for _, k := range []string{`"note": ""`, `"undoFile": ""`, `"error": ""`} {
		if strings.Contains(r.Stdout, k) {
			t.Errorf("JSON has %s where null is expected:\n%s", k, r.Stdout)
		}
	}
	return v
}

// str reads a nullable JSON string ("" for null).
func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// line is a partition's plan as "current>new lag note".
func lines(v cliofs.View) map[string]string {
	out := map[string]string{}
	for _, g := range v.Groups {
		for _, p := range g.Partitions {
			s := func(p *int64) string {
				if p == nil {
					return "-"
				}
				return fmt.Sprint(*p)
			}
			k := fmt.Sprintf("%s/%s/%d", g.Group, p.Topic, p.Partition)
			out[k] = strings.TrimSpace(fmt.Sprintf("%s>%s lag=%s %s", s(p.CurrentOffset), s(p.NewOffset), s(p.LagAfter), str(p.Note)))
		}
	}
	return out
}

func TestResetToDatetimeBetweenOnBeforeAfter(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	cases := []struct {
		name, ts string
		want     map[string]string
	}{
		{"between two records", "2026-11-25T10:01:30Z", map[string]string{
			"g1/orders/0": "1>2 lag=3", "g1/orders/1": "1>1 lag=2",
			"g1/orders/2": "->0 lag=0 no record at or after the timestamp: log-end offset 0"}},
		{"exactly on a record", "2026-11-25T10:02:00Z", map[string]string{
			"g1/orders/0": "1>2 lag=3", "g1/orders/1": "1>1 lag=2",
			"g1/orders/2": "->0 lag=0 no record at or after the timestamp: log-end offset 0"}},
		{"one ms after a record", "2026-11-25T10:02:00.001Z", map[string]string{
			"g1/orders/0": "1>3 lag=2", "g1/orders/1": "1>2 lag=1",
			"g1/orders/2": "->0 lag=0 no record at or after the timestamp: log-end offset 0"}},
		{"before the first", "2026-11-25T09:00:00Z", map[string]string{
			"g1/orders/0": "1>0 lag=5", "g1/orders/1": "1>0 lag=3",
			"g1/orders/2": "->0 lag=0 no record at or after the timestamp: log-end offset 0"}},
		{"after the last", "2026-11-25T11:00:00Z", map[string]string{
			"g1/orders/0": "1>5 lag=0 no record at or after the timestamp: log-end offset 5",
			"g1/orders/1": "1>3 lag=0 no record at or after the timestamp: log-end offset 3",
			"g1/orders/2": "->0 lag=0 no record at or after the timestamp: log-end offset 0"}},
	}
	for _, tc := range cases {
		r := run(t, c, "offsets", "reset", "--group", "g1", "--topic", "orders", "--to-datetime", tc.ts, "-o", "json")
		if r.Code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.name, r.Code, r.Stderr)
		}
		v := parseView(t, r)
		if got := lines(v); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: plan\n%v\nwant\n%v", tc.name, got, tc.want)
		}
		if v.Groups[0].Executed || v.Groups[0].State != "Empty" || v.UndoFile != nil || v.Groups[0].Error != nil {
			t.Errorf("%s: group view %+v undo %q, want null undoFile and error", tc.name, v.Groups[0], str(v.UndoFile))
		}
		if !strings.Contains(r.Stderr, "Dry run: nothing was changed") {
			t.Errorf("%s: stderr lacks the dry-run note: %s", tc.name, r.Stderr)
		}
	}
	// Dry runs change nothing.
	assertCommitted(t, c, "g1", g1Start)
}

func TestResetEveryTimeFormat(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	// All of these are 2026-11-25T10:02:00Z = 1795600920000, on orders
	// p0's third record: the plan is offset 2.
	forms := [][]string{
		{"2026-11-25T10:02:00Z"},
		{"2026-11-25T12:02:00+02:00"},
		{"2026-11-25T10:02:00.000"},
		{"2026-11-25T10:02:00.000Z"},
		{"2026-11-25T11:02:00.000+01"},
		{"2026-11-25T11:02:00.000+0100"},
		{"2026-11-25T11:02:00.000+01:00"},
		{"2026-11-25T05:02:00.000-05:00"},
		{"2026-11-25T10:02:00"},
		{"2026-11-25T10:02"},
		{"1795600920000"},
		{"1795600920"},
		{"2026-11-25T11:02", "--timezone", "Europe/Paris"},
		{"2026-11-25T11:02:00.000", "--timezone", "+01:00"},
		{"2026-11-25T05:02:00", "--timezone", "America/New_York"},
	}
	for _, f := range forms {
		args := append([]string{"offsets", "reset", "-g", "g1", "-t", "orders:0", "-o", "json", "--to-datetime"}, f...)
		r := run(t, c, args...)
		if r.Code != 0 {
			t.Fatalf("%v: exit %d: %s", f, r.Code, r.Stderr)
		}
		v := parseView(t, r)
		if got := lines(v)["g1/orders/0"]; got != "1>2 lag=3" {
			t.Errorf("%v: plan %q", f, got)
		}
		if v.ResolvedTime == nil || v.ResolvedTime.EpochMs != 1795600920000 || v.ResolvedTime.UTC != "2026-11-25T10:02:00.000Z" {
			t.Errorf("%v: resolved %+v", f, v.ResolvedTime)
		}
	}
	// A date alone is midnight: before every record.
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders:0", "-o", "json", "--to-datetime", "2026-11-25")
	if got := lines(parseView(t, r))["g1/orders/0"]; got != "1>0 lag=5" {
		t.Errorf("date alone: %q (%s)", got, r.Stderr)
	}
	assertCommitted(t, c, "g1", g1Start)
}

func TestResetTimezone(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	// 11:02 read in UTC (the default, as Kafka) is after every record.
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders:0", "--to-datetime", "2026-11-25T11:02")
	if r.Code != 0 || !strings.Contains(r.Stderr, "Resetting to --to-datetime 2026-11-25T11:02: 2026-11-25T11:02:00.000Z (UTC, epoch ms 1795604520000)") {
		t.Fatalf("UTC default: %d %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "g1     orders  0          1               5           0") {
		t.Errorf("UTC default table:\n%s", r.Stdout)
	}
	// The same wall time in Paris is 10:02Z, echoed in both zones.
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders:0", "--to-datetime", "2026-11-25T11:02", "--timezone", "Europe/Paris")
	if r.Code != 0 || !strings.Contains(r.Stderr, "2026-11-25T10:02:00.000Z = 2026-11-25T11:02:00.000+01:00 in Europe/Paris (epoch ms 1795600920000)") {
		t.Fatalf("Paris: %d %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "g1     orders  0          1               2           3") {
		t.Errorf("Paris table:\n%s", r.Stdout)
	}
	// An explicit offset wins over --timezone.
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders:0", "-o", "json", "--to-datetime", "2026-11-25T10:02:00Z", "--timezone", "Asia/Tokyo")
	if got := lines(parseView(t, r))["g1/orders/0"]; got != "1>2 lag=3" {
		t.Errorf("explicit zone: %q", got)
	}
	// A wall time skipped by daylight saving is rejected.
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "--to-datetime", "2026-03-29T02:30", "--timezone", "Europe/Paris")
	if r.Code != 2 || !strings.Contains(r.Stderr, "does not exist in Europe/Paris") {
		t.Errorf("DST gap: %d %s", r.Code, r.Stderr)
	}
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "--to-datetime", "2026-10-25T02:30", "--timezone", "Europe/Paris")
	if r.Code != 2 || !strings.Contains(r.Stderr, "happens twice in Europe/Paris") {
		t.Errorf("DST overlap: %d %s", r.Code, r.Stderr)
	}
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "--to-datetime", "2026-11-25T10:00", "--timezone", "Mars/Olympus")
	if r.Code != 2 || !strings.Contains(r.Stderr, `unknown --timezone "Mars/Olympus"`) {
		t.Errorf("bad zone: %d %s", r.Code, r.Stderr)
	}
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "--to-earliest", "--timezone", "Europe/Paris")
	if r.Code != 2 || !strings.Contains(r.Stderr, "--timezone applies to --to-datetime only") {
		t.Errorf("zone without datetime: %d %s", r.Code, r.Stderr)
	}
	assertCommitted(t, c, "g1", g1Start)
}

func TestResetRejectedTimesTouchNothing(t *testing.T) {
	t.Parallel()
	// A closed port: rejection happens before any connection.
	for _, ts := range []string{"yesterday", "2026-11-25 10", "25/11/2026", "2026-02-30", "2026-11-25T25:00", "179560092000",
		"2026-11-25T10:00:00+1", "2026-11-25T10:00:00 CET", ""} {
		r := clitest.Run(t, "", "--brokers", "127.0.0.1:1", "--timeout", "2s", "offsets", "reset", "-g", "g", "-t", "t", "--to-datetime", ts)
		if ts == "" {
			// An empty value is no spec at all.
			if r.Code != 2 || !strings.Contains(r.Stderr, "give one reset spec") {
				t.Errorf("%q: %d %s", ts, r.Code, r.Stderr)
			}
			continue
		}
		if r.Code != 2 || !strings.Contains(r.Stderr, "invalid --to-datetime") || !strings.Contains(r.Stderr, "accepted forms:") ||
			!strings.Contains(r.Stderr, "epoch seconds (10 digits)") || r.Stdout != "" {
			t.Errorf("%q: exit %d\n%s", ts, r.Code, r.Stderr)
		}
	}
	for _, d := range []string{"-1h", "P1Y", "2 days", "soon"} {
		r := clitest.Run(t, "", "--brokers", "127.0.0.1:1", "offsets", "reset", "-g", "g", "-t", "t", "--by-duration", d)
		if r.Code != 2 || !strings.Contains(r.Stderr, "invalid --by-duration") || !strings.Contains(r.Stderr, "PT1H30M") {
			t.Errorf("%q: exit %d\n%s", d, r.Code, r.Stderr)
		}
	}
}

func TestResetFlagErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-t", "t", "--to-latest"}, "give --group G (repeatable) or --all-groups"},
		{[]string{"-g", "g", "--to-latest"}, "give the scope"},
		{[]string{"-g", "g", "-t", "t"}, "give one reset spec"},
		{[]string{"-g", "g", "-t", "t", "--to-latest", "--to-earliest"}, "give exactly one reset spec, got --to-earliest, --to-latest"},
		{[]string{"-g", "g", "-t", "t", "--to-offset", "0", "--shift-by", "0"}, "got --to-offset, --shift-by"},
		{[]string{"-g", "g", "--all-groups", "-t", "t", "--to-latest"}, "not both"},
		{[]string{"-g", "g", "-t", "t", "--all-topics", "--to-latest"}, "give --topic or --all-topics, not both"},
		{[]string{"-g", "g", "-t", "t:x", "--to-latest"}, `partition "x" is not a non-negative number`},
		{[]string{"-g", "g", "-t", "bad topic", "--to-latest"}, "invalid --topic"},
		{[]string{"-g", "g", "-t", "t", "--to-offset", "-3"}, "--to-offset must be 0 or more"},
		{[]string{"-g", "g", "-t", "t", "--to-latest", "--undo-file", "x"}, "--undo-file applies to --execute only"},
		{[]string{"-g", "g", "-t", "t", "--from-file", "x.csv"}, "drop --topic"},
		{[]string{"-g", "g", "--from-file", "/nonexistent/x.csv"}, "--from-file: open /nonexistent/x.csv"},
		{[]string{"-g", "g", "-t", "t", "--to-latest", "--export", "-", "-o", "json"}, "cannot be combined with -o json"},
		{[]string{"-g", "g", "-t", "t", "--to-latest", "extra"}, "takes no arguments"},
	}
	for _, tc := range cases {
		r := clitest.Run(t, "", append([]string{"--brokers", "127.0.0.1:1", "offsets", "reset"}, tc.args...)...)
		if r.Code != 2 || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, r.Code, r.Stderr, tc.want)
		}
	}
}

func TestResetSpecs(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	cases := []struct {
		args []string
		code int
		want map[string]string
	}{
		{[]string{"--to-earliest"}, 0, map[string]string{"g1/orders/0": "1>0 lag=5", "g1/orders/1": "1>0 lag=3", "g1/orders/2": "->0 lag=0", "g1/events/0": "6>4 lag=6"}},
		{[]string{"--to-latest"}, 0, map[string]string{"g1/orders/0": "1>5 lag=0", "g1/orders/1": "1>3 lag=0", "g1/orders/2": "->0 lag=0", "g1/events/0": "6>10 lag=0"}},
		{[]string{"--to-offset", "2"}, 0, map[string]string{"g1/orders/0": "1>2 lag=3", "g1/orders/1": "1>2 lag=1",
			"g1/orders/2": "->0 lag=0 requested 2 is above the log-end offset 0: set to 0",
			"g1/events/0": "6>4 lag=6 requested 2 is below the log-start offset 4: set to 4"}},
		{[]string{"--to-offset", "99"}, 0, map[string]string{"g1/orders/0": "1>5 lag=0 requested 99 is above the log-end offset 5: set to 5",
			"g1/orders/1": "1>3 lag=0 requested 99 is above the log-end offset 3: set to 3",
			"g1/orders/2": "->0 lag=0 requested 99 is above the log-end offset 0: set to 0",
			"g1/events/0": "6>10 lag=0 requested 99 is above the log-end offset 10: set to 10"}},
		{[]string{"--to-current"}, 0, map[string]string{"g1/orders/0": "1>1 lag=4", "g1/orders/1": "1>1 lag=2",
			"g1/orders/2": "->0 lag=0 no committed offset: log-end offset 0", "g1/events/0": "6>6 lag=4"}},
		// --shift-by on a partition without a commit: an error for it.
		{[]string{"--shift-by", "2"}, 1, map[string]string{"g1/orders/0": "1>3 lag=2", "g1/orders/1": "1>3 lag=0",
			"g1/orders/2": "->- lag=- error: cannot shift orders[2]: the group has no committed offset for it", "g1/events/0": "6>8 lag=2"}},
		{[]string{"--shift-by", "-3"}, 1, map[string]string{"g1/orders/0": "1>0 lag=5 requested -2 is below the log-start offset 0: set to 0",
			"g1/orders/1": "1>0 lag=3 requested -2 is below the log-start offset 0: set to 0",
			"g1/orders/2": "->- lag=- error: cannot shift orders[2]: the group has no committed offset for it",
			"g1/events/0": "6>4 lag=6 requested 3 is below the log-start offset 4: set to 4"}},
	}
	for _, tc := range cases {
		args := append([]string{"offsets", "reset", "-g", "g1", "-t", "orders", "-t", "events", "-o", "json"}, tc.args...)
		r := run(t, c, args...)
		if r.Code != tc.code {
			t.Fatalf("%v: exit %d, want %d: %s", tc.args, r.Code, tc.code, r.Stderr)
		}
		if got := lines(parseView(t, r)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: plan\n%v\nwant\n%v", tc.args, got, tc.want)
		}
	}
	// Clamping warns per clamped partition on stderr.
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "-t", "events", "--to-offset", "2")
	for _, w := range []string{`Warning: group "g1" events[0]: requested 2 is below the log-start offset 4: set to 4`,
		`Warning: group "g1" orders[2]: requested 2 is above the log-end offset 0: set to 0`} {
		if !strings.Contains(r.Stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.Stderr)
		}
	}
	if strings.Count(r.Stderr, "Warning:") != 2 {
		t.Errorf("want exactly 2 clamp warnings:\n%s", r.Stderr)
	}
	// --shift-by with an uncommitted partition, executed: exit 1, nothing
	// changed for the group.
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "--shift-by", "1", "--execute")
	if r.Code != 1 || !strings.Contains(r.Stderr, `Error: group "g1" orders[2]: cannot shift orders[2]`) ||
		!strings.Contains(r.Stderr, "1 of 3 partitions could not be planned; nothing will be changed for this group") {
		t.Fatalf("shift-by execute: %d %s", r.Code, r.Stderr)
	}
	assertCommitted(t, c, "g1", g1Start)
}

func TestResetByDuration(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "recent", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var recs []sandbox.Record
	for _, ago := range []time.Duration{72 * time.Hour, 3 * time.Hour, 2 * time.Hour, time.Hour} {
		recs = append(recs, sandbox.Record{Partition: 0, Value: "v", Timestamp: now.Add(-ago)})
	}
	if err := c.Produce(ctx, "recent", recs); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"90m": "->3 lag=1", "1h30m": "->3 lag=1", "PT1H30M": "->3 lag=1", "150m": "->2 lag=2",
		"2d": "->1 lag=3", "P1DT2H": "->1 lag=3", "4d": "->0 lag=4", "30m": "->4 lag=0 no record at or after the timestamp: log-end offset 4",
	}
	for d, want := range cases {
		r := run(t, c, "offsets", "reset", "-g", "g9", "-t", "recent", "-o", "json", "--by-duration", d)
		if r.Code != 0 {
			t.Fatalf("%s: %d %s", d, r.Code, r.Stderr)
		}
		if got := lines(parseView(t, r))["g9/recent/0"]; got != want {
			t.Errorf("--by-duration %s: %q, want %q", d, got, want)
		}
		if !strings.Contains(r.Stderr, "Resetting to now minus "+d+": ") {
			t.Errorf("%s: no echo: %s", d, r.Stderr)
		}
	}
}

func TestResetTableDryRun(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	r := run(t, c, "offsets", "reset", "-g", "g1", "-g", "g2", "-t", "orders", "--to-datetime", "2026-11-25T10:01:30Z")
	want := `GROUP  TOPIC   PARTITION  CURRENT-OFFSET  NEW-OFFSET  LAG-AFTER
g1     orders  0          1               2           3
g1     orders  1          1               1           2
g1     orders  2          -               0           0
g2     orders  0          3               2           3
g2     orders  1          -               1           2
g2     orders  2          -               0           0
`
	if r.Code != 0 || r.Stdout != want {
		t.Fatalf("exit %d\n%s\nwant\n%s\nstderr: %s", r.Code, r.Stdout, want, r.Stderr)
	}
	if !strings.Contains(r.Stderr, `Note: group "g2" orders[2]: no record at or after the timestamp: log-end offset 0`) {
		t.Errorf("stderr: %s", r.Stderr)
	}
	assertCommitted(t, c, "g1", g1Start)
	assertCommitted(t, c, "g2", g2Start)
}

// Every key of the view is there: resolvedTime and undoFile are null for
// a dry run to a spec that is not a time.
func TestResetJSONWithoutTime(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	r := run(t, c, "offsets", "reset", "-g", "g2", "-t", "orders:0", "--to-earliest", "-o", "json")
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(r.Stdout)); err != nil {
		t.Fatalf("exit %d %v %q %s", r.Code, err, r.Stdout, r.Stderr)
	}
	want := `{"groups":[{"group":"g2","state":"Empty","executed":false,"error":null,"partitions":[` +
		`{"topic":"orders","partition":0,"currentOffset":3,"newOffset":0,"lagAfter":5,"note":null}]}],"undoFile":null,"resolvedTime":null}`
	if r.Code != 0 || b.String() != want {
		t.Errorf("exit %d %s\n got %s\nwant %s", r.Code, r.Stderr, b.String(), want)
	}
}

func TestResetExecuteChangesExactlyThePlan(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	undo := filepath.Join(t.TempDir(), "undo.csv")
	r := run(t, c, "offsets", "reset", "-g", "g1", "-g", "g2", "-g", "g3", "-t", "orders:0,2", "--to-datetime", "2026-11-25T10:03:00Z",
		"--execute", "--undo-file", undo, "-o", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	v := parseView(t, r)
	if str(v.UndoFile) != undo || len(v.Groups) != 3 {
		t.Fatalf("view: %+v", v)
	}
	for _, g := range v.Groups {
		if !g.Executed || g.Error != nil {
			t.Errorf("group %+v", g)
		}
	}
	if v.Groups[2].State != "Dead" {
		t.Errorf("unknown group g3 state %q, want Dead", v.Groups[2].State)
	}
	for _, g := range []string{"g1", "g2", "g3"} {
		if !strings.Contains(r.Stderr, fmt.Sprintf("Group %q: applied 2 partitions, verified.", g)) {
			t.Errorf("stderr lacks the verification of %s:\n%s", g, r.Stderr)
		}
	}
	// Exactly the planned partitions changed.
	assertCommitted(t, c, "g1", map[tpk]int64{{"orders", 0}: 3, {"orders", 1}: 1, {"orders", 2}: 0, {"events", 0}: 6})
	assertCommitted(t, c, "g2", map[tpk]int64{{"orders", 0}: 3, {"orders", 2}: 0})
	assertCommitted(t, c, "g3", map[tpk]int64{{"orders", 0}: 3, {"orders", 2}: 0})
	// The undo file holds the previous commits (uncommitted partitions
	// cannot be undone and are said so).
	b, err := os.ReadFile(undo)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "g1,orders,0,1\ng2,orders,0,3\n"; got != want {
		t.Fatalf("undo file %q, want %q", got, want)
	}
	if !strings.Contains(r.Stderr, "Note: 4 partitions had no committed offset") || !strings.Contains(r.Stderr, "Undo file: "+undo) {
		t.Errorf("stderr: %s", r.Stderr)
	}
	// The undo file restores the previous offsets (uncommitted ones stay).
	r = run(t, c, "offsets", "reset", "--from-file", undo, "--execute", "--undo-file", undo+".2")
	if r.Code != 0 {
		t.Fatalf("undo: exit %d: %s", r.Code, r.Stderr)
	}
	assertCommitted(t, c, "g1", map[tpk]int64{{"orders", 0}: 1, {"orders", 1}: 1, {"orders", 2}: 0, {"events", 0}: 6})
	assertCommitted(t, c, "g2", map[tpk]int64{{"orders", 0}: 3, {"orders", 2}: 0})
	// An undo file is never overwritten.
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders:0", "--to-latest", "--execute", "--undo-file", undo)
	if r.Code != 1 || !strings.Contains(r.Stderr, "the undo file could not be written") || !strings.Contains(r.Stderr, "nothing was changed") {
		t.Fatalf("existing undo file: %d %s", r.Code, r.Stderr)
	}
	assertCommitted(t, c, "g1", map[tpk]int64{{"orders", 0}: 1, {"orders", 1}: 1, {"orders", 2}: 0, {"events", 0}: 6})
}

func TestResetUndoFileDefaultsToStateDir(t *testing.T) {
	c := fixture(t, sandbox.Options{})
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	r := run(t, c, "offsets", "reset", "-g", "g1", "--all-topics", "--to-earliest", "--execute")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	files, _ := filepath.Glob(filepath.Join(state, "kctl", "undo", "reset-*-g1.csv"))
	if len(files) != 1 {
		t.Fatalf("undo files: %v\n%s", files, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "Undo file: "+files[0]+" (restore with: kctl offsets reset --from-file "+files[0]+" --execute)") {
		t.Errorf("stderr: %s", r.Stderr)
	}
	st, _ := os.Stat(files[0])
	if st.Mode().Perm() != 0o600 {
		t.Errorf("undo file mode %v", st.Mode())
	}
	assertCommitted(t, c, "g1", map[tpk]int64{{"orders", 0}: 0, {"orders", 1}: 0, {"events", 0}: 4})
	r = run(t, c, "offsets", "reset", "--from-file", files[0], "--execute")
	if r.Code != 0 {
		t.Fatalf("restore: %d %s", r.Code, r.Stderr)
	}
	assertCommitted(t, c, "g1", g1Start)
}

func TestResetExportFromFileRoundTrip(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	dir := t.TempDir()
	one := filepath.Join(dir, "one.csv")
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "-t", "events", "--to-datetime", "2026-11-25T10:01:30Z", "--export", one)
	if r.Code != 0 {
		t.Fatalf("export: %d %s", r.Code, r.Stderr)
	}
	b, _ := os.ReadFile(one)
	// events: every record is before 10:01:30: log-end.
	if got, want := string(b), "events,0,10\norders,0,2\norders,1,1\norders,2,0\n"; got != want {
		t.Fatalf("one-group export %q, want %q", got, want)
	}
	assertCommitted(t, c, "g1", g1Start)
	r = run(t, c, "offsets", "reset", "-g", "g1", "--from-file", one, "--execute", "--undo-file", filepath.Join(dir, "u1"))
	if r.Code != 0 {
		t.Fatalf("from-file: %d %s", r.Code, r.Stderr)
	}
	assertCommitted(t, c, "g1", map[tpk]int64{{"orders", 0}: 2, {"orders", 1}: 1, {"orders", 2}: 0, {"events", 0}: 10})

	// Several groups: four columns; --export - prints it instead of the table.
	r = run(t, c, "offsets", "reset", "-g", "g1", "-g", "g2", "-t", "orders:0", "--to-earliest", "--export", "-")
	if r.Code != 0 || r.Stdout != "g1,orders,0,0\ng2,orders,0,0\n" {
		t.Fatalf("export -: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	two := filepath.Join(dir, "two.csv")
	if err := os.WriteFile(two, []byte(r.Stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	// --group picks among the file's groups.
	r = run(t, c, "offsets", "reset", "-g", "g2", "--from-file", two, "--execute", "--undo-file", filepath.Join(dir, "u2"))
	if r.Code != 0 {
		t.Fatalf("from-file g2: %d %s", r.Code, r.Stderr)
	}
	assertCommitted(t, c, "g2", map[tpk]int64{{"orders", 0}: 0})
	assertCommitted(t, c, "g1", map[tpk]int64{{"orders", 0}: 2, {"orders", 1}: 1, {"orders", 2}: 0, {"events", 0}: 10})
	// A three-column file needs exactly one --group.
	r = run(t, c, "offsets", "reset", "--from-file", one, "--execute")
	if r.Code != 2 || !strings.Contains(r.Stderr, "give exactly one --group") {
		t.Fatalf("3 columns without group: %d %s", r.Code, r.Stderr)
	}
	// A file is clamped like --to-offset, and names deleted topics as errors.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("events,0,1\norders,0,99\n"), 0o600)
	r = run(t, c, "offsets", "reset", "-g", "g2", "--from-file", bad, "-o", "json")
	if got := lines(parseView(t, r)); got["g2/events/0"] != "->4 lag=6 requested 1 is below the log-start offset 4: set to 4" ||
		got["g2/orders/0"] != "0>5 lag=0 requested 99 is above the log-end offset 5: set to 5" {
		t.Fatalf("clamped file: %v", got)
	}
	os.WriteFile(bad, []byte("gone,0,1\norders,0,1\n"), 0o600)
	r = run(t, c, "offsets", "reset", "-g", "g2", "--from-file", bad, "--execute")
	if r.Code != 1 || !strings.Contains(r.Stderr, `gone[0]: offsets unavailable: topic "gone" does not exist`) {
		t.Fatalf("deleted topic in file: %d %s", r.Code, r.Stderr)
	}
	assertCommitted(t, c, "g2", map[tpk]int64{{"orders", 0}: 0})
	// Malformed files are usage errors.
	os.WriteFile(bad, []byte("orders,zero,1\n"), 0o600)
	r = run(t, c, "offsets", "reset", "-g", "g2", "--from-file", bad)
	if r.Code != 2 || !strings.Contains(r.Stderr, `line 1: partition "zero" is not a non-negative number`) {
		t.Fatalf("malformed: %d %s", r.Code, r.Stderr)
	}
}

func TestResetRefusesActiveGroup(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	ctx := context.Background()
	if _, err := c.JoinMember(ctx, "active", "orders"); err != nil {
		t.Fatal(err)
	}
	before := committed(t, c, "active")
	r := run(t, c, "offsets", "reset", "-g", "active", "-g", "g1", "-t", "orders", "--to-earliest", "--execute", "--undo-file", filepath.Join(t.TempDir(), "u"), "-o", "json")
	if r.Code != 1 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stderr, `Assignments can only be reset if the group 'active' is inactive, but the current state is Stable. It has 1 member: client-id demo-consumer on host `) {
		t.Fatalf("stderr: %s", r.Stderr)
	}
	v := parseView(t, r)
	if v.Groups[0].Group != "active" || v.Groups[0].Executed || v.Groups[0].State != "Stable" || !strings.Contains(str(v.Groups[0].Error), "Assignments can only be reset") {
		t.Fatalf("active view: %+v", v.Groups[0])
	}
	// The refused group is untouched; the other group was reset.
	if after := committed(t, c, "active"); !reflect.DeepEqual(before, after) {
		t.Fatalf("active group changed: %v -> %v", before, after)
	}
	if !v.Groups[1].Executed {
		t.Fatalf("g1 view: %+v", v.Groups[1])
	}
	assertCommitted(t, c, "g1", map[tpk]int64{{"orders", 0}: 0, {"orders", 1}: 0, {"orders", 2}: 0, {"events", 0}: 6})
	// The dry run says it too, with exit 1.
	r = run(t, c, "offsets", "reset", "-g", "active", "-t", "orders", "--to-earliest")
	if r.Code != 1 || !strings.Contains(r.Stderr, "current state is Stable") || !strings.Contains(r.Stdout, "active") {
		t.Fatalf("dry run: %d %s %s", r.Code, r.Stdout, r.Stderr)
	}
}

// A group that becomes active between the plan and the commit is refused
// by the re-check: the second DescribeGroups answers Stable with a member.
func TestResetRechecksStateBeforeCommit(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{Brokers: 1})
	seen := 0
	c.Kfake.ControlKey(int16(kmsg.DescribeGroups), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		seen++
		if seen < 2 {
			return nil, nil, false
		}
		req := kr.(*kmsg.DescribeGroupsRequest)
		resp := req.ResponseKind().(*kmsg.DescribeGroupsResponse)
		for _, g := range req.Groups {
			sg := kmsg.NewDescribeGroupsResponseGroup()
			sg.Group, sg.State, sg.ProtocolType, sg.Protocol = g, "Stable", "consumer", "range"
			m := kmsg.NewDescribeGroupsResponseGroupMember()
			m.MemberID, m.ClientID, m.ClientHost = "late-1", "late-consumer", "/10.0.0.7"
			sg.Members = append(sg.Members, m)
			resp.Groups = append(resp.Groups, sg)
		}
		return resp, nil, true
	})
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "--to-latest", "--execute", "--undo-file", filepath.Join(t.TempDir(), "u"))
	if r.Code != 1 || !strings.Contains(r.Stderr, `current state is Stable. It has 1 member: client-id late-consumer on host /10.0.0.7`) ||
		!strings.Contains(r.Stderr, "it became active after the plan") {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	assertCommitted(t, c, "g1", g1Start)
}

func TestResetCommitErrorReported(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{Brokers: 1})
	// The coordinator answers orders[1] with an error code, committing
	// nothing (kfake's ControlKey on OffsetCommit, key 8).
	c.FailOffsetCommit(func(string, int32) (int16, bool) { return kerr.UnknownTopicOrPartition.Code, true })
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders:1", "--to-latest", "--execute", "--undo-file", filepath.Join(t.TempDir(), "u"), "-o", "json")
	if r.Code != 1 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stderr, `Error: group "g1" orders[1]: commit failed: orders[1]: kafka server: Request was for a topic or partition that does not exist on this broker`) ||
		!strings.Contains(r.Stderr, "1 of 1 partitions were not committed") || strings.Contains(r.Stderr, "verified") ||
		!strings.Contains(r.Stderr, "Group \"g1\": no partition was applied.\n") {
		t.Fatalf("stderr: %s", r.Stderr)
	}
	v := parseView(t, r)
	if g := v.Groups[0]; !g.Executed || !strings.Contains(str(g.Partitions[0].Note), "commit failed") || g.Error == nil {
		t.Fatalf("view: %+v", g)
	}
	assertCommitted(t, c, "g1", g1Start)
}

func TestResetCommitPartialFailure(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{Brokers: 1})
	// The coordinator drops orders[1] from the request: it commits the
	// others and its answer leaves orders[1] out.
	c.Kfake.ControlKey(int16(kmsg.OffsetCommit), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		req := kr.(*kmsg.OffsetCommitRequest)
		for i := range req.Topics {
			var kept []kmsg.OffsetCommitRequestTopicPartition
			for _, p := range req.Topics[i].Partitions {
				if !(req.Topics[i].Topic == "orders" && p.Partition == 1) {
					kept = append(kept, p)
				}
			}
			req.Topics[i].Partitions = kept
		}
		return nil, nil, false
	})
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "--to-latest", "--execute", "--undo-file", filepath.Join(t.TempDir(), "u"))
	if r.Code != 1 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	for _, w := range []string{`Error: group "g1" orders[1]: commit failed: orders[1]: coordinator 0 did not answer for this partition`,
		`Group "g1": applied 2 of 3 partitions, verified; the others failed.`} {
		if !strings.Contains(r.Stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.Stderr)
		}
	}
	assertCommitted(t, c, "g1", map[tpk]int64{{"orders", 0}: 5, {"orders", 1}: 1, {"orders", 2}: 0, {"events", 0}: 6})
}

func TestResetUnreachableCluster(t *testing.T) {
	t.Parallel()
	start := time.Now()
	r := clitest.Run(t, "", "--brokers", "127.0.0.1:1", "--timeout", "2s", "offsets", "reset", "-g", "g", "-t", "t", "--to-latest", "--execute")
	if r.Code != 1 || !strings.Contains(r.Stderr, "127.0.0.1:1") || time.Since(start) > 10*time.Second {
		t.Fatalf("exit %d after %v: %s", r.Code, time.Since(start), r.Stderr)
	}
}

func TestResetUnknownTopicOrPartition(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "nope", "-t", "orders:7", "--to-latest", "--execute")
	if r.Code != 1 || !strings.Contains(r.Stderr, `topic "nope" does not exist`) || !strings.Contains(r.Stderr, `topic "orders" has no partition 7 (it has 3: 0-2)`) ||
		!strings.Contains(r.Stderr, "nothing was changed") {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	assertCommitted(t, c, "g1", g1Start)
}

func TestResetAllGroups(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	if _, err := c.JoinMember(context.Background(), "active", "events"); err != nil {
		t.Fatal(err)
	}
	r := run(t, c, "offsets", "reset", "--all-groups", "--all-topics", "--to-earliest", "-o", "json")
	// The active group is listed and refused: exit 1.
	if r.Code != 1 || !strings.Contains(r.Stderr, `the group 'active' is inactive, but the current state is Stable`) {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	v := parseView(t, r)
	var names []string
	for _, g := range v.Groups {
		names = append(names, g.Group+":"+g.State)
	}
	if fmt.Sprint(names) != "[active:Stable g1:Empty g2:Empty]" {
		t.Fatalf("groups %v", names)
	}
	// --all-topics: the committed partitions only (orders[2] has none for g1).
	want := map[string]string{"g1/events/0": "6>4 lag=6", "g1/orders/0": "1>0 lag=5", "g1/orders/1": "1>0 lag=3", "g2/orders/0": "3>0 lag=5"}
	if got := lines(v); !reflect.DeepEqual(got, want) {
		t.Fatalf("plan %v, want %v", got, want)
	}
	// Export of several groups: four columns.
	r = run(t, c, "offsets", "reset", "--all-groups", "--all-topics", "--to-earliest", "--export", "-")
	if r.Stdout != "g1,events,0,4\ng1,orders,0,0\ng1,orders,1,0\ng2,orders,0,0\n" {
		t.Fatalf("export: %q", r.Stdout)
	}
}

// NOT_COORDINATOR on every partition: the coordinator is looked up again
// and the commit retried once.
func TestResetCommitRetriedAfterCoordinatorMoved(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{Brokers: 1, Count: true})
	c.FailOffsetCommit(func(string, int32) (int16, bool) { return kerr.NotCoordinator.Code, true }) // once: the retry reaches the cluster
	c.Counter.Reset()
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "--to-latest", "--execute", "--undo-file", filepath.Join(t.TempDir(), "u"))
	if r.Code != 0 || !strings.Contains(r.Stderr, `Group "g1": applied 3 partitions, verified.`) {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if got := c.Counter.Counts(); got["OffsetCommit"] != 2 || got["FindCoordinator"] != 2 {
		t.Errorf("requests %v: want 2 OffsetCommit and 2 FindCoordinator", got)
	}
	assertCommitted(t, c, "g1", map[tpk]int64{{"orders", 0}: 5, {"orders", 1}: 3, {"orders", 2}: 0, {"events", 0}: 6})
}

// NOT_COORDINATOR on every commit: the retry policy looks the coordinator
// up once and commits once more, then gives up; each partition's error
// names the broker and the reason, the read-back shows nothing changed,
// and the command ends well within --timeout.
func TestResetCommitCoordinatorKeepsMoving(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{Brokers: 1, Count: true})
	c.Kfake.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.OffsetCommit}, Group: "g1", Err: kerr.NotCoordinator, Count: -1})
	c.Counter.Reset()
	start := time.Now()
	r := clitest.Run(t, "", "--brokers", c.Bootstrap(), "--timeout", "5s", "offsets", "reset", "-g", "g1", "-t", "orders",
		"--to-latest", "--execute", "--undo-file", filepath.Join(t.TempDir(), "u"))
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("took %v", el)
	}
	if r.Code != 1 || !strings.Contains(r.Stderr, `Error: group "g1" orders[0]: commit failed: orders[0]: the coordinator moved twice (broker 0: kafka server: Request was for a consumer group that is not coordinated by this broker)`) ||
		!strings.Contains(r.Stderr, "3 of 3 partitions were not committed") || !strings.Contains(r.Stderr, "Group \"g1\": no partition was applied.\n") {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if got := c.Counter.Counts(); got["OffsetCommit"] != 2 || got["FindCoordinator"] != 2 {
		t.Errorf("requests %v: want 2 OffsetCommit and 2 FindCoordinator", got)
	}
	assertCommitted(t, c, "g1", g1Start)
}

// A coordinator that never answers the commit: the command ends within
// --timeout, says the outcome is unknown, exits 1.
func TestResetCommitHangs(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{Brokers: 1})
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	c.Kfake.ControlKey(int16(kmsg.OffsetCommit), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.SleepControl(func() { <-release })
		return nil, errString("dropped"), true // then close the connection
	})
	start := time.Now()
	r := clitest.Run(t, "", "--brokers", c.Bootstrap(), "--timeout", "3s", "offsets", "reset", "-g", "g1", "-t", "orders",
		"--to-latest", "--execute", "--undo-file", filepath.Join(t.TempDir(), "u"), "-o", "json")
	if el := time.Since(start); el > 8*time.Second {
		t.Fatalf("took %v", el)
	}
	if r.Code != 1 || !strings.Contains(r.Stderr, `group "g1": commit failed:`) || !strings.Contains(r.Stderr, "the outcome is unknown") {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if v := parseView(t, r); !v.Groups[0].Executed {
		t.Fatalf("a sent commit must not claim nothing changed: %+v", v.Groups[0])
	}
}

type errString string

func (e errString) Error() string { return string(e) }
