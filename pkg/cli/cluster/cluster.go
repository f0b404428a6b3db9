// Package cluster implements `kctl cluster`.
package cluster

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// NewCmd returns `kctl cluster`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "cluster", Short: "Describe the cluster, its KRaft quorum and features", Args: cmdutil.NoArgs}
	cmd.AddCommand(NewCmdDescribe(f, nil), NewCmdQuorum(f, nil), NewCmdFeatures(f, nil))
	return cmd
}

// DescribeOptions are the inputs of `kctl cluster describe`.
type DescribeOptions struct {
	F *cmdutil.Factory
}

// View is the JSON shape of `cluster describe`.
type View struct {
	ClusterID    string         `json:"clusterId"`
	ControllerID int32          `json:"controllerId"`
	BrokerCount  int            `json:"brokerCount"`
	Brokers      []kafka.Broker `json:"brokers"`
}

// NewCmdDescribe returns `kctl cluster describe`.
func NewCmdDescribe(f *cmdutil.Factory, runF func(*DescribeOptions) error) *cobra.Command {
	opts := &DescribeOptions{F: f}
	return &cobra.Command{
		Use:   "describe",
		Short: "Show the cluster id, the controller and the brokers",
		Example: `  kctl cluster describe
  kctl cluster describe -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return RunDescribe(cmd.Context(), opts)
		},
	}
}

// RunDescribe runs `cluster describe`.
func RunDescribe(parent context.Context, o *DescribeOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	info, err := a.Cluster(ctx)
	if err != nil {
		return err
	}
	v := View{ClusterID: info.ClusterID, ControllerID: info.ControllerID, BrokerCount: len(info.Brokers), Brokers: info.Brokers}
	if done, err := p.Data(v); done {
		return err
	}
	controller := "none"
	if info.ControllerID >= 0 {
		controller = strconv.Itoa(int(info.ControllerID))
		for _, b := range info.Brokers {
			if b.ID == info.ControllerID {
				controller = fmt.Sprintf("%d (%s)", b.ID, b.Addr)
			}
		}
	}
	fmt.Fprintf(p.Out, "Cluster ID:  %s\nController:  %s\nBrokers:     %d\n\n", info.ClusterID, controller, len(info.Brokers))
	return p.Table(cmdutil.BrokerHeaders, cmdutil.BrokerRows(info.Brokers, info.ControllerID))
}
