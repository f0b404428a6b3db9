package kafka

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/IBM/sarama"
)

// LogDir is one log directory of one broker (DescribeLogDirs).
type LogDir struct {
	Broker int32  `json:"broker"`
	Path   string `json:"path"`
	// Error is Kafka's error for the directory (e.g. KAFKA_STORAGE_ERROR
	// for an offline disk), nil without one; the other fields are then empty.
	Error *string `json:"error"`
	// TotalBytes and UsableBytes describe the volume (Kafka 3.3+,
	// DescribeLogDirs v4); -1 when the broker does not say.
	TotalBytes  int64            `json:"totalBytes"`
	UsableBytes int64            `json:"usableBytes"`
	Replicas    []ReplicaLogSize `json:"replicas"`
}

// ReplicaLogSize is one replica's log in a directory. OffsetLag is the log
// end offset's lag behind the high watermark, or, for a future replica
// (one AlterReplicaLogDirs is moving into this directory), behind the
// current replica's log end offset.
type ReplicaLogSize struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Size      int64  `json:"sizeBytes"`
	OffsetLag int64  `json:"offsetLag"`
	Future    bool   `json:"future"`
}

// DescribeLogDirs asks each broker in brokers for its log directories with
// one DescribeLogDirs request per broker, all in parallel (each broker
// describes only its own disks). topics nil: every replica; otherwise only
// the replicas of these topics (partitions from the connect-time metadata,
// no extra request). A broker that fails is reported in the error map and
// does not hide the others.
func (a *Admin) DescribeLogDirs(ctx context.Context, brokers []int32, topics []string) (map[int32][]LogDir, map[int32]error, error) {
	req := &sarama.DescribeLogDirsRequest{}
	switch v := a.conf.Version; {
	case v.IsAtLeast(sarama.V3_3_0_0):
		req.Version = 4
	case v.IsAtLeast(sarama.V3_2_0_0):
		req.Version = 3
	case v.IsAtLeast(sarama.V2_6_0_0):
		req.Version = 2
	case v.IsAtLeast(sarama.V2_0_0_0):
		req.Version = 1
	}
	if topics != nil {
		counts, err := a.PartitionCounts(topics)
		if err != nil {
			return nil, nil, err
		}
		for _, t := range topics {
			n, ok := counts[t]
			if !ok {
				return nil, nil, fmt.Errorf("topic %q: %w", t, ErrTopicNotFound)
			}
			dt := sarama.DescribeLogDirsRequestTopic{Topic: t}
			for p := int32(0); p < n; p++ {
				dt.PartitionIDs = append(dt.PartitionIDs, p)
			}
			req.DescribeTopics = append(req.DescribeTopics, dt)
		}
		if len(req.DescribeTopics) == 0 {
			return map[int32][]LogDir{}, map[int32]error{}, nil
		}
	}
	var mu sync.Mutex
	out := map[int32][]LogDir{}
	failed := map[int32]error{}
	_ = a.forEachBroker(ctx, brokers, func(id int32) error {
		dirs, err := a.describeLogDirs(ctx, id, req)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failed[id] = err
			return nil
		}
		out[id] = dirs
		return nil
	})
	return out, failed, nil
}

func (a *Admin) describeLogDirs(ctx context.Context, id int32, shared *sarama.DescribeLogDirsRequest) ([]LogDir, error) {
	// sarama lowers a request's version to what the broker supports, in
	// the request itself: each broker gets its own copy.
	req := &sarama.DescribeLogDirsRequest{Version: shared.Version, DescribeTopics: shared.DescribeTopics}
	b, err := a.brokerFor(id)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("describe log dirs on broker %d (%s)", id, b.Addr)
	a.logf("DescribeLogDirs to broker %d (%s)", id, b.Addr)
	resp, err := send(ctx, a, b, what, func(conn *sarama.Broker) (*sarama.DescribeLogDirsResponse, error) {
		return conn.DescribeLogDirs(req)
	})
	if err != nil {
		return nil, err
	}
	if resp.ErrorCode != sarama.ErrNoError {
		return nil, kafkaErr(what, resp.ErrorCode, nil)
	}
	dirs := make([]LogDir, 0, len(resp.LogDirs))
	for _, d := range resp.LogDirs {
		ld := LogDir{Broker: id, Path: d.Path, TotalBytes: -1, UsableBytes: -1, Replicas: []ReplicaLogSize{}}
		if req.Version >= 4 {
			ld.TotalBytes, ld.UsableBytes = d.TotalBytes, d.UsableBytes
		}
		if d.ErrorCode != sarama.ErrNoError {
			e := errorName(d.ErrorCode)
			ld.Error = &e
		}
		for _, t := range d.Topics {
			for _, p := range t.Partitions {
				ld.Replicas = append(ld.Replicas, ReplicaLogSize{Topic: t.Topic, Partition: p.PartitionID, Size: p.Size, OffsetLag: p.OffsetLag, Future: p.IsTemporary})
			}
		}
		sort.Slice(ld.Replicas, func(i, j int) bool {
			x, y := ld.Replicas[i], ld.Replicas[j]
			if x.Topic != y.Topic {
				return x.Topic < y.Topic
			}
			if x.Partition != y.Partition {
				return x.Partition < y.Partition
			}
			return !x.Future && y.Future
		})
		dirs = append(dirs, ld)
	}
	sort.Slice(dirs, func(i, j int) bool { return dirs[i].Path < dirs[j].Path })
	return dirs, nil
}
