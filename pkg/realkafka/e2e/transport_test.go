//go:build realkafka

package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A node stopped under an RF-1 topic: its partition has no leader. The
// describe commands report that from the one Metadata answer read at
// connect: the -v trace shows exactly one Metadata sent and no retry
// (sarama's client retried while a partition had no leader; the request
// counts themselves are asserted on the sandbox, TestDegradedClusterOneMetadata).
func TestTransportOfflinePartitionOneMetadata(t *testing.T) {
	c := Three(t)
	const topic = "transport-rf1"
	tool(t, c, topicCommand, "--create", "--topic", topic, "--replica-assignment", "3,1")
	t.Cleanup(func() { _, _ = toolErr(c, topicCommand, "--delete", "--topic", topic) })
	if err := c.StopNode(3); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := c.StartNode(ctx, 3); err != nil {
			t.Errorf("restart node 3: %v", err)
			return
		}
		eventually(t, 90*time.Second, func() string {
			r := kctl(t, c, "topic", "describe", "--under-replicated-partitions", "--no-headers")
			if r.Code != 0 || strings.TrimSpace(r.Stdout) != "" {
				return "partitions still under-replicated after node 3 restarted: " + r.Stdout + r.Stderr
			}
			return ""
		})
	})
	leaderless := regexp.MustCompile(`(?m)^` + topic + `\s+0\s+none\s+3\s`)
	eventually(t, 30*time.Second, func() string {
		r := kctl(t, c, "topic", "describe", topic, "--no-headers")
		if !leaderless.MatchString(r.Stdout) {
			return "partition 0 still has a leader: " + r.Stdout + r.Stderr
		}
		return ""
	})
	for _, args := range [][]string{
		{"topic", "describe", topic},
		{"topic", "describe"},
		{"topic", "list"},
		{"cluster", "describe"},
	} {
		r := kctl(t, c, append([]string{"-v"}, args...)...)
		if r.Code != 0 {
			t.Errorf("%v: exit %d, stderr %s", args, r.Code, r.Stderr)
			continue
		}
		sent := strings.Count(r.Stderr, "[kctl] Metadata to ")
		if sent != 1 || strings.Contains(r.Stderr, "retrying") {
			t.Errorf("%v: %d Metadata requests in the trace, want 1 and no retry:\n%s", args, sent, r.Stderr)
		}
		if args[0] == "topic" && args[1] == "describe" && !leaderless.MatchString(r.Stdout) {
			t.Errorf("%v: partition 0 not shown leaderless:\n%s", args, r.Stdout)
		}
	}
}
