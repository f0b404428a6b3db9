package lag

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func p(t string, n int32) Partition { return Partition{t, n} }

func ends(m map[Partition]int64) map[Partition]End {
	out := map[Partition]End{}
	for k, v := range m {
		out[k] = End{Offset: v}
	}
	return out
}

// render prints rows as Kafka would, "-" for nil, for compact assertions.
func render(g Group) []string {
	var out []string
	d := func(v *int64) string {
		if v == nil {
			return "-"
		}
		return fmt.Sprint(*v)
	}
	for _, r := range g.Rows {
		c := r.ConsumerID
		if c == "" {
			c = "-"
		}
		tl := "-"
		if r.TimeLag != nil {
			tl = r.TimeLag.String()
		}
		out = append(out, fmt.Sprintf("%s %d %s %s %s %s %s", r.Topic, r.Partition, d(r.CurrentOffset), d(r.LogEndOffset), d(r.Lag), c, tl))
	}
	return out
}

func TestCompute(t *testing.T) {
	now := time.UnixMilli(1_700_000_100_000)
	member := Member{ID: "m1", ClientID: "c1", Host: "/10.0.0.1", Assignment: []Partition{p("t", 1), p("t", 0)}}
	tests := []struct {
		name      string
		in        Input
		rows      []string
		total     int64
		maxLag    int64
		notes     []string
		err       string
		maxTime   time.Duration
		nParts    int
		topics    int
		hasMaxTTL bool
	}{
		{
			name: "commits on some partitions, not others; no member",
			in: Input{Group: "g", State: "Empty", Exists: true,
				Committed: map[Partition]int64{p("t", 0): 4, p("t", 1): 5},
				End:       ends(map[Partition]int64{p("t", 0): 10, p("t", 1): 5})},
			rows:  []string{"t 0 4 10 6 - -", "t 1 5 5 0 - -"},
			total: 6, maxLag: 6, nParts: 2, topics: 1,
			notes: []string{"Consumer group 'g' has no active members."},
		},
		{
			name: "assigned without commit first, then committed but unassigned",
			in: Input{Group: "g", State: "Stable", Exists: true, Members: []Member{member},
				Committed: map[Partition]int64{p("t", 0): 2, p("t", 2): 7, p("a", 0): 1},
				End:       ends(map[Partition]int64{p("t", 0): 3, p("t", 1): 9, p("t", 2): 7, p("a", 0): 1})},
			rows:  []string{"t 0 2 3 1 m1 -", "t 1 - 9 - m1 -", "a 0 1 1 0 - -", "t 2 7 7 0 - -"},
			total: 1, maxLag: 1, nParts: 4, topics: 2,
		},
		{
			name: "committed offset 0 and an empty partition",
			in: Input{Group: "g", State: "Empty", Exists: true,
				Committed: map[Partition]int64{p("t", 0): 0, p("t", 1): 0},
				End:       ends(map[Partition]int64{p("t", 0): 5, p("t", 1): 0})},
			rows:  []string{"t 0 0 5 5 - -", "t 1 0 0 0 - -"},
			total: 5, maxLag: 5, nParts: 2, topics: 1,
			notes: []string{"Consumer group 'g' has no active members."},
		},
		{
			name: "commit ahead of the end offset: clamped with a note",
			in: Input{Group: "g", State: "Empty", Exists: true,
				Committed: map[Partition]int64{p("t", 0): 12},
				End:       ends(map[Partition]int64{p("t", 0): 10})},
			rows: []string{"t 0 12 10 0 - -"}, nParts: 1, topics: 1,
			notes: []string{"Consumer group 'g' has no active members.",
				"Warning: group 'g' committed offset 12 on t[0], ahead of the log-end offset 10: lag shown as 0 (the partition was truncated or the topic recreated?)."},
		},
		{
			name: "deleted topic: rows kept, group fails",
			in: Input{Group: "g", State: "Empty", Exists: true,
				Committed: map[Partition]int64{p("gone", 0): 5, p("t", 0): 1},
				End:       map[Partition]End{p("gone", 0): {Offset: -1, Err: errors.New("unknown topic or partition")}, p("t", 0): {Offset: 3}}},
			rows:  []string{"gone 0 5 - - - -", "t 0 1 3 2 - -"},
			total: 2, maxLag: 2, nParts: 2, topics: 2,
			notes: []string{"Consumer group 'g' has no active members."},
			err:   "group 'g': cannot read the log-end offset: gone[0]: unknown topic or partition",
		},
		{
			name: "does not exist",
			in:   Input{Group: "x", State: "Dead"},
			err:  "Consumer group 'x' does not exist.",
		},
		{
			name: "rebalancing",
			in: Input{Group: "g", State: "PreparingRebalance", Exists: true,
				Committed: map[Partition]int64{p("t", 0): 1}, End: ends(map[Partition]int64{p("t", 0): 1})},
			rows: []string{"t 0 1 1 0 - -"}, nParts: 1, topics: 1,
			notes: []string{"Warning: Consumer group 'g' is rebalancing."},
		},
		{
			name: "time lag only where lagging and read",
			in: Input{Group: "g", State: "Empty", Exists: true,
				Committed:  map[Partition]int64{p("t", 0): 1, p("t", 1): 5, p("t", 2): 0},
				End:        ends(map[Partition]int64{p("t", 0): 3, p("t", 1): 5, p("t", 2): 4}),
				RecordTime: map[Partition]time.Time{p("t", 0): now.Add(-90 * time.Second), p("t", 1): now.Add(-time.Hour)}},
			rows:  []string{"t 0 1 3 2 - 1m30s", "t 1 5 5 0 - -", "t 2 0 4 4 - -"},
			total: 6, maxLag: 4, nParts: 3, topics: 1, maxTime: 90 * time.Second, hasMaxTTL: true,
			notes: []string{"Consumer group 'g' has no active members."},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := Compute(tc.in, now)
			if got := render(g); strings.Join(got, "\n") != strings.Join(tc.rows, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.rows, "\n"))
			}
			if g.TotalLag != tc.total || g.MaxLag != tc.maxLag || g.Partitions != tc.nParts || g.Topics != tc.topics {
				t.Errorf("total %d max %d partitions %d topics %d, want %d %d %d %d", g.TotalLag, g.MaxLag, g.Partitions, g.Topics, tc.total, tc.maxLag, tc.nParts, tc.topics)
			}
			if strings.Join(g.Notes, "|") != strings.Join(tc.notes, "|") {
				t.Errorf("notes = %q, want %q", g.Notes, tc.notes)
			}
			// Idle marks Kafka's no-active-members note, which a listing
			// run folds into one line without matching its text.
			if idle := len(tc.notes) > 0 && strings.HasSuffix(tc.notes[0], "' has no active members."); g.Idle != idle {
				t.Errorf("idle = %v, want %v", g.Idle, idle)
			}
			if (g.Err == nil) != (tc.err == "") || (g.Err != nil && g.Err.Error() != tc.err) {
				t.Errorf("err = %v, want %q", g.Err, tc.err)
			}
			if tc.hasMaxTTL != (g.MaxTimeLag != nil) || (g.MaxTimeLag != nil && *g.MaxTimeLag != tc.maxTime) {
				t.Errorf("max time lag = %v, want %v", g.MaxTimeLag, tc.maxTime)
			}
		})
	}
}

