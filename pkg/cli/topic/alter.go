package topic

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// AlterOptions are the inputs of `kctl topic alter`.
type AlterOptions struct {
	F            *cmdutil.Factory
	Name         string
	Partitions   int32
	ValidateOnly bool
}

// AlterView is the JSON shape of `topic alter`.
type AlterView struct {
	Name               string `json:"name"`
	PreviousPartitions int    `json:"previousPartitionCount"`
	PartitionCount     int32  `json:"partitionCount"`
	ValidateOnly       bool   `json:"validateOnly"`
}

// NewCmdAlter returns `kctl topic alter`.
func NewCmdAlter(f *cmdutil.Factory, runF func(*AlterOptions) error) *cobra.Command {
	opts := &AlterOptions{F: f}
	var partitions int
	cmd := &cobra.Command{
		Use:   "alter NAME --partitions N",
		Short: "Add partitions to a topic",
		Long: `Raise a topic's partition count. Kafka cannot remove partitions, so a lower
count is refused. Adding partitions changes which partition a key maps to:
consumers relying on key order see keys move.`,
		Example: `  kctl topic alter orders --partitions 24
  kctl topic alter orders --partitions 24 --validate-only`,
		Args: cmdutil.ExactArgs(1, "one topic name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if !cmd.Flags().Changed("partitions") {
				return errs.Usagef("--partitions is required")
			}
			if partitions < 1 {
				return errs.Usagef("--partitions must be at least 1, got %d", partitions)
			}
			if partitions > 1<<31-1 {
				return errs.Usagef("--partitions %d is too large", partitions)
			}
			opts.Partitions = int32(partitions)
			if runF != nil {
				return runF(opts)
			}
			return RunAlter(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&partitions, "partitions", "p", 0, "the new total partition count (must be higher than now)")
	cmd.Flags().BoolVar(&opts.ValidateOnly, "validate-only", false, "let the broker validate the change; change nothing")
	return cmd
}

// RunAlter runs `topic alter`.
func RunAlter(parent context.Context, o *AlterOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	ts, _, err := a.DescribeTopics(ctx, []string{o.Name})
	if err != nil {
		return err
	}
	if len(ts) != 1 {
		return fmt.Errorf("topic '%s': the broker did not describe it", o.Name)
	}
	if ts[0].Err != nil {
		if errors.Is(ts[0].Err, kafka.ErrTopicNotFound) {
			return fmt.Errorf("topic '%s' does not exist", o.Name)
		}
		return ts[0].Err
	}
	cur := len(ts[0].Partitions)
	switch {
	case int(o.Partitions) < cur:
		return errs.Usagef("topic '%s' has %d partitions; Kafka cannot decrease the partition count (asked for %d)", o.Name, cur, o.Partitions)
	case int(o.Partitions) == cur:
		return errs.Usagef("topic '%s' already has %d partitions", o.Name, cur)
	}
	if err := a.CreatePartitions(ctx, o.Name, o.Partitions, o.ValidateOnly); err != nil {
		return err
	}
	v := AlterView{Name: o.Name, PreviousPartitions: cur, PartitionCount: o.Partitions, ValidateOnly: o.ValidateOnly}
	if done, err := p.Data(v); done {
		return err
	}
	if o.ValidateOnly {
		fmt.Fprintf(o.F.Streams.Out, "Topic %s would go from %d to %d partitions (validate only: nothing changed).\n", o.Name, cur, o.Partitions)
		return nil
	}
	fmt.Fprintf(o.F.Streams.Out, "Topic %s now has %d partitions (was %d).\n", o.Name, o.Partitions, cur)
	return nil
}
