package acl

import "strings"

// Filter selects ACL bindings the way Kafka's AclBindingFilter does. The
// zero values of its enums are not valid: use NewFilter for "match anything"
// and narrow from there.
type Filter struct {
	ResourceType ResourceType // ResourceAny: every type
	// ResourceName is nil for every name.
	ResourceName *string
	// Pattern: PatternAny matches every pattern type with the exact name;
	// PatternMatch matches every pattern that applies to the named resource
	// (the literal name, the literal wildcard "*", and prefixes of it);
	// PatternLiteral/PatternPrefixed match only that pattern type.
	Pattern    PatternType
	Principal  *string // nil: any
	Host       *string // nil: any
	Operation  Operation
	Permission Permission
}

// NewFilter returns a filter that matches every ACL.
func NewFilter() Filter {
	return Filter{ResourceType: ResourceAny, Pattern: PatternAny, Operation: OpAny, Permission: PermAny}
}

// Exact returns the filter that matches exactly a (for DeleteAcls).
func Exact(a ACL) Filter {
	name, principal, host := a.ResourceName, a.Principal, a.Host
	return Filter{ResourceType: a.ResourceType, ResourceName: &name, Pattern: a.PatternType,
		Principal: &principal, Host: &host, Operation: a.Operation, Permission: a.Permission}
}

// IsEmpty reports whether f names no resource, principal, host,
// operation or permission. The pattern type alone does not count: every ACL
// is literal or prefixed, so such a filter selects (nearly) every ACL in the
// cluster.
func (f Filter) IsEmpty() bool {
	return f.ResourceType == ResourceAny && f.ResourceName == nil &&
		f.Principal == nil && f.Host == nil && f.Operation == OpAny && f.Permission == PermAny
}

// Matches reports whether f selects a, with Kafka's ResourcePatternFilter
// and AccessControlEntryFilter semantics.
func (f Filter) Matches(a ACL) bool {
	if f.ResourceType != ResourceAny && f.ResourceType != a.ResourceType {
		return false
	}
	if f.Pattern != PatternAny && f.Pattern != PatternMatch && f.Pattern != a.PatternType {
		return false
	}
	if f.ResourceName != nil {
		name := *f.ResourceName
		if f.Pattern == PatternMatch {
			switch a.PatternType {
			case PatternLiteral:
				if a.ResourceName != name && a.ResourceName != WildcardResource {
					return false
				}
			case PatternPrefixed:
				if !strings.HasPrefix(name, a.ResourceName) {
					return false
				}
			default:
				return false
			}
		} else if a.ResourceName != name {
			return false
		}
	}
	if f.Principal != nil && *f.Principal != a.Principal {
		return false
	}
	if f.Host != nil && *f.Host != a.Host {
		return false
	}
	if f.Operation != OpAny && f.Operation != a.Operation {
		return false
	}
	if f.Permission != PermAny && f.Permission != a.Permission {
		return false
	}
	return true
}

// Wire returns the filter to send to the broker: a superset of f that every
// broker evaluates the same way. PatternMatch with a name becomes "this
// resource type, any name, any pattern", and the caller applies f locally.
// (Some brokers and test doubles evaluate MATCH as an exact-name filter,
// which would miss wildcard and prefixed ACLs.)
func (f Filter) Wire() Filter {
	w := f
	if w.Pattern == PatternMatch {
		w.Pattern = PatternAny
		w.ResourceName = nil
	}
	return w
}

// Select returns the ACLs f matches.
func (f Filter) Select(acls []ACL) []ACL {
	var out []ACL
	for _, a := range acls {
		if f.Matches(a) {
			out = append(out, a)
		}
	}
	return out
}
