package group

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// DescribeOptions are the inputs of `kctl group describe`.
type DescribeOptions struct {
	F      *cmdutil.Factory
	Groups []string
	// State and Members print only that table (kafka-consumer-groups.sh
	// --describe --state / --members).
	State, Members bool
}

// DescribeView is the JSON shape of `group describe`.
type DescribeView struct {
	Groups []GroupView `json:"groups"`
}

// GroupView is one group. Coordinator is the broker id; error is null
// unless the group could not be described or does not exist.
type GroupView struct {
	Group        string       `json:"group"`
	State        string       `json:"state"`
	Type         string       `json:"type"`
	ProtocolType *string      `json:"protocolType"`
	Protocol     *string      `json:"protocol"`
	Coordinator  *int32       `json:"coordinator"`
	MemberCount  int          `json:"memberCount"`
	Members      []MemberView `json:"members"`
	Error        *string      `json:"error"`
}

// MemberView is one member; groupInstanceId is null without static
// membership.
type MemberView struct {
	MemberID        string                 `json:"memberId"`
	GroupInstanceID *string                `json:"groupInstanceId"`
	ClientID        string                 `json:"clientId"`
	Host            string                 `json:"host"`
	Assignment      []kafka.TopicPartition `json:"assignment"`
}

// Table columns: the group's state (as kafka-consumer-groups.sh --state
// prints it, plus TYPE and PROTOCOL-TYPE), then its members.
var (
	// kafka-consumer-groups.sh --describe --state's columns (COORDINATOR in
	// one word, id@host:port), then kctl's TYPE and PROTOCOL-TYPE.
	StateHeaders = []string{"GROUP", "COORDINATOR", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS", "TYPE", "PROTOCOL-TYPE"}
	// kafka-consumer-groups.sh --describe --members --verbose's columns.
	MemberHeaders = []string{"GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT"}
)

// NewCmdDescribe returns `kctl group describe`.
func NewCmdDescribe(f *cmdutil.Factory, runF func(*DescribeOptions) error) *cobra.Command {
	opts := &DescribeOptions{F: f}
	cmd := &cobra.Command{
		Use:   "describe GROUP...",
		Short: "Show a group's state, protocol, assignor, coordinator and members with their assignments",
		Long: `Describe consumer groups with kafka-consumer-groups.sh's columns: the --state
table (GROUP COORDINATOR ASSIGNMENT-STRATEGY STATE #MEMBERS, then TYPE and
PROTOCOL-TYPE; COORDINATOR is id@host:port, one word) and the --members --verbose
table (GROUP CONSUMER-ID GROUP-INSTANCE-ID HOST CLIENT-ID #PARTITIONS ASSIGNMENT,
the assignment as topic(0,1),other(2)). --state or --members prints only that
table. Groups on
the new consumer protocol (KIP-848, Kafka 4) are described with
ConsumerGroupDescribe, so their members and assignments show.

For lag, use 'kctl lag describe'. A group that does not exist is reported as
Kafka does ("Consumer group 'x' does not exist.") and the exit code is 1.`,
		Example: `  kctl group describe billing
  kctl group describe shipping --members
  kctl group describe billing shipping -o json`,
		Args: cmdutil.MinArgs(1, "one or more group names"),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, g := range args {
				if g == "" {
					return errs.Usagef("a group name cannot be empty")
				}
			}
			opts.Groups = args
			if opts.State && opts.Members {
				return errs.Usagef("--state and --members each print one table: give one of them, or neither for both")
			}
			if runF != nil {
				return runF(opts)
			}
			return RunDescribe(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.State, "state", false, "only the state table (kafka-consumer-groups.sh --describe --state)")
	cmd.Flags().BoolVar(&opts.Members, "members", false, "only the members table (kafka-consumer-groups.sh --describe --members --verbose)")
	return cmd
}

// RunDescribe runs `group describe`.
func RunDescribe(parent context.Context, o *DescribeOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	descs, err := a.DescribeGroups(ctx, o.Groups)
	if err != nil {
		return err
	}
	v := DescribeView{Groups: []GroupView{}}
	var stateRows, memberRows [][]string
	var problems []string
	seen := map[string]bool{}
	for _, g := range o.Groups {
		if seen[g] {
			continue
		}
		seen[g] = true
		d := descs[g]
		if d == nil {
			d = &kafka.GroupDescription{Group: g, Err: fmt.Errorf("group %q was not described", g)}
		}
		gv := GroupView{Group: g, State: d.State, Type: d.Type, ProtocolType: text.Null(d.ProtocolType), Protocol: text.Null(d.Protocol),
			Coordinator: coordinatorID(d.Coordinator), Members: []MemberView{}}
		switch {
		case d.Err != nil:
			e := d.Err.Error()
			gv.Error = &e
			problems = append(problems, "Error: "+e)
		case !d.Exists():
			e := notFound(g)
			gv.Error = &e
			problems = append(problems, "Error: "+e)
		default:
			stateRows = append(stateRows, []string{g, coordinator(d.Coordinator), text.Dash(d.Protocol), d.State, strconv.Itoa(len(d.Members)), text.Dash(d.Type), text.Dash(d.ProtocolType)})
			if len(d.Members) == 0 {
				problems = append(problems, fmt.Sprintf("Consumer group '%s' has no active members.", g))
			}
		}
		for _, m := range d.Members {
			mv := MemberView{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.Host, Assignment: m.Assignment}
			if mv.Assignment == nil {
				mv.Assignment = []kafka.TopicPartition{}
			}
			if m.GroupInstanceID != "" {
				id := m.GroupInstanceID
				mv.GroupInstanceID = &id
			}
			gv.Members = append(gv.Members, mv)
			gv.MemberCount = len(gv.Members)
			memberRows = append(memberRows, []string{g, m.MemberID, text.Dash(m.GroupInstanceID), text.Dash(m.Host), text.Dash(m.ClientID), strconv.Itoa(len(m.Assignment)), assignment(m.Assignment)})
		}
		v.Groups = append(v.Groups, gv)
	}
	if done, err := p.Data(v); done {
		if err != nil {
			return err
		}
	} else {
		// Both tables by default; --state or --members one of them, as
		// kafka-consumer-groups.sh --describe --state / --members does.
		if !o.Members {
			if err := p.Table(StateHeaders, stateRows); err != nil {
				return err
			}
		}
		// Under the state table, no members table when no group has a
		// member (stderr says "has no active members").
		if !o.State && (o.Members || len(memberRows) > 0) {
			if !o.Members {
				fmt.Fprintln(p.Out)
			}
			if err := p.Table(MemberHeaders, memberRows); err != nil {
				return err
			}
		}
	}
	failed := false
	for _, m := range problems {
		o.F.Warnf("%s", m)
		failed = failed || strings.HasPrefix(m, "Error: ")
	}
	if failed {
		return errs.SilentExit(errs.ExitFailure)
	}
	return nil
}
