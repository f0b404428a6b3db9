//go:build realkafka

package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/realkafka"
)

// The consumer-group data set of lag_test.go and offsets_test.go: real
// records with explicit timestamps, real groups (a kgo member that stays,
// groups that committed and left), made once per cluster.
//
//	lg-orders  3 partitions: p0 10 records at T0+0h..9h, p1 6 records at
//	           T0+30m, +2h30m, ... (+2h each), its first 2 deleted (log
//	           start 2), p2 empty
//	lg-audit   1 partition, 20 records at T0, T0+10m, ... T0+190m
//	lg-extra   1 partition, 5 records at T0+1h..
//
//	lg-idle    Empty: committed orders p0=4 p1=3, audit p0=20 (caught up); no commit on orders p2
//	lg-active  Stable, one kgo member subscribed to lg-orders and lg-audit,
//	           committed audit p0=12 and orders p0=3 (orders p1, p2 assigned
//	           without commit); an earlier member of the group subscribed to
//	           lg-extra and committed extra p0=2 there, so that partition has a
//	           commit and no member
//	lg-static  Stable, one static kgo member (group.instance.id lg-static-1)
//	           subscribed to lg-audit, committed audit p0=3
//	lg-next    (Kafka 4 only) Stable on the new consumer protocol (KIP-848),
//	           committed audit p0=7
//
// T0 is 12 hours before the data set was made, on the hour.
type groupData struct {
	T0 time.Time
	// ts are the record timestamps per topic and partition, by offset
	// (deleted records included).
	ts     map[string]map[int32][]time.Time
	active *kgo.Client
	static *kgo.Client
	next   *kgo.Client
}

const (
	ordersT = "lg-orders"
	auditT  = "lg-audit"
	extraT  = "lg-extra"
	idleG   = "lg-idle"
	activeG = "lg-active"
	nextG   = "lg-next"
	staticG = "lg-static"
	// The client id of the lg-active member, as the tools show it.
	activeClient = "lg-active-client"
)

var (
	groupDataMu sync.Mutex
	groupDataBy = map[*realkafka.Cluster]*groupData{}
)

// groupsOn returns the data set on c, making it on first use.
func groupsOn(t *testing.T, c *realkafka.Cluster) *groupData {
	t.Helper()
	groupDataMu.Lock()
	defer groupDataMu.Unlock()
	if d := groupDataBy[c]; d != nil {
		return d
	}
	began := time.Now()
	d := &groupData{T0: time.Now().UTC().Truncate(time.Hour).Add(-12 * time.Hour), ts: map[string]map[int32][]time.Time{}}
	createTopic(t, c, ordersT, 3)
	createTopic(t, c, auditT, 1)
	createTopic(t, c, extraT, 1)
	var recs []*kgo.Record
	add := func(topic string, p int32, at time.Time) {
		if d.ts[topic] == nil {
			d.ts[topic] = map[int32][]time.Time{}
		}
		d.ts[topic][p] = append(d.ts[topic][p], at)
		recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Timestamp: at, Value: []byte(fmt.Sprintf("%s-%d-%d", topic, p, len(d.ts[topic][p])))})
	}
	for i := 0; i < 10; i++ {
		add(ordersT, 0, d.T0.Add(time.Duration(i)*time.Hour))
	}
	for i := 0; i < 6; i++ {
		add(ordersT, 1, d.T0.Add(30*time.Minute+time.Duration(i)*2*time.Hour))
	}
	for i := 0; i < 20; i++ {
		add(auditT, 0, d.T0.Add(time.Duration(i)*10*time.Minute))
	}
	for i := 0; i < 5; i++ {
		add(extraT, 0, d.T0.Add(time.Duration(i+1)*time.Hour))
	}
	produce(t, c, recs...)
	deleteRecords(t, c, ordersT, 1, 2)

	commitAndLeave(t, c, idleG, []string{ordersT, auditT}, map[string]map[int32]int64{ordersT: {0: 4, 1: 3}, auditT: {0: 20}})
	commitAndLeave(t, c, activeG, []string{extraT}, map[string]map[int32]int64{extraT: {0: 2}})
	d.active = member(t, c, activeG, activeClient, false, []string{ordersT, auditT}, map[string]map[int32]int64{auditT: {0: 12}, ordersT: {0: 3}})
	d.static = member(t, c, staticG, "lg-static-client", false, []string{auditT}, map[string]map[int32]int64{auditT: {0: 3}}, kgo.InstanceID("lg-static-1"))
	if c.Version != oldVersion {
		d.next = member(t, c, nextG, "lg-next-client", true, []string{auditT}, map[string]map[int32]int64{auditT: {0: 7}})
	}
	groupDataBy[c] = d
	t.Logf("consumer-group data set on Kafka %s made in %s", c.Version, time.Since(began).Round(time.Millisecond))
	return d
}

