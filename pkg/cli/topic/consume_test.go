package topic_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/cli/topic"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// consBase is the fixture's first timestamp: 2026-11-25T10:00:00Z.
var consBase = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// produceRecs writes records with franz-go (manual partitions).
func produceRecs(t testing.TB, c *sandbox.Cluster, recs []*kgo.Record, opts ...kgo.Opt) {
	t.Helper()
	cl, err := c.Client(append([]kgo.Opt{kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// consFixture: topic "cons" with
//
//	p0: k0..k4 = v0..v4 at base+0..4 min (offsets 0-4)
//	p1: offset 0 key "a" value {"id":1,"tags":["x"]} headers trace=abc, bin=00 01
//	    offset 1 key ff fe (not UTF-8) value ff 00 01
//	    offset 2 null key, empty value, at base+10 min
//	p2: empty
func consFixture(t testing.TB) *sandbox.Cluster {
	t.Helper()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2})
	if err := c.CreateTopic(context.Background(), "cons", 3, 1, nil); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := 0; i < 5; i++ {
		recs = append(recs, &kgo.Record{Topic: "cons", Partition: 0, Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(fmt.Sprintf("v%d", i)), Timestamp: consBase.Add(time.Duration(i) * time.Minute)})
	}
	recs = append(recs,
		&kgo.Record{Topic: "cons", Partition: 1, Key: []byte("a"), Value: []byte(`{"id":1,"tags":["x"]}`), Timestamp: consBase,
			Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte("abc")}, {Key: "bin", Value: []byte{0, 1}}}},
		&kgo.Record{Topic: "cons", Partition: 1, Key: []byte{0xff, 0xfe}, Value: []byte{0xff, 0, 1}, Timestamp: consBase.Add(time.Minute)},
		&kgo.Record{Topic: "cons", Partition: 1, Key: nil, Value: []byte{}, Timestamp: consBase.Add(10 * time.Minute)},
	)
	produceRecs(t, c, recs)
	return c
}

// jsonRec is a consume -o json line, parsed with encoding/json.
type jsonRec struct {
	Topic         string  `json:"topic"`
	Partition     int32   `json:"partition"`
	Offset        int64   `json:"offset"`
	Timestamp     string  `json:"timestamp"`
	TimestampMs   int64   `json:"timestampMs"`
	TimestampType string  `json:"timestampType"`
	Key           *string `json:"key"`
	KeyEncoding   string  `json:"keyEncoding"`
	Value         any     `json:"value"`
	ValueEncoding string  `json:"valueEncoding"`
	Truncated     bool    `json:"valueTruncated"`
	ValueSize     int     `json:"valueSize"`
	Headers       []struct {
		Key           string  `json:"key"`
		Value         *string `json:"value"`
		ValueEncoding string  `json:"valueEncoding"`
		Decoded       string  `json:"decoded"`
	} `json:"headers"`
}

