//go:build realkafka

package e2e

import (
	"encoding/json"
	"fmt"
	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/cli/topic"
	"github.com/kctl-dev/kctl/pkg/realkafka"
)

// kctl topic / cluster / broker / health / version on real Kafka, side by
// side with TopicCommand and ConfigCommand from the same jars. Topic names
// start with "tp-".

// tcPart is one partition as both tools print it: leader ("none" when
// there is none), replicas and ISR as comma lists.
type tcPart struct {
	Leader, Replicas, ISR string
}

// tcTopic is a topic header of TopicCommand --describe.
type tcTopic struct {
	ID         string
	Partitions int
	RF         int
	Configs    map[string]string
}

// parseTopicCommand reads kafka-topics.sh --describe output: headers
// ("Topic: t\tTopicId: ...") and partition lines ("\tTopic: t\tPartition: 0
// \tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: \tLastKnownElr: "). Partitions
// are keyed "topic/partition"; elr holds the Elr field.
func parseTopicCommand(t *testing.T, out string) (topics map[string]tcTopic, parts map[string]tcPart, elr map[string]string) {
	t.Helper()
	topics, parts, elr = map[string]tcTopic{}, map[string]tcPart{}, map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := map[string]string{}
		for _, kv := range strings.Split(strings.TrimPrefix(line, "\t"), "\t") {
			k, v, ok := strings.Cut(kv, ": ")
			if !ok {
				k, v = strings.TrimSuffix(kv, ":"), ""
			}
			f[k] = v
		}
		if strings.HasPrefix(line, "\t") {
			key := f["Topic"] + "/" + f["Partition"]
			parts[key] = tcPart{Leader: f["Leader"], Replicas: f["Replicas"], ISR: f["Isr"]}
			elr[key] = f["Elr"]
			continue
		}
		n, _ := strconv.Atoi(f["PartitionCount"])
		rf, _ := strconv.Atoi(f["ReplicationFactor"])
		cfg := map[string]string{}
		if f["Configs"] != "" {
			for _, kv := range strings.Split(f["Configs"], ",") {
				k, v, _ := strings.Cut(kv, "=")
				cfg[k] = v
			}
		}
		topics[f["Topic"]] = tcTopic{ID: f["TopicId"], Partitions: n, RF: rf, Configs: cfg}
	}
	return topics, parts, elr
}

// kctlDescribe runs kctl topic describe -o json with args.
func kctlDescribe(t *testing.T, c *realkafka.Cluster, args ...string) topic.DescribeView {
	t.Helper()
	r := kctl(t, c, append([]string{"topic", "describe", "-o", "json"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("kctl topic describe %v: exit %d: %s", args, r.Code, r.Stderr)
	}
	var v topic.DescribeView
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("topic describe json: %v\n%s", err, r.Stdout)
	}
	return v
}

func tpIDs(v []int32) string {
	s := make([]string, len(v))
	for i, id := range v {
		s[i] = strconv.Itoa(int(id))
	}
	return strings.Join(s, ",")
}

// kctlParts is the describe view in TopicCommand's terms.
func kctlParts(v topic.DescribeView) map[string]tcPart {
	out := map[string]tcPart{}
	for _, tv := range v.Topics {
		for _, p := range tv.Partitions {
			leader := strconv.Itoa(int(p.Leader))
			if p.Leader < 0 {
				leader = "none"
			}
			out[fmt.Sprintf("%s/%d", tv.Name, p.Partition)] = tcPart{Leader: leader, Replicas: tpIDs(p.Replicas), ISR: tpIDs(p.ISR)}
		}
	}
	return out
}

func tpKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// tpOnly keeps the entries whose key starts with prefix.
func tpOnly[V any](m map[string]V, prefix string) map[string]V {
	out := map[string]V{}
	for k, v := range m {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}

// sameParts compares TopicCommand's and kctl's partitions, every row.
func sameParts(t *testing.T, what string, tc, kc map[string]tcPart) {
	t.Helper()
	if !reflect.DeepEqual(tpKeys(tc), tpKeys(kc)) {
		t.Errorf("%s: TopicCommand lists %v\nkctl lists %v", what, tpKeys(tc), tpKeys(kc))
		return
	}
	for k, want := range tc {
		if got := kc[k]; got != want {
			t.Errorf("%s %s: kctl %+v, TopicCommand %+v", what, k, got, want)
		}
	}
}

// tpCreate creates a topic with kctl and deletes it when the test ends.
func tpCreate(t *testing.T, c *realkafka.Cluster, name string, args ...string) {
	t.Helper()
	r := kctl(t, c, append([]string{"topic", "create", name}, args...)...)
	if r.Code != 0 {
		t.Fatalf("create %s: exit %d: %s", name, r.Code, r.Stderr)
	}
	t.Cleanup(func() { kctl(t, c, "topic", "delete", name, "--yes") })
}

// TestTopicsVersionInference: kctl version names the release for Kafka 4.4
// and for the 3.9 KRaft broker (which advertises APIs kversion's tables
// first list for 4.0; it was taken for 4.0 before).
func TestTopicsVersionInference(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    func(*testing.T) *realkafka.Cluster
		want string
	}{{"4.4", Three, "4.4+"}, {"3.9", Old, "3.9+"}} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c(t)
			r := kctl(t, c, "version", "-o", "json")
			var v struct {
				Broker struct {
					Address      string `json:"address"`
					KafkaVersion string `json:"kafkaVersion"`
				} `json:"broker"`
			}
			if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &v) != nil {
				t.Fatalf("exit %d: %s %s", r.Code, r.Stdout, r.Stderr)
			}
			if v.Broker.KafkaVersion != tc.want {
				t.Errorf("Kafka %s inferred as %q", c.Version, v.Broker.KafkaVersion)
			}
			r = kctl(t, c, "version")
			if want := fmt.Sprintf(": Kafka %s (inferred from ", tc.want); r.Code != 0 || !strings.Contains(r.Stdout, want) {
				t.Errorf("text lacks %q:\n%s", want, r.Stdout)
			}
		})
	}
}

