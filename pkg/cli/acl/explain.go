package acl

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// ExplainOptions are the inputs of `kctl acl explain`.
type ExplainOptions struct {
	F     *cmdutil.Factory
	Query acl.Query
}

// NewCmdExplain returns `kctl acl explain`.
func NewCmdExplain(f *cmdutil.Factory, runF func(*ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{F: f}
	var rf resourceFlags
	var principal, host, operation string
	cmd := &cobra.Command{
		Use:   "explain",
		Short: "Explain whether a principal may perform an operation on a resource, and which ACLs decide",
		Long: `Answer "why does this client get TOPIC_AUTHORIZATION_FAILED": fetch the ACLs of
the resource type with one DescribeAcls request and evaluate Kafka's authorizer
rules locally:

  - literal, prefixed and wildcard ('*') resource patterns apply;
  - ACLs for the principal and for User:* apply;
  - ACLs for the client's host (--host) and for every host (*) apply;
  - DENY beats ALLOW;
  - Read, Write, Delete and Alter imply Describe; AlterConfigs implies
    DescribeConfigs; All covers every operation;
  - with no ACL on the resource at all the broker denies, unless it runs with
    allow.everyone.if.no.acl.found=true.

On a cluster without an authorizer (DescribeAcls answers SECURITY_DISABLED)
the answer is ALLOWED, saying so: Kafka checks no ACL there.

Super users (broker config super.users) bypass ACLs and are invisible to
clients, so explain cannot see them. Without --host, ACLs for specific hosts
are not considered (the answer says so).`,
		Example: `  kctl acl explain --principal User:alice --operation Read --topic orders
  kctl acl explain --principal User:alice --host 10.0.0.7 --operation Read --group g1
  kctl acl explain --principal User:bob --operation IdempotentWrite --cluster -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, name, ok, err := rf.resource(cmd.Flags())
			if err != nil {
				return err
			}
			if !ok {
				return errs.Usagef("name the resource: --topic, --group, --transactional-id or --cluster")
			}
			if principal == "" {
				return errs.Usagef("--principal is required (Type:name, e.g. User:alice)")
			}
			if operation == "" {
				return errs.Usagef("--operation is required (e.g. Read)")
			}
			op, err := acl.ParseOperation(operation)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("host") && host == "" {
				return errs.Usagef("--host cannot be empty")
			}
			opts.Query = acl.Query{Principal: principal, Host: host, Operation: op, ResourceType: rt, ResourceName: name}
			if err := opts.Query.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return RunExplain(cmd.Context(), opts)
		},
	}
	rf.register(cmd.Flags(), "explain access to")
	cmd.Flags().StringVar(&principal, "principal", "", "the client's principal, Type:name (e.g. User:alice)")
	cmd.Flags().StringVar(&host, "host", "", "the client's address as the broker sees it (default: unknown, only ACLs for * apply)")
	cmd.Flags().StringVar(&operation, "operation", "", "the operation the request needs (e.g. Read to fetch, Write to produce, Describe for metadata)")
	return cmd
}

// RunExplain runs `acl explain`.
func RunExplain(parent context.Context, o *ExplainOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	// Every ACL of the resource type: the literal, wildcard and prefixed
	// ones that apply, and the others, which tell whether the resource has
	// ACLs at all (allow.everyone.if.no.acl.found applies only if not).
	f := acl.NewFilter()
	f.ResourceType = o.Query.ResourceType
	acls, err := a.DescribeACLs(ctx, f)
	var e acl.Explanation
	switch {
	case errors.Is(err, kafka.ErrNoAuthorizer):
		// No authorizer: Kafka checks no ACL, so the answer is known.
		e = acl.Explanation{Decision: acl.Allowed, Matched: []acl.ACL{},
			Reason: "the cluster has no authorizer (DescribeAcls answered SECURITY_DISABLED): Kafka checks no ACLs, so every client the listener lets in may do everything"}
	case err != nil:
		return err
	default:
		e = acl.Explain(acls, o.Query)
	}
	if done, err := p.Data(e); done {
		return err
	}
	fmt.Fprintf(p.Out, "Decision:  %s\nReason:    %s\n", e.Decision, e.Reason)
	if len(e.Matched) == 0 {
		return nil
	}
	fmt.Fprintln(p.Out)
	return p.Table(acl.Headers, acl.Rows(e.Matched))
}
