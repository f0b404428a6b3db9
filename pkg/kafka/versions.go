package kafka

import (
	"fmt"
	"runtime/debug"

	"github.com/twmb/franz-go/pkg/kmsg"
)

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
	72: "PushTelemetry", 74: "ListConfigResources", 75: "DescribeTopicPartitions",
	76: "ShareGroupHeartbeat", 77: "ShareGroupDescribe", 78: "ShareFetch", 79: "ShareAcknowledge",
	80: "AddRaftVoter", 81: "RemoveRaftVoter", 82: "UpdateRaftVoter", 83: "InitializeShareGroupState",
	84: "ReadShareGroupState", 85: "WriteShareGroupState", 86: "DeleteShareGroupState",
	87: "ReadShareGroupStateSummary", 88: "StreamsGroupHeartbeat", 89: "StreamsGroupDescribe",
	90: "DescribeShareGroupOffsets", 91: "AlterShareGroupOffsets", 92: "DeleteShareGroupOffsets",
	93: "StreamsGroupTopologyDescriptionUpdate", 94: "UnregisterController",
}

// APIName names an API key.
func APIName(k int16) string {
	if n, ok := apiNames[k]; ok {
		return n
	}
	return fmt.Sprintf("Api%d", k)
}

// InferKafkaVersion names the oldest Apache Kafka release that offers these
// API versions, as "X.Y+": `kctl version` and `kctl check`'s api-versions
// step both name the release with it. It is a lower bound: brokers only tell which
// APIs they speak, and a release that changed only inter-broker APIs (3.4,
// 3.6 for clients) looks like its predecessor.
func InferKafkaVersion(apis []APIVersion) string {
	max := make(map[int16]int16, len(apis))
	for _, a := range apis {
		max[a.Key] = a.Max
	}
	for _, r := range releaseMarks {
		for _, m := range r.marks {
			if v, ok := max[m.key]; ok && v >= m.version {
				return r.release + "+"
			}
		}
	}
	return "older than 2.1"
}

// apiVersionsOf reads the API table of an ApiVersions answer the probe got
// on its own connection (`kctl check`), for InferKafkaVersion.
func apiVersionsOf(r *kmsg.ApiVersionsResponse) []APIVersion {
	apis := make([]APIVersion, 0, len(r.ApiKeys))
	for _, k := range r.ApiKeys {
		apis = append(apis, APIVersion{Key: k.ApiKey, Name: APIName(k.ApiKey), Min: k.MinVersion, Max: k.MaxVersion})
	}
	return apis
}

type apiMark struct{ key, version int16 }

