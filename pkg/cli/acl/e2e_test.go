package acl_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// countHandler counts records and stops the session once it has want.
type countHandler struct {
	n    atomic.Int64
	want int64
	done context.CancelFunc
}

func (h *countHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *countHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *countHandler) ConsumeClaim(_ sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for range claim.Messages() {
		if h.n.Add(1) >= h.want {
			h.done()
		}
	}
	return nil
}

// consumeAsAlice runs a sarama consumer group member logged in as alice
// (SCRAM-SHA-512, through kctl's own sarama configuration) on group g1 and
// topic orders, and returns how many records it read and the error that
// ended the session, if it did not read them all.
func consumeAsAlice(t *testing.T, addrs []string, want int64) (int64, error) {
	t.Helper()
	s := testkit.SCRAMSettings(addrs, "alice", alicePassword)
	s.Timeout = 5 * time.Second
	conf, err := kafka.SaramaConfig(s, kafka.Options{ClientID: "alice-consumer"})
	if err != nil {
		t.Fatal(err)
	}
	conf.Consumer.Offsets.Initial = sarama.OffsetOldest
	conf.Consumer.Offsets.AutoCommit.Enable = false // every run reads from the start
	conf.Consumer.Group.Rebalance.Retry.Max = 0
	conf.Consumer.Return.Errors = false
	cg, err := sarama.NewConsumerGroup(addrs, "g1", conf)
	if err != nil {
		return 0, err
	}
	defer cg.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	h := &countHandler{want: want, done: cancel}
	err = cg.Consume(ctx, []string{"orders"}, h)
	if n := h.n.Load(); n >= want {
		return n, nil
	}
	if err == nil {
		err = fmt.Errorf("session ended after %d of %d records: %w", h.n.Load(), want, ctx.Err())
	}
	return h.n.Load(), err
}

// TestConsumerACLEndToEnd is the end-to-end proof: alice, created
// with `kctl user upsert`, is denied reading orders with group g1; after
// `kctl acl add --consumer` she reads; after `kctl acl delete --yes` she is
// denied again.
func TestConsumerACLEndToEnd(t *testing.T) {
	t.Parallel()
	s := startSecure(t)
	ctx := context.Background()
	if err := s.c.CreateTopic(ctx, "orders", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	var recs []sandbox.Record
	for i := range 10 {
		recs = append(recs, sandbox.Record{Partition: int32(i % 2), Key: fmt.Sprint(i), Value: "v", Timestamp: time.Now()})
	}
	if err := s.c.Produce(ctx, "orders", recs); err != nil {
		t.Fatal(err)
	}

	r := mustRun(t, s.admin, 0, alicePassword+"\n", "user", "upsert", "alice", "--mechanism", "SCRAM-SHA-512", "--password-stdin")
	if r.stdout != "Set the SCRAM-SHA-512 credential of user alice (4096 iterations).\n" {
		t.Errorf("upsert stdout %q", r.stdout)
	}

	// Authenticated but not authorized: the metadata for orders is denied.
	if _, err := consumeAsAlice(t, s.c.Addrs, 10); !errors.Is(err, sarama.ErrTopicAuthorizationFailed) {
		t.Fatalf("before the ACLs: %v, want TOPIC_AUTHORIZATION_FAILED", err)
	}

	r = mustRun(t, s.admin, 0, "", "acl", "add", "--allow-principal", "User:alice", "--consumer", "--topic", "orders", "--group", "g1")
	want := `PRINCIPAL   HOST  OPERATION  PERMISSION  RESOURCE-TYPE  RESOURCE-NAME  PATTERN-TYPE
User:alice  *     READ       ALLOW       TOPIC          orders         LITERAL
User:alice  *     DESCRIBE   ALLOW       TOPIC          orders         LITERAL
User:alice  *     READ       ALLOW       GROUP          g1             LITERAL
`
	if r.stdout != want || r.stderr != "Added 3 ACL(s).\n" {
		t.Errorf("acl add printed\n%s\nstderr %q\nwant\n%s", r.stdout, r.stderr, want)
	}
	if n, err := consumeAsAlice(t, s.c.Addrs, 10); err != nil || n != 10 {
		t.Fatalf("with the consumer ACLs: read %d records, %v; want 10", n, err)
	}

	// Without the group ACL the topic is readable but the group is not.
	mustRun(t, s.admin, 0, "", "acl", "delete", "--principal", "User:alice", "--group", "g1", "--yes")
	if _, err := consumeAsAlice(t, s.c.Addrs, 10); !errors.Is(err, sarama.ErrGroupAuthorizationFailed) {
		t.Fatalf("without the group ACL: %v, want GROUP_AUTHORIZATION_FAILED", err)
	}

	// Without --yes nothing is deleted and the exit code is 2.
	r = mustRun(t, s.admin, 2, "", "acl", "delete", "--principal", "User:alice")
	if !strings.Contains(r.stderr, "2 ACL(s) match. Nothing was deleted: re-run with --yes to delete them.") {
		t.Errorf("stderr %q", r.stderr)
	}
	if got := s.acls(t); len(got) != 2 {
		t.Fatalf("delete without --yes changed the ACLs:\n%s", dump(got))
	}
	r = mustRun(t, s.admin, 0, "", "acl", "delete", "--principal", "User:alice", "--yes")
	if r.stderr != "Deleted 2 ACL(s).\n" || !strings.Contains(r.stdout, "User:alice  *     DESCRIBE   ALLOW       TOPIC          orders         LITERAL") {
		t.Errorf("delete printed\n%s\n%s", r.stdout, r.stderr)
	}
	if got := s.acls(t); len(got) != 0 {
		t.Fatalf("ACLs left:\n%s", dump(got))
	}
	if _, err := consumeAsAlice(t, s.c.Addrs, 10); !errors.Is(err, sarama.ErrTopicAuthorizationFailed) {
		t.Fatalf("after acl delete: %v, want TOPIC_AUTHORIZATION_FAILED", err)
	}
}