func parseLines(t testing.TB, out string) []jsonRec {
	t.Helper()
	var recs []jsonRec
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		var r jsonRec
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("not a JSON line: %q: %v", l, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// positions renders records as "partition:offset", sorted by partition
// then offset (partitions interleave in the output).
func positions(recs []jsonRec) []string {
	byP := map[int32][]string{}
	for _, r := range recs {
		byP[r.Partition] = append(byP[r.Partition], fmt.Sprintf("%d:%d", r.Partition, r.Offset))
	}
	var out []string
	for p := int32(0); p < 10; p++ {
		out = append(out, byP[p]...)
	}
	return out
}

func consume(t testing.TB, c *sandbox.Cluster, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, "", append([]string{"--brokers", c.Bootstrap(), "--timeout", "10s", "topic", "consume"}, args...)...)
}

func TestConsumeOffsetSpecs(t *testing.T) {
	t.Parallel()
	c := consFixture(t)
	cases := []struct {
		args []string
		want []string
		note string
	}{
		{nil, []string{"0:0", "0:1", "0:2", "0:3", "0:4", "1:0", "1:1", "1:2"}, ""},
		{[]string{"--offset", "earliest", "-p", "0"}, []string{"0:0", "0:1", "0:2", "0:3", "0:4"}, ""},
		{[]string{"--offset", "latest"}, nil, ""},
		{[]string{"--offset", "3"}, []string{"0:3", "0:4"}, "Note: partition 2 is empty (log start and end 0): reading from 0"},
		{[]string{"--offset", "7", "-p", "0"}, nil, "Note: partition 0 holds offsets 0 to 4: offset 7 is outside, reading from 5"},
		{[]string{"--offset", "-2"}, []string{"0:3", "0:4", "1:1", "1:2"}, ""},
		{[]string{"--offset", "+4"}, []string{"0:4"}, ""},
		{[]string{"--offset", "-9", "-p", "1"}, []string{"1:0", "1:1", "1:2"}, ""},
		{[]string{"--offset", "2", "-p", "0,1", "-p", "1"}, []string{"0:2", "0:3", "0:4", "1:2"}, ""},
		{[]string{"-p", "0", "--offset", "1", "-n", "1"}, []string{"0:1"}, ""},
	}
	for _, tc := range cases {
		r := consume(t, c, append([]string{"cons", "-o", "json"}, tc.args...)...)
		if r.Code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, r.Code, r.Stderr)
		}
		if got := positions(parseLines(t, r.Stdout)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: read %v, want %v", tc.args, got, tc.want)
		}
		if tc.note != "" && !strings.Contains(r.Stderr, tc.note) {
			t.Errorf("%v: stderr %q lacks %q", tc.args, r.Stderr, tc.note)
		}
	}
	// The summary: per partition, records and the next offset.
	r := consume(t, c, "cons", "--offset", "-2")
	want := "Consumed 4 records from cons (partition 0: 2, next offset 5; partition 1: 2, next offset 3) in "
	if !strings.HasPrefix(r.Stderr, want) || !strings.HasSuffix(r.Stderr, "s: reached the end offsets read at the start.\n") {
		t.Fatalf("summary %q", r.Stderr)
	}
	r = consume(t, c, "cons", "-n", "3", "-p", "0")
	if !strings.HasPrefix(r.Stderr, "Consumed 3 records from cons (partition 0: 3, next offset 3) in ") || !strings.HasSuffix(r.Stderr, ": read --count 3 records.\n") || r.Stdout != "k0\tv0\nk1\tv1\nk2\tv2\n" {
		t.Fatalf("count: %q %q", r.Stdout, r.Stderr)
	}
}

func TestConsumeTimes(t *testing.T) {
	t.Parallel()
	c := consFixture(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		// p0 records at base+0..4 min, p1 at base+0, +1, +10 min.
		{[]string{"--from-time", "2026-11-25T10:02:00Z"}, []string{"0:2", "0:3", "0:4", "1:2"}},
		{[]string{"--from-time", "2026-11-25T10:01:30"}, []string{"0:2", "0:3", "0:4", "1:2"}},
		{[]string{"--from-time", "2026-11-25T11:03", "--timezone", "Europe/Paris"}, []string{"0:3", "0:4", "1:2"}},
		{[]string{"--from-time", "2026-11-25T10:11:00Z"}, nil},
		{[]string{"--until-time", "2026-11-25T10:02:00Z"}, []string{"0:0", "0:1", "1:0", "1:1"}},
		{[]string{"--from-time", "2026-11-25T10:01:00Z", "--until-time", "2026-11-25T10:03:00Z"}, []string{"0:1", "0:2", "1:1"}},
		// Every record is older than an hour.
		{[]string{"--from-duration", "1h"}, nil},
		{[]string{"--from-duration", "P100000D"}, []string{"0:0", "0:1", "0:2", "0:3", "0:4", "1:0", "1:1", "1:2"}},
	} {
		r := consume(t, c, append([]string{"cons", "-o", "json"}, tc.args...)...)
		if r.Code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, r.Code, r.Stderr)
		}
		recs := parseLines(t, r.Stdout)
		if got := positions(recs); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: read %v, want %v", tc.args, got, tc.want)
		}
	}
	// The timestamps read are the records' own.
	r := consume(t, c, "cons", "-o", "json", "-p", "0", "--offset", "4")
	recs := parseLines(t, r.Stdout)
	at := consBase.Add(4 * time.Minute)
	if len(recs) != 1 || recs[0].TimestampMs != at.UnixMilli() || recs[0].Timestamp != "2026-11-25T10:04:00.000Z" || recs[0].TimestampType != "CreateTime" {
		t.Fatalf("%+v", recs)
	}
}

