package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/IBM/sarama"
)

// TopicPartition names one partition.
type TopicPartition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
}

func (tp TopicPartition) String() string { return fmt.Sprintf("%s[%d]", tp.Topic, tp.Partition) }

// SortPartitions orders partitions by topic, then partition.
func SortPartitions(tps []TopicPartition) {
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
}

// Special ListOffsets specs (Kafka's timestamps -1 and -2).
const (
	OffsetLatest   int64 = -1
	OffsetEarliest int64 = -2
)

// Isolation is the isolation level of ListOffsets.
type Isolation int8

const (
	ReadUncommitted Isolation = 0 // the high watermark
	ReadCommitted   Isolation = 1 // the last stable offset
)

// PartitionOffset is one partition's ListOffsets answer. For a timestamp
// with no record at or after it, Offset is -1 (as Kafka answers).
type PartitionOffset struct {
	Offset    int64
	Timestamp int64
	Err       error
}

// ListOffsets resolves spec (OffsetLatest, OffsetEarliest or a timestamp in
// ms) for every partition with one request per leader broker, all leaders
// in parallel. Partitions whose leader moved are retried after a metadata
// refresh, as the retry policy says (retry.go). Per-partition failures are in PartitionOffset.Err; the
// error return is for failures that stop everything (e.g. the deadline).
func (a *Admin) ListOffsets(ctx context.Context, parts []TopicPartition, spec int64, iso Isolation) (map[TopicPartition]PartitionOffset, error) {
	out := make(map[TopicPartition]PartitionOffset, len(parts))
	pending := dedupe(parts)
	for attempt := 0; attempt <= leaderRetries && len(pending) > 0; attempt++ {
		if attempt > 0 {
			topics := topicsOf(pending)
			a.logf("refreshing metadata for %d topics after leader errors", len(topics))
			if err := a.refreshMetadata(ctx, topics); err != nil {
				a.logf("metadata refresh: %v", err)
			}
		}
		retry, err := a.listOffsetsOnce(ctx, pending, spec, iso, out)
		if err != nil {
			return out, err
		}
		pending = retry
	}
	return out, nil
}

func dedupe(parts []TopicPartition) []TopicPartition {
	seen := make(map[TopicPartition]struct{}, len(parts))
	out := make([]TopicPartition, 0, len(parts))
	for _, p := range parts {
		if _, ok := seen[p]; !ok {
			seen[p] = struct{}{}
			out = append(out, p)
		}
	}
	return out
}

func topicsOf(parts []TopicPartition) []string {
	seen := map[string]struct{}{}
	var ts []string
	for _, p := range parts {
		if _, ok := seen[p.Topic]; !ok {
			seen[p.Topic] = struct{}{}
			ts = append(ts, p.Topic)
		}
	}
	sort.Strings(ts)
	return ts
}

func (a *Admin) listOffsetsOnce(ctx context.Context, parts []TopicPartition, spec int64, iso Isolation, out map[TopicPartition]PartitionOffset) ([]TopicPartition, error) {
	byLeader := map[int32][]TopicPartition{}
	leaders := map[int32]Broker{}
	var retry []TopicPartition
	for _, tp := range parts {
		id, err := a.t.leader(tp)
		if err != nil {
			if retriableLeaderErr(err) || errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
				out[tp] = PartitionOffset{Offset: -1, Err: fmt.Errorf("%s: %w", tp, err)}
			} else {
				out[tp] = PartitionOffset{Offset: -1, Err: fmt.Errorf("%s: no leader: %w", tp, err)}
			}
			retry = append(retry, tp)
			continue
		}
		byLeader[id] = append(byLeader[id], tp)
		leaders[id], _ = a.t.brokerInfo(id)
	}
	var mu sync.Mutex
	err := a.forEachBroker(ctx, keys(byLeader), func(id int32) error {
		b := leaders[id]
		req := sarama.NewOffsetRequest(a.conf.Version)
		if iso == ReadCommitted {
			req.IsolationLevel = sarama.ReadCommitted
		}
		for _, tp := range byLeader[id] {
			req.AddBlock(tp.Topic, tp.Partition, spec, 1)
		}
		a.logf("ListOffsets(%d) to broker %d (%s): %d partitions", spec, id, b.Addr, len(byLeader[id]))
		resp, err := onBroker(ctx, a, b, fmt.Sprintf("list offsets on broker %d (%s)", id, b.Addr), func(c *sarama.Broker) (*sarama.OffsetResponse, error) {
			return c.GetAvailableOffsets(req)
		})
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			cerr := a.classify(b.Addr, err)
			for _, tp := range byLeader[id] {
				out[tp] = PartitionOffset{Offset: -1, Err: cerr}
			}
			if ctx.Err() != nil {
				return cerr
			}
			// A broken connection: sarama reconnects on the next use.
			retry = append(retry, byLeader[id]...)
			return nil
		}
		for _, tp := range byLeader[id] {
			blk := resp.GetBlock(tp.Topic, tp.Partition)
			switch {
			case blk == nil:
				out[tp] = PartitionOffset{Offset: -1, Err: fmt.Errorf("%s: broker %d did not answer for this partition", tp, id)}
			case blk.Err != sarama.ErrNoError:
				out[tp] = PartitionOffset{Offset: -1, Err: fmt.Errorf("%s: %w", tp, blk.Err)}
				if retriableLeaderErr(blk.Err) {
					retry = append(retry, tp)
				}
			default:
				off := blk.Offset
				if req.Version == 0 && len(blk.Offsets) > 0 {
					off = blk.Offsets[0]
				}
				out[tp] = PartitionOffset{Offset: off, Timestamp: blk.Timestamp}
			}
		}
		return nil
	})
	return retry, err
}

func keys[V any](m map[int32]V) []int32 {
	ks := make([]int32, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// maxFanOut bounds parallel requests (and connections) per command.
const maxFanOut = 16

// forEachBroker runs fn for every id in parallel (bounded), returning the
// first error.
func (a *Admin) forEachBroker(ctx context.Context, ids []int32, fn func(id int32) error) error {
	return boundedEach(ctx, len(ids), maxFanOut, func(i int) error { return fn(ids[i]) })
}

// Parallel runs fns concurrently and returns the first error.
func Parallel(fns ...func() error) error {
	var wg sync.WaitGroup
	errs := make([]error, len(fns))
	for i, fn := range fns {
		wg.Add(1)
		go func(i int, fn func() error) {
			defer wg.Done()
			errs[i] = fn()
		}(i, fn)
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
