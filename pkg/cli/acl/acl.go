// Package acl implements `kctl acl`.
package acl

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// NewCmd returns `kctl acl`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "acl", Short: "Add, list, delete and explain ACLs", Args: cmdutil.NoArgs}
	return cmd
}
