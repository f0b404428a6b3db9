package partitions

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/output/text"
	"github.com/kctl-dev/kctl/pkg/reassign"
)

// ElectOptions are the inputs of `kctl partitions elect-leaders`.
type ElectOptions struct {
	F         *cmdutil.Factory
	Type      string
	Topics    []string
	Partition int32 // -1: every partition of the topics
	All       bool
	Execute   bool
	Yes       bool
}

// ElectView is the JSON shape of `partitions elect-leaders`. Executed is
// false for a dry run.
type ElectView struct {
	Type       string          `json:"type"`
	Executed   bool            `json:"executed"`
	Partitions []ElectionEntry `json:"partitions"`
}

// ElectionEntry is one partition the election concerns. Result is
// "elected", "not needed" (the leader already was the one the election
// picks), "skipped" (not eligible: see reason), or Kafka's error; null
// for an eligible partition in a dry run (nothing was sent).
type ElectionEntry struct {
	reassign.Election
	Result *string `json:"result"`
}

func result(s string) *string { return &s }

// ElectHeaders are the table's columns.
var ElectHeaders = []string{"TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "NEW-LEADER", "RESULT"}

// NewCmdElect returns `kctl partitions elect-leaders`.
func NewCmdElect(f *cmdutil.Factory, runF func(*ElectOptions) error) *cobra.Command {
	opts := &ElectOptions{F: f}
	var partition int
	cmd := &cobra.Command{
		Use:   "elect-leaders",
		Short: "Move partition leadership back to the preferred replica (or elect an unclean leader)",
		Long: `Elect partition leaders, as kafka-leader-election.sh does.

--type preferred (the default) makes each partition's first replica, the
preferred leader, its leader again, e.g. after a broker restart left
leadership on the others (topic describe --leader-not-preferred lists them).
Only partitions whose preferred replica is alive and in the ISR can move.

--type unclean elects a leader for partitions that have none, from replicas
outside the ISR: records the old leader had and the new one lacks are lost.
It needs --yes as well as --execute, and prints Kafka's data-loss warning.

Without --execute it only shows which partitions would change leader. The
election is one ElectLeaders request to the controller for all of them.`,
		Example: `  kctl partitions elect-leaders --all-topic-partitions
  kctl partitions elect-leaders --topic orders --execute
  kctl partitions elect-leaders --topic orders --partition 3 --type unclean --execute --yes`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Partition = -1
			if cmd.Flags().Changed("partition") {
				if partition < 0 {
					return errs.Usagef("--partition must be 0 or more")
				}
				if len(opts.Topics) != 1 {
					return errs.Usagef("--partition needs exactly one --topic")
				}
				opts.Partition = int32(partition)
			}
			if opts.Type != kafka.ElectPreferred && opts.Type != kafka.ElectUnclean {
				return errs.Usagef("--type must be preferred or unclean, not %q", opts.Type)
			}
			if opts.All == (len(opts.Topics) > 0) {
				return errs.Usagef("name the partitions: --topic T [--partition P], or --all-topic-partitions")
			}
			if runF != nil {
				return runF(opts)
			}
			return RunElect(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Type, "type", kafka.ElectPreferred, "election type: preferred or unclean")
	cmd.Flags().StringSliceVarP(&opts.Topics, "topic", "t", nil, "topic to elect leaders for (repeatable)")
	cmd.Flags().IntVarP(&partition, "partition", "p", 0, "only this partition of the one --topic")
	cmd.Flags().BoolVar(&opts.All, "all-topic-partitions", false, "every partition of every topic")
	cmd.Flags().BoolVar(&opts.Execute, "execute", false, "run the election (default: dry run)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "confirm an unclean election (data loss)")
	return cmd
}

// RunElect runs `partitions elect-leaders`: the current leaders from the
// Metadata read at connect, then (with --execute, when a partition needs
// it) one ElectLeaders to the controller.
func RunElect(parent context.Context, o *ElectOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	ts, live, err := a.DescribeTopics(ctx, o.Topics)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.Err != nil {
			if errors.Is(t.Err, kafka.ErrTopicNotFound) {
				return errs.Usagef("topic '%s' does not exist; nothing elected", t.Name)
			}
			return fmt.Errorf("cannot elect leaders: %w", t.Err)
		}
		if o.Partition >= 0 && int(o.Partition) >= len(t.Partitions) {
			return errs.Usagef("topic '%s' has no partition %d (it has %d); nothing elected", t.Name, o.Partition, len(t.Partitions))
		}
	}
	ps := toPartitions(ts, func(_ string, p int32) bool { return o.Partition < 0 || p == o.Partition })
	plan := reassign.PlanElection(o.Type, ps, liveSet(live))
	v := ElectView{Type: o.Type, Executed: o.Execute}
	var send []kafka.TopicPartition
	for _, e := range plan {
		v.Partitions = append(v.Partitions, ElectionEntry{Election: e})
		if e.Eligible {
			send = append(send, kafka.TopicPartition{Topic: e.Topic, Partition: e.Partition.Partition})
		}
	}
	if v.Partitions == nil {
		v.Partitions = []ElectionEntry{}
	}
	if o.Type == kafka.ElectUnclean && len(send) > 0 {
		o.F.Warnf("%s", reassign.UncleanWarning)
	}
	if !o.Execute || len(send) == 0 {
		if !o.Execute {
			for i := range v.Partitions {
				if !v.Partitions[i].Eligible {
					v.Partitions[i].Result = result("skipped")
				}
			}
		}
		if err := printElection(o, p, v); err != nil {
			return err
		}
		if len(plan) == 0 {
			return nil
		}
		if !o.Execute && len(send) > 0 {
			o.F.Warnf("Dry run: %s would change leader; run again with --execute to elect.", text.Plural(len(send), "partition", "partitions"))
		}
		if o.Execute && len(send) == 0 {
			return &errs.PartialFailure{Msg: fmt.Sprintf("no partition could be elected (%d not eligible)", len(plan))}
		}
		return nil
	}
	if o.Type == kafka.ElectUnclean && !o.Yes {
		if err := printElection(o, p, v); err != nil {
			return err
		}
		return errs.Exit(errs.ExitUsage, "nothing elected: an unclean election can lose data; add --yes to run it")
	}
	res, err := a.ElectLeaders(ctx, o.Type, send)
	if err != nil {
		return err
	}
	failed := 0
	for i := range v.Partitions {
		e := &v.Partitions[i]
		if !e.Eligible {
			e.Result = result("skipped")
			failed++
			continue
		}
		switch rerr := res[kafka.TopicPartition{Topic: e.Topic, Partition: e.Partition.Partition}]; {
		case rerr == nil:
			e.Result = result("elected")
		case errors.Is(rerr, kafka.ErrElectionNotNeeded):
			e.Result = result("not needed")
		default:
			e.Result = result(rerr.Error())
			failed++
		}
	}
	if err := printElection(o, p, v); err != nil {
		return err
	}
	if failed > 0 {
		return &errs.PartialFailure{Msg: fmt.Sprintf("%d of %d partitions were not elected", failed, len(v.Partitions))}
	}
	return nil
}

func printElection(o *ElectOptions, p *output.Printer, v ElectView) error {
	if len(v.Partitions) == 0 && !p.Structured() {
		what := "is led by its preferred replica"
		if o.Type == kafka.ElectUnclean {
			what = "has a leader"
		}
		o.F.Warnf("Nothing to elect: every partition in scope %s.", what)
		return nil
	}
	rows := make([][]string, 0, len(v.Partitions))
	for _, e := range v.Partitions {
		nl := leaderString(e.NewLeader)
		if e.NewLeader < 0 {
			nl = "a live replica"
		}
		res := ""
		if e.Result != nil {
			res = *e.Result
		}
		switch {
		case res == "skipped" || (res == "" && !e.Eligible):
			res = "skipped: " + *e.Reason
		case res == "" && !v.Executed:
			res = "would elect"
		}
		rows = append(rows, []string{e.Topic, strconv.Itoa(int(e.Partition.Partition)), leaderString(e.Leader), text.IDs(e.Replicas), text.IDs(e.ISR), nl, res})
	}
	return p.Print(v, ElectHeaders, rows)
}