// TestTopicsClusterAndBrokers: cluster describe and broker list name the
// three nodes with their ids, hosts and ports and the cluster id the
// storage tool formatted. On KRaft the Metadata "controller" is a random
// live broker (clients cannot reach the controller quorum), so only its
// being one of the brokers is asserted; see docs/kafka-notes-corrections.md.
func TestTopicsClusterAndBrokers(t *testing.T) {
	c := Three(t)
	type broker struct {
		ID   int32  `json:"id"`
		Addr string `json:"address"`
	}
	var want []broker
	for _, n := range c.Nodes {
		want = append(want, broker{ID: int32(n.ID), Addr: n.Addr()})
	}
	r := kctl(t, c, "cluster", "describe", "-o", "json")
	var cd struct {
		ClusterID    string   `json:"clusterId"`
		ControllerID int32    `json:"controllerId"`
		BrokerCount  int      `json:"brokerCount"`
		Brokers      []broker `json:"brokers"`
	}
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &cd) != nil {
		t.Fatalf("cluster describe: exit %d: %s %s", r.Code, r.Stdout, r.Stderr)
	}
	if cd.ClusterID != c.ClusterID || cd.BrokerCount != 3 || !reflect.DeepEqual(cd.Brokers, want) {
		t.Errorf("cluster describe %+v, want cluster %s brokers %+v", cd, c.ClusterID, want)
	}
	if cd.ControllerID < 1 || cd.ControllerID > 3 {
		t.Errorf("controller %d is none of the brokers", cd.ControllerID)
	}
	r = kctl(t, c, "broker", "list", "-o", "json")
	var bl struct {
		Brokers []broker `json:"brokers"`
	}
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &bl) != nil || !reflect.DeepEqual(bl.Brokers, want) {
		t.Errorf("broker list: exit %d %s, want %+v", r.Code, r.Stdout, want)
	}
	// The table: one row per broker, the port in the third column.
	r = kctl(t, c, "broker", "list", "--no-headers")
	rows := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(rows) != 3 {
		t.Fatalf("broker list rows:\n%s", r.Stdout)
	}
	for i, row := range rows {
		f := strings.Fields(row)
		if f[0] != strconv.Itoa(c.Nodes[i].ID) || f[1] != "127.0.0.1" || f[2] != strconv.Itoa(c.Nodes[i].Port) {
			t.Errorf("row %q, want node %d port %d", row, c.Nodes[i].ID, c.Nodes[i].Port)
		}
	}
}

// configCommandValues parses kafka-configs.sh --describe lines
// ("  name=value sensitive=false synonyms={...}") into name -> value.
func configCommandValues(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		kv, _, _ := strings.Cut(strings.TrimSpace(line), " sensitive=")
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// kctlConfigs runs `config get` -o json and returns name -> value.
func kctlConfigs(t *testing.T, c *realkafka.Cluster, args ...string) map[string]string {
	t.Helper()
	r := kctl(t, c, append(args, "-o", "json")...)
	var v struct {
		Configs []struct {
			Name, Value, Source string
		} `json:"configs"`
	}
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &v) != nil {
		t.Fatalf("kctl %v: exit %d: %s %s", args, r.Code, r.Stdout, r.Stderr)
	}
	m := map[string]string{}
	for _, e := range v.Configs {
		m[e.Name] = e.Value
	}
	return m
}

