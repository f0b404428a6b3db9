package topic_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli"
	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// placedTopic creates topic with one partition per node: partition p led by
// node p (kfake's own placement is not part of what a test may rely on).
func placedTopic(t testing.TB, c *sandbox.Cluster, topic string, partitions int32) {
	t.Helper()
	if err := c.CreateTopic(context.Background(), topic, partitions, 1, nil); err != nil {
		t.Fatal(err)
	}
	for p := int32(0); p < partitions; p++ {
		if err := c.Kfake.MoveTopicPartition(topic, p, p); err != nil {
			t.Fatal(err)
		}
		if l := c.Kfake.LeaderFor(topic, p); l != p {
			t.Fatalf("%s[%d] led by node %d, want %d", topic, p, l, p)
		}
	}
}

// hangOn leaves every request of key that reaches node unanswered until the
// test ends: a broker that accepts a request and never answers it.
func hangOn(t testing.TB, c *sandbox.Cluster, key kmsg.Key, node int32) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // before the cluster closes
	c.Kfake.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		if c.Kfake.CurrentNode() == node {
			c.Kfake.SleepControl(func() { <-release })
		}
		return nil, nil, false
	})
}

// TestConsumeTimeoutBeforeEnd: without --follow, --timeout bounds the read.
// Partition 1's leader stops answering Fetch, so its end offset is never
// reached: the command ends at --timeout, exit 1, with the records of
// partition 0 on stdout, the summary of what it read and the error on
// stderr.
func TestConsumeTimeoutBeforeEnd(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2})
	placedTopic(t, c, "cons-to", 2)
	var recs []*kgo.Record
	for i := 0; i < 5; i++ {
		recs = append(recs, &kgo.Record{Topic: "cons-to", Partition: 0, Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(fmt.Sprintf("v%d", i))})
	}
	for i := 0; i < 3; i++ {
		recs = append(recs, &kgo.Record{Topic: "cons-to", Partition: 1, Key: []byte(fmt.Sprintf("h%d", i)), Value: []byte(fmt.Sprintf("w%d", i))})
	}
	produceRecs(t, c, recs)
	hangOn(t, c, kmsg.Fetch, 1)

	start := time.Now()
	r := clitest.Run(t, "", "--brokers", c.Bootstrap(), "--timeout", "2s", "topic", "consume", "cons-to")
	took := time.Since(start)
	if took > 20*time.Second {
		t.Errorf("took %v with --timeout 2s", took)
	}
	if r.Code != 1 {
		t.Errorf("exit %d, want 1", r.Code)
	}
	if want := "k0\tv0\nk1\tv1\nk2\tv2\nk3\tv3\nk4\tv4\n"; r.Stdout != want {
		t.Errorf("stdout %q, want %q", r.Stdout, want)
	}
	want := regexp.MustCompile(`^Consumed 5 records from cons-to \(partition 0: 5, next offset 5\) in \d+\.\ds: stopped by --timeout before the end offsets\.\n` +
		`Error: timed out after 2s before reaching the end offsets read at the start \(see the summary; raise --timeout or use --follow\)\n$`)
	if !want.MatchString(r.Stderr) {
		t.Errorf("stderr %q, want %s", r.Stderr, want)
	}
}

// keysFor returns n keys that murmur2 (Kafka's Java producer, franz-go's
// compatible partitioner) puts on partition part of a topic with parts
// partitions, in a fixed order.
func keysFor(topic string, part, parts int32, n int) []string {
	p := kgo.StickyKeyPartitioner(nil).ForTopic(topic)
	var out []string
	for i := 0; len(out) < n; i++ {
		k := fmt.Sprintf("key-%d", i)
		if int32(p.Partition(&kgo.Record{Key: []byte(k)}, int(parts))) == part {
			out = append(out, k)
		}
	}
	return out
}

// readBack reads topic with kctl topic consume -o json and renders each
// record as "partition:offset key=value" (a null key as <null>).
func readBack(t testing.TB, c *sandbox.Cluster, topic string) []string {
	t.Helper()
	r := consume(t, c, topic, "-o", "json")
	if r.Code != 0 {
		t.Fatalf("consume %s: exit %d %s", topic, r.Code, r.Stderr)
	}
	byP := map[int32][]string{}
	for _, rec := range parseLines(t, r.Stdout) {
		key := "<null>"
		if rec.Key != nil {
			key = *rec.Key
		}
		byP[rec.Partition] = append(byP[rec.Partition], fmt.Sprintf("%d:%d %s=%v", rec.Partition, rec.Offset, key, rec.Value))
	}
	var out []string
	for p := int32(0); p < 10; p++ {
		out = append(out, byP[p]...)
	}
	return out
}

// initProducerIDs counts the InitProducerId requests the sandbox saw.
func initProducerIDs(c *sandbox.Cluster) int {
	return c.Counter.Counts()[kmsg.NameForKey(int16(kmsg.InitProducerID))]
}

