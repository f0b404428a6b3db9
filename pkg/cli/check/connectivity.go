package check

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/doctor"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// ThresholdOptions are the inputs of the checks that take the certificate
// thresholds.
type ThresholdOptions struct {
	F          *cmdutil.Factory
	Thresholds doctor.Thresholds
}

// ConnectivityOptions are the inputs of `kctl check connectivity`.
type ConnectivityOptions = ThresholdOptions

// NewCmdConnectivity returns `kctl check connectivity` (alias `conn`).
func NewCmdConnectivity(f *cmdutil.Factory, runF func(*ConnectivityOptions) error) *cobra.Command {
	return thresholdCheck(f, &cobra.Command{
		Use:     "connectivity",
		Aliases: []string{"conn"},
		Short:   "Walk DNS, TCP, TLS, SASL, ApiVersions and Metadata to every broker",
		Long: `Walk the path from here to the cluster step by step, with the resolved
connection settings (flags, context, client.properties): first each bootstrap
address, then every broker the cluster advertises, each on its own connection,
so "bootstrap works, advertised listener unreachable" shows.

Steps, each bounded by --timeout, stopping a broker's chain at the first failure:
  dns           resolve the host; list the addresses
  tcp           connect
  tls           handshake (SSL, SASL_SSL): version, cipher, certificate, chain, host name
  api-versions  the APIs the broker offers, the Kafka release they imply, and
                whether the APIs kctl needs are there
  sasl          the mechanisms the listener enables, then authenticate (SASL_*)
  metadata      cluster id, controller, the advertised brokers

Each step is PASS, WARN, FAIL (with a hint) or SKIP. Exit code: 0 all PASS,
1 any WARN, 2 any FAIL, 3 the check could not run.`,
		Example: `  kctl check connectivity
  kctl --context prod check conn
  kctl --command-config client.properties -b kafka-1:9093 check conn -o json
  kctl check conn --cert-warn-days 60 --timeout 5s`,
	}, runF, RunConnectivity)
}

// thresholdCheck finishes a check command that takes the certificate
// thresholds: no arguments, the thresholds validated before runF or run,
// their flags, and the check exit codes.
func thresholdCheck(f *cmdutil.Factory, cmd *cobra.Command, runF func(*ThresholdOptions) error, run func(context.Context, *ThresholdOptions) error) *cobra.Command {
	opts := &ThresholdOptions{F: f, Thresholds: doctor.DefaultThresholds}
	t := &opts.Thresholds
	cmd.Args = cmdutil.NoArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := t.Validate(); err != nil {
			return errs.Usagef("%v", err)
		}
		if runF != nil {
			return runF(opts)
		}
		return run(cmd.Context(), opts)
	}
	cmd.Flags().IntVar(&t.WarnDays, "cert-warn-days", doctor.DefaultThresholds.WarnDays, "WARN when a broker certificate expires within this many days")
	cmd.Flags().IntVar(&t.CritDays, "cert-crit-days", doctor.DefaultThresholds.CritDays, "FAIL (CRITICAL) when a broker certificate expires within this many days")
	cmdutil.MarkCheck(cmd)
	return cmd
}

// RunConnectivity runs `check connectivity`. It never calls Factory.Admin:
// the check must run when connecting fails, that is its point.
func RunConnectivity(ctx context.Context, o *ConnectivityOptions) error {
	return runReport(ctx, o.F, false, func(s config.Settings) (doctor.Report, error) {
		return kafka.CheckConnectivity(ctx, s, kafka.CheckOptions{Thresholds: o.Thresholds, Verbose: o.F.Verbose()})
	})
}

// runReport runs a check with the resolved settings, prints its report
// (chains: with the certificate chains) and exits with its verdict.
func runReport(ctx context.Context, f *cmdutil.Factory, chains bool, check func(config.Settings) (doctor.Report, error)) error {
	p, err := f.Printer()
	if err != nil {
		return err
	}
	s, err := f.Settings()
	if err != nil {
		return err
	}
	r, err := check(s)
	if err != nil {
		return err
	}
	if err := printReport(p, r, chains, time.Now()); err != nil {
		return err
	}
	return verdictExit(r)
}

// verdictExit turns the verdict into the exit code; the report already
// says everything, so nothing more is printed.
func verdictExit(r doctor.Report) error {
	if code := doctor.ExitCode(r.Status()); code != 0 {
		return errs.SilentExit(code)
	}
	return nil
}
