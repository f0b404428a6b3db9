// Package topic implements `kctl topic`.
package topic

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// NewCmd returns `kctl topic`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "topic", Short: "Inspect, create, alter and audit topics", Args: cmdutil.NoArgs}
	return cmd
}