// kgoClient is a franz-go client for c with opts.
func kgoClient(t *testing.T, c *realkafka.Cluster, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.Addrs()...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func createTopic(t *testing.T, c *realkafka.Cluster, name string, partitions int) {
	t.Helper()
	if r := kctl(t, c, "topic", "create", name, "--partitions", fmt.Sprint(partitions)); r.Code != 0 {
		t.Fatalf("topic create %s: exit %d: %s", name, r.Code, r.Stderr)
	}
}

// produce writes records to the partitions they name, with their own
// timestamps, and fails the test on any error.
func produce(t *testing.T, c *realkafka.Cluster, recs ...*kgo.Record) {
	t.Helper()
	cl := kgoClient(t, c, kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0))
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

// deleteRecords moves topic[p]'s log start to offset (DeleteRecords).
func deleteRecords(t *testing.T, c *realkafka.Cluster, topic string, p int32, offset int64) {
	t.Helper()
	cl := kgoClient(t, c)
	defer cl.Close()
	req := kmsg.NewPtrDeleteRecordsRequest()
	rt := kmsg.NewDeleteRecordsRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewDeleteRecordsRequestTopicPartition()
	rp.Partition, rp.Offset = p, offset
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 10000
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	shards := cl.RequestSharded(ctx, req)
	for _, s := range shards {
		if s.Err != nil {
			t.Fatalf("DeleteRecords: %v", s.Err)
		}
		for _, rt := range s.Resp.(*kmsg.DeleteRecordsResponse).Topics {
			for _, rp := range rt.Partitions {
				if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
					t.Fatalf("DeleteRecords %s[%d]: %v", rt.Topic, rp.Partition, err)
				}
			}
		}
	}
}

// member joins group as a real consumer subscribed to topics, waits for
// its assignment, commits offsets (as a member, with its generation) and
// returns the client, which stays in the group until closed. next selects
// the new consumer protocol (KIP-848).
func member(t *testing.T, c *realkafka.Cluster, group, clientID string, next bool, topics []string, offsets map[string]map[int32]int64, extra ...kgo.Opt) *kgo.Client {
	t.Helper()
	assigned := make(chan struct{})
	var once sync.Once
	opts := []kgo.Opt{kgo.ConsumerGroup(group), kgo.ConsumeTopics(topics...), kgo.ClientID(clientID),
		kgo.DisableAutoCommit(), kgo.FetchMaxWait(200 * time.Millisecond),
		kgo.OnPartitionsAssigned(func(context.Context, *kgo.Client, map[string][]int32) { once.Do(func() { close(assigned) }) })}
	if next {
		opts = append(opts, kgo.ServerSideBalancer(), kgo.Balancers(kgo.RangeBalancer()))
	}
	cl := kgoClient(t, c, append(opts, extra...)...)
	// Polling drives the group join; the records themselves are not used.
	pollCtx, stopPoll := context.WithCancel(context.Background())
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		for pollCtx.Err() == nil {
			cl.PollFetches(pollCtx)
		}
	}()
	select {
	case <-assigned:
	case <-time.After(60 * time.Second):
		stopPoll()
		cl.Close()
		t.Fatalf("group %s: no assignment within 60s", group)
	}
	commit(t, cl, group, offsets)
	stopPoll()
	<-polled
	return cl
}

