package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM/sarama"
)

// Election types of ElectLeaders (KIP-460).
const (
	ElectPreferred = "preferred"
	ElectUnclean   = "unclean"
)

// ErrElectionNotNeeded marks a partition whose leader is already the one the
// election would pick (ELECTION_NOT_NEEDED): not a failure.
var ErrElectionNotNeeded = errors.New("election not needed")

// ElectLeaders asks the controller to elect leaders for parts with one
// ElectLeaders request. The answer maps every partition to nil (elected),
// an error wrapping ErrElectionNotNeeded, or Kafka's error for it.
// sarama encodes an empty partition list as an empty array (elect nothing),
// never as null (elect everywhere), so callers name the partitions.
func (a *Admin) ElectLeaders(ctx context.Context, typ string, parts []TopicPartition) (map[TopicPartition]error, error) {
	req := &sarama.ElectLeadersRequest{TopicPartitions: map[string][]int32{}, TimeoutMs: int32(a.conf.Admin.Timeout.Milliseconds())}
	switch typ {
	case ElectPreferred:
		req.Type = sarama.PreferredElection
	case ElectUnclean:
		req.Type = sarama.UncleanElection
	default:
		return nil, fmt.Errorf("unknown election type %q", typ)
	}
	for _, tp := range parts {
		req.TopicPartitions[tp.Topic] = append(req.TopicPartitions[tp.Topic], tp.Partition)
	}
	switch v := a.conf.Version; {
	case v.IsAtLeast(sarama.V2_4_0_0):
		req.Version = 2
	case typ == ElectUnclean:
		return nil, fmt.Errorf("unclean leader election through the Admin API needs Kafka 2.4 or newer (ElectLeaders v1)")
	}
	what := fmt.Sprintf("elect %s leaders for %d partitions", typ, len(parts))
	out := make(map[TopicPartition]error, len(parts))
	err := a.onController(ctx, what, func(b *sarama.Broker) (bool, error) {
		resp, err := b.ElectLeaders(req)
		if err != nil {
			return false, err
		}
		if resp.ErrorCode == sarama.ErrNotController {
			return true, nil
		}
		if resp.ErrorCode != sarama.ErrNoError {
			return false, kafkaErr(what, resp.ErrorCode, nil)
		}
		for t, ps := range resp.ReplicaElectionResults {
			for p, r := range ps {
				tp := TopicPartition{Topic: t, Partition: p}
				switch r.ErrorCode {
				case sarama.ErrNoError:
					out[tp] = nil
				case sarama.ErrElectionNotNeeded:
					out[tp] = fmt.Errorf("%s: %w", tp, ErrElectionNotNeeded)
				default:
					out[tp] = kafkaErr(tp.String(), r.ErrorCode, r.ErrorMessage)
				}
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	for _, tp := range parts {
		if _, ok := out[tp]; !ok {
			out[tp] = fmt.Errorf("%s: the controller did not answer for this partition", tp)
		}
	}
	return out, nil
}

// Names of the errors reassignment and election answer (added here, not in
// the shared table, so this file stays self-contained).
func init() {
	for k, v := range map[sarama.KError]string{
		sarama.ErrPreferredLeaderNotAvailable: "PREFERRED_LEADER_NOT_AVAILABLE",
		sarama.ErrEligibleLeadersNotAvailable: "ELIGIBLE_LEADERS_NOT_AVAILABLE",
		sarama.ErrElectionNotNeeded:           "ELECTION_NOT_NEEDED",
		sarama.ErrNoReassignmentInProgress:    "NO_REASSIGNMENT_IN_PROGRESS",
		sarama.ErrBrokerNotAvailable:          "BROKER_NOT_AVAILABLE",
		sarama.ErrKafkaStorageError:           "KAFKA_STORAGE_ERROR",
		sarama.ErrLogDirNotFound:              "LOG_DIR_NOT_FOUND",
	} {
		if _, ok := kafkaErrorNames[k]; !ok {
			kafkaErrorNames[k] = v
		}
	}
}
