// Package group implements `kctl group`.
package group

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// NewCmd returns `kctl group`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "List, describe and delete consumer groups", Args: cmdutil.NoArgs}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdDescribe(f, nil), NewCmdDelete(f, nil), NewCmdDeleteOffsets(f, nil))
	return cmd
}

// coordinator renders a coordinator as Kafka's --state does: host:port (id).
func coordinator(b kafka.Broker) string {
	if b.Addr == "" {
		return "-"
	}
	// One word (id@host:port), so awk column numbers hold.
	return fmt.Sprintf("%d@%s", b.ID, b.Addr)
}

func coordinatorID(b kafka.Broker) *int32 {
	if b.Addr == "" {
		return nil
	}
	id := b.ID
	return &id
}

// assignment renders partitions compactly: "orders:0,1,2 payments:0".
func assignment(tps []kafka.TopicPartition) string {
	if len(tps) == 0 {
		return "-"
	}
	by := map[string][]string{}
	var topics []string
	for _, tp := range tps {
		if _, ok := by[tp.Topic]; !ok {
			topics = append(topics, tp.Topic)
		}
		by[tp.Topic] = append(by[tp.Topic], fmt.Sprint(tp.Partition))
	}
	sort.Strings(topics)
	parts := make([]string, len(topics))
	for i, t := range topics {
		// kafka-consumer-groups.sh --members --verbose: topic(0,1),other(2)
		parts[i] = t + "(" + strings.Join(by[t], ",") + ")"
	}
	return strings.Join(parts, ",")
}

// memberNames lists members for a refusal: "id (client c, host h)".
func memberNames(ms []kafka.GroupMember) string {
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s (client %s, host %s)", m.MemberID, text.Dash(m.ClientID), text.Dash(m.Host)))
	}
	return strings.Join(out, ", ")
}

// notFound is Kafka's message for a group the coordinator does not know.
func notFound(g string) string { return fmt.Sprintf("Consumer group '%s' does not exist.", g) }
