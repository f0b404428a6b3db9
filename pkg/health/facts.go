package health

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kctl-dev/kctl/pkg/lag"
	"github.com/kctl-dev/kctl/pkg/output/text"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// The admin layer reads the cluster (pkg/kafka, health.go) and hands what
// it read to the builders below, which turn it into Facts without I/O.

// Probe is one broker's answer to a bounded connect.
type Probe struct {
	ID   int32 // -1 for a bootstrap address
	Addr string
	Err  error // nil: reachable and speaking Kafka
	// HasCert: the broker presented a certificate (read even when
	// verification failed); Subject and NotAfter are its earliest-expiring
	// one's.
	HasCert  bool
	Subject  string
	NotAfter time.Time
}

// BrokerFacts are the brokers check's facts from the probes.
func BrokerFacts(probes []Probe) *Brokers {
	b := &Brokers{}
	for _, p := range probes {
		bp := BrokerProbe{ID: p.ID, Addr: p.Addr}
		if p.Err != nil {
			bp.Err = p.Err.Error()
		}
		b.Brokers = append(b.Brokers, bp)
	}
	return b
}

// CertFacts are the tls-expiry check's facts from the probes.
func CertFacts(probes []Probe) *TLS {
	t := &TLS{}
	for _, p := range probes {
		c := Cert{Broker: p.ID, Addr: p.Addr}
		switch {
		case p.HasCert:
			c.Subject = p.Subject
			c.NotAfter = p.NotAfter
		case p.Err != nil:
			c.Err = p.Err.Error()
		default:
			c.Err = "the broker presented no certificate"
		}
		t.Certs = append(t.Certs, c)
	}
	return t
}

// BootstrapCertFacts are CertFacts from the bootstrap brokers' probes, read
// when the connection failed: with not one certificate read, one error for
// the check.
func BootstrapCertFacts(probes []Probe) *TLS {
	t := CertFacts(probes)
	for _, c := range t.Certs {
		if c.Err == "" {
			return t
		}
	}
	return &TLS{Err: "no broker certificate could be read: " + t.Certs[0].Err}
}

// ClusterMetadata is one Metadata answer, as the topic checks read it.
type ClusterMetadata struct {
	ControllerID int32
	Brokers      []MetadataBroker // the live brokers
	Topics       []TopicMetadata
}

// MetadataBroker is one broker of the metadata.
type MetadataBroker struct {
	ID   int32
	Addr string
}

// TopicMetadata is one topic of the metadata; Err: it could not be described.
type TopicMetadata struct {
	Name       string
	Internal   bool
	Err        error
	Partitions []topics.Partition
}

// MinISRRead is the min.insync.replicas of the described topics: Values by
// topic, Failed for the topics whose config could not be read, Err when the
// whole read failed (the zero value: not read).
type MinISRRead struct {
	Values map[string]int
	Failed map[string]error
	Err    error
}

// TopicsUnknown are the controller and partition facts of a topic plan
// that could not run.
func TopicsUnknown(reason string) (*Controller, *Partitions) {
	return &Controller{Err: reason}, &Partitions{Err: reason}
}

// TopicFacts classify every partition of the metadata (pkg/topics, as
// `kctl topic describe` does) against the live brokers and min ISR. hidden
// says why the metadata may miss topics ("": it does not).
func TopicFacts(md ClusterMetadata, minISR MinISRRead, hidden string) (*Controller, *Partitions) {
	ids := make([]int32, 0, len(md.Brokers))
	ctl := &Controller{ID: md.ControllerID}
	for _, b := range md.Brokers {
		ids = append(ids, b.ID)
		if b.ID == md.ControllerID {
			ctl.Live, ctl.Addr = true, b.Addr
		}
	}
	live := topics.LiveSet(ids)

	p := &Partitions{}
	if minISR.Err != nil {
		p.MinISRErrors = append(p.MinISRErrors, "min.insync.replicas: "+minISR.Err.Error())
	}
	for _, t := range md.Topics {
		if t.Err == nil {
			if e := minISR.Failed[t.Name]; e != nil {
				p.MinISRErrors = append(p.MinISRErrors, e.Error())
			}
		}
	}
	for _, t := range md.Topics {
		if t.Err != nil {
			p.Errors = append(p.Errors, t.Err.Error())
			continue
		}
		p.Topics++
		if t.Internal {
			p.Internal++
		}
		least := minISR.Values[t.Name]
		for _, pt := range t.Partitions {
			p.Total++
			h := topics.ClassifyPartition(pt, least, live)
			name := t.Name + "[" + strconv.Itoa(int(pt.Partition)) + "]"
			if h.Unavailable {
				p.Offline = append(p.Offline, name+leaderNote(pt.Leader))
			}
			if h.UnderMinISR {
				if !topics.HasLeader(pt.Leader, live) {
					p.UnderMinISR = append(p.UnderMinISR, name+leaderNote(pt.Leader))
				} else {
					p.UnderMinISR = append(p.UnderMinISR, fmt.Sprintf("%s isr %d of min %d", name, len(pt.ISR), least))
				}
			}
			if h.UnderReplicated {
				p.UnderReplicated = append(p.UnderReplicated, urpDetail(name, pt))
			}
			if h.AtMinISR {
				p.AtMinISR = append(p.AtMinISR, fmt.Sprintf("%s isr %d = min %d", name, len(pt.ISR), least))
			}
		}
	}
	p.Hidden = hidden
	return ctl, p
}

