// Package lag computes consumer-group lag the way kafka-consumer-groups.sh
// reports it, from plain values read by the admin layer: rows per
// partition, per-group totals, sorting and filtering, time lag, and the
// rate and catch-up estimate of watch mode. No network, no sarama.
package lag

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Partition names one partition.
type Partition struct {
	Topic     string
	Partition int32
}

func (p Partition) String() string { return fmt.Sprintf("%s[%d]", p.Topic, p.Partition) }

// Member is one group member and its assignment.
type Member struct {
	ID, InstanceID, ClientID, Host string
	Assignment                     []Partition
}

// End is a partition's log-end offset (high watermark, or last stable
// offset with read_committed) as read, or why it could not be read.
type End struct {
	Offset int64
	Err    error
}

// Input is what the cluster said about one group.
type Input struct {
	Group           string
	State           string // Stable, Empty, PreparingRebalance, ..., Dead
	ProtocolType    string
	Protocol        string
	Type            string // classic or consumer
	Coordinator     int32  // -1: unknown
	CoordinatorAddr string
	Members         []Member
	// Committed holds only partitions with a commit.
	Committed map[Partition]int64
	// End covers every committed or assigned partition; a missing entry
	// means "not read".
	End map[Partition]End
	// RecordTime is the timestamp of the record at the committed offset of
	// lagging partitions, where it was read (--time-lag).
	RecordTime map[Partition]time.Time
	// Exists: the coordinator knows the group (state other than Dead, or
	// commits).
	Exists bool
	// Err: the group could not be read (offsets or description).
	Err error
}

// Row is one partition of one group, in Kafka's columns. Nil pointers are
// Kafka's "-"; empty member fields mean the partition is not assigned.
type Row struct {
	Topic         string
	Partition     int32
	CurrentOffset *int64
	LogEndOffset  *int64
	Lag           *int64
	TimeLag       *time.Duration
	ConsumerID    string
	Host          string
	ClientID      string
	Assigned      bool
}

// Group is one group's report.
type Group struct {
	Group           string
	State           string
	ProtocolType    string
	Protocol        string
	Type            string
	Coordinator     int32
	CoordinatorAddr string
	Members         int
	Topics          int
	Partitions      int
	TotalLag        int64
	MaxLag          int64
	MaxTimeLag      *time.Duration
	Rows            []Row
	// Notes are Kafka's stderr messages (no active members, rebalancing)
	// and kctl's own (a commit ahead of the end offset).
	Notes []string
	// Idle: the group has no active members; Notes[0] is Kafka's note
	// saying so.
	Idle bool
	// Err makes the command exit 1: the group does not exist, or part of
	// it could not be read. Rows that could be read are still in Rows.
	Err error
}

// NotFoundError is Kafka's "Consumer group 'g' does not exist."
type NotFoundError struct{ Group string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("Consumer group '%s' does not exist.", e.Group)
}

// Rebalancing reports the states in which assignments are in flux.
func Rebalancing(state string) bool {
	switch state {
	case "PreparingRebalance", "CompletingRebalance", "Reconciling", "Assigning":
		return true
	}
	return false
}

