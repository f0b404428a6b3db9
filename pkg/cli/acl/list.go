package acl

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// ListOptions are the inputs of `kctl acl list`.
type ListOptions struct {
	F      *cmdutil.Factory
	Filter acl.Filter
}

// NewCmdList returns `kctl acl list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{F: f}
	var ff filterFlags
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List ACLs, by default every ACL that applies to the named resource",
		Long: `List ACLs with one DescribeAcls request.

With a resource and the default --resource-pattern-type match, the list holds
every ACL that applies to that resource: its literal ACLs, the wildcard ('*')
ACLs and the prefixed ACLs whose prefix it starts with.`,
		Example: `  kctl acl list
  kctl acl list --topic orders
  kctl acl list --principal User:alice -o json
  kctl acl list --topic orders --resource-pattern-type literal --permission deny`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			filter, err := ff.filter(cmd.Flags())
			if err != nil {
				return err
			}
			opts.Filter = filter
			if runF != nil {
				return runF(opts)
			}
			return RunList(cmd.Context(), opts)
		},
	}
	ff.register(cmd.Flags(), "list ACLs of", "match")
	return cmd
}

// RunList runs `acl list`.
func RunList(parent context.Context, o *ListOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	acls, err := a.DescribeACLs(ctx, o.Filter)
	if err != nil {
		return err
	}
	if acls == nil {
		acls = []acl.ACL{}
	}
	if err := p.Print(View{ACLs: acls}, acl.Headers, acl.Rows(acls)); err != nil {
		return err
	}
	o.F.NoteEmpty(p, len(acls), "No ACL matches.")
	return nil
}
