// Package acl is kctl's ACL domain: parsing principals, operations,
// resource and pattern types; validating operations per resource type;
// building the ACL sets of kafka-acls.sh's --producer and --consumer
// shortcuts; filters for list and delete; and a local evaluation of Kafka's
// authorizer rules for `kctl acl explain`. It does no I/O.
//
// The enum values are Kafka's wire codes, so the admin layer converts them
// with a plain cast. Their text forms are the names Kafka's tools print
// (READ, TOPIC, LITERAL, ...).
package acl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kctl-dev/kctl/pkg/errs"
)

// ResourceType is Kafka's ResourceType.
type ResourceType int8

// Resource types (Kafka wire codes).
const (
	ResourceUnknown         ResourceType = 0
	ResourceAny             ResourceType = 1
	ResourceTopic           ResourceType = 2
	ResourceGroup           ResourceType = 3
	ResourceCluster         ResourceType = 4
	ResourceTransactionalID ResourceType = 5
	ResourceDelegationToken ResourceType = 6
	ResourceUser            ResourceType = 7
)

var resourceNames = map[ResourceType]string{
	ResourceUnknown: "UNKNOWN", ResourceAny: "ANY", ResourceTopic: "TOPIC", ResourceGroup: "GROUP",
	ResourceCluster: "CLUSTER", ResourceTransactionalID: "TRANSACTIONAL_ID",
	ResourceDelegationToken: "DELEGATION_TOKEN", ResourceUser: "USER",
}

func (r ResourceType) String() string { return name(resourceNames, r) }

// MarshalText writes the Kafka name.
func (r ResourceType) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads any spelling ParseResourceType accepts.
func (r *ResourceType) UnmarshalText(b []byte) error {
	v, ok := lookup(resourceNames, string(b))
	if !ok {
		return fmt.Errorf("unknown resource type %q", b)
	}
	*r = v
	return nil
}

// Operation is Kafka's AclOperation.
type Operation int8

// Operations (Kafka wire codes).
const (
	OpUnknown         Operation = 0
	OpAny             Operation = 1
	OpAll             Operation = 2
	OpRead            Operation = 3
	OpWrite           Operation = 4
	OpCreate          Operation = 5
	OpDelete          Operation = 6
	OpAlter           Operation = 7
	OpDescribe        Operation = 8
	OpClusterAction   Operation = 9
	OpDescribeConfigs Operation = 10
	OpAlterConfigs    Operation = 11
	OpIdempotentWrite Operation = 12
	OpCreateTokens    Operation = 13
	OpDescribeTokens  Operation = 14
)

var opNames = map[Operation]string{
	OpUnknown: "UNKNOWN", OpAny: "ANY", OpAll: "ALL", OpRead: "READ", OpWrite: "WRITE", OpCreate: "CREATE",
	OpDelete: "DELETE", OpAlter: "ALTER", OpDescribe: "DESCRIBE", OpClusterAction: "CLUSTER_ACTION",
	OpDescribeConfigs: "DESCRIBE_CONFIGS", OpAlterConfigs: "ALTER_CONFIGS", OpIdempotentWrite: "IDEMPOTENT_WRITE",
	OpCreateTokens: "CREATE_TOKENS", OpDescribeTokens: "DESCRIBE_TOKENS",
}

func (o Operation) String() string { return name(opNames, o) }

// MarshalText writes the Kafka name.
func (o Operation) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads any spelling ParseOperation accepts.
func (o *Operation) UnmarshalText(b []byte) error {
	v, ok := lookup(opNames, string(b))
	if !ok {
		return fmt.Errorf("unknown operation %q", b)
	}
	*o = v
	return nil
}

// Permission is Kafka's AclPermissionType.
type Permission int8

// Permissions (Kafka wire codes).
const (
	PermUnknown Permission = 0
	PermAny     Permission = 1
	PermDeny    Permission = 2
	PermAllow   Permission = 3
)

var permNames = map[Permission]string{PermUnknown: "UNKNOWN", PermAny: "ANY", PermDeny: "DENY", PermAllow: "ALLOW"}

func (p Permission) String() string { return name(permNames, p) }

