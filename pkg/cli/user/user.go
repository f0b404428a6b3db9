// Package user implements `kctl user`.
package user

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// NewCmd returns `kctl user`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage SCRAM users", Args: cmdutil.NoArgs}
	return cmd
}
