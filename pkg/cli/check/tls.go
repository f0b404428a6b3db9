package check

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/doctor"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// TLSOptions are the inputs of `kctl check tls`.
type TLSOptions = ThresholdOptions

// NewCmdTLS returns `kctl check tls`.
func NewCmdTLS(f *cmdutil.Factory, runF func(*TLSOptions) error) *cobra.Command {
	return thresholdCheck(f, &cobra.Command{
		Use:   "tls",
		Short: "Check every broker's TLS certificate chain and expiry (for cron)",
		Long: `Run the TLS step against each bootstrap address and every advertised broker
and print the certificate chain each one presents.

A certificate that expires within --cert-crit-days, is expired or not yet valid
is CRITICAL (FAIL, exit 2); within --cert-warn-days a WARN (exit 1). Unknown
authority, host-name mismatch and a missing client certificate are FAIL too.
The bootstrap addresses also list the brokers (ApiVersions, SASL, Metadata);
when that fails only the bootstrap addresses are checked, a WARN.
Exit 3: the check could not run (bad flags, unreadable files, a security
protocol without TLS).`,
		Example: `  kctl --context prod check tls
  kctl check tls --cert-warn-days 45 --cert-crit-days 14 -o json
  # cron: mail when a certificate needs renewing
  kctl --context prod check tls >/tmp/kctl-tls.txt || mail -s "Kafka TLS" ops@example.com </tmp/kctl-tls.txt`,
	}, runF, RunTLS)
}

// RunTLS runs `check tls`.
func RunTLS(ctx context.Context, o *TLSOptions) error {
	return runReport(ctx, o.F, true, func(s config.Settings) (doctor.Report, error) {
		if !s.UsesTLS() {
			return doctor.Report{}, errs.Usagef("security.protocol is %s: there is no TLS to check (use --security-protocol SSL or SASL_SSL, --tls-ca-file, or a context that sets them)", s.SecurityProtocol)
		}
		return kafka.CheckTLS(ctx, s, kafka.CheckOptions{Thresholds: o.Thresholds, Verbose: o.F.Verbose()})
	})
}
