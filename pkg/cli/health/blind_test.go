package health_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// blindCluster is a SCRAM+ACLs sandbox with 2 topics (3+2 partitions) and
// user carol, who has no ACL at all: Kafka leaves every topic out of her
// metadata without an error.
func blindCluster(t *testing.T) (admin, carol config.Settings) {
	t.Helper()
	c, admin := testkit.SCRAMCluster(t, "admin-pw")
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "blind-a", 3, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateTopic(ctx, "blind-b", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	if r := clitest.RunSettings(t, admin, "carol-pw", "user", "upsert", "carol", "--mechanism", "SCRAM-SHA-512", "--password-stdin"); r.Code != 0 {
		t.Fatalf("user upsert: %d %s", r.Code, r.Stderr)
	}
	return admin, testkit.SCRAMSettings(c.Addrs, "carol", "carol-pw")
}

// A principal that sees no topic must not get a green health: UNKNOWN
// (exit 3), saying why; the same cluster as a super user is OK with the
// topic and partition counts it checked.
func TestHealthBlindPrincipalIsUnknown(t *testing.T) {
	admin, carol := blindCluster(t)

	r := clitest.RunSettings(t, carol, "", "health", "--format", "nagios")
	if r.Code != 3 {
		t.Fatalf("carol: exit %d, want 3 (UNKNOWN)\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	want := "KAFKA UNKNOWN - blind: this principal may not describe every topic (0 topics visible); 0 topics, 0 partitions checked | brokers=1;;1: offline=0;;0 under_min_isr=0;;0 urp=0;0 at_min_isr=0;0\n"
	if r.Stdout != want {
		t.Errorf("carol nagios:\n got %q\nwant %q", r.Stdout, want)
	}

	r = clitest.RunSettings(t, carol, "", "health")
	if r.Code != 3 || !strings.Contains(r.Stdout, "Scope: 0 topics, 0 partitions checked (internal topics included); this principal may not describe every topic\n") ||
		!strings.Contains(r.Stdout, "grant DESCRIBE on every topic (kctl acl add --allow-principal User:carol --operation Describe --topic '*')") {
		t.Errorf("carol text: exit %d\n%s", r.Code, r.Stdout)
	}

	// RF 1 on one broker is at min ISR by design: leave that check out.
	r = clitest.RunSettings(t, admin, "", "health", "--format", "nagios", "--checks", "brokers,controller,offline-partitions,under-min-isr,under-replicated")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "KAFKA OK - all 5 checks OK; 2 topics, 5 partitions checked | ") {
		t.Errorf("admin: exit %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
	r = clitest.RunSettings(t, admin, "", "health", "-o", "json")
	var v struct {
		Scope *struct {
			TopicCount, PartitionCount, InternalTopicCount int
			InternalIncluded, Complete                     bool
		} `json:"scope"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil || v.Scope == nil {
		t.Fatalf("json: %v %s", err, r.Stdout)
	}
	if got := *v.Scope; got.TopicCount != 2 || got.PartitionCount != 5 || got.InternalTopicCount != 0 || !got.InternalIncluded || !got.Complete {
		t.Errorf("admin scope %+v", got)
	}
}

// topic audit: "no durability findings in 0 topics" with exit 0 was blind.
func TestAuditBlindPrincipalIsUnknown(t *testing.T) {
	admin, carol := blindCluster(t)

	r := clitest.RunSettings(t, carol, "", "topic", "audit")
	if r.Code != 3 {
		t.Fatalf("carol: exit %d, want 3\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if want := "UNKNOWN: no durability findings in the topics this principal may describe (0 topics, 0 partitions, internal topics included), but it may not describe every topic.\n"; r.Stdout != want {
		t.Errorf("carol stdout %q", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "Warning: this principal may not describe every topic") {
		t.Errorf("carol stderr %q", r.Stderr)
	}
	r = clitest.RunSettings(t, carol, "", "topic", "audit", "-o", "json")
	if want := `{"status":"UNKNOWN","topicsChecked":0,"partitionsChecked":0,"internalIncluded":true,"complete":false,"findings":[]}`; r.Code != 3 || compact(t, r.Stdout) != want {
		t.Errorf("carol json: exit %d %s", r.Code, r.Stdout)
	}

	r = clitest.RunSettings(t, admin, "", "topic", "audit", "--min-replication-factor", "1", "--min-isr", "1", "--exclude-internal")
	if r.Code != 0 || r.Stdout != "OK: no durability findings in 2 topics, 5 partitions, internal topics excluded.\n" {
		t.Errorf("admin: exit %d %q %s", r.Code, r.Stdout, r.Stderr)
	}
}

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return b.String()
}
