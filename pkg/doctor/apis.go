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
