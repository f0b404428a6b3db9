package kafka

// PartitionCounts returns the partition count of each named topic that the
// client's metadata (read at connect, every topic) knows; topics the
// cluster does not have are absent. No request is sent: sarama would
// refresh metadata for an unknown topic, so only known topics are asked.
func (a *Admin) PartitionCounts(topics []string) (map[string]int32, error) {
	known, err := a.client.Topics()
	if err != nil {
		return nil, err
	}
	have := make(map[string]bool, len(known))
	for _, t := range known {
		have[t] = true
	}
	out := make(map[string]int32, len(topics))
	for _, t := range topics {
		if !have[t] {
			continue
		}
		ps, err := a.client.Partitions(t)
		if err != nil {
			return nil, err
		}
		out[t] = int32(len(ps))
	}
	return out, nil
}
