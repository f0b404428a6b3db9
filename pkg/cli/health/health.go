// Package health implements `kctl health`: one bounded run of cluster and
// consumer-group checks for cron and monitoring, printed as a table, a
// Nagios plugin line, JSON or Prometheus text, with Nagios exit codes.
package health

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/health"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output"
)

// Options are the inputs of `kctl health`.
type Options struct {
	F *cmdutil.Factory

	ExpectBrokers int
	Groups        []string
	GroupPattern  string
	// Limits that were not given stay nil (not checked).
	LagWarn, LagCrit         *int64
	TimeLagWarn, TimeLagCrit *time.Duration
	CertWarnDays             int
	CertCritDays             int
	StoppedWarn              bool
	Checks                   string // comma-separated; "" = the defaults
	Format                   string // text, nagios, json, prometheus (yaml via -o yaml)

	// Set by Validate.
	checks   []string // explicit selection, nil for the defaults
	pattern  *regexp.Regexp
	limits   health.Options
	explicit map[string]bool
}

// NewCmd returns `kctl health`.
func NewCmd(f *cmdutil.Factory) *cobra.Command { return NewCmdHealth(f, nil) }

// NewCmdHealth returns `kctl health`; runF replaces the run in tests.
func NewCmdHealth(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{F: f}
	var groups []string
	var lagWarn, lagCrit int64
	var timeWarn, timeCrit time.Duration
	cmd := &cobra.Command{
		Use:   "health",
		Short: "Health checks for cron and monitoring (Nagios exit codes)",
		Long: `Check the cluster and the consumer groups that matter in one bounded run.

Checks (select with --checks; the default is every check that applies):
  brokers             every broker in the metadata answers a bounded connect
                      (TCP, TLS, ApiVersions); fewer than --expect-brokers is CRITICAL
  controller          a controller is present and is a live broker
  offline-partitions  partitions without a live leader: CRITICAL when > 0
  under-min-isr       ISR below min.insync.replicas (acks=all writes fail): CRITICAL when > 0
  under-replicated    ISR smaller than the replica set, less the replicas a
                      reassignment is adding (as kafka-topics.sh): WARNING when > 0
  at-min-isr          ISR equal to min.insync.replicas: WARNING when > 0
  consumer-lag        per selected group (--group, --group-pattern): total lag
                      against --lag-warn/--lag-crit, max time lag against
                      --time-lag-warn/--time-lag-crit; a missing group is UNKNOWN
  tls-expiry          with TLS: the earliest broker certificate expiry against
                      --cert-warn-days/--cert-crit-days

The overall status is the worst check (OK < UNKNOWN < WARNING < CRITICAL) and
is the exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for bad flags
and an unreachable cluster). The whole run is bounded by --timeout.`,
		Example: `  kctl health
  kctl health --expect-brokers 3 --format nagios
  kctl health --group orders --group billing --lag-warn 1000 --lag-crit 10000 --time-lag-crit 5m
  kctl health --group-pattern '^payments-' --stopped-warn --format json
  kctl health --checks brokers,offline-partitions,under-min-isr --timeout 10s
  kctl health --format prometheus > /var/lib/node_exporter/textfile/kctl.prom.$$ &&
    mv /var/lib/node_exporter/textfile/kctl.prom.$$ /var/lib/node_exporter/textfile/kctl.prom`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := cmd.Flags()
			o.Groups = groups
			if fl.Changed("lag-warn") {
				o.LagWarn = &lagWarn
			}
			if fl.Changed("lag-crit") {
				o.LagCrit = &lagCrit
			}
			if fl.Changed("time-lag-warn") {
				o.TimeLagWarn = &timeWarn
			}
			if fl.Changed("time-lag-crit") {
				o.TimeLagCrit = &timeCrit
			}
			err := o.outputFlags(fl.Changed("format"))
			if err == nil {
				err = o.Validate()
			}
			if err != nil {
				if o.Format == health.FormatNagios {
					// Nagios shows stdout: say why there, too.
					fmt.Fprintf(cmd.OutOrStdout(), "KAFKA UNKNOWN - %s\n", strings.ReplaceAll(err.Error(), "|", "/"))
				}
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return Run(cmd.Context(), o)
		},
	}
	cmdutil.MarkCheck(cmd)
	// Nagios shows stdout: a flag that does not parse says so there too
	// (when --format nagios was read before it).
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if c.Root() != c {
			err = c.Root().FlagErrorFunc()(c, err)
		}
		if f := c.Flags().Lookup("format"); f != nil && strings.EqualFold(f.Value.String(), health.FormatNagios) {
			fmt.Fprintf(c.OutOrStdout(), "KAFKA UNKNOWN - %s\n", strings.ReplaceAll(err.Error(), "|", "/"))
		}
		return err
	})
	fl := cmd.Flags()
	fl.IntVar(&o.ExpectBrokers, "expect-brokers", 0, "CRITICAL when the metadata lists fewer brokers (0: do not check the count)")
	fl.StringArrayVar(&groups, "group", nil, "consumer group to check (repeatable)")
	fl.StringVar(&o.GroupPattern, "group-pattern", "", "check every group whose id matches this regular expression")
	fl.Int64Var(&lagWarn, "lag-warn", 0, "WARNING when a group's total lag is above this many records")
	fl.Int64Var(&lagCrit, "lag-crit", 0, "CRITICAL when a group's total lag is above this many records")
	fl.DurationVar(&timeWarn, "time-lag-warn", 0, "WARNING when a group's max time lag is above this (e.g. 1m)")
	fl.DurationVar(&timeCrit, "time-lag-crit", 0, "CRITICAL when a group's max time lag is above this (e.g. 5m)")
	fl.BoolVar(&o.StoppedWarn, "stopped-warn", false, "WARNING for a group with lag and no active members (Empty or Dead)")
	fl.IntVar(&o.CertWarnDays, "cert-warn-days", 30, "WARNING when a broker certificate expires in fewer days")
	fl.IntVar(&o.CertCritDays, "cert-crit-days", 7, "CRITICAL when a broker certificate expires in fewer days")
	fl.StringVar(&o.Checks, "checks", "", "comma-separated checks to run (default: all that apply): "+strings.Join(health.AllChecks, ","))
	fl.StringVar(&o.Format, "format", health.FormatText, "output: text, nagios, json or prometheus")
	return cmd
}

