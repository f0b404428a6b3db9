package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/IBM/sarama"
)

// DeleteGroups deletes groups with one DeleteGroups per coordinator, in
// parallel, at the coordinators given (from FindCoordinators or
// DescribeGroups); groups whose coordinator moved are looked up and
// retried once. Kafka refuses groups with members (NON_EMPTY_GROUP): the
// caller checks the state first and words the refusal. The map holds one
// entry per group, nil when deleted.
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
	pending := groups
	for attempt := 0; attempt < 2 && len(pending) > 0; attempt++ {
		if attempt > 0 {
			c2, failed, err := a.FindCoordinators(ctx, pending)
			if err != nil {
				return out, err
			}
			for g, e := range failed {
				out[g] = e
			}
			coords = c2
		}
		byC, bs := byCoordinator(pending, coords)
		var mu sync.Mutex
		var retry []string
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
					retry = append(retry, g)
				default:
					out[g] = a.classify(b.Addr, fmt.Errorf("delete group %q: %w", g, kerr))
				}
			}
			return nil
		})
		if err != nil {
			return out, err
		}
		sort.Strings(retry)
		pending = retry
	}
	return out, nil
}

// DeleteOffsets deletes a group's committed offsets on partitions (Kafka's
// OffsetDelete, 2.4+) at its coordinator, with one retry if the coordinator
// moved. Kafka refuses partitions of topics the group's members subscribe
// to (GROUP_SUBSCRIBED_TO_TOPIC). The map holds one entry per partition,
// nil when deleted; the error return is for the whole request.
func (a *Admin) DeleteOffsets(ctx context.Context, group string, parts []TopicPartition) (map[TopicPartition]error, error) {
	parts = dedupe(parts)
	var lastErr error
	for attempt := 0; attempt < 2; attempt++ {
		coords, failed, err := a.FindCoordinators(ctx, []string{group})
		if err != nil {
			return nil, err
		}
		if e := failed[group]; e != nil {
			return nil, e
		}
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
				continue
			}
			if errors.Is(resp.ErrorCode, sarama.ErrGroupAuthorizationFailed) {
				return nil, a.classify(b.Addr, lastErr)
			}
			// GROUP_SUBSCRIBED_TO_TOPIC comes back both at the top and per
			// partition: keep the per-partition detail when there is one.
			if len(resp.Errors) == 0 {
				return nil, subscribedErr(group, "", resp.ErrorCode, lastErr)
			}
		}
		out := map[TopicPartition]error{}
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
		return out, nil
	}
	return nil, lastErr
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
