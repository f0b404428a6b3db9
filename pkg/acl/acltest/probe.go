package acltest

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/acl"
)

// Probe performs, as the client cl, a real request that the broker
// authorizes with exactly q's operation on q's resource, and reports
// whether the broker allowed it. It is how the sandbox test and the
// real-Kafka suite check `kctl acl explain` against the authorizer. The
// group Read probe is a standalone offset commit for commitTopic (an
// existing topic). cl must be pinned to request versions that name topics
// (kversion.V2_8_0()), and talk to a one-broker cluster (the coordinator
// and leader of everything).
//
// Kafka authorizes before it does anything else, so an error after
// authorization (the coordinator still loading, say) also means allowed;
// such retriable errors are retried briefly first. Any other error code is
// an error: the probe would not tell allowed from denied. Operations
// without a harmless probe (Write, Create, Alter, AlterConfigs on topics)
// are an error too.
func Probe(ctx context.Context, cl *kgo.Client, q acl.Query, commitTopic string) (bool, error) {
	req, authErr, code := probeRequest(q, commitTopic)
	if req == nil {
		return false, fmt.Errorf("no broker probe for %s on %s", q.Operation, q.ResourceType)
	}
	if err := cl.Ping(ctx); err != nil {
		return false, fmt.Errorf("probe: %w", err)
	}
	brokers := cl.DiscoveredBrokers()
	if len(brokers) != 1 {
		return false, fmt.Errorf("probe: %d brokers, want a one-broker cluster", len(brokers))
	}
	b := brokers[0]
	for try := 0; ; try++ {
		resp, err := b.Request(ctx, req)
		if err != nil {
			return false, fmt.Errorf("probe %s: %w", kmsg.NameForKey(req.Key()), err)
		}
		c := code(resp)
		switch {
		case c == 0:
			return true, nil
		case c == authErr.Code:
			return false, nil
		case kerr.IsRetriable(kerr.ErrorForCode(c)) && try < 10:
			time.Sleep(200 * time.Millisecond)
		case kerr.IsRetriable(kerr.ErrorForCode(c)):
			return true, nil // past authorization
		case authErr == kerr.GroupAuthorizationFailed && q.Operation == acl.OpRead:
			return true, nil // the commit passed the group check, failed on the topic
		default:
			return false, fmt.Errorf("probe %s for %+v: error %v, neither allowed nor denied", kmsg.NameForKey(req.Key()), q, kerr.ErrorForCode(c))
		}
	}
}

