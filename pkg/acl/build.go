package acl

import (
	"strings"

	"github.com/kctl-dev/kctl/pkg/errs"
)

// AddSpec is the input of `acl add`, as typed (names not yet parsed).
type AddSpec struct {
	AllowPrincipals  []string
	DenyPrincipals   []string
	AllowHosts       []string
	DenyHosts        []string
	Operations       []string
	Topics           []string
	Groups           []string
	TransactionalIDs []string
	Cluster          bool
	// Pattern is literal (default) or prefixed.
	Pattern    string
	Producer   bool
	Consumer   bool
	Idempotent bool
}

// Resource is one resource pattern.
type Resource struct {
	Type    ResourceType
	Name    string
	Pattern PatternType
}

// BuildAdd turns an AddSpec into the exact ACL bindings kafka-acls.sh
// --add would create, after validating everything without I/O:
//
//   - --producer: WRITE, DESCRIBE, CREATE on each topic; WRITE, DESCRIBE on
//     each transactional id; --idempotent adds IDEMPOTENT_WRITE on the
//     cluster (always a literal pattern).
//   - --consumer: READ, DESCRIBE on each topic; READ on each group.
//   - otherwise: every --operation on every resource.
//
// Each operation is granted to every --allow-principal from every
// --allow-host (default *) and denied to every --deny-principal from every
// --deny-host (default *).
func BuildAdd(s AddSpec) ([]ACL, error) {
	pattern := PatternLiteral
	if s.Pattern != "" {
		p, err := ParsePatternType(s.Pattern)
		if err != nil {
			return nil, err
		}
		if p != PatternLiteral && p != PatternPrefixed {
			return nil, errs.Usagef("--resource-pattern-type %s is a filter: ACLs are added with literal or prefixed", strings.ToLower(p.String()))
		}
		pattern = p
	}
	allow, err := parsePrincipals(s.AllowPrincipals)
	if err != nil {
		return nil, err
	}
	deny, err := parsePrincipals(s.DenyPrincipals)
	if err != nil {
		return nil, err
	}
	if len(allow) == 0 && len(deny) == 0 {
		return nil, errs.Usagef("name whom the ACLs are for: --allow-principal or --deny-principal (e.g. User:alice)")
	}
	if len(s.AllowHosts) > 0 && len(allow) == 0 {
		return nil, errs.Usagef("--allow-host needs --allow-principal")
	}
	if len(s.DenyHosts) > 0 && len(deny) == 0 {
		return nil, errs.Usagef("--deny-host needs --deny-principal")
	}
	allowHosts, err := hosts(s.AllowHosts)
	if err != nil {
		return nil, err
	}
	denyHosts, err := hosts(s.DenyHosts)
	if err != nil {
		return nil, err
	}
	for _, list := range [][]string{s.Topics, s.Groups, s.TransactionalIDs} {
		for _, n := range list {
			if strings.TrimSpace(n) == "" {
				return nil, errs.Usagef("resource names cannot be empty (use '*' for every resource)")
			}
		}
	}
	if s.Cluster && pattern != PatternLiteral {
		return nil, errs.Usagef("--cluster cannot be combined with --resource-pattern-type %s: the cluster resource is always literal", strings.ToLower(pattern.String()))
	}

	// grants maps each resource to the operations it gets.
	type grant struct {
		res Resource
		ops []Operation
	}
	var grants []grant
	res := func(t ResourceType, names []string) []Resource {
		var out []Resource
		for _, n := range names {
			out = append(out, Resource{Type: t, Name: strings.TrimSpace(n), Pattern: pattern})
		}
		return out
	}
	cluster := Resource{Type: ResourceCluster, Name: ClusterName, Pattern: PatternLiteral}

	if s.Producer || s.Consumer {
		switch {
		case len(s.Operations) > 0:
			return nil, errs.Usagef("--operation cannot be combined with --producer or --consumer: the shortcuts choose the operations")
		case len(deny) > 0 || len(s.DenyHosts) > 0:
			return nil, errs.Usagef("--deny-principal and --deny-host cannot be combined with --producer or --consumer")
		case len(s.Topics) == 0 && s.Producer:
			return nil, errs.Usagef("with --producer you must specify a --topic")
		case s.Consumer && (len(s.Topics) == 0 || len(s.Groups) == 0):
			return nil, errs.Usagef("with --consumer you must specify a --topic and a --group")
		case s.Consumer && !s.Producer && (s.Cluster || len(s.TransactionalIDs) > 0):
			return nil, errs.Usagef("--consumer takes --topic and --group only: --cluster and --transactional-id need --producer")
		case s.Producer && !s.Consumer && len(s.Groups) > 0:
			return nil, errs.Usagef("--producer grants nothing on groups: --group needs --consumer")
		case s.Cluster:
			// kafka-acls.sh ignores --cluster with the shortcuts; an
			// explicit error beats a silently dropped resource.
			return nil, errs.Usagef("--cluster cannot be combined with --producer or --consumer (use --idempotent for IdempotentWrite on the cluster)")
		}
		if s.Idempotent && !s.Producer {
			return nil, errs.Usagef("--idempotent is only available with --producer")
		}
		if s.Producer {
			for _, r := range res(ResourceTopic, s.Topics) {
				grants = append(grants, grant{r, []Operation{OpWrite, OpDescribe, OpCreate}})
			}
			for _, r := range res(ResourceTransactionalID, s.TransactionalIDs) {
				grants = append(grants, grant{r, []Operation{OpWrite, OpDescribe}})
			}
			if s.Idempotent {
				grants = append(grants, grant{cluster, []Operation{OpIdempotentWrite}})
			}
		}
		if s.Consumer {
			for _, r := range res(ResourceTopic, s.Topics) {
				grants = append(grants, grant{r, []Operation{OpRead, OpDescribe}})
			}
			for _, r := range res(ResourceGroup, s.Groups) {
				grants = append(grants, grant{r, []Operation{OpRead}})
			}
		}
	} else {
		if s.Idempotent {
			return nil, errs.Usagef("--idempotent is only available with --producer")
		}
		if len(s.Operations) == 0 {
			return nil, errs.Usagef("name the operations to allow or deny with --operation (e.g. --operation Read), or use --producer / --consumer")
		}
		var ops []Operation
		for _, raw := range s.Operations {
			for _, n := range strings.Split(raw, ",") {
				op, err := ParseOperation(n)
				if err != nil {
					return nil, err
				}
				ops = append(ops, op)
			}
		}
		var all []Resource
		all = append(all, res(ResourceTopic, s.Topics)...)
		all = append(all, res(ResourceGroup, s.Groups)...)
		all = append(all, res(ResourceTransactionalID, s.TransactionalIDs)...)
		if s.Cluster {
			all = append(all, cluster)
		}
		if len(all) == 0 {
			return nil, errs.Usagef("name at least one resource: --topic, --group, --transactional-id or --cluster")
		}
		for _, r := range all {
			grants = append(grants, grant{r, ops})
		}
	}

	var out []ACL
	for _, g := range grants {
		for _, op := range g.ops {
			if err := ValidateOperation(g.res.Type, op); err != nil {
				return nil, err
			}
			for _, p := range allow {
				for _, h := range allowHosts {
					out = append(out, ACL{Principal: p, Host: h, Operation: op, Permission: PermAllow, ResourceType: g.res.Type, ResourceName: g.res.Name, PatternType: g.res.Pattern})
				}
			}
			for _, p := range deny {
				for _, h := range denyHosts {
					out = append(out, ACL{Principal: p, Host: h, Operation: op, Permission: PermDeny, ResourceType: g.res.Type, ResourceName: g.res.Name, PatternType: g.res.Pattern})
				}
			}
		}
	}
	return Dedupe(out), nil
}

func parsePrincipals(in []string) ([]string, error) {
	var out []string
	for _, raw := range in {
		p, err := ParsePrincipal(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func hosts(in []string) ([]string, error) {
	if len(in) == 0 {
		return []string{WildcardHost}, nil
	}
	var out []string
	for _, h := range in {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, errs.Usagef("hosts cannot be empty (use '*' for every host)")
		}
		out = append(out, h)
	}
	return out, nil
}
