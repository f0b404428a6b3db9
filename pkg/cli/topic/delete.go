package topic

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// DeleteOptions are the inputs of `kctl topic delete`.
type DeleteOptions struct {
	F     *cmdutil.Factory
	Names []string
	Yes   bool
}

// DeleteView is the JSON shape of `topic delete`.
type DeleteView struct {
	Deleted bool          `json:"deleted"`
	Topics  []DeleteTopic `json:"topics"`
}

// DeleteTopic is one topic of a delete plan or result.
type DeleteTopic struct {
	Name              string  `json:"name"`
	TopicID           string  `json:"topicId"`
	PartitionCount    int     `json:"partitionCount"`
	ReplicationFactor int     `json:"replicationFactor"`
	Error             *string `json:"error"`
}

// NewCmdDelete returns `kctl topic delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{F: f}
	cmd := &cobra.Command{
		Use:   "delete NAME...",
		Short: "Delete topics (prints the plan; --yes deletes)",
		Long: `Delete topics and all their data. Without --yes it prints what would be deleted
and exits 2. Every name must exist, and internal topics (__consumer_offsets,
__transaction_state, ...) are refused; otherwise nothing is deleted.`,
		Example: `  kctl topic delete orders-tmp            # shows the plan, exit 2
  kctl topic delete orders-tmp --yes`,
		Args: cmdutil.MinArgs(1, "at least one topic name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = cmdutil.Uniq(args)
			for _, n := range opts.Names {
				if topics.IsInternal(n, false) {
					return errs.Usagef("topic '%s' is a Kafka internal topic and cannot be deleted", n)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return RunDelete(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "really delete")
	return cmd
}

// DeleteHeaders are the columns of the delete plan.
var DeleteHeaders = []string{"TOPIC", "PARTITIONS", "REPLICATION-FACTOR", "TOPIC-ID"}

// RunDelete runs `topic delete`.
func RunDelete(parent context.Context, o *DeleteOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	ts, _, err := a.DescribeTopics(ctx, o.Names)
	if err != nil {
		return err
	}
	v := DeleteView{}
	var missing []string
	for _, t := range ts {
		if t.Err != nil {
			if errors.Is(t.Err, kafka.ErrTopicNotFound) {
				missing = append(missing, t.Name)
				continue
			}
			return fmt.Errorf("cannot delete: %w", t.Err)
		}
		if topics.IsInternal(t.Name, t.Internal) {
			return errs.Usagef("topic '%s' is a Kafka internal topic and cannot be deleted; nothing was deleted", t.Name)
		}
		v.Topics = append(v.Topics, DeleteTopic{Name: t.Name, TopicID: t.TopicID, PartitionCount: len(t.Partitions), ReplicationFactor: t.ReplicationFactor()})
	}
	if len(missing) > 0 {
		for _, n := range missing {
			o.F.Warnf("Error: topic '%s' does not exist", n)
		}
		return fmt.Errorf("%d of %d topics do not exist; nothing was deleted", len(missing), len(o.Names))
	}
	rows := func() [][]string {
		var rs [][]string
		for _, t := range v.Topics {
			id := t.TopicID
			if id == "" {
				id = "-"
			}
			rs = append(rs, []string{t.Name, strconv.Itoa(t.PartitionCount), strconv.Itoa(t.ReplicationFactor), id})
		}
		return rs
	}
	if !o.Yes {
		if done, err := p.Data(v); done {
			if err != nil {
				return err
			}
		} else {
			fmt.Fprintf(o.F.Streams.Out, "Would delete %s, data included:\n", text.Plural(len(v.Topics), "topic", "topics"))
			if err := p.Table(DeleteHeaders, rows()); err != nil {
				return err
			}
		}
		refuse := func() error { return errs.Exit(errs.ExitUsage, "nothing deleted: run again with --yes to delete") }
		if p.Structured() {
			return refuse()
		}
		if err := o.F.Confirm(false, fmt.Sprintf("Delete %s and their data?", text.Plural(len(v.Topics), "topic", "topics")), refuse); err != nil {
			return err
		}
	}
	res, err := a.DeleteTopics(ctx, o.Names)
	if err != nil {
		return err
	}
	failed := 0
	for i := range v.Topics {
		if e := res[v.Topics[i].Name]; e != nil {
			v.Topics[i].Error = text.Null(e.Error())
			o.F.Warnf("Error: %v", e)
			failed++
		}
	}
	v.Deleted = failed == 0
	if done, err := p.Data(v); done {
		if err != nil {
			return err
		}
		return partial(failed, "topic deletion")
	}
	for _, t := range v.Topics {
		if t.Error == nil {
			fmt.Fprintf(o.F.Streams.Out, "Deleted topic %s.\n", t.Name)
		}
	}
	return partial(failed, "topic deletion")
}
