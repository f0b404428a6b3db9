package offsets

import (
	"fmt"
	"strings"
)

// SpecKind is the reset target.
type SpecKind int

const (
	ToDatetime SpecKind = iota + 1
	ByDuration
	ToEarliest
	ToLatest
	ToOffset
	ShiftBy
	ToCurrent
	FromFile
)

var specNames = map[SpecKind]string{
	ToDatetime: "--to-datetime", ByDuration: "--by-duration", ToEarliest: "--to-earliest",
	ToLatest: "--to-latest", ToOffset: "--to-offset", ShiftBy: "--shift-by", ToCurrent: "--to-current",
	FromFile: "--from-file",
}

func (k SpecKind) String() string { return specNames[k] }

// Spec is one reset target. Timestamp (epoch ms) is set for ToDatetime and
// ByDuration, Offset for ToOffset, Shift for ShiftBy; FromFile offsets come
// in Input.Requested.
type Spec struct {
	Kind      SpecKind
	Timestamp int64
	Offset    int64
	Shift     int64
}

// NeedsTimestamp reports whether the plan needs ListOffsets(Timestamp).
func (s Spec) NeedsTimestamp() bool { return s.Kind == ToDatetime || s.Kind == ByDuration }

// NeedsEarliest reports whether the plan needs the log-start offsets: to
// reset to them, or to clamp requested offsets into range.
func (s Spec) NeedsEarliest() bool {
	switch s.Kind {
	case ToEarliest, ToOffset, ShiftBy, FromFile:
		return true
	}
	return false
}

// NeedsCommitted reports whether the spec itself reads the current commits
// (every plan shows them; only these compute from them).
func (s Spec) NeedsCommitted() bool { return s.Kind == ShiftBy || s.Kind == ToCurrent }

// Input is what the cluster said about one group's partitions. Latest is
// always needed (lag after the reset, and the fallback of timestamps with no
// later record).
type Input struct {
	Group      string
	Partitions []TP
	Committed  map[TP]int64 // absent: no committed offset
	Earliest   map[TP]int64
	Latest     map[TP]int64
	ByTime     map[TP]int64 // -1: no record at or after the timestamp
	Requested  map[TP]int64 // FromFile
	// LookupErr holds partitions whose offsets could not be looked up.
	LookupErr map[TP]error
}

// PartitionPlan is one partition's line of the plan.
type PartitionPlan struct {
	TP
	Current  *int64 // nil: no committed offset
	New      int64  // valid when Err == ""
	LogStart *int64
	LogEnd   *int64
	LagAfter *int64
	// Note says what Kafka's tool warns about: a clamped offset, a
	// timestamp with no later record.
	Note      string
	Clamped   bool
	AfterLast bool
	Err       string
}

// Changes reports whether the new offset differs from the committed one.
func (p PartitionPlan) Changes() bool {
	return p.Err == "" && (p.Current == nil || *p.Current != p.New)
}

// GroupPlan is one group's plan.
type GroupPlan struct {
	Group      string
	Partitions []PartitionPlan
}

// Errors counts partitions that could not be planned.
func (g GroupPlan) Errors() int {
	n := 0
	for _, p := range g.Partitions {
		if p.Err != "" {
			n++
		}
	}
	return n
}

// NewOffsets is what to commit (partitions with errors excluded).
func (g GroupPlan) NewOffsets() map[TP]int64 {
	m := make(map[TP]int64, len(g.Partitions))
	for _, p := range g.Partitions {
		if p.Err == "" {
			m[p.TP] = p.New
		}
	}
	return m
}

func ptr(v int64) *int64 { return &v }