// TestTopicsBrokerConfigs: broker config get/set/delete against
// kafka-configs.sh --describe --entity-type brokers (--entity-name 1 and
// --entity-default) on the same broker, with the broker's refusals.
func TestTopicsBrokerConfigs(t *testing.T) {
	c := Single(t)
	t.Cleanup(func() {
		kctl(t, c, "broker", "config", "delete", "1", "log.cleaner.backoff.ms")
		kctl(t, c, "broker", "config", "delete", "--default", "log.cleaner.io.max.bytes.per.second")
		kctl(t, c, "broker", "config", "delete", "1", "tp.bogus.config")
	})
	// The formatted cluster carries min.insync.replicas as a cluster-wide
	// dynamic default (Kafka 4 writes it at format time, for ELR).
	base := map[string]string{"min.insync.replicas": "1"}
	if got := kctlConfigs(t, c, "broker", "config", "get", "--default"); !reflect.DeepEqual(got, base) {
		t.Fatalf("default before: %v", got)
	}
	for _, args := range [][]string{
		{"broker", "config", "set", "1", "log.cleaner.backoff.ms=17000"},
		{"broker", "config", "set", "--default", "log.cleaner.io.max.bytes.per.second=5000000"},
	} {
		if r := kctl(t, c, args...); r.Code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.Code, r.Stderr)
		}
	}
	wantOne := map[string]string{"log.cleaner.backoff.ms": "17000"}
	wantDef := map[string]string{"min.insync.replicas": "1", "log.cleaner.io.max.bytes.per.second": "5000000"}
	// Brokers apply dynamic configs from the metadata log a moment later.
	eventually(t, 20*time.Second, func() string {
		one := kctlConfigs(t, c, "broker", "config", "get", "1")
		def := kctlConfigs(t, c, "broker", "config", "get", "--default")
		if !reflect.DeepEqual(one, wantOne) || !reflect.DeepEqual(def, wantDef) {
			return fmt.Sprintf("kctl: broker 1 %v, default %v", one, def)
		}
		return ""
	})
	// Side by side: kafka-configs.sh lists the same per-broker and default
	// dynamic configs (one source each, not the defaults under broker 1).
	tcOne := configCommandValues(tool(t, c, configCommand, "--describe", "--entity-type", "brokers", "--entity-name", "1"))
	tcDef := configCommandValues(tool(t, c, configCommand, "--describe", "--entity-type", "brokers", "--entity-default"))
	if !reflect.DeepEqual(tcOne, wantOne) || !reflect.DeepEqual(tcDef, wantDef) {
		t.Errorf("kafka-configs: broker 1 %v, default %v; kctl %v, %v", tcOne, tcDef, wantOne, wantDef)
	}
	// --all shows where a value comes from.
	r := kctl(t, c, "broker", "config", "get", "1", "--all", "--no-headers")
	for _, want := range []string{
		"log.cleaner.backoff.ms", "17000", "DYNAMIC_BROKER_CONFIG",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("get 1 --all lacks %q", want)
		}
	}
	seen := false
	for _, l := range strings.Split(r.Stdout, "\n") {
		if f := strings.Fields(l); len(f) >= 3 && f[0] == "broker.id" {
			seen = true
			if f[1] != "1" || f[2] != "STATIC_BROKER_CONFIG" {
				t.Errorf("broker.id row %q", l)
			}
		}
	}
	if !seen {
		t.Errorf("get 1 --all has no broker.id row")
	}

	// Refusals: the broker's message, exit 1, nothing changed.
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"broker", "config", "set", "1", "log.cleaner.threads=abc"},
			"Error: alter configs of broker 1: Invalid value abc for configuration log.cleaner.threads: Not a number of type INT (INVALID_REQUEST)\n"},
		{[]string{"broker", "config", "set", "1", "broker.id=7"},
			"Error: alter configs of broker 1: Cannot update these configs dynamically: [broker.id] (INVALID_REQUEST)\n"},
		{[]string{"broker", "config", "set", "9", "log.cleaner.backoff.ms=1"}, "Error: broker 9 is not in the cluster metadata\n"},
	} {
		r := kctl(t, c, tc.args...)
		if r.Code != 1 || r.Stderr != tc.stderr || r.Stdout != "" {
			t.Errorf("%v: exit %d\nstderr %q\nwant   %q", tc.args, r.Code, r.Stderr, tc.stderr)
		}
	}
	// Kafka accepts an unknown broker config name (plugins read their own
	// keys) and reports it back as sensitive; kctl shows it hidden.
	r = kctl(t, c, "broker", "config", "set", "1", "tp.bogus.config=1")
	if r.Code != 0 {
		t.Errorf("unknown broker config: exit %d %s", r.Code, r.Stderr)
	}
	eventually(t, 20*time.Second, func() string {
		got := kctlConfigs(t, c, "broker", "config", "get", "1")
		if got["tp.bogus.config"] != "[hidden]" || got["log.cleaner.backoff.ms"] != "17000" || len(got) != 2 {
			return fmt.Sprintf("after the refusals and the unknown name: %v", got)
		}
		return ""
	})

	// Delete: both gone, as kafka-configs.sh sees it too.
	for _, args := range [][]string{
		{"broker", "config", "delete", "1", "log.cleaner.backoff.ms", "tp.bogus.config"},
		{"broker", "config", "delete", "--default", "log.cleaner.io.max.bytes.per.second"},
	} {
		if r := kctl(t, c, args...); r.Code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.Code, r.Stderr)
		}
	}
	eventually(t, 20*time.Second, func() string {
		one := kctlConfigs(t, c, "broker", "config", "get", "1")
		def := kctlConfigs(t, c, "broker", "config", "get", "--default")
		if len(one) != 0 || !reflect.DeepEqual(def, base) {
			return fmt.Sprintf("after delete: broker 1 %v, default %v", one, def)
		}
		return ""
	})
	if got := configCommandValues(tool(t, c, configCommand, "--describe", "--entity-type", "brokers", "--entity-name", "1")); len(got) != 0 {
		t.Errorf("kafka-configs after delete: %v", got)
	}
}

