// Package health turns facts gathered from a cluster into check verdicts
// (OK, WARNING, CRITICAL, UNKNOWN) and prints them in the formats monitoring
// already speaks: a table, a Nagios plugin line with perfdata, JSON and the
// Prometheus text exposition format. It does no I/O on the network: the admin
// layer (pkg/kafka, Admin.HealthFacts) reads the cluster and builds Facts with
// the builders of facts.go, Evaluate judges them, the Write* functions print.
package health

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/kctl-dev/kctl/pkg/doctor"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// Status is a check verdict. The numbers are the Nagios plugin exit codes.
type Status int

const (
	OK       Status = 0
	Warning  Status = 1
	Critical Status = 2
	Unknown  Status = 3
)

func (s Status) String() string {
	switch s {
	case OK:
		return "OK"
	case Warning:
		return "WARNING"
	case Critical:
		return "CRITICAL"
	}
	return "UNKNOWN"
}

// ExitCode is the Nagios plugin exit code of s.
func (s Status) ExitCode() int { return int(s) }

// MarshalText makes JSON and YAML print the name, not the number.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseStatus is the inverse of String.
func ParseStatus(v string) (Status, error) {
	for _, s := range []Status{OK, Warning, Critical, Unknown} {
		if strings.EqualFold(v, s.String()) {
			return s, nil
		}
	}
	return Unknown, fmt.Errorf("unknown status %q", v)
}

// severity orders statuses as the Monitoring Plugins' max_state_alt does:
// OK < UNKNOWN < WARNING < CRITICAL. A check that could not run must not
// hide a real WARNING or CRITICAL elsewhere, and must not look green either.
func severity(s Status) int {
	switch s {
	case OK:
		return 0
	case Unknown:
		return 1
	case Warning:
		return 2
	}
	return 3
}

// Worst returns the most severe status (OK for none).
func Worst(ss ...Status) Status {
	w := OK
	for _, s := range ss {
		if severity(s) > severity(w) {
			w = s
		}
	}
	return w
}

// Check names, as --checks takes them.
const (
	CheckBrokers         = "brokers"
	CheckController      = "controller"
	CheckOffline         = "offline-partitions"
	CheckUnderMinISR     = "under-min-isr"
	CheckUnderReplicated = "under-replicated"
	CheckAtMinISR        = "at-min-isr"
	CheckConsumerLag     = "consumer-lag"
	CheckTLSExpiry       = "tls-expiry"
	CheckQuorum          = "quorum"
)

// QuorumCaughtUpMs is how far (ms) a voter's last caught-up time may trail
// the quorum leader's before the quorum check counts it as behind: five
// times Kafka's controller.quorum.fetch.timeout.ms default (2 s).
const QuorumCaughtUpMs = 10_000

// AllChecks lists every check in report order.
var AllChecks = []string{CheckBrokers, CheckController, CheckOffline, CheckUnderMinISR,
	CheckUnderReplicated, CheckAtMinISR, CheckConsumerLag, CheckTLSExpiry, CheckQuorum}

// PartitionChecks are the checks fed by the topic plan.
var PartitionChecks = []string{CheckOffline, CheckUnderMinISR, CheckUnderReplicated, CheckAtMinISR}

