package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM/sarama"
)

// Sentinels for topic changes the CLI words or tolerates.
var (
	ErrTopicExists       = errors.New("topic already exists")
	ErrInvalidPartitions = errors.New("invalid partition count")
)

// KafkaError is an error a broker answered for one resource, with Kafka's
// own message when it sent one (e.g. "Replication factor: 4 larger than
// available brokers: 3.").
type KafkaError struct {
	What string // "create topic \"t\"", ...
	Code string // Kafka's error name, e.g. INVALID_REPLICATION_FACTOR
	Msg  string // the broker's message, or sarama's description
	kerr sarama.KError
}

func (e *KafkaError) Error() string { return fmt.Sprintf("%s: %s (%s)", e.What, e.Msg, e.Code) }

// Unwrap maps the Kafka error onto kctl's sentinels.
func (e *KafkaError) Unwrap() []error {
	var out []error
	switch e.kerr {
	case sarama.ErrTopicAlreadyExists:
		out = append(out, ErrTopicExists)
	case sarama.ErrUnknownTopicOrPartition:
		out = append(out, ErrTopicNotFound)
	case sarama.ErrInvalidPartitions:
		out = append(out, ErrInvalidPartitions)
	}
	return append(out, e.kerr)
}

func kafkaErr(what string, kerr sarama.KError, msg *string) error {
	if kerr == sarama.ErrNoError {
		return nil
	}
	e := &KafkaError{What: what, Code: errorName(kerr), Msg: cleanSarama(kerr), kerr: kerr}
	if msg != nil && *msg != "" {
		e.Msg = *msg
	}
	return e
}

// errorName is Kafka's upper-case name for an error code.
func errorName(k sarama.KError) string {
	if n, ok := kafkaErrorNames[k]; ok {
		return n
	}
	return fmt.Sprintf("error code %d", int16(k))
}

var kafkaErrorNames = map[sarama.KError]string{
	sarama.ErrUnknownTopicOrPartition:    "UNKNOWN_TOPIC_OR_PARTITION",
	sarama.ErrLeaderNotAvailable:         "LEADER_NOT_AVAILABLE",
	sarama.ErrRequestTimedOut:            "REQUEST_TIMED_OUT",
	sarama.ErrInvalidTopic:               "INVALID_TOPIC_EXCEPTION",
	sarama.ErrTopicAuthorizationFailed:   "TOPIC_AUTHORIZATION_FAILED",
	sarama.ErrClusterAuthorizationFailed: "CLUSTER_AUTHORIZATION_FAILED",
	sarama.ErrTopicAlreadyExists:         "TOPIC_ALREADY_EXISTS",
	sarama.ErrInvalidPartitions:          "INVALID_PARTITIONS",
	sarama.ErrInvalidReplicationFactor:   "INVALID_REPLICATION_FACTOR",
	sarama.ErrInvalidReplicaAssignment:   "INVALID_REPLICA_ASSIGNMENT",
	sarama.ErrInvalidConfig:              "INVALID_CONFIG",
	sarama.ErrNotController:              "NOT_CONTROLLER",
	sarama.ErrInvalidRequest:             "INVALID_REQUEST",
	sarama.ErrPolicyViolation:            "POLICY_VIOLATION",
	sarama.ErrTopicDeletionDisabled:      "TOPIC_DELETION_DISABLED",
	sarama.ErrUnsupportedVersion:         "UNSUPPORTED_VERSION",
	sarama.ErrReassignmentInProgress:     "REASSIGNMENT_IN_PROGRESS",
	sarama.ErrThrottlingQuotaExceeded:    "THROTTLING_QUOTA_EXCEEDED",
}

// TopicSpec is a topic to create. Partitions and ReplicationFactor -1 take
// the broker defaults (num.partitions, default.replication.factor).
type TopicSpec struct {
	Name              string
	Partitions        int32
	ReplicationFactor int16
	Configs           map[string]string
}

// CreatedTopic is the broker's answer to a create.
type CreatedTopic struct {
	TopicID           string
	Partitions        int32
	ReplicationFactor int16
}

