package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/errs"
)

// aclRequestVersion is the newest DescribeAcls/CreateAcls/DeleteAcls
// version sarama encodes; sarama lowers it to what the broker advertises.
// v1 (Kafka 2.0) added pattern types; v0 brokers know literal ACLs only.
const aclRequestVersion = 2

// DescribeACLs returns the ACLs f selects, from one DescribeAcls request.
// The broker gets f.Wire() (a superset every broker evaluates alike) and f
// is applied here, so MATCH filters find wildcard and prefixed ACLs on
// every broker.
func (a *Admin) DescribeACLs(ctx context.Context, f acl.Filter) ([]acl.ACL, error) {
	b, err := a.anyBroker()
	if err != nil {
		return nil, err
	}
	req := &sarama.DescribeAclsRequest{Version: aclRequestVersion, AclFilter: toSaramaFilter(f.Wire())}
	resp, err := send(ctx, a, b, "describe ACLs on "+b.Addr, func(conn *sarama.Broker) (*sarama.DescribeAclsResponse, error) { return conn.DescribeAcls(req) })
	if err != nil {
		return nil, err
	}
	if resp.Err != sarama.ErrNoError {
		return nil, a.aclError(b.Addr, "describe ACLs", "Describe", resp.Err, resp.ErrMsg)
	}
	var out []acl.ACL
	for _, ra := range resp.ResourceAcls {
		for _, e := range ra.Acls {
			out = append(out, fromSarama(ra.Resource, *e))
		}
	}
	out = f.Select(out)
	acl.Sort(out)
	return out, nil
}

// CreateACLs creates every binding with one CreateAcls request. Creating
// an ACL that exists already is not an error in Kafka. Bindings the broker
// rejected are reported together, each with its reason.
func (a *Admin) CreateACLs(ctx context.Context, acls []acl.ACL) error {
	if len(acls) == 0 {
		return nil
	}
	b, err := a.anyBroker()
	if err != nil {
		return err
	}
	req := &sarama.CreateAclsRequest{Version: aclRequestVersion}
	for _, x := range acls {
		req.AclCreations = append(req.AclCreations, &sarama.AclCreation{
			Resource: sarama.Resource{ResourceType: sarama.AclResourceType(x.ResourceType), ResourceName: x.ResourceName, ResourcePatternType: sarama.AclResourcePatternType(x.PatternType)},
			Acl:      sarama.Acl{Principal: x.Principal, Host: x.Host, Operation: sarama.AclOperation(x.Operation), PermissionType: sarama.AclPermissionType(x.Permission)},
		})
	}
	resp, err := send(ctx, a, b, "create ACLs on "+b.Addr, func(conn *sarama.Broker) (*sarama.CreateAclsResponse, error) {
		r, err := conn.CreateAcls(req)
		// sarama wraps per-creation errors into err; they are read from
		// the response below, one by one.
		if r != nil && errors.Is(err, sarama.ErrCreateACLs) {
			err = nil
		}
		return r, err
	})
	if err != nil {
		return err
	}
	if len(resp.AclCreationResponses) != len(acls) {
		return fmt.Errorf("broker %s: CreateAcls answered %d results for %d ACLs", b.Addr, len(resp.AclCreationResponses), len(acls))
	}
	var failed []string
	var first error
	for i, r := range resp.AclCreationResponses {
		if r.Err == sarama.ErrNoError {
			continue
		}
		e := a.aclError(b.Addr, "create ACLs", "Alter", r.Err, r.ErrMsg)
		if first == nil {
			first = e
		}
		failed = append(failed, fmt.Sprintf("%s: %s", acls[i], kerrText(r.Err, r.ErrMsg)))
	}
	switch {
	case len(failed) == 0:
		return nil
	case len(failed) == len(acls):
		// One cause for all (typically authorization): report it once.
		var ae *errs.AuthError
		if errors.As(first, &ae) || errors.Is(first, ErrNoAuthorizer) {
			return first
		}
	}
	return fmt.Errorf("broker %s: %d of %d ACLs were not created:\n  %s", b.Addr, len(failed), len(acls), strings.Join(failed, "\n  "))
}

