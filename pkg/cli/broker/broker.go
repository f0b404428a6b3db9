// Package broker implements `kctl broker`.
package broker

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// NewCmd returns `kctl broker`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "broker", Short: "List brokers, their configs, log dirs and balance", Args: cmdutil.NoArgs}
	cmd.AddCommand(NewCmdList(f, nil))
	cmd.AddCommand(NewCmdConfig(f))
	cmd.AddCommand(NewCmdLogDirs(f, nil), NewCmdBalance(f, nil))
	return cmd
}

// ListOptions are the inputs of `kctl broker list`.
type ListOptions struct {
	F *cmdutil.Factory
}

// ListView is the JSON shape of `broker list`.
type ListView struct {
	ControllerID int32          `json:"controllerId"`
	Brokers      []kafka.Broker `json:"brokers"`
}

// NewCmdList returns `kctl broker list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{F: f}
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the brokers in the cluster metadata",
		Example: "  kctl broker list\n  kctl broker list -o json | jq '.brokers[].address'",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return RunList(cmd.Context(), opts)
		},
	}
}

// RunList runs `broker list`.
func RunList(parent context.Context, o *ListOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	info, err := a.Cluster(ctx)
	if err != nil {
		return err
	}
	return p.Print(ListView{ControllerID: info.ControllerID, Brokers: info.Brokers}, cmdutil.BrokerHeaders, cmdutil.BrokerRows(info.Brokers, info.ControllerID))
}