// ParseChecks parses a comma-separated --checks list (duplicates ignored,
// report order kept).
func ParseChecks(list string) ([]string, error) {
	want := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" {
			continue
		}
		if !IsCheck(n) {
			return nil, fmt.Errorf("unknown check %q: choose from %s", n, strings.Join(AllChecks, ", "))
		}
		want[n] = true
	}
	if len(want) == 0 {
		return nil, fmt.Errorf("--checks names no check: choose from %s", strings.Join(AllChecks, ", "))
	}
	var out []string
	for _, n := range AllChecks {
		if want[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

// IsCheck reports whether name is a known check.
func IsCheck(name string) bool {
	for _, c := range AllChecks {
		if c == name {
			return true
		}
	}
	return false
}

// Threshold is a warning and a critical limit. Above (the default) alerts
// when the value is greater than the limit, as a Nagios range "N" does;
// Below alerts when it is smaller, as the range "N:" does. A nil limit is
// not checked.
type Threshold struct {
	Warn, Crit *float64
	Below      bool
}

// Limit returns a pointer to v, for Threshold literals.
func Limit(v float64) *float64 { return &v }

// Eval judges v against the limits.
func (t Threshold) Eval(v float64) Status {
	past := func(l *float64) bool {
		if l == nil {
			return false
		}
		if t.Below {
			return v < *l
		}
		return v > *l
	}
	switch {
	case past(t.Crit):
		return Critical
	case past(t.Warn):
		return Warning
	}
	return OK
}

// IsSet reports whether any limit is set.
func (t Threshold) IsSet() bool { return t.Warn != nil || t.Crit != nil }

// nagios renders the limits as Nagios threshold ranges.
func (t Threshold) nagios() (warn, crit string) {
	r := func(l *float64) string {
		if l == nil {
			return ""
		}
		s := formatNumber(*l)
		if t.Below {
			return s + ":"
		}
		return s
	}
	return r(t.Warn), r(t.Crit)
}

// Options are the limits and the selection a run evaluates against.
type Options struct {
	// Checks selects and orders the checks; empty means every check whose
	// facts are present.
	Checks []string
	// ExpectBrokers: fewer brokers in the metadata is CRITICAL (0: any).
	ExpectBrokers int
	// Lag is judged on a group's total lag (records).
	Lag Threshold
	// TimeLag is judged on a group's maximum time lag, in seconds.
	TimeLag Threshold
	// CertDays is judged on the days left before the earliest broker
	// certificate expires; it should have Below set.
	CertDays Threshold
	// StoppedWarn makes a group without active members and with lag a
	// WARNING even when it is within the lag thresholds.
	StoppedWarn bool
}

// Facts are what the admin layer gathered. A nil section means its checks
// did not run; a section with Err set means they could not (UNKNOWN).
type Facts struct {
	Now        time.Time
	Brokers    *Brokers
	Controller *Controller
	Partitions *Partitions
	Groups     *Groups
	TLS        *TLS
	Quorum     *Quorum
}

// Quorum is the KRaft metadata quorum as DescribeQuorum described it.
type Quorum struct {
	Err string
	// Unsupported: the cluster offers no DescribeQuorum (ZooKeeper mode,
	// Kafka before 3.3).
	Unsupported bool
	LeaderID    int32 // -1: none
	LeaderEpoch int32
	Voters      []QuorumVoter
}

// QuorumVoter is one voter: its lag in records and how many ms its last
// caught-up time trails the leader's (-1: unknown).
type QuorumVoter struct {
	ID       int32
	Lag      int64
	BehindMs int64
}

// Brokers are the brokers of the cluster metadata and how each answered.
type Brokers struct {
	Err     string
	Brokers []BrokerProbe
}

// BrokerProbe is one broker's answer to a bounded dial and ApiVersions.
type BrokerProbe struct {
	ID   int32
	Addr string
	Err  string // "" when reachable
}

// Controller is the controller the metadata names.
type Controller struct {
	Err  string
	ID   int32 // -1: none
	Addr string
	// Live: the controller is one of the brokers in the metadata (in KRaft
	// mode Kafka names a random live broker here).
	Live bool
}

// Partitions are the partitions in each problem class, named "topic[p]".
type Partitions struct {
	Err             string
	Topics          int
	Total           int
	Offline         []string
	UnderMinISR     []string
	UnderReplicated []string
	AtMinISR        []string
	// Errors are topics that could not be described: every partition
	// check is a lower bound, so none of them may say OK.
	Errors []string
	// Internal counts the internal topics (__consumer_offsets, ...) among
	// Topics: they are checked like the others.
	Internal int
	// Hidden says why the view may miss topics (this principal may not
	// describe every topic, and Kafka leaves those out of the metadata
	// silently): no partition check may say OK.
	Hidden string
	// MinISRErrors are topics whose min.insync.replicas is unknown: only
	// their leaderless partitions count as under min ISR, so the two
	// min-ISR checks may not say OK.
	MinISRErrors []string
	// ReassignmentsErr says why the reassignments in progress could not
	// be read: partitions being moved may count the replicas they are
	// adding as missing, so the under-replicated count is an upper bound.
	ReassignmentsErr string
}

// Groups are the consumer groups the run selected.
type Groups struct {
	Err string
	// Pattern is the --group-pattern, for the message when nothing matches.
	Pattern string
	Groups  []Group
	// Incomplete says why the selection may miss groups (a broker that did
	// not list the groups it coordinates): an UNKNOWN check of its own.
	Incomplete string
}

// Group is one selected group's lag.
type Group struct {
	Name    string
	Exists  bool
	State   string // Stable, Empty, Dead, PreparingRebalance, ...
	Members int
	Lag     int64
	// TimeLag is the largest time lag over the group's partitions; nil
	// when it could not be computed.
	TimeLag *time.Duration
	Err     string
}

// TLS holds the certificates the brokers presented.
type TLS struct {
	Err   string
	Certs []Cert
}

// Cert is the earliest-expiring certificate of one broker's chain.
type Cert struct {
	Broker   int32
	Addr     string
	Subject  string
	NotAfter time.Time
	Err      string // the broker could not be asked
}

// Check is one verdict.
type Check struct {
	Name    string   `json:"name"`
	Status  Status   `json:"status"`
	Value   *float64 `json:"value"`
	Message string   `json:"message"`
	Details []string `json:"details"`

	perf []perfDatum
}

type perfDatum struct {
	label string
	value float64
	uom   string
	th    Threshold
}

// Report is a whole run's verdict.
type Report struct {
	Status   Status        `json:"status"`
	Checks   []Check       `json:"checks"`
	Duration time.Duration `json:"-"`

	facts Facts
	opts  Options
}

// maxDetails caps the detail lines of one check (the rest are counted).
const maxDetails = 20

func capDetails(d []string) []string {
	if len(d) <= maxDetails {
		return d
	}
	out := append([]string(nil), d[:maxDetails]...)
	return append(out, fmt.Sprintf("... and %d more", len(d)-maxDetails))
}

func val(v float64) *float64 { return &v }

// Evaluate judges the facts. Checks appear in AllChecks order; a selected
// check whose facts are missing is UNKNOWN.
func Evaluate(f Facts, o Options) *Report {
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	r := &Report{facts: f, opts: o}
	selected := o.Checks
	if len(selected) == 0 {
		selected = present(f)
	}
	for _, name := range selected {
		switch name {
		case CheckBrokers:
			r.Checks = append(r.Checks, brokersCheck(f.Brokers, o))
		case CheckController:
			r.Checks = append(r.Checks, controllerCheck(f.Controller))
		case CheckOffline, CheckUnderMinISR, CheckUnderReplicated, CheckAtMinISR:
			r.Checks = append(r.Checks, partitionCheck(name, f.Partitions))
		case CheckConsumerLag:
			r.Checks = append(r.Checks, lagChecks(f.Groups, o)...)
		case CheckTLSExpiry:
			r.Checks = append(r.Checks, tlsCheck(f.TLS, f.Now, o))
		case CheckQuorum:
			r.Checks = append(r.Checks, quorumCheck(f.Quorum))
		}
	}
	for _, c := range r.Checks {
		r.Status = Worst(r.Status, c.Status)
	}
	if len(r.Checks) == 0 {
		r.Status = Unknown
	}
	return r
}

func present(f Facts) []string {
	var out []string
	add := func(ok bool, names ...string) {
		if ok {
			out = append(out, names...)
		}
	}
	add(f.Brokers != nil, CheckBrokers)
	add(f.Controller != nil, CheckController)
	add(f.Partitions != nil, PartitionChecks...)
	add(f.Groups != nil, CheckConsumerLag)
	add(f.TLS != nil, CheckTLSExpiry)
	add(f.Quorum != nil, CheckQuorum)
	return out
}

func notRun(name string) Check {
	return Check{Name: name, Status: Unknown, Message: "not run: its facts were not gathered", Details: []string{}}
}

func failed(name, err string) Check {
	return Check{Name: name, Status: Unknown, Message: err, Details: []string{}}
}

func brokersCheck(b *Brokers, o Options) Check {
	if b == nil {
		return notRun(CheckBrokers)
	}
	if b.Err != "" {
		return failed(CheckBrokers, b.Err)
	}
	listed := len(b.Brokers)
	var down []string
	var details []string
	for _, p := range b.Brokers {
		if p.Err != "" {
			down = append(down, fmt.Sprint(p.ID))
			details = append(details, fmt.Sprintf("broker %d (%s): %s", p.ID, p.Addr, p.Err))
		}
	}
	reachable := listed - len(down)
	c := Check{Name: CheckBrokers, Value: val(float64(reachable)), Details: capDetails(details)}
	var parts []string
	if o.ExpectBrokers > 0 && listed < o.ExpectBrokers {
		c.Status = Critical
		parts = append(parts, fmt.Sprintf("%s in metadata, expected %d", text.Plural(listed, "broker", "brokers"), o.ExpectBrokers))
	}
	if len(down) > 0 {
		c.Status = Critical
		parts = append(parts, fmt.Sprintf("%d of %d brokers unreachable (%s)", len(down), listed, strings.Join(down, ", ")))
	}
	if listed == 0 && c.Status == OK {
		c.Status = Critical
		parts = append(parts, "no broker in metadata")
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d of %d brokers reachable", reachable, listed))
	}
	c.Message = strings.Join(parts, "; ")
	crit := float64(listed)
	if o.ExpectBrokers > listed {
		crit = float64(o.ExpectBrokers)
	}
	c.perf = []perfDatum{{label: "brokers", value: float64(reachable), th: Threshold{Crit: Limit(crit), Below: true}}}
	if c.Details == nil {
		c.Details = []string{}
	}
	return c
}

func controllerCheck(ct *Controller) Check {
	if ct == nil {
		return notRun(CheckController)
	}
	if ct.Err != "" {
		return failed(CheckController, ct.Err)
	}
	c := Check{Name: CheckController, Details: []string{}}
	switch {
	case ct.ID < 0:
		c.Status = Critical
		c.Value = val(0)
		c.Message = "no active controller"
	case !ct.Live:
		c.Status = Critical
		c.Value = val(0)
		c.Message = fmt.Sprintf("controller %d is not a live broker", ct.ID)
	default:
		c.Value = val(1)
		c.Message = fmt.Sprintf("controller is broker %d", ct.ID)
		if ct.Addr != "" {
			c.Message += " (" + ct.Addr + ")"
		}
	}
	return c
}

// partition check wording and limits, by check.
var partitionSpecs = map[string]struct {
	label   string // perfdata label
	status  Status // status when count > 0
	noun    string // "N <noun>"
	nounOne string
	none    string // message when zero
}{
	CheckOffline:         {"offline", Critical, "offline partitions", "offline partition", "no offline partitions"},
	CheckUnderMinISR:     {"under_min_isr", Critical, "under-min-ISR", "under-min-ISR", "no partitions under min ISR"},
	CheckUnderReplicated: {"urp", Warning, "under-replicated", "under-replicated", "no under-replicated partitions"},
	CheckAtMinISR:        {"at_min_isr", Warning, "at-min-ISR", "at-min-ISR", "no partitions at min ISR"},
}

func partitionCheck(name string, p *Partitions) Check {
	if p == nil {
		return notRun(name)
	}
	if p.Err != "" {
		return failed(name, p.Err)
	}
	spec := partitionSpecs[name]
	var list []string
	switch name {
	case CheckOffline:
		list = p.Offline
	case CheckUnderMinISR:
		list = p.UnderMinISR
	case CheckUnderReplicated:
		list = p.UnderReplicated
	case CheckAtMinISR:
		list = p.AtMinISR
	}
	n := len(list)
	c := Check{Name: name, Value: val(float64(n)), Details: capDetails(append([]string{}, list...))}
	th := Threshold{Crit: Limit(0)}
	if spec.status == Warning {
		th = Threshold{Warn: Limit(0)}
	}
	c.Status = th.Eval(float64(n))
	if n == 0 {
		c.Message = spec.none
	} else {
		c.Message = text.Plural(n, spec.nounOne, spec.noun)
	}
	// A topic the plan could not describe (e.g. min.insync.replicas
	// unknown) makes the count a lower bound: say so, and do not call it OK.
	if len(p.Errors) > 0 {
		c.Status = Worst(c.Status, Unknown)
		c.Message += fmt.Sprintf(" (%s could not be checked)", text.Plural(len(p.Errors), "topic", "topics"))
		c.Details = capDetails(append(c.Details, p.Errors...))
	}
	if p.Hidden != "" {
		c.Status = Worst(c.Status, Unknown)
		// The same words for every partition check, so the Nagios line
		// says it once.
		if n == 0 {
			c.Message = fmt.Sprintf("blind: this principal may not describe every topic (%s visible)", text.Plural(p.Topics, "topic", "topics"))
		} else {
			c.Message += " (this principal may not describe every topic)"
		}
		c.Details = capDetails(append(c.Details, p.Hidden))
	}
	if p.ReassignmentsErr != "" && name == CheckUnderReplicated && n > 0 {
		c.Message += " (reassignments unknown: partitions being moved may be counted)"
		c.Details = capDetails(append(c.Details, p.ReassignmentsErr))
	}
	if len(p.MinISRErrors) > 0 && (name == CheckUnderMinISR || name == CheckAtMinISR) {
		c.Status = Worst(c.Status, Unknown)
		c.Message += fmt.Sprintf(" (min.insync.replicas unknown for %s)", text.Plural(len(p.MinISRErrors), "topic", "topics"))
		c.Details = capDetails(append(c.Details, p.MinISRErrors...))
	}
	c.perf = []perfDatum{{label: spec.label, value: float64(n), th: th}}
	return c
}

func lagChecks(g *Groups, o Options) []Check {
	if g == nil {
		return []Check{notRun(CheckConsumerLag)}
	}
	if g.Err != "" && len(g.Groups) == 0 {
		return []Check{failed(CheckConsumerLag, g.Err)}
	}
	if len(g.Groups) == 0 {
		msg := "no consumer group selected"
		if g.Pattern != "" {
			msg = fmt.Sprintf("no consumer group matches --group-pattern %q", g.Pattern)
		}
		return []Check{failed(CheckConsumerLag, msg)}
	}
	out := make([]Check, 0, len(g.Groups)+1)
	for _, gr := range g.Groups {
		out = append(out, groupCheck(gr, g.Err, o))
	}
	if g.Incomplete != "" {
		out = append(out, failed(CheckConsumerLag, g.Incomplete))
	}
	return out
}

// GroupCheckName is the check name of one group's lag.
func GroupCheckName(group string) string { return CheckConsumerLag + ":" + group }

func groupCheck(g Group, planErr string, o Options) Check {
	name := GroupCheckName(g.Name)
	switch {
	case planErr != "":
		return failed(name, fmt.Sprintf("group %s: %s", g.Name, planErr))
	case g.Err != "" && !g.Exists:
		return failed(name, fmt.Sprintf("group %s: %s", g.Name, g.Err))
	case !g.Exists:
		return failed(name, fmt.Sprintf("group %s does not exist", g.Name))
	}
	c := Check{Name: name, Value: val(float64(g.Lag)), Details: []string{}}
	lagStatus := o.Lag.Eval(float64(g.Lag))
	timeStatus := OK
	if g.TimeLag != nil {
		timeStatus = o.TimeLag.Eval(g.TimeLag.Seconds())
	}
	c.Status = Worst(lagStatus, timeStatus)

	msg := fmt.Sprintf("group %s lag %d", g.Name, g.Lag)
	if g.TimeLag != nil {
		msg += ", time lag " + formatDuration(*g.TimeLag)
	} else if g.Lag > 0 {
		msg += ", time lag unknown"
	}
	var why []string
	if lagStatus != OK {
		why = append(why, fmt.Sprintf("lag > %s", formatNumber(*pick(o.Lag, lagStatus))))
	}
	if timeStatus != OK {
		why = append(why, fmt.Sprintf("time lag > %s", formatDuration(time.Duration(*pick(o.TimeLag, timeStatus)*float64(time.Second)))))
	}
	stopped := stoppedState(g.State)
	if stopped {
		msg = fmt.Sprintf("group %s is %s (no active members), lag %d", g.Name, g.State, g.Lag)
		if g.TimeLag != nil {
			msg += ", time lag " + formatDuration(*g.TimeLag)
		}
		if o.StoppedWarn && g.Lag > 0 {
			c.Status = Worst(c.Status, Warning)
			why = append(why, "stopped consumer with lag")
		}
	}
	if len(why) > 0 {
		msg += " (" + strings.Join(why, ", ") + ")"
	}
	if g.Err != "" {
		// Part of the group could not be read: the lag is a lower bound.
		// A crossed threshold still shows; otherwise it is not OK either.
		c.Status = Worst(c.Status, Unknown)
		msg += "; incomplete: " + g.Err
	}
	c.Message = msg
	c.Details = append(c.Details, fmt.Sprintf("state %s, %s", orDash(g.State), text.Plural(g.Members, "member", "members")))
	c.perf = []perfDatum{{label: "lag_" + g.Name, value: float64(g.Lag), th: o.Lag}}
	if g.TimeLag != nil {
		c.perf = append(c.perf, perfDatum{label: "time_lag_" + g.Name, value: seconds(*g.TimeLag), uom: "s", th: o.TimeLag})
	}
	return c
}

// pick returns the limit that status s crossed.
func pick(t Threshold, s Status) *float64 {
	if s == Critical && t.Crit != nil {
		return t.Crit
	}
	return t.Warn
}

func stoppedState(s string) bool { return s == "Empty" || s == "Dead" }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func tlsCheck(t *TLS, now time.Time, o Options) Check {
	if t == nil {
		return notRun(CheckTLSExpiry)
	}
	if t.Err != "" {
		return failed(CheckTLSExpiry, t.Err)
	}
	var earliest *Cert
	var details []string
	failures := 0
	certs := append([]Cert(nil), t.Certs...)
	sort.SliceStable(certs, func(i, j int) bool { return certs[i].Broker < certs[j].Broker })
	for i := range certs {
		ct := &certs[i]
		if ct.Err != "" {
			failures++
			details = append(details, fmt.Sprintf("broker %d (%s): %s", ct.Broker, ct.Addr, ct.Err))
			continue
		}
		details = append(details, fmt.Sprintf("broker %d (%s): %s expires %s (%s)", ct.Broker, ct.Addr, ct.Subject,
			ct.NotAfter.UTC().Format(time.RFC3339), daysWord(doctor.DaysLeft(ct.NotAfter, now))))
		if earliest == nil || ct.NotAfter.Before(earliest.NotAfter) {
			earliest = ct
		}
	}
	c := Check{Name: CheckTLSExpiry, Details: capDetails(details)}
	if c.Details == nil {
		c.Details = []string{}
	}
	if earliest == nil {
		c.Status = Unknown
		c.Message = "no broker certificate could be read"
		return c
	}
	days := doctor.DaysLeft(earliest.NotAfter, now)
	c.Value = val(float64(days))
	c.Status = o.CertDays.Eval(float64(days))
	if !earliest.NotAfter.After(now) {
		c.Status = Critical
		c.Message = fmt.Sprintf("certificate of broker %d (%s) expired on %s", earliest.Broker, earliest.Subject, earliest.NotAfter.UTC().Format("2006-01-02"))
	} else {
		c.Message = fmt.Sprintf("earliest certificate expires in %s (broker %d, %s, %s)", daysWord(days), earliest.Broker, earliest.Subject, earliest.NotAfter.UTC().Format("2006-01-02"))
	}
	if failures > 0 {
		c.Status = Worst(c.Status, Unknown)
		c.Message += fmt.Sprintf("; %s not checked", text.Plural(failures, "broker", "brokers"))
	}
	c.perf = []perfDatum{{label: "cert_days", value: float64(days), th: o.CertDays}}
	return c
}

// seconds is d in seconds, to the millisecond (the precision of Kafka's
// timestamps).
func seconds(d time.Duration) float64 { return math.Round(d.Seconds()*1000) / 1000 }

func daysWord(d int) string {
	if d == 1 || d == -1 {
		return fmt.Sprintf("%d day", d)
	}
	return fmt.Sprintf("%d days", d)
}

// formatNumber prints integers without exponent or decimals, other values
// in the shortest exact form.
func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%g", v)
}

// formatDuration prints a duration the way people write it: 90s, 5m, 1h30m.
func formatDuration(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Millisecond).String()
	}
	d = d.Round(time.Second)
	s := d.String()
	s = strings.Replace(s, "m0s", "m", 1)
	s = strings.Replace(s, "h0m", "h", 1)
	return s
}

