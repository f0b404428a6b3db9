package topic_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil/configcmd"
	"github.com/kctl-dev/kctl/pkg/cli/topic"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// state reads topics back as "name:partitions:rf", sorted.
func state(t *testing.T, c *sandbox.Cluster) string {
	t.Helper()
	r := kctl(t, c, "topic", "list", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("list: %d %s", r.Code, r.Stderr)
	}
	var v topic.ListView
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, tv := range v.Topics {
		s = append(s, tv.Name+":"+itoa(tv.PartitionCount)+":"+itoa(tv.ReplicationFactor))
	}
	return strings.Join(s, " ")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCreateAlterDeleteHappyPath(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	r := kctl(t, c, "topic", "create", "orders", "--partitions", "3", "--replication-factor", "2", "--topic-config", "min.insync.replicas=2", "-c", "retention.ms=1000")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Created topic orders with 3 partitions, replication factor 2, topic id ") {
		t.Fatalf("create: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	if got := state(t, c); got != "orders:3:2" {
		t.Fatalf("state %q", got)
	}
	r = kctl(t, c, "topic", "config", "get", "orders", "--no-headers")
	if r.Code != 0 || r.Stdout != "min.insync.replicas  2     DYNAMIC_TOPIC_CONFIG  false\nretention.ms         1000  DYNAMIC_TOPIC_CONFIG  false\n" {
		t.Errorf("config get: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	// --if-not-exists accepts the existing topic.
	r = kctl(t, c, "topic", "create", "orders", "--partitions", "9", "--if-not-exists")
	if r.Code != 0 || r.Stdout != "Topic orders already exists; nothing changed (--if-not-exists).\n" {
		t.Errorf("if-not-exists: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	// validate-only creates nothing.
	r = kctl(t, c, "topic", "create", "other", "--partitions", "2", "--replication-factor", "3", "--validate-only")
	if r.Code != 0 || r.Stdout != "Topic other would be created with 2 partitions, replication factor 3 (validate only: nothing changed).\n" {
		t.Errorf("validate-only: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "topic", "alter", "orders", "--partitions", "5", "--validate-only")
	if r.Code != 0 || r.Stdout != "Topic orders would go from 3 to 5 partitions (validate only: nothing changed).\n" {
		t.Errorf("alter validate-only: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	if got := state(t, c); got != "orders:3:2" {
		t.Fatalf("state after validate-only %q", got)
	}
	r = kctl(t, c, "topic", "alter", "orders", "--partitions", "5")
	if r.Code != 0 || r.Stdout != "Topic orders now has 5 partitions (was 3).\n" {
		t.Errorf("alter: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	if got := state(t, c); got != "orders:5:2" {
		t.Fatalf("state after alter %q", got)
	}
	// delete without --yes: the plan, exit 2, nothing deleted.
	r = kctl(t, c, "topic", "delete", "orders")
	if r.Code != 2 || !strings.HasPrefix(r.Stdout, "Would delete 1 topic, data included:\nTOPIC   PARTITIONS  REPLICATION-FACTOR  TOPIC-ID\norders  5           2  ") ||
		r.Stderr != "Error: nothing deleted: run again with --yes to delete\n" {
		t.Errorf("delete plan: %d %q %q", r.Code, r.Stdout, r.Stderr)
	}
	if got := state(t, c); got != "orders:5:2" {
		t.Fatalf("state after plan %q", got)
	}
	r = kctl(t, c, "topic", "delete", "orders", "--yes")
	if r.Code != 0 || r.Stdout != "Deleted topic orders.\n" {
		t.Errorf("delete: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	if got := state(t, c); got != "" {
		t.Fatalf("state after delete %q", got)
	}
}

func TestCreateAlterDeleteBadInputLeavesClusterUnchanged(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	if err := c.CreateTopic(context.Background(), "orders", 3, 3, nil); err != nil {
		t.Fatal(err)
	}
	craftInternal(c)
	before := state(t, c)
	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"topic", "create", "x", "--partitions", "0"}, 2, "Error: --partitions must be at least 1, got 0\n"},
		{[]string{"topic", "create", "x", "--partitions", "1", "--replication-factor", "0"}, 2, "Error: --replication-factor must be between 1 and 32767, got 0\n"},
		{[]string{"topic", "create", "bad/name", "--partitions", "1"}, 2, "Error: topic name \"bad/name\" contains '/': Kafka allows only ASCII letters, digits, '.', '_' and '-'\n"},
		{[]string{"topic", "create", "x", "--partitions", "1", "--replication-factor", "4"}, 1, "Error: create topic \"x\": Replication-factor is invalid (INVALID_REPLICATION_FACTOR): replication factor 4 is larger than the 3 brokers in the cluster\n"},
		{[]string{"topic", "create", "orders", "--partitions", "1"}, 1, "Error: create topic \"orders\": Topic with this name already exists (TOPIC_ALREADY_EXISTS) (use --if-not-exists to accept an existing topic)\n"},
		{[]string{"topic", "create", "x", "--topic-config", "novalue"}, 2, "Error: --topic-config \"novalue\" is not key=value\n"},
		{[]string{"topic", "alter", "orders", "--partitions", "2"}, 2, "Error: topic 'orders' has 3 partitions; Kafka cannot decrease the partition count (asked for 2)\n"},
		{[]string{"topic", "alter", "orders", "--partitions", "3"}, 2, "Error: topic 'orders' already has 3 partitions\n"},
		{[]string{"topic", "alter", "orders"}, 2, "Error: --partitions is required\n"},
		{[]string{"topic", "alter", "orders", "--partitions", "3000000000"}, 2, "Error: --partitions 3000000000 is too large\n"},
		{[]string{"topic", "create", "x", "--partitions", "3000000000"}, 2, "Error: --partitions 3000000000 is too large\n"},
		{[]string{"topic", "alter", "nope", "--partitions", "9"}, 1, "Error: topic 'nope' does not exist\n"},
		{[]string{"topic", "delete", "nope", "--yes"}, 1, "Error: topic 'nope' does not exist\nError: 1 of 1 topics do not exist; nothing was deleted\n"},
		{[]string{"topic", "delete", "orders", "nope", "--yes"}, 1, "Error: topic 'nope' does not exist\nError: 1 of 2 topics do not exist; nothing was deleted\n"},
		{[]string{"topic", "delete", "__consumer_offsets", "--yes"}, 2, "Error: topic '__consumer_offsets' is a Kafka internal topic and cannot be deleted\n"},
		// flagged internal by the broker, though the name is ordinary
		{[]string{"topic", "delete", "internal-thing", "--yes"}, 2, "Error: topic 'internal-thing' is a Kafka internal topic and cannot be deleted; nothing was deleted\n"},
		{[]string{"topic", "config", "set", "nope", "retention.ms=1"}, 1, "Error: topic 'nope' does not exist\n"},
		{[]string{"topic", "config", "get", "nope"}, 1, "Error: topic 'nope' does not exist\n"},
		{[]string{"topic", "config", "set", "orders", "retention.ms"}, 2, "Error: config \"retention.ms\" is not key=value\n"},
		{[]string{"topic", "config", "delete", "orders", "retention.ms=1"}, 2, "Error: config delete takes names, not KEY=VALUE: \"retention.ms=1\"\n"},
		{[]string{"topic", "config", "delete", "nope", "retention.ms"}, 1, "Error: topic 'nope' does not exist\n"},
	}
	for _, tc := range cases {
		r := kctl(t, c, tc.args...)
		if r.Code != tc.code || r.Stderr != tc.stderr || (tc.code != 0 && r.Stdout != "") {
			t.Errorf("%v: exit %d (want %d)\nstderr %q\nwant   %q\nstdout %q", tc.args, r.Code, tc.code, r.Stderr, tc.stderr, r.Stdout)
		}
	}
	if got := state(t, c); got != before {
		t.Errorf("cluster changed: %q -> %q", before, got)
	}
	r := kctl(t, c, "topic", "config", "get", "orders")
	if r.Code != 0 || r.Stdout != "" || r.Stderr != "Topic orders has no dynamic configs (--all shows every config).\n" {
		t.Errorf("configs changed: %d %q %q", r.Code, r.Stdout, r.Stderr)
	}
}

// craftInternal makes kfake report an "internal-thing" topic flagged
// internal (kfake's kfake.is_internal config).
func craftInternal(c *sandbox.Cluster) {
	_ = c.CreateTopic(context.Background(), "internal-thing", 1, 1, map[string]string{"kfake.is_internal": "true"})
}

// Kafka rejects unknown config names and bad values with INVALID_CONFIG and
// a message; the sandbox answers alike (pkg/sandbox/topicconfig.go), and
// kctl passes the message on.
func TestConfigErrorsCarryKafkasMessage(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "orders", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	r := kctl(t, c, "topic", "config", "set", "orders", "retention.bogus=1")
	if r.Code != 1 || r.Stderr != "Error: alter configs of topic orders: Unknown topic config name: retention.bogus (INVALID_CONFIG)\n" {
		t.Errorf("exit %d stderr %q", r.Code, r.Stderr)
	}
	r = kctl(t, c, "topic", "create", "x", "--partitions", "1", "--topic-config", "retention.bogus=1")
	if r.Code != 1 || r.Stderr != "Error: create topic \"x\": Unknown topic config name: retention.bogus (INVALID_CONFIG)\n" {
		t.Errorf("exit %d stderr %q", r.Code, r.Stderr)
	}
	if got := state(t, c); got != "orders:1:1" {
		t.Errorf("state %q", got)
	}
}

func TestTopicConfigSetDeleteValidateOnly(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "orders", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	r := kctl(t, c, "topic", "config", "set", "orders", "retention.ms=1000", "cleanup.policy=compact", "--validate-only")
	if r.Code != 0 || r.Stdout != "Validated config change for topic orders (set cleanup.policy, retention.ms); validate only: nothing changed.\n" {
		t.Errorf("validate: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	if r := kctl(t, c, "topic", "config", "get", "orders", "-o", "json"); r.Stdout != "{\n  \"resourceType\": \"topic\",\n  \"name\": \"orders\",\n  \"configs\": []\n}\n" {
		t.Errorf("after validate-only: %q", r.Stdout)
	}
	r = kctl(t, c, "topic", "config", "set", "orders", "retention.ms=1000", "cleanup.policy=compact")
	if r.Code != 0 || r.Stdout != "Completed updating config for topic orders (set cleanup.policy, retention.ms).\n" {
		t.Errorf("set: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "topic", "config", "delete", "orders", "cleanup.policy")
	if r.Code != 0 || r.Stdout != "Completed updating config for topic orders (deleted cleanup.policy).\n" {
		t.Errorf("delete: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "topic", "config", "get", "orders", "--all", "--no-headers")
	for _, want := range []string{"retention.ms            1000", "DYNAMIC_TOPIC_CONFIG", "cleanup.policy          delete      DEFAULT_CONFIG        false"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("--all lacks %q:\n%s", want, r.Stdout)
		}
	}
}

func TestBrokerConfig(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2, Count: true})
	r := kctl(t, c, "broker", "config", "set", "--default", "min.insync.replicas=2")
	if r.Code != 0 || r.Stdout != "Completed updating config for the cluster-wide broker default (set min.insync.replicas).\n" {
		t.Errorf("set default: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "broker", "config", "get", "1", "-o", "json")
	want := `{
  "resourceType": "broker",
  "name": "1",
  "configs": [
    {
      "name": "min.insync.replicas",
      "value": "2",
      "source": "DYNAMIC_BROKER_CONFIG",
      "sensitive": false,
      "readOnly": false
    }
  ]
}
`
	if r.Code != 0 || r.Stdout != want {
		t.Errorf("get 1: %d %s %s", r.Code, r.Stdout, r.Stderr)
	}
	// Sensitive values are hidden.
	r = kctl(t, c, "broker", "config", "get", "0", "--all", "--no-headers")
	if !strings.Contains(r.Stdout, "super.users                                [hidden]                           STATIC_BROKER_CONFIG   true\n") {
		t.Errorf("get --all:\n%s", r.Stdout)
	}
	// Invalid value: refused, nothing changed.
	r = kctl(t, c, "broker", "config", "set", "1", "min.insync.replicas=abc")
	if r.Code != 1 || !strings.HasPrefix(r.Stderr, "Error: alter configs of broker 1: ") || !strings.Contains(r.Stderr, "(INVALID_REQUEST)") {
		t.Errorf("bad value: %d %q", r.Code, r.Stderr)
	}
	r = kctl(t, c, "broker", "config", "delete", "--default", "min.insync.replicas", "--validate-only")
	if r.Code != 0 {
		t.Errorf("delete validate: %d %s", r.Code, r.Stderr)
	}
	if r := kctl(t, c, "broker", "config", "get", "--default", "--no-headers"); r.Stdout != "min.insync.replicas  2  DYNAMIC_BROKER_CONFIG  false\n" {
		t.Errorf("after validate-only delete: %q %s", r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "broker", "config", "delete", "--default", "min.insync.replicas")
	if r.Code != 0 || r.Stdout != "Completed updating config for the cluster-wide broker default (deleted min.insync.replicas).\n" {
		t.Errorf("delete: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	if r := kctl(t, c, "broker", "config", "get", "--default"); r.Stdout != "" || r.Stderr != "The cluster-wide broker default has no dynamic configs (--all shows every config).\n" {
		t.Errorf("after delete: %q %q", r.Stdout, r.Stderr)
	}
	// A broker id is asked on that broker: one DescribeConfigs.
	f, _ := testkit.Factory(t, testkit.Settings(c), "json")
	if _, err := f.Admin(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Counter.Reset()
	var conns []int
	if err := configcmd.RunGet(context.Background(), &configcmd.Options{F: f, Resource: brokerRes("1")}); err != nil {
		t.Fatal(err)
	}
	for _, rq := range c.Counter.Requests() {
		if !rq.Setup() {
			conns = append(conns, int(rq.Key))
		}
	}
	if len(conns) != 1 || conns[0] != 32 {
		t.Errorf("requests: %v", conns)
	}
	for _, args := range [][]string{
		{"broker", "config", "get"},
		{"broker", "config", "get", "x"},
		{"broker", "config", "set", "1"},
		{"broker", "config", "set", "--default"},
		{"broker", "config", "delete", "1"},
	} {
		r := kctl(t, c, args...)
		if r.Code != 2 || !strings.HasPrefix(r.Stderr, "Error: ") {
			t.Errorf("%v: %d %q", args, r.Code, r.Stderr)
		}
	}
}

// config set and delete name the changed configs in setKeys and
// deletedKeys, both always arrays: "deleted" is a boolean in every other
// delete view (topic, group, acl, user delete).
func TestConfigSetDeleteJSON(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "orders", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"topic", "config", "set", "orders", "retention.ms=1000", "cleanup.policy=compact"},
			`{"resourceType":"topic","name":"orders","setKeys":["cleanup.policy","retention.ms"],"deletedKeys":[],"validateOnly":false}`},
		{[]string{"topic", "config", "delete", "orders", "cleanup.policy", "--validate-only"},
			`{"resourceType":"topic","name":"orders","setKeys":[],"deletedKeys":["cleanup.policy"],"validateOnly":true}`},
		{[]string{"broker", "config", "set", "--default", "min.insync.replicas=1"},
			`{"resourceType":"broker","name":null,"setKeys":["min.insync.replicas"],"deletedKeys":[],"validateOnly":false}`},
		{[]string{"broker", "config", "delete", "0", "log.retention.ms"},
			`{"resourceType":"broker","name":"0","setKeys":[],"deletedKeys":["log.retention.ms"],"validateOnly":false}`},
	} {
		r := kctl(t, c, append(tc.args, "-o", "json")...)
		if got := compactJSON(t, r.Stdout); r.Code != 0 || got != tc.want {
			t.Errorf("%v: %d %s %s\nwant %s", tc.args, r.Code, got, r.Stderr, tc.want)
		}
	}
}

// topic create's JSON has every key: topicId, partitionCount and
// replicationFactor null when unknown (an existing topic with
// --if-not-exists, a broker that does not say), configs {} without
// --config.
func TestCreateJSON(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2})
	r := kctl(t, c, "topic", "create", "orders", "-p", "2", "-r", "2", "-c", "retention.ms=1000", "-o", "json")
	var v struct {
		TopicID string `json:"topicId"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil || len(v.TopicID) != 22 {
		t.Fatalf("create: %d %q %s %v", r.Code, r.Stdout, r.Stderr, err)
	}
	want := `{"name":"orders","topicId":"` + v.TopicID + `","partitionCount":2,"replicationFactor":2,"configs":{"retention.ms":"1000"},"created":true,"validateOnly":false,"alreadyExisted":false}`
	if got := compactJSON(t, r.Stdout); r.Code != 0 || got != want {
		t.Errorf("create: %d %s\nwant %s", r.Code, got, want)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"topic", "create", "orders", "-p", "9", "--if-not-exists"},
			`{"name":"orders","topicId":null,"partitionCount":null,"replicationFactor":null,"configs":{},"created":false,"validateOnly":false,"alreadyExisted":true}`},
		{[]string{"topic", "create", "other", "-p", "1", "-r", "1", "--validate-only"},
			`{"name":"other","topicId":null,"partitionCount":1,"replicationFactor":1,"configs":{},"created":false,"validateOnly":true,"alreadyExisted":false}`},
		// Kafka 2.1: CreateTopics v3 echoes neither the id nor the
		// shape, and without -p/-r the broker's defaults are not known.
		{[]string{"--kafka-version", "2.1.0", "topic", "create", "old"},
			`{"name":"old","topicId":null,"partitionCount":null,"replicationFactor":null,"configs":{},"created":true,"validateOnly":false,"alreadyExisted":false}`},
	} {
		r := kctl(t, c, append(tc.args, "-o", "json")...)
		if got := compactJSON(t, r.Stdout); r.Code != 0 || got != tc.want {
			t.Errorf("%v: %d %s %s\nwant %s", tc.args, r.Code, got, r.Stderr, tc.want)
		}
	}
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("%v: %q", err, s)
	}
	return b.String()
}

func brokerRes(id string) kafka.ConfigResource {
	return kafka.ConfigResource{Type: kafka.BrokerResource, Name: id}
}

// Older protocol versions (here capped by --kafka-version): no topic ids,
// CreateTopics does not echo the shape, IncrementalAlterConfigs is missing.
func TestOlderKafkaVersion(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2})
	r := kctl(t, c, "--kafka-version", "2.1.0", "topic", "create", "old", "-p", "2", "-r", "2")
	if r.Code != 0 || r.Stdout != "Created topic old with 2 partitions, replication factor 2.\n" {
		t.Errorf("create: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "--kafka-version", "2.1.0", "topic", "describe", "old", "--no-headers")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Topic: old\tTopicId: -\tPartitionCount: 2\tReplicationFactor: 2\n") {
		t.Errorf("describe: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "--kafka-version", "2.1.0", "topic", "config", "set", "old", "retention.ms=5")
	if r.Code != 1 || !strings.Contains(r.Stderr, "IncrementalAlterConfigs needs Kafka 2.3 or newer") {
		t.Errorf("config set: %d %q", r.Code, r.Stderr)
	}
}

// kafka-topics.sh spells topic configs --config KEY=VALUE, and so does
// kctl topic create: there the flag shadows the global --config, whose
// file path (with a '/' or a .yaml name, before or after "topic create")
// still names kctl's config file. --topic-config / -c are aliases.
func TestCreateConfigFlagAsKafkaTopicsSpellsIt(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	r := kctl(t, c, "topic", "create", "orders", "--partitions", "1", "--config", "min.insync.replicas=2", "--config=retention.ms=1000", "-c", "cleanup.policy=compact")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Created topic orders with 1 partition, replication factor 3, topic id ") || r.Stderr != "" {
		t.Fatalf("create: %d %q %q", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "topic", "config", "get", "orders", "--no-headers")
	if r.Code != 0 || r.Stdout != "cleanup.policy       compact  DYNAMIC_TOPIC_CONFIG  false\nmin.insync.replicas  2        DYNAMIC_TOPIC_CONFIG  false\nretention.ms         1000     DYNAMIC_TOPIC_CONFIG  false\n" {
		t.Errorf("config get: %d %q %s", r.Code, r.Stdout, r.Stderr)
	}

	// The cluster comes from the config file only: no --brokers.
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	yaml := "current-context: t\ncontexts:\n  t:\n    brokers:\n      - " + c.Bootstrap() + "\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, args := range [][]string{
		{"--config", cfg, "topic", "create", "viafile0", "-p", "1", "--config", "retention.ms=5"},
		{"topic", "create", "viafile1", "-p", "1", "--config", "retention.ms=5", "--config", cfg},
		{"topic", "create", "viafile2", "-p", "1", "--config=" + cfg, "--topic-config", "retention.ms=5"},
	} {
		r := clitest.Run(t, "", append([]string{"--timeout", "10s"}, args...)...)
		name := "viafile" + itoa(i)
		if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Created topic "+name+" with 1 partition, ") {
			t.Errorf("%v: %d %q %q", args, r.Code, r.Stdout, r.Stderr)
			continue
		}
		if r := kctl(t, c, "topic", "config", "get", name, "--no-headers"); r.Stdout != "retention.ms  5  DYNAMIC_TOPIC_CONFIG  false\n" {
			t.Errorf("%s configs: %q %s", name, r.Stdout, r.Stderr)
		}
	}

	// Bad values: usage errors before any request; nothing created.
	before := state(t, c)
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--config", "retention.ms"}, "Error: --config \"retention.ms\" is not KEY=VALUE (on topic create --config sets a topic config; name kctl's config file with a path or KCTL_CONFIG)\n"},
		{[]string{"--config", "=1"}, "Error: --config \"=1\" is not KEY=VALUE (on topic create --config sets a topic config; name kctl's config file with a path or KCTL_CONFIG)\n"},
		{[]string{"--config", "retention.ms=1", "--config", "retention.ms=2"}, "Error: --config \"retention.ms\" is given twice\n"},
		{[]string{"--config", "retention.ms=1", "-c", "retention.ms=2"}, "Error: topic config \"retention.ms\" is given twice\n"},
	} {
		r := kctl(t, c, append([]string{"topic", "create", "bad", "-p", "1"}, tc.args...)...)
		if r.Code != 2 || r.Stderr != tc.stderr || r.Stdout != "" {
			t.Errorf("%v: exit %d stdout %q stderr %q, want %q", tc.args, r.Code, r.Stdout, r.Stderr, tc.stderr)
		}
	}
	if got := state(t, c); got != before {
		t.Errorf("cluster changed: %q -> %q", before, got)
	}
}

// A broker that never answers the change request: every command ends within
// --timeout, names the request and the broker, exits 1, and (read back)
// changes nothing.
func TestChangesEndWithinTimeoutWhenTheBrokerHangs(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "orders", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	before := state(t, c)
	cases := []struct {
		key  kmsg.Key
		args []string
		want string
	}{
		{kmsg.CreateTopics, []string{"topic", "create", "x", "-p", "1"}, `create topic "x" on broker 0 (`},
		{kmsg.DeleteTopics, []string{"topic", "delete", "orders", "--yes"}, `delete topic "orders" on broker 0 (`},
		{kmsg.CreatePartitions, []string{"topic", "alter", "orders", "--partitions", "4"}, `add partitions to topic "orders" on broker 0 (`},
		{kmsg.IncrementalAlterConfigs, []string{"topic", "config", "set", "orders", "retention.ms=1"}, "alter configs of topic orders on broker 0 ("},
		{kmsg.ListOffsets, []string{"topic", "describe", "orders", "--offsets"}, "list offsets on broker 0 ("},
	}
	// Each case hangs its own request kind, which no other case sends, so
	// they run in parallel (3s each: connecting alone can take a second
	// under -race on a loaded machine).
	for _, tc := range cases {
		c.Kfake.ControlKey(int16(tc.key), func(kmsg.Request) (kmsg.Response, error, bool) {
			c.Kfake.KeepControl()
			return nil, nil, true // never answer
		})
	}
	t.Run("hang", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.args[1], func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				r := clitest.Run(t, "", append([]string{"--brokers", c.Bootstrap(), "--timeout", "3s"}, tc.args...)...)
				if d := time.Since(start); d > 6*time.Second {
					t.Errorf("%v took %v with --timeout 3s", tc.args, d)
				}
				if r.Code != 1 || !strings.Contains(r.Stderr, tc.want) || !strings.Contains(r.Stderr, "no answer within the timeout") || r.Stdout != "" {
					t.Errorf("%v: exit %d stdout %q stderr %q", tc.args, r.Code, r.Stdout, r.Stderr)
				}
			})
		}
	})
	if got := state(t, c); got != before {
		t.Errorf("cluster changed: %q -> %q", before, got)
	}
}
