package acl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kctl-dev/kctl/pkg/errs"
)

// Decisions of Explain.
const (
	Allowed = "ALLOWED"
	Denied  = "DENIED"
)

// Query is one authorization question: may Principal, connecting from Host,
// perform Operation on the resource?
type Query struct {
	Principal string
	// Host is the client's address as the broker sees it; "" means
	// unknown, so only ACLs for every host (*) are certain to apply.
	Host         string
	Operation    Operation
	ResourceType ResourceType
	ResourceName string
}

// Explanation is Explain's answer. The JSON field names are a public
// interface (`acl explain -o json`).
type Explanation struct {
	Decision string `json:"decision"`
	// Matched are the ACLs that decided: the DENY ACLs when denied by an
	// ACL, the ALLOW ACLs when allowed, none when nothing matched.
	Matched []ACL  `json:"matched"`
	Reason  string `json:"reason"`
}

// superUserNote is added to every DENIED answer: super users bypass ACLs,
// and super.users is broker configuration no client can read.
const superUserNote = "super users (broker config super.users) bypass ACLs and are not visible to clients"

// idempotentNote is added when IdempotentWrite on the cluster is denied:
// since Kafka 2.8 (KIP-679) the broker also lets a producer initialise
// idempotence with Write on any topic, a check outside the authorizer's
// rules for IdempotentWrite itself.
const idempotentNote = "brokers since Kafka 2.8 (KIP-679) also let an idempotent producer in with Write on any topic: ask about --operation Write --topic T too"

// Explain evaluates Kafka's authorizer rules (AclAuthorizer and KRaft's
// StandardAuthorizer agree on them) over acls:
//
//   - an ACL applies when its resource pattern matches (literal name,
//     literal wildcard "*", or a prefix), its principal is the query's or
//     User:*, and its host is the query's or *;
//   - any applicable DENY for the operation (or All) denies: DENY beats ALLOW;
//   - otherwise an applicable ALLOW for the operation, an operation that
//     implies it (Read, Write, Delete and Alter imply Describe; AlterConfigs
//     implies DescribeConfigs), or All allows;
//   - otherwise the request is denied; if the resource has no ACLs at all,
//     the broker's allow.everyone.if.no.acl.found decides.
func Explain(acls []ACL, q Query) Explanation {
	resourceName := q.ResourceName
	if q.ResourceType == ResourceCluster && resourceName == "" {
		resourceName = ClusterName
	}
	var onResource, denies, allows, otherHost []ACL
	for _, a := range acls {
		if !appliesToResource(a, q.ResourceType, resourceName) {
			continue
		}
		onResource = append(onResource, a)
		if a.Principal != q.Principal && a.Principal != WildcardPrincipal {
			continue
		}
		if a.Host != WildcardHost && a.Host != q.Host {
			if q.Host == "" && (denyMatches(a, q.Operation) || allowMatches(a, q.Operation)) {
				otherHost = append(otherHost, a)
			}
			continue
		}
		switch {
		case denyMatches(a, q.Operation):
			denies = append(denies, a)
		case allowMatches(a, q.Operation):
			allows = append(allows, a)
		}
	}
	Sort(denies)
	Sort(allows)
	subject := fmt.Sprintf("%s %s on %s %s", q.Principal, camel(q.Operation.String()), strings.ToLower(q.ResourceType.String()), resourceName)
	if q.Host != "" {
		subject += " from host " + q.Host
	}
	var notes []string
	if len(otherHost) > 0 {
		notes = append(notes, fmt.Sprintf("%d ACL(s) for specific hosts (%s) were not considered: from those hosts the decision may differ (pass --host)", len(otherHost), distinctHosts(otherHost)))
	}
	deniedNotes := append([]string(nil), notes...)
	if q.Operation == OpIdempotentWrite && q.ResourceType == ResourceCluster {
		deniedNotes = append(deniedNotes, idempotentNote)
	}
	deniedNotes = append(deniedNotes, superUserNote)
	switch {
	case len(denies) > 0:
		r := fmt.Sprintf("%s is denied by %d DENY ACL(s); DENY beats ALLOW", subject, len(denies))
		if len(allows) > 0 {
			r += fmt.Sprintf(" (%d ALLOW ACL(s) also match)", len(allows))
		}
		return Explanation{Decision: Denied, Matched: denies, Reason: join(r, deniedNotes)}
	case len(allows) > 0:
		r := fmt.Sprintf("%s is allowed by %d ALLOW ACL(s)", subject, len(allows))
		if implied := impliedBy(allows, q.Operation); implied != "" {
			r += fmt.Sprintf(" (%s implied by %s)", camel(q.Operation.String()), implied)
		}
		return Explanation{Decision: Allowed, Matched: allows, Reason: join(r, notes)}
	case len(onResource) == 0:
		return Explanation{Decision: Denied, Matched: []ACL{},
			Reason: join("no ACL matches: denied unless allow.everyone.if.no.acl.found=true", deniedNotes)}
	}
	r := fmt.Sprintf("no ACL allows %s: denied (the resource has %d ACL(s), so allow.everyone.if.no.acl.found does not apply)", subject, len(onResource))
	return Explanation{Decision: Denied, Matched: []ACL{}, Reason: join(r, deniedNotes)}
}

