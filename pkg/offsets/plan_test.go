package offsets

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Partitions of topic t: p0 [0,10) committed 4; p1 [5,20) committed 7;
// p2 [0,0) empty, no commit; p3 [3,8) no commit.
func planInput() Input {
	tp := func(p int32) TP { return TP{"t", p} }
	return Input{
		Group:      "g",
		Partitions: []TP{tp(3), tp(0), tp(2), tp(1)},
		Committed:  map[TP]int64{tp(0): 4, tp(1): 7},
		Earliest:   map[TP]int64{tp(0): 0, tp(1): 5, tp(2): 0, tp(3): 3},
		Latest:     map[TP]int64{tp(0): 10, tp(1): 20, tp(2): 0, tp(3): 8},
		ByTime:     map[TP]int64{tp(0): 6, tp(1): -1, tp(2): -1, tp(3): 3},
	}
}

type want struct {
	new  int64
	lag  int64
	note string
	err  string
}

func checkPlan(t *testing.T, name string, gp GroupPlan, ws []want) {
	t.Helper()
	if len(gp.Partitions) != len(ws) {
		t.Fatalf("%s: %d partitions, want %d", name, len(gp.Partitions), len(ws))
	}
	for i, w := range ws {
		p := gp.Partitions[i]
		if p.Partition != int32(i) {
			t.Fatalf("%s: partitions not sorted: %v", name, gp.Partitions)
		}
		if w.err != "" {
			if !strings.Contains(p.Err, w.err) {
				t.Errorf("%s p%d: err = %q, want %q", name, i, p.Err, w.err)
			}
			if p.LagAfter != nil {
				t.Errorf("%s p%d: lag on an error", name, i)
			}
			continue
		}
		if p.Err != "" || p.New != w.new || p.LagAfter == nil || *p.LagAfter != w.lag || !strings.Contains(p.Note, w.note) || (w.note == "" && p.Note != "") {
			t.Errorf("%s p%d: new=%d lag=%v note=%q err=%q; want new=%d lag=%d note~%q", name, i, p.New, derefOr(p.LagAfter), p.Note, p.Err, w.new, w.lag, w.note)
		}
	}
}

