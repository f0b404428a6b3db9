package broker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// LogDirsOptions are the inputs of `kctl broker log-dirs`.
type LogDirsOptions struct {
	F       *cmdutil.Factory
	Brokers []int32 // nil: every broker
	Topics  []string
}

// LogDirsView is the JSON shape of `broker log-dirs`.
type LogDirsView struct {
	Brokers []BrokerLogDirs `json:"brokers"`
	// TotalBytes sums the size of every replica log listed (future
	// replicas included), over all brokers.
	TotalBytes int64 `json:"totalBytes"`
}

// BrokerLogDirs is one broker's directories; Error is set when the broker
// could not be asked (its dirs are then empty).
type BrokerLogDirs struct {
	Broker     int32          `json:"broker"`
	Error      *string        `json:"error"`
	TotalBytes int64          `json:"totalBytes"`
	LogDirs    []kafka.LogDir `json:"logDirs"`
}

// LogDirsHeaders are the replica table's columns.
var LogDirsHeaders = []string{"BROKER", "LOG-DIR", "TOPIC", "PARTITION", "SIZE", "OFFSET-LAG", "FUTURE"}

// TotalsHeaders are the per-directory totals' columns.
var TotalsHeaders = []string{"BROKER", "LOG-DIR", "REPLICAS", "SIZE", "USABLE", "TOTAL", "ERROR"}

// NewCmdLogDirs returns `kctl broker log-dirs`.
func NewCmdLogDirs(f *cmdutil.Factory, runF func(*LogDirsOptions) error) *cobra.Command {
	opts := &LogDirsOptions{F: f}
	var brokers []int
	cmd := &cobra.Command{
		Use:   "log-dirs",
		Short: "Size of every replica log per broker and log directory",
		Long: `Show, per broker and log directory, every replica's log size in bytes, its
offset lag (log end behind the high watermark; for a future replica, one
being moved between directories, behind the current replica), then totals
per directory with the volume's usable and total bytes (Kafka 3.3+), as
kafka-log-dirs.sh --describe reports them.

Each broker describes only its own disks: one DescribeLogDirs request per
broker, all in parallel. A broker that does not answer is reported and
makes the command exit 1; the others are still shown.`,
		Example: `  kctl broker log-dirs
  kctl broker log-dirs --broker 1 --topic orders
  kctl broker log-dirs -o json | jq '.brokers[] | {broker, totalBytes}'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, b := range brokers {
				if b < 0 {
					return errs.Usagef("--broker must be a broker id (0 or more), got %d", b)
				}
				opts.Brokers = append(opts.Brokers, int32(b))
			}
			if runF != nil {
				return runF(opts)
			}
			return RunLogDirs(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntSliceVar(&brokers, "broker", nil, "only these broker ids (repeatable; default: every broker)")
	cmd.Flags().StringSliceVarP(&opts.Topics, "topic", "t", nil, "only replicas of these topics (repeatable)")
	return cmd
}

// logDirs resolves the brokers to ask (every broker of the connect-time
// metadata, or the named ones, which must exist) and asks them.
func logDirs(ctx context.Context, a *kafka.Admin, brokers []int32, topics []string) (map[int32][]kafka.LogDir, map[int32]error, []int32, error) {
	known := map[int32]bool{}
	var all []int32
	for _, b := range a.KnownBrokers() {
		known[b.ID] = true
		all = append(all, b.ID)
	}
	ids := all
	if brokers != nil {
		ids = nil
		for _, b := range brokers {
			if !known[b] {
				return nil, nil, nil, errs.Usagef("broker %d is not in the cluster (brokers: %s)", b, text.IDs(all))
			}
			ids = append(ids, b)
		}
	}
	dirs, failed, err := a.DescribeLogDirs(ctx, ids, topics)
	if errors.Is(err, kafka.ErrTopicNotFound) {
		return nil, nil, nil, errs.Usagef("%v", err)
	}
	return dirs, failed, ids, err
}

// RunLogDirs runs `broker log-dirs`.
func RunLogDirs(parent context.Context, o *LogDirsOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	dirs, failed, ids, err := logDirs(ctx, a, o.Brokers, o.Topics)
	if err != nil {
		return err
	}
	v := LogDirsView{Brokers: []BrokerLogDirs{}}
	for _, id := range ids {
		b := BrokerLogDirs{Broker: id, LogDirs: dirs[id]}
		if b.LogDirs == nil {
			b.LogDirs = []kafka.LogDir{}
		}
		if e := failed[id]; e != nil {
			b.Error = text.Null(e.Error())
		}
		for _, d := range b.LogDirs {
			for _, r := range d.Replicas {
				b.TotalBytes += r.Size
			}
		}
		v.TotalBytes += b.TotalBytes
		v.Brokers = append(v.Brokers, b)
	}
	if done, err := p.Data(v); done {
		if err != nil {
			return err
		}
	} else {
		var rows, totals [][]string
		for _, b := range v.Brokers {
			id := strconv.Itoa(int(b.Broker))
			if b.Error != nil {
				totals = append(totals, []string{id, "-", "-", "-", "-", "-", *b.Error})
				continue
			}
			for _, d := range b.LogDirs {
				var size int64
				for _, r := range d.Replicas {
					size += r.Size
					rows = append(rows, []string{id, d.Path, r.Topic, strconv.Itoa(int(r.Partition)), strconv.FormatInt(r.Size, 10), strconv.FormatInt(r.OffsetLag, 10), strconv.FormatBool(r.Future)})
				}
				errCol := "-"
				if d.Error != nil {
					errCol = *d.Error
				}
				totals = append(totals, []string{id, d.Path, strconv.Itoa(len(d.Replicas)), strconv.FormatInt(size, 10), bytesOrDash(d.UsableBytes), bytesOrDash(d.TotalBytes), errCol})
			}
		}
		if len(rows) > 0 {
			if err := p.Table(LogDirsHeaders, rows); err != nil {
				return err
			}
			fmt.Fprintln(p.Out)
		}
		if err := p.Table(TotalsHeaders, totals); err != nil {
			return err
		}
		fmt.Fprintf(p.Out, "\nTotal: %d bytes on %s\n", v.TotalBytes, text.Plural(len(v.Brokers), "broker", "brokers"))
	}
	if len(failed) > 0 {
		var names []string
		for _, id := range sortedIDs(failed) {
			o.F.Warnf("Error: broker %d: %v", id, failed[id])
			names = append(names, strconv.Itoa(int(id)))
		}
		return &errs.PartialFailure{Msg: fmt.Sprintf("%s of %d did not answer (%s)", text.Plural(len(failed), "broker", "brokers"), len(ids), strings.Join(names, ", "))}
	}
	return nil
}

func bytesOrDash(n int64) string {
	if n < 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

func sortedIDs[V any](m map[int32]V) []int32 {
	out := make([]int32, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