// MarshalText writes the Kafka name.
func (p Permission) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads any spelling ParsePermission accepts.
func (p *Permission) UnmarshalText(b []byte) error {
	v, ok := lookup(permNames, string(b))
	if !ok {
		return fmt.Errorf("unknown permission %q", b)
	}
	*p = v
	return nil
}

// PatternType is Kafka's PatternType.
type PatternType int8

// Pattern types (Kafka wire codes). Any and Match exist only in filters.
const (
	PatternUnknown  PatternType = 0
	PatternAny      PatternType = 1
	PatternMatch    PatternType = 2
	PatternLiteral  PatternType = 3
	PatternPrefixed PatternType = 4
)

var patternNames = map[PatternType]string{
	PatternUnknown: "UNKNOWN", PatternAny: "ANY", PatternMatch: "MATCH", PatternLiteral: "LITERAL", PatternPrefixed: "PREFIXED",
}

func (p PatternType) String() string { return name(patternNames, p) }

// MarshalText writes the Kafka name.
func (p PatternType) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads any spelling ParsePatternType accepts.
func (p *PatternType) UnmarshalText(b []byte) error {
	v, ok := lookup(patternNames, string(b))
	if !ok {
		return fmt.Errorf("unknown pattern type %q", b)
	}
	*p = v
	return nil
}

// ClusterName is the one name of the cluster resource.
const ClusterName = "kafka-cluster"

// Wildcards, as Kafka spells them.
const (
	WildcardResource  = "*"
	WildcardHost      = "*"
	WildcardPrincipal = "User:*"
)

// ACL is one ACL binding: a resource pattern and an access control entry.
// The JSON field names are a public interface (`acl list -o json`).
type ACL struct {
	Principal    string       `json:"principal"`
	Host         string       `json:"host"`
	Operation    Operation    `json:"operation"`
	Permission   Permission   `json:"permission"`
	ResourceType ResourceType `json:"resourceType"`
	ResourceName string       `json:"resourceName"`
	PatternType  PatternType  `json:"patternType"`
}

// String renders the binding the way people read it.
func (a ACL) String() string {
	return fmt.Sprintf("%s %s %s from %s on %s:%s (%s)", a.Permission, a.Principal, a.Operation, a.Host, a.ResourceType, a.ResourceName, a.PatternType)
}

// Headers are the columns of ACL tables.
var Headers = []string{"PRINCIPAL", "HOST", "OPERATION", "PERMISSION", "RESOURCE-TYPE", "RESOURCE-NAME", "PATTERN-TYPE"}

// Row renders a as a table row in Headers order.
func (a ACL) Row() []string {
	return []string{a.Principal, a.Host, a.Operation.String(), a.Permission.String(), a.ResourceType.String(), a.ResourceName, a.PatternType.String()}
}

// Rows renders ACLs as table rows.
func Rows(acls []ACL) [][]string {
	rows := make([][]string, 0, len(acls))
	for _, a := range acls {
		rows = append(rows, a.Row())
	}
	return rows
}

// Sort orders ACLs by resource, then principal, host, operation and
// permission, so output is stable whatever order the broker answered in.
func Sort(acls []ACL) {
	sort.Slice(acls, func(i, j int) bool { return less(acls[i], acls[j]) })
}

func less(a, b ACL) bool {
	switch {
	case a.ResourceType != b.ResourceType:
		return a.ResourceType < b.ResourceType
	case a.ResourceName != b.ResourceName:
		return a.ResourceName < b.ResourceName
	case a.PatternType != b.PatternType:
		return a.PatternType < b.PatternType
	case a.Principal != b.Principal:
		return a.Principal < b.Principal
	case a.Host != b.Host:
		return a.Host < b.Host
	case a.Operation != b.Operation:
		return a.Operation < b.Operation
	}
	return a.Permission < b.Permission
}

// Dedupe sorts acls and drops repeats.
func Dedupe(acls []ACL) []ACL {
	Sort(acls)
	out := acls[:0]
	for i, a := range acls {
		if i > 0 && a == acls[i-1] {
			continue
		}
		out = append(out, a)
	}
	return out
}

