package acl

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
)

// DeleteOptions are the inputs of `kctl acl delete`.
type DeleteOptions struct {
	F      *cmdutil.Factory
	Filter acl.Filter
	Yes    bool
	All    bool
}

// DeleteView is the JSON shape of `acl delete`: the matching ACLs, and
// whether they were deleted (false without --yes).
type DeleteView struct {
	ACLs    []acl.ACL `json:"acls"`
	Deleted bool      `json:"deleted"`
}

// NewCmdDelete returns `kctl acl delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{F: f}
	var ff filterFlags
	cmd := &cobra.Command{
		Use:     "delete",
		Aliases: []string{"remove", "rm"},
		Short:   "Delete the ACLs a filter matches (lists them; deletes only with --yes)",
		Long: `Delete ACLs (kafka-acls.sh --remove). The ACLs the filter matches are listed
first; without --yes nothing is deleted and the command exits 2 (0 when
nothing matches: there is nothing to confirm). With --yes exactly the listed
ACLs are deleted, with one DeleteAcls request, and the command prints what was
deleted.

With a resource, the filter defaults to --resource-pattern-type literal, as
kafka-acls.sh does; 'match' also deletes the wildcard and prefixed ACLs that
apply to the resource. Without a resource it defaults to any. A filter that
names no resource, principal, host, operation or permission would delete every
ACL in the cluster: it needs --all as well.`,
		Example: `  kctl acl delete --principal User:alice --topic orders
  kctl acl delete --principal User:alice --topic orders --yes
  kctl acl delete --all --yes`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			filter, err := ff.filter(cmd.Flags())
			if err != nil {
				return err
			}
			opts.Filter = filter
			switch {
			case filter.IsEmpty() && !opts.All:
				return errs.Usagef("an empty filter matches every ACL in the cluster: narrow it (--principal, --topic, ...) or add --all to delete them all")
			case !filter.IsEmpty() && opts.All:
				return errs.Usagef("--all deletes every ACL and cannot be combined with a filter")
			}
			if runF != nil {
				return runF(opts)
			}
			return RunDelete(cmd.Context(), opts)
		},
	}
	ff.register(cmd.Flags(), "delete ACLs of", "")
	cmd.Flags().BoolVar(&opts.Yes, "yes", false, "delete the matching ACLs (without it, only list them)")
	cmd.Flags().BoolVar(&opts.All, "all", false, "allow an empty filter: every ACL in the cluster")
	return cmd
}

// RunDelete runs `acl delete`.
func RunDelete(parent context.Context, o *DeleteOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	matches, err := a.DescribeACLs(ctx, o.Filter)
	if err != nil {
		return err
	}
	if len(matches) == 0 {
		if !p.Structured() {
			o.F.Warnf("No ACL matches the filter: nothing to delete.")
		}
		return p.Print(DeleteView{ACLs: []acl.ACL{}, Deleted: o.Yes}, acl.Headers, nil)
	}
	if !o.Yes {
		if err := p.Print(DeleteView{ACLs: matches, Deleted: false}, acl.Headers, acl.Rows(matches)); err != nil {
			return err
		}
		refuse := func() error {
			o.F.Warnf("%d ACL(s) match. Nothing was deleted: re-run with --yes to delete them.", len(matches))
			return errs.SilentExit(errs.ExitUsage)
		}
		if p.Structured() {
			return refuse()
		}
		if err := o.F.Confirm(false, fmt.Sprintf("Delete these %d ACL(s)?", len(matches)), refuse); err != nil {
			return err
		}
	}
	// Delete exactly what was listed: one exact filter per ACL, so an ACL
	// added meanwhile that the filter would match is left alone.
	filters := make([]acl.Filter, len(matches))
	for i, m := range matches {
		filters[i] = acl.Exact(m)
	}
	deleted, err := a.DeleteACLs(ctx, filters)
	if err != nil {
		return err
	}
	if deleted == nil {
		deleted = []acl.ACL{}
	}
	if !p.Structured() {
		o.F.Warnf("Deleted %d ACL(s).", len(deleted))
		if len(deleted) < len(matches) {
			o.F.Warnf("Warning: %d of the listed ACLs were already gone.", len(matches)-len(deleted))
		}
	}
	return p.Print(DeleteView{ACLs: deleted, Deleted: true}, acl.Headers, acl.Rows(deleted))
}
