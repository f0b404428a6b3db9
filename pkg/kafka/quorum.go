package kafka

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/doctor"
)

// sarama v1.61.1 has no DescribeQuorum (API key 55, KIP-595/836), and its
// request interface is unexported, so kctl speaks it on a connection of
// its own, opened and authenticated with the doctor's steps (check*.go).

// ErrQuorumUnsupported means the broker does not offer DescribeQuorum: a
// ZooKeeper-mode cluster, a broker older than Kafka 3.3, or the sandbox.
var ErrQuorumUnsupported = errors.New("the broker does not offer DescribeQuorum (a ZooKeeper-mode cluster, Kafka older than 3.3, or kfake)")

// QuorumReplica is one voter or observer of the KRaft metadata quorum as
// the quorum leader sees it. Lag is the leader's log end offset minus this
// replica's. Timestamps are epoch milliseconds, -1 when unknown (v0).
type QuorumReplica struct {
	ID int32 `json:"id"`
	// DirectoryID is null when Kafka sends none (before v2, KIP-853, or
	// all zero).
	DirectoryID           *string `json:"directoryId"`
	LogEndOffset          int64   `json:"logEndOffset"`
	Lag                   int64   `json:"lag"`
	LastFetchTimestamp    int64   `json:"lastFetchTimestamp"`
	LastCaughtUpTimestamp int64   `json:"lastCaughtUpTimestamp"`
	// Status is "Leader", "Follower" (a voter) or "Observer" (a broker
	// that only replicates the metadata log), as kafka-metadata-quorum.sh
	// prints it.
	Status string `json:"status"`
}

// Quorum is the state of the __cluster_metadata partition (DescribeQuorum).
type Quorum struct {
	LeaderID      int32 `json:"leaderId"`
	LeaderEpoch   int32 `json:"leaderEpoch"`
	HighWatermark int64 `json:"highWatermark"`
	// MaxFollowerLag and MaxFollowerLagTimeMs are computed as
	// kafka-metadata-quorum.sh --status does: the largest voter lag, and
	// how far that voter's last caught-up time is behind the leader's.
	MaxFollowerLag       int64           `json:"maxFollowerLag"`
	MaxFollowerLagTimeMs int64           `json:"maxFollowerLagTimeMs"`
	Voters               []QuorumReplica `json:"voters"`
	Observers            []QuorumReplica `json:"observers"`
	// AnsweredBy is the id of the broker that answered (brokers forward
	// the request to the active controller), AnsweredByAddress its
	// address, as in cluster features.
	AnsweredBy        int32  `json:"answeredBy"`
	AnsweredByAddress string `json:"answeredByAddress"`
}

const (
	apiDescribeQuorum = int16(kmsg.DescribeQuorum)
	metadataTopic     = "__cluster_metadata"
)

