// Package acltest holds the explain table shared by pkg/acl's unit tests and
// the sandbox cross-check in pkg/cli/acl, so both check the same cases.
package acltest

import "github.com/kctl-dev/kctl/pkg/acl"

// Case is one authorization question with the ACLs in force and the
// expected answer.
type Case struct {
	Name  string
	ACLs  []acl.ACL
	Query acl.Query
	// Want is the decision; Matched the indexes into ACLs that decided.
	Want    string
	Matched []int
	Reason  string // a substring of the reason
}

// Cases is the table: literal, prefixed, wildcard resource, User:*,
// host, DENY beats ALLOW, implied operations and All.
func Cases() []Case {
	const alice, bob = "User:alice", "User:bob"
	q := func(op acl.Operation, rt acl.ResourceType, name string) acl.Query {
		return acl.Query{Principal: alice, Host: "127.0.0.1", Operation: op, ResourceType: rt, ResourceName: name}
	}
	readOrders := q(acl.OpRead, acl.ResourceTopic, "orders")
	return []Case{
		{Name: "no ACLs at all", Query: readOrders, Want: acl.Denied, Reason: "no ACL matches: denied unless allow.everyone.if.no.acl.found=true"},
		{Name: "literal allow", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders")}, Query: readOrders, Want: acl.Allowed, Matched: []int{0}, Reason: "allowed by 1 ALLOW ACL"},
		{Name: "literal on another topic", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "payments")}, Query: readOrders, Want: acl.Denied, Reason: "no ACL matches: denied unless allow.everyone.if.no.acl.found=true"},
		{Name: "prefixed allow", ACLs: []acl.ACL{Pre(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "ord")}, Query: readOrders, Want: acl.Allowed, Matched: []int{0}},
		{Name: "prefixed longer than the name", ACLs: []acl.ACL{Pre(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders-")}, Query: readOrders, Want: acl.Denied, Reason: "no ACL matches"},
		{Name: "wildcard resource", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "*")}, Query: readOrders, Want: acl.Allowed, Matched: []int{0}},
		{Name: "wildcard principal", ACLs: []acl.ACL{Lit(acl.PermAllow, "User:*", acl.OpRead, acl.ResourceTopic, "orders")}, Query: readOrders, Want: acl.Allowed, Matched: []int{0}},
		{Name: "other principal only", ACLs: []acl.ACL{Lit(acl.PermAllow, bob, acl.OpRead, acl.ResourceTopic, "orders")}, Query: readOrders, Want: acl.Denied,
			Reason: "no ACL allows User:alice Read on topic orders from host 127.0.0.1: denied (the resource has 1 ACL(s), so allow.everyone.if.no.acl.found does not apply)"},
		{Name: "deny beats allow", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"), Lit(acl.PermDeny, alice, acl.OpRead, acl.ResourceTopic, "orders")}, Query: readOrders, Want: acl.Denied, Matched: []int{1}, Reason: "denied by 1 DENY ACL(s); DENY beats ALLOW (1 ALLOW ACL(s) also match)"},
		{Name: "wildcard deny beats literal allow", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"), Lit(acl.PermDeny, "User:*", acl.OpRead, acl.ResourceTopic, "*")}, Query: readOrders, Want: acl.Denied, Matched: []int{1}},
		{Name: "prefixed deny beats literal allow", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"), Pre(acl.PermDeny, alice, acl.OpAll, acl.ResourceTopic, "o")}, Query: readOrders, Want: acl.Denied, Matched: []int{1}},
		{Name: "deny for another principal", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"), Lit(acl.PermDeny, bob, acl.OpRead, acl.ResourceTopic, "orders")}, Query: readOrders, Want: acl.Allowed, Matched: []int{0}},
		{Name: "host match", ACLs: []acl.ACL{WithHost(Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"), "127.0.0.1")}, Query: readOrders, Want: acl.Allowed, Matched: []int{0}},
		{Name: "other host", ACLs: []acl.ACL{WithHost(Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"), "10.9.9.9")}, Query: readOrders, Want: acl.Denied, Reason: "no ACL allows"},
		{Name: "deny from another host", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"), WithHost(Lit(acl.PermDeny, alice, acl.OpRead, acl.ResourceTopic, "orders"), "10.9.9.9")}, Query: readOrders, Want: acl.Allowed, Matched: []int{0}},
		{Name: "describe implied by read", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders")}, Query: q(acl.OpDescribe, acl.ResourceTopic, "orders"), Want: acl.Allowed, Matched: []int{0}, Reason: "(Describe implied by Read)"},
		{Name: "describe implied by write", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpWrite, acl.ResourceTopic, "orders")}, Query: q(acl.OpDescribe, acl.ResourceTopic, "orders"), Want: acl.Allowed, Matched: []int{0}},
		{Name: "describe implied by delete", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpDelete, acl.ResourceTopic, "orders")}, Query: q(acl.OpDescribe, acl.ResourceTopic, "orders"), Want: acl.Allowed, Matched: []int{0}},
		{Name: "describe implied by alter", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpAlter, acl.ResourceTopic, "orders")}, Query: q(acl.OpDescribe, acl.ResourceTopic, "orders"), Want: acl.Allowed, Matched: []int{0}},
		{Name: "describe not implied by create", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpCreate, acl.ResourceTopic, "orders")}, Query: q(acl.OpDescribe, acl.ResourceTopic, "orders"), Want: acl.Denied},
		{Name: "read not implied by describe", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpDescribe, acl.ResourceTopic, "orders")}, Query: readOrders, Want: acl.Denied},
		{Name: "deny read does not deny describe", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpDescribe, acl.ResourceTopic, "orders"), Lit(acl.PermDeny, alice, acl.OpRead, acl.ResourceTopic, "orders")}, Query: q(acl.OpDescribe, acl.ResourceTopic, "orders"), Want: acl.Allowed, Matched: []int{0}},
		{Name: "describe configs implied by alter configs", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpAlterConfigs, acl.ResourceTopic, "orders")}, Query: q(acl.OpDescribeConfigs, acl.ResourceTopic, "orders"), Want: acl.Allowed, Matched: []int{0}, Reason: "(DescribeConfigs implied by AlterConfigs)"},
		{Name: "allow all", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpAll, acl.ResourceTopic, "orders")}, Query: q(acl.OpDelete, acl.ResourceTopic, "orders"), Want: acl.Allowed, Matched: []int{0}},
		{Name: "deny all beats allow read", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "orders"), Lit(acl.PermDeny, alice, acl.OpAll, acl.ResourceTopic, "orders")}, Query: readOrders, Want: acl.Denied, Matched: []int{1}},
		{Name: "group read", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceGroup, "g1")}, Query: q(acl.OpRead, acl.ResourceGroup, "g1"), Want: acl.Allowed, Matched: []int{0}},
		{Name: "group describe implied by read", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceGroup, "g1")}, Query: q(acl.OpDescribe, acl.ResourceGroup, "g1"), Want: acl.Allowed, Matched: []int{0}},
		{Name: "topic ACL does not apply to a group", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpRead, acl.ResourceTopic, "g1")}, Query: q(acl.OpRead, acl.ResourceGroup, "g1"), Want: acl.Denied, Reason: "no ACL matches"},
		{Name: "cluster describe", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpDescribe, acl.ResourceCluster, acl.ClusterName)}, Query: q(acl.OpDescribe, acl.ResourceCluster, acl.ClusterName), Want: acl.Allowed, Matched: []int{0}},
		{Name: "cluster alter implies describe", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpAlter, acl.ResourceCluster, acl.ClusterName)}, Query: q(acl.OpDescribe, acl.ResourceCluster, acl.ClusterName), Want: acl.Allowed, Matched: []int{0}},
		{Name: "cluster alter denied by deny all", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpAlter, acl.ResourceCluster, acl.ClusterName), Lit(acl.PermDeny, "User:*", acl.OpAll, acl.ResourceCluster, acl.ClusterName)}, Query: q(acl.OpAlter, acl.ResourceCluster, acl.ClusterName), Want: acl.Denied, Matched: []int{1}},
		{Name: "transactional id write by prefix", ACLs: []acl.ACL{Pre(acl.PermAllow, alice, acl.OpWrite, acl.ResourceTransactionalID, "app-")}, Query: q(acl.OpWrite, acl.ResourceTransactionalID, "app-1"), Want: acl.Allowed, Matched: []int{0}},
		{Name: "transactional id describe implied by write", ACLs: []acl.ACL{Lit(acl.PermAllow, alice, acl.OpWrite, acl.ResourceTransactionalID, "tx")}, Query: q(acl.OpDescribe, acl.ResourceTransactionalID, "tx"), Want: acl.Allowed, Matched: []int{0}},
	}
}

// Lit is a literal ACL for every host.
func Lit(perm acl.Permission, principal string, op acl.Operation, rt acl.ResourceType, name string) acl.ACL {
	return acl.ACL{Principal: principal, Host: "*", Operation: op, Permission: perm, ResourceType: rt, ResourceName: name, PatternType: acl.PatternLiteral}
}

// Pre is a prefixed ACL for every host.
func Pre(perm acl.Permission, principal string, op acl.Operation, rt acl.ResourceType, name string) acl.ACL {
	a := Lit(perm, principal, op, rt, name)
	a.PatternType = acl.PatternPrefixed
	return a
}

// WithHost returns a for host h only.
func WithHost(a acl.ACL, h string) acl.ACL { a.Host = h; return a }
