package sandbox

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// noAuthorizer makes a sandbox without --acls answer the ACL APIs the way
// Kafka without authorizer.class.name does: SECURITY_DISABLED for
// DescribeAcls, CreateAcls and DeleteAcls (kfake stores and lists ACLs it
// never checks, so `acl list` showed an empty table and `acl add`
// "succeeded" on a cluster where ACLs do nothing).
func noAuthorizer(kc *kfake.Cluster) {
	msg := kmsg.StringPtr("No Authorizer is configured on the broker")
	code := kerr.SecurityDisabled.Code
	kc.ControlKey(int16(kmsg.DescribeACLs), func(r kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		req := r.(*kmsg.DescribeACLsRequest)
		resp := req.ResponseKind().(*kmsg.DescribeACLsResponse)
		resp.ErrorCode, resp.ErrorMessage = code, msg
		return resp, nil, true
	})
	kc.ControlKey(int16(kmsg.CreateACLs), func(r kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		req := r.(*kmsg.CreateACLsRequest)
		resp := req.ResponseKind().(*kmsg.CreateACLsResponse)
		for range req.Creations {
			rr := kmsg.NewCreateACLsResponseResult()
			rr.ErrorCode, rr.ErrorMessage = code, msg
			resp.Results = append(resp.Results, rr)
		}
		return resp, nil, true
	})
	kc.ControlKey(int16(kmsg.DeleteACLs), func(r kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		req := r.(*kmsg.DeleteACLsRequest)
		resp := req.ResponseKind().(*kmsg.DeleteACLsResponse)
		for range req.Filters {
			rr := kmsg.NewDeleteACLsResponseResult()
			rr.ErrorCode, rr.ErrorMessage = code, msg
			resp.Results = append(resp.Results, rr)
		}
		return resp, nil, true
	})
}
