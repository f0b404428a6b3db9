package group

import (
	"context"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// ListOptions are the inputs of `kctl group list`.
type ListOptions struct {
	F      *cmdutil.Factory
	States []string
	Types  []string
}

// ListView is the JSON shape of `group list`.
type ListView struct {
	Groups []ListItem `json:"groups"`
}

// ListItem is one group. Coordinator is the broker id; members counts the
// active members.
type ListItem struct {
	Group        string  `json:"group"`
	State        string  `json:"state"`
	Type         string  `json:"type"`
	ProtocolType *string `json:"protocolType"`
	Protocol     *string `json:"protocol"`
	Members      int     `json:"memberCount"`
	Coordinator  *int32  `json:"coordinator"`
	Error        *string `json:"error"`
}

// ListHeaders are the table's columns.
var ListHeaders = []string{"GROUP", "STATE", "TYPE", "PROTOCOL", "MEMBERS", "COORDINATOR"}

var knownStates = []string{"stable", "empty", "preparingrebalance", "completingrebalance", "dead", "assigning", "reconciling"}

// NewCmdList returns `kctl group list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{F: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List consumer groups with their state, type, assignor, members and coordinator",
		Long: `List every consumer group: one ListGroups per broker (each broker lists the
groups it coordinates), then one DescribeGroups per coordinator for the state,
assignor and members (ConsumerGroupDescribe for groups on the new consumer
protocol, KIP-848). A broker that does not answer is reported and the exit
code is 1: the groups it coordinates are missing from the list.`,
		Example: `  kctl group list
  kctl group list --state empty
  kctl group list --type consumer -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, s := range opts.States {
				if !contains(knownStates, strings.ToLower(s)) {
					return errs.Usagef("unknown --state %q: use %s", s, strings.Join(knownStates, ", "))
				}
			}
			for _, t := range opts.Types {
				if !contains([]string{"classic", "consumer"}, strings.ToLower(t)) {
					return errs.Usagef("unknown --type %q: use classic or consumer", t)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return RunList(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringSliceVar(&opts.States, "state", nil, "only groups in these states (comma-separated: stable, empty, preparingrebalance, ...)")
	cmd.Flags().StringSliceVar(&opts.Types, "type", nil, "only groups of these types: classic, consumer (KIP-848)")
	return cmd
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// RunList runs `group list`.
func RunList(parent context.Context, o *ListOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	list, descs, err := a.ListAndDescribeGroups(ctx)
	if err != nil {
		return err
	}
	v := ListView{Groups: []ListItem{}}
	var rows [][]string
	failed := false
	for _, l := range list.Groups {
		d := descs[l.Group]
		it := ListItem{Group: l.Group, State: l.State, Type: l.Type, Coordinator: coordinatorID(l.Coordinator)}
		protocolType, protocol := l.ProtocolType, ""
		if d != nil {
			if d.State != "" {
				it.State = d.State
			}
			if d.Type != "" && it.Type == "" {
				it.Type = d.Type
			}
			if d.ProtocolType != "" {
				protocolType = d.ProtocolType
			}
			protocol, it.Members = d.Protocol, len(d.Members)
			if d.Err != nil {
				e := d.Err.Error()
				it.Error = &e
				o.F.Warnf("Error: %v", d.Err)
				failed = true
			}
		}
		if it.Type == "" {
			it.Type = "classic"
		}
		it.ProtocolType, it.Protocol = text.Null(protocolType), text.Null(protocol)
		if len(o.States) > 0 && !contains(o.States, it.State) || len(o.Types) > 0 && !contains(o.Types, it.Type) {
			continue
		}
		v.Groups = append(v.Groups, it)
		rows = append(rows, []string{it.Group, text.Dash(it.State), it.Type, text.Dash(protocol), strconv.Itoa(it.Members), coordinator(l.Coordinator)})
	}
	for id, e := range list.Errors {
		o.F.Warnf("Error: broker %d did not list its groups (they are missing here): %v", id, e)
		failed = true
	}
	if err := p.Print(v, ListHeaders, rows); err != nil {
		return err
	}
	if !failed {
		o.F.NoteEmpty(p, len(rows), o.emptyNote())
	}
	if failed {
		return errs.SilentExit(errs.ExitFailure)
	}
	return nil
}

func (o *ListOptions) emptyNote() string {
	var filters []string
	if len(o.States) > 0 {
		filters = append(filters, "--state "+strings.Join(o.States, ","))
	}
	if len(o.Types) > 0 {
		filters = append(filters, "--type "+strings.Join(o.Types, ","))
	}
	if len(filters) == 0 {
		return "No consumer group exists."
	}
	return "No consumer group matches " + strings.Join(filters, " ") + "."
}
