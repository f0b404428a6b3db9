package group

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/offsets"
)

// DeleteOffsetsOptions are the inputs of `kctl group delete-offsets`.
type DeleteOffsetsOptions struct {
	F      *cmdutil.Factory
	Group  string
	Topics []string
	DryRun bool
	// UndoFile is where the offsets are saved before they are deleted
	// ("": a new file in the state directory).
	UndoFile string
}

// DeleteOffsetsView is the JSON shape of `group delete-offsets`.
type DeleteOffsetsView struct {
	Group      string             `json:"group"`
	Partitions []DeleteOffsetItem `json:"partitions"`
	// UndoFile holds the deleted offsets (null on --dry-run).
	UndoFile *string `json:"undoFile"`
}

// DeleteOffsetItem is one partition's committed offset and its fate.
type DeleteOffsetItem struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Offset    int64   `json:"offset"`
	Deleted   bool    `json:"deleted"`
	Error     *string `json:"error"`
}

// DeleteOffsetsHeaders are the table's columns (Kafka prints TOPIC,
// PARTITION, STATUS).
var DeleteOffsetsHeaders = []string{"TOPIC", "PARTITION", "OFFSET", "STATUS"}

// NewCmdDeleteOffsets returns `kctl group delete-offsets`.
func NewCmdDeleteOffsets(f *cmdutil.Factory, runF func(*DeleteOffsetsOptions) error) *cobra.Command {
	opts := &DeleteOffsetsOptions{F: f}
	cmd := &cobra.Command{
		Use:   "delete-offsets GROUP --topic T [--topic T2] [--dry-run]",
		Short: "Delete a group's committed offsets on topics (kafka-consumer-groups.sh --delete-offsets)",
		Long: `Delete the committed offsets of a group on the given topics, as
kafka-consumer-groups.sh --delete-offsets does (Kafka 2.4+, OffsetDelete).
The partitions deleted are those the group has a commit on; the table shows
the offset each one had. Kafka refuses topics the group's active members
are subscribed to: stop the consumers first. --dry-run only shows what would
be deleted. The offsets are written to an undo file first (as offsets reset
does; --undo-file, default a new file in the state directory):
'kctl offsets reset --from-file UNDO --execute' commits them back.

Exit 1 if any partition could not be deleted, or the group has no commit on
the topics.`,
		Example: `  kctl group delete-offsets billing --topic orders
  kctl group delete-offsets billing --topic orders --dry-run -o json`,
		Args: cmdutil.ExactArgs(1, "a group name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Group = args[0]
			if opts.Group == "" {
				return errs.Usagef("a group name cannot be empty")
			}
			if len(opts.Topics) == 0 {
				return errs.Usagef("name the topics with --topic T (repeatable)")
			}
			for _, t := range opts.Topics {
				if t == "" {
					return errs.Usagef("a topic name cannot be empty")
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return RunDeleteOffsets(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Topics, "topic", "t", nil, "topic whose offsets to delete (repeatable)")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "only show the offsets that would be deleted")
	cmd.Flags().StringVar(&opts.UndoFile, "undo-file", "", "where the deleted offsets are written first (default: a new file in the state dir)")
	return cmd
}

// RunDeleteOffsets runs `group delete-offsets`.
func RunDeleteOffsets(parent context.Context, o *DeleteOffsetsOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	offs, err := a.FetchGroupOffsets(ctx, []string{o.Group})
	if err != nil {
		return err
	}
	go0 := offs[o.Group]
	if go0 == nil {
		return fmt.Errorf("fetch offsets of group '%s': no answer", o.Group)
	}
	if go0.Err != nil {
		return go0.Err
	}
	want := map[string]bool{}
	for _, t := range o.Topics {
		want[t] = true
	}
	var parts []kafka.TopicPartition
	for tp := range go0.Offsets {
		if want[tp.Topic] {
			parts = append(parts, tp)
		}
	}
	kafka.SortPartitions(parts)
	if len(parts) == 0 {
		return errs.Exit(errs.ExitFailure, "group '%s' has no committed offsets on %v: nothing to delete", o.Group, o.Topics)
	}
	v := DeleteOffsetsView{Group: o.Group}
	for _, tp := range parts {
		v.Partitions = append(v.Partitions, DeleteOffsetItem{Topic: tp.Topic, Partition: tp.Partition, Offset: go0.Offsets[tp]})
	}
	failed := 0
	if !o.DryRun {
		// The offsets go to an undo file first, as offsets reset does:
		// kctl offsets reset --from-file UNDO --execute commits them back.
		rows := make([]offsets.Row, 0, len(v.Partitions))
		for _, it := range v.Partitions {
			rows = append(rows, offsets.Row{Group: o.Group, Topic: it.Topic, Partition: it.Partition, Offset: it.Offset})
		}
		path := o.UndoFile
		if path == "" {
			if path, err = offsets.UndoPath(os.Getenv, time.Now(), []string{o.Group}); err != nil {
				return err
			}
		}
		if err := offsets.WriteUndoFile(path, rows); err != nil {
			return fmt.Errorf("the undo file could not be written (%v); nothing was deleted", err)
		}
		v.UndoFile = &path
		o.F.Warnf("Undo file: %s (restore with: kctl offsets reset --from-file %s --execute)", path, path)
		res, err := a.DeleteOffsets(ctx, o.Group, parts)
		if err != nil {
			return err
		}
		for i, it := range v.Partitions {
			if e := res[kafka.TopicPartition{Topic: it.Topic, Partition: it.Partition}]; e != nil {
				msg := e.Error()
				v.Partitions[i].Error = &msg
				failed++
			} else {
				v.Partitions[i].Deleted = true
			}
		}
	}
	var rows [][]string
	var warnings []string
	reported := map[string]bool{}
	for _, it := range v.Partitions {
		status := "Successful"
		switch {
		case o.DryRun:
			status = "Would delete"
		case it.Error != nil:
			status = "Error"
			if !reported[*it.Error] {
				reported[*it.Error] = true
				warnings = append(warnings, fmt.Sprintf("Error: %s[%d]: %s", it.Topic, it.Partition, *it.Error))
			}
		}
		rows = append(rows, []string{it.Topic, strconv.Itoa(int(it.Partition)), strconv.FormatInt(it.Offset, 10), status})
	}
	if err := p.Print(v, DeleteOffsetsHeaders, rows); err != nil {
		return err
	}
	for _, w := range warnings {
		o.F.Warnf("%s", w)
	}
	if failed > 0 {
		return errs.SilentExit(errs.ExitFailure)
	}
	return nil
}