// Plan computes new offsets as kafka-consumer-groups.sh --reset-offsets does:
//   - --to-earliest / --to-latest: the log-start / log-end offset;
//   - --to-datetime / --by-duration: the first offset at or after the
//     timestamp, or the log-end offset when no record is that recent;
//   - --to-offset, --shift-by, --from-file: the requested offset clamped
//     into [log-start, log-end], with a note per clamped partition;
//   - --shift-by on a partition without a commit is an error for it;
//   - --to-current: the committed offset, or log-end when there is none.
//
// Lag after the reset is log-end minus the new offset.
func Plan(spec Spec, in Input) GroupPlan {
	gp := GroupPlan{Group: in.Group}
	tps := append([]TP(nil), in.Partitions...)
	SortTPs(tps)
	for _, tp := range tps {
		pp := PartitionPlan{TP: tp}
		if c, ok := in.Committed[tp]; ok {
			pp.Current = ptr(c)
		}
		if v, ok := in.Earliest[tp]; ok && v >= 0 {
			pp.LogStart = ptr(v)
		}
		if v, ok := in.Latest[tp]; ok && v >= 0 {
			pp.LogEnd = ptr(v)
		}
		planPartition(spec, in, &pp)
		if pp.Err == "" && pp.LogEnd != nil {
			pp.LagAfter = ptr(max(0, *pp.LogEnd-pp.New))
		}
		gp.Partitions = append(gp.Partitions, pp)
	}
	return gp
}

func planPartition(spec Spec, in Input, pp *PartitionPlan) {
	tp := pp.TP
	if err, ok := in.LookupErr[tp]; ok && err != nil {
		pp.Err = "offsets unavailable: " + err.Error()
		return
	}
	// Every plan needs log-end: for lag, and as a bound or fallback.
	if pp.LogEnd == nil {
		pp.Err = "log-end offset unavailable"
		return
	}
	end := *pp.LogEnd
	needStart := func() (int64, bool) {
		if pp.LogStart == nil {
			pp.Err = "log-start offset unavailable"
			return 0, false
		}
		return *pp.LogStart, true
	}
	clamp := func(want int64) {
		start, ok := needStart()
		if !ok {
			return
		}
		switch {
		case want > end:
			pp.New, pp.Clamped = end, true
			pp.Note = fmt.Sprintf("requested %d is above the log-end offset %d: set to %d", want, end, end)
		case want < start:
			pp.New, pp.Clamped = start, true
			pp.Note = fmt.Sprintf("requested %d is below the log-start offset %d: set to %d", want, start, start)
		default:
			pp.New = want
		}
	}
	switch spec.Kind {
	case ToEarliest:
		if start, ok := needStart(); ok {
			pp.New = start
		}
	case ToLatest:
		pp.New = end
	case ToDatetime, ByDuration:
		off, ok := in.ByTime[tp]
		switch {
		case !ok:
			pp.Err = "offset for the timestamp unavailable"
		case off < 0:
			pp.New, pp.AfterLast = end, true
			pp.Note = fmt.Sprintf("no record at or after the timestamp: log-end offset %d", end)
		default:
			pp.New = off
		}
	case ToOffset:
		clamp(spec.Offset)
	case ShiftBy:
		if pp.Current == nil {
			pp.Err = fmt.Sprintf("cannot shift %s: the group has no committed offset for it", tp)
			return
		}
		clamp(satAdd(*pp.Current, spec.Shift))
	case ToCurrent:
		// As Kafka: the commit as it stands (not clamped), log-end where
		// there is none.
		if pp.Current != nil {
			pp.New = *pp.Current
		} else {
			pp.New = end
			pp.Note = fmt.Sprintf("no committed offset: log-end offset %d", end)
		}
	case FromFile:
		want, ok := in.Requested[tp]
		if !ok {
			pp.Err = "no offset in the file"
			return
		}
		clamp(want)
	default:
		pp.Err = "no reset spec"
	}
}

// Summary describes a plan's partition errors in one line.
func (g GroupPlan) Summary() string {
	var errs []string
	for _, p := range g.Partitions {
		if p.Err != "" {
			errs = append(errs, fmt.Sprintf("%s: %s", p.TP, p.Err))
		}
	}
	return strings.Join(errs, "; ")
}

// satAdd adds without wrapping around: --shift-by 9223372036854775807 must
// clamp to log-end, not turn negative.
func satAdd(a, b int64) int64 {
	c := a + b
	if (b > 0 && c < a) || (b < 0 && c > a) {
		if b > 0 {
			return 1<<63 - 1
		}
		return -1 << 63
	}
	return c
}