func derefOr(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestPlanSpecs(t *testing.T) {
	cases := []struct {
		name string
		spec Spec
		want []want
	}{
		{"to-earliest", Spec{Kind: ToEarliest}, []want{{0, 10, "", ""}, {5, 15, "", ""}, {0, 0, "", ""}, {3, 5, "", ""}}},
		{"to-latest", Spec{Kind: ToLatest}, []want{{10, 0, "", ""}, {20, 0, "", ""}, {0, 0, "", ""}, {8, 0, "", ""}}},
		{"to-datetime", Spec{Kind: ToDatetime, Timestamp: 1}, []want{
			{6, 4, "", ""},
			{20, 0, "no record at or after the timestamp: log-end offset 20", ""},
			{0, 0, "no record at or after the timestamp: log-end offset 0", ""},
			{3, 5, "", ""}}},
		{"by-duration", Spec{Kind: ByDuration, Timestamp: 1}, []want{{6, 4, "", ""}, {20, 0, "log-end", ""}, {0, 0, "log-end", ""}, {3, 5, "", ""}}},
		{"to-offset in range", Spec{Kind: ToOffset, Offset: 6}, []want{
			{6, 4, "", ""}, {6, 14, "", ""}, {0, 0, "requested 6 is above the log-end offset 0: set to 0", ""}, {6, 2, "", ""}}},
		{"to-offset clamped", Spec{Kind: ToOffset, Offset: 2}, []want{
			{2, 8, "", ""}, {5, 15, "requested 2 is below the log-start offset 5: set to 5", ""}, {0, 0, "above", ""}, {3, 5, "below", ""}}},
		{"shift-by forward", Spec{Kind: ShiftBy, Shift: 5}, []want{
			{9, 1, "", ""}, {12, 8, "", ""}, {err: "no committed offset"}, {err: "cannot shift t[3]: the group has no committed offset for it"}}},
		{"shift-by past end", Spec{Kind: ShiftBy, Shift: 100}, []want{
			{10, 0, "requested 104 is above the log-end offset 10", ""}, {20, 0, "requested 107", ""}, {err: "no committed"}, {err: "no committed"}}},
		{"shift-by back past start", Spec{Kind: ShiftBy, Shift: -5}, []want{
			{0, 10, "requested -1 is below the log-start offset 0", ""}, {5, 15, "requested 2 is below", ""}, {err: "no committed"}, {err: "no committed"}}},
		{"shift-by overflow", Spec{Kind: ShiftBy, Shift: 1<<63 - 1}, []want{
			{10, 0, "above", ""}, {20, 0, "above", ""}, {err: "no committed"}, {err: "no committed"}}},
		{"to-current", Spec{Kind: ToCurrent}, []want{
			{4, 6, "", ""}, {7, 13, "", ""}, {0, 0, "no committed offset: log-end offset 0", ""}, {8, 0, "no committed offset: log-end offset 8", ""}}},
	}
	for _, c := range cases {
		checkPlan(t, c.name, Plan(c.spec, planInput()), c.want)
	}
}

func TestPlanFromFile(t *testing.T) {
	in := planInput()
	in.Requested = map[TP]int64{{"t", 0}: 7, {"t", 1}: 0, {"t", 2}: 0, {"t", 3}: 99}
	checkPlan(t, "from-file", Plan(Spec{Kind: FromFile}, in), []want{
		{7, 3, "", ""}, {5, 15, "below the log-start offset 5", ""}, {0, 0, "", ""}, {8, 0, "requested 99 is above the log-end offset 8", ""}})
	in.Requested = map[TP]int64{{"t", 0}: 7}
	gp := Plan(Spec{Kind: FromFile}, in)
	if gp.Errors() != 3 || gp.Partitions[1].Err != "no offset in the file" {
		t.Fatalf("from-file missing partitions: %+v", gp.Partitions)
	}
}

func TestPlanCurrentAndClampFlags(t *testing.T) {
	gp := Plan(Spec{Kind: ToOffset, Offset: 2}, planInput())
	if *gp.Partitions[0].Current != 4 || *gp.Partitions[1].Current != 7 || gp.Partitions[2].Current != nil {
		t.Fatalf("current offsets wrong: %+v", gp.Partitions)
	}
	if gp.Partitions[0].Clamped || !gp.Partitions[1].Clamped {
		t.Fatalf("clamped flags wrong: %+v", gp.Partitions)
	}
	if !gp.Partitions[0].Changes() || gp.Partitions[2].Changes() == false {
		t.Fatalf("Changes(): %+v", gp.Partitions)
	}
	gp = Plan(Spec{Kind: ToCurrent}, planInput())
	if gp.Partitions[0].Changes() || !gp.Partitions[3].Changes() {
		t.Fatalf("to-current Changes(): %+v", gp.Partitions)
	}
	gp = Plan(Spec{Kind: ToDatetime}, planInput())
	if !gp.Partitions[1].AfterLast || gp.Partitions[0].AfterLast {
		t.Fatalf("after-last flags: %+v", gp.Partitions)
	}
	if got := gp.NewOffsets(); len(got) != 4 || got[TP{"t", 1}] != 20 {
		t.Fatalf("NewOffsets = %v", got)
	}
}

func TestPlanLookupFailures(t *testing.T) {
	in := planInput()
	in.LookupErr = map[TP]error{{"t", 1}: errString("leader not available")}
	delete(in.Latest, TP{"t", 2})
	delete(in.Earliest, TP{"t", 3})
	delete(in.ByTime, TP{"t", 0})
	gp := Plan(Spec{Kind: ToEarliest}, in)
	checkPlan(t, "lookup failures", gp, []want{{0, 10, "", ""}, {err: "offsets unavailable: leader not available"}, {err: "log-end offset unavailable"}, {err: "log-start offset unavailable"}})
	if gp.Errors() != 3 || !strings.Contains(gp.Summary(), "t[2]: log-end offset unavailable") {
		t.Fatalf("Errors/Summary: %d %q", gp.Errors(), gp.Summary())
	}
	gp = Plan(Spec{Kind: ToDatetime}, in)
	if gp.Partitions[0].Err != "offset for the timestamp unavailable" {
		t.Fatalf("missing ts lookup: %+v", gp.Partitions[0])
	}
	// --to-latest does not need log-start.
	if gp := Plan(Spec{Kind: ToLatest}, in); gp.Partitions[3].Err != "" {
		t.Fatalf("to-latest should not need log-start: %+v", gp.Partitions[3])
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestSpecNeeds(t *testing.T) {
	for k, want := range map[SpecKind][3]bool{
		ToDatetime: {true, false, false}, ByDuration: {true, false, false}, ToEarliest: {false, true, false},
		ToLatest: {false, false, false}, ToOffset: {false, true, false}, ShiftBy: {false, true, true},
		ToCurrent: {false, false, true}, FromFile: {false, true, false},
	} {
		s := Spec{Kind: k}
		if got := [3]bool{s.NeedsTimestamp(), s.NeedsEarliest(), s.NeedsCommitted()}; got != want {
			t.Errorf("%v needs %v, want %v", k, got, want)
		}
		if k.String() == "" {
			t.Errorf("%d has no name", k)
		}
	}
}

func TestParseTopicScope(t *testing.T) {
	ok := []struct {
		in    string
		topic string
		parts []int32
	}{
		{"orders", "orders", nil},
		{"orders:0,2,5", "orders", []int32{0, 2, 5}},
		{"orders:5,2,2,0", "orders", []int32{0, 2, 5}},
		{" orders : 1 , 3 ", "orders", []int32{1, 3}},
		{"a.b_c-d", "a.b_c-d", nil},
	}
	for _, c := range ok {
		got, err := ParseTopicScope(c.in)
		if err != nil || got.Topic != c.topic || !equal32(got.Partitions, c.parts) {
			t.Errorf("ParseTopicScope(%q) = %+v, %v", c.in, got, err)
		}
	}
	for _, in := range []string{"", ":0", "orders:", "orders:a", "orders:-1", "orders:0,,1", "orders:1:2", "bad topic", "o/r", "..", strings.Repeat("x", 250), "orders:99999999999"} {
		if _, err := ParseTopicScope(in); err == nil {
			t.Errorf("ParseTopicScope(%q): accepted", in)
		}
	}
}

func equal32(a, b []int32) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMergeAndResolveScopes(t *testing.T) {
	scopes := []TopicScope{{"b", []int32{2}}, {"a", []int32{1}}, {"b", []int32{0, 2}}, {"a", nil}, {"c", []int32{3}}}
	merged := MergeScopes(scopes)
	if len(merged) != 3 || merged[0].Topic != "a" || merged[0].Partitions != nil || !equal32(merged[1].Partitions, []int32{0, 2}) {
		t.Fatalf("MergeScopes = %+v", merged)
	}
	tps, err := ResolveScopes(scopes, map[string]int32{"a": 2, "b": 3, "c": 4})
	if err != nil {
		t.Fatal(err)
	}
	want := []TP{{"a", 0}, {"a", 1}, {"b", 0}, {"b", 2}, {"c", 3}}
	if len(tps) != len(want) {
		t.Fatalf("ResolveScopes = %v", tps)
	}
	for i := range want {
		if tps[i] != want[i] {
			t.Fatalf("ResolveScopes = %v, want %v", tps, want)
		}
	}
	_, err = ResolveScopes([]TopicScope{{"a", []int32{2}}, {"zz", nil}}, map[string]int32{"a": 2})
	if err == nil || !strings.Contains(err.Error(), `topic "a" has no partition 2 (it has 2: 0-1)`) || !strings.Contains(err.Error(), `topic "zz" does not exist`) {
		t.Fatalf("ResolveScopes errors = %v", err)
	}
}

func TestCSVWriteKafkaFormat(t *testing.T) {
	rows := []Row{{"g2", "t", 1, 5}, {"g1", "t", 10, 7}, {"g1", "t", 2, 0}, {"g1", "a", 0, 3}}
	var b bytes.Buffer
	if err := WriteCSV(&b, rows, true); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "g1,a,0,3\ng1,t,2,0\ng1,t,10,7\ng2,t,1,5\n"; got != want {
		t.Errorf("with group:\n%s\nwant\n%s", got, want)
	}
	b.Reset()
	if err := WriteCSV(&b, rows[1:], false); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "a,0,3\nt,2,0\nt,10,7\n"; got != want {
		t.Errorf("one group:\n%s\nwant\n%s", got, want)
	}
	// Group ids may hold commas; they are quoted and read back.
	b.Reset()
	_ = WriteCSV(&b, []Row{{`we,ird "g"`, "t", 0, 1}}, true)
	if got, want := b.String(), "\"we,ird \"\"g\"\"\",t,0,1\n"; got != want {
		t.Errorf("quoting: %q want %q", got, want)
	}
	back, wg, err := ReadCSV(&b)
	if err != nil || !wg || back[0].Group != `we,ird "g"` {
		t.Fatalf("read back quoted: %+v %v %v", back, wg, err)
	}
}

func TestCSVRead(t *testing.T) {
	rows, wg, err := ReadCSV(strings.NewReader("t,0,5\r\n\nt,1,7\nt,0,5\n"))
	if err != nil || wg || len(rows) != 2 || rows[1] != (Row{"", "t", 1, 7}) {
		t.Fatalf("3 columns: %+v %v %v", rows, wg, err)
	}
	rows, wg, err = ReadCSV(strings.NewReader("group,topic,partition,offset\ng,t,0,5\nh,t,0,6"))
	if err != nil || !wg || len(rows) != 2 || rows[1] != (Row{"h", "t", 0, 6}) {
		t.Fatalf("4 columns with header: %+v %v %v", rows, wg, err)
	}
	// What kafka-consumer-groups --reset-offsets --export printed on real
	// Kafka 4.4 (TestResetDryRunMatchesKafkaTool): its warning among the CSV.
	rows, wg, err = ReadCSV(strings.NewReader("\nWarn: Partition 2 from topic lg-orders is empty. Falling back to latest known offset.\nlg-orders,0,5\nlg-orders,1,2\nlg-orders,2,0\n\n"))
	if err != nil || wg || len(rows) != 3 || rows[2] != (Row{"", "lg-orders", 2, 0}) {
		t.Fatalf("Kafka's export with its warning: %+v %v %v", rows, wg, err)
	}
	bad := []struct{ in, want string }{
		{"", "holds no offsets"},
		{"Warn: Partition 2 from topic t is empty. Falling back to latest known offset.\n", "holds no offsets"},
		{"\n\n", "holds no offsets"},
		{"topic,partition,offset\n", "holds no offsets"},
		{"t,0\n", "line 1: 2 fields"},
		{"t,0,5\ng,t,1,5\n", "line 2: 4 fields, but the file started with 3 (topic,partition,offset)"},
		{"t,x,5\n", `line 1: partition "x" is not a non-negative number`},
		{"t,-1,5\n", "partition"},
		{"t,0,-5\n", `offset "-5" is not a non-negative number`},
		{"t,0,abc\n", "offset"},
		{"bad topic,0,1\n", "invalid topic name"},
		{",t,0,1\n", "empty group"},
		{"t,0,5\nt,0,6\n", "line 2: t[0] appears twice with different offsets (5 and 6)"},
		{"\"t,0,5\n", "line 1"},
	}
	for _, c := range bad {
		_, _, err := ReadCSV(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadCSV(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestGroupsFromRows(t *testing.T) {
	three := []Row{{"", "t", 0, 5}, {"", "t", 1, 6}}
	m, err := GroupsFromRows(three, false, []string{"g"})
	if err != nil || m["g"][TP{"t", 1}] != 6 || len(m) != 1 {
		t.Fatalf("3 columns: %v %v", m, err)
	}
	for _, gs := range [][]string{nil, {"a", "b"}} {
		if _, err := GroupsFromRows(three, false, gs); err == nil || !strings.Contains(err.Error(), "exactly one --group") {
			t.Errorf("3 columns with groups %v: %v", gs, err)
		}
	}
	four := []Row{{"a", "t", 0, 1}, {"b", "t", 0, 2}, {"a", "t", 1, 3}}
	m, err = GroupsFromRows(four, true, nil)
	if err != nil || len(m) != 2 || len(m["a"]) != 2 || m["b"][TP{"t", 0}] != 2 {
		t.Fatalf("4 columns: %v %v", m, err)
	}
	m, err = GroupsFromRows(four, true, []string{"b"})
	if err != nil || len(m) != 1 || m["b"] == nil {
		t.Fatalf("4 columns, --group b: %v %v", m, err)
	}
	if _, err := GroupsFromRows(four, true, []string{"b", "zz"}); err == nil || !strings.Contains(err.Error(), `no offsets for group "zz"`) {
		t.Fatalf("missing group: %v", err)
	}
}

func TestExportUndoRoundTrip(t *testing.T) {
	gp := Plan(Spec{Kind: ToOffset, Offset: 6}, planInput())
	gp2 := Plan(Spec{Kind: ShiftBy, Shift: 1}, func() Input { in := planInput(); in.Group = "h"; return in }())
	plans := []GroupPlan{gp, gp2}
	var b bytes.Buffer
	if err := WriteCSV(&b, ExportRows(plans), true); err != nil {
		t.Fatal(err)
	}
	// h's uncommitted partitions have errors and are not exported.
	if got, want := b.String(), "g,t,0,6\ng,t,1,6\ng,t,2,0\ng,t,3,6\nh,t,0,5\nh,t,1,8\n"; got != want {
		t.Fatalf("export:\n%s\nwant\n%s", got, want)
	}
	rows, wg, err := ReadCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	byGroup, err := GroupsFromRows(rows, wg, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := planInput()
	in.Requested = byGroup["g"]
	again := Plan(Spec{Kind: FromFile}, in)
	for i, p := range again.Partitions {
		if p.New != gp.Partitions[i].New || p.Err != "" {
			t.Fatalf("round trip p%d: %+v vs %+v", i, p, gp.Partitions[i])
		}
	}
	undo, skipped := UndoRows(plans)
	b.Reset()
	_ = WriteCSV(&b, undo, true)
	if got, want := b.String(), "g,t,0,4\ng,t,1,7\nh,t,0,4\nh,t,1,7\n"; got != want {
		t.Fatalf("undo:\n%s\nwant\n%s", got, want)
	}
	if len(skipped) != 2 || skipped[0] != "g t[2]" {
		t.Fatalf("skipped = %v", skipped)
	}
}

func TestStateDirAndUndoName(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if d, _ := StateDir(env(map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/u"})); d != "/x/state/kctl" {
		t.Errorf("XDG: %s", d)
	}
	if d, _ := StateDir(env(map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/u"})); d != "/home/u/.local/state/kctl" {
		t.Errorf("relative XDG ignored (spec): %s", d)
	}
	if d, _ := StateDir(env(map[string]string{"HOME": "/home/u"})); d != "/home/u/.local/state/kctl" {
		t.Errorf("HOME: %s", d)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	if got := UndoFileName(now, []string{"orders"}); got != "reset-20261125T100000.000Z-orders.csv" {
		t.Errorf("name = %s", got)
	}
	if got := UndoFileName(now, []string{"z", "a/b c", "m"}); got != "reset-20261125T100000.000Z-a_b_c+2.csv" {
		t.Errorf("name = %s", got)
	}
}