func commit(t *testing.T, cl *kgo.Client, group string, offsets map[string]map[int32]int64) {
	t.Helper()
	eo := map[string]map[int32]kgo.EpochOffset{}
	for topic, ps := range offsets {
		eo[topic] = map[int32]kgo.EpochOffset{}
		for p, o := range ps {
			eo[topic][p] = kgo.EpochOffset{Epoch: -1, Offset: o}
		}
	}
	var cerr error
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl.CommitOffsetsSync(ctx, eo, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			cerr = err
			return
		}
		for _, rt := range resp.Topics {
			for _, rp := range rt.Partitions {
				if e := kerr.ErrorForCode(rp.ErrorCode); e != nil {
					cerr = fmt.Errorf("%s[%d]: %w", rt.Topic, rp.Partition, e)
				}
			}
		}
	})
	if cerr != nil {
		t.Fatalf("group %s: commit: %v", group, cerr)
	}
}

// commitAndLeave makes an Empty group that committed offsets: a member
// joins, commits and leaves.
func commitAndLeave(t *testing.T, c *realkafka.Cluster, group string, topics []string, offsets map[string]map[int32]int64) {
	t.Helper()
	cl := member(t, c, group, group+"-client", false, topics, offsets)
	cl.Close() // LeaveGroup: the group is Empty at once
}

// toolStreams runs one of Kafka's tools against c (as tool does) and returns
// its stdout and stderr apart: the group tool writes notes to stderr, some
// errors to stdout, and exits 0 after some of them.
func toolStreams(t *testing.T, c *realkafka.Cluster, class string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return c.Tool(ctx, class, append([]string{"--bootstrap-server", c.Bootstrap()}, args...)...)
}

// tableRows parses the aligned tables in out (Kafka's tools and kctl's
// plain tables) into rows keyed by header name, so comparisons do not
// depend on column positions. A table starts at a line whose first word is
// one of heads; its columns start where the header's words start ("COORDINATOR
// (ID)" is one header). It ends at a blank line or a line that does not fit.
func tableRows(t *testing.T, out string, heads ...string) []map[string]string {
	t.Helper()
	var rows []map[string]string
	var cols []string
	var starts []int
	for _, line := range strings.Split(out, "\n") {
		if strings.TrimSpace(line) == "" {
			cols = nil
			continue
		}
		first := strings.Fields(line)[0]
		isHead := false
		for _, h := range heads {
			isHead = isHead || first == h
		}
		if isHead {
			cols, starts = nil, nil
			for i := 0; i < len(line); {
				if line[i] == ' ' {
					i++
					continue
				}
				j := strings.IndexByte(line[i:], ' ')
				if j < 0 {
					j = len(line) - i
				}
				w := line[i : i+j]
				if strings.HasPrefix(w, "(") && len(cols) > 0 {
					cols[len(cols)-1] += " " + w
				} else {
					cols, starts = append(cols, w), append(starts, i)
				}
				i += j
			}
			continue
		}
		if cols == nil {
			continue
		}
		row := map[string]string{}
		for k := range cols {
			end := len(line)
			if k+1 < len(cols) && starts[k+1] < len(line) {
				end = starts[k+1]
			}
			if starts[k] >= len(line) {
				row[cols[k]] = ""
				continue
			}
			if starts[k] > 0 && line[starts[k]-1] != ' ' {
				t.Fatalf("column %s does not line up in %q", cols[k], line)
			}
			row[cols[k]] = strings.TrimSpace(line[starts[k]:end])
		}
		rows = append(rows, row)
	}
	return rows
}
