// Package reassign is the pure logic of kctl's partition operations: which
// partitions a leader election changes, reassignment plans (Kafka's JSON
// format, validation, generation) and broker balance figures. No network.
package reassign

import (
	"fmt"
	"slices"
)

// Partition is one partition's state as the cluster metadata describes it.
type Partition struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Leader    int32   `json:"leader"`
	Replicas  []int32 `json:"replicas"`
	ISR       []int32 `json:"isr"`
}

// Election is one partition an election concerns: Eligible partitions are
// sent to the controller; the others carry the reason they are not.
type Election struct {
	Partition
	// NewLeader is the leader a preferred election makes (the first
	// replica); -1 for unclean elections, where the controller picks a
	// live replica.
	NewLeader int32 `json:"newLeader"`
	Eligible  bool  `json:"eligible"`
	// Reason is why the partition is not eligible; null when it is.
	Reason *string `json:"reason"`
}

func reason(format string, a ...any) *string {
	s := fmt.Sprintf(format, a...)
	return &s
}

// PlanElection returns the partitions of ps an election of type typ
// ("preferred" or "unclean") would change, in the order of ps. Partitions
// whose leader is already the preferred one (preferred), or that have a
// leader (unclean), are left out: Kafka answers ELECTION_NOT_NEEDED for
// them. live holds the ids of the brokers in the metadata.
func PlanElection(typ string, ps []Partition, live map[int32]bool) []Election {
	var out []Election
	for _, p := range ps {
		if len(p.Replicas) == 0 {
			continue
		}
		switch typ {
		case "preferred":
			pref := p.Replicas[0]
			if p.Leader == pref {
				continue
			}
			e := Election{Partition: p, NewLeader: pref, Eligible: true}
			switch {
			case !live[pref]:
				e.Eligible, e.Reason = false, reason("preferred replica %d is not a live broker", pref)
			case !slices.Contains(p.ISR, pref):
				e.Eligible, e.Reason = false, reason("preferred replica %d is not in the ISR", pref)
			}
			out = append(out, e)
		case "unclean":
			if p.Leader >= 0 {
				continue
			}
			e := Election{Partition: p, NewLeader: -1, Eligible: false, Reason: reason("no replica is a live broker")}
			for _, r := range p.Replicas {
				if live[r] {
					e.Eligible, e.Reason = true, nil
					break
				}
			}
			out = append(out, e)
		}
	}
	return out
}

// UncleanWarning is the data-loss warning Kafka documents for
// unclean.leader.election.enable, printed before an unclean election.
const UncleanWarning = "WARNING: an unclean leader election lets a replica that is not in the ISR become the leader, " +
	"\"even though doing so may result in data loss\" (Kafka's unclean.leader.election.enable): " +
	"records the old leader had and the new one lacks are gone, and consumers may see offsets go back."
