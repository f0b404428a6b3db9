package topic

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// nonNil keeps JSON arrays as [] rather than null.
func nonNil(v []int32) []int32 {
	if v == nil {
		return []int32{}
	}
	return v
}

func leaderString(l int32) string {
	if l < 0 {
		return "none"
	}
	return strconv.Itoa(int(l))
}

func toPartition(p kafka.PartitionInfo) topics.Partition {
	return topics.Partition{Partition: p.Partition, Leader: p.Leader, Replicas: p.Replicas, ISR: p.ISR, OfflineReplicas: p.OfflineReplicas}
}

func liveSet(bs []kafka.Broker) map[int32]bool {
	m := make(map[int32]bool, len(bs))
	for _, b := range bs {
		m[b.ID] = true
	}
	return m
}

// selection is the topic set a command works on.
type selection struct {
	Names           []string // explicit names (nil: all topics)
	Pattern         string
	ExcludeInternal bool
}

func (s selection) validate() error {
	if len(s.Names) > 0 && s.Pattern != "" {
		return errs.Usagef("give topic names or --pattern, not both")
	}
	_, err := topics.CompilePattern(s.Pattern)
	if err != nil {
		return errs.Usagef("%v", err)
	}
	return nil
}

// metadataNames is what to ask Metadata for: the names, or nil for all.
func (s selection) metadataNames() []string {
	if len(s.Names) == 0 {
		return nil
	}
	return cmdutil.Uniq(s.Names)
}

// apply keeps the selected topics and reports the failed ones on stderr.
// It returns the kept topics and how many failed.
func (s selection) apply(f *cmdutil.Factory, ts []kafka.TopicInfo) ([]kafka.TopicInfo, int) {
	pat, _ := topics.CompilePattern(s.Pattern)
	kept := ts[:0:0]
	failed := 0
	for _, t := range ts {
		if t.Err != nil {
			if errors.Is(t.Err, kafka.ErrTopicNotFound) {
				f.Warnf("Error: topic '%s' does not exist", t.Name)
			} else {
				f.Warnf("Error: %v", t.Err)
			}
			failed++
			continue
		}
		if !pat.Match(t.Name) {
			continue
		}
		if s.ExcludeInternal && topics.IsInternal(t.Name, t.Internal) {
			continue
		}
		kept = append(kept, t)
	}
	return kept, failed
}

// partial is the exit-1 error after the command printed what it could.
func partial(n int, what string) error {
	if n == 0 {
		return nil
	}
	return &errs.PartialFailure{Msg: fmt.Sprintf("%s failed (see above)", text.Plural(n, what, what+"s"))}
}

// emptyNote says why no topic was selected.
func (s selection) emptyNote() string {
	if s.Pattern != "" {
		return fmt.Sprintf("No topic matches --pattern '%s'.", s.Pattern)
	}
	if s.ExcludeInternal {
		return "No topic exists (internal topics excluded)."
	}
	return "No topic exists."
}
