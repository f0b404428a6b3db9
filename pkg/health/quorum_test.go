package health

import (
	"fmt"
	"testing"
)

func TestQuorumCheck(t *testing.T) {
	for _, tc := range []struct {
		q    *Quorum
		want string
	}{
		{&Quorum{LeaderID: 2, LeaderEpoch: 4, Voters: []QuorumVoter{{2, 0, 0}, {1, 0, 150}, {3, 0, 9000}}}, "OK 3 leader 2, epoch 4: 3 of 3 voters caught up []"},
		{&Quorum{LeaderID: 2, LeaderEpoch: 4, Voters: []QuorumVoter{{2, 0, 0}, {1, 0, 150}, {3, 12, 10001}}}, "WARNING 2 leader 2, epoch 4: 2 of 3 voters caught up [voter 3: last caught up 10001 ms before the leader, lag 12 records]"},
		{&Quorum{LeaderID: 2, LeaderEpoch: 4, Voters: []QuorumVoter{{2, 0, 0}, {1, 5, -1}, {3, 12, 20000}}}, "CRITICAL 1 leader 2, epoch 4: only 1 of 3 voters caught up (a majority is 2) [voter 1: never caught up, lag 5 records voter 3: last caught up 20000 ms before the leader, lag 12 records]"},
		{&Quorum{LeaderID: -1, Voters: []QuorumVoter{{1, 0, -1}}}, "CRITICAL 0 the metadata quorum has no leader [voter 1: never caught up, lag 0 records]"},
		{&Quorum{LeaderID: 1, Voters: []QuorumVoter{{1, 0, 0}}}, "OK 1 leader 1, epoch 0: 1 of 1 voters caught up []"},
	} {
		c := quorumCheck(tc.q)
		if got := fmt.Sprintf("%s %v %s %v", c.Status, *c.Value, c.Message, c.Details); got != tc.want {
			t.Errorf("\n got %s\nwant %s", got, tc.want)
		}
	}
	if c := quorumCheck(&Quorum{Unsupported: true}); c.Status != Unknown || c.Message != "the cluster offers no DescribeQuorum (ZooKeeper mode, or Kafka before 3.3)" {
		t.Errorf("unsupported: %+v", c)
	}
	if c := quorumCheck(nil); c.Status != Unknown {
		t.Errorf("not run: %+v", c)
	}
}
