package kafka

import (
	"encoding/binary"
	"fmt"
	"testing"
)

func put64(e *enc, v int64) { e.b = binary.BigEndian.AppendUint64(e.b, uint64(v)) }

// A DescribeQuorum v1 answer encoded by hand (the layout of Kafka's
// DescribeQuorumResponse.json): leader 2 at epoch 5, voters in Kafka's
// order 1, 2, 3 with 3 behind, observer 4.
func TestDecodeDescribeQuorum(t *testing.T) {
	var e enc
	e.i16(0) // error
	e.uvarint(2)
	compactStr(&e, metadataTopic)
	e.uvarint(2)
	e.i32(0)      // partition
	e.i16(0)      // error
	e.i32(2)      // leader
	e.i32(5)      // epoch
	put64(&e, 90) // high watermark
	rep := func(id int32, leo, fetch, caught int64) {
		e.i32(id)
		for _, v := range []int64{leo, fetch, caught} {
			put64(&e, v)
		}
		e.uvarint(0)
	}
	e.uvarint(4)
	rep(1, 100, 1000, 1000)
	rep(2, 100, 1010, 1010)
	rep(3, 80, 900, 700)
	e.uvarint(2)
	rep(4, 95, 990, 950)
	e.uvarint(0) // partition tags
	e.uvarint(0) // topic tags
	e.uvarint(0)
	q, err := decodeDescribeQuorum(e.b, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("leader %d epoch %d hw %d maxlag %d %dms voters %v observers %v", q.LeaderID, q.LeaderEpoch, q.HighWatermark, q.MaxFollowerLag, q.MaxFollowerLagTimeMs, q.Voters, q.Observers)
	want := "leader 2 epoch 5 hw 90 maxlag 20 310ms voters [{2  100 0 1010 1010 Leader} {1  100 0 1000 1000 Follower} {3  80 20 900 700 Follower}] observers [{4  95 5 990 950 Observer}]"
	if got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
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
	var eb enc
	eb.i16(31)
	if _, err := decodeDescribeQuorum(eb.b, 1); err == nil || err.Error() != "not authorized: DESCRIBE on the cluster is needed (CLUSTER_AUTHORIZATION_FAILED)" {
		t.Errorf("error: %v", err)
	}
}
