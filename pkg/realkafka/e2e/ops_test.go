//go:build realkafka

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

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