// probeRequest is the request for q, the error the broker answers when it
// denies it, and how to read the error code from the response.
func probeRequest(q acl.Query, commitTopic string) (kmsg.Request, *kerr.Error, func(kmsg.Response) int16) {
	name := q.ResourceName
	switch q.ResourceType {
	case acl.ResourceTopic:
		topicErr := kerr.TopicAuthorizationFailed
		switch q.Operation {
		case acl.OpDescribe:
			req := kmsg.NewPtrMetadataRequest()
			rt := kmsg.NewMetadataRequestTopic()
			rt.Topic = kmsg.StringPtr(name)
			req.Topics = append(req.Topics, rt)
			return req, topicErr, func(r kmsg.Response) int16 { return r.(*kmsg.MetadataResponse).Topics[0].ErrorCode }
		case acl.OpRead:
			req := kmsg.NewPtrFetchRequest()
			req.ReplicaID, req.MaxBytes, req.SessionEpoch = -1, 1<<20, -1
			ft := kmsg.NewFetchRequestTopic()
			ft.Topic = name
			fp := kmsg.NewFetchRequestTopicPartition()
			fp.PartitionMaxBytes, fp.CurrentLeaderEpoch, fp.LogStartOffset = 1<<20, -1, -1
			ft.Partitions = append(ft.Partitions, fp)
			req.Topics = append(req.Topics, ft)
			return req, topicErr, func(r kmsg.Response) int16 { return r.(*kmsg.FetchResponse).Topics[0].Partitions[0].ErrorCode }
		case acl.OpDelete:
			req := kmsg.NewPtrDeleteRecordsRequest()
			req.TimeoutMillis = 5000
			dt := kmsg.NewDeleteRecordsRequestTopic()
			dt.Topic = name
			dp := kmsg.NewDeleteRecordsRequestTopicPartition()
			dp.Offset = 0 // deletes nothing
			dt.Partitions = append(dt.Partitions, dp)
			req.Topics = append(req.Topics, dt)
			return req, topicErr, func(r kmsg.Response) int16 { return r.(*kmsg.DeleteRecordsResponse).Topics[0].Partitions[0].ErrorCode }
		case acl.OpDescribeConfigs:
			req := kmsg.NewPtrDescribeConfigsRequest()
			r := kmsg.NewDescribeConfigsRequestResource()
			r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, name
			req.Resources = append(req.Resources, r)
			return req, topicErr, func(r kmsg.Response) int16 { return r.(*kmsg.DescribeConfigsResponse).Resources[0].ErrorCode }
		}
	case acl.ResourceGroup:
		switch q.Operation {
		case acl.OpRead:
			// A standalone commit checks Read on the group first; with the
			// group allowed it fails (or not) on the topic instead.
			req := kmsg.NewPtrOffsetCommitRequest()
			req.Group, req.Generation = name, -1
			ct := kmsg.NewOffsetCommitRequestTopic()
			ct.Topic = commitTopic
			cp := kmsg.NewOffsetCommitRequestTopicPartition()
			cp.LeaderEpoch = -1
			ct.Partitions = append(ct.Partitions, cp)
			req.Topics = append(req.Topics, ct)
			return req, kerr.GroupAuthorizationFailed, func(r kmsg.Response) int16 { return r.(*kmsg.OffsetCommitResponse).Topics[0].Partitions[0].ErrorCode }
		case acl.OpDescribe:
			req := kmsg.NewPtrDescribeGroupsRequest()
			req.Groups = []string{name}
			return req, kerr.GroupAuthorizationFailed, func(r kmsg.Response) int16 { return r.(*kmsg.DescribeGroupsResponse).Groups[0].ErrorCode }
		}
	case acl.ResourceCluster:
		switch q.Operation {
		case acl.OpDescribe:
			req := kmsg.NewPtrDescribeACLsRequest()
			req.ResourceType, req.ResourcePatternType = kmsg.ACLResourceTypeAny, kmsg.ACLResourcePatternTypeAny
			req.Operation, req.PermissionType = kmsg.ACLOperationAny, kmsg.ACLPermissionTypeAny
			return req, kerr.ClusterAuthorizationFailed, func(r kmsg.Response) int16 { return r.(*kmsg.DescribeACLsResponse).ErrorCode }
		case acl.OpAlter:
			req := kmsg.NewPtrDeleteACLsRequest()
			f := kmsg.NewDeleteACLsRequestFilter()
			f.ResourceType, f.ResourceName, f.ResourcePatternType = kmsg.ACLResourceTypeTopic, kmsg.StringPtr("no-such-acl"), kmsg.ACLResourcePatternTypeLiteral
			f.Operation, f.PermissionType = kmsg.ACLOperationAny, kmsg.ACLPermissionTypeAny
			req.Filters = append(req.Filters, f)
			return req, kerr.ClusterAuthorizationFailed, func(r kmsg.Response) int16 { return r.(*kmsg.DeleteACLsResponse).Results[0].ErrorCode }
		}
	case acl.ResourceTransactionalID:
		switch q.Operation {
		case acl.OpDescribe:
			req := kmsg.NewPtrFindCoordinatorRequest()
			req.CoordinatorType, req.CoordinatorKey = 1, name
			return req, kerr.TransactionalIDAuthorizationFailed, func(r kmsg.Response) int16 { return r.(*kmsg.FindCoordinatorResponse).ErrorCode }
		case acl.OpWrite:
			req := kmsg.NewPtrInitProducerIDRequest()
			req.TransactionalID, req.TransactionTimeoutMillis = kmsg.StringPtr(name), 60000
			return req, kerr.TransactionalIDAuthorizationFailed, func(r kmsg.Response) int16 { return r.(*kmsg.InitProducerIDResponse).ErrorCode }
		}
	}
	return nil, nil, nil
}

// ResourceArgs are the kctl acl flags naming q's resource.
func ResourceArgs(q acl.Query) []string {
	switch q.ResourceType {
	case acl.ResourceTopic:
		return []string{"--topic", q.ResourceName}
	case acl.ResourceGroup:
		return []string{"--group", q.ResourceName}
	case acl.ResourceTransactionalID:
		return []string{"--transactional-id", q.ResourceName}
	}
	return []string{"--cluster"}
}