// quorumCheck: no leader, or fewer than a majority of voters caught up, is
// CRITICAL (the metadata log cannot commit); some voter behind is WARNING
// (one more loss and it cannot). The value is the voters caught up.
func quorumCheck(q *Quorum) Check {
	if q == nil {
		return notRun(CheckQuorum)
	}
	if q.Unsupported {
		return failed(CheckQuorum, "the cluster offers no DescribeQuorum (ZooKeeper mode, or Kafka before 3.3)")
	}
	if q.Err != "" {
		return failed(CheckQuorum, q.Err)
	}
	c := Check{Name: CheckQuorum, Details: []string{}}
	caught := 0
	for _, v := range q.Voters {
		if v.ID == q.LeaderID || (v.BehindMs >= 0 && v.BehindMs <= QuorumCaughtUpMs) {
			caught++
			continue
		}
		behind := "never caught up"
		if v.BehindMs >= 0 {
			behind = fmt.Sprintf("last caught up %d ms before the leader", v.BehindMs)
		}
		c.Details = append(c.Details, fmt.Sprintf("voter %d: %s, lag %d records", v.ID, behind, v.Lag))
	}
	c.Value = val(float64(caught))
	majority := len(q.Voters)/2 + 1
	switch {
	case q.LeaderID < 0:
		c.Status, c.Message = Critical, "the metadata quorum has no leader"
	case caught < majority:
		c.Status, c.Message = Critical, fmt.Sprintf("leader %d, epoch %d: only %d of %d voters caught up (a majority is %d)", q.LeaderID, q.LeaderEpoch, caught, len(q.Voters), majority)
	case caught < len(q.Voters):
		c.Status, c.Message = Warning, fmt.Sprintf("leader %d, epoch %d: %d of %d voters caught up", q.LeaderID, q.LeaderEpoch, caught, len(q.Voters))
	default:
		c.Message = fmt.Sprintf("leader %d, epoch %d: %d of %d voters caught up", q.LeaderID, q.LeaderEpoch, caught, len(q.Voters))
	}
	return c
}