// TestTopicsLifecycle: create, describe (every partition and header side
// by side with kafka-topics.sh), config get/set/delete (side by side with
// kafka-configs.sh), alter, audit and delete on the three-node cluster,
// and bad input refused by the real broker with its message while the
// cluster stays unchanged.
func TestTopicsLifecycle(t *testing.T) {
	c := Three(t)
	tpCreate(t, c, "tp-life", "-p", "3", "--config", "min.insync.replicas=2", "--config", "retention.ms=3600000")
	tpCreate(t, c, "tp-life-one", "-p", "1", "-r", "1")

	// Describe: kctl and kafka-topics.sh agree on every partition and on
	// the header (id, partition count, replication factor, non-default
	// configs), cluster-wide.
	eventually(t, 30*time.Second, func() string {
		for _, p := range kctlDescribe(t, c, "--pattern", "tp-life.*").Topics {
			for _, pp := range p.Partitions {
				if len(pp.ISR) != len(pp.Replicas) {
					return fmt.Sprintf("%s/%d not in sync yet", p.Name, pp.Partition)
				}
			}
		}
		return ""
	})
	tcTopics, tcParts, _ := parseTopicCommand(t, tool(t, c, topicCommand, "--describe"))
	kv := kctlDescribe(t, c, "--configs")
	sameParts(t, "describe", tcParts, kctlParts(kv))
	for _, tv := range kv.Topics {
		want, ok := tcTopics[tv.Name]
		if !ok {
			t.Errorf("kafka-topics lacks topic %s", tv.Name)
			continue
		}
		if tv.TopicID != want.ID || tv.PartitionCount != want.Partitions || tv.ReplicationFactor != want.RF || tv.Configs == nil || !reflect.DeepEqual(*tv.Configs, want.Configs) {
			t.Errorf("topic %s: kctl id %s, %d partitions, RF %d, configs %v; kafka-topics %+v", tv.Name, tv.TopicID, tv.PartitionCount, tv.ReplicationFactor, tv.Configs, want)
		}
	}
	if len(kv.Topics) != len(tcTopics) {
		t.Errorf("kctl describes %d topics, kafka-topics %d", len(kv.Topics), len(tcTopics))
	}
	if got := tcTopics["tp-life"]; got.Partitions != 3 || got.RF != 3 || got.Configs["min.insync.replicas"] != "2" || got.Configs["retention.ms"] != "3600000" {
		t.Errorf("tp-life as created: %+v", got)
	}
	// topic list: the same names as kafka-topics.sh --list.
	var tl struct {
		Topics []struct {
			Name              string `json:"name"`
			Partitions        int    `json:"partitionCount"`
			ReplicationFactor int    `json:"replicationFactor"`
		} `json:"topics"`
	}
	r := kctl(t, c, "topic", "list", "-o", "json")
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &tl) != nil {
		t.Fatalf("topic list: exit %d %s %s", r.Code, r.Stdout, r.Stderr)
	}
	var names []string
	for _, tt := range tl.Topics {
		names = append(names, tt.Name)
		if want := tcTopics[tt.Name]; tt.Partitions != want.Partitions || tt.ReplicationFactor != want.RF {
			t.Errorf("topic list %+v, kafka-topics %+v", tt, want)
		}
	}
	if want := strings.Fields(tool(t, c, topicCommand, "--list")); !reflect.DeepEqual(names, want) {
		t.Errorf("topic list %v, kafka-topics --list %v", names, want)
	}

	// Configs: set and delete, compared with kafka-configs.sh.
	for _, args := range [][]string{
		{"topic", "config", "set", "tp-life", "cleanup.policy=compact", "retention.ms=7200000"},
		{"topic", "config", "delete", "tp-life", "min.insync.replicas"},
	} {
		if r := kctl(t, c, args...); r.Code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.Code, r.Stderr)
		}
	}
	wantCfg := map[string]string{"cleanup.policy": "compact", "retention.ms": "7200000"}
	// The broker that answers DescribeConfigs applies the change when the
	// metadata log reaches it, a moment after the controller accepted it
	// (KRaft: read-after-write across brokers is not immediate).
	eventually(t, 15*time.Second, func() string {
		if got := kctlConfigs(t, c, "topic", "config", "get", "tp-life"); !reflect.DeepEqual(got, wantCfg) {
			return fmt.Sprintf("kctl topic config get: %v, want %v", got, wantCfg)
		}
		return ""
	})
	if got := configCommandValues(tool(t, c, configCommand, "--describe", "--entity-type", "topics", "--entity-name", "tp-life")); !reflect.DeepEqual(got, wantCfg) {
		t.Errorf("kafka-configs --describe: %v, want %v", got, wantCfg)
	}
	// Alter: 3 -> 5 partitions.
	if r := kctl(t, c, "topic", "alter", "tp-life", "-p", "5"); r.Code != 0 || r.Stdout != "Topic tp-life now has 5 partitions (was 3).\n" {
		t.Errorf("alter: exit %d %q %s", r.Code, r.Stdout, r.Stderr)
	}

	// Bad input, each refused with Kafka's own message; the cluster does
	// not change.
	before := tool(t, c, topicCommand, "--describe", "--topic", "tp-.*")
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"topic", "create", "tp-bad", "--config", "retention.bogus=1"}, 1,
			"Error: create topic \"tp-bad\": Unknown topic config name: retention.bogus (INVALID_CONFIG)\n"},
		{[]string{"topic", "create", "tp-bad", "--config", "retention.ms=abc"}, 1,
			"Error: create topic \"tp-bad\": Invalid value abc for configuration retention.ms: Not a number of type LONG (INVALID_CONFIG)\n"},
		{[]string{"topic", "create", "tp-bad", "-r", "4"}, 1,
			"Error: create topic \"tp-bad\": Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered or some brokers have all their log directories cordoned. (INVALID_REPLICATION_FACTOR): replication factor 4 is larger than the 3 brokers in the cluster\n"},
		{[]string{"topic", "create", "tp-life"}, 1,
			"Error: create topic \"tp-life\": Topic 'tp-life' already exists. (TOPIC_ALREADY_EXISTS) (use --if-not-exists to accept an existing topic)\n"},
		{[]string{"topic", "config", "set", "tp-life", "retention.bogus=1"}, 1,
			"Error: alter configs of topic tp-life: Unknown topic config name: retention.bogus (INVALID_CONFIG)\n"},
		{[]string{"topic", "config", "set", "tp-life", "retention.ms=abc"}, 1,
			"Error: alter configs of topic tp-life: Invalid value abc for configuration retention.ms: Not a number of type LONG (INVALID_CONFIG)\n"},
		{[]string{"topic", "config", "set", "tp-life", "min.insync.replicas=0"}, 1,
			"Error: alter configs of topic tp-life: Invalid value 0 for configuration min.insync.replicas: Value must be at least 1 (INVALID_CONFIG)\n"},
		{[]string{"topic", "config", "get", "tp-nope"}, 1, "Error: topic 'tp-nope' does not exist\n"},
		{[]string{"topic", "alter", "tp-life", "-p", "4"}, 2, "Error: topic 'tp-life' has 5 partitions; Kafka cannot decrease the partition count (asked for 4)\n"},
		{[]string{"topic", "alter", "tp-nope", "-p", "4"}, 1, "Error: topic 'tp-nope' does not exist\n"},
		{[]string{"topic", "delete", "tp-life", "tp-nope", "--yes"}, 1, "Error: topic 'tp-nope' does not exist\nError: 1 of 2 topics do not exist; nothing was deleted\n"},
	} {
		r := kctl(t, c, tc.args...)
		if r.Code != tc.code || r.Stderr != tc.stderr || r.Stdout != "" {
			t.Errorf("%v: exit %d (want %d)\nstderr %q\nwant   %q\nstdout %q", tc.args, r.Code, tc.code, r.Stderr, tc.stderr, r.Stdout)
		}
	}
	// Deleting a name that is not set (or unknown) is accepted by the
	// broker and by kafka-configs.sh 4.4 ("Completed updating config"),
	// and so by kctl: nothing changes.
	if r := kctl(t, c, "topic", "config", "delete", "tp-life", "segment.ms"); r.Code != 0 {
		t.Errorf("delete an unset config: exit %d %s", r.Code, r.Stderr)
	}
	if out := tool(t, c, configCommand, "--alter", "--entity-type", "topics", "--entity-name", "tp-life", "--delete-config", "segment.ms"); out != "Completed updating config for topic tp-life.\n" {
		t.Errorf("kafka-configs deleting an unset topic config: %q", out)
	}
	after := tool(t, c, topicCommand, "--describe", "--topic", "tp-.*")
	if after != before {
		t.Errorf("bad input changed the cluster:\n%s\n->\n%s", before, after)
	}
	if got := configCommandValues(tool(t, c, configCommand, "--describe", "--entity-type", "topics", "--entity-name", "tp-life")); !reflect.DeepEqual(got, wantCfg) {
		t.Errorf("configs after the refusals: %v", got)
	}

	// Audit of the two topics: RF 1 is critical; tp-life (RF 3, min ISR
	// back to the broker's 1) is below the minimum 2.
	r = kctl(t, c, "topic", "audit", "--pattern", "tp-life.*", "-o", "json")
	var au struct {
		Status   string `json:"status"`
		Findings []struct {
			Severity, Topic, Finding string
		} `json:"findings"`
	}
	if json.Unmarshal([]byte(r.Stdout), &au) != nil || r.Code != 2 || au.Status != "CRITICAL" {
		t.Fatalf("audit: exit %d %s %s", r.Code, r.Stdout, r.Stderr)
	}
	var got []string
	for _, f := range au.Findings {
		got = append(got, f.Severity+" "+f.Topic+" "+f.Finding)
	}
	want := []string{"CRITICAL tp-life-one replication-factor-below-minimum", "WARNING tp-life min-isr-below-minimum"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audit findings %q, want %q", got, want)
	}

	// Delete: a plan without --yes (exit 2, nothing deleted), then gone.
	if r := kctl(t, c, "topic", "delete", "tp-life-one"); r.Code != 2 || r.Stderr != "Error: nothing deleted: run again with --yes to delete\n" {
		t.Errorf("delete without --yes: exit %d %q", r.Code, r.Stderr)
	}
	if r := kctl(t, c, "topic", "delete", "tp-life-one", "--yes"); r.Code != 0 || r.Stdout != "Deleted topic tp-life-one.\n" {
		t.Errorf("delete: exit %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	eventually(t, 20*time.Second, func() string {
		if l := tool(t, c, topicCommand, "--list", "--topic", "tp-life.*"); l != "tp-life\n" {
			return "kafka-topics --list: " + l
		}
		return ""
	})
}

