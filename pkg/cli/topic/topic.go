// Package topic implements `kctl topic`: list, describe with Kafka's health
// filters, create, delete, alter, configs and the durability audit.
package topic

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// NewCmd returns `kctl topic`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "topic", Short: "Inspect, create, alter and audit topics", Args: cmdutil.NoArgs}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdDescribe(f, nil), NewCmdCreate(f, nil), NewCmdDelete(f, nil),
		NewCmdAlter(f, nil), NewCmdConfig(f), NewCmdAudit(f, nil))
	cmd.AddCommand(NewCmdConsume(f, nil), NewCmdProduce(f, nil))
	return cmd
}
