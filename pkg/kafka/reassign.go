package kafka

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/topics"
)

// Reassigning is a partition reassignment in progress
// (ListPartitionReassignments): the full replica set during the move and
// the replicas being added and removed.
type Reassigning struct {
	Replicas []int32 `json:"replicas"`
	Adding   []int32 `json:"adding"`
	Removing []int32 `json:"removing"`
}

// AlterReassignments starts (target replicas) or, for a nil replica list,
// cancels reassignments with one AlterPartitionReassignments to the
// controller. The answer maps every partition to nil or Kafka's error.
func (a *Admin) AlterReassignments(ctx context.Context, targets map[TopicPartition][]int32) (map[TopicPartition]error, error) {
	req := &sarama.AlterPartitionReassignmentsRequest{TimeoutMs: int32(a.conf.Admin.Timeout.Milliseconds())}
	for tp, reps := range targets {
		req.AddBlock(tp.Topic, tp.Partition, reps)
	}
	what := fmt.Sprintf("alter partition reassignments of %d partitions", len(targets))
	out := map[TopicPartition]error{}
	err := a.onController(ctx, what, func(b *sarama.Broker) (bool, error) {
		resp, err := b.AlterPartitionReassignments(req)
		if err != nil {
			return false, err
		}
		if resp.ErrorCode == sarama.ErrNotController {
			return true, nil
		}
		if resp.ErrorCode != sarama.ErrNoError {
			return false, kafkaErr(what, resp.ErrorCode, resp.ErrorMessage)
		}
		for t, ps := range resp.Errors {
			for p, blk := range ps {
				code, msg := reassignmentError(blk)
				tp := TopicPartition{Topic: t, Partition: p}
				out[tp] = kafkaErr(tp.String(), code, msg)
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	for tp := range targets {
		if _, ok := out[tp]; !ok {
			out[tp] = fmt.Errorf("%s: the controller did not answer for this partition", tp)
		}
	}
	return out, nil
}

// reassignmentError reads the error of one partition of an
// AlterPartitionReassignments answer. sarama v1.61.1 keeps the fields of
// that block unexported (only its own ClusterAdmin reads them, folding
// them into one error), so they are read by reflection.
func reassignmentError(blk any) (sarama.KError, *string) {
	v := reflect.ValueOf(blk)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return sarama.ErrNoError, nil
		}
		v = v.Elem()
	}
	code := sarama.KError(v.FieldByName("errorCode").Int())
	var msg *string
	if m := v.FieldByName("errorMessage"); m.IsValid() && !m.IsNil() {
		s := m.Elem().String()
		msg = &s
	}
	return code, msg
}

// ListReassignments asks the controller (one ListPartitionReassignments)
// which of parts are being reassigned; nil parts: every reassignment.
func (a *Admin) ListReassignments(ctx context.Context, parts []TopicPartition) (map[TopicPartition]Reassigning, error) {
	req := &sarama.ListPartitionReassignmentsRequest{TimeoutMs: int32(a.conf.Admin.Timeout.Milliseconds())}
	byTopic := map[string][]int32{}
	for _, tp := range parts {
		byTopic[tp.Topic] = append(byTopic[tp.Topic], tp.Partition)
	}
	for t, ps := range byTopic {
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		req.AddBlock(t, ps)
	}
	what := "list partition reassignments"
	out := map[TopicPartition]Reassigning{}
	err := a.onController(ctx, what, func(b *sarama.Broker) (bool, error) {
		resp, err := b.ListPartitionReassignments(req)
		if err != nil {
			return false, err
		}
		if resp.ErrorCode == sarama.ErrNotController {
			return true, nil
		}
		if resp.ErrorCode != sarama.ErrNoError {
			return false, kafkaErr(what, resp.ErrorCode, resp.ErrorMessage)
		}
		for t, ps := range resp.TopicStatus {
			for p, s := range ps {
				out[TopicPartition{Topic: t, Partition: p}] = Reassigning{Replicas: s.Replicas, Adding: s.AddingReplicas, Removing: s.RemovingReplicas}
			}
		}
		return false, nil
	})
	return out, err
}

// ErrReassignmentsUnavailable means the cluster does not tell this client
// which partitions are being reassigned: Kafka older than 2.4 (no
// ListPartitionReassignments), or no DESCRIBE permission on the cluster.
// kafka-topics.sh then takes no partition as being reassigned
// (TopicService.listAllReassignments), and so do kctl's callers.
var ErrReassignmentsUnavailable = errors.New("the cluster does not list partition reassignments to this client")

// Moving returns the reassignments in progress among parts, in pkg/topics'
// terms, with one ListPartitionReassignments to the controller; nothing is
// sent for no parts. The error wraps ErrReassignmentsUnavailable when the
// broker is older than Kafka 2.4 or refuses with
// CLUSTER_AUTHORIZATION_FAILED.
func (a *Admin) Moving(ctx context.Context, parts []TopicPartition) (map[TopicPartition]*topics.Reassignment, error) {
	out := map[TopicPartition]*topics.Reassignment{}
	if len(parts) == 0 {
		return out, nil
	}
	if !a.conf.Version.IsAtLeast(sarama.V2_4_0_0) {
		return nil, fmt.Errorf("list partition reassignments: %w (ListPartitionReassignments needs Kafka 2.4, the cluster or --kafka-version is %s)", ErrReassignmentsUnavailable, a.conf.Version)
	}
	m, err := a.ListReassignments(ctx, parts)
	if errors.Is(err, sarama.ErrClusterAuthorizationFailed) {
		return nil, fmt.Errorf("%w: %w", ErrReassignmentsUnavailable, err)
	}
	if err != nil {
		return nil, err
	}
	for tp, r := range m {
		out[tp] = &topics.Reassignment{Replicas: r.Replicas, Adding: r.Adding, Removing: r.Removing}
	}
	return out, nil
}
