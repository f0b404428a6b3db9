// Package doctor is the pure core of `kctl check`: step results, statuses,
// the verdict and its exit code, certificate-expiry classification and the
// hint texts that tell an operator what to do. It does no I/O; the network
// steps live in pkg/kafka (check*.go) and fill these types.
package doctor

import (
	"fmt"
	"strings"
	"time"

	"github.com/kctl-dev/kctl/pkg/output/text"
)

// Status is the outcome of one step.
type Status string

// Step statuses. SKIP counts as a pass in the verdict: a step that does not
// apply (tls on a PLAINTEXT listener) or that could not run because an
// earlier step failed (that failure already decides the verdict).
const (
	Pass Status = "PASS"
	Warn Status = "WARN"
	Fail Status = "FAIL"
	Skip Status = "SKIP"
)

func (s Status) severity() int {
	switch s {
	case Warn:
		return 1
	case Fail:
		return 2
	}
	return 0
}

// Worst returns the most severe status; PASS when there is nothing worse.
func Worst(ss ...Status) Status {
	w := Pass
	for _, s := range ss {
		if s.severity() > w.severity() {
			w = s
		}
	}
	return w
}

// ExitCode maps a verdict to the check exit codes (Nagios convention):
// 0 PASS, 1 WARN, 2 FAIL. Exit 3 (could not run) is decided by the CLI.
func ExitCode(s Status) int { return s.severity() }

// Step names, in the order a Kafka client walks them: ApiVersions comes
// before SASL because that is what clients send first (KIP-35/KIP-152), and
// its answer says which SaslAuthenticate version the broker speaks.
const (
	StepDNS         = "dns"
	StepTCP         = "tcp"
	StepTLS         = "tls"
	StepAPIVersions = "api-versions"
	StepSASL        = "sasl"
	StepMetadata    = "metadata"
)

// ConnectivitySteps are the steps of `kctl check connectivity`.
var ConnectivitySteps = []string{StepDNS, StepTCP, StepTLS, StepAPIVersions, StepSASL, StepMetadata}

// TLSSteps are the steps of `kctl check tls` for every broker.
var TLSSteps = []string{StepDNS, StepTCP, StepTLS}

// Step is one timed step against one broker.
type Step struct {
	Name     string
	Status   Status
	Duration time.Duration
	Detail   string
	Hint     string
}

// Target is one address checked: a bootstrap address or an advertised broker.
type Target struct {
	Address string
	// ID is the broker id; nil for a bootstrap address that is not one of
	// the advertised listeners.
	ID        *int32
	Bootstrap bool
	Steps     []Step
	// Chain is the certificate chain the broker presented (leaf first).
	Chain []Cert
}

// Status is the worst status of the target's steps.
func (t Target) Status() Status {
	w := Pass
	for _, s := range t.Steps {
		w = Worst(w, s.Status)
	}
	return w
}

// Label names the target for people: "bootstrap 10.0.0.1:9092",
// "broker 2 kafka-2:9092", "bootstrap 10.0.0.1:9092 (broker 0)".
func (t Target) Label() string {
	switch {
	case t.Bootstrap && t.ID != nil:
		return fmt.Sprintf("bootstrap %s (broker %d)", t.Address, *t.ID)
	case t.Bootstrap:
		return "bootstrap " + t.Address
	case t.ID != nil:
		return fmt.Sprintf("broker %d %s", *t.ID, t.Address)
	}
	return t.Address
}

// Report is the result of one check run.
type Report struct {
	Targets []Target
}

// Status is the verdict: the worst step status of all targets. A report
// without targets checked nothing and fails.
func (r Report) Status() Status {
	if len(r.Targets) == 0 {
		return Fail
	}
	w := Pass
	for _, t := range r.Targets {
		w = Worst(w, t.Status())
	}
	return w
}

// Verdict is the final line: the status, then what decided it.
func (r Report) Verdict() string {
	var fails, warns []string
	steps := 0
	for _, t := range r.Targets {
		for _, s := range t.Steps {
			steps++
			switch s.Status {
			case Fail:
				fails = append(fails, t.Label()+" "+s.Name)
			case Warn:
				warns = append(warns, t.Label()+" "+s.Name)
			}
		}
	}
	n := len(r.Targets)
	switch r.Status() {
	case Pass:
		return fmt.Sprintf("PASS: %s checked, no warnings", text.Plural(n, "address", "addresses"))
	case Warn:
		return fmt.Sprintf("WARN: %s on %s (%s)", text.Plural(len(warns), "warning", "warnings"), text.Plural(n, "address", "addresses"), strings.Join(warns, "; "))
	}
	if n == 0 {
		return "FAIL: nothing was checked"
	}
	msg := fmt.Sprintf("FAIL: %s on %s (%s)", text.Plural(len(fails), "failed step", "failed steps"), text.Plural(n, "address", "addresses"), strings.Join(fails, "; "))
	if len(warns) > 0 {
		msg += fmt.Sprintf(", %s (%s)", text.Plural(len(warns), "warning", "warnings"), strings.Join(warns, "; "))
	}
	return msg
}

// FormatDuration renders a step time for the TIME column: "0.3ms", "12ms",
// "1.52s".
func FormatDuration(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}
