package cluster

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// QuorumOptions are the inputs of `kctl cluster quorum`.
type QuorumOptions struct {
	F   *cmdutil.Factory
	Now func() time.Time // nil: time.Now (ages of the timestamps)
}

// QuorumView is the JSON shape of `cluster quorum`.
type QuorumView struct {
	ClusterID string `json:"clusterId"`
	*kafka.Quorum
}

// QuorumHeaders are the replication table's columns.
var QuorumHeaders = []string{"NODE", "STATUS", "LOG-END-OFFSET", "LAG", "LAST-FETCH", "LAST-CAUGHT-UP"}

// NewCmdQuorum returns `kctl cluster quorum`.
func NewCmdQuorum(f *cmdutil.Factory, runF func(*QuorumOptions) error) *cobra.Command {
	opts := &QuorumOptions{F: f}
	return &cobra.Command{
		Use:   "quorum",
		Short: "KRaft metadata quorum: leader, epoch, voters and observers with their lag",
		Long: `Describe the KRaft metadata quorum (DescribeQuorum), as
kafka-metadata-quorum.sh describe --status and --replication do: the quorum
leader, its epoch and high watermark, the largest follower lag, then every
voter and observer with its log end offset, its lag behind the leader and
how long ago it last fetched and was last caught up.

One DescribeQuorum request (any broker forwards it to the active
controller), sent on a connection of kctl's own because sarama lacks the
API. A ZooKeeper-mode cluster or Kafka before 3.3 does not offer it: the
command says so and exits 1.`,
		Example: `  kctl cluster quorum
  kctl cluster quorum -o json | jq '.voters[] | {id, lag}'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return RunQuorum(cmd.Context(), opts)
		},
	}
}

// RunQuorum runs `cluster quorum`.
func RunQuorum(parent context.Context, o *QuorumOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	md, err := a.DescribeCluster(ctx, nil) // the answer read at connect
	if err != nil {
		return err
	}
	q, err := a.DescribeQuorum(ctx)
	if errors.Is(err, kafka.ErrQuorumUnsupported) {
		return errs.Exit(errs.ExitFailure, "%v", err)
	}
	if err != nil {
		return err
	}
	v := QuorumView{ClusterID: md.ClusterID, Quorum: q}
	if done, err := p.Data(v); done {
		return err
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	fmt.Fprintf(p.Out, "ClusterId:             %s\nLeaderId:              %d\nLeaderEpoch:           %d\nHighWatermark:         %d\nMaxFollowerLag:        %d\nMaxFollowerLagTimeMs:  %d\nCurrentVoters:         [%s]\nCurrentObservers:      [%s]\n\n",
		v.ClusterID, q.LeaderID, q.LeaderEpoch, q.HighWatermark, q.MaxFollowerLag, q.MaxFollowerLagTimeMs, replicaIDs(q.Voters), replicaIDs(q.Observers))
	var rows [][]string
	for _, r := range append(append([]kafka.QuorumReplica{}, q.Voters...), q.Observers...) {
		rows = append(rows, []string{strconv.Itoa(int(r.ID)), r.Status, strconv.FormatInt(r.LogEndOffset, 10), strconv.FormatInt(r.Lag, 10), ago(now(), r.LastFetchTimestamp), ago(now(), r.LastCaughtUpTimestamp)})
	}
	return p.Table(QuorumHeaders, rows)
}

func replicaIDs(rs []kafka.QuorumReplica) string {
	ids := make([]int32, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return text.IDs(ids)
}

// ago renders an epoch-millisecond timestamp as its age, as
// kafka-metadata-quorum.sh --human-readable does ("12 ms ago").
func ago(now time.Time, ms int64) string {
	if ms < 0 {
		return "-"
	}
	d := now.UnixMilli() - ms
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%d ms ago", d)
}
