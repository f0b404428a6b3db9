//go:build realkafka

package e2e

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kctl-dev/kctl/pkg/realkafka"
)

// Tests of kctl partitions / broker log-dirs / cluster quorum on the
// three-node cluster. Topic names start with "ops-".

type opsPartition struct {
	Partition int32   `json:"partition"`
	Leader    int32   `json:"leader"`
	Replicas  []int32 `json:"replicas"`
	ISR       []int32 `json:"isr"`
}

// opsDescribe returns the partitions of topic as kctl topic describe sees them.
func opsDescribe(t *testing.T, c *realkafka.Cluster, args ...string) map[string][]opsPartition {
	t.Helper()
	r := kctl(t, c, append([]string{"topic", "describe", "-o", "json"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("topic describe %v: exit %d: %s", args, r.Code, r.Stderr)
	}
	var v struct {
		Topics []struct {
			Name       string         `json:"name"`
			Partitions []opsPartition `json:"partitions"`
		} `json:"topics"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("topic describe json: %v\n%s", err, r.Stdout)
	}
	out := map[string][]opsPartition{}
	for _, tp := range v.Topics {
		out[tp.Name] = tp.Partitions
	}
	return out
}

// opsRestore starts every stopped node and waits until no partition in the
// cluster is under-replicated, leaving the cluster as the suite expects.
func opsRestore(t *testing.T, c *realkafka.Cluster) {
	t.Helper()
	for id := 1; id <= 3; id++ {
		if n := c.Node(id); n != nil && !n.Running() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			err := c.StartNode(ctx, id)
			cancel()
			if err != nil {
				t.Errorf("restart node %d: %v", id, err)
			}
		}
	}
	eventually(t, 90*time.Second, func() string {
		r := kctl(t, c, "topic", "describe", "--under-replicated-partitions", "--no-headers")
		if r.Code != 0 || r.Stdout != "" {
			return fmt.Sprintf("under-replicated partitions remain (exit %d): %s%s", r.Code, r.Stdout, r.Stderr)
		}
		return ""
	})
}

func opsCreate(t *testing.T, c *realkafka.Cluster, topic string, partitions, rf int, extra ...string) {
	t.Helper()
	r := kctl(t, c, append([]string{"topic", "create", topic, "-p", fmt.Sprint(partitions), "-r", fmt.Sprint(rf)}, extra...)...)
	if r.Code != 0 {
		t.Fatalf("create %s: exit %d: %s", topic, r.Code, r.Stderr)
	}
	t.Cleanup(func() { kctl(t, c, "topic", "delete", topic, "--yes") })
}

// A real non-preferred leader: stop the preferred leader of partition 0,
// start it again (auto.leader.rebalance.enable is off, so leadership stays
// away), then elect: dry run names the partitions, --execute moves them
// back and `topic describe --leader-not-preferred` is empty again.
func TestOpsElectPreferredLeaders(t *testing.T) {
	c := Three(t)
	const topic = "ops-elect"
	opsCreate(t, c, topic, 3, 3)
	t.Cleanup(func() { opsRestore(t, c) })
	eventually(t, 30*time.Second, func() string {
		ps := opsDescribe(t, c, topic)[topic]
		if len(ps) != 3 {
			return fmt.Sprintf("%d partitions", len(ps))
		}
		for _, p := range ps {
			if len(p.ISR) != 3 || p.Leader != p.Replicas[0] {
				return fmt.Sprintf("partition %+v not settled", p)
			}
		}
		return ""
	})
	victim := int(opsDescribe(t, c, topic)[topic][0].Replicas[0])
	if err := c.StopNode(victim); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.StartNode(ctx, victim); err != nil {
		t.Fatal(err)
	}
	// Wait for the restarted node to be back in every ISR: only then can
	// it lead again.
	var moved []int32
	eventually(t, 60*time.Second, func() string {
		moved = moved[:0]
		for _, p := range opsDescribe(t, c, topic)[topic] {
			if len(p.ISR) != 3 {
				return fmt.Sprintf("partition %d ISR %v", p.Partition, p.ISR)
			}
			if p.Leader != p.Replicas[0] {
				moved = append(moved, p.Partition)
			}
		}
		return ""
	})
	if len(moved) == 0 {
		t.Fatalf("no leader moved away from node %d", victim)
	}
	notPreferred := func() []int32 {
		var out []int32
		for _, p := range opsDescribe(t, c, topic, "--leader-not-preferred")[topic] {
			out = append(out, p.Partition)
		}
		return out
	}
	if got := notPreferred(); !slices.Equal(got, moved) {
		t.Fatalf("--leader-not-preferred lists %v, want %v", got, moved)
	}

	t.Logf("$ kctl topic describe %s --leader-not-preferred\n%s", topic, kctl(t, c, "topic", "describe", topic, "--leader-not-preferred").Stdout)
	r := kctl(t, c, "partitions", "elect-leaders", "--topic", topic)
	t.Logf("$ kctl partitions elect-leaders --topic %s\n%s%s", topic, r.Stdout, r.Stderr)
	if r.Code != 0 || strings.Count(r.Stdout, "would elect") != len(moved) || !strings.Contains(r.Stderr, "Dry run:") {
		t.Fatalf("dry run: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if got := notPreferred(); !slices.Equal(got, moved) {
		t.Fatalf("after the dry run --leader-not-preferred lists %v, want %v (nothing changed)", got, moved)
	}
	t.Logf("$ kctl partitions elect-leaders --topic %s --execute (table)\n(see json)", topic)
	r = kctl(t, c, "partitions", "elect-leaders", "--topic", topic, "--execute", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("execute: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	var v struct {
		Partitions []struct {
			Partition int32  `json:"partition"`
			NewLeader int32  `json:"newLeader"`
			Result    string `json:"result"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil || len(v.Partitions) != len(moved) {
		t.Fatalf("execute json (%v): %s", err, r.Stdout)
	}
	for i, p := range v.Partitions {
		if p.Partition != moved[i] || p.Result != "elected" || p.NewLeader != int32(victim) {
			t.Errorf("result %+v, want partition %d elected with new leader %d", p, moved[i], victim)
		}
	}
	for _, p := range opsDescribe(t, c, topic)[topic] {
		if p.Leader != p.Replicas[0] {
			t.Errorf("partition %d: leader %d, preferred %d", p.Partition, p.Leader, p.Replicas[0])
		}
	}
	if got := notPreferred(); len(got) != 0 {
		t.Fatalf("after the election --leader-not-preferred lists %v", got)
	}
	// Again: nothing to elect, no request, exit 0.
	r = kctl(t, c, "partitions", "elect-leaders", "--topic", topic, "--execute")
	if r.Code != 0 || r.Stdout != "" || r.Stderr != "Nothing to elect: every partition in scope is led by its preferred replica.\n" {
		t.Fatalf("second election: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// opsProduce writes n records of size random (incompressible) bytes to
// topic, uncompressed, round-robin over its partitions, and waits for
// every ack (acks=all): the bytes on disk are what a throttle must copy.
func opsProduce(t *testing.T, c *realkafka.Cluster, topic string, n, size int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Addrs()...), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()), kgo.ProducerBatchMaxBytes(1<<20), kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i := 0; i < n; i++ {
		val := make([]byte, size)
		_, _ = rand.Read(val)
		cl.Produce(ctx, &kgo.Record{Topic: topic, Key: []byte(fmt.Sprintf("k%06d", i)), Value: val}, func(_ *kgo.Record, err error) {
			if err != nil {
				t.Errorf("produce: %v", err)
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// kctl broker log-dirs reports, replica by replica, the sizes Kafka's
// LogDirsCommand reports.
func TestOpsLogDirsEqualKafkaTool(t *testing.T) {
	c := Three(t)
	const topic = "ops-logdirs"
	opsCreate(t, c, topic, 3, 2)
	opsProduce(t, c, topic, 300, 100)
	// Followers catch up asynchronously: wait until every replica of the
	// topic has the same size as its leader's, so both tools see one state.
	type key struct {
		broker    int32
		partition string
	}
	kctlSizes := func() map[key]int64 {
		r := kctl(t, c, "broker", "log-dirs", "--topic", topic, "-o", "json")
		if r.Code != 0 {
			t.Fatalf("log-dirs: exit %d %s", r.Code, r.Stderr)
		}
		var v struct {
			Brokers []struct {
				Broker  int32 `json:"broker"`
				LogDirs []struct {
					Replicas []struct {
						Topic     string `json:"topic"`
						Partition int32  `json:"partition"`
						Size      int64  `json:"sizeBytes"`
					} `json:"replicas"`
				} `json:"logDirs"`
			} `json:"brokers"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
			t.Fatal(err)
		}
		out := map[key]int64{}
		for _, b := range v.Brokers {
			for _, d := range b.LogDirs {
				for _, rep := range d.Replicas {
					out[key{b.Broker, fmt.Sprintf("%s-%d", rep.Topic, rep.Partition)}] = rep.Size
				}
			}
		}
		return out
	}
	var got map[key]int64
	eventually(t, 30*time.Second, func() string {
		got = kctlSizes()
		per := map[string][]int64{}
		for k, v := range got {
			per[k.partition] = append(per[k.partition], v)
		}
		if len(got) != 6 {
			return fmt.Sprintf("%d replicas: %v", len(got), got)
		}
		for p, vs := range per {
			if len(vs) != 2 || vs[0] != vs[1] || vs[0] == 0 {
				return fmt.Sprintf("%s sizes %v", p, vs)
			}
		}
		return ""
	})
	out := tool(t, c, "org.apache.kafka.tools.LogDirsCommand", "--describe", "--topic-list", topic)
	line := out[strings.Index(out, "{"):]
	var kv struct {
		Brokers []struct {
			Broker  int32 `json:"broker"`
			LogDirs []struct {
				Partitions []struct {
					Partition string `json:"partition"`
					Size      int64  `json:"size"`
				} `json:"partitions"`
			} `json:"logDirs"`
		} `json:"brokers"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(line)), &kv); err != nil {
		t.Fatalf("LogDirsCommand output: %v\n%s", err, out)
	}
	want := map[key]int64{}
	for _, b := range kv.Brokers {
		for _, d := range b.LogDirs {
			for _, p := range d.Partitions {
				want[key{b.Broker, p.Partition}] = p.Size
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("kctl log-dirs %v\nLogDirsCommand %v", got, want)
	}
	r := kctl(t, c, "broker", "log-dirs", "--topic", topic)
	t.Logf("$ kctl broker log-dirs --topic %s\n%s", topic, r.Stdout)
	r = kctl(t, c, "broker", "balance")
	t.Logf("$ kctl broker balance\n%s", r.Stdout)
	if r.Code != 0 || !strings.Contains(r.Stdout, "Skew (max/mean): replicas ") {
		t.Fatalf("balance: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// quorumStatus parses kafka-metadata-quorum describe --status
// ("Key:   value" lines).
func quorumStatus(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(l, ":")
		if ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// kctl cluster quorum equals kafka-metadata-quorum describe --status and
// --replication on the static three-voter quorum: the same leader, epoch,
// voters, observers and statuses; the high watermark and log end offsets
// move (the controller appends a no-op record every 500 ms), so kctl's are
// bracketed by the tool's before and after.
func TestOpsQuorumEqualsMetadataQuorumCommand(t *testing.T) {
	c := Three(t)
	const qc = "org.apache.kafka.tools.MetadataQuorumCommand"
	before := quorumStatus(t, tool(t, c, qc, "describe", "--status"))
	r := kctl(t, c, "cluster", "quorum", "-o", "json")
	repl := tool(t, c, qc, "describe", "--replication")
	after := quorumStatus(t, tool(t, c, qc, "describe", "--status"))
	t.Logf("MetadataQuorumCommand --status: %v\n--replication:\n%s", before, repl)
	if r.Code != 0 {
		t.Fatalf("cluster quorum: exit %d %s", r.Code, r.Stderr)
	}
	var q struct {
		ClusterID     string `json:"clusterId"`
		LeaderID      int32  `json:"leaderId"`
		LeaderEpoch   int32  `json:"leaderEpoch"`
		HighWatermark int64  `json:"highWatermark"`
		Voters        []struct {
			ID           int32  `json:"id"`
			LogEndOffset int64  `json:"logEndOffset"`
			Status       string `json:"status"`
		} `json:"voters"`
		Observers []struct {
			ID int32 `json:"id"`
		} `json:"observers"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &q); err != nil {
		t.Fatal(err)
	}
	if before["LeaderId"] != after["LeaderId"] || before["LeaderEpoch"] != after["LeaderEpoch"] {
		t.Skipf("the quorum changed leader while the tools ran: %v -> %v", before, after)
	}
	if got := fmt.Sprint(q.ClusterID); got != before["ClusterId"] {
		t.Errorf("cluster id %s, tool %s", got, before["ClusterId"])
	}
	if got := fmt.Sprint(q.LeaderID); got != before["LeaderId"] {
		t.Errorf("leader %s, tool %s", got, before["LeaderId"])
	}
	if got := fmt.Sprint(q.LeaderEpoch); got != before["LeaderEpoch"] {
		t.Errorf("epoch %s, tool %s", got, before["LeaderEpoch"])
	}
	var lo, hi int64
	fmt.Sscan(before["HighWatermark"], &lo)
	fmt.Sscan(after["HighWatermark"], &hi)
	if q.HighWatermark < lo || q.HighWatermark > hi {
		t.Errorf("high watermark %d outside the tool's [%d, %d]", q.HighWatermark, lo, hi)
	}
	// --replication: "NodeId DirectoryId LogEndOffset Lag LastFetchTimestamp
	// LastCaughtUpTimestamp Status" (4.x), one row per replica.
	lines := strings.Split(strings.TrimSpace(repl), "\n")
	hdr := strings.Fields(lines[0])
	col := func(name string) int {
		for i, h := range hdr {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %q", name, lines[0])
		return -1
	}
	idCol, stCol := col("NodeId"), col("Status")
	var toolRows, kctlRows []string
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		toolRows = append(toolRows, f[idCol]+":"+f[stCol])
	}
	for _, v := range q.Voters {
		kctlRows = append(kctlRows, fmt.Sprintf("%d:%s", v.ID, v.Status))
	}
	for _, o := range q.Observers {
		kctlRows = append(kctlRows, fmt.Sprintf("%d:Observer", o.ID))
	}
	slices.Sort(toolRows)
	slices.Sort(kctlRows)
	if !slices.Equal(toolRows, kctlRows) {
		t.Errorf("replicas %v, tool %v", kctlRows, toolRows)
	}
	if len(q.Voters) != 3 || q.Voters[0].Status != "Leader" {
		t.Errorf("voters %+v", q.Voters)
	}
	tr := kctl(t, c, "cluster", "quorum")
	t.Logf("$ kctl cluster quorum\n%s", tr.Stdout)

	// Features: every feature but metadata.version (which the tool
	// prints by name, 4.4-IV2) has kafka-features describe's numbers.
	fr := kctl(t, c, "cluster", "features", "-o", "json")
	var fv struct {
		Epoch    int64 `json:"epoch"`
		Features []struct {
			Name      string `json:"name"`
			Min       int16  `json:"supportedMinVersion"`
			Max       int16  `json:"supportedMaxVersion"`
			Finalized int16  `json:"finalizedVersionLevel"`
		} `json:"features"`
	}
	if fr.Code != 0 || json.Unmarshal([]byte(fr.Stdout), &fv) != nil {
		t.Fatalf("features: exit %d %s %s", fr.Code, fr.Stdout, fr.Stderr)
	}
	fout := tool(t, c, "org.apache.kafka.tools.FeatureCommand", "describe")
	t.Logf("FeatureCommand describe:\n%s", fout)
	t.Logf("$ kctl cluster features\n%s", kctl(t, c, "cluster", "features").Stdout)
	re := regexp.MustCompile(`Feature: (\S+)\s+SupportedMinVersion: (\S+)\s+SupportedMaxVersion: (\S+)\s+FinalizedVersionLevel: (\S+)\s+Epoch: (\S+)`)
	var want, got []string
	for _, m := range re.FindAllStringSubmatch(fout, -1) {
		if m[1] != "metadata.version" {
			want = append(want, strings.Join(m[1:5], " "))
		}
	}
	for _, f := range fv.Features {
		if f.Name != "metadata.version" {
			got = append(got, fmt.Sprintf("%s %d %d %d", f.Name, f.Min, f.Max, f.Finalized))
		}
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("features\n%v\ntool\n%v", got, want)
	}
}

// opsConsumeAll reads every record of topic (from the start to the end
// offsets at the time of the call) and returns "partition/key=value" lines.
func opsConsumeAll(t *testing.T, c *realkafka.Cluster, topic string, want int) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Addrs()...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out []string
	for len(out) < want {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("consume %s after %d records: %v", topic, len(out), err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			out = append(out, fmt.Sprintf("%d/%d/%s=%x", r.Partition, r.Offset, r.Key, sha256.Sum256(r.Value)))
		})
	}
	slices.Sort(out)
	return out
}

func opsPlanFile(t *testing.T, topic string, reps ...[]int32) string {
	t.Helper()
	var parts []string
	for p, r := range reps {
		b, _ := json.Marshal(r)
		parts = append(parts, fmt.Sprintf(`{"topic":%q,"partition":%d,"replicas":%s}`, topic, p, b))
	}
	f := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(f, []byte(`{"version":1,"partitions":[`+strings.Join(parts, ",")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func opsTopicOnBrokers12(t *testing.T, c *realkafka.Cluster, topic string) {
	t.Helper()
	tool(t, c, topicCommand, "--create", "--topic", topic, "--replica-assignment", "1:2,2:1")
	t.Cleanup(func() { kctl(t, c, "topic", "delete", topic, "--yes") })
}

// dynamicConfigs is what kafka-configs --describe lists for an entity.
func dynamicConfigs(t *testing.T, c *realkafka.Cluster, entityType, name string) string {
	t.Helper()
	return tool(t, c, configCommand, "--describe", "--entity-type", entityType, "--entity-name", name)
}

// opsNoThrottles fails the test if kafka-configs lists a throttle config
// on topic or on any broker.
func opsNoThrottles(t *testing.T, c *realkafka.Cluster, topic string) {
	t.Helper()
	if tc := dynamicConfigs(t, c, "topics", topic); strings.Contains(tc, "throttled") {
		t.Errorf("topic throttles remain:\n%s", tc)
	}
	for _, b := range []string{"1", "2", "3"} {
		if bc := dynamicConfigs(t, c, "brokers", b); strings.Contains(bc, "throttled") {
			t.Errorf("broker %s throttles remain:\n%s", b, bc)
		}
	}
}

// Reassign 1,2 -> 2,3 with a throttle: the throttle configs Kafka's tool
// would set appear, --verify reaches complete and removes them, the
// records are all there, and the rollback plan holds the old assignment.
func TestOpsReassignThrottledToCompletion(t *testing.T) {
	c := Three(t)
	const topic = "ops-move"
	opsTopicOnBrokers12(t, c, topic)
	opsProduce(t, c, topic, 2000, 200)
	before := opsConsumeAll(t, c, topic, 2000)
	plan := opsPlanFile(t, topic, []int32{2, 3}, []int32{3, 2})

	r := kctl(t, c, "partitions", "reassign", "--plan", plan)
	t.Logf("$ kctl partitions reassign --plan plan.json\n%s%s", r.Stdout, r.Stderr)
	if r.Code != 0 || !strings.Contains(r.Stdout, "ops-move  0          1,2      2,3     3       1") {
		t.Fatalf("dry run: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "partitions", "reassign", "--plan", plan, "--execute", "--throttle", "50000000")
	t.Logf("$ kctl partitions reassign --plan plan.json --execute --throttle 50000000\n%s%s", r.Stdout, r.Stderr)
	if r.Code != 0 {
		t.Fatalf("execute: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	tc := dynamicConfigs(t, c, "topics", topic)
	for _, want := range []string{"leader.replication.throttled.replicas=0:1,0:2,1:2,1:1", "follower.replication.throttled.replicas=0:3,1:3"} {
		if !strings.Contains(tc, want) {
			t.Errorf("topic configs lack %s:\n%s", want, tc)
		}
	}
	for _, b := range []string{"1", "2", "3"} {
		if bc := dynamicConfigs(t, c, "brokers", b); !strings.Contains(bc, "leader.replication.throttled.rate=50000000") || !strings.Contains(bc, "follower.replication.throttled.rate=50000000") {
			t.Errorf("broker %s configs:\n%s", b, bc)
		}
	}
	rb, err := os.ReadFile(plan + ".rollback.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"version":1,"partitions":[{"topic":"ops-move","partition":0,"replicas":[1,2],"log_dirs":["any","any"]},{"topic":"ops-move","partition":1,"replicas":[2,1],"log_dirs":["any","any"]}]}` + "\n"; string(rb) != want {
		t.Errorf("rollback plan %s", rb)
	}
	if st, _ := os.Stat(plan + ".rollback.json"); st.Mode().Perm() != 0o600 {
		t.Errorf("rollback plan mode %v", st.Mode().Perm())
	}
	// A second --execute refuses to overwrite the rollback plan.
	if r2 := kctl(t, c, "partitions", "reassign", "--plan", plan, "--execute"); r2.Code != 2 || !strings.Contains(r2.Stderr, "exists and is never overwritten") {
		if r2.Code != 0 || !strings.Contains(r2.Stderr, "Nothing to move") {
			t.Errorf("second execute: exit %d %s", r2.Code, r2.Stderr)
		}
	}
	eventually(t, 60*time.Second, func() string {
		r := kctl(t, c, "partitions", "reassign", "--plan", plan, "--verify")
		if r.Code != 0 {
			return fmt.Sprintf("verify: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
		}
		t.Logf("$ kctl partitions reassign --plan plan.json --verify\n%s%s", r.Stdout, r.Stderr)
		return ""
	})
	for _, p := range opsDescribe(t, c, topic)[topic] {
		want := map[int32][]int32{0: {2, 3}, 1: {3, 2}}[p.Partition]
		if !slices.Equal(p.Replicas, want) {
			t.Errorf("partition %d replicas %v, want %v", p.Partition, p.Replicas, want)
		}
	}
	opsNoThrottles(t, c, topic)
	if after := opsConsumeAll(t, c, topic, 2000); !slices.Equal(before, after) {
		t.Fatalf("records changed: %d before, %d after", len(before), len(after))
	}
}

// Cancel mid-way: a 20 kB/s throttle on ~4 MB keeps the move running; the
// cancel stops it, the replicas are the old ones, nothing is in progress,
// the throttles are gone and the records intact.
func TestOpsReassignCancel(t *testing.T) {
	c := Three(t)
	const topic = "ops-cancel"
	opsTopicOnBrokers12(t, c, topic)
	opsProduce(t, c, topic, 4000, 1000)
	before := opsConsumeAll(t, c, topic, 4000)
	plan := opsPlanFile(t, topic, []int32{2, 3}, []int32{3, 2})
	if r := kctl(t, c, "partitions", "reassign", "--plan", plan, "--execute", "--throttle", "20000"); r.Code != 0 {
		t.Fatalf("execute: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r := kctl(t, c, "partitions", "reassign", "--plan", plan, "--verify")
	t.Logf("$ kctl partitions reassign --plan plan.json --verify\n%s%s", r.Stdout, r.Stderr)
	if r.Code != 1 || strings.Count(r.Stdout, "in progress") != 2 {
		t.Fatalf("verify while moving: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "partitions", "reassign", "--plan", plan, "--cancel")
	t.Logf("$ kctl partitions reassign --plan plan.json --cancel\n%s%s", r.Stdout, r.Stderr)
	if r.Code != 0 || strings.Count(r.Stdout, "cancelled") != 2 {
		t.Fatalf("cancel: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	// Kafka puts the original replicas back in the order of the moving
	// replica list (target first: [2,3,1] minus 3 is [2,1]), so the set is
	// the old one but the preferred leader may differ.
	eventually(t, 30*time.Second, func() string {
		for _, p := range opsDescribe(t, c, topic)[topic] {
			got := slices.Sorted(slices.Values(p.Replicas))
			if !slices.Equal(got, []int32{1, 2}) {
				return fmt.Sprintf("partition %d replicas %v, want {1,2}", p.Partition, p.Replicas)
			}
		}
		return ""
	})
	r = kctl(t, c, "partitions", "reassign", "--plan", plan, "--verify", "-o", "json")
	if r.Code != 1 || strings.Contains(r.Stdout, "in progress") || strings.Count(r.Stdout, `"state": "not started"`) != 2 {
		t.Fatalf("verify after cancel: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	opsNoThrottles(t, c, topic)
	if after := opsConsumeAll(t, c, topic, 4000); !slices.Equal(before, after) {
		t.Fatalf("records changed: %d before, %d after", len(before), len(after))
	}
}

// A bad plan is refused with exit 2 and nothing changes on the cluster.
func TestOpsReassignBadPlan(t *testing.T) {
	c := Three(t)
	const topic = "ops-badplan"
	opsTopicOnBrokers12(t, c, topic)
	for name, plan := range map[string]string{
		"unknown broker":     opsPlanFile(t, topic, []int32{2, 9}, []int32{2, 1}),
		"duplicate replicas": opsPlanFile(t, topic, []int32{2, 2}, []int32{2, 1}),
		"missing partition":  opsPlanFile(t, topic, []int32{1, 2}, []int32{2, 1}, []int32{3, 1}),
	} {
		r := kctl(t, c, "partitions", "reassign", "--plan", plan, "--execute", "--throttle", "1000")
		if r.Code != 2 || !strings.Contains(r.Stderr, "nothing changed") {
			t.Errorf("%s: exit %d stderr %q", name, r.Code, r.Stderr)
		}
		if _, err := os.Stat(plan + ".rollback.json"); err == nil {
			t.Errorf("%s: a rollback file was written", name)
		}
	}
	for _, p := range opsDescribe(t, c, topic)[topic] {
		want := map[int32][]int32{0: {1, 2}, 1: {2, 1}}[p.Partition]
		if !slices.Equal(p.Replicas, want) {
			t.Errorf("partition %d replicas %v", p.Partition, p.Replicas)
		}
	}
	if tc := dynamicConfigs(t, c, "topics", topic); strings.Contains(tc, "throttled") {
		t.Errorf("throttles set:\n%s", tc)
	}
}

func opsQuorumCheck(t *testing.T, c *realkafka.Cluster) (code int, status string, value float64, msg string) {
	t.Helper()
	r := kctl(t, c, "health", "--checks", "quorum", "--format", "json")
	var rep struct {
		Checks []struct {
			Name    string   `json:"name"`
			Status  string   `json:"status"`
			Value   *float64 `json:"value"`
			Message string   `json:"message"`
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil || len(rep.Checks) != 1 || rep.Checks[0].Value == nil {
		t.Fatalf("health --checks quorum: exit %d %q %q (%v)", r.Code, r.Stdout, r.Stderr, err)
	}
	ch := rep.Checks[0]
	return r.Code, ch.Status, *ch.Value, ch.Message
}

// health --checks quorum: OK with 3 of 3 voters; a stopped voter turns it
// WARNING once it trails the leader by more than 10 s; OK again after the
// restart.
func TestOpsHealthQuorumCheck(t *testing.T) {
	c := Three(t)
	if code, st, v, msg := opsQuorumCheck(t, c); code != 0 || st != "OK" || v != 3 || !strings.HasSuffix(msg, ": 3 of 3 voters caught up") {
		t.Fatalf("healthy: exit %d %s %v %q", code, st, v, msg)
	}
	t.Cleanup(func() { opsRestore(t, c) })
	r := kctl(t, c, "cluster", "quorum", "-o", "json")
	var q struct {
		LeaderID int32 `json:"leaderId"`
	}
	_ = json.Unmarshal([]byte(r.Stdout), &q)
	victim := 1
	if q.LeaderID == 1 {
		victim = 2
	}
	if err := c.StopNode(victim); err != nil {
		t.Fatal(err)
	}
	eventually(t, 45*time.Second, func() string {
		code, st, v, msg := opsQuorumCheck(t, c)
		if code != 1 || st != "WARNING" || v != 2 || !strings.HasSuffix(msg, ": 2 of 3 voters caught up") {
			return fmt.Sprintf("voter %d stopped: exit %d %s %v %q", victim, code, st, v, msg)
		}
		return ""
	})
	opsRestore(t, c)
	eventually(t, 30*time.Second, func() string {
		if code, st, _, msg := opsQuorumCheck(t, c); code != 0 || st != "OK" {
			return fmt.Sprintf("after restart: exit %d %s %q", code, st, msg)
		}
		return ""
	})
}