func TestConsumeOutputFormats(t *testing.T) {
	t.Parallel()
	c := consFixture(t)

	// -o json: every field, non-text bytes as base64, null and empty apart.
	r := consume(t, c, "cons", "-p", "1", "-o", "json")
	recs := parseLines(t, r.Stdout)
	if len(recs) != 3 {
		t.Fatalf("%d records: %s", len(recs), r.Stdout)
	}
	r0, r1, r2 := recs[0], recs[1], recs[2]
	if r0.Topic != "cons" || *r0.Key != "a" || r0.KeyEncoding != "" || r0.Value != `{"id":1,"tags":["x"]}` || r0.ValueEncoding != "" || r0.TimestampMs != consBase.UnixMilli() {
		t.Errorf("record 0: %+v", r0)
	}
	if len(r0.Headers) != 2 || r0.Headers[0].Key != "trace" || *r0.Headers[0].Value != "abc" || r0.Headers[0].ValueEncoding != "" ||
		r0.Headers[1].Key != "bin" || *r0.Headers[1].Value != "AAE=" || r0.Headers[1].ValueEncoding != "base64" {
		t.Errorf("record 0 headers: %+v", r0.Headers)
	}
	if *r1.Key != "//4=" || r1.KeyEncoding != "base64" || r1.Value != "/wAB" || r1.ValueEncoding != "base64" || len(r1.Headers) != 0 {
		t.Errorf("record 1: %+v", r1)
	}
	if r2.Key != nil || r2.Value != "" || r2.Offset != 2 {
		t.Errorf("record 2: %+v", r2)
	}
	if !strings.Contains(r.Stdout, `"key":null,"value":"","headers":[]}`) {
		t.Errorf("null key / empty value: %s", r.Stdout)
	}

	// Text: default key<TAB>value; binary as base64:, null key empty.
	r = consume(t, c, "cons", "-p", "1")
	if want := "a\t{\"id\":1,\"tags\":[\"x\"]}\nbase64://4=\tbase64:/wAB\n\t\n"; r.Stdout != want {
		t.Errorf("text:\n%q\nwant\n%q", r.Stdout, want)
	}
	r = consume(t, c, "cons", "-p", "1", "-n", "1", "--print", "topic,partition,offset,timestamp,key,value,headers")
	if want := "cons\t1\t0\t2026-11-25T10:00:00.000Z\ta\t{\"id\":1,\"tags\":[\"x\"]}\n  trace: abc\n  bin: base64:AAE=\n"; r.Stdout != want {
		t.Errorf("--print all:\n%q\nwant\n%q", r.Stdout, want)
	}
	r = consume(t, c, "cons", "-p", "1", "-n", "1", "--headers")
	if want := "a\t{\"id\":1,\"tags\":[\"x\"]}\n  trace: abc\n  bin: base64:AAE=\n"; r.Stdout != want {
		t.Errorf("--headers:\n%q", r.Stdout)
	}
	r = consume(t, c, "cons", "-p", "1", "-n", "1", "--print", "value", "--value-format", "json")
	if want := "{\n  \"id\": 1,\n  \"tags\": [\n    \"x\"\n  ]\n}\n"; r.Stdout != want {
		t.Errorf("--value-format json:\n%q", r.Stdout)
	}
	r = consume(t, c, "cons", "-p", "1", "-n", "2", "--print", "value", "--value-format", "hex")
	if want := "7b226964223a312c2274616773223a5b2278225d7d\nff0001\n"; r.Stdout != want {
		t.Errorf("hex: %q", r.Stdout)
	}
	r = consume(t, c, "cons", "-p", "1", "-n", "2", "--print", "value", "--value-format", "base64")
	if want := "eyJpZCI6MSwidGFncyI6WyJ4Il19\n/wAB\n"; r.Stdout != want {
		t.Errorf("base64: %q", r.Stdout)
	}
	r = consume(t, c, "cons", "-p", "1", "-n", "1", "--print", "value", "--max-value-bytes", "4")
	if want := "{\"id...[truncated: 4 of 21 bytes]\n"; r.Stdout != want {
		t.Errorf("truncated text: %q", r.Stdout)
	}
	r = consume(t, c, "cons", "-p", "1", "-n", "1", "-o", "json", "--max-value-bytes", "4")
	recs = parseLines(t, r.Stdout)
	if len(recs) != 1 || recs[0].Value != `{"id` || !recs[0].Truncated || recs[0].ValueSize != 21 {
		t.Errorf("truncated json: %s", r.Stdout)
	}
	// JSON values embedded with --value-format json.
	r = consume(t, c, "cons", "-p", "1", "-n", "1", "-o", "json", "--value-format", "json")
	recs = parseLines(t, r.Stdout)
	if m, ok := recs[0].Value.(map[string]any); !ok || m["id"] != float64(1) || recs[0].ValueEncoding != "json" {
		t.Errorf("embedded json: %s", r.Stdout)
	}
}

