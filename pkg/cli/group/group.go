// Package group implements `kctl group`.
package group

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// NewCmd returns `kctl group`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "List, describe and delete consumer groups", Args: cmdutil.NoArgs}
	return cmd
}
