// Package offsets implements `kctl offsets`.
package offsets

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// NewCmd returns `kctl offsets`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "offsets", Short: "Look up partition offsets by time; reset consumer-group offsets", Args: cmdutil.NoArgs}
	cmd.AddCommand(NewCmdReset(f, nil), NewCmdGet(f, nil))
	return cmd
}