func TestConsumeFilters(t *testing.T) {
	t.Parallel()
	c := consFixture(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--key-match", "^k[13]$"}, []string{"0:1", "0:3"}},
		{[]string{"--key-match", "."}, []string{"0:0", "0:1", "0:2", "0:3", "0:4", "1:0", "1:1"}}, // the null key never matches
		{[]string{"--header-match", "trace=^ab"}, []string{"1:0"}},
		{[]string{"--header-match", "trace=^ab", "--header-match", "bin=."}, []string{"1:0"}},
		{[]string{"--header-match", "trace=zzz"}, nil},
		{[]string{"--key-match", "k", "--header-match", "trace=abc"}, nil},
		{[]string{"--key-match", "k", "-n", "2"}, []string{"0:0", "0:1"}},
	} {
		r := consume(t, c, append([]string{"cons", "-o", "json"}, tc.args...)...)
		if r.Code != 0 {
			t.Fatalf("%v: exit %d %s", tc.args, r.Code, r.Stderr)
		}
		if got := positions(parseLines(t, r.Stdout)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: %v, want %v", tc.args, got, tc.want)
		}
	}
	r := consume(t, c, "cons", "--key-match", "^k[13]$")
	if !strings.HasPrefix(r.Stderr, "Consumed 2 matching records of 8 read from cons (partition 0: 2 of 5 read, next offset 5; partition 1: 0 of 3 read, next offset 3)") {
		t.Fatalf("summary %q", r.Stderr)
	}
}

func TestConsumeCompressedBatches(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	codecs := []struct {
		name string
		c    kgo.CompressionCodec
	}{{"gzip", kgo.GzipCompression()}, {"snappy", kgo.SnappyCompression()}, {"lz4", kgo.Lz4Compression()}, {"zstd", kgo.ZstdCompression()}}
	for _, cc := range codecs {
		name := "cons-" + cc.name
		if err := c.CreateTopic(context.Background(), name, 1, 1, nil); err != nil {
			t.Fatal(err)
		}
		var recs []*kgo.Record
		for i := 0; i < 50; i++ {
			recs = append(recs, &kgo.Record{Topic: name, Key: []byte(fmt.Sprintf("%s-%d", cc.name, i)), Value: bytes.Repeat([]byte{byte('a' + i%26)}, 100+i)})
		}
		// One batch, compressed (linger so all 50 go together).
		produceRecs(t, c, recs, kgo.ProducerBatchCompression(cc.c), kgo.ProducerLinger(50*time.Millisecond))
		r := consume(t, c, name, "-o", "json")
		got := parseLines(t, r.Stdout)
		if r.Code != 0 || len(got) != 50 {
			t.Fatalf("%s: exit %d, %d records: %s", cc.name, r.Code, len(got), r.Stderr)
		}
		for i, g := range got {
			if g.Offset != int64(i) || *g.Key != string(recs[i].Key) || g.Value != string(recs[i].Value) {
				t.Fatalf("%s record %d: %+v", cc.name, i, g)
			}
		}
	}
}

