package health

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kctl-dev/kctl/pkg/output/text"
)

// Formats of `kctl health --format`.
const (
	FormatText       = "text"
	FormatNagios     = "nagios"
	FormatJSON       = "json"
	FormatPrometheus = "prometheus"
)

// Formats lists the output formats.
var Formats = []string{FormatText, FormatNagios, FormatJSON, FormatPrometheus}

// View is the JSON (and YAML) shape of a report: a public interface.
type View struct {
	Status     Status  `json:"status"`
	Checks     []Check `json:"checks"`
	Scope      *Scope  `json:"scope"`
	DurationMs int64   `json:"durationMs"`
}

// Scope is what the partition checks looked at; null when none ran. The
// numbers are counts, named ...Count as everywhere (partitionCount,
// memberCount): "topics" and "partitions" are arrays in other views.
type Scope struct {
	TopicCount         int `json:"topicCount"`
	PartitionCount     int `json:"partitionCount"`
	InternalTopicCount int `json:"internalTopicCount"`
	// InternalIncluded: internal topics are checked like the others
	// (always, in kctl health).
	InternalIncluded bool `json:"internalIncluded"`
	// Complete is false when this principal may not describe every topic:
	// topics it cannot see are not in the counts.
	Complete bool `json:"complete"`
}

// View returns the report's JSON view.
func (r *Report) View() View {
	checks := r.Checks
	if checks == nil {
		checks = []Check{}
	}
	return View{Status: r.Status, Checks: checks, Scope: r.Scope(), DurationMs: r.Duration.Milliseconds()}
}

// Scope returns what the partition checks covered, or nil.
func (r *Report) Scope() *Scope {
	p := r.facts.Partitions
	if p == nil || p.Err != "" {
		return nil
	}
	return &Scope{TopicCount: p.Topics, PartitionCount: p.Total, InternalTopicCount: p.Internal, InternalIncluded: true, Complete: p.Hidden == ""}
}

// scopeText is the scope in words: "3 topics, 12 partitions checked
// (internal topics included)".
func (r *Report) scopeText() string {
	sc := r.Scope()
	if sc == nil {
		return ""
	}
	s := fmt.Sprintf("%s, %s checked (internal topics included)", text.Plural(sc.TopicCount, "topic", "topics"), text.Plural(sc.PartitionCount, "partition", "partitions"))
	if !sc.Complete {
		s += "; this principal may not describe every topic"
	}
	return s
}

// TableHeaders are the text table's columns.
var TableHeaders = []string{"CHECK", "STATUS", "VALUE", "MESSAGE"}

// TableRows are the text table's rows, one per check.
func (r *Report) TableRows() [][]string {
	rows := make([][]string, 0, len(r.Checks))
	for _, c := range r.Checks {
		v := "-"
		if c.Value != nil {
			v = formatNumber(*c.Value)
		}
		rows = append(rows, []string{c.Name, c.Status.String(), v, oneLine(c.Message)})
	}
	return rows
}

// TextFooter is what the text format prints under the table: the details
// of every check that is not OK, then the overall verdict.
func (r *Report) TextFooter() string {
	var b strings.Builder
	for _, c := range r.Checks {
		if c.Status == OK || len(c.Details) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s %s:\n", c.Name, c.Status)
		for _, d := range c.Details {
			fmt.Fprintf(&b, "  %s\n", oneLine(d))
		}
	}
	if sc := r.scopeText(); sc != "" {
		fmt.Fprintf(&b, "\nScope: %s\n", sc)
	}
	fmt.Fprintf(&b, "\nOverall: %s (%s in %s)\n", r.Status, text.Plural(len(r.Checks), "check", "checks"), formatDuration(r.Duration))
	return b.String()
}

