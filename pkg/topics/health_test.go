package topics

import "testing"

func TestClassify(t *testing.T) {
	live := LiveSet([]int32{1, 2, 3})
	cases := []struct {
		name     string
		leader   int32
		replicas []int32
		isr      []int32
		minISR   int
		want     Health
	}{
		{"healthy", 1, []int32{1, 2, 3}, []int32{1, 2, 3}, 2, Health{}},
		{"one replica out", 1, []int32{1, 2, 3}, []int32{1, 2}, 2, Health{UnderReplicated: true, AtMinISR: true}},
		{"below min isr", 1, []int32{1, 2, 3}, []int32{1}, 2, Health{UnderReplicated: true, UnderMinISR: true}},
		{"no leader", -1, []int32{1, 2, 3}, []int32{1, 2, 3}, 2, Health{UnderMinISR: true, Unavailable: true, LeaderNotPreferred: true}},
		{"no leader, empty isr", -1, []int32{1, 2, 3}, nil, 2, Health{UnderReplicated: true, UnderMinISR: true, Unavailable: true, LeaderNotPreferred: true}},
		// A leader id that is no live broker is no leader (Kafka's
		// tool: "Leader: none", unavailable and under min ISR).
		{"dead leader", 9, []int32{9, 2, 3}, []int32{9, 2, 3}, 2, Health{Unavailable: true, UnderMinISR: true, LeaderNotPreferred: true}},
		{"dead leader, min isr unknown", 9, []int32{9, 2, 3}, []int32{9, 2, 3}, 0, Health{Unavailable: true, UnderMinISR: true, LeaderNotPreferred: true}},
		{"not preferred", 2, []int32{1, 2, 3}, []int32{1, 2, 3}, 2, Health{LeaderNotPreferred: true}},
		{"rf1 at min isr 1", 1, []int32{1}, []int32{1}, 1, Health{AtMinISR: true}},
		{"min isr above rf", 1, []int32{1, 2}, []int32{1, 2}, 3, Health{UnderMinISR: true}},
		{"min isr unknown", 1, []int32{1, 2, 3}, []int32{1}, 0, Health{UnderReplicated: true}},
		{"min isr unknown, no leader", -1, []int32{1}, nil, 0, Health{UnderReplicated: true, UnderMinISR: true, Unavailable: true, LeaderNotPreferred: true}},
		{"no replicas", 1, nil, nil, 1, Health{UnderMinISR: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Classify(c.leader, c.replicas, c.isr, c.minISR, live); got != c.want {
				t.Errorf("Classify = %+v, want %+v", got, c.want)
			}
			p := Partition{Leader: c.leader, Replicas: c.replicas, ISR: c.isr}
			if got := ClassifyPartition(p, c.minISR, live); got != c.want {
				t.Errorf("ClassifyPartition = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestFilterMatchesAnyRequestedCondition(t *testing.T) {
	urp := Health{UnderReplicated: true}
	unavail := Health{Unavailable: true, UnderMinISR: true}
	healthy := Health{}
	cases := []struct {
		f    Filter
		h    Health
		want bool
	}{
		{Filter{}, healthy, true},
		{Filter{}, urp, true},
		{Filter{UnderReplicated: true}, urp, true},
		{Filter{UnderReplicated: true}, unavail, false},
		{Filter{UnderReplicated: true}, healthy, false},
		{Filter{UnderReplicated: true, Unavailable: true}, unavail, true},
		{Filter{UnderReplicated: true, Unavailable: true}, urp, true},
		{Filter{AtMinISR: true}, urp, false},
		{Filter{UnderMinISR: true}, unavail, true},
		{Filter{LeaderNotPreferred: true}, Health{LeaderNotPreferred: true}, true},
		{Filter{LeaderNotPreferred: true}, urp, false},
	}
	for i, c := range cases {
		if got := c.f.Match(c.h); got != c.want {
			t.Errorf("%d: %+v.Match(%+v) = %v, want %v", i, c.f, c.h, got, c.want)
		}
	}
	if (Filter{UnderReplicated: true}).NeedsMinISR() || !(Filter{AtMinISR: true}).NeedsMinISR() {
		t.Error("NeedsMinISR wrong")
	}
}

func TestCounts(t *testing.T) {
	var c Counts
	c.Add(Health{UnderReplicated: true, AtMinISR: true})
	c.Add(Health{Unavailable: true, UnderMinISR: true, LeaderNotPreferred: true})
	c.Add(Health{})
	want := Counts{Partitions: 3, UnderReplicated: 1, UnderMinISR: 1, AtMinISR: 1, Unavailable: 1, LeaderNotPreferred: 1}
	if c != want {
		t.Errorf("counts = %+v, want %+v", c, want)
	}
}

func TestPattern(t *testing.T) {
	p, err := CompilePattern("orders.*")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"orders": true, "orders-dlq": true, "old-orders": false} {
		if p.Match(name) != want {
			t.Errorf("orders.* on %q = %v", name, !want)
		}
	}
	p, _ = CompilePattern("orders")
	if p.Match("orders-dlq") || !p.Match("orders") {
		t.Error("a pattern must match the whole name, as kafka-topics does")
	}
	p, _ = CompilePattern("a|b")
	if !p.Match("a") || !p.Match("b") || p.Match("ab") {
		t.Error("alternation must be anchored as a whole")
	}
	var nilP *Pattern
	if !nilP.Match("x") {
		t.Error("nil pattern matches all")
	}
	if p, err := CompilePattern(""); p != nil || err != nil {
		t.Error("empty pattern is nil")
	}
	if _, err := CompilePattern("orders("); err == nil || err.Error() != `invalid --pattern "orders(": missing closing ): `+"`orders(`" {
		t.Errorf("bad pattern error = %v", err)
	}
	if !IsInternal("__consumer_offsets", false) || !IsInternal("x", true) || IsInternal("x", false) {
		t.Error("IsInternal")
	}
}

// During a reassignment the replica set holds the replicas being added;
// kafka-topics.sh holds the ISR against the reassignment's replicas minus
// those (TopicCommand.getReplicationFactor), and kctl does the same.
func TestClassifyDuringReassignment(t *testing.T) {
	live := LiveSet([]int32{1, 2, 3, 4})
	move := &Reassignment{Replicas: []int32{2, 3, 1}, Adding: []int32{3}, Removing: []int32{1}} // 1,2 -> 2,3
	grow := &Reassignment{Replicas: []int32{1, 2, 3}, Adding: []int32{3}}                       // 1,2 -> 1,2,3
	shrink := &Reassignment{Replicas: []int32{1, 2, 3}, Removing: []int32{3}}                   // 1,2,3 -> 1,2
	cases := []struct {
		name          string
		replicas, isr []int32
		r             *Reassignment
		rf            int
		urp           bool
	}{
		{"no reassignment", []int32{2, 3, 1}, []int32{2, 1}, nil, 3, true},
		{"move, old replicas in sync", []int32{2, 3, 1}, []int32{2, 1}, move, 2, false},
		{"move, adding replica caught up", []int32{2, 3, 1}, []int32{2, 1, 3}, move, 2, false},
		{"move, an old replica out", []int32{2, 3, 1}, []int32{2}, move, 2, true},
		// Kafka compares counts: a caught-up adding replica makes up for
		// an old one out of sync.
		{"move, counts compared", []int32{2, 3, 1}, []int32{2, 3}, move, 2, false},
		{"replication factor grows", []int32{1, 2, 3}, []int32{1, 2}, grow, 2, false},
		{"replication factor shrinks", []int32{1, 2, 3}, []int32{1, 2}, shrink, 3, true},
		// Completed between the two reads: none of the partition's
		// replicas is being added or removed any more.
		{"completed since", []int32{4, 2}, []int32{4}, move, 2, true},
		{"completed since, in sync", []int32{4, 2}, []int32{4, 2}, move, 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ReplicationFactor(c.replicas, c.r); got != c.rf {
				t.Errorf("ReplicationFactor = %d, want %d", got, c.rf)
			}
			h := ClassifyMoving(c.replicas[0], c.replicas, c.isr, 2, live, c.r)
			if h.UnderReplicated != c.urp {
				t.Errorf("ClassifyMoving under-replicated = %v, want %v", h.UnderReplicated, c.urp)
			}
			p := Partition{Leader: c.replicas[0], Replicas: c.replicas, ISR: c.isr, Reassignment: c.r}
			if got := ClassifyPartition(p, 2, live); got != h {
				t.Errorf("ClassifyPartition = %+v, want %+v", got, h)
			}
			// Min ISR does not depend on the reassignment.
			if plain := Classify(c.replicas[0], c.replicas, c.isr, 2, live); plain.UnderMinISR != h.UnderMinISR || plain.AtMinISR != h.AtMinISR {
				t.Errorf("min ISR verdicts changed: %+v vs %+v", h, plain)
			}
			if MayBeReassigning(c.replicas, c.isr) != (len(c.isr) < len(c.replicas)) {
				t.Error("MayBeReassigning")
			}
			if !MayBeReassigning(c.replicas, c.isr) && h.UnderReplicated {
				t.Error("under-replicated although the ISR is full")
			}
		})
	}
}
