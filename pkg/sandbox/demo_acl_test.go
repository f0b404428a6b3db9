package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// describeACLs reads every ACL as "principal host op perm type name pattern".
func describeACLs(ctx context.Context, t *testing.T, cl *kgo.Client) []string {
	t.Helper()
	req := kmsg.NewPtrDescribeACLsRequest()
	req.ResourceType = kmsg.ACLResourceTypeAny
	req.ResourcePatternType = kmsg.ACLResourcePatternTypeAny
	req.Operation = kmsg.ACLOperationAny
	req.PermissionType = kmsg.ACLPermissionTypeAny
	resp, err := req.RequestWith(ctx, cl)
	if err != nil || resp.ErrorCode != 0 {
		t.Fatalf("DescribeAcls: %v %+v", err, resp)
	}
	var out []string
	for _, r := range resp.Resources {
		for _, a := range r.ACLs {
			out = append(out, fmt.Sprintf("%s %s %s %s %s %s %s", a.Principal, a.Host, a.Operation, a.PermissionType, r.ResourceType, r.ResourceName, r.ResourcePatternType))
		}
	}
	slices.Sort(out)
	return out
}

// TestDemoSeedACLs: with SASL and the authorizer on, the demo seed lets
// alice consume payments as group analytics and nothing else; a --data-dir
// restart keeps exactly those ACLs (no duplicates).
func TestDemoSeedACLs(t *testing.T) {
	t.Parallel()
	opts := sandbox.Options{Brokers: 1, SASL: "scram-sha-512", ACLs: true, Seed: "demo", DataDir: filepath.Join(t.TempDir(), "data")}
	want := []string{
		"User:alice * DESCRIBE ALLOW TOPIC payments LITERAL",
		"User:alice * READ ALLOW GROUP analytics LITERAL",
		"User:alice * READ ALLOW TOPIC payments LITERAL",
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	c, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := c.Client()
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	got := describeACLs(ctx, t, cl)
	cl.Close()
	c.Close()
	if !slices.Equal(got, want) {
		t.Fatalf("seeded ACLs\n%q\nwant\n%q", got, want)
	}

	// Restart on the same data: still exactly the three ACLs.
	c, err = sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err = c.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if got := describeACLs(ctx, t, cl); !slices.Equal(got, want) {
		t.Fatalf("ACLs after a --data-dir restart\n%q\nwant\n%q", got, want)
	}

	// alice, a real group consumer, reads a new payments record as
	// analytics (caught up at 100) and commits it.
	if err := c.Produce(ctx, "payments", []sandbox.Record{{Partition: 0, Key: "k", Value: "new", Timestamp: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	alice := func(extra ...kgo.Opt) *kgo.Client {
		t.Helper()
		a, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.Addrs...),
			kgo.SASL(scram.Auth{User: "alice", Pass: "alice-secret"}.AsSha512Mechanism())}, extra...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.Close)
		return a
	}
	consumer := alice(kgo.ConsumerGroup("analytics"), kgo.ConsumeTopics("payments"), kgo.DisableAutoCommit(), kgo.FetchMaxWait(200*time.Millisecond))
	var recs []*kgo.Record
	for len(recs) == 0 {
		fs := consumer.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("alice read nothing from payments: %v", fs.Errors())
		}
		for _, e := range fs.Errors() {
			t.Fatalf("alice consuming payments as analytics: %s[%d]: %v", e.Topic, e.Partition, e.Err)
		}
		recs = fs.Records()
	}
	if len(recs) != 1 || recs[0].Topic != "payments" || recs[0].Partition != 0 || recs[0].Offset != 100 || string(recs[0].Value) != "new" {
		t.Fatalf("alice read %+v, want the one new record at payments[0]@100", recs[0])
	}
	if err := consumer.CommitRecords(ctx, recs...); err != nil {
		t.Fatalf("alice committing as analytics: %v", err)
	}

	// She is still denied orders (metadata and fetch) and group billing.
	a := alice()
	md := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr("orders")
	md.Topics = append(md.Topics, mt)
	mresp, err := md.RequestWith(ctx, a)
	if err != nil || len(mresp.Topics) != 1 || !errors.Is(kerr.ErrorForCode(mresp.Topics[0].ErrorCode), kerr.TopicAuthorizationFailed) {
		t.Fatalf("alice orders metadata: %+v %v, want TOPIC_AUTHORIZATION_FAILED", mresp, err)
	}
	ft := kmsg.NewPtrFetchRequest()
	ft.Version = 12 // names topics (v13+ use topic ids)
	ft.ReplicaID, ft.MaxWaitMillis, ft.MaxBytes = -1, 0, 1<<20
	ftt := kmsg.NewFetchRequestTopic()
	ftt.Topic = "orders"
	ftp := kmsg.NewFetchRequestTopicPartition()
	ftp.PartitionMaxBytes, ftp.CurrentLeaderEpoch, ftp.LastFetchedEpoch, ftp.LogStartOffset = 1<<20, -1, -1, -1
	ftt.Partitions = append(ftt.Partitions, ftp)
	ft.Topics = append(ft.Topics, ftt)
	fresp, err := a.Broker(0).Request(ctx, ft)
	if err != nil {
		t.Fatal(err)
	}
	if f := fresp.(*kmsg.FetchResponse); len(f.Topics) != 1 || !errors.Is(kerr.ErrorForCode(f.Topics[0].Partitions[0].ErrorCode), kerr.TopicAuthorizationFailed) {
		t.Fatalf("alice fetching orders: %+v, want TOPIC_AUTHORIZATION_FAILED", f)
	}
	of := kmsg.NewPtrOffsetFetchRequest()
	of.Group = "billing"
	// (the client fails FindCoordinator for billing before OffsetFetch)
	oresp, err := of.RequestWith(ctx, a)
	if err == nil {
		err = kerr.ErrorForCode(oresp.ErrorCode)
	}
	if !errors.Is(err, kerr.GroupAuthorizationFailed) {
		t.Fatalf("alice reading billing's commits: %v, want GROUP_AUTHORIZATION_FAILED", err)
	}

	// The commit landed: analytics is at 101 on payments[0].
	of = kmsg.NewPtrOffsetFetchRequest()
	of.Group = "analytics"
	oresp, err = of.RequestWith(ctx, cl)
	if err != nil || oresp.ErrorCode != 0 {
		t.Fatalf("analytics commits: %+v %v", oresp, err)
	}
	for _, tp := range oresp.Topics {
		for _, p := range tp.Partitions {
			if want := map[int32]int64{0: 101, 1: 100, 2: 100}[p.Partition]; tp.Topic != "payments" || p.Offset != want {
				t.Errorf("analytics %s[%d] committed %d, want %d", tp.Topic, p.Partition, p.Offset, want)
			}
		}
	}
}