// DeleteACLs deletes with one DeleteAcls request carrying every filter and
// returns the ACLs the broker deleted.
func (a *Admin) DeleteACLs(ctx context.Context, filters []acl.Filter) ([]acl.ACL, error) {
	if len(filters) == 0 {
		return nil, nil
	}
	b, err := a.anyBroker()
	if err != nil {
		return nil, err
	}
	req := &sarama.DeleteAclsRequest{Version: aclRequestVersion}
	for _, f := range filters {
		sf := toSaramaFilter(f.Wire())
		req.Filters = append(req.Filters, &sf)
	}
	resp, err := send(ctx, a, b, "delete ACLs on "+b.Addr, func(conn *sarama.Broker) (*sarama.DeleteAclsResponse, error) { return conn.DeleteAcls(req) })
	if err != nil {
		return nil, err
	}
	var out []acl.ACL
	var failures []error
	for _, fr := range resp.FilterResponses {
		if fr.Err != sarama.ErrNoError {
			failures = append(failures, a.aclError(b.Addr, "delete ACLs", "Alter", fr.Err, fr.ErrMsg))
			continue
		}
		for _, m := range fr.MatchingAcls {
			if m.Err != sarama.ErrNoError {
				failures = append(failures, a.aclError(b.Addr, "delete ACLs", "Alter", m.Err, m.ErrMsg))
				continue
			}
			out = append(out, fromSarama(m.Resource, m.Acl))
		}
	}
	out = acl.Dedupe(out)
	if len(failures) > 0 {
		return out, failures[0]
	}
	return out, nil
}

func toSaramaFilter(f acl.Filter) sarama.AclFilter {
	return sarama.AclFilter{
		Version:                   aclRequestVersion,
		ResourceType:              sarama.AclResourceType(f.ResourceType),
		ResourceName:              f.ResourceName,
		ResourcePatternTypeFilter: sarama.AclResourcePatternType(f.Pattern),
		Principal:                 f.Principal,
		Host:                      f.Host,
		Operation:                 sarama.AclOperation(f.Operation),
		PermissionType:            sarama.AclPermissionType(f.Permission),
	}
}

func fromSarama(r sarama.Resource, e sarama.Acl) acl.ACL {
	pattern := acl.PatternType(r.ResourcePatternType)
	if pattern == acl.PatternUnknown {
		pattern = acl.PatternLiteral // v0 answers carry no pattern: all literal
	}
	return acl.ACL{
		Principal: e.Principal, Host: e.Host,
		Operation: acl.Operation(e.Operation), Permission: acl.Permission(e.PermissionType),
		ResourceType: acl.ResourceType(r.ResourceType), ResourceName: r.ResourceName, PatternType: pattern,
	}
}

// ErrNoAuthorizer is Kafka's SECURITY_DISABLED answer to an ACL request: the
// brokers run without authorizer.class.name, so no ACL is checked and every
// client may do everything its listener lets it.
var ErrNoAuthorizer = errors.New("the cluster has no authorizer configured (authorizer.class.name is unset: the broker answered SECURITY_DISABLED), so ACLs do not apply and every client may do everything")

// aclError words a Kafka error from an ACL or credential API.
func (a *Admin) aclError(addr, what, clusterOp string, code sarama.KError, msg *string) error {
	switch code {
	case sarama.ErrClusterAuthorizationFailed:
		return &errs.AuthError{Broker: addr, Msg: fmt.Sprintf("not authorized to %s: %s needs %s on the cluster (or to be a super user)", what, principal(a.settings), clusterOp), Err: code}
	case sarama.ErrSecurityDisabled:
		return fmt.Errorf("broker %s: cannot %s: %w", addr, what, ErrNoAuthorizer)
	case sarama.ErrUnsupportedVersion:
		return fmt.Errorf("broker %s: cannot %s: the broker does not support this request version (a Kafka older than 2.0 knows no prefixed ACLs)", addr, what)
	}
	return fmt.Errorf("broker %s: cannot %s: %s", addr, what, kerrText(code, msg))
}

// kerrText prefers the broker's own message over sarama's generic one.
func kerrText(code sarama.KError, msg *string) string {
	if msg != nil && *msg != "" {
		return fmt.Sprintf("%s (%s)", *msg, kerrName(code))
	}
	return cleanSarama(code)
}

// kerrName is the Kafka error name for codes sarama has no text for.
func kerrName(code sarama.KError) string {
	switch code {
	case errResourceNotFound:
		return "RESOURCE_NOT_FOUND"
	case errDuplicateResource:
		return "DUPLICATE_RESOURCE"
	case errUnacceptableCredential:
		return "UNACCEPTABLE_CREDENTIAL"
	}
	return cleanSarama(code)
}
