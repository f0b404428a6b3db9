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
)

// DescribeOptions are the inputs of `kctl group describe`.
type DescribeOptions struct {
	F      *cmdutil.Factory
	Groups []string
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
	ProtocolType string       `json:"protocolType"`
	Protocol     string       `json:"protocol"`
	Coordinator  *int32       `json:"coordinator"`
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
	StateHeaders  = []string{"GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "TYPE", "PROTOCOL-TYPE", "#MEMBERS"}
	MemberHeaders = []string{"GROUP", "MEMBER-ID", "GROUP-INSTANCE-ID", "CLIENT-ID", "HOST", "ASSIGNMENT"}
)

// NewCmdDescribe returns `kctl group describe`.
func NewCmdDescribe(f *cmdutil.Factory, runF func(*DescribeOptions) error) *cobra.Command {
	opts := &DescribeOptions{F: f}
	return &cobra.Command{
		Use:   "describe GROUP...",
		Short: "Show a group's state, protocol, assignor, coordinator and members with their assignments",
		Long: `Describe consumer groups: state, protocol type, assignor, coordinator, and the
members (MEMBER-ID, GROUP-INSTANCE-ID, CLIENT-ID, HOST, ASSIGNMENT). Groups on
the new consumer protocol (KIP-848, Kafka 4) are described with
ConsumerGroupDescribe, so their members and assignments show.

For lag, use 'kctl lag describe'. A group that does not exist is reported as
Kafka does ("Consumer group 'x' does not exist.") and the exit code is 1.`,
		Example: `  kctl group describe billing
  kctl group describe billing shipping -o json`,
		Args: cmdutil.MinArgs(1, "one or more group names"),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, g := range args {
				if g == "" {
					return errs.Usagef("a group name cannot be empty")
				}
			}
			opts.Groups = args
			if runF != nil {
				return runF(opts)
			}
			return RunDescribe(cmd.Context(), opts)
		},
	}
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
		gv := GroupView{Group: g, State: d.State, Type: d.Type, ProtocolType: d.ProtocolType, Protocol: d.Protocol,
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
			stateRows = append(stateRows, []string{g, coordinator(d.Coordinator), dash(d.Protocol), d.State, dash(d.Type), dash(d.ProtocolType), strconv.Itoa(len(d.Members))})
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
			memberRows = append(memberRows, []string{g, m.MemberID, dash(m.GroupInstanceID), dash(m.ClientID), dash(m.Host), assignment(m.Assignment)})
		}
		v.Groups = append(v.Groups, gv)
	}
	if done, err := p.Data(v); done {
		if err != nil {
			return err
		}
	} else {
		if len(stateRows) > 0 {
			if err := p.Table(StateHeaders, stateRows); err != nil {
				return err
			}
		}
		if len(memberRows) > 0 {
			fmt.Fprintln(p.Out)
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
