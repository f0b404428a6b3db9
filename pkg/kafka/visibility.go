package kafka

import (
	"context"
	"fmt"

	"github.com/IBM/sarama"
)

// visibilityProbe is a topic name no cluster has (a valid name, never
// created: the request forbids auto-creation).
const visibilityProbe = "__kctl-visibility-probe"

// StartVisibilityProbe asks whether this principal may describe every
// topic, and returns a function that waits for the answer. Kafka silently
// leaves the topics a principal may not DESCRIBE out of an all-topics
// Metadata, so a check that sees no trouble may simply see nothing. A
// Metadata for a topic that does not exist tells the two apart: Kafka
// checks DESCRIBE before existence, and answers TOPIC_AUTHORIZATION_FAILED
// to a principal that may not describe that name (so not every name),
// UNKNOWN_TOPIC_OR_PARTITION to one that may (an ACL on '*', a super user,
// no authorizer). The probe goes out on a connection of its own to the
// broker the topic plan uses, in parallel with that plan; the connection is
// opened before this returns, so the probe and the plan's first request
// leave together.
func (a *Admin) StartVisibilityProbe(ctx context.Context) func() (bool, error) {
	b, err := a.anyBroker()
	if err != nil {
		return func() (bool, error) { return false, err }
	}
	br := b
	// Two connections, both open before this returns: one for the probe,
	// one for the plan's first request (the bootstrap connection, idle in
	// the pool, is usually one of them).
	_, release, err := a.lease(ctx, br)
	if err != nil {
		return func() (bool, error) { return false, err }
	}
	_, release2, err := a.lease(ctx, br)
	release(true) // back to the pool: onBroker takes them again at once
	if err != nil {
		return func() (bool, error) { return false, err }
	}
	release2(true)
	req := sarama.NewMetadataRequest(a.conf.Version, []string{visibilityProbe})
	req.AllowAutoTopicCreation = false
	a.logf("Metadata to broker %d (%s): topic %s (may this principal describe every topic?)", br.ID, br.Addr, visibilityProbe)
	type res struct {
		ok  bool
		err error
	}
	ch := make(chan res, 1)
	go func() {
		resp, err := onBroker(ctx, a, br, "metadata from "+br.Addr, func(conn *sarama.Broker) (*sarama.MetadataResponse, error) {
			return conn.GetMetadata(req)
		})
		if err != nil {
			ch <- res{false, err}
			return
		}
		if len(resp.Topics) == 0 {
			ch <- res{false, fmt.Errorf("metadata for topic %s from %s: the answer names no topic", visibilityProbe, br.Addr)}
			return
		}
		// The request names one topic: its answer is the first.
		switch t := resp.Topics[0]; t.Err {
		case sarama.ErrTopicAuthorizationFailed:
			ch <- res{false, nil}
		case sarama.ErrNoError, sarama.ErrUnknownTopicOrPartition:
			ch <- res{true, nil}
		default:
			ch <- res{false, fmt.Errorf("metadata for topic %s from %s: %w", visibilityProbe, br.Addr, t.Err)}
		}
	}()
	return func() (bool, error) {
		r := <-ch
		return r.ok, r.err
	}
}

// StartHiddenTopics is StartVisibilityProbe in words for the checks: the
// function returns "" when the principal may describe every topic, else why
// topics may be missing.
func (a *Admin) StartHiddenTopics(ctx context.Context) func() string {
	wait := a.StartVisibilityProbe(ctx)
	return func() string { return a.hiddenText(wait()) }
}

func (a *Admin) hiddenText(all bool, err error) string {
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
