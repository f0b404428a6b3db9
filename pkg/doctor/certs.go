package doctor

import (
	"fmt"
	"strings"
	"time"
)

// Cert is one certificate of the chain a broker presents.
type Cert struct {
	Subject     string
	Issuer      string
	Serial      string
	NotBefore   time.Time
	NotAfter    time.Time
	DNSNames    []string
	IPAddresses []string
	IsCA        bool
}

// Names lists what the certificate is valid for (SANs, or the CN when it
// has none, as old certificates do).
func (c Cert) Names() string {
	names := append(append([]string{}, c.DNSNames...), c.IPAddresses...)
	if len(names) == 0 {
		return "no names"
	}
	return strings.Join(names, ", ")
}

// Thresholds are the certificate-expiry limits in days: WARN when a
// certificate expires within WarnDays, FAIL (CRITICAL) within CritDays or
// when it is expired or not yet valid.
type Thresholds struct {
	WarnDays int
	CritDays int
}

// DefaultThresholds are --cert-warn-days 30 and --cert-crit-days 7.
var DefaultThresholds = Thresholds{WarnDays: 30, CritDays: 7}

// Validate checks the thresholds without I/O.
func (t Thresholds) Validate() error {
	switch {
	case t.WarnDays < 0 || t.CritDays < 0:
		return fmt.Errorf("--cert-warn-days and --cert-crit-days must be 0 or more (got %d and %d)", t.WarnDays, t.CritDays)
	case t.CritDays > t.WarnDays:
		return fmt.Errorf("--cert-crit-days (%d) must not be more than --cert-warn-days (%d)", t.CritDays, t.WarnDays)
	}
	return nil
}

// DaysLeft is the number of whole days until notAfter (negative once
// expired), as certificate monitors count them; `kctl check tls` and the
// tls-expiry check of `kctl health` both count with it.
func DaysLeft(notAfter, now time.Time) int {
	d := notAfter.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days-- // floor, not truncation: 1 hour past expiry is day -1
	}
	return days
}

// Expiry classifies a chain's validity window.
type Expiry struct {
	Status Status
	// Index is the certificate that decided it (the one expiring first,
	// or the first one out of its validity window).
	Index       int
	DaysLeft    int
	Expired     bool
	NotYetValid bool
}

// ClassifyChain judges the validity of every certificate in the chain and
// returns the worst: out of its window is FAIL, expiring within CritDays
// FAIL, within WarnDays WARN. The thresholds compare durations (7 days is
// 168 hours), the days shown are whole days.
func ClassifyChain(chain []Cert, now time.Time, t Thresholds) Expiry {
	if len(chain) == 0 {
		return Expiry{Status: Pass, Index: -1}
	}
	for i, c := range chain {
		if now.Before(c.NotBefore) {
			return Expiry{Status: Fail, Index: i, DaysLeft: DaysLeft(c.NotAfter, now), NotYetValid: true}
		}
		if now.After(c.NotAfter) {
			return Expiry{Status: Fail, Index: i, DaysLeft: DaysLeft(c.NotAfter, now), Expired: true}
		}
	}
	first := 0
	for i, c := range chain {
		if c.NotAfter.Before(chain[first].NotAfter) {
			first = i
		}
	}
	left := chain[first].NotAfter.Sub(now)
	e := Expiry{Status: Pass, Index: first, DaysLeft: DaysLeft(chain[first].NotAfter, now)}
	switch {
	case left <= time.Duration(t.CritDays)*24*time.Hour:
		e.Status = Fail
	case left <= time.Duration(t.WarnDays)*24*time.Hour:
		e.Status = Warn
	}
	return e
}

// Days renders a day count for details: "in 12 days", "in 0 days",
// "3 days ago".
func Days(n int) string {
	switch {
	case n == 1:
		return "in 1 day"
	case n >= 0:
		return fmt.Sprintf("in %d days", n)
	case n == -1:
		return "1 day ago"
	}
	return fmt.Sprintf("%d days ago", -n)
}

// Date renders a certificate time the way openssl's notAfter reads, in UTC.
func Date(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }
