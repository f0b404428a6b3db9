// Package topics is kctl's pure topic logic: partition health with the
// exact meaning Kafka's kafka-topics.sh gives its filters, the filters
// themselves, topic name selection and the durability audit. It imports
// neither sarama nor cobra.
//
// Inputs are plain fields, not the admin layer's types, so callers holding
// a kafka.PartitionInfo pass p.Leader, p.Replicas, p.ISR:
//
//	h := topics.Classify(p.Leader, p.Replicas, p.ISR, minISR, live)
//
// Partition mirrors kafka.PartitionInfo for the functions that take whole
// partitions (the audit); its fields carry the same names and meaning.
package topics

import "slices"

// NoLeader is Kafka's leader id for a partition without a leader.
const NoLeader int32 = -1

// Partition is one partition's replica state (mirrors kafka.PartitionInfo).
type Partition struct {
	Partition       int32
	Leader          int32 // NoLeader (-1): none
	Replicas        []int32
	ISR             []int32
	OfflineReplicas []int32
	// Reassignment is the partition's reassignment in progress; nil when
	// there is none or it was not asked (see ReplicationFactor).
	Reassignment *Reassignment
}

// Reassignment is a partition reassignment in progress, as the controller
// lists it (ListPartitionReassignments): the replica set during the move
// (the target replicas, then the ones being removed) and the replicas
// being added and removed.
type Reassignment struct {
	Replicas []int32
	Adding   []int32
	Removing []int32
}

// ReplicationFactor is the replica count kafka-topics.sh holds a
// partition's ISR against (TopicCommand.getReplicationFactor): during a
// reassignment the replica set also holds the replicas being added, which
// are not in sync until they have copied the log, so Kafka counts the
// reassignment's replicas minus the adding ones. Kafka takes the
// reassignment as in progress only while one of the partition's replicas
// is being added or removed (it may complete between the two reads); r is
// nil when none is in progress or it was not asked.
func ReplicationFactor(replicas []int32, r *Reassignment) int {
	if r == nil {
		return len(replicas)
	}
	for _, id := range replicas {
		if slices.Contains(r.Adding, id) || slices.Contains(r.Removing, id) {
			return len(r.Replicas) - len(r.Adding)
		}
	}
	return len(replicas)
}

// MayBeReassigning reports whether a reassignment could change the
// partition's under-replicated verdict: only when its ISR is smaller than
// its replica set (subtracting adding replicas only lowers the count the
// ISR is held against). Callers ask the controller about these partitions
// alone, so a healthy cluster costs no request.
func MayBeReassigning(replicas, isr []int32) bool { return len(isr) < len(replicas) }

// Health is what Kafka's filters say about one partition.
type Health struct {
	// UnderReplicated: the ISR is smaller than the replica set, less the
	// replicas a reassignment in progress is adding (ReplicationFactor;
	// --under-replicated-partitions).
	UnderReplicated bool
	// UnderMinISR: no leader, or the ISR is smaller than the topic's
	// effective min.insync.replicas: acks=all writes fail
	// (--under-min-isr-partitions).
	UnderMinISR bool
	// AtMinISR: the ISR equals min.insync.replicas: one more replica
	// lost and acks=all writes fail (--at-min-isr-partitions).
	AtMinISR bool
	// Unavailable: no leader, or the leader is not a live broker
	// (--unavailable-partitions).
	Unavailable bool
	// LeaderNotPreferred: the leader is not the first replica (the
	// preferred leader), e.g. after a broker restart without a
	// preferred-leader election (--leader-not-preferred).
	LeaderNotPreferred bool
}

// Any reports whether any condition holds.
func (h Health) Any() bool {
	return h.UnderReplicated || h.UnderMinISR || h.AtMinISR || h.Unavailable || h.LeaderNotPreferred
}