// releaseMarks lists, newest first, the API versions each Kafka release
// introduced (from franz-go's kversion tables; TestInferKafkaVersion checks
// every release against them). Having any one of them proves the release.
//
// kversion's tables before 4.0 are ZooKeeper-mode brokers', so its 4.0
// table looks as if it introduced every API only KRaft brokers speak.
// A 3.x KRaft broker already advertises those (DescribeQuorum v2,
// UnregisterBroker, GetTelemetrySubscriptions, PushTelemetry,
// ListClientMetricsResources, DescribeTopicPartitions, AddRaftVoter,
// RemoveRaftVoter: a real 3.9.2 broker did, and was taken for 4.0), so
// they mark nothing (TestInferKafkaVersionKRaft39).
var releaseMarks = []struct {
	release string
	marks   []apiMark
}{
	{"4.4", []apiMark{{18, 5}, {28, 6}, {42, 3}, {88, 1}, {89, 1}, {93, 0}, {94, 0}}},
	{"4.3", []apiMark{{35, 5}}},
	{"4.2", []apiMark{{2, 11}, {8, 10}, {9, 10}, {27, 2}, {78, 2}, {79, 2}, {80, 1}, {85, 1}, {87, 1}, {88, 0}, {89, 0}, {90, 1}}},
	{"4.1", []apiMark{{0, 13}, {1, 18}, {45, 1}, {66, 2}, {74, 1}, {76, 1}, {77, 1}, {78, 1}, {79, 1}, {83, 0}, {84, 0}, {85, 0}, {86, 0}, {87, 0}, {90, 0}, {91, 0}, {92, 0}}},
	{"4.0", []apiMark{{0, 12}, {2, 10}, {3, 13}, {15, 6}, {26, 5}, {28, 5}, {57, 2}, {60, 2}, {68, 1}, {69, 1}}},
	{"3.9", []apiMark{{1, 17}, {2, 9}, {10, 6}, {18, 4}}},
	{"3.8", []apiMark{{0, 11}, {10, 5}, {16, 5}, {22, 5}, {24, 5}, {25, 4}, {26, 4}, {28, 4}, {66, 1}, {69, 0}}},
	{"3.7", []apiMark{{0, 10}, {1, 16}, {8, 9}, {9, 9}, {60, 1}, {68, 0}}},
	{"3.6", []apiMark{{24, 4}}},
	{"3.5", []apiMark{{1, 15}, {2, 8}, {56, 3}}},
	{"3.4", []apiMark{{4, 7}, {5, 4}, {6, 8}, {58, 0}}},
	{"3.3", []apiMark{{29, 3}, {30, 3}, {31, 3}, {35, 4}, {38, 3}, {41, 3}, {56, 2}, {57, 1}}},
	{"3.2", []apiMark{{4, 6}, {11, 9}, {13, 5}, {35, 3}, {56, 1}}},
	{"3.1", []apiMark{{1, 13}, {3, 12}}},
	{"3.0", []apiMark{{2, 7}, {9, 8}, {10, 4}, {65, 0}, {66, 0}, {67, 0}}},
	{"2.8", []apiMark{{0, 9}, {2, 6}, {3, 11}, {4, 5}, {6, 7}, {19, 7}, {20, 6}, {23, 4}, {24, 3}, {25, 3}, {26, 3}, {27, 1}, {32, 4}, {33, 2}, {34, 2}, {48, 1}, {49, 1}, {60, 0}, {61, 0}}},
	{"2.7", []apiMark{{1, 12}, {19, 6}, {20, 5}, {22, 4}, {24, 2}, {25, 2}, {26, 2}, {37, 3}, {50, 0}, {51, 0}, {56, 0}, {57, 0}}},
	{"2.6", []apiMark{{5, 3}, {16, 4}, {21, 2}, {32, 3}, {35, 2}, {48, 0}, {49, 0}}},
	{"2.5", []apiMark{{9, 7}, {11, 7}, {14, 5}, {22, 3}, {28, 3}, {29, 2}, {30, 2}, {31, 2}, {36, 2}, {37, 2}, {39, 2}, {40, 2}, {41, 2}}},
	{"2.4", []apiMark{{0, 8}, {3, 9}, {4, 4}, {5, 2}, {6, 6}, {7, 3}, {8, 8}, {9, 6}, {10, 3}, {11, 6}, {12, 4}, {13, 4}, {14, 4}, {15, 5}, {16, 3}, {18, 3}, {19, 5}, {20, 4}, {22, 2}, {38, 2}, {42, 2}, {43, 2}, {44, 1}, {45, 0}, {46, 0}, {47, 0}}},
	{"2.3", []apiMark{{1, 11}, {3, 8}, {8, 7}, {11, 5}, {12, 3}, {14, 3}, {15, 3}, {23, 3}, {44, 0}}},
	{"2.2", []apiMark{{2, 5}, {4, 2}, {5, 1}, {6, 5}, {7, 2}, {11, 4}, {36, 1}, {43, 0}}},
	{"2.1", []apiMark{{0, 7}, {1, 10}, {2, 4}, {3, 7}, {8, 6}, {9, 5}, {20, 3}, {23, 2}, {28, 2}}},
}

// SaramaVersion is the sarama module version built into this binary.
func SaramaVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/IBM/sarama" {
				return d.Version
			}
		}
	}
	return "unknown"
}
