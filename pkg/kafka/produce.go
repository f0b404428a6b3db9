package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/records"
)

// ProduceConfig tunes a Producer.
type ProduceConfig struct {
	Topic string
	// Acks: -1 (all in-sync replicas), 1 (the leader) or 0 (no answer).
	Acks int16
	// Compression: none, gzip, snappy, lz4 or zstd.
	Compression string
	// Idempotent asks for a producer id (InitProducerId) so that retries
	// never duplicate a record; needs Acks -1.
	Idempotent bool
	// Timeout is how long the leader may wait for the replicas (acks all).
	Timeout time.Duration
}

// Compressions are the --compression values.
var Compressions = map[string]sarama.CompressionCodec{
	"none": sarama.CompressionNone, "gzip": sarama.CompressionGZIP, "snappy": sarama.CompressionSnappy,
	"lz4": sarama.CompressionLZ4, "zstd": sarama.CompressionZSTD,
}

// Producer writes records to one topic with Produce requests of its own:
// one record batch per partition per request, one request in flight per
// leader broker (on a connection of its own), leaders in parallel. Records
// with a key go to the partition Kafka's Java producer picks
// (murmur2(key) mod partitions); records without one go, a call at a time,
// to one partition, the next call to the next (as Java's sticky
// partitioner does).
type Producer struct {
	a     *Admin
	cfg   ProduceConfig
	codec sarama.CompressionCodec
	parts int32
	hash  sarama.Partitioner

	pid   int64
	epoch int16
	seq   map[int32]int32
	// sticky is the partition of the next call's keyless records.
	sticky int32

	mu    sync.Mutex
	conns map[int32]*sarama.Broker
}

// Result is what happened to one record: its partition and offset, or the
// error that kept it from being written (Offset -1 with acks 0).
type Result struct {
	Partition int32
	Offset    int64
	Err       error
}

