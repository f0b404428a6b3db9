//go:build realkafka

package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/realkafka"
)

// During a throttled move 1,2 -> 2,3 (and 2,1 -> 3,2) the replica set is
// 2,3,1 while the ISR is still 1,2: kafka-topics.sh
// --under-replicated-partitions does not count the adding replica 3 as
// missing (TopicCommand.getReplicationFactor), and kctl topic describe
// --under-replicated-partitions lists exactly the same rows; kctl health
// does not count the moving partitions either. The move then completes
// and its throttles are removed.
func TestOpsUnderReplicatedDuringReassignmentEqualsKafkaTool(t *testing.T) {
	c := Three(t)
	const topic = "ops-urp-move"
	opsTopicOnBrokers12(t, c, topic)
	// ~4 MB at 20 kB/s: the move lasts minutes, far longer than the
	// comparison.
	opsProduce(t, c, topic, 4000, 1000)
	plan := opsPlanFile(t, topic, []int32{2, 3}, []int32{3, 2})
	if r := kctl(t, c, "partitions", "reassign", "--plan", plan, "--execute", "--throttle", "20000"); r.Code != 0 {
		t.Fatalf("execute: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	done := false
	t.Cleanup(func() {
		if done {
			return
		}
		// Never leave a throttled move behind: cancel it (which also
		// removes the throttles).
		r := kctl(t, c, "partitions", "reassign", "--plan", plan, "--cancel")
		t.Logf("cleanup: $ kctl partitions reassign --plan plan.json --cancel: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	})
	inProgress := func() string {
		r := kctl(t, c, "partitions", "reassign", "--plan", plan, "--verify")
		if r.Code != 1 || strings.Count(r.Stdout, "in progress") != 2 {
			return fmt.Sprintf("verify: exit %d, want both partitions in progress\n%s%s", r.Code, r.Stdout, r.Stderr)
		}
		return ""
	}
	eventually(t, 30*time.Second, inProgress)

	// Compare while the move is in progress before and after both tools
	// ran; the ISR may change between the two reads, so a difference is
	// retried a few times before it fails.
	var diff string
	for attempt := 1; attempt <= 3; attempt++ {
		if msg := inProgress(); msg != "" {
			t.Fatalf("the move ended before the comparison (attempt %d): %s", attempt, msg)
		}
		// The state the comparison is about: replicas 2,3,1 (3,2,1), the
		// adding replica out of the ISR. Counting every replica, kctl
		// listed these partitions before.
		short := 0
		for _, p := range opsDescribe(t, c, topic)[topic] {
			if len(p.Replicas) == 3 && len(p.ISR) < 3 {
				short++
			}
		}
		plain := tool(t, c, topicCommand, "--describe", "--topic", topic)
		if short == 0 || !strings.Contains(plain, "Adding Replicas: 3") {
			t.Fatalf("no partition being moved with a short ISR (%d); kafka-topics --describe:\n%s", short, plain)
		}
		out := tool(t, c, topicCommand, "--describe", "--under-replicated-partitions", "--topic", topic)
		_, tcParts, _ := parseTopicCommand(t, out)
		kv := kctlDescribe(t, c, topic, "--under-replicated-partitions")
		kc := kctlParts(kv)
		urpHealth, complete := healthURP(t, c, topic)
		if msg := inProgress(); msg != "" {
			t.Fatalf("the move ended during the comparison (attempt %d): %s", attempt, msg)
		}
		t.Logf("attempt %d: kafka-topics --describe --under-replicated-partitions --topic %s:\n%s\nkctl rows %v, kctl health details %v", attempt, topic, out, tpKeys(kc), urpHealth)
		diff = ""
		if strings.Join(tpKeys(tcParts), " ") != strings.Join(tpKeys(kc), " ") {
			diff = fmt.Sprintf("kafka-topics lists %v, kctl lists %v", tpKeys(tcParts), tpKeys(kc))
		} else {
			for k, want := range tcParts {
				if got := kc[k]; got != want {
					diff += fmt.Sprintf("%s: kctl %+v, kafka-topics %+v; ", k, got, want)
				}
			}
		}
		// kctl health counts what kctl's filter lists (when its details
		// were not cut short by other topics' partitions).
		if diff == "" && complete && len(urpHealth) != len(kc) {
			diff = fmt.Sprintf("kctl health counts %v, kctl topic describe lists %v", urpHealth, tpKeys(kc))
		}
		if diff == "" {
			break
		}
		t.Logf("attempt %d: %s", attempt, diff)
	}
	if diff != "" {
		t.Fatalf("during the move: %s", diff)
	}

	// Let the move finish: drop the broker throttle rates, then --verify
	// sees it complete and removes the topic throttles.
	for _, b := range []string{"1", "2", "3"} {
		tool(t, c, configCommand, "--alter", "--entity-type", "brokers", "--entity-name", b,
			"--delete-config", "leader.replication.throttled.rate,follower.replication.throttled.rate")
	}
	eventually(t, 120*time.Second, func() string {
		r := kctl(t, c, "partitions", "reassign", "--plan", plan, "--verify")
		if r.Code != 0 {
			return fmt.Sprintf("verify: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
		}
		return ""
	})
	done = true
	opsNoThrottles(t, c, topic)
}

// healthURP is the under-replicated details kctl health gives for topic's
// partitions; complete is false when the details were capped.
func healthURP(t *testing.T, c *realkafka.Cluster, topic string) (details []string, complete bool) {
	t.Helper()
	r := kctl(t, c, "health", "--checks", "under-replicated", "--format", "json")
	if r.Code != 0 && r.Code != 1 {
		t.Fatalf("kctl health: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	var rep struct {
		Checks []struct {
			Name    string   `json:"name"`
			Details []string `json:"details"`
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("kctl health json: %v\n%s", err, r.Stdout)
	}
	complete = true
	for _, ch := range rep.Checks {
		if ch.Name != "under-replicated" {
			continue
		}
		for _, d := range ch.Details {
			if strings.HasPrefix(d, topic+"[") {
				details = append(details, d)
			}
			if strings.HasPrefix(d, "... and ") {
				complete = false
			}
		}
	}
	return details, complete
}
