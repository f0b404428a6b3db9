package reassign

import (
	"fmt"
	"slices"
	"sort"
)

// Generate proposes new replica lists for ps over the target brokers:
//
//   - minimal movement: a replica already on a target broker stays, unless
//     that broker would carry more than its share (floor(replicas/brokers),
//     one more for the first replicas%brokers brokers to reach it) or it
//     repeats a rack the partition already uses;
//   - balanced: missing replicas go to the target broker with the fewest
//     replicas so far (ties: lowest id);
//   - rack-aware: a partition's replicas sit on distinct racks while there
//     are enough racks (brokers without a rack count as one rack "");
//   - balanced leaders: the first replica (the preferred leader) is the one
//     of the partition's replicas that leads the fewest partitions so far,
//     the current preferred leader winning ties.
//
// The replication factor stays. Partitions are handled in topic and
// partition order, so the result is deterministic.
func Generate(ps []Partition, targets []Broker) (*Plan, error) {
	if len(targets) == 0 {
		return nil, fmt.Errorf("no target brokers")
	}
	ps = append([]Partition(nil), ps...)
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Topic != ps[j].Topic {
			return ps[i].Topic < ps[j].Topic
		}
		return ps[i].Partition < ps[j].Partition
	})
	rack := map[int32]string{}
	racks := map[string]bool{}
	var ids []int32
	for _, b := range targets {
		rack[b.ID] = b.Rack
		racks[b.Rack] = true
		ids = append(ids, b.ID)
	}
	slices.Sort(ids)
	total := 0
	for _, p := range ps {
		if len(p.Replicas) > len(ids) {
			return nil, fmt.Errorf("%s-%d has %d replicas but only %d target brokers", p.Topic, p.Partition, len(p.Replicas), len(ids))
		}
		total += len(p.Replicas)
	}
	// Each broker's share is floor(total/n) replicas; total%n brokers may
	// carry one more.
	floor, rem := total/len(ids), total%len(ids)
	atCeil := 0
	load := map[int32]int{}
	mayTake := func(b int32) bool {
		if load[b] < floor {
			return true
		}
		return load[b] == floor && atCeil < rem
	}
	take := func(b int32) {
		load[b]++
		if load[b] == floor+1 {
			atCeil++
		}
	}
	kept := make([][]int32, len(ps))
	// Pass 1: keep what may stay.
	for i, p := range ps {
		used := map[string]bool{}
		for _, r := range p.Replicas {
			_, isTarget := rack[r]
			if !isTarget || !mayTake(r) || (used[rack[r]] && len(racks) >= len(p.Replicas)) {
				continue
			}
			kept[i] = append(kept[i], r)
			used[rack[r]] = true
			take(r)
		}
	}
	// Pass 2: fill to the replication factor.
	plan := &Plan{Version: 1}
	leaders := map[int32]int{}
	for i, p := range ps {
		reps := kept[i]
		used := map[string]bool{}
		for _, r := range reps {
			used[rack[r]] = true
		}
		for len(reps) < len(p.Replicas) {
			best := int32(-1)
			for _, strict := range []bool{true, false} {
				for _, b := range ids {
					if slices.Contains(reps, b) || (strict && used[rack[b]]) {
						continue
					}
					if best < 0 || load[b] < load[best] {
						best = b
					}
				}
				if best >= 0 {
					break
				}
			}
			reps = append(reps, best)
			used[rack[best]] = true
			take(best)
		}
		// Preferred leader: fewest leaderships so far; the current
		// preferred leader wins ties, then the earlier replica.
		lead := 0
		for j, r := range reps {
			if leaders[r] < leaders[reps[lead]] || (leaders[r] == leaders[reps[lead]] && len(p.Replicas) > 0 && r == p.Replicas[0] && reps[lead] != p.Replicas[0]) {
				lead = j
			}
		}
		out := append([]int32{reps[lead]}, append(append([]int32{}, reps[:lead]...), reps[lead+1:]...)...)
		leaders[out[0]]++
		plan.Partitions = append(plan.Partitions, Assignment{Topic: p.Topic, Partition: p.Partition, Replicas: out})
	}
	return plan, nil
}

// Current is the plan that restores ps' present replica lists (the
// rollback plan written before executing).
func Current(ps []Partition) *Plan {
	p := &Plan{Version: 1}
	for _, x := range ps {
		p.Partitions = append(p.Partitions, Assignment{Topic: x.Topic, Partition: x.Partition, Replicas: append([]int32(nil), x.Replicas...)})
	}
	SortAssignments(p.Partitions)
	return p
}
