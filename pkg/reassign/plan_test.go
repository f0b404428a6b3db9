package reassign

import (
	"fmt"
	"strings"
	"testing"
)

func plans(p *Plan) string {
	var s []string
	for _, a := range p.Partitions {
		s = append(s, fmt.Sprintf("%s-%d:%v", a.Topic, a.Partition, a.Replicas))
	}
	return strings.Join(s, " ")
}

func parts(topic string, reps ...[]int32) []Partition {
	var out []Partition
	for i, r := range reps {
		out = append(out, Partition{Topic: topic, Partition: int32(i), Leader: r[0], Replicas: r})
	}
	return out
}

// Six RF-2 partitions on brokers 1,2 spread over 1,2,3: each broker ends
// with 4 replicas and 2 preferred leaderships; only the excess moves.
func TestGenerateBalances(t *testing.T) {
	ps := parts("t", []int32{1, 2}, []int32{2, 1}, []int32{1, 2}, []int32{2, 1}, []int32{1, 2}, []int32{2, 1})
	p, err := Generate(ps, []Broker{{ID: 1}, {ID: 2}, {ID: 3}})
	if err != nil {
		t.Fatal(err)
	}
	want := "t-0:[1 2] t-1:[2 1] t-2:[1 2] t-3:[2 1] t-4:[3 1] t-5:[3 2]"
	if got := plans(p); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	moves := Moves(p, map[string][]int32{"t-0": {1, 2}, "t-1": {2, 1}, "t-2": {1, 2}, "t-3": {2, 1}, "t-4": {1, 2}, "t-5": {2, 1}}, func(string, int32) int64 { return 100 })
	if got := fmt.Sprint(moves); got != "[{t 4 [1 2] [3 1] [3] [2] 100} {t 5 [2 1] [3 2] [3] [1] 100}]" {
		t.Fatalf("moves %s", got)
	}
}

// Already balanced: nothing moves (minimal movement), even the order.
func TestGenerateMinimalMovement(t *testing.T) {
	ps := parts("t", []int32{1, 2}, []int32{2, 3}, []int32{3, 1})
	p, err := Generate(ps, []Broker{{ID: 1}, {ID: 2}, {ID: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := plans(p), "t-0:[1 2] t-1:[2 3] t-2:[3 1]"; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// Two racks: no partition keeps or gets two replicas in one rack.
// Brokers 1,2 are in rack a, 3,4 in b; partitions start on 1,2 (both a).
func TestGenerateRackAware(t *testing.T) {
	ps := parts("t", []int32{1, 2}, []int32{2, 1}, []int32{1, 2}, []int32{2, 1})
	p, err := Generate(ps, []Broker{{1, "a"}, {2, "a"}, {3, "b"}, {4, "b"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "t-0:[1 3] t-1:[2 4] t-2:[3 1] t-3:[4 2]"
	if got := plans(p); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if _, err := Generate(parts("t", []int32{1, 2, 3}), []Broker{{ID: 1}, {ID: 2}}); err == nil || err.Error() != "t-0 has 3 replicas but only 2 target brokers" {
		t.Fatalf("too few brokers: %v", err)
	}
}

func TestParseAndValidatePlan(t *testing.T) {
	p, err := ParsePlan([]byte(`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[2,3],"log_dirs":["any","any"]}]}`))
	if err != nil || plans(p) != "t-0:[2 3]" {
		t.Fatalf("%v %v", p, err)
	}
	if got := string(p.Encode()); got != `{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[2,3],"log_dirs":["any","any"]}]}`+"\n" {
		t.Fatalf("encode %s", got)
	}
	for in, want := range map[string]string{
		`{"version":2,"partitions":[]}`:                                          "plan version 2: only version 1 is defined",
		`{"version":1,"partitions":[]}`:                                          "the plan names no partitions",
		`{"version":1,"partitions":[{"topic":"t","partition":0,"replica":[1]}]}`: `not a reassignment plan (kafka-reassign-partitions JSON): json: unknown field "replica"`,
		`{"version":1`: "not a reassignment plan (kafka-reassign-partitions JSON): unexpected EOF",
	} {
		if _, err := ParsePlan([]byte(in)); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", in, err, want)
		}
	}
	bad := &Plan{Version: 1, Partitions: []Assignment{
		{Topic: "t", Partition: 0, Replicas: []int32{1, 1}},
		{Topic: "t", Partition: 0, Replicas: []int32{9}},
		{Topic: "t", Partition: 5, Replicas: []int32{1}},
		{Topic: "u", Partition: 0, Replicas: []int32{}},
		{Topic: "t", Partition: 1, Replicas: []int32{1, 2}, LogDirs: []string{"/d"}},
	}}
	got := strings.Join(Validate(bad, map[int32]bool{1: true, 2: true}, map[string]int32{"t": 2}), "\n")
	want := `t-0: broker 1 is listed twice in [1 1]
t-0 is named twice
t-0: broker 9 is not in the cluster
t-5: topic "t" has no partition 5 (it has 2)
u-0: topic "u" does not exist
u-0: empty replica list
t-1: 1 log_dirs for 2 replicas
t-1: log dir "/d": kctl moves replicas between brokers only; use "any"`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	th := ThrottlesFor([]Move{{Topic: "t", Partition: 0, Current: []int32{1, 2}, Adding: []int32{3}}, {Topic: "t", Partition: 1, Current: []int32{2, 1}, Adding: []int32{3}}})
	if got := fmt.Sprint(th); got != "{map[t:0:1,0:2,1:2,1:1] map[t:0:3,1:3] [1 2 3]}" {
		t.Fatalf("throttles %s", got)
	}
}