// HasLeader reports whether a partition has a leader: a leader id that is
// a live broker. Kafka's Admin client turns a leader id missing from the
// metadata's broker list into no leader (TopicPartitionInfo.leader() is
// null), so kafka-topics.sh prints "Leader: none" for it and counts it
// unavailable and under min ISR; kctl does the same.
func HasLeader(leader int32, live map[int32]bool) bool {
	return leader >= 0 && live[leader] // Kafka sends -1; any negative id is no broker
}

// Classify judges one partition. minISR is the topic's effective
// min.insync.replicas; 0 or less means unknown, and then only the
// leaderless case counts as under min ISR and nothing as at min ISR.
// live holds the ids of the brokers in the cluster metadata; a leader id
// not among them is no leader (HasLeader).
func Classify(leader int32, replicas, isr []int32, minISR int, live map[int32]bool) Health {
	hasLeader := HasLeader(leader, live)
	h := Health{
		UnderReplicated: len(isr) < len(replicas),
		Unavailable:     !hasLeader,
	}
	h.UnderMinISR = !hasLeader || (minISR > 0 && len(isr) < minISR)
	h.AtMinISR = minISR > 0 && len(isr) == minISR
	// No leader is not the preferred leader either.
	h.LeaderNotPreferred = len(replicas) > 0 && (!hasLeader || leader != replicas[0])
	return h
}

// ClassifyMoving is Classify for a partition whose reassignment in
// progress is r (nil: none, or not asked). Only the under-replicated
// verdict depends on it: the ISR is held against ReplicationFactor, as
// kafka-topics.sh does; min ISR does not change (TopicCommand compares
// the ISR with min.insync.replicas alone).
func ClassifyMoving(leader int32, replicas, isr []int32, minISR int, live map[int32]bool, r *Reassignment) Health {
	h := Classify(leader, replicas, isr, minISR, live)
	h.UnderReplicated = len(isr) < ReplicationFactor(replicas, r)
	return h
}

// ClassifyPartition is ClassifyMoving on a Partition.
func ClassifyPartition(p Partition, minISR int, live map[int32]bool) Health {
	return ClassifyMoving(p.Leader, p.Replicas, p.ISR, minISR, live, p.Reassignment)
}

// Filter selects partitions by health. A partition passes when it matches
// any of the set conditions (kafka-topics.sh prints a partition when any
// requested report applies); an empty Filter passes everything.
type Filter struct {
	UnderReplicated    bool
	UnderMinISR        bool
	AtMinISR           bool
	Unavailable        bool
	LeaderNotPreferred bool
}

// Active reports whether any condition is set.
func (f Filter) Active() bool {
	return f.UnderReplicated || f.UnderMinISR || f.AtMinISR || f.Unavailable || f.LeaderNotPreferred
}

// NeedsMinISR reports whether the filter depends on min.insync.replicas.
func (f Filter) NeedsMinISR() bool { return f.UnderMinISR || f.AtMinISR }

// Match reports whether a partition with health h passes.
func (f Filter) Match(h Health) bool {
	if !f.Active() {
		return true
	}
	return (f.UnderReplicated && h.UnderReplicated) ||
		(f.UnderMinISR && h.UnderMinISR) ||
		(f.AtMinISR && h.AtMinISR) ||
		(f.Unavailable && h.Unavailable) ||
		(f.LeaderNotPreferred && h.LeaderNotPreferred)
}

// Counts tallies partition health, e.g. for `topic list` or a health check.
type Counts struct {
	Partitions         int
	UnderReplicated    int
	UnderMinISR        int
	AtMinISR           int
	Unavailable        int
	LeaderNotPreferred int
}

// Add counts one partition.
func (c *Counts) Add(h Health) {
	c.Partitions++
	if h.UnderReplicated {
		c.UnderReplicated++
	}
	if h.UnderMinISR {
		c.UnderMinISR++
	}
	if h.AtMinISR {
		c.AtMinISR++
	}
	if h.Unavailable {
		c.Unavailable++
	}
	if h.LeaderNotPreferred {
		c.LeaderNotPreferred++
	}
}

// LiveSet builds the live-broker set Classify takes from broker ids.
func LiveSet(ids []int32) map[int32]bool {
	m := make(map[int32]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
