package topics

import (
	"errors"
	"reflect"
	"testing"
)

func parts(rf int, leaders ...int32) []Partition {
	var ps []Partition
	for i, l := range leaders {
		var r []int32
		for k := 0; k < rf; k++ {
			r = append(r, (l+int32(k))%3)
		}
		ps = append(ps, Partition{Partition: int32(i), Leader: l, Replicas: r, ISR: r})
	}
	return ps
}

func TestAuditFindings(t *testing.T) {
	bs := []Broker{{0, ""}, {1, ""}, {2, ""}}
	o := DefaultAuditOptions()
	cases := []struct {
		name string
		t    AuditTopic
		want []string // severity/finding
	}{
		{"healthy", AuditTopic{Name: "t", Partitions: parts(3, 0, 1, 2), MinISR: 2}, nil},
		{"rf1", AuditTopic{Name: "t", Partitions: parts(1, 0, 1, 2), MinISR: 1}, []string{"CRITICAL/" + FindingReplicationFactor}},
		{"rf1 min isr 2", AuditTopic{Name: "t", Partitions: parts(1, 0, 1, 2), MinISR: 2}, []string{"CRITICAL/" + FindingMinISRAboveRF, "CRITICAL/" + FindingReplicationFactor}},
		{"rf2 min 1", AuditTopic{Name: "t", Partitions: parts(2, 0, 1, 2), MinISR: 1}, []string{"WARNING/" + FindingMinISRLow, "WARNING/" + FindingReplicationFactor}},
		{"rf3 min 3", AuditTopic{Name: "t", Partitions: parts(3, 0, 1, 2), MinISR: 3}, []string{"WARNING/" + FindingMinISREqualsRF}},
		{"unknown min isr", AuditTopic{Name: "t", Partitions: parts(3, 0, 1, 2), MinISR: 0}, nil},
		{"unclean", AuditTopic{Name: "t", Partitions: parts(3, 0, 1, 2), MinISR: 2, UncleanLeaderElection: true}, []string{"WARNING/" + FindingUnclean}},
		{"configs unreadable", AuditTopic{Name: "t", Partitions: parts(3, 0, 1, 2), MinISR: 1, UncleanLeaderElection: true, ConfigErr: errors.New("denied")}, []string{"WARNING/" + FindingConfigsUnknown}},
		{"mixed rf uses the smallest", AuditTopic{Name: "t", Partitions: append(parts(3, 0, 1), parts(2, 2)...), MinISR: 2}, []string{"WARNING/" + FindingMinISREqualsRF, "WARNING/" + FindingReplicationFactor}},
		{"no partitions", AuditTopic{Name: "t", MinISR: 1}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, f := range Audit([]AuditTopic{c.t}, bs, o) {
				got = append(got, f.Severity+"/"+f.Finding)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestAuditRacksAndSkew(t *testing.T) {
	o := DefaultAuditOptions()
	// No racks, or a single rack: no rack finding.
	ts := []AuditTopic{{Name: "t", MinISR: 2, Partitions: []Partition{{Leader: 0, Replicas: []int32{0, 1, 2}}}}}
	if fs := Audit(ts, []Broker{{0, "a"}, {1, "a"}, {2, "a"}}, o); len(fs) != 0 {
		t.Errorf("single rack: %v", fs)
	}
	// Two racks, RF 2 on one rack: finding; RF 3 over 2 racks: fine; a
	// replica on an unknown broker: skipped.
	bs := []Broker{{0, "a"}, {1, "a"}, {2, "b"}}
	ts = []AuditTopic{{Name: "t", MinISR: 2, Partitions: []Partition{
		{Partition: 0, Leader: 0, Replicas: []int32{0, 1, 2}},
		{Partition: 1, Leader: 2, Replicas: []int32{2, 0, 1}},
		{Partition: 2, Leader: 1, Replicas: []int32{1, 0, 9}},
	}}}
	if fs := Audit(ts, bs, o); len(fs) != 0 {
		t.Errorf("spread: %v", fs)
	}
	ts[0].Partitions = append(ts[0].Partitions, Partition{Partition: 3, Leader: 0, Replicas: []int32{0, 1}})
	ts[0].Partitions[2].Replicas = []int32{1, 0, 2}
	fs := Audit(ts, bs, o)
	if len(fs) != 3 || fs[0].Finding != FindingMinISREqualsRF || fs[2].Finding != FindingReplicationFactor || fs[1].Finding != FindingRacks ||
		fs[1].Detail != "1 of 4 partitions have replicas on fewer racks than the 2 available (partition 3: replicas 0,1 on rack a): a rack outage can take every copy" {
		t.Errorf("racks: %+v", fs)
	}
	// Skew: 10 partitions on 2 brokers, 8 led by 0: share 5, limit 7.5.
	var ps []Partition
	for i := 0; i < 10; i++ {
		l := int32(0)
		if i >= 8 {
			l = 1
		}
		ps = append(ps, Partition{Partition: int32(i), Leader: l, Replicas: []int32{l, 1 - l}})
	}
	fs = Audit([]AuditTopic{{Name: "t", MinISR: 1, Partitions: ps}}, []Broker{{0, ""}, {1, ""}}, AuditOptions{MinReplicationFactor: 2, MinISR: 1, MaxLeaderSkew: 0.5})
	if len(fs) != 1 || fs[0].Finding != FindingLeaderSkew || fs[0].Topic != "-" || fs[0].Detail != "broker 0 leads 8 of 10 partitions; an even share is 5.0 (run a preferred leader election or reassign partitions)" {
		t.Errorf("skew: %+v", fs)
	}
	// 7 of 10 is within 50%.
	ps[7].Leader = 1
	if fs := Audit([]AuditTopic{{Name: "t", MinISR: 1, Partitions: ps}}, []Broker{{0, ""}, {1, ""}}, AuditOptions{MinReplicationFactor: 2, MinISR: 1, MaxLeaderSkew: 0.5}); len(fs) != 0 {
		t.Errorf("no skew: %+v", fs)
	}
}

func TestAuditExitCodes(t *testing.T) {
	if AuditExitCode(nil) != 0 || AuditStatus(nil) != "OK" {
		t.Error("none")
	}
	w := []Finding{{Severity: Warning}}
	if AuditExitCode(w) != 1 || AuditStatus(w) != Warning {
		t.Error("warning")
	}
	c := []Finding{{Severity: Warning}, {Severity: Critical}}
	if AuditExitCode(c) != 2 || AuditStatus(c) != Critical {
		t.Error("critical")
	}
}