// answerInitProducerID makes the next InitProducerId request get errCode.
func answerInitProducerID(c *sandbox.Cluster, errCode int16) {
	c.Kfake.ControlKey(int16(kmsg.InitProducerID), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		resp := kr.(*kmsg.InitProducerIDRequest).ResponseKind().(*kmsg.InitProducerIDResponse)
		resp.ErrorCode = errCode
		resp.ProducerID, resp.ProducerEpoch = -1, -1
		return resp, nil, true
	})
}

// TestProduceIdempotenceUnavailable: a cluster that grants no producer id
// (InitProducerId answers CLUSTER_AUTHORIZATION_FAILED, as a cluster before
// Kafka 2.8 does without IdempotentWrite) gets the records anyway, without
// idempotence and with a note, after one InitProducerId; with --idempotent
// given, the command refuses and writes nothing.
func TestProduceIdempotenceUnavailable(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2, Count: true})
	placedTopic(t, c, "cons-idem", 2)
	const refused = `idempotent producer unavailable: InitProducerId on broker (127\.0\.0\.1:\d+): kafka server: The client is not authorized to send this request type`
	brokerIn := func(m []string) {
		t.Helper()
		if len(m) < 2 || (m[1] != c.Addrs[0] && m[1] != c.Addrs[1]) {
			t.Errorf("the message names broker %q, not one of %v", m, c.Addrs)
		}
	}

	c.Counter.Reset()
	answerInitProducerID(c, 31)
	r := produce(t, c, "a\nb\n", "cons-idem", "-p", "1")
	want := regexp.MustCompile(`^Note: ` + refused + `; writing without idempotence \(a retry may duplicate a record\)\n` +
		`Wrote 2 records to cons-idem with acks all: partition 1: 2 at offsets 0-1\.\n$`)
	if r.Code != 0 || r.Stdout != "" || !want.MatchString(r.Stderr) {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit 0 and %s", r.Code, r.Stdout, r.Stderr, want)
	}
	brokerIn(want.FindStringSubmatch(r.Stderr))
	if n := initProducerIDs(c); n != 1 {
		t.Errorf("%d InitProducerId requests, want 1", n)
	}

	// --idempotent given: no silent downgrade, nothing written.
	c.Counter.Reset()
	answerInitProducerID(c, 31)
	r = produce(t, c, "x\n", "cons-idem", "-p", "0", "--idempotent")
	want = regexp.MustCompile(`^Error: ` + refused + `\n$`)
	if r.Code != 1 || r.Stdout != "" || !want.MatchString(r.Stderr) {
		t.Fatalf("--idempotent: exit %d, stdout %q, stderr %q; want exit 1 and %s", r.Code, r.Stdout, r.Stderr, want)
	}
	brokerIn(want.FindStringSubmatch(r.Stderr))
	if n := c.Counter.Counts()["Produce"]; n != 0 {
		t.Errorf("--idempotent refused, yet %d Produce requests", n)
	}

	if got, want := readBack(t, c, "cons-idem"), []string{"1:0 <null>=a", "1:1 <null>=b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cons-idem holds %q, want %q", got, want)
	}
	// Written without a producer id (franz-go reads the batch header).
	for _, rec := range readAll(t, c, "cons-idem") {
		if rec.ProducerID != -1 {
			t.Errorf("%s[%d]@%d written with producer id %d, want -1", rec.Topic, rec.Partition, rec.Offset, rec.ProducerID)
		}
	}
}

// TestProduceInitProducerIDLoadInProgress: a broker still loading its
// transaction state answers COORDINATOR_LOAD_IN_PROGRESS; produce asks
// again (exactly one more InitProducerId) and writes idempotently.
func TestProduceInitProducerIDLoadInProgress(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2, Count: true})
	placedTopic(t, c, "cons-load", 2)
	c.Counter.Reset()
	answerInitProducerID(c, 14) // COORDINATOR_LOAD_IN_PROGRESS, once
	r := produce(t, c, "c\nd\ne\n", "cons-load", "-p", "0")
	if want := "Wrote 3 records to cons-load with acks all, idempotent: partition 0: 3 at offsets 0-2.\n"; r.Code != 0 || r.Stdout != "" || r.Stderr != want {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit 0 and %q", r.Code, r.Stdout, r.Stderr, want)
	}
	if n := initProducerIDs(c); n != 2 {
		t.Errorf("%d InitProducerId requests, want 2", n)
	}
	if got, want := readBack(t, c, "cons-load"), []string{"0:0 <null>=c", "0:1 <null>=d", "0:2 <null>=e"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cons-load holds %q, want %q", got, want)
	}
	for _, rec := range readAll(t, c, "cons-load") {
		if rec.ProducerID < 0 {
			t.Errorf("%s[%d]@%d written without a producer id", rec.Topic, rec.Partition, rec.Offset)
		}
	}
}

