package offsets

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/offsets"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// GetOptions are the inputs of `kctl offsets get`.
type GetOptions struct {
	F          *cmdutil.Factory
	Topics     []string
	Partitions []int32
	Time       string
	Timezone   string
	Isolation  string

	// Resolved by Complete: kafka.OffsetEarliest, OffsetLatest or epoch ms.
	Spec    int64
	Instant *offsets.Instant
	Iso     kafka.Isolation
}

// NewCmdGet returns `kctl offsets get`.
func NewCmdGet(f *cmdutil.Factory, runF func(*GetOptions) error) *cobra.Command {
	o := &GetOptions{F: f}
	cmd := &cobra.Command{
		Use:   "get TOPIC... [--time earliest|latest|TS]",
		Short: "Per partition, the offset for a time (or the log start or end), like kafka-get-offsets.sh",
		Long: `Print, for every partition of the topics, the offset ListOffsets answers, as
kafka-get-offsets.sh --time and kcat -Q do:

  --time latest     the log-end offset (the default; -1 as Kafka's tool writes it)
  --time earliest   the log-start offset (-2)
  --time TS         the first offset whose record timestamp is at or after TS,
                    with that record's timestamp; forms as offsets reset
                    --to-datetime (no zone = --timezone, default UTC):` + indent(offsets.AcceptedFormsText(), "                    ") + `

A partition with no record at or after TS has no such offset: OFFSET shows "-"
(null in JSON); a consumer reset to that time starts at the log end. --isolation read_committed
makes --time latest the last stable offset.`,
		Example: `  kctl offsets get orders
  kctl offsets get orders --time earliest
  kctl offsets get orders payments --time 2026-11-25T10:00:00Z -o json
  kctl offsets get orders --partition 3 --time 2026-11-25T11:00 --timezone Europe/Paris`,
		Args: cmdutil.MinArgs(1, "at least one topic name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Topics = slices.Compact(slices.Sorted(slices.Values(args)))
			if err := o.Complete(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return RunGet(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.Int32SliceVarP(&o.Partitions, "partition", "p", nil, "only these partitions (repeatable or comma-separated)")
	fl.StringVar(&o.Time, "time", "latest", "earliest, latest or a time (see above)")
	fl.StringVar(&o.Timezone, "timezone", "UTC", "zone of --time values without one: IANA name, UTC, Local or +02:00")
	fl.StringVar(&o.Isolation, "isolation", "read_uncommitted", "read_uncommitted or read_committed (latest = last stable offset)")
	return cmd
}

// Complete resolves --time without the network.
func (o *GetOptions) Complete() error {
	for _, t := range o.Topics {
		if strings.TrimSpace(t) == "" {
			return errs.Usagef("empty topic name")
		}
	}
	for _, p := range o.Partitions {
		if p < 0 {
			return errs.Usagef("--partition %d: partitions are numbered from 0", p)
		}
	}
	iso, err := kafka.ParseIsolation(o.Isolation)
	if err != nil {
		return errs.Usagef("%v", err)
	}
	o.Iso = iso
	switch strings.ToLower(strings.TrimSpace(o.Time)) {
	case "latest", "-1", "end":
		o.Spec = kafka.OffsetLatest
		return nil
	case "earliest", "-2", "beginning":
		o.Spec = kafka.OffsetEarliest
		return nil
	}
	loc, zone, err := offsets.ParseTimezone(o.Timezone)
	if err != nil {
		return errs.Usagef("%v", err)
	}
	in, err := offsets.ParseDateTimeFlag("--time", o.Time, loc, zone)
	if err != nil {
		return errs.Usagef("%v (or earliest, latest)", err)
	}
	o.Instant = &in
	o.Spec = in.Millis()
	return nil
}

// GetRow is one partition of `offsets get` (JSON and YAML fields).
type GetRow struct {
	Topic     string `json:"topic" yaml:"topic"`
	Partition int32  `json:"partition" yaml:"partition"`
	// Offset is null for a time with no record at or after it.
	Offset *int64 `json:"offset" yaml:"offset"`
	// Timestamp of the record found, with --time TS only (else null).
	Timestamp   *string `json:"timestamp" yaml:"timestamp"`
	TimestampMs *int64  `json:"timestampMs" yaml:"timestampMs"`
	Error       *string `json:"error" yaml:"error"`
}

// RunGet runs `offsets get`: one ListOffsets per leader broker.
func RunGet(parent context.Context, o *GetOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	counts, err := a.PartitionCounts(o.Topics)
	if err != nil {
		return err
	}
	var tps []kafka.TopicPartition
	for _, t := range o.Topics {
		n, ok := counts[t]
		if !ok {
			return errs.Exit(errs.ExitFailure, "topic %q does not exist (or you may not describe it)", t)
		}
		if len(o.Partitions) == 0 {
			for i := int32(0); i < n; i++ {
				tps = append(tps, kafka.TopicPartition{Topic: t, Partition: i})
			}
			continue
		}
		for _, pn := range o.Partitions {
			if pn >= n {
				return errs.Exit(errs.ExitFailure, "topic %q has no partition %d (it has %d: 0-%d)", t, pn, n, n-1)
			}
			tps = append(tps, kafka.TopicPartition{Topic: t, Partition: pn})
		}
	}
	if o.Instant != nil {
		o.F.Warnf("Offsets for %s", o.Instant)
	}
	got, err := a.ListOffsets(ctx, tps, o.Spec, o.Iso)
	if err != nil {
		return err
	}
	kafka.SortPartitions(tps)
	rows := make([]GetRow, 0, len(tps))
	failed, none := 0, 0
	for _, tp := range tps {
		r := GetRow{Topic: tp.Topic, Partition: tp.Partition}
		po := got[tp]
		switch {
		case po.Err != nil:
			r.Error = text.Null(po.Err.Error())
			failed++
			o.F.Warnf("Error: %v", po.Err)
		case po.Offset < 0:
			none++
		default:
			off := po.Offset
			r.Offset = &off
			if o.Instant != nil && po.Timestamp >= 0 {
				ts := po.Timestamp
				r.TimestampMs = &ts
				r.Timestamp = text.Null(time.UnixMilli(ts).UTC().Format("2006-01-02T15:04:05.000Z07:00"))
			}
		}
		rows = append(rows, r)
	}
	if none > 0 {
		o.F.Warnf("Note: %d partitions have no record at or after that time (OFFSET -): a consumer reset to it starts at the log end.", none)
	}
	if err := o.print(p, rows); err != nil {
		return err
	}
	if failed > 0 {
		return &errs.PartialFailure{Msg: fmt.Sprintf("%d of %d partitions could not be read (see above)", failed, len(rows))}
	}
	return nil
}

func (o *GetOptions) print(p *output.Printer, rows []GetRow) error {
	if done, err := p.Data(rows); done {
		return err
	}
	headers := []string{"TOPIC", "PARTITION", "OFFSET"}
	if o.Instant != nil {
		headers = append(headers, "TIMESTAMP")
	}
	table := make([][]string, 0, len(rows))
	for _, r := range rows {
		row := []string{r.Topic, strconv.Itoa(int(r.Partition)), output.Dash(r.Offset)}
		if r.Error != nil {
			row[2] = "error"
		}
		if o.Instant != nil {
			ts := "-"
			if r.Timestamp != nil {
				ts = *r.Timestamp
			}
			row = append(row, ts)
		}
		table = append(table, row)
	}
	return p.Table(headers, table)
}
