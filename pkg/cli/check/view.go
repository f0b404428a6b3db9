package check

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kctl-dev/kctl/pkg/doctor"
	"github.com/kctl-dev/kctl/pkg/output"
)

// View is the JSON/YAML shape of `check connectivity` and `check tls`:
// {"status","brokers":[{"address","id","steps":[{"name","status",
// "durationMs","detail","hint"}]}]}; `check tls` adds each broker's "chain".
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
	Chain   []CertView `json:"chain,omitempty"`
}

// StepView is one step.
type StepView struct {
	Name       string `json:"name"`
	Status     string `json:"status"`
	DurationMs int64  `json:"durationMs"`
	Detail     string `json:"detail"`
	Hint       string `json:"hint"`
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
			b.Steps = append(b.Steps, StepView{Name: s.Name, Status: string(s.Status), DurationMs: s.Duration.Milliseconds(), Detail: s.Detail, Hint: s.Hint})
		}
		if withChain {
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

var stepHeaders = []string{"STEP", "STATUS", "TIME", "DETAIL", "HINT"}

func stepRows(t doctor.Target) [][]string {
	rows := make([][]string, 0, len(t.Steps))
	for _, s := range t.Steps {
		tm := "-"
		if s.Status != doctor.Skip {
			tm = doctor.FormatDuration(s.Duration)
		}
		rows = append(rows, []string{s.Name, string(s.Status), tm, dash(s.Detail), dash(s.Hint)})
	}
	return rows
}

var chainHeaders = []string{"#", "SUBJECT", "ISSUER", "NOT-AFTER", "DAYS-LEFT", "NAMES"}

func chainRows(t doctor.Target, now time.Time) [][]string {
	rows := make([][]string, 0, len(t.Chain))
	for i, c := range t.Chain {
		rows = append(rows, []string{strconv.Itoa(i), c.Subject, c.Issuer, doctor.Date(c.NotAfter), strconv.Itoa(doctor.DaysLeft(c.NotAfter, now)), c.Names()})
	}
	return rows
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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
		if err := p.Table(stepHeaders, stepRows(t)); err != nil {
			return err
		}
		if withChain && len(t.Chain) > 0 {
			fmt.Fprintln(p.Out)
			if err := p.Table(chainHeaders, chainRows(t, now)); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(p.Out, "\n%s\n", r.Verdict())
	return nil
}
