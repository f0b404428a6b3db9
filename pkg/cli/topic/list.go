package topic

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// ListOptions are the inputs of `kctl topic list`.
type ListOptions struct {
	F               *cmdutil.Factory
	Pattern         string
	ExcludeInternal bool
}

// ListView is the JSON shape of `topic list`.
type ListView struct {
	Topics []ListRow `json:"topics"`
}

// ListRow is one topic in `topic list`.
type ListRow struct {
	Name              string `json:"name"`
	TopicID           string `json:"topicId"`
	Internal          bool   `json:"internal"`
	PartitionCount    int    `json:"partitionCount"`
	ReplicationFactor int    `json:"replicationFactor"`
	UnderReplicated   int    `json:"underReplicatedPartitions"`
	Offline           int    `json:"offlinePartitions"`
}

// NewCmdList returns `kctl topic list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{F: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List topics with partition counts and replica health",
		Long: `List topics with their partition count, replication factor, and how many
partitions are under-replicated (ISR smaller than the replica set) and offline
(no leader, or the leader is not a live broker).

One Metadata request, whatever the number of topics.`,
		Example: `  kctl topic list
  kctl topic list --pattern 'orders.*' --exclude-internal
  kctl topic list -o json | jq '.topics[] | select(.underReplicatedPartitions > 0) | .name'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := (selection{Pattern: opts.Pattern}).validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return RunList(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Pattern, "pattern", "", "only topics whose whole name matches this regular expression")
	cmd.Flags().BoolVar(&opts.ExcludeInternal, "exclude-internal", false, "leave out internal topics such as __consumer_offsets")
	return cmd
}

// ListHeaders are the columns of `topic list`.
var ListHeaders = []string{"TOPIC", "PARTITIONS", "REPLICATION-FACTOR", "UNDER-REPLICATED", "OFFLINE"}

// RunList runs `topic list`.
func RunList(parent context.Context, o *ListOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	ts, brokers, err := a.DescribeTopics(ctx, nil)
	if err != nil {
		return err
	}
	sel := selection{Pattern: o.Pattern, ExcludeInternal: o.ExcludeInternal}
	ts, failed := sel.apply(o.F, ts)
	live := liveSet(brokers)
	v := ListView{Topics: make([]ListRow, 0, len(ts))}
	rows := make([][]string, 0, len(ts))
	for _, t := range ts {
		var c topics.Counts
		for _, pi := range t.Partitions {
			c.Add(topics.Classify(pi.Leader, pi.Replicas, pi.ISR, 0, live))
		}
		r := ListRow{Name: t.Name, TopicID: t.TopicID, Internal: t.Internal, PartitionCount: len(t.Partitions),
			ReplicationFactor: t.ReplicationFactor(), UnderReplicated: c.UnderReplicated, Offline: c.Unavailable}
		v.Topics = append(v.Topics, r)
		rows = append(rows, []string{r.Name, strconv.Itoa(r.PartitionCount), strconv.Itoa(r.ReplicationFactor),
			strconv.Itoa(r.UnderReplicated), strconv.Itoa(r.Offline)})
	}
	if err := p.Print(v, ListHeaders, rows); err != nil {
		return err
	}
	if failed == 0 {
		o.F.NoteEmpty(p, len(rows), sel.emptyNote())
	}
	return partial(failed, "topic")
}
