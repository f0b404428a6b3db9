package offsets

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TP names one partition.
type TP struct {
	Topic     string
	Partition int32
}

func (tp TP) String() string { return fmt.Sprintf("%s[%d]", tp.Topic, tp.Partition) }

// SortTPs orders partitions by topic, then partition.
func SortTPs(tps []TP) {
	sort.Slice(tps, func(i, j int) bool { return lessTP(tps[i], tps[j]) })
}

func lessTP(a, b TP) bool {
	if a.Topic != b.Topic {
		return a.Topic < b.Topic
	}
	return a.Partition < b.Partition
}

// TopicScope is one --topic value: a topic and either all its partitions
// (Partitions nil) or a list.
type TopicScope struct {
	Topic      string
	Partitions []int32
}

var topicNameRE = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)

// ParseTopicScope reads `T` or `T:0,2,5` (kafka-consumer-groups.sh's --topic).
func ParseTopicScope(s string) (TopicScope, error) {
	topic, parts, hasParts := strings.Cut(strings.TrimSpace(s), ":")
	topic = strings.TrimSpace(topic)
	if !topicNameRE.MatchString(topic) || topic == "." || topic == ".." {
		return TopicScope{}, fmt.Errorf("invalid --topic %q: a topic name is 1-249 of [a-zA-Z0-9._-], optionally followed by :P,P,... (e.g. orders:0,2,5)", s)
	}
	sc := TopicScope{Topic: topic}
	if !hasParts {
		return sc, nil
	}
	seen := map[int32]bool{}
	for _, f := range strings.Split(parts, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.ParseInt(f, 10, 32)
		if err != nil || n < 0 {
			return TopicScope{}, fmt.Errorf("invalid --topic %q: partition %q is not a non-negative number (use e.g. %s:0,2,5)", s, f, topic)
		}
		if !seen[int32(n)] {
			seen[int32(n)] = true
			sc.Partitions = append(sc.Partitions, int32(n))
		}
	}
	sort.Slice(sc.Partitions, func(i, j int) bool { return sc.Partitions[i] < sc.Partitions[j] })
	return sc, nil
}

// MergeScopes joins repeated --topic values: a whole topic wins over lists,
// lists of one topic are united.
func MergeScopes(scopes []TopicScope) []TopicScope {
	byTopic := map[string]*TopicScope{}
	var order []string
	for _, s := range scopes {
		cur, ok := byTopic[s.Topic]
		if !ok {
			c := TopicScope{Topic: s.Topic, Partitions: append([]int32(nil), s.Partitions...)}
			byTopic[s.Topic] = &c
			order = append(order, s.Topic)
			continue
		}
		if cur.Partitions == nil || s.Partitions == nil {
			cur.Partitions = nil
			continue
		}
		seen := map[int32]bool{}
		for _, p := range cur.Partitions {
			seen[p] = true
		}
		for _, p := range s.Partitions {
			if !seen[p] {
				cur.Partitions = append(cur.Partitions, p)
			}
		}
		sort.Slice(cur.Partitions, func(i, j int) bool { return cur.Partitions[i] < cur.Partitions[j] })
	}
	sort.Strings(order)
	out := make([]TopicScope, 0, len(order))
	for _, t := range order {
		out = append(out, *byTopic[t])
	}
	return out
}

// ResolveScopes expands scopes against the topics' partition counts
// (absent: the topic does not exist). Unknown topics and partitions are
// errors: a reset must never silently cover less than asked.
func ResolveScopes(scopes []TopicScope, partitionCounts map[string]int32) ([]TP, error) {
	var out []TP
	var problems []string
	for _, s := range MergeScopes(scopes) {
		n, ok := partitionCounts[s.Topic]
		if !ok {
			problems = append(problems, fmt.Sprintf("topic %q does not exist", s.Topic))
			continue
		}
		if s.Partitions == nil {
			for p := int32(0); p < n; p++ {
				out = append(out, TP{s.Topic, p})
			}
			continue
		}
		for _, p := range s.Partitions {
			if p >= n {
				problems = append(problems, fmt.Sprintf("topic %q has no partition %d (it has %d: 0-%d)", s.Topic, p, n, n-1))
				continue
			}
			out = append(out, TP{s.Topic, p})
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	SortTPs(out)
	return out, nil
}

// StateDir is kctl's state directory: $XDG_STATE_HOME/kctl, else
// ~/.local/state/kctl (the XDG default).
func StateDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "kctl"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no state directory: set XDG_STATE_HOME or HOME, or pass --undo-file")
		}
		home = h
	}
	return filepath.Join(home, ".local", "state", "kctl"), nil
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// UndoFileName names an undo file after the time and the groups, e.g.
// reset-20261125T100000Z-orders.csv or reset-...-orders+2.csv.
func UndoFileName(now time.Time, groups []string) string {
	name := "groups"
	if len(groups) > 0 {
		g := append([]string(nil), groups...)
		sort.Strings(g)
		name = unsafeFileChars.ReplaceAllString(g[0], "_")
		if len(name) > 60 {
			name = name[:60]
		}
		if len(g) > 1 {
			name += fmt.Sprintf("+%d", len(g)-1)
		}
	}
	return fmt.Sprintf("reset-%s-%s.csv", now.UTC().Format("20060102T150405.000Z"), name)
}
