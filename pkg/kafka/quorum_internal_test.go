package kafka

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// A DescribeQuorum v1 answer as kmsg decodes it: leader 2 at epoch 5,
// voters in Kafka's order 1, 2, 3 with 3 behind, observer 4.
func TestDecodeDescribeQuorum(t *testing.T) {
	rep := func(id int32, leo, fetch, caught int64) kmsg.DescribeQuorumResponseTopicPartitionReplicaState {
		return kmsg.DescribeQuorumResponseTopicPartitionReplicaState{ReplicaID: id, LogEndOffset: leo, LastFetchTimestamp: fetch, LastCaughtUpTimestamp: caught}
	}
	resp := kmsg.NewPtrDescribeQuorumResponse()
	resp.Version = 1
	resp.Topics = []kmsg.DescribeQuorumResponseTopic{{Topic: metadataTopic, Partitions: []kmsg.DescribeQuorumResponseTopicPartition{{
		Partition: 0, LeaderID: 2, LeaderEpoch: 5, HighWatermark: 90,
		CurrentVoters: []kmsg.DescribeQuorumResponseTopicPartitionReplicaState{rep(1, 100, 1000, 1000), rep(2, 100, 1010, 1010), rep(3, 80, 900, 700)},
		Observers:     []kmsg.DescribeQuorumResponseTopicPartitionReplicaState{rep(4, 95, 990, 950)},
	}}}}
	// Through the wire format, as the broker's bytes arrive.
	dec := kmsg.NewPtrDescribeQuorumResponse()
	dec.Version = 1
	if err := dec.ReadFrom(resp.AppendTo(nil)); err != nil {
		t.Fatal(err)
	}
	q, err := quorumOf(dec)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("leader %d epoch %d hw %d maxlag %d %dms voters %v observers %v", q.LeaderID, q.LeaderEpoch, q.HighWatermark, q.MaxFollowerLag, q.MaxFollowerLagTimeMs, q.Voters, q.Observers)
	want := "leader 2 epoch 5 hw 90 maxlag 20 310ms voters [{2 <nil> 100 0 1010 1010 Leader} {1 <nil> 100 0 1000 1000 Follower} {3 <nil> 80 20 900 700 Follower}] observers [{4 <nil> 95 5 990 950 Observer}]"
	if got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	// JSON: a directory id Kafka did not send (v1) is null.
	q.AnsweredBy, q.AnsweredByAddress = 1, "k1:9092"
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"leaderId":2,"leaderEpoch":5,"highWatermark":90,"maxFollowerLag":20,"maxFollowerLagTimeMs":310,"voters":[` +
		`{"id":2,"directoryId":null,"logEndOffset":100,"lag":0,"lastFetchTimestamp":1010,"lastCaughtUpTimestamp":1010,"status":"Leader"},` +
		`{"id":1,"directoryId":null,"logEndOffset":100,"lag":0,"lastFetchTimestamp":1000,"lastCaughtUpTimestamp":1000,"status":"Follower"},` +
		`{"id":3,"directoryId":null,"logEndOffset":80,"lag":20,"lastFetchTimestamp":900,"lastCaughtUpTimestamp":700,"status":"Follower"}],` +
		`"observers":[{"id":4,"directoryId":null,"logEndOffset":95,"lag":5,"lastFetchTimestamp":990,"lastCaughtUpTimestamp":950,"status":"Observer"}],` +
		`"answeredBy":1,"answeredByAddress":"k1:9092"}`
	if string(b) != wantJSON {
		t.Errorf("json\n got %s\nwant %s", b, wantJSON)
	}
	// v2 carries directory ids, URL-safe base64 without padding.
	v2 := kmsg.NewPtrDescribeQuorumResponse()
	v2.Version = 2
	r := kmsg.NewDescribeQuorumResponseTopicPartitionReplicaState()
	r.ReplicaID, r.ReplicaDirectoryID = 1, [16]byte{0xfb, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}
	r0 := kmsg.NewDescribeQuorumResponseTopicPartitionReplicaState()
	r0.ReplicaID = 2
	v2.Topics = []kmsg.DescribeQuorumResponseTopic{{Topic: metadataTopic, Partitions: []kmsg.DescribeQuorumResponseTopicPartition{{
		LeaderID: 1, CurrentVoters: []kmsg.DescribeQuorumResponseTopicPartitionReplicaState{r, r0}}}}}
	q2, err := quorumOf(v2)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(q2.Voters); !strings.Contains(string(b), `{"id":1,"directoryId":"-_8BAgMEBQYHCAkKCwwNDg",`) || !strings.Contains(string(b), `{"id":2,"directoryId":null,`) {
		t.Errorf("v2 voters %s", b)
	}
	// A tie on the smallest log end offset: the first voter Kafka sent is
	// the "max lag follower", as in MetadataQuorumCommand.
	q = &Quorum{LeaderID: 2}
	quorumLag(q, []QuorumReplica{{ID: 1, LogEndOffset: 7, LastCaughtUpTimestamp: 800}, {ID: 2, LogEndOffset: 7, LastCaughtUpTimestamp: 1000}})
	if q.MaxFollowerLag != 0 || q.MaxFollowerLagTimeMs != 200 {
		t.Errorf("tie: lag %d, %d ms", q.MaxFollowerLag, q.MaxFollowerLagTimeMs)
	}
	q = &Quorum{LeaderID: 2}
	quorumLag(q, []QuorumReplica{{ID: 2, LogEndOffset: 7, LastCaughtUpTimestamp: 1000}, {ID: 1, LogEndOffset: 7, LastCaughtUpTimestamp: 800}})
	if q.MaxFollowerLagTimeMs != 0 {
		t.Errorf("leader first: %d ms", q.MaxFollowerLagTimeMs)
	}
	// Errors come back with Kafka's name.
	if _, err := quorumOf(&kmsg.DescribeQuorumResponse{Version: 1, ErrorCode: 31}); err == nil || err.Error() != "not authorized: DESCRIBE on the cluster is needed (CLUSTER_AUTHORIZATION_FAILED)" {
		t.Errorf("error: %v", err)
	}
}