// failProduceOn makes node answer Produce with errCode for every partition
// of the request: on every request with keep, else on the next one only.
func failProduceOn(c *sandbox.Cluster, node int32, errCode int16, keep bool) {
	c.Kfake.ControlKey(int16(kmsg.Produce), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		if c.Kfake.CurrentNode() != node {
			c.Kfake.KeepControl()
			return nil, nil, false
		}
		if keep {
			c.Kfake.KeepControl()
		}
		req := kr.(*kmsg.ProduceRequest)
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range req.Topics {
			st := kmsg.NewProduceResponseTopic()
			st.Topic = rt.Topic
			for _, rp := range rt.Partitions {
				sp := kmsg.NewProduceResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = errCode
				sp.BaseOffset = -1
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
}

// TestProducePartialFailure: records for two partitions, and partition 1's
// leader fails every Produce. Partition 0's records are written; each input
// line not written is named, exit 1; nothing else is dropped. A retriable
// error (NOT_LEADER_OR_FOLLOWER, for good) is retried up to 5 sends with a
// metadata refresh between them; a non-retriable one (INVALID_RECORD) is not.
func TestProducePartialFailure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		code     int16
		keep     bool
		msg      string
		produces int // Produce requests: 1 to node 0, the rest to node 1
	}{
		{"retriable", 6, true, "kafka server: Tried to send a message to a replica that is not the leader for some partition. Your metadata is out of date", 6},
		{"not retriable", 87, false, "kafka server: This record has failed the validation on broker and hence will be rejected", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := testkit.Cluster(t, sandbox.Options{Brokers: 2, Count: true})
			placedTopic(t, c, "cons-pf", 2)
			failProduceOn(c, 1, tc.code, tc.keep)
			k0, k1 := keysFor("cons-pf", 0, 2, 2), keysFor("cons-pf", 1, 2, 3)
			// Lines 1 and 4 go to partition 0; lines 2, 3 and 5 to partition 1.
			in := k0[0] + ":a\n" + k1[0] + ":b\n" + k1[1] + ":c\n" + k0[1] + ":d\n" + k1[2] + ":e\n"
			c.Counter.Reset()
			r := produce(t, c, in, "cons-pf", "--key-separator", ":")
			want := "Error: not written: 2 records (input lines 2-3): cons-pf[1]: " + tc.msg + "\n" +
				"Error: not written: 1 records (input line 5): cons-pf[1]: " + tc.msg + "\n" +
				"Wrote 2 records to cons-pf with acks all, idempotent: partition 0: 2 at offsets 0-1.\n" +
				"Error: 3 of the records read were not written (see above)\n"
			if r.Code != 1 || r.Stdout != "" || r.Stderr != want {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant exit 1 and:\n%s", r.Code, r.Stdout, r.Stderr, want)
			}
			if n := c.Counter.Counts()["Produce"]; n != tc.produces {
				t.Errorf("%d Produce requests, want %d", n, tc.produces)
			}
			wantRecs := []string{"0:0 " + k0[0] + "=a", "0:1 " + k0[1] + "=d"}
			if got := readBack(t, c, "cons-pf"); !reflect.DeepEqual(got, wantRecs) {
				t.Errorf("cons-pf holds %q, want %q", got, wantRecs)
			}
		})
	}
}

// failingOut accepts its first write (signalled on first), then fails
// every write as a full disk does.
type failingOut struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
	first  chan struct{}
}

func (f *failingOut) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if f.writes > 1 {
		return 0, &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
	}
	close(f.first)
	return f.b.Write(p)
}

func (f *failingOut) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.b.String()
}

// TestConsumeWriteFailure: stdout fails (a full disk) while following:
// exit 1 naming the write error, and the summary counts only the records
// that were written, so continuing at its next offset loses nothing.
func TestConsumeWriteFailure(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	placedTopic(t, c, "cons-wf", 1)
	var recs []*kgo.Record
	for i := 0; i < 5; i++ {
		recs = append(recs, &kgo.Record{Topic: "cons-wf", Partition: 0, Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(fmt.Sprintf("v%d", i))})
	}
	produceRecs(t, c, recs)
	out := &failingOut{first: make(chan struct{})}
	var errOut clitest.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(context.Background(), &output.Streams{In: strings.NewReader(""), Out: out, ErrOut: &errOut},
			[]string{"--config", clitest.ConfigPath(t), "--brokers", c.Bootstrap(), "topic", "consume", "cons-wf", "--follow"})
	}()
	select {
	case <-out.first:
	case <-time.After(20 * time.Second):
		t.Fatal("nothing written within 20s")
	}
	// The next record's write fails.
	produceRecs(t, c, []*kgo.Record{{Topic: "cons-wf", Partition: 0, Key: []byte("k5"), Value: []byte("v5")}})
	var code int
	select {
	case code = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("consume did not end within 20s of the failed write")
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if want := "k0\tv0\nk1\tv1\nk2\tv2\nk3\tv3\nk4\tv4\n"; out.String() != want {
		t.Errorf("written %q, want %q", out.String(), want)
	}
	want := regexp.MustCompile(`^Consumed 5 records from cons-wf \(partition 0: 5, next offset 5\) in \d+\.\ds: writing to the output failed\.\n` +
		`Error: writing the records: write /dev/stdout: no space left on device\n$`)
	if !want.MatchString(errOut.String()) {
		t.Errorf("stderr %q, want %s", errOut.String(), want)
	}
}
