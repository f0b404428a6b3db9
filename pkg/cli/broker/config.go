package broker

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil/configcmd"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// NewCmdConfig returns `kctl broker config get|set|delete`, the
// kafka-configs.sh --entity-type brokers equivalents. A broker id targets
// that broker; --default targets the cluster-wide dynamic default
// (--entity-default).
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Get, set and delete broker configs", Args: cmdutil.NoArgs}
	spec := func(use, short, long, example string, minRest int, restName string) configcmd.Spec {
		var def bool
		return configcmd.Spec{
			Use: use, Short: short, Long: long, Example: example,
			Args: func(cmd *cobra.Command, args []string) error {
				need := minRest
				if !def {
					need++
				}
				if len(args) < need {
					what := "a broker id or --default"
					if minRest > 0 {
						what += " and at least one " + restName
					}
					return errs.Usagef("%s needs %s (usage: %s)", cmd.CommandPath(), what, cmd.UseLine())
				}
				return nil
			},
			ResourceArgs: func(*cobra.Command) int {
				if def {
					return 0
				}
				return 1
			},
			Resource: func(args []string) (kafka.ConfigResource, error) {
				if def {
					return kafka.ConfigResource{Type: kafka.BrokerResource, Name: ""}, nil
				}
				if _, err := strconv.ParseInt(args[0], 10, 32); err != nil {
					return kafka.ConfigResource{}, errs.Usagef("broker id %q is not a number (use --default for the cluster-wide default)", args[0])
				}
				return kafka.ConfigResource{Type: kafka.BrokerResource, Name: args[0]}, nil
			},
			Flags: func(cmd *cobra.Command) {
				cmd.Flags().BoolVar(&def, "default", false, "the cluster-wide dynamic default instead of one broker")
			},
		}
	}
	cmd.AddCommand(
		configcmd.NewCmdGet(f, spec("get ID|--default", "Show a broker's configs (dynamic ones; --all for every config)",
			`Show a broker's configs with NAME, VALUE, SOURCE and SENSITIVE. Without --all
only the dynamic configs (set with kafka-configs.sh --alter or kctl) are listed,
as kafka-configs.sh --describe does. Sensitive values show as [hidden].`,
			"  kctl broker config get 1\n  kctl broker config get 1 --all\n  kctl broker config get --default", 0, ""), nil),
		configcmd.NewCmdSet(f, spec("set ID|--default KEY=VALUE...", "Set dynamic broker configs (IncrementalAlterConfigs)", "",
			"  kctl broker config set --default min.insync.replicas=2\n  kctl broker config set 1 log.cleaner.threads=2 --validate-only", 1, "KEY=VALUE"), nil),
		configcmd.NewCmdDelete(f, spec("delete ID|--default KEY...", "Remove dynamic broker configs (back to the static or default value)", "",
			"  kctl broker config delete --default min.insync.replicas", 1, "config name"), nil),
	)
	return cmd
}
