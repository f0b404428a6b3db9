// Package version implements `kctl version`.
package version

import (
	"context"
	"fmt"
	"runtime"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// Version is set at build time with -ldflags "-X ...version.Version=v1.2.3".
var Version = "dev"

// Options are the inputs of `kctl version`.
type Options struct {
	F      *cmdutil.Factory
	Client bool
}

// View is the JSON shape of `kctl version`.
type View struct {
	Client ClientView  `json:"client"`
	Broker *BrokerView `json:"broker"` // null with --client
}

// ClientView describes kctl itself.
type ClientView struct {
	Version   string `json:"version"`
	GoVersion string `json:"goVersion"`
	Sarama    string `json:"sarama"`
}

// BrokerView describes what one broker speaks.
type BrokerView struct {
	Address      string             `json:"address"`
	KafkaVersion string             `json:"kafkaVersion"`
	APIs         []kafka.APIVersion `json:"apis"`
}

// NewCmd returns `kctl version`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	return NewCmdVersion(f, nil)
}

// NewCmdVersion returns `kctl version` with an optional test hook.
func NewCmdVersion(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show kctl's version and, with a cluster, the broker's API versions",
		Long: `Show kctl's version. Unless --client is given, also ask one broker for its
ApiVersions and infer the oldest Kafka release that offers them.`,
		Example: "  kctl version --client\n  kctl version -b kafka-1:9092",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Client, "client", false, "client version only; do not contact a cluster")
	return cmd
}

// Run runs `kctl version`.
func Run(parent context.Context, o *Options) error {
	p, err := o.F.Printer()
	if err != nil {
		return err
	}
	v := View{Client: ClientView{Version: Version, GoVersion: runtime.Version(), Sarama: kafka.SaramaVersion()}}
	if !p.Structured() {
		// First, so an unreachable cluster still shows which kctl this is
		// (the usual first step of a bug report).
		fmt.Fprintf(p.Out, "kctl %s (%s, sarama %s)\n", v.Client.Version, v.Client.GoVersion, v.Client.Sarama)
	}
	if !o.Client {
		ctx, cancel, err := o.F.Context(parent)
		if err != nil {
			return err
		}
		defer cancel()
		a, err := o.F.Admin(ctx)
		if err != nil {
			return err
		}
		addr, apis, err := a.APIVersions(ctx)
		if err != nil {
			return err
		}
		v.Broker = &BrokerView{Address: addr, KafkaVersion: kafka.InferKafkaVersion(apis), APIs: apis}
	}
	if done, err := p.Data(v); done {
		return err
	}
	if v.Broker == nil {
		return nil
	}
	fmt.Fprintf(p.Out, "Broker %s: Kafka %s (inferred from %d APIs)\n\n", v.Broker.Address, v.Broker.KafkaVersion, len(v.Broker.APIs))
	rows := make([][]string, 0, len(v.Broker.APIs))
	for _, a := range v.Broker.APIs {
		rows = append(rows, []string{strconv.Itoa(int(a.Key)), a.Name, strconv.Itoa(int(a.Min)), strconv.Itoa(int(a.Max))})
	}
	return p.Table([]string{"KEY", "API", "MIN-VERSION", "MAX-VERSION"}, rows)
}