// ParsePrincipal checks a principal is Type:name, as Kafka's
// SecurityUtils.parseKafkaPrincipal does, and returns it trimmed.
func ParsePrincipal(s string) (string, error) {
	s = strings.TrimSpace(s)
	typ, nm, ok := strings.Cut(s, ":")
	if !ok || typ == "" || nm == "" {
		return "", errs.Usagef("invalid principal %q: use Type:name, e.g. User:alice (User:* for every user)", s)
	}
	// Principals compare as exact strings in the authorizer: "user:alice"
	// would never match the principal a broker builds ("User:alice").
	if typ != "User" && strings.EqualFold(typ, "User") {
		return "", errs.Usagef("invalid principal %q: the principal type is case-sensitive, use User:%s", s, nm)
	}
	return s, nil
}

// ParseOperation reads an operation name in any of the spellings people
// use: Read, READ, read, DescribeConfigs, describe-configs, DESCRIBE_CONFIGS.
// Any is a filter value, not an operation: only filters accept it.
func ParseOperation(s string) (Operation, error) {
	o, ok := lookup(opNames, s)
	if !ok || o == OpUnknown || o == OpAny {
		return OpUnknown, errs.Usagef("unknown operation %q: use one of %s", s, strings.Join(operationNames(), ", "))
	}
	return o, nil
}

func operationNames() []string {
	var out []string
	for o := OpAll; o <= OpDescribeTokens; o++ {
		out = append(out, camel(o.String()))
	}
	return out
}

// ParsePermission reads allow or deny.
func ParsePermission(s string) (Permission, error) {
	p, ok := lookup(permNames, s)
	if !ok || p == PermUnknown || p == PermAny {
		return PermUnknown, errs.Usagef("unknown permission %q: use allow or deny", s)
	}
	return p, nil
}

// ParsePatternType reads literal, prefixed, match or any.
func ParsePatternType(s string) (PatternType, error) {
	p, ok := lookup(patternNames, s)
	if !ok || p == PatternUnknown {
		return PatternUnknown, errs.Usagef("unknown resource pattern type %q: use literal, prefixed, match or any", s)
	}
	return p, nil
}

// SupportedOperations are the operations an ACL on a resource type can
// name, besides All (Kafka's AclEntry.supportedOperations).
func SupportedOperations(rt ResourceType) []Operation {
	switch rt {
	case ResourceTopic:
		return []Operation{OpRead, OpWrite, OpCreate, OpDelete, OpAlter, OpDescribe, OpDescribeConfigs, OpAlterConfigs}
	case ResourceGroup:
		// DescribeConfigs/AlterConfigs on groups arrived with group
		// configs (KIP-848, Kafka 4.0).
		return []Operation{OpRead, OpDelete, OpDescribe, OpDescribeConfigs, OpAlterConfigs}
	case ResourceCluster:
		return []Operation{OpCreate, OpAlter, OpDescribe, OpClusterAction, OpDescribeConfigs, OpAlterConfigs, OpIdempotentWrite}
	case ResourceTransactionalID:
		return []Operation{OpWrite, OpDescribe}
	case ResourceDelegationToken:
		return []Operation{OpDescribe}
	case ResourceUser:
		return []Operation{OpCreateTokens, OpDescribeTokens}
	}
	return nil
}

// ValidateOperation checks op is meaningful on rt (All always is).
func ValidateOperation(rt ResourceType, op Operation) error {
	if op == OpAll {
		return nil
	}
	ops := SupportedOperations(rt)
	for _, o := range ops {
		if o == op {
			return nil
		}
	}
	names := []string{"All"}
	for _, o := range ops {
		names = append(names, camel(o.String()))
	}
	return errs.Usagef("operation %s is not valid on a %s resource: %s supports %s", camel(op.String()), strings.ToLower(rt.String()), strings.ToLower(rt.String()), strings.Join(names, ", "))
}

// camel renders DESCRIBE_CONFIGS as DescribeConfigs, the spelling of
// kafka-acls.sh's --operation help.
func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(strings.ToLower(s), "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// normalize folds case and drops '-', '_' and spaces, so every common
// spelling of a name compares equal.
func normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer("-", "", "_", "", " ", "").Replace(s)
}

func lookup[T comparable](names map[T]string, s string) (T, bool) {
	n := normalize(s)
	for k, v := range names {
		if normalize(v) == n {
			return k, true
		}
	}
	var zero T
	return zero, false
}

func name[T comparable](names map[T]string, v T) string {
	if s, ok := names[v]; ok {
		return s
	}
	return fmt.Sprintf("UNKNOWN(%v)", any(v))
}