// TestTopicsDegradedSideBySide makes the degraded states for real: with
// node 3 stopped, RF-3 topics with min.insync.replicas 2 and 3 and an RF-1
// topic on broker 3 are under-replicated / at min ISR / under min ISR /
// unavailable; each of kafka-topics.sh's filters lists exactly the
// partitions, leaders, replicas and ISRs kctl's same filter lists
// (cluster-wide), and kctl health and topic audit report them. With node
// 3 back, --leader-not-preferred equals the partitions whose leader is not
// their first replica in kafka-topics.sh's describe; a preferred election
// leaves the cluster clean.
//
// Kafka 4.4 has eligible leader replicas (KIP-966): the stopped broker
// leaves the ISR even below min.insync.replicas and goes to the ELR, and
// the RF-1 partitions keep an empty ISR (ELR 3) instead of the last ISR
// member older Kafka keeps. kctl reads the ISR Kafka reports, so it
// agrees with kafka-topics.sh either way; it does not show the ELR
// (sarama's Metadata does not carry it; only DescribeTopicPartitions does).
func TestTopicsDegradedSideBySide(t *testing.T) {
	c := Three(t)
	tpCreate(t, c, "tp-deg-min2", "-p", "3", "--config", "min.insync.replicas=2")
	tpCreate(t, c, "tp-deg-min3", "-p", "2", "--config", "min.insync.replicas=3")
	// kctl topic create has no --replica-assignment: kafka-topics.sh
	// puts both partitions on broker 3 alone.
	tool(t, c, topicCommand, "--create", "--topic", "tp-deg-rf1", "--replica-assignment", "3,3")
	t.Cleanup(func() { kctl(t, c, "topic", "delete", "tp-deg-rf1", "--yes") })
	t.Cleanup(func() {
		opsRestore(t, c)
		tool(t, c, "org.apache.kafka.tools.LeaderElectionCommand", "--election-type", "PREFERRED", "--all-topic-partitions")
	})
	eventually(t, 30*time.Second, func() string {
		for _, tv := range kctlDescribe(t, c, "--pattern", "tp-deg-.*").Topics {
			for _, p := range tv.Partitions {
				if len(p.ISR) != len(p.Replicas) || p.Leader < 0 {
					return fmt.Sprintf("%s/%d not in sync yet: %+v", tv.Name, p.Partition, p)
				}
			}
		}
		return ""
	})

	began := time.Now()
	if err := c.StopNode(3); err != nil {
		t.Fatal(err)
	}
	t.Logf("node 3 stopped in %s", time.Since(began).Round(time.Millisecond))
	// Controlled shutdown: the controller fences broker 3 and takes it out
	// of every ISR; wait until the metadata says so.
	eventually(t, 30*time.Second, func() string {
		for _, tv := range kctlDescribe(t, c).Topics {
			for _, p := range tv.Partitions {
				for _, id := range append(append([]int32{}, p.ISR...), p.Leader) {
					if id == 3 {
						return fmt.Sprintf("%s/%d still has broker 3: %+v", tv.Name, p.Partition, p)
					}
				}
			}
		}
		return ""
	})

	// The full describe first: every partition, and the ELR as Kafka 4.4
	// reports it.
	_, tcAll, elr := parseTopicCommand(t, tool(t, c, topicCommand, "--describe"))
	began = time.Now()
	kAll := kctlParts(kctlDescribe(t, c))
	t.Logf("kctl topic describe with 2 leaderless partitions: %s", time.Since(began).Round(time.Millisecond))
	sameParts(t, "describe (node 3 down)", tcAll, kAll)
	wantDeg := map[string]tcPart{
		"tp-deg-rf1/0": {"none", "3", ""}, "tp-deg-rf1/1": {"none", "3", ""},
	}
	for k, want := range wantDeg {
		if tcAll[k] != want {
			t.Errorf("kafka-topics %s: %+v, want %+v", k, tcAll[k], want)
		}
	}
	for _, k := range []string{"tp-deg-min3/0", "tp-deg-min3/1", "tp-deg-rf1/0", "tp-deg-rf1/1"} {
		if elr[k] != "3" {
			t.Errorf("%s: Elr %q, want 3 (KIP-966: the fenced replica below min ISR is eligible)", k, elr[k])
		}
	}
	for _, k := range []string{"tp-deg-min2/0", "tp-deg-min2/1", "tp-deg-min2/2"} {
		if elr[k] != "" {
			t.Errorf("%s: Elr %q, want none (ISR 2 is not below min ISR 2)", k, elr[k])
		}
	}

	// Each filter, cluster-wide, side by side; and the exact set among
	// this test's topics.
	mine := func(prefix string, n ...int) []string {
		var out []string
		for _, i := range n {
			out = append(out, fmt.Sprintf("%s/%d", prefix, i))
		}
		return out
	}
	counts := map[string]int{}
	for _, f := range []struct {
		flag string
		want []string
	}{
		{"--under-replicated-partitions", append(append(mine("tp-deg-min2", 0, 1, 2), mine("tp-deg-min3", 0, 1)...), mine("tp-deg-rf1", 0, 1)...)},
		{"--under-min-isr-partitions", append(mine("tp-deg-min3", 0, 1), mine("tp-deg-rf1", 0, 1)...)},
		{"--at-min-isr-partitions", mine("tp-deg-min2", 0, 1, 2)},
		{"--unavailable-partitions", mine("tp-deg-rf1", 0, 1)},
	} {
		_, tc, _ := parseTopicCommand(t, tool(t, c, topicCommand, "--describe", f.flag))
		kc := kctlParts(kctlDescribe(t, c, f.flag))
		sameParts(t, f.flag, tc, kc)
		if got := tpKeys(tpOnly(kc, "tp-deg-")); !reflect.DeepEqual(got, f.want) {
			t.Errorf("%s among tp-deg-*: %v, want %v", f.flag, got, f.want)
		}
		counts[f.flag] = len(tc)
	}
	// The table prints "none" as kafka-topics.sh does.
	r := kctl(t, c, "topic", "describe", "tp-deg-rf1", "--no-headers")
	if want := "tp-deg-rf1  0  none  3  -  3  unavailable,under-min-isr,under-replicated,leader-not-preferred\n" +
		"tp-deg-rf1  1  none  3  -  3  unavailable,under-min-isr,under-replicated,leader-not-preferred\n"; !strings.HasSuffix(r.Stdout, want) {
		t.Errorf("describe tp-deg-rf1:\n%s\nwant rows\n%s", r.Stdout, want)
	}

	// kctl health: the statuses, and the numbers kafka-topics.sh's
	// filters counted.
	for _, format := range []string{"json", "text"} {
		r := kctl(t, c, "health", "--expect-brokers", "3", "--format", format)
		if r.Code != 2 {
			t.Errorf("health %s: exit %d, want 2 (CRITICAL)\n%s%s", format, r.Code, r.Stdout, r.Stderr)
		}
		if format == "text" {
			for _, want := range []string{
				fmt.Sprintf("offline-partitions  CRITICAL  %d ", counts["--unavailable-partitions"]),
				fmt.Sprintf("under-min-isr       CRITICAL  %d ", counts["--under-min-isr-partitions"]),
				fmt.Sprintf("under-replicated    WARNING   %d ", counts["--under-replicated-partitions"]),
				"\n  tp-deg-rf1[0] no leader\n", "\n  tp-deg-min3[1] isr 2 of min 3\n", "\n  tp-deg-min2[2] isr 2 = min 2\n",
				"Overall: CRITICAL",
			} {
				if !strings.Contains(r.Stdout, want) {
					t.Errorf("health text lacks %q:\n%s", want, r.Stdout)
				}
			}
			continue
		}
		var h struct {
			Status string
			Checks []struct {
				Name, Status, Message string
				Value                 *float64
				Details               []string
			}
		}
		if err := json.Unmarshal([]byte(r.Stdout), &h); err != nil {
			t.Fatalf("health json: %v\n%s", err, r.Stdout)
		}
		want := map[string]string{
			"brokers": "CRITICAL 2", "offline-partitions": fmt.Sprintf("CRITICAL %d", counts["--unavailable-partitions"]),
			"under-min-isr":    fmt.Sprintf("CRITICAL %d", counts["--under-min-isr-partitions"]),
			"under-replicated": fmt.Sprintf("WARNING %d", counts["--under-replicated-partitions"]),
			"at-min-isr":       fmt.Sprintf("WARNING %d", counts["--at-min-isr-partitions"]),
		}
		for _, ch := range h.Checks {
			w, ok := want[ch.Name]
			if !ok {
				continue
			}
			delete(want, ch.Name)
			if ch.Value == nil || fmt.Sprintf("%s %d", ch.Status, int(*ch.Value)) != w {
				t.Errorf("health %s: %s %v (%s), want %s", ch.Name, ch.Status, ch.Value, ch.Message, w)
			}
			if ch.Name == "offline-partitions" {
				for _, d := range []string{"tp-deg-rf1[0] no leader", "tp-deg-rf1[1] no leader"} {
					if !contains(ch.Details, d) {
						t.Errorf("offline details %q lack %q", ch.Details, d)
					}
				}
			}
		}
		if h.Status != "CRITICAL" || len(want) != 0 {
			t.Errorf("health status %s, checks missing %v", h.Status, want)
		}
	}

	// topic audit of the degraded topics: the configuration findings do
	// not depend on the outage; the leader skew is judged over live
	// brokers only.
	r = kctl(t, c, "topic", "audit", "--pattern", "tp-deg-.*", "-o", "json")
	var au struct {
		Status   string                                      `json:"status"`
		Findings []struct{ Severity, Topic, Finding string } `json:"findings"`
	}
	if json.Unmarshal([]byte(r.Stdout), &au) != nil || r.Code != 2 {
		t.Fatalf("audit: exit %d %s %s", r.Code, r.Stdout, r.Stderr)
	}
	var got []string
	for _, f := range au.Findings {
		got = append(got, f.Severity+" "+f.Topic+" "+f.Finding)
	}
	if want := []string{"CRITICAL tp-deg-rf1 replication-factor-below-minimum", "WARNING tp-deg-min3 min-isr-equals-replication-factor"}; !reflect.DeepEqual(got, want) {
		t.Errorf("audit findings %q, want %q", got, want)
	}

	// Node 3 back: ISR full again, leaders stay where they moved (auto
	// leader rebalance is off).
	ctxStart := time.Now()
	opsRestore(t, c)
	t.Logf("node 3 back and every ISR full in %s", time.Since(ctxStart).Round(time.Millisecond))
	_, tcAll, _ = parseTopicCommand(t, tool(t, c, topicCommand, "--describe"))
	notPreferred := map[string]tcPart{}
	for k, p := range tcAll {
		if first, _, _ := strings.Cut(p.Replicas, ","); p.Leader != first {
			notPreferred[k] = p
		}
	}
	kc := kctlParts(kctlDescribe(t, c, "--leader-not-preferred"))
	sameParts(t, "--leader-not-preferred vs kafka-topics' leader != first replica", notPreferred, kc)
	// Broker 3 was the first replica of some tp-deg partitions (the RF-1
	// ones got their leader back: 3 is their only replica).
	var moved int
	for k := range tpOnly(kc, "tp-deg-") {
		if strings.HasPrefix(k, "tp-deg-rf1/") {
			t.Errorf("%s cannot be led by anyone but 3: %+v", k, kc[k])
		}
		moved++
	}
	if moved == 0 {
		t.Errorf("no tp-deg partition lost its preferred leader: %v", kc)
	}
	tool(t, c, "org.apache.kafka.tools.LeaderElectionCommand", "--election-type", "PREFERRED", "--all-topic-partitions")
	eventually(t, 20*time.Second, func() string {
		r := kctl(t, c, "topic", "describe", "--leader-not-preferred")
		// An empty result keeps its header (issue 14 item 6) and says why on stderr.
		if r.Code != 0 || !strings.HasPrefix(r.Stdout, "TOPIC ") || len(clitest.TableRows(r.Stdout)) != 0 || r.Stderr != "No partitions match.\n" {
			return fmt.Sprintf("after the preferred election: exit %d %s%s", r.Code, r.Stdout, r.Stderr)
		}
		return ""
	})
}
