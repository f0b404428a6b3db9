package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/IBM/sarama"
)

// TopicInfo is one topic as one Metadata answer describes it.
type TopicInfo struct {
	Name     string
	TopicID  string // base64 URL-safe, as Kafka's tools print it; "" before Kafka 2.8
	Internal bool
	// Partitions are ordered by partition id.
	Partitions []PartitionInfo
	// Err is set when the broker answered an error for this topic
	// (e.g. ErrTopicNotFound, an authorization failure); Partitions is
	// then empty.
	Err error
}

// PartitionInfo is one partition's leader, replicas and ISR.
type PartitionInfo struct {
	Partition       int32
	Leader          int32 // -1: no leader
	Replicas        []int32
	ISR             []int32
	OfflineReplicas []int32
	// Err is a partition-level error from the broker, e.g.
	// LEADER_NOT_AVAILABLE; the other fields still carry what Kafka sent.
	Err error
}

// ErrTopicNotFound marks a topic the cluster does not know.
var ErrTopicNotFound = errors.New("topic does not exist")

// ReplicationFactor is the replica count of the first partition, as
// kafka-topics.sh reports it.
func (t *TopicInfo) ReplicationFactor() int {
	if len(t.Partitions) == 0 {
		return 0
	}
	return len(t.Partitions[0].Replicas)
}

// DescribeTopics fetches leader, replicas, ISR and offline replicas of the
// named topics (nil or empty: every topic) with exactly one Metadata request,
// whatever the topic count. It returns the topics sorted by name and the
// live brokers (those in the answer), sorted by id. A named topic the
// cluster does not know comes back with Err wrapping ErrTopicNotFound.
func (a *Admin) DescribeTopics(ctx context.Context, names []string) ([]TopicInfo, []Broker, error) {
	md, err := a.metadata(ctx, names)
	if err != nil {
		return nil, nil, err
	}
	return md.Topics, md.Brokers, nil
}

// Metadata is one Metadata answer in kctl's types.
type Metadata struct {
	ClusterID    string
	ControllerID int32
	Brokers      []Broker // live brokers, by id
	Topics       []TopicInfo
}

// DescribeCluster is DescribeTopics with the cluster id and controller.
func (a *Admin) DescribeCluster(ctx context.Context, names []string) (*Metadata, error) {
	return a.metadata(ctx, names)
}

func (a *Admin) metadata(ctx context.Context, names []string) (*Metadata, error) {
	if md := a.t.takeFresh(names); md != nil {
		a.logf("Metadata: %s from the answer read at connect", topicsNote(names))
		return md, nil
	}
	b, err := a.anyBroker()
	if err != nil {
		return nil, err
	}
	// A nil topic list asks for every topic (v1+); never auto-create.
	req := sarama.NewMetadataRequest(a.conf.Version, names)
	req.AllowAutoTopicCreation = false
	a.logf("Metadata to broker %d (%s): %s", b.ID, b.Addr, topicsNote(names))
	resp, err := send(ctx, a, b, "metadata from "+b.Addr, func(conn *sarama.Broker) (*sarama.MetadataResponse, error) {
		return conn.GetMetadata(req)
	})
	if err != nil {
		return nil, err
	}
	md := convertMetadata(resp)
	resp = nil // let the sarama copy go before callers build their views
	a.t.store(md, names)
	return md, nil
}

func topicsNote(names []string) string {
	if len(names) == 0 {
		return "all topics"
	}
	return fmt.Sprintf("%d topics", len(names))
}

// convertMetadata copies a Metadata answer into kctl's types. Replica lists
// of all partitions share one backing array: on 100,000 partitions that is
// a few allocations instead of 300,000.
func convertMetadata(resp *sarama.MetadataResponse) *Metadata {
	md := &Metadata{ControllerID: resp.ControllerID}
	if resp.ClusterID != nil {
		md.ClusterID = *resp.ClusterID
	}
	for _, br := range resp.Brokers {
		md.Brokers = append(md.Brokers, Broker{ID: br.ID(), Addr: br.Addr(), Rack: br.Rack()})
	}
	sort.Slice(md.Brokers, func(i, j int) bool { return md.Brokers[i].ID < md.Brokers[j].ID })

	nparts, nids := 0, 0
	for _, t := range resp.Topics {
		nparts += len(t.Partitions)
		for _, p := range t.Partitions {
			nids += len(p.Replicas) + len(p.Isr) + len(p.OfflineReplicas)
		}
	}
	parts := make([]PartitionInfo, 0, nparts)
	ids := make([]int32, 0, nids)
	take := func(src []int32) []int32 {
		start := len(ids)
		ids = append(ids, src...)
		return ids[start:len(ids):len(ids)]
	}
	md.Topics = make([]TopicInfo, 0, len(resp.Topics))
	for _, t := range resp.Topics {
		ti := TopicInfo{Name: t.Name, Internal: t.IsInternal}
		if t.Uuid != (sarama.Uuid{}) {
			ti.TopicID = t.Uuid.String()
		}
		if t.Err != sarama.ErrNoError {
			ti.Err = topicErr(t.Name, t.Err)
		}
		start := len(parts)
		for _, p := range t.Partitions {
			pi := PartitionInfo{Partition: p.ID, Leader: p.Leader, Replicas: take(p.Replicas), ISR: take(p.Isr), OfflineReplicas: take(p.OfflineReplicas)}
			if p.Err != sarama.ErrNoError {
				pi.Err = fmt.Errorf("%s[%d]: %w", t.Name, p.ID, p.Err)
			}
			parts = append(parts, pi)
		}
		ti.Partitions = parts[start:len(parts):len(parts)]
		sort.Slice(ti.Partitions, func(i, j int) bool { return ti.Partitions[i].Partition < ti.Partitions[j].Partition })
		md.Topics = append(md.Topics, ti)
	}
	sort.Slice(md.Topics, func(i, j int) bool { return md.Topics[i].Name < md.Topics[j].Name })
	return md
}

func topicErr(name string, kerr sarama.KError) error {
	switch kerr {
	case sarama.ErrUnknownTopicOrPartition:
		return fmt.Errorf("topic %q: %w", name, ErrTopicNotFound)
	case sarama.ErrTopicAuthorizationFailed:
		return fmt.Errorf("topic %q: not authorized to describe it (DESCRIBE on the topic is needed): %w", name, kerr)
	}
	return fmt.Errorf("topic %q: %w", name, kerr)
}

// KnownBrokers are the brokers in the metadata read at connect (no
// request), sorted by id.
func (a *Admin) KnownBrokers() []Broker { return a.t.brokerList() }
