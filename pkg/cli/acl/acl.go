// Package acl implements `kctl acl`: add, list, delete and explain ACLs with
// kafka-acls.sh semantics.
package acl

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
)

// NewCmd returns `kctl acl`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "acl",
		Short: "Add, list, delete and explain ACLs",
		Long: `Manage Kafka ACLs with the semantics of kafka-acls.sh, and explain why a
client is allowed or denied.

Principals are Type:name (User:alice; User:* is every user). Hosts default to *.
Resources: --topic, --group, --transactional-id (each may be '*') and --cluster.`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdAdd(f, nil), NewCmdDelete(f, nil), NewCmdExplain(f, nil))
	return cmd
}

// View is the JSON shape of `acl list` and `acl add`.
type View struct {
	ACLs []acl.ACL `json:"acls"`
}

// resourceFlags are the one-resource selectors of list, delete and explain.
type resourceFlags struct {
	topic, group, transactionalID string
	cluster                       bool
}

func (r *resourceFlags) register(fs *pflag.FlagSet, verb string) {
	fs.StringVar(&r.topic, "topic", "", "topic to "+verb+" ('*' is the wildcard ACL)")
	fs.StringVar(&r.group, "group", "", "consumer group to "+verb+" ('*' is the wildcard ACL)")
	fs.StringVar(&r.transactionalID, "transactional-id", "", "transactional id to "+verb+" ('*' is the wildcard ACL)")
	fs.BoolVar(&r.cluster, "cluster", false, "the cluster resource")
}

// resource returns the selected resource; ok is false when none is set.
// More than one is a usage error.
func (r *resourceFlags) resource(fs *pflag.FlagSet) (rt acl.ResourceType, name string, ok bool, err error) {
	var set []string
	if fs.Changed("topic") {
		set = append(set, "--topic")
		rt, name = acl.ResourceTopic, r.topic
	}
	if fs.Changed("group") {
		set = append(set, "--group")
		rt, name = acl.ResourceGroup, r.group
	}
	if fs.Changed("transactional-id") {
		set = append(set, "--transactional-id")
		rt, name = acl.ResourceTransactionalID, r.transactionalID
	}
	if r.cluster {
		set = append(set, "--cluster")
		rt, name = acl.ResourceCluster, acl.ClusterName
	}
	switch {
	case len(set) > 1:
		return 0, "", false, errs.Usagef("conflicting resource flags %v: name one resource", set)
	case len(set) == 0:
		return acl.ResourceAny, "", false, nil
	case name == "":
		return 0, "", false, errs.Usagef("%s needs a name ('*' for the wildcard ACL)", set[0])
	}
	return rt, name, true, nil
}

// filterFlags are the ACL filter of list and delete.
type filterFlags struct {
	resourceFlags
	principal  string
	host       string
	pattern    string
	operation  string
	permission string
}

func (ff *filterFlags) register(fs *pflag.FlagSet, verb, defaultPattern string) {
	ff.resourceFlags.register(fs, verb)
	fs.StringVar(&ff.principal, "principal", "", "only ACLs of this principal (Type:name, e.g. User:alice)")
	fs.StringVar(&ff.host, "host", "", "only ACLs for this host")
	help := "literal, prefixed, any (every pattern type, exact name) or match (every ACL that applies to the named resource: literal, prefixed and wildcard)"
	if defaultPattern == "" {
		help += " (default: literal with a resource, any without)"
	}
	fs.StringVar(&ff.pattern, "resource-pattern-type", defaultPattern, help)
	fs.StringVar(&ff.operation, "operation", "", "only ACLs for this operation (e.g. Read, Write, Describe, All)")
	fs.StringVar(&ff.permission, "permission", "", "only allow or deny ACLs")
}

func (ff *filterFlags) filter(fs *pflag.FlagSet) (acl.Filter, error) {
	f := acl.NewFilter()
	rt, name, ok, err := ff.resource(fs)
	if err != nil {
		return f, err
	}
	// Unset (delete's default): literal for a named resource, as
	// kafka-acls.sh does, and any without one (every ACL of the principal).
	pattern := acl.PatternAny
	if ff.pattern != "" {
		pattern, err = acl.ParsePatternType(ff.pattern)
		if err != nil {
			return f, err
		}
	} else if ok {
		pattern = acl.PatternLiteral
	}
	f.Pattern = pattern
	if ok {
		f.ResourceType = rt
		f.ResourceName = &name
	}
	if fs.Changed("principal") {
		p, err := acl.ParsePrincipal(ff.principal)
		if err != nil {
			return f, err
		}
		f.Principal = &p
	}
	if fs.Changed("host") {
		if ff.host == "" {
			return f, errs.Usagef("--host cannot be empty (use '*' for ACLs that apply to every host)")
		}
		h := ff.host
		f.Host = &h
	}
	if fs.Changed("operation") {
		op, err := acl.ParseOperation(ff.operation)
		if err != nil {
			return f, err
		}
		if ok {
			if err := acl.ValidateOperation(rt, op); err != nil {
				return f, err
			}
		}
		f.Operation = op
	}
	if fs.Changed("permission") {
		p, err := acl.ParsePermission(ff.permission)
		if err != nil {
			return f, err
		}
		f.Permission = p
	}
	return f, nil
}
