package offsets

import (
	"strings"
	"testing"
	"time"
)

func TestParseDateTimeAccepted(t *testing.T) {
	paris, _, err := ParseTimezone("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	const base = int64(1795600800000) // 2026-11-25T10:00:00Z
	cases := []struct {
		in     string
		loc    *time.Location
		zone   string
		wantMS int64
		wantZ  string
	}{
		// RFC 3339 with zone.
		{"2026-11-25T10:00:00Z", nil, "", base, "UTC"},
		{"2026-11-25T12:00:00+02:00", nil, "", base, "+02:00"},
		{"2026-11-25t10:00:00z", nil, "", base, "UTC"},
		{"2026-11-25T10:00:00.5Z", nil, "", base + 500, "UTC"},
		{"2026-11-25T10:00:00.123456789Z", nil, "", base + 124, "UTC"}, // sub-ms rounds up
		{"2026-11-25T10:00:00.000001Z", nil, "", base + 1, "UTC"},
		{"2026-11-25 10:00:00Z", nil, "", base, "UTC"},
		// Kafka's yyyy-MM-ddTHH:mm:ss.SSS with the optional zones.
		{"2026-11-25T10:00:00.000", nil, "", base, "UTC"},
		{"2026-11-25T10:00:00.250", nil, "", base + 250, "UTC"},
		{"2026-11-25T10:00:00.000Z", nil, "", base, "UTC"},
		{"2026-11-25T11:00:00.000+01", nil, "", base, "+01:00"},
		{"2026-11-25T11:00:00.000+0100", nil, "", base, "+01:00"},
		{"2026-11-25T11:00:00.000+01:00", nil, "", base, "+01:00"},
		{"2026-11-25T05:00:00.000-05:00", nil, "", base, "-05:00"},
		{"2026-11-25T04:30:00.000-0530", nil, "", base, "-05:30"},
		{"2026-11-25T10:00:00.000+00:00", nil, "", base, "+00:00"},
		// Without milliseconds, without seconds.
		{"2026-11-25T10:00:00", nil, "", base, "UTC"},
		{"2026-11-25T10:00", nil, "", base, "UTC"},
		{"2026-11-25T11:00+01", nil, "", base, "+01:00"},
		{"2026-11-25T11:00:00+0100", nil, "", base, "+01:00"},
		// A date alone: midnight.
		{"2026-11-25", nil, "", base - 10*3600*1000, "UTC"},
		// Epoch.
		{"1795600800000", nil, "", base, "epoch"},
		{"1795600800", nil, "", base, "epoch"},
		{" 1795600800 ", nil, "", base, "epoch"},
		// Zone-less times in --timezone; explicit zones ignore it.
		{"2026-11-25T11:00:00", paris, "Europe/Paris", base, "Europe/Paris"},
		{"2026-11-25T11:00:00.000", paris, "Europe/Paris", base, "Europe/Paris"},
		{"2026-11-25", paris, "Europe/Paris", base - 11*3600*1000, "Europe/Paris"},
		{"2026-11-25T10:00:00Z", paris, "Europe/Paris", base, "UTC"},
		{"1795600800000", paris, "Europe/Paris", base, "epoch"},
		// Summer time in Paris is +02:00.
		{"2026-07-01T12:00:00", paris, "Europe/Paris", 1782900000000, "Europe/Paris"},
		// Leap day.
		{"2028-02-29T00:00:00Z", nil, "", 1835395200000, "UTC"},
	}
	for _, c := range cases {
		got, err := ParseDateTime(c.in, c.loc, c.zone)
		if err != nil {
			t.Errorf("ParseDateTime(%q): %v", c.in, err)
			continue
		}
		if got.Millis() != c.wantMS || got.Zone != c.wantZ {
			t.Errorf("ParseDateTime(%q) = %d in %q, want %d in %q", c.in, got.Millis(), got.Zone, c.wantMS, c.wantZ)
		}
	}
}

func TestParseDateTimeRejected(t *testing.T) {
	cases := []struct{ in, why string }{
		{"", "empty"},
		{"yesterday", "not a recognised form"},
		{"2026-11-25T10", "not a recognised form"},        // hour alone
		{"2026-11-25T10:00:00.", "not a recognised form"}, // dot without digits
		{"2026-11-25T10:00:00.1234567890Z", "not a recognised form"},
		{"2026-11-25T1:00:00", "not a recognised form"},
		{"2026-1-25", "not a recognised form"},
		{"25/11/2026", "not a recognised form"},
		{"11/25/2026 10:00", "not a recognised form"},
		{"2026-11-25T10:00:00 UTC", "not a recognised form"},
		{"2026-11-25T10:00:00Europe/Paris", "not a recognised form"},
		{"2026-11-25T10:00:00+1", "not a recognised form"},
		{"2026-11-25T10:00:00+01:0", "not a recognised form"},
		{"2026-11-25Z", "not a recognised form"}, // a date with a zone
		{"2026-11-25T10:00:00Z+01:00", "not a recognised form"},
		{"2026-13-01", "month 13"},
		{"2026-00-01", "month 00"},
		{"2026-02-29", "day 29 does not exist"},
		{"2026-04-31T00:00", "day 31 does not exist"},
		{"2026-11-25T24:00:00", "out of range"},
		{"2026-11-25T10:60:00", "out of range"},
		{"2026-11-25T10:00:60", "out of range"},
		{"2026-11-25T10:00:00+19:00", "out of range"},
		{"2026-11-25T10:00:00+01:60", "out of range"},
		{"179560080000", "12 digits"},
		{"17956008000000", "14 digits"},
		{"179560080", "9 digits"},
		{"-1795600800", "not a recognised form"},
		{"1.7956008e12", "not a recognised form"},
		{"99999999999999999999", "out of range"},
	}
	for _, c := range cases {
		_, err := ParseDateTime(c.in, nil, "")
		if err == nil {
			t.Errorf("ParseDateTime(%q): accepted, want rejected (%s)", c.in, c.why)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.why) || !strings.Contains(msg, "accepted forms:") ||
			!strings.Contains(msg, "epoch milliseconds (13 digits)") || !strings.Contains(msg, "default UTC") {
			t.Errorf("ParseDateTime(%q) error = %q, want %q and the list of accepted forms", c.in, msg, c.why)
		}
	}
}

func TestParseDateTimeDaylightSaving(t *testing.T) {
	paris, name, err := ParseTimezone("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	// 2026-03-29 02:30 does not exist in Paris (02:00 -> 03:00).
	_, err = ParseDateTime("2026-03-29T02:30", paris, name)
	if err == nil || !strings.Contains(err.Error(), "does not exist in Europe/Paris") {
		t.Fatalf("gap: err = %v", err)
	}
	// 2026-10-25 02:30 happens twice (03:00 -> 02:00).
	_, err = ParseDateTime("2026-10-25T02:30:00", paris, name)
	if err == nil || !strings.Contains(err.Error(), "happens twice in Europe/Paris (at +02:00 and at +01:00") {
		t.Fatalf("overlap: err = %v", err)
	}
	// The same wall times with an explicit offset are fine.
	got, err := ParseDateTime("2026-10-25T02:30:00+02:00", paris, name)
	if err != nil || got.Millis() != 1792888200000 {
		t.Fatalf("explicit offset in overlap: %v %d", err, got.Millis())
	}
	// Just outside the transitions is unambiguous.
	for _, in := range []string{"2026-03-29T01:59:59", "2026-03-29T03:00", "2026-10-25T01:59", "2026-10-25T03:00"} {
		if _, err := ParseDateTime(in, paris, name); err != nil {
			t.Errorf("%s: %v", in, err)
		}
	}
}

func TestParseTimezone(t *testing.T) {
	cases := []struct {
		in       string
		name     string
		offsetAt int // seconds east of UTC on 2026-11-25
	}{
		{"", "UTC", 0}, {"UTC", "UTC", 0}, {"utc", "UTC", 0}, {"Z", "UTC", 0},
		{"Europe/Paris", "Europe/Paris", 3600},
		{"America/New_York", "America/New_York", -5 * 3600},
		{"Asia/Kolkata", "Asia/Kolkata", 5*3600 + 1800},
		{"+02:00", "+02:00", 7200}, {"-0530", "-05:30", -(5*3600 + 1800)}, {"+01", "+01:00", 3600},
	}
	for _, c := range cases {
		loc, name, err := ParseTimezone(c.in)
		if err != nil {
			t.Errorf("ParseTimezone(%q): %v", c.in, err)
			continue
		}
		_, off := time.Date(2026, 11, 25, 10, 0, 0, 0, loc).Zone()
		if name != c.name || off != c.offsetAt {
			t.Errorf("ParseTimezone(%q) = %q offset %d, want %q %d", c.in, name, off, c.name, c.offsetAt)
		}
	}
	for _, in := range []string{"Mars/Olympus", "CEST+", "+25:00", "/etc/passwd", "../../etc/passwd"} {
		if _, _, err := ParseTimezone(in); err == nil {
			t.Errorf("ParseTimezone(%q): accepted", in)
		}
	}
}

func TestInstantEcho(t *testing.T) {
	paris, name, _ := ParseTimezone("Europe/Paris")
	i, err := ParseDateTime("2026-11-25T11:00", paris, name)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := i.String(), "2026-11-25T10:00:00.000Z = 2026-11-25T11:00:00.000+01:00 in Europe/Paris (epoch ms 1795600800000)"; got != want {
		t.Errorf("echo = %q, want %q", got, want)
	}
	i, _ = ParseDateTime("2026-11-25T10:00", nil, "")
	if got, want := i.String(), "2026-11-25T10:00:00.000Z (UTC, epoch ms 1795600800000)"; got != want {
		t.Errorf("echo = %q, want %q", got, want)
	}
	i, _ = ParseDateTime("2026-11-25T12:00+02:00", nil, "")
	if got, want := i.String(), "2026-11-25T10:00:00.000Z = 2026-11-25T12:00:00.000+02:00 in +02:00 (epoch ms 1795600800000)"; got != want {
		t.Errorf("echo = %q, want %q", got, want)
	}
}

func TestParseDuration(t *testing.T) {
	ok := []struct {
		in   string
		want time.Duration
	}{
		{"90m", 90 * time.Minute}, {"1h30m", 90 * time.Minute}, {"1.5h", 90 * time.Minute}, {"45s", 45 * time.Second},
		{"0s", 0},
		{"2d", 48 * time.Hour}, {"2d12h", 60 * time.Hour}, {"1d30m", 24*time.Hour + 30*time.Minute},
		{"PT1H30M", 90 * time.Minute}, {"P1DT2H", 26 * time.Hour}, {"P2D", 48 * time.Hour}, {"PT15M", 15 * time.Minute},
		{"pt1h", time.Hour}, {"PT0.5S", 500 * time.Millisecond}, {"PT1,5S", 1500 * time.Millisecond},
		{"P1DT1H1M1S", 25*time.Hour + time.Minute + time.Second},
	}
	for _, c := range ok {
		got, err := ParseDuration(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	bad := []string{"", "-1h", "-PT1H", "P", "PT", "P1DT", "P1Y", "P1M", "P1W", "1w", "2 days", "d", "2d-1h", "2dxyz",
		"PT1.5H", "abc", "1h-30m", "999999999d"}
	for _, in := range bad {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q): accepted", in)
		} else if !strings.Contains(err.Error(), "PT1H30M") {
			t.Errorf("ParseDuration(%q) error lacks the forms: %v", in, err)
		}
	}
}
