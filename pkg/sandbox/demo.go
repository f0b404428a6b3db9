package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The demo seed, documented in docs/sandbox.md. Tests assert these numbers.
const (
	DemoOrdersPartitions   = 6
	DemoOrdersPerPartition = 200
	DemoPaymentsPartitions = 3
	DemoPaymentsPerPart    = 100
	DemoAuditRecords       = 50

	// billing: Empty group with lag on orders (committed 150 of 200 on
	// every partition: lag 50 each, 300 in all).
	DemoLaggingGroup     = "billing"
	DemoLaggingCommitted = 150
	// analytics: caught up on payments (committed at the end).
	DemoCaughtUpGroup = "analytics"
	// shipping: an active member on audit, committed at 40 of 50 (lag 10).
	DemoActiveGroup     = "shipping"
	DemoActiveCommitted = 40
)

// The demo's ordinary user (with SASL) and, with the authorizer on, what she
// may do: consume payments as the analytics group (Read and Describe on the
// topic, Read on the group). Nothing on orders or billing, which the acl
// tour in docs/acl.md grants her itself.
const (
	DemoUser         = "alice"
	DemoUserPassword = "alice-secret"
	DemoUserTopic    = "payments"
	DemoUserGroup    = DemoCaughtUpGroup
)

func demoUserACLs() []kfake.ACL {
	acl := func(rt kmsg.ACLResourceType, name string, op kmsg.ACLOperation) kfake.ACL {
		return kfake.ACL{Resource: rt, Name: name, Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: op, Allow: true, Host: "*"}
	}
	return []kfake.ACL{
		acl(kmsg.ACLResourceTypeTopic, DemoUserTopic, kmsg.ACLOperationRead),
		acl(kmsg.ACLResourceTypeTopic, DemoUserTopic, kmsg.ACLOperationDescribe),
		acl(kmsg.ACLResourceTypeGroup, DemoUserGroup, kmsg.ACLOperationRead),
	}
}

// DemoSpan is how far back the demo records reach.
const DemoSpan = 24 * time.Hour

func (c *Cluster) seedDemo(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	rf := int16(min(3, c.Opts.Brokers))
	topics := []struct {
		name  string
		parts int32
		per   int
	}{
		{"orders", DemoOrdersPartitions, DemoOrdersPerPartition},
		{"payments", DemoPaymentsPartitions, DemoPaymentsPerPart},
		{"audit", 1, DemoAuditRecords},
	}
	now := time.Now().Truncate(time.Second)
	for _, t := range topics {
		if err := c.CreateTopic(ctx, t.name, t.parts, rf, nil); err != nil {
			return err
		}
		recs := DemoRecords(now, t.parts, t.per)
		for i := range recs {
			recs[i].Key = fmt.Sprintf("%s-%d", t.name, i)
			recs[i].Value = fmt.Sprintf(`{"topic":%q,"n":%d}`, t.name, i)
		}
		if err := c.Produce(ctx, t.name, recs); err != nil {
			return fmt.Errorf("produce to %s: %w", t.name, err)
		}
	}
	lag := map[int32]int64{}
	for p := int32(0); p < DemoOrdersPartitions; p++ {
		lag[p] = DemoLaggingCommitted
	}
	if err := c.Commit(ctx, DemoLaggingGroup, "orders", lag); err != nil {
		return err
	}
	caught := map[int32]int64{}
	for p := int32(0); p < DemoPaymentsPartitions; p++ {
		caught[p] = DemoPaymentsPerPart
	}
	if err := c.Commit(ctx, DemoCaughtUpGroup, "payments", caught); err != nil {
		return err
	}
	if err := c.Commit(ctx, DemoActiveGroup, "audit", map[int32]int64{0: DemoActiveCommitted}); err != nil {
		return err
	}
	if _, err := c.JoinMember(ctx, DemoActiveGroup, "audit"); err != nil {
		return err
	}
	return nil
}

// DemoRecords spreads per records on each of parts partitions evenly over
// the DemoSpan before now, oldest first: record i of a partition is at
// now - DemoSpan + (i+1)*DemoSpan/per.
func DemoRecords(now time.Time, parts int32, per int) []Record {
	var recs []Record
	step := DemoSpan / time.Duration(per)
	for p := int32(0); p < parts; p++ {
		for i := 0; i < per; i++ {
			recs = append(recs, Record{Partition: p, Timestamp: now.Add(-DemoSpan + time.Duration(i+1)*step)})
		}
	}
	return recs
}
