package reassign

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// Plan is a reassignment in kafka-reassign-partitions.sh's JSON format:
// {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}.
type Plan struct {
	Version    int          `json:"version"`
	Partitions []Assignment `json:"partitions"`
}

// Assignment is one partition's target replica list (first: preferred leader).
type Assignment struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Replicas  []int32 `json:"replicas"`
	// LogDirs is optional in a plan file, as for Kafka's tool; Normalized
	// (what kctl writes and prints) fills it.
	LogDirs []string `json:"log_dirs,omitempty"`
}

// ParsePlan reads a plan strictly: unknown fields, a version other than 1
// and trailing data are errors.
func ParsePlan(b []byte) (*Plan, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var p Plan
	if err := d.Decode(&p); err != nil {
		return nil, fmt.Errorf("not a reassignment plan (kafka-reassign-partitions JSON): %v", err)
	}
	if d.More() {
		return nil, fmt.Errorf("not a reassignment plan: data after the JSON object")
	}
	if p.Version != 1 {
		return nil, fmt.Errorf("plan version %d: only version 1 is defined", p.Version)
	}
	if len(p.Partitions) == 0 {
		return nil, fmt.Errorf("the plan names no partitions")
	}
	return &p, nil
}

// Normalized is the plan as Kafka's tool writes it: sorted, log_dirs
// "any" for each replica where the plan gives none.
func (p *Plan) Normalized() *Plan {
	q := Plan{Version: 1, Partitions: append([]Assignment(nil), p.Partitions...)}
	SortAssignments(q.Partitions)
	for i := range q.Partitions {
		if q.Partitions[i].LogDirs == nil {
			q.Partitions[i].LogDirs = make([]string, len(q.Partitions[i].Replicas))
			for j := range q.Partitions[i].LogDirs {
				q.Partitions[i].LogDirs[j] = "any"
			}
		}
	}
	return &q
}

// Encode writes the plan as Kafka's tool does (one line), sorted.
func (p *Plan) Encode() []byte {
	b, _ := json.Marshal(p.Normalized())
	return append(b, '\n')
}

// SortAssignments orders by topic, then partition.
func SortAssignments(as []Assignment) {
	sort.Slice(as, func(i, j int) bool {
		if as[i].Topic != as[j].Topic {
			return as[i].Topic < as[j].Topic
		}
		return as[i].Partition < as[j].Partition
	})
}

// Validate checks a plan against the cluster: every broker exists, no
// replica list repeats a broker or is empty, every partition exists and is
// named once, log_dirs (if given) match the replicas. It returns every
// problem, so a user fixes the file in one go.
func Validate(p *Plan, brokers map[int32]bool, partitions map[string]int32) []string {
	var probs []string
	seen := map[string]bool{}
	for _, a := range p.Partitions {
		name := fmt.Sprintf("%s-%d", a.Topic, a.Partition)
		if seen[name] {
			probs = append(probs, fmt.Sprintf("%s is named twice", name))
		}
		seen[name] = true
		n, ok := partitions[a.Topic]
		switch {
		case !ok:
			probs = append(probs, fmt.Sprintf("%s: topic %q does not exist", name, a.Topic))
		case a.Partition < 0 || a.Partition >= n:
			probs = append(probs, fmt.Sprintf("%s: topic %q has no partition %d (it has %d)", name, a.Topic, a.Partition, n))
		}
		if len(a.Replicas) == 0 {
			probs = append(probs, fmt.Sprintf("%s: empty replica list", name))
		}
		dup := map[int32]bool{}
		for _, r := range a.Replicas {
			if dup[r] {
				probs = append(probs, fmt.Sprintf("%s: broker %d is listed twice in %v", name, r, a.Replicas))
			}
			dup[r] = true
			if !brokers[r] {
				probs = append(probs, fmt.Sprintf("%s: broker %d is not in the cluster", name, r))
			}
		}
		if a.LogDirs != nil && len(a.LogDirs) != len(a.Replicas) {
			probs = append(probs, fmt.Sprintf("%s: %d log_dirs for %d replicas", name, len(a.LogDirs), len(a.Replicas)))
		}
		for _, d := range a.LogDirs {
			if d != "any" {
				probs = append(probs, fmt.Sprintf("%s: log dir %q: kctl moves replicas between brokers only; use \"any\"", name, d))
				break
			}
		}
	}
	return probs
}

// Move is one partition's change: the replicas it gains and loses.
type Move struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Current   []int32 `json:"current"`
	Target    []int32 `json:"target"`
	Adding    []int32 `json:"adding"`
	Removing  []int32 `json:"removing"`
	// Bytes is the partition's size times the replicas added: what has to
	// be copied (-1 when the size is unknown).
	Bytes int64 `json:"bytesToMove"`
}

// Moves compares a plan with the current assignment; partitions whose
// replica list (order included: the order sets the preferred leader) does
// not change are left out. size is a partition's log size ("t-p"), -1 if
// unknown.
func Moves(p *Plan, current map[string][]int32, size func(topic string, p int32) int64) []Move {
	var out []Move
	for _, a := range p.Partitions {
		cur := current[fmt.Sprintf("%s-%d", a.Topic, a.Partition)]
		if slices.Equal(cur, a.Replicas) {
			continue
		}
		m := Move{Topic: a.Topic, Partition: a.Partition, Current: cur, Target: a.Replicas, Adding: []int32{}, Removing: []int32{}}
		for _, r := range a.Replicas {
			if !slices.Contains(cur, r) {
				m.Adding = append(m.Adding, r)
			}
		}
		for _, r := range cur {
			if !slices.Contains(a.Replicas, r) {
				m.Removing = append(m.Removing, r)
			}
		}
		m.Bytes = -1
		if s := size(a.Topic, a.Partition); s >= 0 {
			m.Bytes = s * int64(len(m.Adding))
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out
}

// Throttles are the configs Kafka's tool sets for a throttled
// reassignment: per topic, the leader side lists the current replicas
// ("p:b,...") and the follower side the replicas being added; per broker
// (every broker in either list) the rates.
type Throttles struct {
	Leader   map[string]string `json:"leaderReplicas"`
	Follower map[string]string `json:"followerReplicas"`
	Brokers  []int32           `json:"brokers"`
}

// ThrottlesFor computes the throttle configs for moves.
func ThrottlesFor(moves []Move) Throttles {
	t := Throttles{Leader: map[string]string{}, Follower: map[string]string{}}
	leader := map[string][]string{}
	follower := map[string][]string{}
	bs := map[int32]bool{}
	for _, m := range moves {
		for _, r := range m.Current {
			leader[m.Topic] = append(leader[m.Topic], fmt.Sprintf("%d:%d", m.Partition, r))
			bs[r] = true
		}
		for _, r := range m.Adding {
			follower[m.Topic] = append(follower[m.Topic], fmt.Sprintf("%d:%d", m.Partition, r))
			bs[r] = true
		}
	}
	for k, v := range leader {
		t.Leader[k] = join(v)
	}
	for k, v := range follower {
		t.Follower[k] = join(v)
	}
	for b := range bs {
		t.Brokers = append(t.Brokers, b)
	}
	slices.Sort(t.Brokers)
	return t
}

func join(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}
