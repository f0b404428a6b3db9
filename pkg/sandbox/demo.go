package sandbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/records"
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

	// orders.DLT: what Spring Kafka's DeadLetterPublishingRecoverer left
	// after billing failed on three orders records (DemoDeadLetters), in
	// the dead-letter partition of the same number, with its kafka_dlt-*
	// headers. billing's committed offset on orders[3] (150) is the first
	// of them: the poison pill of docs/consume.md.
	DemoDLTTopic = "orders.DLT"
)

// DemoDeadLetter is one dead-lettered orders record of the demo seed.
type DemoDeadLetter struct {
	Partition int32
	Offset    int64
	Exception string // kafka_dlt-exception-fqcn
	Cause     string // kafka_dlt-exception-cause-fqcn
	Message   string // kafka_dlt-exception-message
}

// DemoDeadLetters are the records orders.DLT holds, in its order per partition.
var DemoDeadLetters = []DemoDeadLetter{
	{Partition: 1, Offset: 162, Exception: "org.springframework.kafka.support.serializer.DeserializationException", Cause: "com.fasterxml.jackson.core.JsonParseException",
		Message: "failed to deserialize; nested exception is com.fasterxml.jackson.core.JsonParseException: Unexpected character ('n' (code 110)): was expecting double-quote to start field name"},
	{Partition: 3, Offset: 150, Exception: "org.springframework.kafka.listener.ListenerExecutionFailedException", Cause: "java.lang.IllegalStateException",
		Message: "Listener method 'public void com.example.billing.OrderListener.onOrder(com.example.billing.Order)' threw exception; nested exception is java.lang.IllegalStateException: no price list for customer cust-0042"},
	{Partition: 3, Offset: 151, Exception: "org.springframework.kafka.listener.ListenerExecutionFailedException", Cause: "java.lang.IllegalStateException",
		Message: "Listener method 'public void com.example.billing.OrderListener.onOrder(com.example.billing.Order)' threw exception; nested exception is java.lang.IllegalStateException: no price list for customer cust-0042"},
}

// demoDLT builds the dead-letter records: key, value and timestamp of the
// original (as seeded in orders), Spring's headers, and the original's
// own __TypeId__ header (Spring's JsonSerializer), published 2 s later.
func demoDLT(orders []Record) []Record {
	var out []Record
	for _, d := range DemoDeadLetters {
		orig := orders[int(d.Partition)*DemoOrdersPerPartition+int(d.Offset)]
		trace := d.Exception + ": " + d.Message + "\n" +
			"\tat org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.decorateException(KafkaMessageListenerContainer.java:2945)\n" +
			"\tat org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeOnMessage(KafkaMessageListenerContainer.java:2892)\n" +
			"\tat org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeOnMessage(KafkaMessageListenerContainer.java:2859)\n" +
			"\tat org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeRecordListener(KafkaMessageListenerContainer.java:2771)\n" +
			"\tat org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.run(KafkaMessageListenerContainer.java:1345)\n" +
			"Caused by: " + d.Cause + ": " + d.Message[strings.LastIndex(d.Message, ": ")+2:] + "\n" +
			"\tat com.example.billing.OrderListener.onOrder(OrderListener.java:57)\n" +
			"\t... 14 more\n"
		h := func(k string, v []byte) kgo.RecordHeader { return kgo.RecordHeader{Key: k, Value: v} }
		out = append(out, Record{
			Partition: d.Partition, Key: orig.Key, Value: orig.Value, Timestamp: orig.Timestamp.Add(2 * time.Second),
			Headers: []kgo.RecordHeader{
				h("__TypeId__", []byte("com.example.billing.Order")),
				h(records.DLTOriginalTopic, []byte("orders")),
				h(records.DLTOriginalPartition, records.DLTInt(d.Partition)),
				h(records.DLTOriginalOffset, records.DLTLong(d.Offset)),
				h(records.DLTOriginalTimestamp, records.DLTLong(orig.Timestamp.UnixMilli())),
				h(records.DLTOriginalTsType, []byte("CreateTime")),
				h(records.DLTOriginalGroup, []byte(DemoLaggingGroup)),
				h(records.DLTExceptionFQCN, []byte(d.Exception)),
				h(records.DLTExceptionCauseFQCN, []byte(d.Cause)),
				h(records.DLTExceptionMessage, []byte(d.Message)),
				h(records.DLTExceptionStacktrace, []byte(trace)),
			},
		})
	}
	return out
}

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
	var orders []Record
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
		if t.name == "orders" {
			orders = recs
		}
	}
	if err := c.CreateTopic(ctx, DemoDLTTopic, DemoOrdersPartitions, rf, nil); err != nil {
		return err
	}
	if err := c.Produce(ctx, DemoDLTTopic, demoDLT(orders)); err != nil {
		return fmt.Errorf("produce to %s: %w", DemoDLTTopic, err)
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
