// Package check implements `kctl check`.
package check

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// NewCmd returns `kctl check`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "check", Short: "Diagnose connectivity and TLS", Args: cmdutil.NoArgs}
	return cmd
}