// NewProducer checks the topic and, with Idempotent, gets a producer id.
// ErrIdempotenceUnavailable means the broker refused one (too old, or
// IdempotentWrite not granted on clusters before Kafka 2.8).
func (a *Admin) NewProducer(ctx context.Context, cfg ProduceConfig) (*Producer, error) {
	codec, ok := Compressions[cfg.Compression]
	if !ok {
		return nil, fmt.Errorf("unknown compression %q", cfg.Compression)
	}
	counts, err := a.PartitionCounts([]string{cfg.Topic})
	if err != nil {
		return nil, err
	}
	n, ok := counts[cfg.Topic]
	if !ok || n == 0 {
		return nil, &TopicMissing{Topic: cfg.Topic}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	p := &Producer{a: a, cfg: cfg, codec: codec, parts: n, hash: sarama.NewMurmur2Partitioner(cfg.Topic),
		pid: -1, epoch: -1, seq: map[int32]int32{}, conns: map[int32]*sarama.Broker{}, sticky: int32(time.Now().UnixNano() % int64(n))}
	if cfg.Idempotent {
		if cfg.Acks != -1 {
			return nil, errors.New("an idempotent producer needs acks all")
		}
		b, err := a.anyBroker()
		if err != nil {
			return nil, err
		}
		var resp *sarama.InitProducerIDResponse
		for attempt := 1; ; attempt++ {
			resp, err = send(ctx, a, b, "InitProducerId on "+b.Addr, func(conn *sarama.Broker) (*sarama.InitProducerIDResponse, error) {
				return conn.InitProducerID(&sarama.InitProducerIDRequest{Version: initProducerIDVersion(a.conf.Version), TransactionTimeout: time.Minute, ProducerID: -1, ProducerEpoch: -1})
			})
			if err != nil {
				return nil, err
			}
			// A broker that has just started answers COORDINATOR_LOAD_IN_PROGRESS
			// (or NOT_COORDINATOR) while its transaction state loads: wait,
			// within the command's deadline, as Kafka's producer does.
			if !retriableCoordErr(resp.Err) || attempt >= 50 {
				break
			}
			a.logf("InitProducerId on %s: %v; retrying", b.Addr, resp.Err)
			if sleepCtx(ctx, 200*time.Millisecond) != nil {
				break
			}
		}
		if resp.Err != sarama.ErrNoError {
			return nil, fmt.Errorf("%w: InitProducerId on broker %s: %v", ErrIdempotenceUnavailable, b.Addr, resp.Err)
		}
		p.pid, p.epoch = resp.ProducerID, resp.ProducerEpoch
		a.logf("producer id %d epoch %d (idempotent)", p.pid, p.epoch)
	}
	return p, nil
}

// ErrIdempotenceUnavailable: the cluster gave no producer id.
var ErrIdempotenceUnavailable = errors.New("idempotent producer unavailable")

// TopicMissing is a topic the metadata does not have.
type TopicMissing struct{ Topic string }

func (e *TopicMissing) Error() string {
	return fmt.Sprintf("topic %q does not exist (or you may not describe it)", e.Topic)
}

func initProducerIDVersion(v sarama.KafkaVersion) int16 {
	switch {
	case v.IsAtLeast(sarama.V2_5_0_0):
		return 3
	case v.IsAtLeast(sarama.V2_4_0_0):
		return 2
	case v.IsAtLeast(sarama.V2_0_0_0):
		return 1
	}
	return 0
}

// Partitions is the topic's partition count.
func (p *Producer) Partitions() int32 { return p.parts }

// Idempotent reports whether the producer has a producer id.
func (p *Producer) Idempotent() bool { return p.pid >= 0 }

// maxBatchBytes bounds one batch before compression, below the broker's
// default message.max.bytes (1 MiB) with room for the batch overhead.
const maxBatchBytes = 900 << 10

// produceAttempts bounds the sends of a batch that fails retriably.
const produceAttempts = 5

// Partition is where a record goes: its own Partition when >= 0, else by
// key, else the sticky partition of this call.
func (p *Producer) partition(r *records.Record) int32 {
	switch {
	case r.Partition >= 0:
		return r.Partition
	case r.Key != nil:
		n, err := p.hash.Partition(&sarama.ProducerMessage{Key: sarama.ByteEncoder(r.Key)}, p.parts)
		if err == nil {
			return n
		}
	}
	return p.sticky
}

// Preview is the partition Send would pick for r now (the dry run).
func (p *Producer) Preview(r *records.Record) int32 { return p.partition(r) }

type pendingBatch struct {
	part  int32
	idx   []int // indexes into the call's records
	batch *sarama.RecordBatch
}

// Send writes recs in order per partition and returns one Result per
// record. A record whose Partition is out of range fails alone. After a
// batch fails for good, the later records of its partition are not sent
// (their Result says so): nothing is written out of order.
func (p *Producer) Send(ctx context.Context, recs []records.Record) []Result {
	res := make([]Result, len(recs))
	byPart := map[int32][]int{}
	for i := range recs {
		part := p.partition(&recs[i])
		res[i] = Result{Partition: part, Offset: -1}
		if part >= p.parts {
			res[i].Err = fmt.Errorf("topic %q has no partition %d (it has %d)", p.cfg.Topic, part, p.parts)
			continue
		}
		byPart[part] = append(byPart[part], i)
	}
	p.sticky = (p.sticky + 1) % p.parts
	// Batches per partition, in order.
	queues := map[int32][]*pendingBatch{}
	for part, idx := range byPart {
		for len(idx) > 0 {
			n, size := 0, 0
			for n < len(idx) {
				r := &recs[idx[n]]
				sz := len(r.Key) + len(r.Value) + 24
				for _, h := range r.Headers {
					sz += len(h.Key) + len(h.Value) + 8
				}
				if n > 0 && size+sz > maxBatchBytes {
					break
				}
				size += sz
				n++
			}
			queues[part] = append(queues[part], &pendingBatch{part: part, idx: idx[:n], batch: p.batch(part, recs, idx[:n])})
			idx = idx[n:]
		}
	}
	for attempt := 1; len(queues) > 0; attempt++ {
		retry := p.round(ctx, queues, res, attempt >= produceAttempts || ctx.Err() != nil)
		if len(retry) == 0 {
			break
		}
		queues = retry
		p.a.logf("produce: retrying %d partitions after a metadata refresh (attempt %d)", len(retry), attempt+1)
		if sleepCtx(ctx, time.Duration(attempt)*100*time.Millisecond) != nil {
			p.failAll(retry, res, ctx.Err())
			break
		}
		if err := p.a.refreshMetadata(ctx, []string{p.cfg.Topic}); err != nil {
			p.a.logf("produce: metadata refresh: %v", err)
		}
	}
	return res
}

func (p *Producer) failAll(queues map[int32][]*pendingBatch, res []Result, err error) {
	for _, q := range queues {
		for _, b := range q {
			for _, i := range b.idx {
				res[i].Err = err
			}
		}
	}
}

// batch builds the record batch of recs[idx], with the next sequence
// numbers of its partition when idempotent.
func (p *Producer) batch(part int32, recs []records.Record, idx []int) *sarama.RecordBatch {
	now := time.Now()
	first := now
	if ts := recs[idx[0]].Timestamp; ts >= 0 {
		first = time.UnixMilli(ts)
	}
	b := &sarama.RecordBatch{Version: 2, Codec: p.codec, CompressionLevel: sarama.CompressionLevelDefault, FirstTimestamp: first,
		ProducerID: p.pid, ProducerEpoch: p.epoch, FirstSequence: -1, LastOffsetDelta: int32(len(idx) - 1), Records: make([]*sarama.Record, len(idx))}
	if p.pid >= 0 {
		b.FirstSequence = p.seq[part]
		p.seq[part] += int32(len(idx))
	}
	maxTs := first
	for j, i := range idx {
		r := &recs[i]
		ts := now
		if r.Timestamp >= 0 {
			ts = time.UnixMilli(r.Timestamp)
		}
		if ts.After(maxTs) {
			maxTs = ts
		}
		sr := &sarama.Record{OffsetDelta: int64(j), TimestampDelta: ts.Sub(first), Key: r.Key, Value: r.Value}
		if len(r.Headers) > 0 {
			sr.Headers = make([]*sarama.RecordHeader, len(r.Headers))
			for k, h := range r.Headers {
				sr.Headers[k] = &sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value}
			}
		}
		b.Records[j] = sr
	}
	b.MaxTimestamp = maxTs
	return b
}

