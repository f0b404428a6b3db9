//go:build realkafka

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

type consLine struct {
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	Key       string `json:"key"`
	Value     string `json:"value"`
}

func consLines(t *testing.T, out string) []consLine {
	t.Helper()
	var recs []consLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var r consLine
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("not a JSON line %q: %v", l, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// TestConsumeProduceCodecsRealKafka: kctl produce with each codec, then
// kctl consume reads every record back exactly from real Kafka.
func TestConsumeProduceCodecsRealKafka(t *testing.T) {
	c := Single(t)
	for _, codec := range []string{"none", "gzip", "snappy", "lz4", "zstd"} {
		topic := "cons-codec-" + codec
		if r := kctl(t, c, "topic", "create", topic, "--partitions", "2", "--replication-factor", "1"); r.Code != 0 {
			t.Fatalf("create %s: %s", topic, r.Stderr)
		}
		var in strings.Builder
		want := map[string]string{}
		for i := 0; i < 200; i++ {
			k, v := fmt.Sprintf("k%03d", i), strings.Repeat(fmt.Sprintf("%s-%d;", codec, i), 10)
			want[k] = v
			fmt.Fprintf(&in, "%s:%s\n", k, v)
		}
		r := kctlIn(t, c, in.String(), "topic", "produce", topic, "--key-separator", ":", "--compression", codec)
		if r.Code != 0 || !strings.HasPrefix(r.Stderr, "Wrote 200 records to "+topic+" with acks all, idempotent: ") {
			t.Fatalf("%s produce: %d %s", codec, r.Code, r.Stderr)
		}
		r = kctl(t, c, "topic", "consume", topic, "-o", "json")
		got := map[string]string{}
		for _, l := range consLines(t, r.Stdout) {
			got[l.Key] = l.Value
		}
		if r.Code != 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: exit %d, %d of 200 records read back: %s", codec, r.Code, len(got), r.Stderr)
		}
	}
}

// TestConsumeReadCommittedRealKafka: a committed and an aborted
// transaction written by franz-go; read_committed shows only the first.
func TestConsumeReadCommittedRealKafka(t *testing.T) {
	c := Single(t)
	topic := "cons-txn"
	if r := kctl(t, c, "topic", "create", topic, "--partitions", "1", "--replication-factor", "1"); r.Code != 0 {
		t.Fatalf("create: %s", r.Stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Addrs()...), kgo.TransactionalID("cons-txn-id"), kgo.DefaultProduceTopic(topic), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, step := range []struct {
		vals []string
		end  kgo.TransactionEndTry
	}{{[]string{"c1", "c2"}, kgo.TryCommit}, {[]string{"a1", "a2"}, kgo.TryAbort}, {[]string{"c3"}, kgo.TryCommit}} {
		if err := cl.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for _, v := range step.vals {
			if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte(v)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := cl.EndTransaction(ctx, step.end); err != nil {
			t.Fatal(err)
		}
	}
	vals := func(args ...string) []string {
		r := kctl(t, c, append([]string{"topic", "consume", topic, "-o", "json"}, args...)...)
		if r.Code != 0 {
			t.Fatalf("%v: %s", args, r.Stderr)
		}
		var out []string
		for _, l := range consLines(t, r.Stdout) {
			out = append(out, fmt.Sprintf("%d:%s", l.Offset, l.Value))
		}
		return out
	}
	// Offsets: c1 0, c2 1, COMMIT 2, a1 3, a2 4, ABORT 5, c3 6, COMMIT 7.
	if got, want := vals(), []string{"0:c1", "1:c2", "3:a1", "4:a2", "6:c3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("read_uncommitted %v, want %v", got, want)
	}
	if got, want := vals("--isolation", "read_committed"), []string{"0:c1", "1:c2", "6:c3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("read_committed %v, want %v", got, want)
	}
}

// TestOffsetsGetTimeVsGetOffsetShell: kctl offsets get --time against
// Kafka's GetOffsetShell --time on records with known timestamps (one
// tool call per time, every partition in it).
func TestOffsetsGetTimeVsGetOffsetShell(t *testing.T) {
	c := Single(t)
	topic := "cons-times"
	if r := kctl(t, c, "topic", "create", topic, "--partitions", "3", "--replication-factor", "1"); r.Code != 0 {
		t.Fatalf("create: %s", r.Stderr)
	}
	base := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Addrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	// p0: 5 records a minute apart; p1: 3 records two minutes apart; p2: none.
	for i := 0; i < 5; i++ {
		recs = append(recs, &kgo.Record{Topic: topic, Partition: 0, Value: []byte("x"), Timestamp: base.Add(time.Duration(i) * time.Minute)})
	}
	for i := 0; i < 3; i++ {
		recs = append(recs, &kgo.Record{Topic: topic, Partition: 1, Value: []byte("y"), Timestamp: base.Add(time.Duration(2*i) * time.Minute)})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{base.Add(90 * time.Second), base.Add(4 * time.Minute), base.Add(time.Hour)} {
		ms := at.UnixMilli()
		r := kctl(t, c, "offsets", "get", topic, "--time", fmt.Sprint(ms), "-o", "json")
		var rows []struct {
			Partition int32  `json:"partition"`
			Offset    *int64 `json:"offset"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil || r.Code != 0 {
			t.Fatalf("kctl: %v %s", err, r.Stderr)
		}
		var mine []string
		for _, row := range rows {
			off := ""
			if row.Offset != nil {
				off = fmt.Sprint(*row.Offset)
			}
			mine = append(mine, fmt.Sprintf("%s:%d:%s", topic, row.Partition, off))
		}
		out := tool(t, c, getOffsets, "--topic", topic, "--time", fmt.Sprint(ms))
		var theirs []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if strings.HasPrefix(l, topic+":") {
				theirs = append(theirs, strings.TrimSpace(l))
			}
		}
		sort.Strings(theirs)
		// GetOffsetShell leaves out partitions with no offset for the time.
		var mineKnown []string
		for _, m := range mine {
			if !strings.HasSuffix(m, ":") {
				mineKnown = append(mineKnown, m)
			}
		}
		if !reflect.DeepEqual(mineKnown, theirs) {
			t.Errorf("time %s: kctl %v (all: %v), GetOffsetShell %v", at.Format(time.RFC3339), mineKnown, mine, theirs)
		}
	}
}
