package topic

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil/configcmd"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// NewCmdConfig returns `kctl topic config`.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Get, set and delete topic configs", Args: cmdutil.NoArgs}
	res := func(args []string) (kafka.ConfigResource, error) {
		if err := validateTopicName(args[0]); err != nil {
			return kafka.ConfigResource{}, err
		}
		return kafka.ConfigResource{Type: kafka.TopicResource, Name: args[0]}, nil
	}
	cmd.AddCommand(
		configcmd.NewCmdGet(f, configcmd.Spec{
			Use: "get NAME", Short: "Show a topic's configs (overrides; --all for every config)",
			Example: "  kctl topic config get orders\n  kctl topic config get orders --all -o json",
			Args:    cmdutil.ExactArgs(1, "one topic name"), Resource: res,
		}, nil),
		configcmd.NewCmdSet(f, configcmd.Spec{
			Use: "set NAME KEY=VALUE...", Short: "Set topic configs (IncrementalAlterConfigs)",
			Example: "  kctl topic config set orders retention.ms=86400000 min.insync.replicas=2\n  kctl topic config set orders cleanup.policy=compact --validate-only",
			Args:    cmdutil.MinArgs(2, "a topic name and at least one KEY=VALUE"), Resource: res,
		}, nil),
		configcmd.NewCmdDelete(f, configcmd.Spec{
			Use: "delete NAME KEY...", Short: "Remove topic config overrides (back to the broker default)",
			Example: "  kctl topic config delete orders retention.ms",
			Args:    cmdutil.MinArgs(2, "a topic name and at least one config name"), Resource: res,
		}, nil),
	)
	return cmd
}
