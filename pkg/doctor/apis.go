package doctor

import "fmt"

// APIRange is the version range a broker offers for one API key.
type APIRange struct{ Min, Max int16 }

// NeededAPI is an API some kctl command relies on.
type NeededAPI struct {
	Key     int16
	Name    string
	Version int16 // the lowest version that does what kctl needs
	Why     string
}

// NeededAPIs are the APIs and versions kctl's plans assume. A broker that
// lacks one still works for everything else, so a miss is a warning.
var NeededAPIs = []NeededAPI{
	{3, "Metadata", 1, "every command"},
	{2, "ListOffsets", 1, "lag, offsets"},
	{9, "OffsetFetch", 8, "lag of many groups in one request, Kafka 3.0+"},
	{10, "FindCoordinator", 0, "groups"},
	{15, "DescribeGroups", 0, "groups"},
	{16, "ListGroups", 0, "groups"},
	{8, "OffsetCommit", 2, "offset resets"},
	{32, "DescribeConfigs", 0, "topic and broker configs"},
	{29, "DescribeAcls", 0, "acl"},
	{50, "DescribeUserScramCredentials", 0, "user, Kafka 2.7+"},
	{51, "AlterUserScramCredentials", 0, "user, Kafka 2.7+"},
}

// MissingAPIs names the needed APIs the broker lacks, e.g.
// "OffsetFetch v8 (lag of many groups in one request, Kafka 3.0+)".
func MissingAPIs(have map[int16]APIRange) []string {
	var out []string
	for _, n := range NeededAPIs {
		r, ok := have[n.Key]
		if ok && r.Max >= n.Version {
			// A newer version does too (kctl negotiates down from its
			// newest), even on a broker that dropped old ones (Kafka 4.0).
			continue
		}
		out = append(out, fmt.Sprintf("%s v%d (%s)", n.Name, n.Version, n.Why))
	}
	return out
}

// releaseMarker is the first Apache Kafka release offering an API version.
type releaseMarker struct {
	since, until string // until: the last release before the next marker
	key          int16
	version      int16
	minAtLeast   bool  // the marker is a raised minimum version
	also         int16 // another API key the release must offer (0: none)
}

// Newest first. Each marker is a request kind or version that the release
// introduced (from Kafka's protocol history).
var releaseMarkers = []releaseMarker{
	// Kafka 4.0 removed Fetch v0-v3 (KIP-896). Not Produce v0-v2: KIP-896
	// removed them too, but Kafka 4.x still advertises Produce v0 (for old
	// librdkafka clients, KAFKA-18659), so 4.4 answers Produce 0-13 and
	// Fetch 4-18. Some Kafka-compatible brokers never had old Fetch
	// versions, so the 4.0 marker also needs a 3.7 API.
	{since: "4.0", key: 1, version: 4, minAtLeast: true, also: 75},
	{since: "3.9", until: "3.9", key: 80},             // AddRaftVoter (KIP-853)
	{since: "3.7", until: "3.8", key: 75},             // DescribeTopicPartitions (KIP-966)
	{since: "3.5", until: "3.6", key: 1, version: 15}, // Fetch v15 (KIP-903)
	{since: "3.1", until: "3.4", key: 1, version: 13}, // Fetch v13: topic ids (KIP-516)
	{since: "3.0", until: "3.0", key: 9, version: 8},  // OffsetFetch v8 (KIP-709)
	{since: "2.8", until: "2.8", key: 60},             // DescribeCluster (KIP-700)
	{since: "2.7", until: "2.7", key: 50},             // DescribeUserScramCredentials (KIP-554)
	{since: "2.6", until: "2.6", key: 48},             // DescribeClientQuotas (KIP-546)
	{since: "2.4", until: "2.5", key: 45},             // AlterPartitionReassignments (KIP-455)
	{since: "2.3", until: "2.3", key: 44},             // IncrementalAlterConfigs (KIP-339)
	{since: "2.2", until: "2.2", key: 43},             // ElectLeaders (KIP-183)
	{since: "2.1", until: "2.1", key: 3, version: 7},  // Metadata v7 (KIP-320)
}

// InferKafkaRange guesses which Apache Kafka releases offer this set of
// APIs: "3.7 to 3.8", "2.8", "4.0 or newer", "older than 2.1". Brokers only
// say which APIs they speak, so this is an inference; Kafka-compatible
// brokers (Redpanda, MSK Serverless, Event Hubs) map to the release whose
// protocol they emulate.
func InferKafkaRange(have map[int16]APIRange) string {
	for _, m := range releaseMarkers {
		r, ok := have[m.key]
		if !ok {
			continue
		}
		if m.minAtLeast && r.Min < m.version || !m.minAtLeast && r.Max < m.version {
			continue
		}
		if _, ok := have[m.also]; m.also != 0 && !ok {
			continue
		}
		switch {
		case m.until == "":
			return m.since + " or newer"
		case m.until == m.since:
			return m.since
		}
		return m.since + " to " + m.until
	}
	return "older than 2.1"
}
