package group

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// DeleteOptions are the inputs of `kctl group delete`.
type DeleteOptions struct {
	F      *cmdutil.Factory
	Groups []string
	Yes    bool
}

// DeleteView is the JSON shape of `group delete`: every named group, its
// state when checked, whether it was deleted, and why not.
type DeleteView struct {
	Groups []DeleteItem `json:"groups"`
}

// DeleteItem is one group.
type DeleteItem struct {
	Group   string  `json:"group"`
	State   string  `json:"state"`
	Deleted bool    `json:"deleted"`
	Error   *string `json:"error"`
}

// DeleteHeaders are the table's columns.
var DeleteHeaders = []string{"GROUP", "STATE", "RESULT"}

// NewCmdDelete returns `kctl group delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{F: f}
	cmd := &cobra.Command{
		Use:   "delete GROUP... [--yes]",
		Short: "Delete consumer groups that have no members (only with --yes)",
		Long: `Delete consumer groups and their committed offsets. Only groups in state Empty
can be deleted: a group with members is refused, naming them (stop the
consumers first). The groups are checked first; if any cannot be deleted
(members, does not exist, unreadable), nothing is deleted and the exit code is 1.

Without --yes the command shows what it would delete and exits 2, changing
nothing.`,
		Example: `  kctl group delete billing
  kctl group delete billing old-reports --yes`,
		Args: cmdutil.MinArgs(1, "one or more group names"),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, g := range args {
				if g == "" {
					return errs.Usagef("a group name cannot be empty")
				}
			}
			opts.Groups = cmdutil.Uniq(args)
			if runF != nil {
				return runF(opts)
			}
			return RunDelete(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Yes, "yes", false, "delete (without it, only check and show what would be deleted)")
	return cmd
}

// RunDelete runs `group delete`.
func RunDelete(parent context.Context, o *DeleteOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	descs, err := a.DescribeGroups(ctx, o.Groups)
	if err != nil {
		return err
	}
	items := make([]DeleteItem, len(o.Groups))
	coords := map[string]kafka.Broker{}
	var refusals []string
	for i, g := range o.Groups {
		d := descs[g]
		items[i] = DeleteItem{Group: g}
		var why string
		switch {
		case d == nil:
			why = fmt.Sprintf("group '%s' was not described", g)
		case d.Err != nil:
			why = d.Err.Error()
		case !d.Exists():
			why = notFound(g)
		case d.State != "Empty":
			n := len(d.Members)
			why = fmt.Sprintf("Consumer group '%s' is not empty (state %s, %d member(s): %s): stop its consumers first.", g, d.State, n, memberNames(d.Members))
			if n == 0 {
				why = fmt.Sprintf("Consumer group '%s' is not empty (state %s): wait until it is Empty.", g, d.State)
			}
		}
		if d != nil {
			items[i].State = d.State
			coords[g] = d.Coordinator
		}
		if why != "" {
			items[i].Error = &why
			refusals = append(refusals, why)
		}
	}
	show := func() error {
		var rows [][]string
		for _, it := range items {
			res := "deleted"
			switch {
			case it.Error != nil:
				res = "refused"
			case len(refusals) > 0:
				res = "not deleted"
			case !it.Deleted:
				res = "would delete"
			}
			rows = append(rows, []string{it.Group, text.Dash(it.State), res})
		}
		return p.Print(DeleteView{Groups: items}, DeleteHeaders, rows)
	}
	if len(refusals) > 0 {
		if err := show(); err != nil {
			return err
		}
		for _, r := range refusals {
			o.F.Warnf("Error: %s", r)
		}
		o.F.Warnf("Nothing was deleted.")
		return errs.SilentExit(errs.ExitFailure)
	}
	if !o.Yes {
		if err := show(); err != nil {
			return err
		}
		refuse := func() error {
			o.F.Warnf("%d group(s) can be deleted. Nothing was deleted: re-run with --yes to delete them.", len(items))
			return errs.SilentExit(errs.ExitUsage)
		}
		if p.Structured() {
			return refuse()
		}
		if err := o.F.Confirm(false, fmt.Sprintf("Delete %d group(s) and their committed offsets?", len(items)), refuse); err != nil {
			return err
		}
	}
	res, err := a.DeleteGroups(ctx, o.Groups, coords)
	if err != nil {
		return err
	}
	failed := 0
	for i, it := range items {
		if e := res[it.Group]; e != nil {
			msg := e.Error()
			items[i].Error = &msg
			o.F.Warnf("Error: %s", msg)
			failed++
		} else {
			items[i].Deleted = true
		}
	}
	if err := show(); err != nil {
		return err
	}
	if failed > 0 {
		return errs.SilentExit(errs.ExitFailure)
	}
	return nil
}