// round sends every queued batch, leaders in parallel, and returns the
// partitions to retry (their batches, in order). final: fail instead.
func (p *Producer) round(ctx context.Context, queues map[int32][]*pendingBatch, res []Result, final bool) map[int32][]*pendingBatch {
	byLeader := map[int32][]int32{}
	retry := map[int32][]*pendingBatch{}
	var mu sync.Mutex
	for part := range queues {
		id, err := p.a.t.leader(TopicPartition{p.cfg.Topic, part})
		if err != nil {
			if final {
				p.failAll(map[int32][]*pendingBatch{part: queues[part]}, res, fmt.Errorf("%s: no leader: %w", TopicPartition{p.cfg.Topic, part}, err))
			} else {
				retry[part] = queues[part]
			}
			continue
		}
		byLeader[id] = append(byLeader[id], part)
	}
	var wg sync.WaitGroup
	for id, parts := range byLeader {
		wg.Add(1)
		go func(id int32, parts []int32) {
			defer wg.Done()
			sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
			r := p.sendToLeader(ctx, id, parts, queues, res, final)
			mu.Lock()
			for part, q := range r {
				retry[part] = q
			}
			mu.Unlock()
		}(id, parts)
	}
	wg.Wait()
	return retry
}

// sendToLeader sends the leader's partitions' batches, one request at a
// time, each carrying the next batch of every partition still going.
func (p *Producer) sendToLeader(ctx context.Context, id int32, parts []int32, queues map[int32][]*pendingBatch, res []Result, final bool) map[int32][]*pendingBatch {
	retry := map[int32][]*pendingBatch{}
	next := map[int32]int{}
	stopPart := func(part int32, from int, err error, again bool) {
		q := queues[part][from:]
		if again && !final {
			retry[part] = q
		} else {
			for k, b := range q {
				e := err
				if k > 0 {
					e = fmt.Errorf("not sent: an earlier record of partition %d failed (%v)", part, err)
				}
				for _, i := range b.idx {
					res[i].Err = e
				}
			}
		}
		next[part] = len(queues[part])
	}
	conn, addr, err := p.conn(ctx, id)
	if err != nil {
		for _, part := range parts {
			stopPart(part, 0, err, true)
		}
		return retry
	}
	for {
		req := &sarama.ProduceRequest{Version: 7, RequiredAcks: sarama.RequiredAcks(p.cfg.Acks), Timeout: int32(p.cfg.Timeout / time.Millisecond)}
		var sent []*pendingBatch
		for _, part := range parts {
			if k := next[part]; k < len(queues[part]) {
				b := queues[part][k]
				req.AddBatch(p.cfg.Topic, part, b.batch)
				sent = append(sent, b)
			}
		}
		if len(sent) == 0 {
			return retry
		}
		resp, err := Do(ctx, fmt.Sprintf("produce to %s on broker %d (%s)", p.cfg.Topic, id, addr), func() (*sarama.ProduceResponse, error) {
			return conn.Produce(req)
		})
		if err != nil {
			// The connection is in doubt: drop it; the batches go again
			// (an idempotent producer's retry is deduplicated).
			p.dropConn(id, conn)
			cerr := p.a.classify(addr, err)
			for _, b := range sent {
				stopPart(b.part, next[b.part], cerr, ctx.Err() == nil)
			}
			return retry
		}
		for _, b := range sent {
			k := next[b.part]
			if resp == nil { // acks 0: no answer, no offsets
				next[b.part] = k + 1
				continue
			}
			blk := resp.GetBlock(p.cfg.Topic, b.part)
			switch {
			case blk == nil:
				stopPart(b.part, k, fmt.Errorf("broker %d did not answer for partition %d", id, b.part), true)
			case blk.Err == sarama.ErrNoError || blk.Err == sarama.ErrDuplicateSequenceNumber:
				for j, i := range b.idx {
					res[i].Offset = blk.Offset + int64(j)
				}
				next[b.part] = k + 1
			default:
				e := fmt.Errorf("%s: %w", TopicPartition{p.cfg.Topic, b.part}, blk.Err)
				if blk.ErrorMessage != nil && *blk.ErrorMessage != "" {
					e = fmt.Errorf("%s: %w: %s", TopicPartition{p.cfg.Topic, b.part}, blk.Err, *blk.ErrorMessage)
				}
				stopPart(b.part, k, e, retriableProduceErr(blk.Err))
			}
		}
	}
}

