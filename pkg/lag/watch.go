package lag

import (
	"fmt"
	"math"
	"time"
)

// Progress is how one group moved between two snapshots (watch mode).
type Progress struct {
	Group    string
	Elapsed  time.Duration
	LagDelta int64 // total lag now minus before: negative is catching up
	// Consumed and Produced are the records committed past and appended
	// on the partitions present in both snapshots.
	Consumed int64
	Produced int64
	// ConsumeRate and ProduceRate are per second.
	ConsumeRate float64
	ProduceRate float64
	// ETA is the time to reach zero lag at the current net rate; nil when
	// the lag is not shrinking (or there is none: then CaughtUp).
	ETA      *time.Duration
	CaughtUp bool
}

// Compare computes the progress of a group between snapshots prev and cur
// taken elapsed apart. Partitions must be in both snapshots to count; a
// commit that moved backwards (a reset) counts as no consumption.
func Compare(prev, cur Group, elapsed time.Duration) Progress {
	p := Progress{Group: cur.Group, Elapsed: elapsed, LagDelta: cur.TotalLag - prev.TotalLag}
	before := map[Partition]Row{}
	for _, r := range prev.Rows {
		before[Partition{r.Topic, r.Partition}] = r
	}
	for _, r := range cur.Rows {
		b, ok := before[Partition{r.Topic, r.Partition}]
		if !ok {
			continue
		}
		if r.CurrentOffset != nil && b.CurrentOffset != nil && *r.CurrentOffset > *b.CurrentOffset {
			p.Consumed += *r.CurrentOffset - *b.CurrentOffset
		}
		if r.LogEndOffset != nil && b.LogEndOffset != nil && *r.LogEndOffset > *b.LogEndOffset {
			p.Produced += *r.LogEndOffset - *b.LogEndOffset
		}
	}
	if secs := elapsed.Seconds(); secs > 0 {
		p.ConsumeRate = float64(p.Consumed) / secs
		p.ProduceRate = float64(p.Produced) / secs
	}
	switch net := p.ConsumeRate - p.ProduceRate; {
	case cur.TotalLag == 0:
		p.CaughtUp = true
	case net > 0:
		secs := float64(cur.TotalLag) / net
		if secs < math.MaxInt64/float64(time.Second) {
			d := time.Duration(secs * float64(time.Second)).Round(time.Second)
			p.ETA = &d
		}
	}
	return p
}

// FormatETA renders an ETA: "caught up", a duration, or "never" (lag not
// shrinking at the current rates).
func (p Progress) FormatETA() string {
	switch {
	case p.CaughtUp:
		return "caught up"
	case p.ETA != nil:
		return FormatDuration(*p.ETA)
	}
	return "never"
}

// FormatRate renders a per-second rate with one decimal.
func FormatRate(r float64) string { return fmt.Sprintf("%.1f/s", r) }

// FormatDelta renders a lag change with its sign.
func FormatDelta(d int64) string {
	if d > 0 {
		return fmt.Sprintf("+%d", d)
	}
	return fmt.Sprint(d)
}

// FormatDuration renders a duration compactly for tables: 0s, 850ms, 42s,
// 5m3s, 2h5m, 3d4h.
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int64(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm%ds", int64(d/time.Minute), int64(d%time.Minute/time.Second))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%dm", int64(d/time.Hour), int64(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%dh", int64(d/(24*time.Hour)), int64(d%(24*time.Hour)/time.Hour))
}
