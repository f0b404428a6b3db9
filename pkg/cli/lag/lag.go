// Package lag implements `kctl lag`.
package lag

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// NewCmd returns `kctl lag`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "lag", Short: "Consumer-group lag", Args: cmdutil.NoArgs}
	cmd.AddCommand(NewCmdDescribe(f, nil))
	return cmd
}
