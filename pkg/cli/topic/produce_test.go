package topic_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

func produce(t testing.TB, c *sandbox.Cluster, stdin string, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, stdin, append([]string{"--brokers", c.Bootstrap(), "--timeout", "10s", "topic", "produce"}, args...)...)
}

// readAll reads every record of topic with franz-go, independently of kctl,
// ordered by partition then offset.
func readAll(t testing.TB, c *sandbox.Cluster, topic string) []*kgo.Record {
	t.Helper()
	cl, err := c.Client(kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadmClient(t, c)
	ends := adm(topic)
	total := int64(0)
	for _, e := range ends {
		total += e
	}
	var out []*kgo.Record
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for int64(len(out)) < total {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d of %d records of %s", len(out), total, topic)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, r) })
	}
	byPart := map[int32][]*kgo.Record{}
	for _, r := range out {
		byPart[r.Partition] = append(byPart[r.Partition], r)
	}
	out = out[:0]
	for p := int32(0); p < 64; p++ {
		out = append(out, byPart[p]...)
	}
	return out
}

// kadmClient returns a function giving a topic's log-end offsets (read
// with kctl offsets get, itself tested against Kafka's tool).
func kadmClient(t testing.TB, c *sandbox.Cluster) func(topic string) map[int32]int64 {
	return func(topic string) map[int32]int64 {
		t.Helper()
		r := clitest.Run(t, "", "--brokers", c.Bootstrap(), "offsets", "get", topic, "-o", "json")
		var rows []struct {
			Partition int32  `json:"partition"`
			Offset    *int64 `json:"offset"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &rows); r.Code != 0 || err != nil {
			t.Fatalf("offsets get: %v %s", err, r.Stderr)
		}
		out := map[int32]int64{}
		for _, row := range rows {
			out[row.Partition] = *row.Offset
		}
		return out
	}
}

func TestProduceText(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2})
	if err := c.CreateTopic(context.Background(), "cons-p", 4, 1, nil); err != nil {
		t.Fatal(err)
	}
	in := "k1:v1\nk2:v:2\nk3:\n:empty-key\nk1:again"
	r := produce(t, c, in, "cons-p", "--key-separator", ":", "--header", "src=test", "--header", "n=1")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	got := readAll(t, c, "cons-p")
	if len(got) != 5 {
		t.Fatalf("%d records", len(got))
	}
	// Keyed records land where Kafka's Java producer puts them (murmur2),
	// as franz-go's Kafka-compatible partitioner computes it.
	part := kgo.StickyKeyPartitioner(nil).ForTopic("cons-p")
	want := map[string]string{"k1": "v1|again", "k2": "v:2", "k3": "", "": "empty-key"}
	seen := map[string][]string{}
	for _, rec := range got {
		if p := part.Partition(&kgo.Record{Key: rec.Key}, 4); p != int(rec.Partition) {
			t.Errorf("key %q on partition %d, murmur2 says %d", rec.Key, rec.Partition, p)
		}
		if len(rec.Headers) != 2 || rec.Headers[0].Key != "src" || string(rec.Headers[0].Value) != "test" || rec.Headers[1].Key != "n" || string(rec.Headers[1].Value) != "1" {
			t.Errorf("headers %+v", rec.Headers)
		}
		seen[string(rec.Key)] = append(seen[string(rec.Key)], string(rec.Value))
	}
	for k, v := range want {
		if strings.Join(seen[k], "|") != v {
			t.Errorf("key %q: values %v, want %s", k, seen[k], v)
		}
	}
	// The summary names the partitions and offsets written.
	if !strings.HasPrefix(r.Stderr, "Wrote 5 records to cons-p with acks all, idempotent: partition ") {
		t.Errorf("summary %q", r.Stderr)
	}

	// --partition, --acks 1 and 0, each codec: all read back exactly.
	cases := [][]string{{"--partition", "2"}, {"--acks", "1", "--partition", "2"}, {"--acks", "0", "--partition", "2"}}
	for _, codec := range []string{"gzip", "snappy", "lz4", "zstd"} {
		cases = append(cases, []string{"--partition", "2", "--compression", codec})
	}
	before := len(readAll(t, c, "cons-p"))
	for i, args := range cases {
		val := strings.Repeat(fmt.Sprintf("case%d-", i), 40)
		r := produce(t, c, val+"\n"+val+"x\n", append([]string{"cons-p"}, args...)...)
		if r.Code != 0 {
			t.Fatalf("%v: exit %d %s", args, r.Code, r.Stderr)
		}
		recs := readAll(t, c, "cons-p")
		// acks 0: kctl returns once the request is written, before the
		// broker appended it; give the broker a moment to land it.
		for deadline := time.Now().Add(5 * time.Second); len(recs) < before+2*(i+1) && slices.Contains(args, "0") && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
			recs = readAll(t, c, "cons-p")
		}
		if len(recs) != before+2*(i+1) {
			t.Fatalf("%v: %d records, want %d", args, len(recs), before+2*(i+1))
		}
		var last []string
		for _, rec := range recs {
			if rec.Partition == 2 && strings.HasPrefix(string(rec.Value), fmt.Sprintf("case%d-", i)) {
				last = append(last, string(rec.Value))
			}
		}
		if !reflect.DeepEqual(last, []string{val, val + "x"}) {
			t.Errorf("%v: values %q", args, last)
		}
	}
	r = produce(t, c, "a\n", "cons-p", "--acks", "0", "-p", "1")
	if !strings.HasPrefix(r.Stderr, "Sent 1 records to cons-p with acks 0, not confirmed by the broker: partition 1: 1.") {
		t.Errorf("acks 0 summary %q", r.Stderr)
	}
}

// TestProduceConsumeRoundTrip: consume -o json | produce -o json copies
// records byte for byte: binary and null keys, binary and empty values,
// headers (binary ones too) and timestamps.
func TestProduceConsumeRoundTrip(t *testing.T) {
	t.Parallel()
	c := consFixture(t)
	if err := c.CreateTopic(context.Background(), "cons-copy", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	out := consume(t, c, "cons", "-o", "json")
	if out.Code != 0 {
		t.Fatal(out.Stderr)
	}
	r := produce(t, c, out.Stdout, "cons-copy", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d %s", r.Code, r.Stderr)
	}
	src, dst := readAll(t, c, "cons"), readAll(t, c, "cons-copy")
	if len(src) != 8 || len(dst) != 8 {
		t.Fatalf("%d -> %d records", len(src), len(dst))
	}
	// One partition: the copies keep the order the lines had.
	lines := parseLines(t, out.Stdout)
	for i, want := range lines {
		var s *kgo.Record
		for _, x := range src {
			if x.Partition == want.Partition && x.Offset == want.Offset {
				s = x
			}
		}
		d := dst[i]
		if !bytes.Equal(s.Key, d.Key) || (s.Key == nil) != (d.Key == nil) || !bytes.Equal(s.Value, d.Value) || (s.Value == nil) != (d.Value == nil) ||
			!s.Timestamp.Equal(d.Timestamp) || !reflect.DeepEqual(s.Headers, d.Headers) {
			t.Errorf("record %d:\n src %q %q %v %v\n dst %q %q %v %v", i, s.Key, s.Value, s.Timestamp, s.Headers, d.Key, d.Value, d.Timestamp, d.Headers)
		}
	}

	// --dry-run: the lines that would be written, nothing written.
	r = produce(t, c, out.Stdout, "cons-copy", "-o", "json", "--dry-run", "-p", "0")
	if r.Code != 0 || !strings.HasPrefix(r.Stderr, "Dry run: 8 records would be written to cons-copy: partition 0: 8. Nothing was written") {
		t.Fatalf("dry run: %d %q", r.Code, r.Stderr)
	}
	dry := parseLines(t, r.Stdout)
	if len(dry) != 8 || dry[0].Topic != "cons-copy" || dry[0].Offset != -1 || dry[0].Partition != 0 || *dry[1].Key != *lines[1].Key {
		t.Fatalf("dry-run lines %s", r.Stdout)
	}
	if n := len(readAll(t, c, "cons-copy")); n != 8 {
		t.Fatalf("the dry run wrote: %d records", n)
	}

	// A record without a timestamp: null timestamps in the dry run, and
	// produce reads its own dry-run line back (the time is set at write).
	r = produce(t, c, `{"key":"k1","value":"v1"}`, "cons-copy", "-o", "json", "--dry-run")
	want := `{"topic":"cons-copy","partition":0,"offset":-1,"timestamp":null,"timestampMs":null,"timestampType":"CreateTime","key":"k1","value":"v1","headers":[]}` + "\n"
	if r.Code != 0 || r.Stdout != want {
		t.Fatalf("dry run without a timestamp: exit %d %s\n got %s want %s", r.Code, r.Stderr, r.Stdout, want)
	}
	before := time.Now().Add(-time.Second)
	if r := produce(t, c, r.Stdout, "cons-copy", "-o", "json"); r.Code != 0 {
		t.Fatalf("producing the dry-run line: exit %d %s", r.Code, r.Stderr)
	}
	all := readAll(t, c, "cons-copy")
	if len(all) != 9 || string(all[8].Key) != "k1" || string(all[8].Value) != "v1" || all[8].Timestamp.Before(before) {
		t.Fatalf("after producing the dry-run line: %d records, last %+v", len(all), all[len(all)-1])
	}
}

func TestProduceErrors(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "cons-e", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"a\nb\nc\n", []string{"cons-nope"}, 1, `Error: topic "cons-nope" does not exist (or you may not describe it): none of the 3 records (input lines 1-3) was written`},
		{"a\n", []string{"cons-e", "-p", "5"}, 1, `topic "cons-e" has no partition 5 (it has 2: 0-1); nothing was written`},
		{"k:v\nnosep\n", []string{"cons-e", "--key-separator", ":"}, 1, `input line 2: no key separator ":"; nothing from that line on was written`},
		{`{"value":"x","valueTruncated":true,"valueSize":9}` + "\n", []string{"cons-e", "-o", "json"}, 1, "input line 1: the value was truncated by --max-value-bytes"},
		{"{not json\n", []string{"cons-e", "-o", "json"}, 1, "input line 1: not a JSON record line"},
		{"", []string{}, 2, "needs a topic name"},
		{"", []string{"cons-e", "--acks", "2"}, 2, `invalid --acks "2"`},
		{"", []string{"cons-e", "--compression", "brotli"}, 2, `invalid --compression "brotli"`},
		{"", []string{"cons-e", "--acks", "1", "--idempotent"}, 2, "--idempotent needs --acks all"},
		{"", []string{"cons-e", "--header", "novalue"}, 2, `invalid --header "novalue"`},
		{"", []string{"cons-e", "-o", "json", "--key-separator", ":"}, 2, "--key-separator is for text input"},
		{"", []string{"cons-e", "-o", "yaml"}, 2, "reads -o text (default"},
		{"", []string{"cons-e", "-p", "-3"}, 2, "partitions are numbered from 0"},
		{"", []string{"cons-e", "--file", "/nonexistent/x"}, 2, "--file: open /nonexistent/x"},
	} {
		r := produce(t, c, tc.stdin, tc.args...)
		if r.Code != tc.code || !strings.Contains(r.Stderr, tc.msg) || r.Stdout != "" {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, r.Code, r.Stderr, tc.code, tc.msg)
		}
	}
	// The line before the bad one was written, nothing after.
	got := readAll(t, c, "cons-e")
	if len(got) != 1 || string(got[0].Key) != "k" || string(got[0].Value) != "v" {
		t.Fatalf("cons-e holds %v", got)
	}
}

// TestProduceNotAuthorized: a user who may describe the topic but not write
// to it: every record named as not written, exit 1, nothing on the topic.
func TestProduceNotAuthorized(t *testing.T) {
	t.Parallel()
	c, admin := testkit.SCRAMCluster(t, "admin-pw")
	if err := c.CreateTopic(context.Background(), "cons-auth", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"user", "upsert", "dora", "--mechanism", "SCRAM-SHA-512", "--password-stdin"},
		{"acl", "add", "--allow-principal", "User:dora", "--operation", "Describe", "--topic", "cons-auth"},
	} {
		stdin := ""
		if args[0] == "user" {
			stdin = "dora-pw"
		}
		if r := clitest.RunSettings(t, admin, stdin, args...); r.Code != 0 {
			t.Fatalf("%v: %d %s", args, r.Code, r.Stderr)
		}
	}
	dora := testkit.SCRAMSettings(c.Addrs, "dora", "dora-pw")
	r := clitest.RunSettings(t, dora, "a\nb\nc\n", "topic", "produce", "cons-auth")
	if r.Code != 1 || !strings.Contains(r.Stderr, "Error: not written: 3 records (input lines 1-3): cons-auth[0]: kafka server: The client is not authorized to access this topic") ||
		!strings.Contains(r.Stderr, "Wrote 0 records to cons-auth") {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if n := len(readAllAs(t, c, admin, "cons-auth")); n != 0 {
		t.Fatalf("%d records written", n)
	}
}

// readAllAs counts a topic's records with kctl consume as the given user.
func readAllAs(t testing.TB, c *sandbox.Cluster, s config.Settings, topic string) []jsonRec {
	t.Helper()
	r := clitest.RunSettings(t, s, "", "-o", "json", "topic", "consume", topic)
	if r.Code != 0 {
		t.Fatalf("consume: %s", r.Stderr)
	}
	return parseLines(t, r.Stdout)
}

// TestProduceConsumeOldBrokers: both work against brokers that speak only
// Kafka 2.1's API versions (Fetch v10, Produce v7).
func TestProduceConsumeOldBrokers(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, MaxVersions: kversion.V2_1_0()})
	if err := c.CreateTopic(context.Background(), "cons-old", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	r := produce(t, c, "a:1\nb:2\n", "cons-old", "--key-separator", ":", "--compression", "zstd")
	if r.Code != 0 {
		t.Fatalf("produce: %d %s", r.Code, r.Stderr)
	}
	r = consume(t, c, "cons-old", "-o", "json")
	recs := parseLines(t, r.Stdout)
	got := map[string]any{}
	for _, rec := range recs {
		got[*rec.Key] = rec.Value
	}
	if r.Code != 0 || !reflect.DeepEqual(got, map[string]any{"a": "1", "b": "2"}) {
		t.Fatalf("consume: %d %v %s", r.Code, got, r.Stderr)
	}
}
