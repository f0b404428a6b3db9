package health

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/lag"
	"github.com/kctl-dev/kctl/pkg/topics"
)

func TestTopicFacts(t *testing.T) {
	md := ClusterMetadata{
		ControllerID: 2,
		Brokers:      []MetadataBroker{{ID: 1, Addr: "a:9092"}, {ID: 2, Addr: "b:9092"}},
		Topics: []TopicMetadata{
			{Name: "t", Partitions: []topics.Partition{
				{Partition: 0, Leader: 1, Replicas: []int32{1, 2}, ISR: []int32{1, 2}},
				{Partition: 1, Leader: -1, Replicas: []int32{1, 2}, ISR: nil},
				{Partition: 2, Leader: 3, Replicas: []int32{3, 1}, ISR: []int32{3}},
				{Partition: 3, Leader: 1, Replicas: []int32{1, 2}, ISR: []int32{1}},
			}},
			{Name: "__consumer_offsets", Internal: true, Partitions: []topics.Partition{
				{Partition: 0, Leader: 2, Replicas: []int32{2}, ISR: []int32{2}},
			}},
			{Name: "denied", Err: errors.New("denied: not authorized")},
			{Name: "noconf", Partitions: []topics.Partition{{Partition: 0, Leader: 1, Replicas: []int32{1}, ISR: []int32{1}}}},
		},
	}
	minISR := MinISRRead{Values: map[string]int{"t": 2, "__consumer_offsets": 1},
		Failed: map[string]error{"noconf": errors.New("noconf: config not readable")}, Err: errors.New("one broker failed")}
	ctl, p := TopicFacts(md, minISR, "blind")
	if *ctl != (Controller{ID: 2, Addr: "b:9092", Live: true}) {
		t.Errorf("controller = %+v", *ctl)
	}
	want := &Partitions{Topics: 3, Total: 6, Internal: 1, Hidden: "blind",
		Offline:         []string{"t[1] no leader", "t[2] leader 3 not live"},
		UnderMinISR:     []string{"t[1] no leader", "t[2] leader 3 not live", "t[3] isr 1 of min 2"},
		UnderReplicated: []string{"t[1] isr 0 of 2 replicas", "t[2] isr 1 of 2 replicas", "t[3] isr 1 of 2 replicas"},
		AtMinISR:        []string{"t[0] isr 2 = min 2", "__consumer_offsets[0] isr 1 = min 1"},
		Errors:          []string{"denied: not authorized"},
		MinISRErrors:    []string{"min.insync.replicas: one broker failed", "noconf: config not readable"},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("partitions =\n%+v\nwant\n%+v", *p, *want)
	}

	md.ControllerID = 7
	if ctl, _ := TopicFacts(md, MinISRRead{}, ""); *ctl != (Controller{ID: 7}) {
		t.Errorf("a controller not in the metadata is not live: %+v", *ctl)
	}
}

func TestQuorumFacts(t *testing.T) {
	q := QuorumFacts(QuorumState{LeaderID: 1, LeaderEpoch: 4, Voters: []VoterState{
		{ID: 1, LastCaughtUpTimestamp: 10_000}, {ID: 2, Lag: 3, LastCaughtUpTimestamp: 7_500}, {ID: 3, Lag: 9, LastCaughtUpTimestamp: -1}}})
	want := &Quorum{LeaderID: 1, LeaderEpoch: 4, Voters: []QuorumVoter{{ID: 1}, {ID: 2, Lag: 3, BehindMs: 2_500}, {ID: 3, Lag: 9, BehindMs: -1}}}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("quorum = %+v, want %+v", *q, *want)
	}
	// No leader among the voters: nobody's catch-up time is known.
	q = QuorumFacts(QuorumState{LeaderID: -1, Voters: []VoterState{{ID: 2, LastCaughtUpTimestamp: 5}}})
	if q.Voters[0].BehindMs != -1 {
		t.Errorf("behind without a leader = %d, want -1", q.Voters[0].BehindMs)
	}
}

func TestGroupFacts(t *testing.T) {
	tl := 3 * time.Second
	g := GroupFacts([]lag.Group{
		{Group: "busy", State: "Stable", Members: 2, TotalLag: 5, MaxTimeLag: &tl},
		{Group: "caught", State: "Empty", TotalLag: 0},
		{Group: "nope", Err: &lag.NotFoundError{Group: "nope"}},
		{Group: "broken", Err: errors.New("group 'broken': cannot read")},
	}, "^b", []error{errors.New("broker 1: no answer"), errors.New("broker 2: no answer")})
	zero := time.Duration(0)
	want := &Groups{Pattern: "^b", Incomplete: "the group selection may be incomplete: broker 1: no answer; broker 2: no answer",
		Groups: []Group{
			{Name: "busy", Exists: true, State: "Stable", Members: 2, Lag: 5, TimeLag: &tl},
			{Name: "caught", Exists: true, State: "Empty", TimeLag: &zero},
			{Name: "nope"},
			{Name: "broken", Exists: true, Err: "group 'broken': cannot read"},
		}}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("groups =\n%+v\nwant\n%+v", *g, *want)
	}
	u := UnknownGroups("consumer lag: down", []string{"a", "b"}, "")
	if u.Err != "consumer lag: down" || len(u.Groups) != 2 || u.Groups[1] != (Group{Name: "b"}) {
		t.Errorf("unknown groups = %+v", *u)
	}
}

func TestCertFacts(t *testing.T) {
	exp := time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
	probes := []Probe{
		{ID: 1, Addr: "a:9093", HasCert: true, Subject: "CN=a", NotAfter: exp},
		{ID: 2, Addr: "b:9093", Err: errors.New("broker b:9093: refused")},
		{ID: 3, Addr: "c:9093"},
		// An expired certificate fails the handshake and is still read.
		{ID: 4, Addr: "d:9093", Err: errors.New("expired"), HasCert: true, Subject: "CN=d", NotAfter: exp},
	}
	want := &TLS{Certs: []Cert{
		{Broker: 1, Addr: "a:9093", Subject: "CN=a", NotAfter: exp},
		{Broker: 2, Addr: "b:9093", Err: "broker b:9093: refused"},
		{Broker: 3, Addr: "c:9093", Err: "the broker presented no certificate"},
		{Broker: 4, Addr: "d:9093", Subject: "CN=d", NotAfter: exp},
	}}
	if got := CertFacts(probes); !reflect.DeepEqual(got, want) {
		t.Errorf("certs =\n%+v\nwant\n%+v", *got, *want)
	}
	if got := BootstrapCertFacts(probes); !reflect.DeepEqual(got, want) {
		t.Errorf("bootstrap certs with one read =\n%+v", *got)
	}
	if got := BootstrapCertFacts(probes[1:3]); !reflect.DeepEqual(got, &TLS{Err: "no broker certificate could be read: broker b:9093: refused"}) {
		t.Errorf("bootstrap certs with none read = %+v", *got)
	}
	b := BrokerFacts(probes[:2])
	if !reflect.DeepEqual(b, &Brokers{Brokers: []BrokerProbe{{ID: 1, Addr: "a:9093"}, {ID: 2, Addr: "b:9093", Err: "broker b:9093: refused"}}}) {
		t.Errorf("brokers = %+v", *b)
	}
}
