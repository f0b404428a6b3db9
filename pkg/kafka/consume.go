package kafka

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/records"
)

// ReadRange is where a partition's read begins and, unless End < 0, the
// offset it stops before.
type ReadRange struct {
	Start, End int64
}

// ConsumeRequest is a read of one topic's partitions, without a group:
// nothing is committed and no group is joined.
type ConsumeRequest struct {
	Topic      string
	Partitions map[int32]ReadRange
	Isolation  Isolation
	// MaxWait is how long a Fetch waits for new records (following).
	MaxWait time.Duration
}

// Batch is what one Fetch returned for one partition: the records a
// consumer sees, in offset order, and the offset the read continues at
// (past control records and aborted transactions too). Err, when set,
// ends the partition's read; Done marks that it reached its End.
type Batch struct {
	Partition int32
	Records   []records.Record
	Next      int64
	Done      bool
	Err       error
}

// Fetch sizes: Kafka's max.partition.fetch.bytes default, grown for a
// batch larger than that (the broker returns a first batch whole from
// Fetch v3 on, but a cut one before); and the bound of one response.
const (
	consumePartBytes = 1 << 20
	consumeMaxPart   = 64 << 20
	consumeRespBytes = 8 << 20
	// consumeQueue bounds the fetched batches waiting for the writer:
	// with the response bound it caps memory whatever the topic's size.
	consumeQueue = 4
)

// Consume reads the partitions of req, one Fetch loop per leader broker on
// a connection of its own, and hands each partition's batch to fn on the
// calling goroutine, in offset order per partition. It returns when every
// partition with an End reached it (and none is open-ended), when fn says
// stop, or when ctx ends (nil error then: the caller reports why).
// Compressed batches (gzip, snappy, lz4, zstd) are decompressed by sarama's
// decoder; control records are never returned, and under ReadCommitted
// neither are the records of aborted transactions.
func (a *Admin) Consume(ctx context.Context, req ConsumeRequest, fn func(Batch) (stop bool)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if req.MaxWait <= 0 {
		req.MaxWait = 500 * time.Millisecond
	}
	c := &consumer{a: a, req: req, out: make(chan Batch, consumeQueue), fetchers: map[int32]*fetcher{}}
	active := 0
	var parts []int32
	for p, r := range req.Partitions {
		if r.End >= 0 && r.Start >= r.End {
			continue // nothing to read
		}
		parts = append(parts, p)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
	for _, p := range parts {
		active++
		c.assign(ctx, p, req.Partitions[p].Start)
	}
	defer c.wg.Wait()
	defer cancel()
	for active > 0 {
		select {
		case <-ctx.Done():
			return nil
		case b := <-c.out:
			if b.Err != nil && errors.Is(b.Err, errMoved) {
				// The leader moved: find the new one and read on there.
				go c.reassign(ctx, b.Partition, b.Next)
				continue
			}
			if len(b.Records) > 0 || b.Err != nil || b.Done {
				if fn(b) {
					return nil
				}
			}
			if b.Err != nil || b.Done {
				active--
			}
		}
	}
	return nil
}

var errMoved = errors.New("partition leader moved")

// ParseIsolation reads an --isolation flag.
func ParseIsolation(s string) (Isolation, error) {
	switch s {
	case "read_uncommitted", "":
		return ReadUncommitted, nil
	case "read_committed":
		return ReadCommitted, nil
	}
	return 0, fmt.Errorf("invalid --isolation %q: use read_uncommitted or read_committed", s)
}

type consumer struct {
	a   *Admin
	req ConsumeRequest
	out chan Batch

	mu       sync.Mutex
	fetchers map[int32]*fetcher
	wg       sync.WaitGroup
}

// fetcher is the Fetch loop of one leader broker.
type fetcher struct {
	id    int32
	add   chan partPos
	count int // partitions assigned (under consumer.mu)
}

type partPos struct {
	p   int32
	pos int64
}

// assign hands partition p, to be read from pos, to its leader's fetcher,
// starting that fetcher if needed.
func (c *consumer) assign(ctx context.Context, p int32, pos int64) {
	id, err := c.a.t.leader(TopicPartition{c.req.Topic, p})
	if err != nil {
		c.send(ctx, Batch{Partition: p, Next: pos, Err: fmt.Errorf("%s: no leader: %w", TopicPartition{c.req.Topic, p}, err)})
		return
	}
	c.mu.Lock()
	f := c.fetchers[id]
	if f == nil {
		f = &fetcher{id: id, add: make(chan partPos, 1024)}
		c.fetchers[id] = f
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			c.loop(ctx, f)
		}()
	}
	f.count++
	c.mu.Unlock()
	select {
	case f.add <- partPos{p, pos}:
	case <-ctx.Done():
	}
}