func appliesToResource(a ACL, rt ResourceType, name string) bool {
	if a.ResourceType != rt {
		return false
	}
	switch a.PatternType {
	case PatternLiteral:
		return a.ResourceName == name || a.ResourceName == WildcardResource
	case PatternPrefixed:
		return strings.HasPrefix(name, a.ResourceName)
	}
	return false
}

// denyMatches: a DENY applies only to the exact operation or All; implied
// operations never widen a DENY.
func denyMatches(a ACL, op Operation) bool {
	return a.Permission == PermDeny && (a.Operation == op || a.Operation == OpAll)
}

func allowMatches(a ACL, op Operation) bool {
	if a.Permission != PermAllow {
		return false
	}
	if a.Operation == op || a.Operation == OpAll {
		return true
	}
	for _, o := range impliers(op) {
		if a.Operation == o {
			return true
		}
	}
	return false
}

// impliers are the operations whose ALLOW also allows op.
func impliers(op Operation) []Operation {
	switch op {
	case OpDescribe:
		return []Operation{OpRead, OpWrite, OpDelete, OpAlter}
	case OpDescribeConfigs:
		return []Operation{OpAlterConfigs}
	}
	return nil
}

// impliedBy names the implying operations when no ALLOW names op (or All)
// directly.
func impliedBy(allows []ACL, op Operation) string {
	var names []string
	seen := map[Operation]bool{}
	for _, a := range allows {
		if a.Operation == op || a.Operation == OpAll {
			return ""
		}
		if !seen[a.Operation] {
			seen[a.Operation] = true
			names = append(names, camel(a.Operation.String()))
		}
	}
	return strings.Join(names, ", ")
}

func distinctHosts(acls []ACL) string {
	seen := map[string]bool{}
	var hs []string
	for _, a := range acls {
		if !seen[a.Host] {
			seen[a.Host] = true
			hs = append(hs, a.Host)
		}
	}
	sort.Strings(hs)
	return strings.Join(hs, ", ")
}

func join(first string, notes []string) string {
	if len(notes) == 0 {
		return first
	}
	return first + "; " + strings.Join(notes, "; ")
}

// Validate checks a query without I/O: a Type:name principal and an
// operation the resource type has (All is not something a client asks for).
func (q Query) Validate() error {
	if _, err := ParsePrincipal(q.Principal); err != nil {
		return err
	}
	if q.Operation == OpAll || q.Operation == OpAny || q.Operation == OpUnknown {
		return errs.Usagef("explain needs the one operation a client performs (e.g. Read), not %s", camel(q.Operation.String()))
	}
	return ValidateOperation(q.ResourceType, q.Operation)
}
