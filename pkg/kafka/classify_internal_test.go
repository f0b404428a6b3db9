package kafka

import (
	"errors"
	"io"
	"testing"

	"github.com/IBM/sarama"

	"github.com/kctl-dev/kctl/pkg/config"
)

// sarama's "client has run out of available brokers" never surfaces alone.
func TestCleanSaramaOutOfBrokers(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{sarama.ErrOutOfBrokers, "no broker in the cluster metadata could be reached (check advertised.listeners)"},
		{sarama.Wrap(sarama.ErrOutOfBrokers, io.EOF, errors.New("dial tcp 10.0.0.1:9092: i/o timeout")),
			"no broker in the cluster metadata could be reached: EOF; dial tcp 10.0.0.1:9092: i/o timeout"},
		{sarama.ErrUnknownTopicOrPartition, "Request was for a topic or partition that does not exist on this broker"},
		{nil, ""},
	} {
		if got := cleanSarama(tc.err); got != tc.want {
			t.Errorf("cleanSarama(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	s := config.Settings{Timeout: 5}
	got := classify("b:9092", s, sarama.ErrOutOfBrokers).Error()
	if got != "broker b:9092: no broker in the cluster metadata could be reached (check advertised.listeners)" {
		t.Errorf("classify: %q", got)
	}
}