// outputFlags reconciles -o with --format: -o json/yaml is the global way to
// ask for data; an unknown -o, or one that contradicts --format (-o yaml
// --format nagios), is a usage error rather than silently ignored.
func (o *Options) outputFlags(formatGiven bool) error {
	if o.F == nil {
		return nil
	}
	out, err := output.ParseFormat(o.F.Global.Output)
	if err != nil {
		return err
	}
	if !o.F.Global.OutputChanged() {
		return nil
	}
	var implied string
	switch out {
	case output.JSON:
		implied = health.FormatJSON
	case output.YAML:
		implied = "yaml"
	default:
		implied = health.FormatText
	}
	if !formatGiven {
		o.Format = implied
		return nil
	}
	if !strings.EqualFold(o.Format, implied) {
		return errs.Usagef("conflicting output flags: -o %s and --format %s (use one of them)", o.F.Global.Output, o.Format)
	}
	return nil
}

// Validate checks the flags without I/O. Any error exits 3 (UNKNOWN).
func (o *Options) Validate() error {
	switch strings.ToLower(o.Format) {
	case health.FormatText, health.FormatNagios, health.FormatJSON, health.FormatPrometheus, "yaml":
		o.Format = strings.ToLower(o.Format)
	default:
		return errs.Usagef("unknown --format %q: use text, nagios, json or prometheus", o.Format)
	}
	if o.ExpectBrokers < 0 {
		return errs.Usagef("--expect-brokers must be 0 or more, got %d", o.ExpectBrokers)
	}
	for _, g := range o.Groups {
		if g == "" {
			return errs.Usagef("--group needs a group id")
		}
	}
	if len(o.Groups) > 0 && o.GroupPattern != "" {
		return errs.Usagef("use --group or --group-pattern, not both")
	}
	o.pattern = nil
	if o.GroupPattern != "" {
		re, err := regexp.Compile(o.GroupPattern)
		if err != nil {
			return errs.Usagef("invalid --group-pattern %q: %v", o.GroupPattern, err)
		}
		o.pattern = re
	}
	selected := len(o.Groups) > 0 || o.pattern != nil
	for _, l := range []struct {
		name string
		set  bool
	}{{"--lag-warn", o.LagWarn != nil}, {"--lag-crit", o.LagCrit != nil}, {"--time-lag-warn", o.TimeLagWarn != nil},
		{"--time-lag-crit", o.TimeLagCrit != nil}, {"--stopped-warn", o.StoppedWarn}} {
		if l.set && !selected {
			return errs.Usagef("%s needs --group or --group-pattern", l.name)
		}
	}
	if (o.LagWarn != nil && *o.LagWarn < 0) || (o.LagCrit != nil && *o.LagCrit < 0) {
		return errs.Usagef("--lag-warn and --lag-crit must be 0 or more")
	}
	if o.LagWarn != nil && o.LagCrit != nil && *o.LagWarn > *o.LagCrit {
		return errs.Usagef("--lag-warn (%d) is above --lag-crit (%d)", *o.LagWarn, *o.LagCrit)
	}
	if (o.TimeLagWarn != nil && *o.TimeLagWarn < 0) || (o.TimeLagCrit != nil && *o.TimeLagCrit < 0) {
		return errs.Usagef("--time-lag-warn and --time-lag-crit must not be negative")
	}
	if o.TimeLagWarn != nil && o.TimeLagCrit != nil && *o.TimeLagWarn > *o.TimeLagCrit {
		return errs.Usagef("--time-lag-warn (%v) is above --time-lag-crit (%v)", *o.TimeLagWarn, *o.TimeLagCrit)
	}
	if o.CertWarnDays < 0 || o.CertCritDays < 0 {
		return errs.Usagef("--cert-warn-days and --cert-crit-days must be 0 or more")
	}
	if o.CertWarnDays < o.CertCritDays {
		return errs.Usagef("--cert-warn-days (%d) is below --cert-crit-days (%d)", o.CertWarnDays, o.CertCritDays)
	}
	o.checks, o.explicit = nil, map[string]bool{}
	if o.Checks != "" {
		cs, err := health.ParseChecks(o.Checks)
		if err != nil {
			return errs.Usagef("invalid --checks: %v", err)
		}
		o.checks = cs
		for _, c := range cs {
			o.explicit[c] = true
		}
		if o.explicit[health.CheckConsumerLag] && !selected {
			return errs.Usagef("--checks consumer-lag needs --group or --group-pattern")
		}
	}

	lim := health.Options{ExpectBrokers: o.ExpectBrokers, StoppedWarn: o.StoppedWarn}
	if o.LagWarn != nil {
		lim.Lag.Warn = health.Limit(float64(*o.LagWarn))
	}
	if o.LagCrit != nil {
		lim.Lag.Crit = health.Limit(float64(*o.LagCrit))
	}
	if o.TimeLagWarn != nil {
		lim.TimeLag.Warn = health.Limit(o.TimeLagWarn.Seconds())
	}
	if o.TimeLagCrit != nil {
		lim.TimeLag.Crit = health.Limit(o.TimeLagCrit.Seconds())
	}
	lim.CertDays = health.Threshold{Warn: health.Limit(float64(o.CertWarnDays)), Crit: health.Limit(float64(o.CertCritDays)), Below: true}
	o.limits = lim
	return nil
}

