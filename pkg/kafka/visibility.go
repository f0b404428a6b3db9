package kafka

import (
	"context"
	"fmt"

	"github.com/IBM/sarama"
)

// visibilityProbe is a topic name no cluster has (a valid name, never
// created: the request forbids auto-creation).
const visibilityProbe = "__kctl-visibility-probe"

// DescribesEveryTopic tells whether this principal may describe every topic.
// Kafka silently leaves the topics a principal may not DESCRIBE out of an
// all-topics Metadata, so a check that sees no trouble may simply see
// nothing. A Metadata for a topic that does not exist tells the two apart:
// Kafka checks DESCRIBE before existence, and answers
// TOPIC_AUTHORIZATION_FAILED to a principal that may not describe that name
// (so not every name), UNKNOWN_TOPIC_OR_PARTITION to one that may (an ACL
// on '*', a super user, no authorizer). It goes out on a connection of its
// own to the broker the topic plan uses, in parallel with that plan.
func (a *Admin) DescribesEveryTopic(ctx context.Context) (bool, error) {
	b, err := a.anyBroker()
	if err != nil {
		return false, err
	}
	req := sarama.NewMetadataRequest(a.conf.Version, []string{visibilityProbe})
	req.AllowAutoTopicCreation = false
	a.logf("Metadata to broker %d (%s): topic %s (may this principal describe every topic?)", b.ID(), b.Addr(), visibilityProbe)
	resp, err := onBroker(ctx, a, Broker{ID: b.ID(), Addr: b.Addr()}, "metadata from "+b.Addr(), func(conn *sarama.Broker) (*sarama.MetadataResponse, error) {
		return conn.GetMetadata(req)
	})
	if err != nil {
		return false, err
	}
	for _, t := range resp.Topics {
		switch t.Err {
		case sarama.ErrTopicAuthorizationFailed:
			return false, nil
		case sarama.ErrNoError, sarama.ErrUnknownTopicOrPartition:
			return true, nil
		default:
			return false, fmt.Errorf("metadata for topic %s from %s: %w", visibilityProbe, b.Addr(), t.Err)
		}
	}
	return false, fmt.Errorf("metadata for topic %s from %s: the answer names no topic", visibilityProbe, b.Addr())
}

// HiddenTopics is DescribesEveryTopic in words for the checks: "" when the
// principal may describe every topic, else why topics may be missing.
func HiddenTopics(ctx context.Context, a *Admin) string {
	all, err := a.DescribesEveryTopic(ctx)
	switch {
	case err != nil:
		return "could not tell whether this principal may describe every topic: " + err.Error()
	case !all:
		user := a.settings.SASL.Username
		if user == "" {
			user = "NAME"
		}
		return "this principal may not describe every topic (a Metadata for a topic that does not exist answered TOPIC_AUTHORIZATION_FAILED), and Kafka leaves the topics it may not describe out of the metadata: grant DESCRIBE on every topic (kctl acl add --allow-principal User:" + user + " --operation Describe --topic '*')"
	}
	return ""
}