// Nagios renders the plugin output line (without newline):
//
//	KAFKA <STATUS> - <summary> | <perfdata>
//
// The summary lists the messages of the checks that are not OK, worst
// first (or "all N checks OK"). Perfdata is 'label=value[uom];warn;crit'
// per metric in check order, with thresholds as Nagios ranges and trailing
// empty fields dropped; see docs/health.md for the labels.
func (r *Report) Nagios() string {
	var bad []Check
	for _, c := range r.Checks {
		if c.Status != OK {
			bad = append(bad, c)
		}
	}
	sort.SliceStable(bad, func(i, j int) bool { return severity(bad[i].Status) > severity(bad[j].Status) })
	var summary string
	switch {
	case len(r.Checks) == 0:
		summary = "no check ran"
	case len(bad) == 0 && len(r.Checks) == 1:
		summary = "1 check OK"
	case len(bad) == 0:
		summary = fmt.Sprintf("all %d checks OK", len(r.Checks))
	default:
		// One cause (an unreachable cluster) often fails several checks
		// with the same words: say it once.
		seen := map[string]bool{}
		var msgs []string
		for _, c := range bad {
			if !seen[c.Message] {
				seen[c.Message] = true
				msgs = append(msgs, c.Message)
			}
		}
		summary = strings.Join(msgs, ", ")
	}
	if sc := r.Scope(); sc != nil && len(r.Checks) > 0 {
		// How much was seen, so a green line cannot come from a blind check.
		summary += fmt.Sprintf("; %s, %s checked", text.Plural(sc.TopicCount, "topic", "topics"), text.Plural(sc.PartitionCount, "partition", "partitions"))
	}
	// '|' starts perfdata: keep it out of the text.
	line := "KAFKA " + r.Status.String() + " - " + strings.ReplaceAll(oneLine(summary), "|", "/")
	var perf []string
	for _, c := range r.Checks {
		for _, p := range c.perf {
			perf = append(perf, p.String())
		}
	}
	if len(perf) > 0 {
		line += " | " + strings.Join(perf, " ")
	}
	return line
}

func (p perfDatum) String() string {
	w, c := p.th.nagios()
	s := nagiosLabel(p.label) + "=" + formatNumber(p.value) + p.uom + ";" + w + ";" + c
	return strings.TrimRight(s, ";")
}

// nagiosLabel makes a perfdata label safe: no '=', quote or '|' inside,
// single-quoted when it holds a space.
func nagiosLabel(l string) string {
	l = strings.Map(func(r rune) rune {
		switch r {
		case '=', '\'', '|', '\n', '\r':
			return '_'
		}
		return r
	}, l)
	if strings.ContainsAny(l, " \t") {
		return "'" + l + "'"
	}
	return l
}

func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// Prometheus metric names.
const (
	MetricStatus          = "kctl_health_status"
	MetricBrokersListed   = "kctl_brokers_in_metadata"
	MetricBrokersUp       = "kctl_brokers_reachable"
	MetricOffline         = "kctl_partitions_offline"
	MetricUnderMinISR     = "kctl_partitions_under_min_isr"
	MetricUnderReplicated = "kctl_partitions_under_replicated"
	MetricAtMinISR        = "kctl_partitions_at_min_isr"
	MetricGroupLag        = "kctl_consumergroup_lag"
	MetricGroupTimeLag    = "kctl_consumergroup_time_lag_seconds"
	MetricCertExpiry      = "kctl_tls_cert_expiry_seconds"
	MetricDuration        = "kctl_health_check_duration_seconds"
)

type sample struct {
	labels [][2]string
	value  float64
}

type family struct {
	name, help string
	samples    []sample
}

