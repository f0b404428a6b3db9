// Package partitions implements `kctl partitions`: leader elections and
// partition reassignments, the jobs of kafka-leader-election.sh and
// kafka-reassign-partitions.sh.
package partitions

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/reassign"
)

// NewCmd returns `kctl partitions`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "partitions",
		Aliases: []string{"partition"},
		Short:   "Elect partition leaders and reassign replicas",
		Args:    cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdElect(f, nil), NewCmdReassign(f, nil))
	return cmd
}

// toPartitions converts metadata topics to the pure package's partitions,
// keeping only the partitions keep accepts.
func toPartitions(ts []kafka.TopicInfo, keep func(topic string, p int32) bool) []reassign.Partition {
	var out []reassign.Partition
	for _, t := range ts {
		for _, p := range t.Partitions {
			if keep != nil && !keep(t.Name, p.Partition) {
				continue
			}
			out = append(out, reassign.Partition{Topic: t.Name, Partition: p.Partition, Leader: p.Leader, Replicas: p.Replicas, ISR: p.ISR})
		}
	}
	return out
}

func liveSet(bs []kafka.Broker) map[int32]bool {
	live := make(map[int32]bool, len(bs))
	for _, b := range bs {
		live[b.ID] = true
	}
	return live
}

func leaderString(l int32) string {
	if l < 0 {
		return "none"
	}
	return strconv.Itoa(int(l))
}