// DescribeQuorum sends one DescribeQuorum (v0-v2, the highest the broker
// offers) for __cluster_metadata-0 to a broker, on a connection of its own.
func (a *Admin) DescribeQuorum(ctx context.Context) (*Quorum, error) {
	bs := a.KnownBrokers()
	if len(bs) == 0 {
		return nil, errors.New("describe quorum: the cluster metadata lists no brokers")
	}
	b := bs[0]
	if pb, err := a.anyBroker(); err == nil {
		for _, x := range bs {
			if x.ID == pb.ID {
				b = x
			}
		}
	}
	what := fmt.Sprintf("describe quorum on broker %d (%s)", b.ID, b.Addr)
	a.logf("DescribeQuorum to broker %d (%s) on a connection of its own", b.ID, b.Addr)
	p, err := a.wireSession(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer p.conn.Close()
	r, ok := p.apis[apiDescribeQuorum]
	if !ok {
		return nil, fmt.Errorf("%s: %w", what, ErrQuorumUnsupported)
	}
	version := min(r.Max, 2)
	type answer struct {
		q   *Quorum
		err error
	}
	res, err := Do(ctx, what, func() (answer, error) {
		if dl, ok := ctx.Deadline(); ok {
			_ = p.conn.SetDeadline(dl)
		}
		req := kmsg.NewPtrDescribeQuorumRequest()
		req.Version = version
		t := kmsg.NewDescribeQuorumRequestTopic()
		t.Topic = metadataTopic
		t.Partitions = []kmsg.DescribeQuorumRequestTopicPartition{kmsg.NewDescribeQuorumRequestTopicPartition()}
		req.Topics = []kmsg.DescribeQuorumRequestTopic{t}
		resp, err := p.wireConn().request(req)
		if err != nil {
			return answer{}, err
		}
		q, err := quorumOf(resp.(*kmsg.DescribeQuorumResponse))
		return answer{q, err}, nil
	})
	if err != nil {
		return nil, a.classify(b.Addr, err)
	}
	if res.err != nil {
		return nil, fmt.Errorf("%s: %w", what, res.err)
	}
	res.q.AnsweredBy, res.q.AnsweredByAddress = b.ID, b.Addr
	return res.q, nil
}

// wireSession opens a raw connection to b and walks the doctor's tcp, tls,
// api-versions and sasl steps on it; a failed step is the error.
func (a *Admin) wireSession(ctx context.Context, b Broker) (*probe, error) {
	ck, err := newChecker(a.settings, CheckOptions{})
	if err != nil {
		return nil, err
	}
	id := b.ID
	p := ck.newProbe(b.Addr, &id)
	for _, step := range []string{doctor.StepTCP, doctor.StepTLS, doctor.StepAPIVersions, doctor.StepSASL} {
		r := p.step(ctx, step)
		if r.status == doctor.Fail || r.stop {
			if p.conn != nil {
				_ = p.conn.Close()
			}
			return nil, fmt.Errorf("%s step failed: %s", step, r.detail)
		}
	}
	_ = p.conn.SetDeadline(time.Time{})
	return p, nil
}

// quorumOf reads __cluster_metadata-0 out of a DescribeQuorum answer.
func quorumOf(resp *kmsg.DescribeQuorumResponse) (*Quorum, error) {
	if resp.ErrorCode != 0 {
		return nil, quorumErr(resp.ErrorCode, deref(resp.ErrorMessage))
	}
	for _, t := range resp.Topics {
		for _, pt := range t.Partitions {
			if t.Topic != metadataTopic || pt.Partition != 0 {
				continue
			}
			if pt.ErrorCode != 0 {
				return nil, quorumErr(pt.ErrorCode, deref(pt.ErrorMessage))
			}
			q := &Quorum{LeaderID: pt.LeaderID, LeaderEpoch: pt.LeaderEpoch, HighWatermark: pt.HighWatermark,
				Voters: replicasOf(pt.CurrentVoters), Observers: replicasOf(pt.Observers)}
			finishQuorum(q)
			return q, nil
		}
	}
	return nil, errors.New("the answer has no __cluster_metadata-0")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// replicasOf converts replica states; timestamps are -1 before v1 (kmsg's
// defaults), the directory id empty before v2 or when unset (all zero).
func replicasOf(rs []kmsg.DescribeQuorumResponseTopicPartitionReplicaState) []QuorumReplica {
	out := []QuorumReplica{}
	for _, r := range rs {
		q := QuorumReplica{ID: r.ReplicaID, LogEndOffset: r.LogEndOffset,
			LastFetchTimestamp: r.LastFetchTimestamp, LastCaughtUpTimestamp: r.LastCaughtUpTimestamp}
		if !allZero(r.ReplicaDirectoryID[:]) {
			id := base64.RawURLEncoding.EncodeToString(r.ReplicaDirectoryID[:])
			q.DirectoryID = &id
		}
		out = append(out, q)
	}
	return out
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// finishQuorum fills lags and statuses and orders the replicas as
// kafka-metadata-quorum.sh --replication does: the leader, the other
// voters, then observers, each by id.
func finishQuorum(q *Quorum) {
	var leader *QuorumReplica
	for i := range q.Voters {
		if q.Voters[i].ID == q.LeaderID {
			leader = &q.Voters[i]
		}
	}
	leo := int64(0)
	if leader != nil {
		leo = leader.LogEndOffset
	}
	for _, rs := range [][]QuorumReplica{q.Voters, q.Observers} {
		for i := range rs {
			rs[i].Lag = leo - rs[i].LogEndOffset
		}
	}
	for i := range q.Voters {
		q.Voters[i].Status = "Follower"
		if q.Voters[i].ID == q.LeaderID {
			q.Voters[i].Status = "Leader"
		}
	}
	for i := range q.Observers {
		q.Observers[i].Status = "Observer"
	}
	quorumLag(q, q.Voters) // before sorting: Kafka's order decides ties
	sort.Slice(q.Voters, func(i, j int) bool {
		li, lj := q.Voters[i].ID == q.LeaderID, q.Voters[j].ID == q.LeaderID
		if li != lj {
			return li
		}
		return q.Voters[i].ID < q.Voters[j].ID
	})
	sort.Slice(q.Observers, func(i, j int) bool { return q.Observers[i].ID < q.Observers[j].ID })
}

// quorumLag computes MaxFollowerLag and MaxFollowerLagTimeMs as
// MetadataQuorumCommand does, over the voters in the order Kafka sent
// them: the first voter with the smallest log end offset is the "max lag
// follower" (on a tie that can be a follower with lag 0, whose caught-up
// time still trails the leader's).
func quorumLag(q *Quorum, voters []QuorumReplica) {
	var leader, maxV *QuorumReplica
	for i := range voters {
		if voters[i].ID == q.LeaderID {
			leader = &voters[i]
		}
		if maxV == nil || voters[i].LogEndOffset < maxV.LogEndOffset {
			maxV = &voters[i]
		}
	}
	if maxV == nil || leader == nil {
		return
	}
	q.MaxFollowerLag = leader.LogEndOffset - maxV.LogEndOffset
	switch {
	case maxV.ID == q.LeaderID:
		q.MaxFollowerLagTimeMs = 0
	case leader.LastCaughtUpTimestamp >= 0 && maxV.LastCaughtUpTimestamp >= 0:
		q.MaxFollowerLagTimeMs = leader.LastCaughtUpTimestamp - maxV.LastCaughtUpTimestamp
	default:
		q.MaxFollowerLagTimeMs = -1
	}
}

func quorumErr(code int16, msg string) error {
	name := fmt.Sprintf("error code %d", code)
	switch code {
	case 29, 31:
		name = map[int16]string{29: "TOPIC_AUTHORIZATION_FAILED", 31: "CLUSTER_AUTHORIZATION_FAILED"}[code]
		if msg == "" {
			msg = "not authorized: DESCRIBE on the cluster is needed"
		}
	case 35:
		name = "UNSUPPORTED_VERSION"
	case 6:
		name = "NOT_LEADER_OR_FOLLOWER"
	}
	if msg == "" {
		msg = "the broker refused DescribeQuorum"
	}
	return fmt.Errorf("%s (%s)", msg, name)
}
