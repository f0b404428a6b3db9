package kafka

import "fmt"

var apiNames = map[int16]string{
	0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 8: "OffsetCommit", 9: "OffsetFetch",
	10: "FindCoordinator", 11: "JoinGroup", 12: "Heartbeat", 13: "LeaveGroup", 14: "SyncGroup",
	15: "DescribeGroups", 16: "ListGroups", 17: "SaslHandshake", 18: "ApiVersions", 19: "CreateTopics",
	20: "DeleteTopics", 21: "DeleteRecords", 22: "InitProducerId", 23: "OffsetForLeaderEpoch",
	24: "AddPartitionsToTxn", 25: "AddOffsetsToTxn", 26: "EndTxn", 27: "WriteTxnMarkers",
	28: "TxnOffsetCommit", 29: "DescribeAcls", 30: "CreateAcls", 31: "DeleteAcls", 32: "DescribeConfigs",
	33: "AlterConfigs", 34: "AlterReplicaLogDirs", 35: "DescribeLogDirs", 36: "SaslAuthenticate",
	37: "CreatePartitions", 38: "CreateDelegationToken", 39: "RenewDelegationToken",
	40: "ExpireDelegationToken", 41: "DescribeDelegationToken", 42: "DeleteGroups", 43: "ElectLeaders",
	44: "IncrementalAlterConfigs", 45: "AlterPartitionReassignments", 46: "ListPartitionReassignments",
	47: "OffsetDelete", 48: "DescribeClientQuotas", 49: "AlterClientQuotas",
	50: "DescribeUserScramCredentials", 51: "AlterUserScramCredentials", 55: "DescribeQuorum",
	56: "AlterPartition", 57: "UpdateFeatures", 60: "DescribeCluster", 61: "DescribeProducers",
	64: "UnregisterBroker", 65: "DescribeTransactions", 66: "ListTransactions", 67: "AllocateProducerIds",
	68: "ConsumerGroupHeartbeat", 69: "ConsumerGroupDescribe", 71: "GetTelemetrySubscriptions",
	72: "PushTelemetry", 74: "ListClientMetricsResources", 75: "DescribeTopicPartitions",
	76: "ShareGroupHeartbeat", 77: "ShareGroupDescribe", 78: "ShareFetch", 79: "ShareAcknowledge",
	80: "AddRaftVoter", 81: "RemoveRaftVoter",
}

// APIName names an API key.
func APIName(k int16) string {
	if n, ok := apiNames[k]; ok {
		return n
	}
	return fmt.Sprintf("Api%d", k)
}

// InferKafkaVersion guesses the oldest Apache Kafka release that offers
// these APIs. It is a lower bound: brokers only tell which APIs they speak.
func InferKafkaVersion(apis []APIVersion) string {
	max := map[int16]int16{}
	min := map[int16]int16{}
	for _, a := range apis {
		max[a.Key] = a.Max
		min[a.Key] = a.Min
	}
	has := func(k int16, v int16) bool { m, ok := max[k]; return ok && m >= v }
	switch {
	case min[0] >= 3 && has(0, 3):
		// Kafka 4.0 removed Produce v0-v2 (KIP-896).
		if has(80, 0) && has(1, 17) {
			return "4.0+"
		}
		return "4.0+"
	case has(80, 0):
		return "3.9+"
	case has(75, 0):
		return "3.7+"
	case has(1, 15):
		return "3.5+"
	case has(1, 13):
		return "3.1+"
	case has(66, 0):
		return "3.0+"
	case has(61, 0):
		return "2.8+"
	case has(57, 0):
		return "2.7+"
	case has(48, 0):
		return "2.6+"
	case has(3, 9):
		return "2.4+"
	case has(44, 0):
		return "2.3+"
	case has(43, 0):
		return "2.2+"
	case has(3, 7):
		return "2.1+"
	}
	return "older than 2.1"
}
