// Package offsets is the pure domain of `kctl offsets reset`: it parses
// time specs, durations and scopes, computes reset plans with
// kafka-consumer-groups.sh semantics, and reads and writes the CSV files
// that tool exchanges. No network, no cobra, no sarama.
package offsets

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	// Embedded zone data: --timezone Europe/Paris must work on minimal
	// images without /usr/share/zoneinfo, and give the same answer everywhere.
	_ "time/tzdata"
)

// AcceptedForms lists the --to-datetime forms, for help and errors.
var AcceptedForms = []string{
	"2026-11-25T10:00:00Z, 2026-11-25T10:00:00+02:00  RFC 3339 with a zone (fraction optional)",
	"2026-11-25T10:00:00.000  Kafka's yyyy-MM-ddTHH:mm:ss.SSS, zone optional: Z, +01, +0100 or +01:00",
	"2026-11-25T10:00:00, 2026-11-25T10:00  the same without milliseconds, or without seconds",
	"2026-11-25  a date alone (midnight)",
	"1795600800000  epoch milliseconds (13 digits)",
	"1795600800  epoch seconds (10 digits)",
}

// AcceptedFormsText is AcceptedForms as an indented block, with the zone rule.
func AcceptedFormsText() string {
	var b strings.Builder
	for _, f := range AcceptedForms {
		b.WriteString("\n  ")
		b.WriteString(f)
	}
	b.WriteString("\nA time without a zone is read in --timezone (default UTC, as Kafka does).")
	return b.String()
}

// Instant is a resolved --to-datetime or --by-duration.
type Instant struct {
	// Time is the instant, located in the zone used to read it.
	Time time.Time
	// Zone names the zone used: an IANA name, UTC, a fixed offset written
	// in the input, or "epoch" for epoch input.
	Zone string
}

// Millis is the instant in epoch milliseconds, as ListOffsets takes it.
// Sub-millisecond input rounds up: Kafka timestamps are milliseconds and a
// reset goes to the first record at or after the instant.
func (i Instant) Millis() int64 {
	ms := i.Time.UnixMilli()
	if i.Time.Nanosecond()%int(time.Millisecond) != 0 {
		ms++
	}
	return ms
}

const echoLayout = "2006-01-02T15:04:05.000Z07:00"

// String echoes the instant in UTC and in the zone used, with epoch ms.
func (i Instant) String() string {
	utc := i.Time.UTC().Format(echoLayout)
	if i.Zone == "" || i.Zone == "UTC" || i.Zone == "epoch" || i.Time.Location() == time.UTC {
		return fmt.Sprintf("%s (UTC, epoch ms %d)", utc, i.Millis())
	}
	return fmt.Sprintf("%s = %s in %s (epoch ms %d)", utc, i.Time.Format(echoLayout), i.Zone, i.Millis())
}

