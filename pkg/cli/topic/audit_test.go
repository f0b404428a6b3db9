package topic_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/topic"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

func mkTopics(t *testing.T, c *sandbox.Cluster, cfgs map[string]map[string]string) {
	t.Helper()
	for name, cfg := range cfgs {
		if err := c.CreateTopic(context.Background(), name, 1, 1, cfg); err != nil {
			t.Fatal(err)
		}
	}
}

func rot(n int, rf int, brokers int) []cpart {
	var ps []cpart
	for p := 0; p < n; p++ {
		var r []int32
		for k := 0; k < rf; k++ {
			r = append(r, int32((p+k)%brokers))
		}
		ps = append(ps, cpart{leader: r[0], replicas: r, isr: r})
	}
	return ps
}

func TestAuditCleanExitsZero(t *testing.T) {
	// min.insync.replicas=2 comes from the broker default.
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, BrokerConfigs: map[string]string{"min.insync.replicas": "2"}})
	mkTopics(t, c, map[string]map[string]string{"good": nil})
	craft(t, c, []cbroker{{0, "a"}, {1, "b"}, {2, "c"}}, []ctopic{{name: "good", parts: rot(3, 3, 3)}})
	r := kctl(t, c, "topic", "audit")
	if r.Code != 0 || r.Stdout != "OK: no durability findings in 1 topic, 3 partitions, internal topics included.\n" || r.Stderr != "" {
		t.Errorf("exit %d %q %q", r.Code, r.Stdout, r.Stderr)
	}
	r = kctl(t, c, "topic", "audit", "-o", "json")
	if r.Code != 0 || r.Stdout != "{\n  \"status\": \"OK\",\n  \"topicsChecked\": 1,\n  \"partitionsChecked\": 3,\n  \"internalIncluded\": true,\n  \"complete\": true,\n  \"findings\": []\n}\n" {
		t.Errorf("exit %d %q", r.Code, r.Stdout)
	}
}

func TestAuditWarningsExitOne(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	mkTopics(t, c, map[string]map[string]string{
		"two":   {"min.insync.replicas": "2"},
		"loose": {"min.insync.replicas": "1", "unclean.leader.election.enable": "true"},
	})
	// Broker 0 leads 6 of 8 partitions: share 2.7, limit max(4, 4.7).
	loose := rot(6, 3, 3)
	for i := range loose {
		loose[i].replicas = ids(0, 1, 2)
		loose[i].isr = ids(0, 1, 2)
		loose[i].leader = 0
	}
	craft(t, c, []cbroker{{0, ""}, {1, ""}, {2, ""}}, []ctopic{
		{name: "two", parts: rot(2, 2, 3)},
		{name: "loose", parts: loose},
	})
	r := kctl(t, c, "topic", "audit")
	want := "SEVERITY  TOPIC  FINDING                            DETAIL\n" +
		"WARNING   -      leadership-skew                    broker 0 leads 7 of 8 partitions; an even share is 2.7 (run a preferred leader election or reassign partitions)\n" +
		"WARNING   loose  min-isr-below-minimum              min.insync.replicas=1, below the minimum 2: acks=all is satisfied by the leader alone, so a leader failure can lose acknowledged writes\n" +
		"WARNING   loose  unclean-leader-election-enabled    unclean.leader.election.enable=true: an out-of-sync replica can become leader and acknowledged writes are lost\n" +
		"WARNING   two    min-isr-equals-replication-factor  min.insync.replicas=2 equals the replication factor: one broker down blocks every acks=all write\n" +
		"WARNING   two    replication-factor-below-minimum   replication factor 2, below the minimum 3: losing 2 brokers can lose acknowledged data\n"
	if r.Code != 1 || r.Stdout != want || r.Stderr != "Audited 2 topics, 8 partitions, internal topics included.\n" {
		t.Errorf("exit %d\n%s\nwant\n%s\nstderr %q", r.Code, r.Stdout, want, r.Stderr)
	}
	// Thresholds are flags.
	r = kctl(t, c, "topic", "audit", "--min-replication-factor", "2", "--min-isr", "1", "--max-leader-skew", "200", "--pattern", "two")
	want = "SEVERITY  TOPIC  FINDING                            DETAIL\n" +
		"WARNING   two    min-isr-equals-replication-factor  min.insync.replicas=2 equals the replication factor: one broker down blocks every acks=all write\n"
	if r.Code != 1 || r.Stdout != want {
		t.Errorf("exit %d\n%s\nwant\n%s", r.Code, r.Stdout, want)
	}
}

func TestAuditCriticalExitsTwo(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 4})
	mkTopics(t, c, map[string]map[string]string{
		"single":  nil, // RF 1, min ISR 1 (built-in default)
		"blocked": {"min.insync.replicas": "4"},
		"racky":   {"min.insync.replicas": "2"},
	})
	craft(t, c, []cbroker{{0, "a"}, {1, "b"}, {2, "c"}, {3, "a"}}, []ctopic{
		{name: "single", parts: []cpart{{leader: 1, replicas: ids(1), isr: ids(1)}}},
		{name: "blocked", parts: []cpart{{leader: 2, replicas: ids(2, 3, 1), isr: ids(2, 3, 1)}}},
		{name: "racky", parts: []cpart{
			{leader: 0, replicas: ids(0, 1, 2), isr: ids(0, 1, 2)},
			{leader: 3, replicas: ids(3, 0, 1), isr: ids(3, 0, 1)}, // racks a,a,b
		}},
	})
	r := kctl(t, c, "topic", "audit", "-o", "json")
	want := `{
  "status": "CRITICAL",
  "topicsChecked": 3,
  "partitionsChecked": 4,
  "internalIncluded": true,
  "complete": true,
  "findings": [
    {
      "severity": "CRITICAL",
      "topic": "blocked",
      "finding": "min-isr-above-replication-factor",
      "detail": "min.insync.replicas=4 is above the replication factor 3: every acks=all write fails with NOT_ENOUGH_REPLICAS"
    },
    {
      "severity": "CRITICAL",
      "topic": "single",
      "finding": "replication-factor-below-minimum",
      "detail": "replication factor 1, below the minimum 3: a single copy: losing one broker or disk loses data"
    },
    {
      "severity": "WARNING",
      "topic": "racky",
      "finding": "replicas-not-spread-across-racks",
      "detail": "1 of 2 partitions have replicas on fewer racks than the 3 available (partition 1: replicas 3,0,1 on racks a,b): a rack outage can take every copy"
    }
  ]
}
`
	if r.Code != 2 || r.Stdout != want {
		t.Errorf("exit %d\n%s", r.Code, r.Stdout)
	}
	// Request plan for the whole command: connect's Metadata (the
	// description), one DescribeConfigs and, in parallel, the Metadata
	// probing whether this principal may describe every topic.
	c2 := testkit.Cluster(t, sandbox.Options{Brokers: 1, Count: true})
	mkTopics(t, c2, map[string]map[string]string{"a": nil, "b": nil, "c": nil})
	c2.Counter.Reset()
	f, _ := testkit.Factory(t, testkit.Settings(c2), "json")
	if _, err := f.Admin(context.Background()); err != nil {
		t.Fatal(err)
	}
	o := &topic.AuditOptions{F: f}
	o.Audit.MinReplicationFactor, o.Audit.MinISR = 1, 1
	if err := topic.RunAudit(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if got := c2.Counter.Counts(); !reflect.DeepEqual(got, map[string]int{"Metadata": 2, "DescribeConfigs": 1}) {
		t.Errorf("requests %v", got)
	}
}