// selection is the checks this run performs, given whether the connection
// uses TLS.
func (o *Options) selection(usesTLS bool) ([]string, error) {
	if o.checks != nil {
		if o.explicit[health.CheckTLSExpiry] && !usesTLS {
			return nil, errs.Usagef("--checks tls-expiry needs a TLS connection (security protocol SSL or SASL_SSL)")
		}
		return o.checks, nil
	}
	var out []string
	for _, c := range health.AllChecks {
		switch {
		case c == health.CheckConsumerLag && len(o.Groups) == 0 && o.pattern == nil:
		case c == health.CheckTLSExpiry && !usesTLS:
		case c == health.CheckQuorum: // opt-in: a connection of its own, and only KRaft has it
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

func (o *Options) wants(checks []string, names ...string) bool {
	for _, c := range checks {
		for _, n := range names {
			if c == n {
				return true
			}
		}
	}
	return false
}

// plan is what the admin layer reads for the selected checks.
func (o *Options) plan(checks []string) kafka.HealthPlan {
	p := kafka.HealthPlan{
		Brokers: o.wants(checks, health.CheckBrokers),
		Certs:   o.wants(checks, health.CheckTLSExpiry),
		Topics:  o.wants(checks, health.CheckController, health.CheckOffline, health.CheckUnderMinISR, health.CheckUnderReplicated, health.CheckAtMinISR),
		MinISR:  o.wants(checks, health.CheckUnderMinISR, health.CheckAtMinISR),
		// kafka-topics.sh does not count the replicas a reassignment is
		// adding: ask about the partitions with a short ISR, if any.
		Reassignments: o.wants(checks, health.CheckUnderReplicated),
		Quorum:        o.wants(checks, health.CheckQuorum),
		Groups:        o.Groups, GroupPattern: o.GroupPattern,
	}
	if o.wants(checks, health.CheckConsumerLag) {
		p.Lag = &kafka.LagQuery{Groups: o.Groups, Pattern: o.pattern, TimeLag: true}
	}
	return p
}

// printReserve is the part of --timeout kept for judging and printing,
// so the output is out before the deadline.
func printReserve(total time.Duration) time.Duration {
	return min(max(total/20, 20*time.Millisecond), 500*time.Millisecond)
}

// Run runs the checks and prints the report. The returned error carries
// the Nagios exit code.
func Run(parent context.Context, o *Options) error {
	start := time.Now()
	s, err := o.F.Settings()
	if err != nil {
		return err
	}
	checks, err := o.selection(s.UsesTLS())
	if err != nil {
		return err
	}
	ctx, cancel, err := o.F.Context(parent)
	if err != nil {
		return err
	}
	defer cancel()
	dl, _ := ctx.Deadline()
	gctx, gcancel := context.WithDeadline(ctx, dl.Add(-printReserve(s.Timeout)))
	defer gcancel()

	var facts health.Facts
	a, cerr := o.F.Admin(gctx)
	if cerr != nil {
		facts = health.Unreachable(time.Now(), "cluster unreachable: "+cerr.Error(), o.Groups, o.GroupPattern)
		if o.wants(checks, health.CheckTLSExpiry) {
			// An expired certificate fails the connection itself: still
			// say which certificate and when, from the bootstrap brokers.
			facts.TLS = kafka.BootstrapCertFacts(gctx, s)
		}
		o.F.Warnf("Error: %v", cerr)
	} else {
		facts = a.HealthFacts(gctx, o.plan(checks))
	}
	facts.Now = time.Now()
	lim := o.limits
	lim.Checks = checks
	rep := health.Evaluate(facts, lim)
	rep.Duration = time.Since(start)
	if err := o.print(rep); err != nil {
		return err
	}
	if rep.Status != health.OK {
		return errs.SilentExit(rep.Status.ExitCode())
	}
	return nil
}

func (o *Options) print(rep *health.Report) error {
	out := o.F.Streams.Out
	switch o.Format {
	case health.FormatNagios:
		_, err := fmt.Fprintln(out, rep.Nagios())
		return err
	case health.FormatPrometheus:
		return rep.WritePrometheus(out)
	case health.FormatJSON, "yaml":
		f := output.JSON
		if o.Format == "yaml" {
			f = output.YAML
		}
		_, err := output.NewPrinter(out, f, false).Data(rep.View())
		return err
	}
	p, err := o.F.Printer()
	if err != nil {
		p = output.NewPrinter(out, output.Table, false)
	}
	p.Format = output.Table
	if err := p.Table(health.TableHeaders, rep.TableRows()); err != nil {
		return err
	}
	_, err = fmt.Fprint(out, rep.TextFooter())
	return err
}