var dateTimeRE = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$`)

var digitsRE = regexp.MustCompile(`^\d+$`)

// ParseDateTime reads a --to-datetime value. A time without a zone is read
// in loc (nil: UTC), named zoneName in echoes. A local time that a
// daylight-saving change skips or repeats is rejected as ambiguous.
func ParseDateTime(s string, loc *time.Location, zoneName string) (Instant, error) {
	return ParseDateTimeFlag("--to-datetime", s, loc, zoneName)
}

// ParseDateTimeFlag is ParseDateTime for another flag (topic consume's
// --from-time and --until-time), named in its errors.
func ParseDateTimeFlag(flag, s string, loc *time.Location, zoneName string) (Instant, error) {
	if loc == nil {
		loc, zoneName = time.UTC, "UTC"
	}
	if zoneName == "" {
		zoneName = loc.String()
	}
	in := strings.TrimSpace(s)
	bad := func(why string) (Instant, error) {
		return Instant{}, fmt.Errorf("invalid %s %q: %s; accepted forms:%s", flag, s, why, AcceptedFormsText())
	}
	if in == "" {
		return bad("empty")
	}
	if digitsRE.MatchString(in) {
		n, err := strconv.ParseInt(in, 10, 64)
		if err != nil {
			return bad("number out of range")
		}
		switch len(in) {
		case 13:
			return Instant{Time: time.UnixMilli(n).UTC(), Zone: "epoch"}, nil
		case 10:
			return Instant{Time: time.Unix(n, 0).UTC(), Zone: "epoch"}, nil
		}
		return bad(fmt.Sprintf("%d digits is neither epoch milliseconds (13 digits) nor epoch seconds (10 digits)", len(in)))
	}
	m := dateTimeRE.FindStringSubmatch(in)
	if m == nil {
		return bad("not a recognised form")
	}
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
	if mo < 1 || mo > 12 {
		return bad(fmt.Sprintf("month %02d is out of range", mo))
	}
	if d < 1 || d > daysIn(y, time.Month(mo)) {
		return bad(fmt.Sprintf("day %02d does not exist in %04d-%02d", d, y, mo))
	}
	var h, mi, sec, ns int
	if m[4] != "" {
		h, mi = atoi(m[4]), atoi(m[5])
		if m[6] != "" {
			sec = atoi(m[6])
		}
		if h > 23 || mi > 59 || sec > 59 {
			return bad("hour, minute or second out of range")
		}
		if m[7] != "" {
			frac := m[7] + strings.Repeat("0", 9-len(m[7]))
			ns = atoi(frac)
		}
	}
	if z := m[8]; z != "" {
		off, err := parseOffset(z)
		if err != nil {
			return bad(err.Error())
		}
		name, zl := formatOffset(off), time.UTC
		if z == "Z" || z == "z" {
			name = "UTC"
		} else if off != 0 {
			zl = time.FixedZone(name, off)
		}
		return Instant{Time: time.Date(y, time.Month(mo), d, h, mi, sec, ns, zl), Zone: name}, nil
	}
	t, err := resolveLocal(y, time.Month(mo), d, h, mi, sec, ns, loc, zoneName)
	if err != nil {
		return bad(err.Error())
	}
	return Instant{Time: t, Zone: zoneName}, nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseOffset reads Z, +01, +0100 or +01:00 into seconds east of UTC.
func parseOffset(z string) (int, error) {
	if z == "Z" || z == "z" {
		return 0, nil
	}
	sign := 1
	if z[0] == '-' {
		sign = -1
	}
	digits := strings.ReplaceAll(z[1:], ":", "")
	h, _ := strconv.Atoi(digits[:2])
	mi := 0
	if len(digits) == 4 {
		mi, _ = strconv.Atoi(digits[2:])
	}
	if h > 18 || mi > 59 || (h == 18 && mi > 0) {
		return 0, fmt.Errorf("zone offset %s is out of range (at most ±18:00)", z)
	}
	return sign * (h*3600 + mi*60), nil
}

func formatOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("%c%02d:%02d", sign, sec/3600, sec/60%60)
}

// resolveLocal finds the instants whose wall clock in loc reads as given:
// none in a spring-forward gap, two in a fall-back overlap. Only exactly
// one is accepted; Go's time.Date would silently pick.
func resolveLocal(y int, mo time.Month, d, h, mi, s, ns int, loc *time.Location, zoneName string) (time.Time, error) {
	wall := time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	var found []time.Time
	seen := map[int]bool{}
	for _, probe := range []time.Duration{-26 * time.Hour, 0, 26 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		if seen[off] {
			continue
		}
		seen[off] = true
		t := wall.Add(-time.Duration(off) * time.Second).In(loc)
		if _, o := t.Zone(); o == off {
			found = append(found, t)
		}
	}
	text := wall.Format("2006-01-02T15:04:05")
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return time.Time{}, fmt.Errorf("%s does not exist in %s (the clocks skip it for a daylight-saving change): write the zone offset explicitly", text, zoneName)
	}
	if found[1].Before(found[0]) {
		found[0], found[1] = found[1], found[0]
	}
	_, o1 := found[0].Zone()
	_, o2 := found[1].Zone()
	return time.Time{}, fmt.Errorf("%s happens twice in %s (at %s and at %s, a daylight-saving change): write the offset, e.g. %s%s",
		text, zoneName, formatOffset(o1), formatOffset(o2), text, formatOffset(o1))
}

// ParseTimezone reads --timezone: an IANA name (Europe/Paris), UTC, Local,
// or a fixed offset (+02:00, -0530, Z). It returns the zone and its name.
func ParseTimezone(s string) (*time.Location, string, error) {
	in := strings.TrimSpace(s)
	switch strings.ToUpper(in) {
	case "", "UTC", "Z", "GMT":
		return time.UTC, "UTC", nil
	case "LOCAL":
		return time.Local, "local time (" + time.Local.String() + ")", nil
	}
	if regexp.MustCompile(`^[+-]\d{2}(?::?\d{2})?$`).MatchString(in) {
		off, err := parseOffset(in)
		if err != nil {
			return nil, "", fmt.Errorf("invalid --timezone %q: %v", s, err)
		}
		return time.FixedZone(formatOffset(off), off), formatOffset(off), nil
	}
	loc, err := time.LoadLocation(in)
	if err != nil || strings.HasPrefix(in, "/") || strings.Contains(in, "..") {
		return nil, "", fmt.Errorf("unknown --timezone %q: use an IANA name such as Europe/Paris or America/New_York, UTC, Local, or an offset such as +02:00", s)
	}
	return loc, loc.String(), nil
}

var (
	isoDurationRE = regexp.MustCompile(`^(?i)P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d{1,9})?)S)?)?$`)
	daysRE        = regexp.MustCompile(`^(\d+)d(.*)$`)
)

// DurationForms lists the --by-duration forms, for help and errors.
const DurationForms = "Go durations (90m, 1h30m), days (2d, 2d12h) or ISO-8601 (PT1H30M, P1DT2H)"

// ParseDuration reads --by-duration: a Go duration (90m, 1h30m), days
// (2d, 2d12h) or ISO-8601 (PT1H30M, P1DT2H, as Kafka's --by-duration).
// Negative durations would point into the future and are rejected.
func ParseDuration(s string) (time.Duration, error) {
	return ParseDurationFlag("--by-duration", s)
}

// ParseDurationFlag is ParseDuration for another flag (topic consume's
// --from-duration), named in its errors.
func ParseDurationFlag(flag, s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	bad := func(why string) (time.Duration, error) {
		return 0, fmt.Errorf("invalid %s %q: %s; use %s", flag, s, why, DurationForms)
	}
	if in == "" {
		return bad("empty")
	}
	if strings.HasPrefix(in, "-") {
		return bad("a negative duration points into the future")
	}
	const maxDays = 100000 // ~270 years: far beyond any retention, far below overflow
	if in[0] == 'P' || in[0] == 'p' {
		m := isoDurationRE.FindStringSubmatch(in)
		if m == nil || (m[1] == "" && m[2] == "" && m[3] == "" && m[4] == "") || strings.HasSuffix(strings.ToUpper(in), "T") {
			return bad("not an ISO-8601 duration PnDTnHnMnS")
		}
		n := func(x string) int64 { v, _ := strconv.ParseInt(x, 10, 64); return v }
		days, hours, mins := n(m[1]), n(m[2]), n(m[3])
		if days > maxDays || hours > maxDays*24 || mins > maxDays*24*60 {
			return bad("too long")
		}
		d := time.Duration(days)*24*time.Hour + time.Duration(hours)*time.Hour + time.Duration(mins)*time.Minute
		if m[4] != "" {
			secs, err := strconv.ParseFloat(strings.Replace(m[4], ",", ".", 1), 64)
			if err != nil || secs > maxDays*86400 {
				return bad("seconds out of range")
			}
			d += time.Duration(math.Round(secs * float64(time.Second)))
		}
		return d, nil
	}
	if m := daysRE.FindStringSubmatch(in); m != nil {
		days, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || days > maxDays {
			return bad("too many days")
		}
		d := time.Duration(days) * 24 * time.Hour
		if m[2] != "" {
			rest, err := time.ParseDuration(m[2])
			if err != nil || strings.HasPrefix(m[2], "-") || strings.HasPrefix(m[2], "+") {
				return bad("after the days, expected a Go duration such as 12h")
			}
			d += rest
		}
		return d, nil
	}
	d, err := time.ParseDuration(in)
	if err != nil {
		return bad("not a duration")
	}
	if d < 0 {
		return bad("a negative duration points into the future")
	}
	return d, nil
}
