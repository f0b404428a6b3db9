// Package health implements `kctl health`.
package health

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// NewCmd returns `kctl health`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "health", Short: "Health checks for cron and monitoring", Args: cmdutil.NoArgs}
	return cmd
}
