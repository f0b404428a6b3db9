package kafka

// PartitionCounts returns the partition count of each named topic that the
// metadata read at connect (every topic) knows; topics the cluster does not
// have are absent. No request is sent.
func (a *Admin) PartitionCounts(topics []string) (map[string]int32, error) {
	want := make(map[string]bool, len(topics))
	for _, t := range topics {
		want[t] = true
	}
	out := make(map[string]int32, len(topics))
	for _, tp := range a.t.partitions(func(t string) bool { return want[t] }) {
		out[tp.Topic]++
	}
	return out, nil
}