// Compute turns one group's input into rows and totals. now is the clock
// time lag is measured against.
func Compute(in Input, now time.Time) Group {
	g := Group{
		Group: in.Group, State: in.State, ProtocolType: in.ProtocolType, Protocol: in.Protocol, Type: in.Type,
		Coordinator: in.Coordinator, CoordinatorAddr: in.CoordinatorAddr, Members: len(in.Members), Err: in.Err,
	}
	if in.Err == nil && !in.Exists {
		g.Err = &NotFoundError{Group: in.Group}
		g.State = "Dead"
		return g
	}

	owner := map[Partition]*Member{}
	for i := range in.Members {
		m := &in.Members[i]
		for _, p := range m.Assignment {
			if _, dup := owner[p]; !dup {
				owner[p] = m
			}
		}
	}
	var assigned, unassigned []Partition
	for p := range owner {
		assigned = append(assigned, p)
	}
	for p := range in.Committed {
		if _, ok := owner[p]; !ok {
			unassigned = append(unassigned, p)
		}
	}
	sortPartitions(assigned)
	sortPartitions(unassigned)

	var endErrs []string
	row := func(p Partition) Row {
		r := Row{Topic: p.Topic, Partition: p.Partition}
		if m := owner[p]; m != nil {
			r.Assigned, r.ConsumerID, r.Host, r.ClientID = true, m.ID, m.Host, m.ClientID
		}
		committed, hasCommit := in.Committed[p]
		if hasCommit {
			r.CurrentOffset = ptr(committed)
		}
		end, hasEnd := in.End[p]
		switch {
		case !hasEnd:
			endErrs = append(endErrs, fmt.Sprintf("%s: end offset not read", p))
		case end.Err != nil:
			msg := end.Err.Error()
			if !strings.HasPrefix(msg, p.String()) {
				msg = p.String() + ": " + msg
			}
			endErrs = append(endErrs, msg)
		default:
			r.LogEndOffset = ptr(end.Offset)
		}
		if hasCommit && r.LogEndOffset != nil {
			l := end.Offset - committed
			if l < 0 {
				g.Notes = append(g.Notes, fmt.Sprintf("Warning: group '%s' committed offset %d on %s, ahead of the log-end offset %d: lag shown as 0 (the partition was truncated or the topic recreated?).", in.Group, committed, p, end.Offset))
				l = 0
			}
			r.Lag = ptr(l)
			if l > 0 {
				if ts, ok := in.RecordTime[p]; ok {
					d := max(now.Sub(ts), 0)
					r.TimeLag = &d
				}
			}
		}
		return r
	}
	for _, p := range assigned {
		g.Rows = append(g.Rows, row(p))
	}
	for _, p := range unassigned {
		g.Rows = append(g.Rows, row(p))
	}
	topics := map[string]bool{}
	for _, r := range g.Rows {
		topics[r.Topic] = true
		if r.Lag != nil {
			g.TotalLag += *r.Lag
			g.MaxLag = max(g.MaxLag, *r.Lag)
		}
		if r.TimeLag != nil && (g.MaxTimeLag == nil || *r.TimeLag > *g.MaxTimeLag) {
			d := *r.TimeLag
			g.MaxTimeLag = &d
		}
	}
	g.Topics, g.Partitions = len(topics), len(g.Rows)

	switch {
	case Rebalancing(in.State):
		g.Notes = append([]string{fmt.Sprintf("Warning: Consumer group '%s' is rebalancing.", in.Group)}, g.Notes...)
	case len(in.Members) == 0 && in.Err == nil:
		g.Notes = append([]string{fmt.Sprintf("Consumer group '%s' has no active members.", in.Group)}, g.Notes...)
		g.Idle = true
	}
	if len(endErrs) > 0 && g.Err == nil {
		msg := endErrs[0]
		if len(endErrs) > 1 {
			msg = fmt.Sprintf("%s (and %d more partitions)", msg, len(endErrs)-1)
		}
		g.Err = fmt.Errorf("group '%s': cannot read the log-end offset: %s", in.Group, msg)
	}
	return g
}

func ptr[T any](v T) *T { return &v }

func sortPartitions(ps []Partition) {
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Topic != ps[j].Topic {
			return ps[i].Topic < ps[j].Topic
		}
		return ps[i].Partition < ps[j].Partition
	})
}

// SortBy is a group ordering.
type SortBy string

const (
	ByName    SortBy = "name"
	ByLag     SortBy = "lag"
	ByTimeLag SortBy = "time-lag"
)

// ParseSort validates --sort.
func ParseSort(s string) (SortBy, error) {
	switch SortBy(s) {
	case "", ByName:
		return ByName, nil
	case ByLag, ByTimeLag:
		return SortBy(s), nil
	}
	return "", fmt.Errorf("unknown sort %q: use name, lag or time-lag", s)
}

// Sort orders groups: by name, or by total lag (or max time lag) largest
// first, ties by name. With lag or time-lag, each group's rows are ordered
// the same way (largest first, then Kafka's order).
func Sort(gs []Group, by SortBy) {
	key := func(g Group) int64 {
		switch by {
		case ByLag:
			return g.TotalLag
		case ByTimeLag:
			if g.MaxTimeLag != nil {
				return int64(*g.MaxTimeLag)
			}
			return -1
		}
		return 0
	}
	sort.SliceStable(gs, func(i, j int) bool {
		if ki, kj := key(gs[i]), key(gs[j]); ki != kj {
			return ki > kj
		}
		return gs[i].Group < gs[j].Group
	})
	if by == ByName {
		return
	}
	for i := range gs {
		rows := gs[i].Rows
		rk := func(r Row) int64 {
			if by == ByTimeLag {
				if r.TimeLag != nil {
					return int64(*r.TimeLag)
				}
				return -1
			}
			if r.Lag != nil {
				return *r.Lag
			}
			return -1
		}
		sort.SliceStable(rows, func(a, b int) bool { return rk(rows[a]) > rk(rows[b]) })
	}
}

// FilterMinLag keeps what lags by at least min: with summary, groups whose
// total lag is at least min; otherwise partitions whose lag is at least min,
// and groups with such partitions left. Groups with an error are always
// kept: a failure must not be filtered out of sight. min <= 0 keeps all.
func FilterMinLag(gs []Group, min int64, summary bool) []Group {
	if min <= 0 {
		return gs
	}
	var out []Group
	for _, g := range gs {
		if g.Err != nil {
			out = append(out, g)
			continue
		}
		if summary {
			if g.TotalLag >= min {
				out = append(out, g)
			}
			continue
		}
		var rows []Row
		for _, r := range g.Rows {
			if r.Lag != nil && *r.Lag >= min {
				rows = append(rows, r)
			}
		}
		if len(rows) > 0 {
			g.Rows = rows
			out = append(out, g)
		}
	}
	return out
}