// TestConsumeTransactions: a committed transaction, an aborted one, plain
// records, then a transaction left open. Offsets (markers take one each):
//
//	0 c1, 1 c2 (committed), 2 COMMIT marker, 3 a1, 4 a2 (aborted), 5 ABORT marker,
//	6 p1 (plain), 7 o1 (open transaction)
func TestConsumeTransactions(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "cons-txn", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	txn := func(id string) *kgo.Client {
		cl, err := c.Client(kgo.TransactionalID(id), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(cl.Close)
		return cl
	}
	write := func(cl *kgo.Client, vals ...string) {
		for _, v := range vals {
			if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "cons-txn", Value: []byte(v)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	tx := txn("cons-t1")
	for _, step := range []struct {
		vals   []string
		commit kgo.TransactionEndTry
	}{{[]string{"c1", "c2"}, kgo.TryCommit}, {[]string{"a1", "a2"}, kgo.TryAbort}} {
		if err := tx.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		write(tx, step.vals...)
		if err := tx.EndTransaction(ctx, step.commit); err != nil {
			t.Fatal(err)
		}
	}
	produceRecs(t, c, []*kgo.Record{{Topic: "cons-txn", Value: []byte("p1")}})
	open := txn("cons-t2")
	if err := open.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	write(open, "o1")

	values := func(args ...string) ([]string, string) {
		r := consume(t, c, append([]string{"cons-txn", "-o", "json"}, args...)...)
		if r.Code != 0 {
			t.Fatalf("%v: exit %d %s", args, r.Code, r.Stderr)
		}
		var out []string
		for _, rec := range parseLines(t, r.Stdout) {
			out = append(out, fmt.Sprintf("%d:%v", rec.Offset, rec.Value))
		}
		return out, r.Stderr
	}
	got, _ := values()
	if want := []string{"0:c1", "1:c2", "3:a1", "4:a2", "6:p1", "7:o1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("read_uncommitted: %v, want %v", got, want)
	}
	got, stderr := values("--isolation", "read_committed")
	if want := []string{"0:c1", "1:c2", "6:p1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("read_committed: %v, want %v", got, want)
	}
	// It stopped at the last stable offset, 7 (the open transaction).
	if !strings.Contains(stderr, "partition 0: 3, next offset 7)") {
		t.Errorf("read_committed summary %q", stderr)
	}
	got, _ = values("--isolation", "read_committed", "--offset", "3")
	if want := []string{"6:p1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("read_committed from the aborted transaction: %v, want %v", got, want)
	}
	// Once the open transaction aborts, its record stays hidden.
	if err := open.EndTransaction(ctx, kgo.TryAbort); err != nil {
		t.Fatal(err)
	}
	got, _ = values("--isolation", "read_committed")
	if want := []string{"0:c1", "1:c2", "6:p1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("read_committed after the abort: %v, want %v", got, want)
	}
}

// TestConsumeGroupReadOnly: --group starts at the committed offsets and
// leaves them, and the group's membership, as they were.
func TestConsumeGroupReadOnly(t *testing.T) {
	t.Parallel()
	c := consFixture(t)
	ctx := context.Background()
	if err := c.Commit(ctx, "cons-g", "cons", map[int32]int64{0: 3}); err != nil {
		t.Fatal(err)
	}
	r := consume(t, c, "cons", "--group", "cons-g", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d %s", r.Code, r.Stderr)
	}
	// p0 from its commit (3); p1 has none: from --offset (earliest).
	if got, want := positions(parseLines(t, r.Stdout)), []string{"0:3", "0:4", "1:0", "1:1", "1:2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("read %v, want %v", got, want)
	}
	if !strings.Contains(r.Stderr, `Note: group "cons-g" has no committed offset on partition 1: reading from --offset earliest (0)`) {
		t.Errorf("stderr %q", r.Stderr)
	}
	r = consume(t, c, "cons", "--group", "cons-g", "--offset", "latest", "-o", "json")
	if got, want := positions(parseLines(t, r.Stdout)), []string{"0:3", "0:4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("--offset latest for the others: %v, want %v", got, want)
	}
	cl, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	fetch := kmsg.NewPtrOffsetFetchRequest()
	fetch.Group = "cons-g"
	resp, err := fetch.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, tt := range resp.Topics {
		for _, p := range tt.Partitions {
			if p.Offset >= 0 {
				got[fmt.Sprintf("%s/%d", tt.Topic, p.Partition)] = p.Offset
			}
		}
	}
	if want := map[string]int64{"cons/0": 3}; resp.ErrorCode != 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("committed after consume --group: %v (error %d), want %v", got, resp.ErrorCode, want)
	}
	desc := kmsg.NewPtrDescribeGroupsRequest()
	desc.Groups = []string{"cons-g"}
	dr, err := desc.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	if len(dr.Groups) != 1 || len(dr.Groups[0].Members) != 0 || (dr.Groups[0].State != "Empty" && dr.Groups[0].State != "Dead") {
		t.Errorf("the group was joined: %+v", dr.Groups)
	}
	// A group with no commit on the topic: an error, nothing read.
	r = consume(t, c, "cons", "--group", "cons-typo")
	if r.Code != 1 || r.Stdout != "" || !strings.Contains(r.Stderr, `group "cons-typo" has no committed offset on topic "cons"`) {
		t.Errorf("unknown group: exit %d %q %q", r.Code, r.Stdout, r.Stderr)
	}
}

// TestConsumeFollowEndsOnCancel: --follow reads records written after it
// started and ends cleanly, with its summary, when the context is
// canceled (what Ctrl-C does).
func TestConsumeFollowEndsOnCancel(t *testing.T) {
	t.Parallel()
	c := consFixture(t)
	var out, errOut clitest.SyncBuffer
	f := cmdutil.New(&output.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	f.SetSettings(testkit.Settings(c))
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	cmd := topic.NewCmdConsume(f, nil)
	cmd.SetArgs([]string{"cons", "--offset", "latest", "--follow", "-p", "0,2"})
	go func() { done <- cmd.ExecuteContext(ctx) }()
	// Records written after the start: the follower must see them.
	deadline := time.Now().Add(10 * time.Second)
	want := "n0\tw0\nn1\tw1\nn2\tw2\n"
	for i := 0; out.String() != want; i++ {
		if i < 3 {
			time.Sleep(100 * time.Millisecond) // let the fetch loop start before the first write
			produceRecs(t, c, []*kgo.Record{{Topic: "cons", Partition: int32(2 * (i % 2)), Key: []byte(fmt.Sprintf("n%d", i)), Value: []byte(fmt.Sprintf("w%d", i))}})
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("follow output %q, want %q", out.String(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("follow ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("follow did not end after cancel")
	}
	if s := errOut.String(); !strings.HasPrefix(s, "Consumed 3 records from cons (partition 0: 2, next offset 7; partition 2: 1, next offset 1) in ") || !strings.HasSuffix(s, ": interrupted.\n") {
		t.Fatalf("summary %q", s)
	}
}

func TestConsumeBadInput(t *testing.T) {
	t.Parallel()
	c := consFixture(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{}, 2, "needs a topic name"},
		{[]string{"cons", "--offset", "soon"}, 2, `invalid --offset "soon"`},
		{[]string{"cons", "--offset", "3", "--from-time", "2026-11-25"}, 2, "give one start"},
		{[]string{"cons", "--from-time", "yesterday"}, 2, `invalid --from-time "yesterday"`},
		{[]string{"cons", "--from-duration", "-1h"}, 2, `invalid --from-duration "-1h"`},
		{[]string{"cons", "--until-time", "2026-11-25", "--follow"}, 2, "cannot be combined with --follow"},
		{[]string{"cons", "--from-time", "2026-11-25T11:00Z", "--until-time", "2026-11-25T10:00Z"}, 2, "--until-time must be after the start time"},
		{[]string{"cons", "--group", "g", "--from-duration", "1h"}, 2, "--group starts at the committed offsets"},
		{[]string{"cons", "-n", "-1"}, 2, "--count must be 0 or more"},
		{[]string{"cons", "--isolation", "serializable"}, 2, "invalid --isolation"},
		{[]string{"cons", "--key-match", "("}, 2, `invalid --key-match "("`},
		{[]string{"cons", "--header-match", "novalue"}, 2, "use KEY=REGEX"},
		{[]string{"cons", "--print", "key,size"}, 2, `invalid --print field "size"`},
		{[]string{"cons", "--value-format", "avro"}, 2, `invalid --value-format "avro"`},
		{[]string{"cons", "-o", "yaml"}, 2, "writes -o text (default) or -o json"},
		{[]string{"cons", "-o", "json", "--print", "key"}, 2, "--print chooses text fields"},
		{[]string{"cons", "-p", "-1"}, 2, "partitions are numbered from 0"},
		{[]string{"nope"}, 1, `topic "nope" does not exist`},
		{[]string{"cons", "-p", "3"}, 1, `topic "cons" has no partition 3 (it has 3: 0-2)`},
	} {
		r := consume(t, c, tc.args...)
		if r.Code != tc.code || !strings.Contains(r.Stderr, tc.msg) || r.Stdout != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want %d and %q", tc.args, r.Code, r.Stderr, r.Stdout, tc.code, tc.msg)
		}
	}
	addr := testkit.ClosedAddr(t)
	r := clitest.Run(t, "", "--brokers", addr, "--timeout", "2s", "topic", "consume", "cons")
	if r.Code != 1 || !strings.Contains(r.Stderr, addr) {
		t.Fatalf("unreachable: exit %d %q", r.Code, r.Stderr)
	}
}
