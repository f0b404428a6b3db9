package reassign

import (
	"fmt"
	"testing"
)

func TestComputeBalance(t *testing.T) {
	brokers := []Broker{{1, "a"}, {2, "a"}, {3, "b"}, {4, "b"}}
	ps := []Partition{
		{Topic: "t", Partition: 0, Leader: 1, Replicas: []int32{1, 2}},
		{Topic: "t", Partition: 1, Leader: 1, Replicas: []int32{1, 3}},
		{Topic: "t", Partition: 2, Leader: 2, Replicas: []int32{2, 1}},
		{Topic: "u", Partition: 0, Leader: -1, Replicas: []int32{3, 5}}, // 5: not a live broker
	}
	b := ComputeBalance(brokers, ps, map[int32]int64{1: 300, 2: 200, 3: 100})
	if got, want := fmt.Sprint(b.Brokers), "[{1 a 0 3 2 300} {2 a 0 2 1 200} {3 b 0 2 0 100} {4 b 0 0 0 0}]"; got != want {
		t.Errorf("brokers %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(b.Racks), "[{0 a 2 5 3 500} {0 b 2 2 0 100}]"; got != want {
		t.Errorf("racks %s, want %s", got, want)
	}
	// 7 replicas over 4 brokers: mean 1.75, max 3 at broker 1.
	if got, want := fmt.Sprintf("%+v", b.ReplicaSkew), fmt.Sprintf("%+v", Skew{Max: 3, Mean: 1.75, Ratio: 3 / 1.75, At: 1}); got != want {
		t.Errorf("replica skew %s, want %s", got, want)
	}
	if got, want := fmt.Sprintf("%+v", b.LeaderSkew), fmt.Sprintf("%+v", Skew{Max: 2, Mean: 0.75, Ratio: 2 / 0.75, At: 1}); got != want {
		t.Errorf("leader skew %s, want %s", got, want)
	}
	if got, want := fmt.Sprintf("%+v", b.BytesSkew), fmt.Sprintf("%+v", Skew{Max: 300, Mean: 150, Ratio: 2, At: 1}); got != want {
		t.Errorf("bytes skew %s, want %s", got, want)
	}
	if fmt.Sprint(b.BytesUnknown) != "[4]" {
		t.Errorf("bytes unknown %v", b.BytesUnknown)
	}
	if e := ComputeBalance(nil, nil, nil); e.ReplicaSkew.At != -1 || e.ReplicaSkew.Ratio != 0 {
		t.Errorf("empty cluster: %+v", e.ReplicaSkew)
	}
}
