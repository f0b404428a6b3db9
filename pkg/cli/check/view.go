package check

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kctl-dev/kctl/pkg/doctor"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// View is the JSON/YAML shape of `check connectivity` and `check tls`:
// {"status","brokers":[{"address","id","steps":[{"name","status",
// "durationMs","detail","hint"}],"chain"}]}; chain is each broker's
// certificate chain in `check tls` ([] when none was presented), null in
// `check connectivity` (not collected).
type View struct {
	Status  string       `json:"status"`
	Brokers []BrokerView `json:"brokers"`
}

// BrokerView is one address checked. ID is null for a bootstrap address
// that is not one of the advertised listeners.
type BrokerView struct {
	Address string     `json:"address"`
	ID      *int32     `json:"id"`
	Steps   []StepView `json:"steps"`
	Chain   []CertView `json:"chain"`
}

// StepView is one step.
type StepView struct {
	Name       string  `json:"name"`
	Status     string  `json:"status"`
	DurationMs int64   `json:"durationMs"`
	Detail     string  `json:"detail"`
	Hint       *string `json:"hint"`
}

// CertView is one certificate of a presented chain (leaf first).
type CertView struct {
	Subject     string    `json:"subject"`
	Issuer      string    `json:"issuer"`
	Serial      string    `json:"serial"`
	NotBefore   time.Time `json:"notBefore"`
	NotAfter    time.Time `json:"notAfter"`
	DaysLeft    int       `json:"daysLeft"`
	DNSNames    []string  `json:"dnsNames"`
	IPAddresses []string  `json:"ipAddresses"`
	IsCA        bool      `json:"isCA"`
}

func newView(r doctor.Report, withChain bool, now time.Time) View {
	v := View{Status: string(r.Status()), Brokers: []BrokerView{}}
	for _, t := range r.Targets {
		b := BrokerView{Address: t.Address, ID: t.ID, Steps: []StepView{}}
		for _, s := range t.Steps {
			b.Steps = append(b.Steps, StepView{Name: s.Name, Status: string(s.Status), DurationMs: s.Duration.Milliseconds(), Detail: s.Detail, Hint: text.Null(s.Hint)})
		}
		if withChain {
			b.Chain = []CertView{}
			for _, c := range t.Chain {
				b.Chain = append(b.Chain, CertView{
					Subject: c.Subject, Issuer: c.Issuer, Serial: c.Serial, NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(),
					DaysLeft: doctor.DaysLeft(c.NotAfter, now), DNSNames: nonNil(c.DNSNames), IPAddresses: nonNil(c.IPAddresses), IsCA: c.IsCA,
				})
			}
		}
		v.Brokers = append(v.Brokers, b)
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

var stepHeaders = []string{"STEP", "STATUS", "TIME", "SUMMARY"}

// lineWidth is the width the step lines fit: a terminal's 80 columns.
const lineWidth = 80

// writeSteps prints one line per step (STEP STATUS TIME SUMMARY, the summary
// being the detail cut to fit 80 columns), and under a step that failed or
// warned its whole detail and hint as indented, wrapped lines. -o json
// keeps every detail and hint in full.
func writeSteps(w io.Writer, t doctor.Target, noHeaders bool) {
	rows := make([][]string, 0, len(t.Steps))
	for _, s := range t.Steps {
		tm := "-"
		if s.Status != doctor.Skip {
			tm = doctor.FormatDuration(s.Duration)
		}
		rows = append(rows, []string{s.Name, string(s.Status), tm})
	}
	width := make([]int, 3)
	for _, r := range append([][]string{stepHeaders[:3]}, rows...) {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	lead := func(r []string) string {
		return fmt.Sprintf("%-*s  %-*s  %-*s  ", width[0], r[0], width[1], r[1], width[2], r[2])
	}
	if !noHeaders {
		fmt.Fprintln(w, lead(stepHeaders[:3])+stepHeaders[3])
	}
	room := max(lineWidth-len(lead(rows[0])), 20)
	for i, s := range t.Steps {
		summary := cut(text.Dash(s.Detail), room)
		fmt.Fprintln(w, strings.TrimRight(lead(rows[i])+summary, " "))
		if s.Status != doctor.Fail && s.Status != doctor.Warn {
			continue
		}
		if s.Detail != "" && summary != s.Detail {
			wrap(w, "    detail: ", s.Detail)
		}
		if s.Hint != "" {
			wrap(w, "    hint:   ", s.Hint)
		}
	}
}

// cut shortens s to n columns at a word boundary, ending in "...".
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n-3]
	if i := strings.LastIndexByte(s, ' '); i > n/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ,;:") + "..."
}

// wrap prints text after prefix, wrapped at lineWidth, continuation lines
// indented like the first.
func wrap(w io.Writer, prefix, text string) {
	indent := strings.Repeat(" ", len(prefix))
	line := prefix
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > lineWidth {
			fmt.Fprintln(w, line)
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	fmt.Fprintln(w, line)
}

// writeChain prints the presented chain, one block per certificate (leaf
// first), each line within 80 columns where the names allow.
func writeChain(w io.Writer, t doctor.Target, now time.Time) {
	for i, c := range t.Chain {
		fmt.Fprintf(w, "Certificate %d: %s\n", i, c.Subject)
		wrap(w, "    issuer:    ", c.Issuer)
		wrap(w, "    not after: ", fmt.Sprintf("%s (%d days left)", doctor.Date(c.NotAfter), doctor.DaysLeft(c.NotAfter, now)))
		wrap(w, "    names:     ", text.Dash(c.Names()))
	}
}

// printReport writes the report: JSON/YAML, or a titled table per broker
// (and its chain for `check tls`) and the verdict line.
func printReport(p *output.Printer, r doctor.Report, withChain bool, now time.Time) error {
	if done, err := p.Data(newView(r, withChain, now)); done {
		return err
	}
	for i, t := range r.Targets {
		if i > 0 {
			fmt.Fprintln(p.Out)
		}
		fmt.Fprintf(p.Out, "%s: %s\n", strings.ToUpper(t.Label()[:1])+t.Label()[1:], t.Status())
		writeSteps(p.Out, t, p.NoHeaders)
		if withChain && len(t.Chain) > 0 {
			fmt.Fprintln(p.Out)
			writeChain(p.Out, t, now)
		}
	}
	fmt.Fprintf(p.Out, "\n%s\n", r.Verdict())
	return nil
}
