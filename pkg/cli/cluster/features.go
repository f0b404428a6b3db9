package cluster

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// FeaturesHeaders are the table's columns.
var FeaturesHeaders = []string{"FEATURE", "SUPPORTED-MIN", "SUPPORTED-MAX", "FINALIZED-LEVEL", "EPOCH"}

// NewCmdFeatures returns `kctl cluster features`.
func NewCmdFeatures(f *cmdutil.Factory, runF func(*cmdutil.Factory) error) *cobra.Command {
	return &cobra.Command{
		Use:   "features",
		Short: "Supported and finalized feature levels (metadata.version, kraft.version, ...)",
		Long: `Show the KIP-584 features, as kafka-features.sh describe does: the version
range the answering broker supports and the level finalized for the whole
cluster (0 when Kafka lists none: level 0 is "off"), with the epoch of the
finalized set. Levels are numbers (metadata.version
21 is Kafka's 3.9-IV0, and so on: see Kafka's MetadataVersion).

One ApiVersions request (v4: Kafka 3.9+ leaves features whose minimum is 0
out of v3 answers); Kafka's Admin client reads the same answer.`,
		Example: `  kctl cluster features
  kctl cluster features -o json | jq '.features[] | select(.name == "metadata.version")'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(f)
			}
			return RunFeatures(cmd.Context(), f)
		},
	}
}

// RunFeatures runs `cluster features`.
func RunFeatures(parent context.Context, f *cmdutil.Factory) error {
	p, ctx, cancel, a, err := f.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	fs, err := a.DescribeFeatures(ctx)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(fs.Features))
	for _, x := range fs.Features {
		rows = append(rows, []string{x.Name, strconv.Itoa(int(x.SupportedMinVersion)), strconv.Itoa(int(x.SupportedMaxVersion)), strconv.Itoa(int(x.FinalizedVersionLevel)), strconv.FormatInt(fs.Epoch, 10)})
	}
	return p.Print(fs, FeaturesHeaders, rows)
}
