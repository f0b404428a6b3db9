package sandbox

import (
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// kafkaCompat makes kfake answer like Apache Kafka where kctl relies on it.
// The control functions adjust a request and let kfake process it, or
// answer it only to refuse it as Kafka would (invalid topic configs), so
// tests can still add their own for the requests kfake processes.
func kafkaCompat(kc *kfake.Cluster) {
	// Kafka describes every user when DescribeUserScramCredentials names
	// none, whether the list is null or empty (ScramImage.describe); kfake
	// does so only for null, and sarama always sends an empty array.
	kc.ControlKey(int16(kmsg.DescribeUserSCRAMCredentials), func(r kmsg.Request) (kmsg.Response, error, bool) {
		if req, ok := r.(*kmsg.DescribeUserSCRAMCredentialsRequest); ok && len(req.Users) == 0 {
			req.Users = nil
		}
		return nil, nil, false
	})
	validateConfigsLikeKafka(kc)
}