// WritePrometheus writes the report in the Prometheus text exposition
// format (version 0.0.4), for node_exporter's textfile collector. Every
// family is a gauge with HELP and TYPE lines; families without samples (a
// check that did not run or failed) are left out, so a missing series plus
// kctl_health_status 3 says "unknown" rather than a fake zero.
func (r *Report) WritePrometheus(w io.Writer) error {
	sel := map[string]bool{}
	for _, c := range r.Checks {
		n := c.Name
		if strings.HasPrefix(n, CheckConsumerLag+":") {
			n = CheckConsumerLag
		}
		sel[n] = true
	}
	f := r.facts
	var fams []family

	st := family{name: MetricStatus, help: "Status of each kctl health check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."}
	for _, c := range r.Checks {
		st.samples = append(st.samples, sample{labels: [][2]string{{"check", c.Name}}, value: float64(c.Status)})
	}
	fams = append(fams, st)

	if b := f.Brokers; sel[CheckBrokers] && b != nil && b.Err == "" {
		up := 0
		for _, p := range b.Brokers {
			if p.Err == "" {
				up++
			}
		}
		fams = append(fams,
			family{name: MetricBrokersListed, help: "Brokers listed in the cluster metadata.", samples: []sample{{value: float64(len(b.Brokers))}}},
			family{name: MetricBrokersUp, help: "Brokers in the metadata that answered a bounded dial and ApiVersions.", samples: []sample{{value: float64(up)}}})
	}
	if p := f.Partitions; p != nil && p.Err == "" {
		add := func(check, name, help string, n int) {
			if sel[check] {
				fams = append(fams, family{name: name, help: help, samples: []sample{{value: float64(n)}}})
			}
		}
		add(CheckOffline, MetricOffline, "Partitions without a live leader.", len(p.Offline))
		add(CheckUnderMinISR, MetricUnderMinISR, "Partitions whose ISR is smaller than min.insync.replicas (acks=all writes fail).", len(p.UnderMinISR))
		add(CheckUnderReplicated, MetricUnderReplicated, "Partitions whose ISR is smaller than the replica set.", len(p.UnderReplicated))
		add(CheckAtMinISR, MetricAtMinISR, "Partitions whose ISR equals min.insync.replicas (one more failure blocks acks=all writes).", len(p.AtMinISR))
	}
	if g := f.Groups; sel[CheckConsumerLag] && g != nil {
		lag := family{name: MetricGroupLag, help: "Total lag of a consumer group, in records."}
		tl := family{name: MetricGroupTimeLag, help: "Largest time lag over a consumer group's partitions, in seconds."}
		for _, gr := range g.Groups {
			if !gr.Exists || gr.Err != "" || g.Err != "" {
				continue
			}
			l := [][2]string{{"group", gr.Name}}
			lag.samples = append(lag.samples, sample{labels: l, value: float64(gr.Lag)})
			if gr.TimeLag != nil {
				tl.samples = append(tl.samples, sample{labels: l, value: seconds(*gr.TimeLag)})
			}
		}
		fams = append(fams, lag, tl)
	}
	if t := f.TLS; sel[CheckTLSExpiry] && t != nil && t.Err == "" {
		ce := family{name: MetricCertExpiry, help: "Seconds until the earliest-expiring certificate a broker presents expires (negative: expired)."}
		certs := append([]Cert(nil), t.Certs...)
		sort.SliceStable(certs, func(i, j int) bool { return certs[i].Broker < certs[j].Broker })
		for _, c := range certs {
			if c.Err != "" {
				continue
			}
			ce.samples = append(ce.samples, sample{labels: [][2]string{{"broker", strconv.Itoa(int(c.Broker))}},
				value: math.Floor(c.NotAfter.Sub(f.Now).Seconds())})
		}
		fams = append(fams, ce)
	}
	fams = append(fams, family{name: MetricDuration, help: "Wall time of the whole kctl health run, in seconds.",
		samples: []sample{{value: r.Duration.Seconds()}}})

	var b strings.Builder
	for _, fam := range fams {
		if len(fam.samples) == 0 {
			continue
		}
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", fam.name, fam.help, fam.name)
		for _, s := range fam.samples {
			b.WriteString(fam.name)
			if len(s.labels) > 0 {
				b.WriteByte('{')
				for i, l := range s.labels {
					if i > 0 {
						b.WriteByte(',')
					}
					b.WriteString(l[0] + `="` + escapeLabel(l[1]) + `"`)
				}
				b.WriteByte('}')
			}
			b.WriteString(" " + promNumber(s.value) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func escapeLabel(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

func promNumber(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return formatNumber(v)
}

// Unreachable builds the facts of a run that could not reach the cluster:
// every selected check is UNKNOWN with the reason.
func Unreachable(now time.Time, reason string, groups []string, pattern string) Facts {
	return Facts{
		Now:        now,
		Brokers:    &Brokers{Err: reason},
		Controller: &Controller{Err: reason},
		Partitions: &Partitions{Err: reason},
		Groups:     UnknownGroups(reason, groups, pattern),
		TLS:        &TLS{Err: reason},
	}
}