// reassign refreshes the metadata and assigns p again, after a backoff.
func (c *consumer) reassign(ctx context.Context, p int32, pos int64) {
	if sleepCtx(ctx, 200*time.Millisecond) != nil {
		return
	}
	if err := c.a.refreshMetadata(ctx, []string{c.req.Topic}); err != nil {
		c.a.logf("consume: metadata refresh: %v", err)
	}
	c.assign(ctx, p, pos)
}

func (c *consumer) send(ctx context.Context, b Batch) bool {
	select {
	case c.out <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// loop fetches for one broker until its partitions are done or ctx ends.
func (c *consumer) loop(ctx context.Context, f *fetcher) {
	type state struct {
		pos   int64
		end   int64
		limit int32
	}
	parts := map[int32]*state{}
	var conn *sarama.Broker
	var addr string
	failures := 0
	for {
		// Take new partitions; block for one when there are none.
		for drained := false; !drained; {
			var pp partPos
			var ok bool
			if len(parts) == 0 {
				c.mu.Lock()
				if f.count == 0 {
					// Nothing assigned and nothing coming: end the loop.
					delete(c.fetchers, f.id)
					c.mu.Unlock()
					return
				}
				c.mu.Unlock()
				select {
				case pp = <-f.add:
					ok = true
				case <-ctx.Done():
					return
				}
			} else {
				select {
				case pp = <-f.add:
					ok = true
				default:
					drained = true
				}
			}
			if ok {
				end := int64(-1)
				if r, found := c.req.Partitions[pp.p]; found {
					end = r.End
				}
				parts[pp.p] = &state{pos: pp.pos, end: end, limit: consumePartBytes}
			}
		}
		if conn == nil {
			var err error
			info, ok := c.a.t.brokerInfo(f.id)
			if !ok {
				err = fmt.Errorf("broker %d is not in the cluster metadata", f.id)
			} else {
				addr = info.Addr
				conn, err = c.a.dial(ctx, addr, f.id)
			}
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				failures++
				if failures < 3 {
					_ = sleepCtx(ctx, 200*time.Millisecond)
					continue
				}
				for p, st := range parts {
					c.drop(f)
					c.send(ctx, Batch{Partition: p, Next: st.pos, Err: err})
				}
				parts = map[int32]*state{}
				continue
			}
		}
		req := &sarama.FetchRequest{Version: fetchMaxVersion, MaxWaitTime: int32(c.req.MaxWait / time.Millisecond), MinBytes: 1, MaxBytes: consumeRespBytes, SessionID: 0, SessionEpoch: -1}
		if c.req.Isolation == ReadCommitted {
			req.Isolation = sarama.ReadCommitted
		}
		ids := make([]int32, 0, len(parts))
		for p := range parts {
			ids = append(ids, p)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, p := range ids {
			req.AddBlock(c.req.Topic, p, parts[p].pos, parts[p].limit, -1)
		}
		resp, err := Do(ctx, fmt.Sprintf("fetch %s from broker %d (%s)", c.req.Topic, f.id, addr), func() (*sarama.FetchResponse, error) {
			return conn.Fetch(req)
		})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.a.logf("consume: fetch from broker %d: %v", f.id, err)
			_ = conn.Close()
			conn = nil
			failures++
			if failures >= 3 {
				for p, st := range parts {
					c.drop(f)
					c.send(ctx, Batch{Partition: p, Next: st.pos, Err: c.a.classify(addr, err)})
				}
				parts = map[int32]*state{}
			}
			continue
		}
		failures = 0
		for _, p := range ids {
			st := parts[p]
			blk := resp.GetBlock(c.req.Topic, p)
			tp := TopicPartition{c.req.Topic, p}
			if blk == nil {
				continue
			}
			if blk.Err != sarama.ErrNoError {
				delete(parts, p)
				c.drop(f)
				if retriableLeaderErr(blk.Err) && !errors.Is(blk.Err, sarama.ErrOffsetNotAvailable) {
					c.a.logf("consume: %s on broker %d: %v; looking for the leader again", tp, f.id, blk.Err)
					if !c.send(ctx, Batch{Partition: p, Next: st.pos, Err: errMoved}) {
						return
					}
					continue
				}
				e := fmt.Errorf("%s at offset %d: %w", tp, st.pos, blk.Err)
				if errors.Is(blk.Err, sarama.ErrOffsetOutOfRange) {
					e = fmt.Errorf("%s: offset %d is out of range (log start %d, end %d): the records were deleted meanwhile", tp, st.pos, blk.LogStartOffset, blk.HighWaterMarkOffset)
				}
				if !c.send(ctx, Batch{Partition: p, Next: st.pos, Err: e}) {
					return
				}
				continue
			}
			recs, next, partial, legacy := decodeBlock(blk, st.pos, c.req.Topic, p, c.req.Isolation == ReadCommitted)
			if legacy && len(recs) == 0 && next == st.pos {
				// Magic 0/1 message sets: brokers before 0.11, or topics
				// kept in that format (gone in Kafka 4.0).
				delete(parts, p)
				c.drop(f)
				if !c.send(ctx, Batch{Partition: p, Next: st.pos, Err: fmt.Errorf("%s at offset %d: the records are in the pre-0.11 message format (magic 0/1), which kctl does not read", tp, st.pos)}) {
					return
				}
				continue
			}
			if next == st.pos && partial && st.limit < consumeMaxPart {
				st.limit *= 2 // a batch larger than the limit: ask for more
			}
			if st.end >= 0 && next > st.end {
				// A batch reaches past the end: stop exactly there.
				for len(recs) > 0 && recs[len(recs)-1].Offset >= st.end {
					recs = recs[:len(recs)-1]
				}
				next = st.end
			}
			st.pos = next
			// The end read at the start may lie beyond what is left
			// (records of an aborted transaction at the tail under
			// read_uncommitted cannot hide it, but a log truncated by
			// an unclean election could): the broker's mark ends it.
			done := st.end >= 0 && (st.pos >= st.end || (len(recs) == 0 && !partial && st.pos >= stableEnd(blk, c.req.Isolation)))
			if done {
				delete(parts, p)
				c.drop(f)
			}
			if len(recs) > 0 || done {
				if !c.send(ctx, Batch{Partition: p, Records: recs, Next: st.pos, Done: done}) {
					return
				}
			}
		}
	}
}

// drop records that one partition left fetcher f.
func (c *consumer) drop(f *fetcher) {
	c.mu.Lock()
	f.count--
	c.mu.Unlock()
}

// stableEnd is the end a consumer with this isolation can read to.
func stableEnd(blk *sarama.FetchResponseBlock, iso Isolation) int64 {
	if iso == ReadCommitted && blk.LastStableOffset >= 0 {
		return blk.LastStableOffset
	}
	return blk.HighWaterMarkOffset
}

// decodeBlock turns one partition's Fetch answer into the records a
// consumer sees from pos on, and the offset to fetch next. Under
// read_committed it skips the batches of aborted transactions as Kafka's
// consumer does: a producer's transactional batches are aborted from the
// first offset the answer lists for it up to its ABORT marker.
func decodeBlock(blk *sarama.FetchResponseBlock, pos int64, topic string, p int32, readCommitted bool) (out []records.Record, next int64, partial, legacy bool) {
	next = pos
	var aborted []*sarama.AbortedTransaction
	if readCommitted {
		aborted = append(aborted, blk.AbortedTransactions...)
		sort.Slice(aborted, func(i, j int) bool { return aborted[i].FirstOffset < aborted[j].FirstOffset })
	}
	abortedPIDs := map[int64]bool{}
	n := 0
	for _, rs := range blk.RecordsSet {
		if rs != nil && rs.RecordBatch != nil {
			n += len(rs.RecordBatch.Records)
		}
	}
	out = make([]records.Record, 0, n)
	for _, rs := range blk.RecordsSet {
		if rs == nil {
			continue
		}
		if rs.MsgSet != nil {
			legacy = true
			continue
		}
		b := rs.RecordBatch
		if b == nil {
			continue
		}
		if b.PartialTrailingRecord {
			partial = true
			continue
		}
		if b.LastOffset() < next {
			continue // a batch the broker returned from before pos
		}
		if readCommitted && b.IsTransactional {
			for len(aborted) > 0 && aborted[0].FirstOffset <= b.LastOffset() {
				abortedPIDs[aborted[0].ProducerID] = true
				aborted = aborted[1:]
			}
		}
		skip := b.Control
		if b.Control {
			if readCommitted && isAbortMarker(b) {
				delete(abortedPIDs, b.ProducerID)
			}
		} else if readCommitted && b.IsTransactional && abortedPIDs[b.ProducerID] {
			skip = true
		}
		if !skip {
			for _, r := range b.Records {
				off := b.FirstOffset + r.OffsetDelta
				if off < pos {
					continue
				}
				rec := records.Record{Topic: topic, Partition: p, Offset: off, Key: r.Key, Value: r.Value, LogAppendTime: b.LogAppendTime}
				if b.LogAppendTime {
					rec.Timestamp = b.MaxTimestamp.UnixMilli()
				} else {
					rec.Timestamp = b.FirstTimestamp.Add(r.TimestampDelta).UnixMilli()
				}
				if len(r.Headers) > 0 {
					rec.Headers = make([]records.Header, len(r.Headers))
					for i, h := range r.Headers {
						rec.Headers[i] = records.Header{Key: string(h.Key), Value: h.Value}
					}
				}
				out = append(out, rec)
			}
		}
		next = b.LastOffset() + 1
	}
	return out, next, partial, legacy
}

// isAbortMarker reads a control batch's record key: version (int16), then
// type (int16): 0 ABORT, 1 COMMIT.
func isAbortMarker(b *sarama.RecordBatch) bool {
	if len(b.Records) == 0 || len(b.Records[0].Key) < 4 {
		return false
	}
	return binary.BigEndian.Uint16(b.Records[0].Key[2:4]) == 0
}
