package acl

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// AddOptions are the inputs of `kctl acl add`.
type AddOptions struct {
	F    *cmdutil.Factory
	Spec acl.AddSpec
	// ACLs are the bindings to create, computed (and validated) from Spec
	// before anything is sent.
	ACLs []acl.ACL
}

// NewCmdAdd returns `kctl acl add`.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{F: f}
	s := &opts.Spec
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add ACLs (kafka-acls.sh --add), including the --producer and --consumer shortcuts",
		Long: `Add ACLs as kafka-acls.sh --add does, with one CreateAcls request.

Every --operation is allowed to every --allow-principal from every --allow-host
(default *) and denied to every --deny-principal from every --deny-host
(default *), on every resource named. Operations are checked against the
resource type before anything is sent.

Shortcuts, exactly as kafka-acls.sh:
  --producer    Write, Describe, Create on each --topic; Write, Describe on each
                --transactional-id; with --idempotent also IdempotentWrite on
                the cluster
  --consumer    Read, Describe on each --topic; Read on each --group

Adding an ACL that exists already is not an error. The command prints the ACLs
it added.`,
		Example: `  kctl acl add --allow-principal User:alice --consumer --topic orders --group g1
  kctl acl add --allow-principal User:bob --producer --topic orders --idempotent
  kctl acl add --allow-principal User:bob --operation Read --operation Describe --topic logs- --resource-pattern-type prefixed
  kctl acl add --deny-principal User:mallory --deny-host 10.0.0.7 --operation All --topic '*'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			acls, err := acl.BuildAdd(*s)
			if err != nil {
				return err
			}
			opts.ACLs = acls
			if runF != nil {
				return runF(opts)
			}
			return RunAdd(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&s.AllowPrincipals, "allow-principal", nil, "principal to allow, Type:name (repeatable; User:* is every user)")
	fs.StringArrayVar(&s.DenyPrincipals, "deny-principal", nil, "principal to deny, Type:name (repeatable); DENY beats ALLOW")
	fs.StringArrayVar(&s.AllowHosts, "allow-host", nil, "host the allowed principals may connect from (repeatable; default *)")
	fs.StringArrayVar(&s.DenyHosts, "deny-host", nil, "host the denied principals are denied from (repeatable; default *)")
	fs.StringArrayVar(&s.Operations, "operation", nil, "operation to allow or deny (repeatable or comma-separated): All, Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite")
	fs.StringArrayVar(&s.Topics, "topic", nil, "topic (repeatable; '*' for every topic)")
	fs.StringArrayVar(&s.Groups, "group", nil, "consumer group (repeatable; '*' for every group)")
	fs.StringArrayVar(&s.TransactionalIDs, "transactional-id", nil, "transactional id (repeatable; '*' for every id)")
	fs.BoolVar(&s.Cluster, "cluster", false, "the cluster resource")
	fs.StringVar(&s.Pattern, "resource-pattern-type", "literal", "literal or prefixed")
	fs.BoolVar(&s.Producer, "producer", false, "producer shortcut: Write, Describe, Create on topics; Write, Describe on transactional ids")
	fs.BoolVar(&s.Consumer, "consumer", false, "consumer shortcut: Read, Describe on topics; Read on groups")
	fs.BoolVar(&s.Idempotent, "idempotent", false, "with --producer: also IdempotentWrite on the cluster")
	return cmd
}

// RunAdd runs `acl add`.
func RunAdd(parent context.Context, o *AddOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	if err := a.CreateACLs(ctx, o.ACLs); err != nil {
		return err
	}
	if !p.Structured() {
		o.F.Warnf("Added %d ACL(s).", len(o.ACLs))
	}
	return p.Print(View{ACLs: o.ACLs}, acl.Headers, acl.Rows(o.ACLs))
}
