package sandbox_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// TestSandboxValidatesTopicConfigs: the sandbox refuses unknown topic
// config names and bad values with Kafka's INVALID_CONFIG message (the
// cases and messages are real Kafka's, testkit.TopicConfigCases), on
// IncrementalAlterConfigs through kctl, and nothing changes.
func TestSandboxValidatesTopicConfigs(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "events", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	s := testkit.Settings(c)
	for _, tc := range testkit.TopicConfigCases {
		before := topicConfigs(t, c, "events")
		r := clitest.RunSettings(t, s, "", append([]string{"topic", "config", "set", "events"}, tc.Set...)...)
		if tc.Err == "" {
			if r.Code != 0 {
				t.Errorf("set %v: exit %d %s", tc.Set, r.Code, r.Stderr)
			}
			continue
		}
		want := "Error: alter configs of topic events: " + tc.Err + " (INVALID_CONFIG)\n"
		if r.Code != 1 || r.Stderr != want {
			t.Errorf("set %v: exit %d stderr\n%q want\n%q", tc.Set, r.Code, r.Stderr, want)
		}
		if after := topicConfigs(t, c, "events"); after != before {
			t.Errorf("set %v changed the configs: %s -> %s", tc.Set, before, after)
		}
	}
}

// TestSandboxValidatesCreateTopicsAndAlterConfigs: CreateTopics and the
// legacy AlterConfigs are refused alike; the topic is not created.
func TestSandboxValidatesCreateTopicsAndAlterConfigs(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	s := testkit.Settings(c)
	r := clitest.RunSettings(t, s, "", "topic", "create", "bad", "--partitions", "1", "--topic-config", "retention.ms=abc")
	if want := "Error: create topic \"bad\": Invalid value abc for configuration retention.ms: Not a number of type LONG (INVALID_CONFIG)\n"; r.Code != 1 || r.Stderr != want {
		t.Errorf("create: exit %d stderr %q", r.Code, r.Stderr)
	}
	r = clitest.RunSettings(t, s, "", "topic", "create", "bad", "--partitions", "1", "--topic-config", "bogus.x=1")
	if want := "Error: create topic \"bad\": Unknown topic config name: bogus.x (INVALID_CONFIG)\n"; r.Code != 1 || r.Stderr != want {
		t.Errorf("create: exit %d stderr %q", r.Code, r.Stderr)
	}
	cl, ctx := client(t, c)
	md := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr("bad")
	md.Topics = append(md.Topics, mt)
	mresp, err := md.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	if code := mresp.Topics[0].ErrorCode; code != kerr.UnknownTopicOrPartition.Code {
		t.Errorf("topic bad exists after a refused create (error code %d)", code)
	}
	// A valid create with a valid config goes through, configs and all.
	r = clitest.RunSettings(t, s, "", "topic", "create", "good", "--partitions", "1", "--topic-config", "retention.ms=1000")
	if r.Code != 0 {
		t.Fatalf("create good: exit %d %s", r.Code, r.Stderr)
	}
	if got := topicConfigs(t, c, "good"); got != "retention.ms=1000" {
		t.Errorf("good configs %q", got)
	}

	ac := kmsg.NewPtrAlterConfigsRequest()
	res := kmsg.NewAlterConfigsRequestResource()
	res.ResourceType, res.ResourceName = kmsg.ConfigResourceTypeTopic, "good"
	cfg := kmsg.NewAlterConfigsRequestResourceConfig()
	cfg.Name, cfg.Value = "cleanup.policy", kmsg.StringPtr("bogus")
	res.Configs = append(res.Configs, cfg)
	ac.Resources = append(ac.Resources, res)
	aresp, err := ac.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	got := aresp.Resources[0]
	if got.ErrorCode != kerr.InvalidConfig.Code || got.ErrorMessage == nil ||
		*got.ErrorMessage != "Invalid value bogus for configuration cleanup.policy: String must be one of: compact, delete" {
		t.Errorf("AlterConfigs: code %d message %v", got.ErrorCode, got.ErrorMessage)
	}
	if got := topicConfigs(t, c, "good"); got != "retention.ms=1000" {
		t.Errorf("good configs after a refused AlterConfigs %q", got)
	}
}

// topicConfigs reads a topic's dynamic configs with a raw DescribeConfigs,
// as sorted "k=v,k=v".
func topicConfigs(t *testing.T, c *sandbox.Cluster, topic string) string {
	t.Helper()
	cl, ctx := client(t, c)
	req := kmsg.NewPtrDescribeConfigsRequest()
	r := kmsg.NewDescribeConfigsRequestResource()
	r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, topic
	req.Resources = append(req.Resources, r)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	var kv []string
	for _, e := range resp.Resources[0].Configs {
		if e.Source == kmsg.ConfigSourceDynamicTopicConfig && e.Value != nil {
			kv = append(kv, e.Name+"="+*e.Value)
		}
	}
	sort.Strings(kv)
	return strings.Join(kv, ",")
}

// client is a franz-go client of c, closed with the test, and a bounded
// context for its requests.
func client(t *testing.T, c *sandbox.Cluster) (*kgo.Client, context.Context) {
	t.Helper()
	cl, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return cl, ctx
}

// TestSandboxValidatesBrokerConfigs: the sandbox refuses what Kafka
// refuses on a broker or the cluster default (testkit.BrokerConfigCases,
// Kafka 4.4's messages) with INVALID_REQUEST, and nothing changes.
func TestSandboxValidatesBrokerConfigs(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	s := testkit.Settings(c)
	for _, tc := range testkit.BrokerConfigCases {
		target, what := []string{"0"}, "broker 0"
		if tc.Default {
			target, what = []string{"--default"}, "broker defaults"
		}
		before := clitest.RunSettings(t, s, "", append([]string{"broker", "config", "get", "-o", "json"}, target...)...)
		r := clitest.RunSettings(t, s, "", append(append([]string{"broker", "config", "set"}, target...), tc.Set...)...)
		if tc.Err == "" {
			if r.Code != 0 {
				t.Errorf("set %v %v: exit %d %s", target, tc.Set, r.Code, r.Stderr)
			}
			key, _, _ := strings.Cut(tc.Set[0], "=")
			clitest.RunSettings(t, s, "", append(append([]string{"broker", "config", "delete"}, target...), key)...)
			continue
		}
		want := "Error: alter configs of " + what + ": " + tc.Err + " (INVALID_REQUEST)\n"
		if r.Code != 1 || r.Stderr != want {
			t.Errorf("set %v %v: exit %d stderr\n%q want\n%q", target, tc.Set, r.Code, r.Stderr, want)
		}
		after := clitest.RunSettings(t, s, "", append([]string{"broker", "config", "get", "-o", "json"}, target...)...)
		if before.Stdout != after.Stdout || after.Code != 0 {
			t.Errorf("refused set %v changed the configs:\n%s\n->\n%s", tc.Set, before.Stdout, after.Stdout)
		}
	}
}
