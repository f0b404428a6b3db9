//go:build realkafka

package e2e

import (
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/testkit"
)

// TestTopicConfigsLikeKafka: Kafka answers each of testkit.TopicConfigCases
// exactly as the table says (and TestSandboxValidatesTopicConfigs holds
// the sandbox to the same table), on IncrementalAlterConfigs and on
// CreateTopics; a refused change leaves the topic's configs as they were.
func TestTopicConfigsLikeKafka(t *testing.T) {
	c := Single(t)
	topic := "sec-configs"
	if r := kctl(t, c, "topic", "create", topic, "--partitions", "1", "--replication-factor", "1"); r.Code != 0 {
		t.Fatalf("create: exit %d %s", r.Code, r.Stderr)
	}
	t.Cleanup(func() { kctl(t, c, "topic", "delete", topic, "--yes") })
	configs := func() string {
		r := kctl(t, c, "topic", "config", "get", topic, "-o", "json")
		if r.Code != 0 {
			t.Fatalf("config get: exit %d %s", r.Code, r.Stderr)
		}
		return r.Stdout
	}
	for _, tc := range testkit.TopicConfigCases {
		before := configs()
		r := kctl(t, c, append([]string{"topic", "config", "set", topic}, tc.Set...)...)
		if tc.Err == "" {
			if r.Code != 0 {
				t.Errorf("set %v: exit %d %s", tc.Set, r.Code, r.Stderr)
			}
			continue
		}
		want := "Error: alter configs of topic " + topic + ": " + tc.Err + " (INVALID_CONFIG)\n"
		if r.Code != 1 || r.Stderr != want {
			t.Errorf("set %v: exit %d stderr\n%q want\n%q", tc.Set, r.Code, r.Stderr, want)
		}
		if after := configs(); after != before {
			t.Errorf("refused set %v changed the configs:\n%s\n->\n%s", tc.Set, before, after)
		}
	}
	// CreateTopics validates alike, and the topic is not created.
	for _, tc := range []struct{ cfg, msg string }{
		{"retention.ms=abc", "Invalid value abc for configuration retention.ms: Not a number of type LONG"},
		{"bogus.x=1", "Unknown topic config name: bogus.x"},
	} {
		r := kctl(t, c, "topic", "create", "sec-bad", "--partitions", "1", "--replication-factor", "1", "--topic-config", tc.cfg)
		if want := "Error: create topic \"sec-bad\": " + tc.msg + " (INVALID_CONFIG)\n"; r.Code != 1 || r.Stderr != want {
			t.Errorf("create with %s: exit %d stderr %q", tc.cfg, r.Code, r.Stderr)
		}
	}
	if out := tool(t, c, topicCommand, "--list"); strings.Contains(out, "sec-bad") {
		t.Errorf("kafka-topics --list shows a refused topic:\n%s", out)
	}
}

// TestBrokerConfigsLikeKafka: Kafka answers each of
// testkit.BrokerConfigCases as the table says (TestSandboxValidatesBrokerConfigs
// holds the sandbox to it); accepted keys are deleted again, so the shared
// cluster keeps its configs.
func TestBrokerConfigsLikeKafka(t *testing.T) {
	c := Single(t)
	for _, tc := range testkit.BrokerConfigCases {
		target, what := []string{"1"}, "broker 1"
		if tc.Default {
			target, what = []string{"--default"}, "broker defaults"
		}
		before := kctl(t, c, append([]string{"broker", "config", "get", "-o", "json"}, target...)...)
		r := kctl(t, c, append(append([]string{"broker", "config", "set"}, target...), tc.Set...)...)
		if tc.Err == "" {
			if r.Code != 0 {
				t.Errorf("set %v %v: exit %d %s", target, tc.Set, r.Code, r.Stderr)
			}
			key, _, _ := strings.Cut(tc.Set[0], "=")
			if d := kctl(t, c, append(append([]string{"broker", "config", "delete"}, target...), key)...); d.Code != 0 {
				t.Errorf("delete %s: exit %d %s", key, d.Code, d.Stderr)
			}
			continue
		}
		want := "Error: alter configs of " + what + ": " + tc.Err + " (INVALID_REQUEST)\n"
		if r.Code != 1 || r.Stderr != want {
			t.Errorf("set %v %v: exit %d stderr\n%q want\n%q", target, tc.Set, r.Code, r.Stderr, want)
		}
		if after := kctl(t, c, append([]string{"broker", "config", "get", "-o", "json"}, target...)...); after.Stdout != before.Stdout {
			t.Errorf("refused set %v changed the configs:\n%s\n->\n%s", tc.Set, before.Stdout, after.Stdout)
		}
	}
}