// urpDetail names an under-replicated partition, its ISR size and the
// replica count it is held against; during a reassignment, the replicas
// being added, which do not count (topics.ReplicationFactor).
func urpDetail(name string, pt topics.Partition) string {
	rf := topics.ReplicationFactor(pt.Replicas, pt.Reassignment)
	if rf == len(pt.Replicas) || pt.Reassignment == nil {
		return fmt.Sprintf("%s isr %d of %d replicas", name, len(pt.ISR), len(pt.Replicas))
	}
	return fmt.Sprintf("%s isr %d of %d replicas (reassigning: %d replicas, adding %s)", name, len(pt.ISR), rf, len(pt.Replicas), text.IDs(pt.Reassignment.Adding))
}

func leaderNote(leader int32) string {
	if leader < 0 {
		return " no leader"
	}
	return fmt.Sprintf(" leader %d not live", leader)
}

// QuorumState is what DescribeQuorum said about the metadata quorum.
type QuorumState struct {
	LeaderID    int32
	LeaderEpoch int32
	Voters      []VoterState
}

// VoterState is one voter's lag in records and its last caught-up time
// (ms since the epoch, -1: unknown).
type VoterState struct {
	ID                    int32
	Lag                   int64
	LastCaughtUpTimestamp int64
}

// QuorumFacts measure how far each voter's last caught-up time trails the
// leader's.
func QuorumFacts(q QuorumState) *Quorum {
	out := &Quorum{LeaderID: q.LeaderID, LeaderEpoch: q.LeaderEpoch}
	var leaderCaught int64 = -1
	for _, v := range q.Voters {
		if v.ID == q.LeaderID {
			leaderCaught = v.LastCaughtUpTimestamp
		}
	}
	for _, v := range q.Voters {
		behind := int64(-1)
		if leaderCaught >= 0 && v.LastCaughtUpTimestamp >= 0 {
			behind = leaderCaught - v.LastCaughtUpTimestamp
		}
		out.Voters = append(out.Voters, QuorumVoter{ID: v.ID, Lag: v.Lag, BehindMs: behind})
	}
	return out
}

// GroupFacts are the consumer-lag facts from the groups' lag reports
// (pkg/lag computes the totals exactly as `kctl lag` does); selection are
// the failures that may have left groups out of a pattern's selection.
func GroupFacts(reports []lag.Group, pattern string, selection []error) *Groups {
	g := &Groups{Pattern: pattern}
	if len(selection) > 0 {
		msgs := make([]string, len(selection))
		for i, e := range selection {
			msgs[i] = e.Error()
		}
		g.Incomplete = "the group selection may be incomplete: " + strings.Join(msgs, "; ")
	}
	for _, r := range reports {
		hg := Group{Name: r.Group, Exists: true, State: r.State, Members: r.Members, Lag: r.TotalLag, TimeLag: r.MaxTimeLag}
		var nf *lag.NotFoundError
		switch {
		case errors.As(r.Err, &nf):
			hg.Exists = false
		case r.Err != nil:
			hg.Err = r.Err.Error()
		}
		if hg.TimeLag == nil && r.Err == nil && r.TotalLag == 0 {
			var caughtUp time.Duration // nothing to read: no time lag
			hg.TimeLag = &caughtUp
		}
		g.Groups = append(g.Groups, hg)
	}
	return g
}

// UnknownGroups makes every named group UNKNOWN for one reason.
func UnknownGroups(reason string, names []string, pattern string) *Groups {
	g := &Groups{Err: reason, Pattern: pattern}
	for _, n := range names {
		g.Groups = append(g.Groups, Group{Name: n})
	}
	return g
}
