package reassign

import (
	"fmt"
	"testing"
)

func TestPlanElection(t *testing.T) {
	live := map[int32]bool{1: true, 2: true, 3: true}
	ps := []Partition{
		{Topic: "a", Partition: 0, Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}}, // preferred already
		{Topic: "a", Partition: 1, Leader: 2, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2, 3}}, // electable
		{Topic: "a", Partition: 2, Leader: 2, Replicas: []int32{3, 2}, ISR: []int32{2}},          // preferred out of ISR
		{Topic: "a", Partition: 3, Leader: 2, Replicas: []int32{4, 2}, ISR: []int32{4, 2}},       // preferred not live
		{Topic: "a", Partition: 4, Leader: -1, Replicas: []int32{3, 1}, ISR: nil},                // leaderless, replicas live
		{Topic: "a", Partition: 5, Leader: -1, Replicas: []int32{4}, ISR: nil},                   // leaderless, no live replica
		{Topic: "a", Partition: 6, Leader: -1, Replicas: nil},                                    // no replicas at all
	}
	show := func(es []Election) string {
		s := ""
		for _, e := range es {
			r := "<nil>"
			if e.Reason != nil {
				r = *e.Reason
			}
			s += fmt.Sprintf("%d:%d:%v:%s;", e.Partition.Partition, e.NewLeader, e.Eligible, r)
		}
		return s
	}
	if got, want := show(PlanElection("preferred", ps, live)),
		"1:1:true:<nil>;2:3:false:preferred replica 3 is not in the ISR;3:4:false:preferred replica 4 is not a live broker;4:3:false:preferred replica 3 is not in the ISR;5:4:false:preferred replica 4 is not a live broker;"; got != want {
		t.Errorf("preferred:\n got %s\nwant %s", got, want)
	}
	if got, want := show(PlanElection("unclean", ps, live)), "4:-1:true:<nil>;5:-1:false:no replica is a live broker;"; got != want {
		t.Errorf("unclean:\n got %s\nwant %s", got, want)
	}
	if got := PlanElection("other", ps, live); got != nil {
		t.Errorf("unknown type planned %v", got)
	}
}
