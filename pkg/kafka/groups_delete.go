package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/IBM/sarama"
)

// DeleteGroups deletes groups with one DeleteGroups per coordinator, in
// parallel, at the coordinators given (from FindCoordinators or
// DescribeGroups); groups whose coordinator moved or is loading are retried
// as the retry policy says (retry.go). Kafka refuses groups with members
// (NON_EMPTY_GROUP): the caller checks the state first and words the
// refusal. The map holds one entry per group, nil when deleted.
func (a *Admin) DeleteGroups(ctx context.Context, groups []string, coords map[string]Broker) (map[string]error, error) {
	groups = uniqueSorted(groups)
	out := map[string]error{}
	if coords == nil {
		var failed map[string]error
		var err error
		coords, failed, err = a.FindCoordinators(ctx, groups)
		if err != nil {
			return nil, err
		}
		for g, e := range failed {
			out[g] = e
		}
	}
	var mu sync.Mutex
	step := &coordStep{
		groups:       groups,
		lookupFailed: func(g string, err error) { out[g] = err },
		run: func(ctx context.Context, pending []string, coords map[string]Broker) (map[string]error, error) {
			byC, bs := byCoordinator(pending, coords)
			retry := map[string]error{}
			err := a.forEachBroker(ctx, keys(byC), func(id int32) error {
				b, gs := bs[id], byC[id]
				a.logf("DeleteGroups to broker %d (%s): %d groups", id, b.Addr, len(gs))
				resp, err := onBroker(ctx, a, b, fmt.Sprintf("delete %d groups on broker %d (%s)", len(gs), id, b.Addr), func(c *sarama.Broker) (*sarama.DeleteGroupsResponse, error) {
					return c.DeleteGroups(&sarama.DeleteGroupsRequest{Version: 2, Groups: gs})
				})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					for _, g := range gs {
						out[g] = fmt.Errorf("delete group %q: %w", g, err)
					}
					return ctxErr(ctx, err)
				}
				for _, g := range gs {
					kerr, ok := resp.GroupErrorCodes[g]
					switch {
					case !ok:
						out[g] = fmt.Errorf("delete group %q: broker %d did not answer for it", g, id)
					case kerr == sarama.ErrNoError:
						out[g] = nil
					case retriableCoordErr(kerr):
						out[g] = fmt.Errorf("delete group %q on broker %d: %w", g, id, kerr)
						retry[g] = kerr
					default:
						out[g] = a.classify(b.Addr, fmt.Errorf("delete group %q: %w", g, kerr))
					}
				}
				return nil
			})
			return retry, err
		},
	}
	if _, err := a.retryCoordinators(ctx, coords, step); err != nil {
		return out, err
	}
	return out, nil
}

// DeleteOffsets deletes a group's committed offsets on partitions (Kafka's
// OffsetDelete, 2.4+) at its coordinator, retried as the retry policy says
// if the coordinator moved or is loading. Kafka refuses partitions of
// topics the group's members subscribe to (GROUP_SUBSCRIBED_TO_TOPIC). The
// map holds one entry per partition, nil when deleted; the error return is
// for the whole request.
func (a *Admin) DeleteOffsets(ctx context.Context, group string, parts []TopicPartition) (map[TopicPartition]error, error) {
	parts = dedupe(parts)
	coords, failed, err := a.FindCoordinators(ctx, []string{group})
	if err != nil {
		return nil, err
	}
	if e := failed[group]; e != nil {
		return nil, e
	}
	var out map[TopicPartition]error
	var lastErr error
	step := &coordStep{
		groups:       []string{group},
		lookupFailed: func(_ string, err error) { lastErr = err },
		run: func(ctx context.Context, _ []string, coords map[string]Broker) (map[string]error, error) {
			b := coords[group]
			a.logf("OffsetDelete to broker %d (%s): group %q, %d partitions", b.ID, b.Addr, group, len(parts))
			resp, err := onBroker(ctx, a, b, fmt.Sprintf("delete offsets of group %q on broker %d (%s)", group, b.ID, b.Addr), func(c *sarama.Broker) (*sarama.DeleteOffsetsResponse, error) {
				req := &sarama.DeleteOffsetsRequest{Version: 0, Group: group}
				for _, tp := range parts {
					req.AddPartition(tp.Topic, tp.Partition)
				}
				return c.DeleteOffsets(req)
			})
			if err != nil {
				return nil, err
			}
			if resp.ErrorCode != sarama.ErrNoError {
				lastErr = fmt.Errorf("delete offsets of group %q: %w", group, resp.ErrorCode)
				if retriableCoordErr(resp.ErrorCode) {
					return map[string]error{group: resp.ErrorCode}, nil
				}
				if errors.Is(resp.ErrorCode, sarama.ErrGroupAuthorizationFailed) {
					return nil, a.classify(b.Addr, lastErr)
				}
				// GROUP_SUBSCRIBED_TO_TOPIC comes back both at the top and
				// per partition: keep the per-partition detail when there
				// is one.
				if len(resp.Errors) == 0 {
					return nil, subscribedErr(group, "", resp.ErrorCode, lastErr)
				}
			}
			out = map[TopicPartition]error{}
			for _, tp := range parts {
				kerr, ok := resp.Errors[tp.Topic][tp.Partition]
				switch {
				case !ok && resp.ErrorCode != sarama.ErrNoError:
					out[tp] = subscribedErr(group, tp.Topic, resp.ErrorCode, resp.ErrorCode)
				case !ok:
					out[tp] = fmt.Errorf("broker %d did not answer for %s", b.ID, tp)
				case kerr == sarama.ErrNoError:
					out[tp] = nil
				default:
					out[tp] = subscribedErr(group, tp.Topic, kerr, kerr)
				}
			}
			return nil, nil
		},
	}
	if _, err := a.retryCoordinators(ctx, coords, step); err != nil {
		return nil, err
	}
	if out == nil {
		return nil, lastErr
	}
	return out, nil
}

// subscribedErr words GROUP_SUBSCRIBED_TO_TOPIC; other errors pass.
func subscribedErr(group, topic string, kerr sarama.KError, err error) error {
	if !errors.Is(kerr, sarama.ErrGroupSubscribedToTopic) {
		return err
	}
	if topic == "" {
		return fmt.Errorf("group '%s' has active members subscribed to the topic: Kafka keeps their offsets (stop the consumers first)", group)
	}
	return fmt.Errorf("group '%s' has active members subscribed to topic %s: Kafka keeps their offsets (stop the consumers first)", group, topic)
}