func TestSortAndFilter(t *testing.T) {
	mk := func(name string, lags ...int64) Group {
		g := Group{Group: name}
		for i, l := range lags {
			l := l
			g.Rows = append(g.Rows, Row{Topic: "t", Partition: int32(i), Lag: &l})
			g.TotalLag += l
		}
		return g
	}
	gs := []Group{mk("b", 1, 5), mk("a", 6), mk("c", 0, 0), {Group: "z", Err: errors.New("boom")}}
	Sort(gs, ByLag)
	var names []string
	for _, g := range gs {
		names = append(names, g.Group)
	}
	if strings.Join(names, ",") != "a,b,c,z" {
		t.Errorf("by lag = %v", names)
	}
	if *gs[1].Rows[0].Lag != 5 {
		t.Errorf("rows of b not sorted by lag: %v", render(gs[1]))
	}
	Sort(gs, ByName)
	if gs[0].Group != "a" || gs[3].Group != "z" {
		t.Errorf("by name: %v", gs)
	}
	f := FilterMinLag(gs, 5, false)
	if len(f) != 3 || f[0].Group != "a" || f[1].Group != "b" || len(f[1].Rows) != 1 || f[2].Group != "z" {
		t.Errorf("min-lag rows: %+v", f)
	}
	f = FilterMinLag(gs, 6, true)
	if len(f) != 3 || f[0].Group != "a" || f[1].Group != "b" || f[2].Group != "z" {
		t.Errorf("min-lag summary: %+v", f)
	}
	if len(FilterMinLag(gs, 0, true)) != 4 {
		t.Error("min-lag 0 filters")
	}
	if _, err := ParseSort("size"); err == nil {
		t.Error("ParseSort accepted size")
	}
}

func TestCompare(t *testing.T) {
	snap := func(cur, end int64) Group {
		return Compute(Input{Group: "g", State: "Empty", Exists: true,
			Committed: map[Partition]int64{p("t", 0): cur}, End: ends(map[Partition]int64{p("t", 0): end})}, time.Time{})
	}
	pr := Compare(snap(100, 1000), snap(200, 1050), 10*time.Second)
	if pr.LagDelta != -50 || pr.Consumed != 100 || pr.Produced != 50 || pr.ConsumeRate != 10 || pr.ProduceRate != 5 {
		t.Fatalf("progress = %+v", pr)
	}
	// 850 left, draining at 5/s net: 170s.
	if pr.ETA == nil || *pr.ETA != 170*time.Second || pr.FormatETA() != "2m50s" {
		t.Errorf("eta = %v (%s)", pr.ETA, pr.FormatETA())
	}
	if pr := Compare(snap(100, 1000), snap(110, 1100), time.Second); pr.ETA != nil || pr.FormatETA() != "never" || FormatDelta(pr.LagDelta) != "+90" {
		t.Errorf("falling behind = %+v", pr)
	}
	if pr := Compare(snap(100, 100), snap(100, 100), time.Second); !pr.CaughtUp || pr.FormatETA() != "caught up" {
		t.Errorf("caught up = %+v", pr)
	}
	// A reset backwards is not negative consumption.
	if pr := Compare(snap(500, 1000), snap(100, 1000), time.Second); pr.Consumed != 0 || pr.LagDelta != 400 {
		t.Errorf("reset = %+v", pr)
	}
	if pr := Compare(snap(1, 2), snap(1, 2), 0); pr.ConsumeRate != 0 {
		t.Errorf("zero interval = %+v", pr)
	}
	for d, want := range map[time.Duration]string{0: "0ms", 850 * time.Millisecond: "850ms", 42 * time.Second: "42s",
		5*time.Minute + 3*time.Second: "5m3s", 2*time.Hour + 5*time.Minute: "2h5m", 76 * time.Hour: "3d4h", -time.Second: "0ms"} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %s, want %s", d, got, want)
		}
	}
	if FormatRate(2.25) != "2.2/s" && FormatRate(2.25) != "2.3/s" {
		t.Errorf("rate %s", FormatRate(2.25))
	}
}
