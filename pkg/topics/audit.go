package topics

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/kctl-dev/kctl/pkg/output/text"
)

// Severities of audit findings.
const (
	Warning  = "WARNING"
	Critical = "CRITICAL"
)

// Finding names (the FINDING column).
const (
	FindingReplicationFactor = "replication-factor-below-minimum"
	FindingMinISRLow         = "min-isr-below-minimum"
	FindingMinISREqualsRF    = "min-isr-equals-replication-factor"
	FindingMinISRAboveRF     = "min-isr-above-replication-factor"
	FindingUnclean           = "unclean-leader-election-enabled"
	FindingRacks             = "replicas-not-spread-across-racks"
	FindingLeaderSkew        = "leadership-skew"
	FindingConfigsUnknown    = "configs-unreadable"
)

// AuditTopic is what the audit needs about one topic.
type AuditTopic struct {
	Name       string
	Internal   bool
	Partitions []Partition
	// MinISR is the effective min.insync.replicas; 0: unknown.
	MinISR int
	// UncleanLeaderElection is unclean.leader.election.enable.
	UncleanLeaderElection bool
	// ConfigErr is set when the configs could not be read; the config
	// checks are then skipped and the failure is a finding.
	ConfigErr error
}

// Broker is a live broker and its rack ("" when none is set).
type Broker struct {
	ID   int32
	Rack string
}

// AuditOptions are the audit's thresholds.
type AuditOptions struct {
	MinReplicationFactor int // default 3
	MinISR               int // default 2
	// MaxLeaderSkew is how far above an even share of leaders a broker may
	// go, as a fraction (0.5: 50% more than its share).
	MaxLeaderSkew float64
}

// DefaultAuditOptions are the documented defaults.
func DefaultAuditOptions() AuditOptions {
	return AuditOptions{MinReplicationFactor: 3, MinISR: 2, MaxLeaderSkew: 0.5}
}

// Finding is one audit row.
type Finding struct {
	Severity string `json:"severity"`
	Topic    string `json:"topic"`
	Finding  string `json:"finding"`
	Detail   string `json:"detail"`
}

