// Package check implements `kctl check`: the connectivity and TLS doctor.
package check

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// NewCmd returns `kctl check`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Diagnose connectivity and TLS",
		Long: `Diagnose the path from this machine to every broker, step by step.

Exit codes (Nagios convention): 0 every step passed, 1 a warning, 2 a failure,
3 the check could not run (bad flags, unreadable files).`,
		Args: cmdutil.NoArgs,
	}
	cmdutil.MarkCheck(cmd)
	cmd.AddCommand(NewCmdConnectivity(f, nil), NewCmdTLS(f, nil))
	return cmd
}
