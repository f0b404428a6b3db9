package acl

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/errs"
)

func TestParsePrincipal(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "User:alice", want: "User:alice"},
		{in: " User:alice ", want: "User:alice"},
		{in: "User:*", want: "User:*"},
		{in: "Group:ops", want: "Group:ops"},
		{in: "User:CN=x,O=y", want: "User:CN=x,O=y"},
		{in: "alice", err: `invalid principal "alice": use Type:name`},
		{in: ":alice", err: "use Type:name"},
		{in: "User:", err: "use Type:name"},
		{in: "", err: "use Type:name"},
		{in: "user:alice", err: "the principal type is case-sensitive, use User:alice"},
	} {
		got, err := ParsePrincipal(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errs.IsUsage(err) {
				t.Errorf("ParsePrincipal(%q) = %q, %v; want usage error containing %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParsePrincipal(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestParseOperation(t *testing.T) {
	for in, want := range map[string]Operation{
		"Read": OpRead, "READ": OpRead, "read": OpRead, "All": OpAll,
		"DescribeConfigs": OpDescribeConfigs, "describe-configs": OpDescribeConfigs, "DESCRIBE_CONFIGS": OpDescribeConfigs,
		"IdempotentWrite": OpIdempotentWrite, "idempotent_write": OpIdempotentWrite, "ClusterAction": OpClusterAction,
		"AlterConfigs": OpAlterConfigs, "Create": OpCreate, "Delete": OpDelete, "Alter": OpAlter, "Write": OpWrite, "Describe": OpDescribe,
	} {
		got, err := ParseOperation(in)
		if err != nil || got != want {
			t.Errorf("ParseOperation(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"Reed", "", "Any", "unknown", "Produce"} {
		if _, err := ParseOperation(in); err == nil || !errs.IsUsage(err) || !strings.Contains(err.Error(), "unknown operation") {
			t.Errorf("ParseOperation(%q) = %v; want an unknown-operation usage error", in, err)
		}
	}
}

func TestParsePatternAndPermission(t *testing.T) {
	for in, want := range map[string]PatternType{"literal": PatternLiteral, "PREFIXED": PatternPrefixed, "match": PatternMatch, "Any": PatternAny} {
		if got, err := ParsePatternType(in); err != nil || got != want {
			t.Errorf("ParsePatternType(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParsePatternType("regex"); err == nil {
		t.Error("ParsePatternType(regex) succeeded")
	}
	for in, want := range map[string]Permission{"allow": PermAllow, "DENY": PermDeny} {
		if got, err := ParsePermission(in); err != nil || got != want {
			t.Errorf("ParsePermission(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"any", "maybe", ""} {
		if _, err := ParsePermission(in); err == nil {
			t.Errorf("ParsePermission(%q) succeeded", in)
		}
	}
}

func TestValidateOperation(t *testing.T) {
	for _, tc := range []struct {
		rt ResourceType
		op Operation
		ok bool
	}{
		{ResourceTopic, OpRead, true}, {ResourceTopic, OpAll, true}, {ResourceTopic, OpAlterConfigs, true},
		{ResourceTopic, OpIdempotentWrite, false}, {ResourceTopic, OpClusterAction, false},
		{ResourceGroup, OpRead, true}, {ResourceGroup, OpWrite, false}, {ResourceGroup, OpCreate, false},
		{ResourceCluster, OpIdempotentWrite, true}, {ResourceCluster, OpRead, false}, {ResourceCluster, OpClusterAction, true},
		{ResourceTransactionalID, OpWrite, true}, {ResourceTransactionalID, OpRead, false},
	} {
		err := ValidateOperation(tc.rt, tc.op)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateOperation(%v, %v) = %v; want ok=%v", tc.rt, tc.op, err, tc.ok)
		}
	}
	err := ValidateOperation(ResourceTopic, OpIdempotentWrite)
	want := "operation IdempotentWrite is not valid on a topic resource: topic supports All, Read, Write, Create, Delete, Alter, Describe, DescribeConfigs, AlterConfigs"
	if err == nil || err.Error() != want || !errs.IsUsage(err) {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestJSONShape(t *testing.T) {
	a := ACL{Principal: "User:alice", Host: "*", Operation: OpIdempotentWrite, Permission: PermAllow, ResourceType: ResourceTransactionalID, ResourceName: "tx", PatternType: PatternPrefixed}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"principal":"User:alice","host":"*","operation":"IDEMPOTENT_WRITE","permission":"ALLOW","resourceType":"TRANSACTIONAL_ID","resourceName":"tx","patternType":"PREFIXED"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	var back ACL
	if err := json.Unmarshal(b, &back); err != nil || back != a {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}

// lit, pre build ACLs tersely: permission, principal, op, resource type,
// name, host "*".
func lit(perm Permission, principal string, op Operation, rt ResourceType, name string) ACL {
	return ACL{Principal: principal, Host: "*", Operation: op, Permission: perm, ResourceType: rt, ResourceName: name, PatternType: PatternLiteral}
}

func pre(perm Permission, principal string, op Operation, rt ResourceType, name string) ACL {
	a := lit(perm, principal, op, rt, name)
	a.PatternType = PatternPrefixed
	return a
}

func withHost(a ACL, h string) ACL { a.Host = h; return a }

func TestBuildAdd(t *testing.T) {
	const alice, bob = "User:alice", "User:bob"
	for _, tc := range []struct {
		name string
		spec AddSpec
		want []ACL
	}{
		{"consumer", AddSpec{AllowPrincipals: []string{alice}, Consumer: true, Topics: []string{"orders"}, Groups: []string{"g1"}}, []ACL{
			lit(PermAllow, alice, OpRead, ResourceTopic, "orders"), lit(PermAllow, alice, OpDescribe, ResourceTopic, "orders"),
			lit(PermAllow, alice, OpRead, ResourceGroup, "g1"),
		}},
		{"producer", AddSpec{AllowPrincipals: []string{alice}, Producer: true, Topics: []string{"orders"}}, []ACL{
			lit(PermAllow, alice, OpWrite, ResourceTopic, "orders"), lit(PermAllow, alice, OpCreate, ResourceTopic, "orders"),
			lit(PermAllow, alice, OpDescribe, ResourceTopic, "orders"),
		}},
		{"producer idempotent transactional", AddSpec{AllowPrincipals: []string{alice}, Producer: true, Idempotent: true, Topics: []string{"orders"}, TransactionalIDs: []string{"tx"}}, []ACL{
			lit(PermAllow, alice, OpWrite, ResourceTopic, "orders"), lit(PermAllow, alice, OpCreate, ResourceTopic, "orders"),
			lit(PermAllow, alice, OpDescribe, ResourceTopic, "orders"),
			lit(PermAllow, alice, OpIdempotentWrite, ResourceCluster, ClusterName),
			lit(PermAllow, alice, OpWrite, ResourceTransactionalID, "tx"), lit(PermAllow, alice, OpDescribe, ResourceTransactionalID, "tx"),
		}},
		{"producer prefixed keeps the cluster literal", AddSpec{AllowPrincipals: []string{alice}, Producer: true, Idempotent: true, Topics: []string{"ord"}, Pattern: "prefixed"}, []ACL{
			pre(PermAllow, alice, OpWrite, ResourceTopic, "ord"), pre(PermAllow, alice, OpCreate, ResourceTopic, "ord"),
			pre(PermAllow, alice, OpDescribe, ResourceTopic, "ord"),
			lit(PermAllow, alice, OpIdempotentWrite, ResourceCluster, ClusterName),
		}},
		{"producer and consumer merge on topics", AddSpec{AllowPrincipals: []string{alice}, Producer: true, Consumer: true, Topics: []string{"t"}, Groups: []string{"g"}}, []ACL{
			lit(PermAllow, alice, OpRead, ResourceTopic, "t"), lit(PermAllow, alice, OpWrite, ResourceTopic, "t"),
			lit(PermAllow, alice, OpCreate, ResourceTopic, "t"), lit(PermAllow, alice, OpDescribe, ResourceTopic, "t"),
			lit(PermAllow, alice, OpRead, ResourceGroup, "g"),
		}},
		{"consumer two principals two hosts", AddSpec{AllowPrincipals: []string{alice, bob}, AllowHosts: []string{"10.0.0.1", "10.0.0.2"}, Consumer: true, Topics: []string{"t"}, Groups: []string{"g"}}, func() []ACL {
			var out []ACL
			for _, x := range []struct {
				op   Operation
				rt   ResourceType
				name string
			}{{OpRead, ResourceTopic, "t"}, {OpDescribe, ResourceTopic, "t"}, {OpRead, ResourceGroup, "g"}} {
				for _, p := range []string{alice, bob} {
					for _, h := range []string{"10.0.0.1", "10.0.0.2"} {
						out = append(out, withHost(lit(PermAllow, p, x.op, x.rt, x.name), h))
					}
				}
			}
			return out
		}()},
		{"explicit operations allow and deny", AddSpec{AllowPrincipals: []string{"User:*"}, DenyPrincipals: []string{bob}, DenyHosts: []string{"10.0.0.7"}, Operations: []string{"Read,describe"}, Topics: []string{"*"}}, []ACL{
			lit(PermAllow, "User:*", OpRead, ResourceTopic, "*"), lit(PermAllow, "User:*", OpDescribe, ResourceTopic, "*"),
			withHost(lit(PermDeny, bob, OpRead, ResourceTopic, "*"), "10.0.0.7"), withHost(lit(PermDeny, bob, OpDescribe, ResourceTopic, "*"), "10.0.0.7"),
		}},
		{"cluster and several resources", AddSpec{AllowPrincipals: []string{alice}, Operations: []string{"All"}, Cluster: true, Groups: []string{"g"}, TransactionalIDs: []string{"tx"}}, []ACL{
			lit(PermAllow, alice, OpAll, ResourceGroup, "g"), lit(PermAllow, alice, OpAll, ResourceCluster, ClusterName),
			lit(PermAllow, alice, OpAll, ResourceTransactionalID, "tx"),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BuildAdd(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			want := Dedupe(append([]ACL(nil), tc.want...))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got\n%s\nwant\n%s", dump(got), dump(want))
			}
		})
	}
}

func dump(acls []ACL) string {
	var b strings.Builder
	for _, a := range acls {
		b.WriteString("  " + a.String() + "\n")
	}
	return b.String()
}

func TestBuildAddErrors(t *testing.T) {
	alice := []string{"User:alice"}
	for _, tc := range []struct {
		name string
		spec AddSpec
		err  string
	}{
		{"no principal", AddSpec{Operations: []string{"Read"}, Topics: []string{"t"}}, "--allow-principal or --deny-principal"},
		{"principal without type", AddSpec{AllowPrincipals: []string{"alice"}, Operations: []string{"Read"}, Topics: []string{"t"}}, `invalid principal "alice"`},
		{"unknown operation", AddSpec{AllowPrincipals: alice, Operations: []string{"Reed"}, Topics: []string{"t"}}, `unknown operation "Reed"`},
		{"operation invalid for resource", AddSpec{AllowPrincipals: alice, Operations: []string{"IdempotentWrite"}, Topics: []string{"t"}}, "operation IdempotentWrite is not valid on a topic resource"},
		{"write on group", AddSpec{AllowPrincipals: alice, Operations: []string{"Write"}, Groups: []string{"g"}}, "operation Write is not valid on a group resource"},
		{"no operation", AddSpec{AllowPrincipals: alice, Topics: []string{"t"}}, "--operation"},
		{"no resource", AddSpec{AllowPrincipals: alice, Operations: []string{"Read"}}, "name at least one resource"},
		{"empty topic", AddSpec{AllowPrincipals: alice, Operations: []string{"Read"}, Topics: []string{""}}, "resource names cannot be empty"},
		{"match pattern", AddSpec{AllowPrincipals: alice, Operations: []string{"Read"}, Topics: []string{"t"}, Pattern: "match"}, "is a filter"},
		{"prefixed cluster", AddSpec{AllowPrincipals: alice, Operations: []string{"Alter"}, Cluster: true, Pattern: "prefixed"}, "cluster resource is always literal"},
		{"allow host without principal", AddSpec{DenyPrincipals: alice, AllowHosts: []string{"h"}, Operations: []string{"Read"}, Topics: []string{"t"}}, "--allow-host needs --allow-principal"},
		{"producer without topic", AddSpec{AllowPrincipals: alice, Producer: true, TransactionalIDs: []string{"tx"}}, "with --producer you must specify a --topic"},
		{"consumer without group", AddSpec{AllowPrincipals: alice, Consumer: true, Topics: []string{"t"}}, "with --consumer you must specify a --topic and a --group"},
		{"consumer with cluster", AddSpec{AllowPrincipals: alice, Consumer: true, Topics: []string{"t"}, Groups: []string{"g"}, Cluster: true}, "--cluster and --transactional-id need --producer"},
		{"shortcut with operation", AddSpec{AllowPrincipals: alice, Consumer: true, Topics: []string{"t"}, Groups: []string{"g"}, Operations: []string{"Write"}}, "--operation cannot be combined"},
		{"shortcut with deny", AddSpec{DenyPrincipals: alice, Producer: true, Topics: []string{"t"}}, "--deny-principal and --deny-host cannot be combined"},
		{"idempotent without producer", AddSpec{AllowPrincipals: alice, Operations: []string{"Read"}, Topics: []string{"t"}, Idempotent: true}, "--idempotent is only available with --producer"},
		{"producer with group", AddSpec{AllowPrincipals: alice, Producer: true, Topics: []string{"t"}, Groups: []string{"g"}}, "--group needs --consumer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BuildAdd(tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errs.IsUsage(err) {
				t.Fatalf("BuildAdd = %v, %v; want usage error containing %q", got, err, tc.err)
			}
		})
	}
}

func TestFilterMatches(t *testing.T) {
	str := func(s string) *string { return &s }
	orders := lit(PermAllow, "User:alice", OpRead, ResourceTopic, "orders")
	star := lit(PermAllow, "User:bob", OpRead, ResourceTopic, "*")
	ord := pre(PermDeny, "User:alice", OpWrite, ResourceTopic, "ord")
	ordersX := pre(PermAllow, "User:alice", OpRead, ResourceTopic, "orders-")
	group := lit(PermAllow, "User:alice", OpRead, ResourceGroup, "orders")
	all := []ACL{orders, star, ord, ordersX, group}
	f := func(mod func(*Filter)) Filter { x := NewFilter(); mod(&x); return x }
	for _, tc := range []struct {
		name   string
		filter Filter
		want   []ACL
	}{
		{"everything", NewFilter(), all},
		{"match topic orders", f(func(x *Filter) {
			x.ResourceType = ResourceTopic
			x.ResourceName = str("orders")
			x.Pattern = PatternMatch
		}), []ACL{orders, star, ord}},
		{"match any type", f(func(x *Filter) { x.ResourceName = str("orders"); x.Pattern = PatternMatch }), []ACL{orders, star, ord, group}},
		{"any pattern exact name", f(func(x *Filter) { x.ResourceName = str("ord") }), []ACL{ord}},
		{"literal", f(func(x *Filter) {
			x.ResourceType = ResourceTopic
			x.ResourceName = str("orders")
			x.Pattern = PatternLiteral
		}), []ACL{orders}},
		{"prefixed only", f(func(x *Filter) { x.Pattern = PatternPrefixed }), []ACL{ord, ordersX}},
		{"principal", f(func(x *Filter) { x.Principal = str("User:bob") }), []ACL{star}},
		{"operation and permission", f(func(x *Filter) { x.Operation = OpRead; x.Permission = PermAllow; x.ResourceType = ResourceTopic }), []ACL{orders, star, ordersX}},
		{"deny", f(func(x *Filter) { x.Permission = PermDeny }), []ACL{ord}},
		{"host", f(func(x *Filter) { x.Host = str("10.0.0.1") }), nil},
		{"match cluster", f(func(x *Filter) {
			x.ResourceType = ResourceCluster
			x.ResourceName = str(ClusterName)
			x.Pattern = PatternMatch
		}), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.filter.Select(all)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", dump(got), dump(tc.want))
			}
			// The wire filter is a superset, so local filtering after it
			// gives the same answer.
			if w := tc.filter.Wire(); !reflect.DeepEqual(tc.filter.Select(w.Select(all)), tc.want) {
				t.Errorf("wire filter %+v loses ACLs", w)
			}
		})
	}
	for _, x := range all {
		if !Exact(x).Matches(x) || len(Exact(x).Select(all)) != 1 {
			t.Errorf("Exact(%v) does not select exactly itself", x)
		}
	}
	if !NewFilter().IsEmpty() || !f(func(x *Filter) { x.Pattern = PatternLiteral }).IsEmpty() || f(func(x *Filter) { x.Operation = OpRead }).IsEmpty() {
		t.Error("IsEmpty")
	}
}