// Audit checks topics against the "avoid data loss" checklist:
//   - replication factor below the minimum (1 copy: CRITICAL, else WARNING);
//   - min.insync.replicas below the minimum (acks=all then waits for too
//     few copies; WARNING), equal to the replication factor (one broker
//     down blocks every acks=all write; WARNING) or above it (acks=all
//     writes can never succeed; CRITICAL);
//   - unclean.leader.election.enable=true (WARNING);
//   - partitions whose replicas sit on fewer distinct racks than the
//     cluster offers (WARNING; only when brokers name at least 2 racks);
//   - a broker leading more than (1+MaxLeaderSkew) times its even share of
//     partitions, and at least 2 more (WARNING; topic "-").
//
// Findings come sorted: CRITICAL first, then by topic and finding.
func Audit(ts []AuditTopic, brokers []Broker, o AuditOptions) []Finding {
	var out []Finding
	add := func(sev, topic, finding, detail string) {
		out = append(out, Finding{Severity: sev, Topic: topic, Finding: finding, Detail: detail})
	}
	rack := map[int32]string{}
	racks := map[string]bool{}
	for _, b := range brokers {
		if b.Rack != "" {
			rack[b.ID] = b.Rack
			racks[b.Rack] = true
		}
	}
	for _, t := range ts {
		if len(t.Partitions) == 0 {
			continue
		}
		rf := minRF(t.Partitions)
		if rf < o.MinReplicationFactor {
			sev := Warning
			why := fmt.Sprintf("losing %d brokers can lose acknowledged data", rf)
			if rf <= 1 {
				sev = Critical
				why = "a single copy: losing one broker or disk loses data"
			}
			add(sev, t.Name, FindingReplicationFactor, fmt.Sprintf("replication factor %d, below the minimum %d: %s", rf, o.MinReplicationFactor, why))
		}
		if t.ConfigErr != nil {
			add(Warning, t.Name, FindingConfigsUnknown, fmt.Sprintf("min.insync.replicas and unclean.leader.election.enable not checked: %v", t.ConfigErr))
		} else {
			switch m := t.MinISR; {
			case m <= 0:
				// unknown: nothing to judge
			case m > rf:
				add(Critical, t.Name, FindingMinISRAboveRF, fmt.Sprintf("min.insync.replicas=%d is above the replication factor %d: every acks=all write fails with NOT_ENOUGH_REPLICAS", m, rf))
			case m == rf && rf > 1:
				add(Warning, t.Name, FindingMinISREqualsRF, fmt.Sprintf("min.insync.replicas=%d equals the replication factor: one broker down blocks every acks=all write", m))
			case m < o.MinISR && rf > 1:
				add(Warning, t.Name, FindingMinISRLow, fmt.Sprintf("min.insync.replicas=%d, below the minimum %d: acks=all is satisfied by %s, so a leader failure can lose acknowledged writes", m, o.MinISR, copies(m)))
			}
			if t.UncleanLeaderElection {
				add(Warning, t.Name, FindingUnclean, "unclean.leader.election.enable=true: an out-of-sync replica can become leader and acknowledged writes are lost")
			}
		}
		if len(racks) >= 2 {
			bad, example := 0, ""
			for _, p := range t.Partitions {
				distinct, known := map[string]bool{}, true
				for _, r := range p.Replicas {
					rk, ok := rack[r]
					if !ok {
						known = false
						break
					}
					distinct[rk] = true
				}
				if !known {
					continue
				}
				possible := min(len(p.Replicas), len(racks))
				if len(distinct) < possible {
					bad++
					if example == "" {
						example = fmt.Sprintf("partition %d: replicas %s on %s", p.Partition, text.IDs(p.Replicas), rackList(distinct))
					}
				}
			}
			if bad > 0 {
				add(Warning, t.Name, FindingRacks, fmt.Sprintf("%d of %d partitions have replicas on fewer racks than the %d available (%s): a rack outage can take every copy", bad, len(t.Partitions), len(racks), example))
			}
		}
	}
	out = append(out, leaderSkew(ts, brokers, o)...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity != b.Severity {
			return a.Severity == Critical
		}
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		return a.Finding < b.Finding
	})
	return out
}

func leaderSkew(ts []AuditTopic, brokers []Broker, o AuditOptions) []Finding {
	if len(brokers) < 2 {
		return nil
	}
	leads := map[int32]int{}
	total := 0
	for _, b := range brokers {
		leads[b.ID] = 0
	}
	for _, t := range ts {
		for _, p := range t.Partitions {
			if _, live := leads[p.Leader]; live {
				leads[p.Leader]++
				total++
			}
		}
	}
	share := float64(total) / float64(len(brokers))
	limit := math.Max(share*(1+o.MaxLeaderSkew), share+2)
	var out []Finding
	for _, b := range brokers {
		if n := leads[b.ID]; float64(n) > limit {
			out = append(out, Finding{Severity: Warning, Topic: "-", Finding: FindingLeaderSkew,
				Detail: fmt.Sprintf("broker %d leads %d of %d partitions; an even share is %.1f (run a preferred leader election or reassign partitions)", b.ID, n, total, share)})
		}
	}
	return out
}

func minRF(ps []Partition) int {
	rf := math.MaxInt
	for _, p := range ps {
		rf = min(rf, len(p.Replicas))
	}
	return rf
}

func copies(n int) string {
	if n == 1 {
		return "the leader alone"
	}
	return fmt.Sprintf("%d copies", n)
}

func rackList(m map[string]bool) string {
	var rs []string
	for r := range m {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	if len(rs) == 1 {
		return "rack " + rs[0]
	}
	return "racks " + strings.Join(rs, ",")
}

// AuditStatus is the check verdict: "OK", WARNING or CRITICAL.
func AuditStatus(fs []Finding) string {
	status := "OK"
	for _, f := range fs {
		if f.Severity == Critical {
			return Critical
		}
		status = Warning
	}
	return status
}

// AuditExitCode is the check exit code: 0 no findings, 1 warnings only,
// 2 any critical.
func AuditExitCode(fs []Finding) int {
	switch AuditStatus(fs) {
	case Critical:
		return 2
	case Warning:
		return 1
	}
	return 0
}