// CreateTopic creates one topic (validateOnly: the broker checks the request
// and creates nothing). A topic that exists gives an error wrapping
// ErrTopicExists.
func (a *Admin) CreateTopic(ctx context.Context, spec TopicSpec, validateOnly bool) (CreatedTopic, error) {
	detail := &sarama.TopicDetail{NumPartitions: spec.Partitions, ReplicationFactor: spec.ReplicationFactor}
	if len(spec.Configs) > 0 {
		detail.ConfigEntries = make(map[string]*string, len(spec.Configs))
		for k, v := range spec.Configs {
			v := v
			detail.ConfigEntries[k] = &v
		}
	}
	req := sarama.NewCreateTopicsRequest(a.conf.Version, map[string]*sarama.TopicDetail{spec.Name: detail}, a.conf.Admin.Timeout, validateOnly)
	what := fmt.Sprintf("create topic %q", spec.Name)
	var out CreatedTopic
	err := a.onController(ctx, what, func(b *sarama.Broker) (bool, error) {
		resp, err := b.CreateTopics(req)
		if err != nil {
			return false, err
		}
		te := resp.TopicErrors[spec.Name]
		if te != nil && te.Err == sarama.ErrNotController {
			return true, nil
		}
		if te != nil {
			if err := kafkaErr(what, te.Err, te.ErrMsg); err != nil {
				return false, err
			}
		}
		if r := resp.TopicResults[spec.Name]; r != nil {
			out.Partitions, out.ReplicationFactor = r.NumPartitions, r.ReplicationFactor
			if r.TopicID != (sarama.Uuid{}) {
				out.TopicID = r.TopicID.String()
			}
		}
		return false, nil
	})
	// CreateTopics before v5 (Kafka 2.4) does not echo the shape back.
	if err == nil && out.Partitions <= 0 && spec.Partitions > 0 && spec.ReplicationFactor > 0 {
		out.Partitions, out.ReplicationFactor = spec.Partitions, spec.ReplicationFactor
	}
	return out, err
}

// DeleteTopics deletes topics with one request; the result maps every topic
// to nil or its error.
func (a *Admin) DeleteTopics(ctx context.Context, names []string) (map[string]error, error) {
	req := sarama.NewDeleteTopicsRequest(a.conf.Version, names, a.conf.Admin.Timeout)
	out := make(map[string]error, len(names))
	what := fmt.Sprintf("delete %d topics", len(names))
	if len(names) == 1 {
		what = fmt.Sprintf("delete topic %q", names[0])
	}
	err := a.onController(ctx, what, func(b *sarama.Broker) (bool, error) {
		resp, err := b.DeleteTopics(req)
		if err != nil {
			return false, err
		}
		for _, n := range names {
			kerr, ok := resp.TopicErrorCodes[n]
			if !ok {
				out[n] = fmt.Errorf("delete topic %q: the controller did not answer for it", n)
				continue
			}
			if kerr == sarama.ErrNotController {
				return true, nil
			}
			out[n] = kafkaErr(fmt.Sprintf("delete topic %q", n), kerr, resp.TopicErrorMessages[n])
		}
		return false, nil
	})
	return out, err
}

// CreatePartitions raises a topic's partition count to total
// (validateOnly: check only).
func (a *Admin) CreatePartitions(ctx context.Context, topic string, total int32, validateOnly bool) error {
	req := &sarama.CreatePartitionsRequest{
		TopicPartitions: map[string]*sarama.TopicPartition{topic: {Count: total}},
		Timeout:         a.conf.Admin.Timeout,
		ValidateOnly:    validateOnly,
	}
	switch v := a.conf.Version; {
	case v.IsAtLeast(sarama.V2_7_0_0):
		req.Version = 3
	case v.IsAtLeast(sarama.V2_5_0_0):
		req.Version = 2
	case v.IsAtLeast(sarama.V2_0_0_0):
		req.Version = 1
	}
	what := fmt.Sprintf("add partitions to topic %q", topic)
	return a.onController(ctx, what, func(b *sarama.Broker) (bool, error) {
		resp, err := b.CreatePartitions(req)
		if err != nil {
			return false, err
		}
		te := resp.TopicPartitionErrors[topic]
		if te == nil {
			return false, nil
		}
		if te.Err == sarama.ErrNotController {
			return true, nil
		}
		return false, kafkaErr(what, te.Err, te.ErrMsg)
	})
}

// onController runs fn on the controller (a KRaft broker forwards to the
// active controller); when fn reports NOT_CONTROLLER it refreshes the
// controller once and retries.
func (a *Admin) onController(ctx context.Context, what string, fn func(*sarama.Broker) (retry bool, err error)) error {
	for attempt := 0; ; attempt++ {
		b, err := a.controller()
		if err != nil {
			return fmt.Errorf("%s: no controller in the cluster metadata: %s", what, cleanSarama(err))
		}
		a.logf("%s on controller %d (%s)", what, b.ID, b.Addr)
		type answer struct {
			retry bool
			kerr  error // the controller's answer: the connection stays healthy
		}
		ans, err := send(ctx, a, b, fmt.Sprintf("%s on broker %d (%s)", what, b.ID, b.Addr), func(conn *sarama.Broker) (answer, error) {
			retry, err := fn(conn)
			var ke *KafkaError
			if errors.As(err, &ke) {
				return answer{retry, err}, nil
			}
			return answer{retry, nil}, err
		})
		if err != nil {
			return err
		}
		if ans.kerr != nil {
			return ans.kerr
		}
		retry := ans.retry
		if !retry {
			return nil
		}
		if attempt > 0 {
			return fmt.Errorf("%s: broker %d keeps answering NOT_CONTROLLER", what, b.ID)
		}
		if err := a.refreshMetadata(ctx, nil); err != nil {
			return fmt.Errorf("%s: finding the controller: %s", what, cleanSarama(err))
		}
	}
}