func retriableProduceErr(err error) bool {
	return retriableLeaderErr(err) || errors.Is(err, sarama.ErrNotEnoughReplicas) || errors.Is(err, sarama.ErrNotEnoughReplicasAfterAppend) ||
		errors.Is(err, sarama.ErrRequestTimedOut) || errors.Is(err, sarama.ErrKafkaStorageError) || errors.Is(err, sarama.ErrNetworkException)
}

func (p *Producer) conn(ctx context.Context, id int32) (*sarama.Broker, string, error) {
	info, ok := p.a.t.brokerInfo(id)
	if !ok {
		return nil, "", fmt.Errorf("broker %d is not in the cluster metadata", id)
	}
	p.mu.Lock()
	c := p.conns[id]
	p.mu.Unlock()
	if c != nil {
		return c, info.Addr, nil
	}
	c, err := p.a.dial(ctx, info.Addr, id)
	if err != nil {
		return nil, info.Addr, err
	}
	p.mu.Lock()
	p.conns[id] = c
	p.mu.Unlock()
	return c, info.Addr, nil
}

func (p *Producer) dropConn(id int32, c *sarama.Broker) {
	p.mu.Lock()
	if p.conns[id] == c {
		delete(p.conns, id)
	}
	p.mu.Unlock()
	go func() { _ = c.Close() }()
}
