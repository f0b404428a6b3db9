package topic

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/offsets"
	"github.com/kctl-dev/kctl/pkg/records"
)

// ConsumeOptions are the inputs of `kctl topic consume`.
type ConsumeOptions struct {
	F     *cmdutil.Factory
	Topic string

	Partitions   []int32
	Offset       string
	FromTime     string
	FromDuration string
	UntilTime    string
	Timezone     string
	Count        int
	Follow       bool
	Group        string
	KeyMatch     string
	HeaderMatch  []string
	Isolation    string
	Print        string
	Headers      bool
	ValueFormat  string
	MaxValueSize int

	// Now is the clock (tests fix it).
	Now func() time.Time

	// Resolved by Complete.
	JSON      bool
	Spec      records.OffsetSpec
	FromMs    int64 // -1: no --from-time/--from-duration
	UntilMs   int64 // -1: no --until-time
	Filter    records.Filter
	Text      records.TextOptions
	JSONOpts  records.JSONOptions
	ReadIso   kafka.Isolation
	offsetSet bool
}

// NewCmdConsume returns `kctl topic consume`.
func NewCmdConsume(f *cmdutil.Factory, runF func(*ConsumeOptions) error) *cobra.Command {
	o := &ConsumeOptions{F: f}
	cmd := &cobra.Command{
		Use:   "consume TOPIC",
		Short: "Read records: at an offset, from a time, a group's position; text or JSON lines",
		Long: `Read records of a topic without a consumer group: nothing is committed and no
group is joined, so reading never moves anyone's offsets.

Where to start (one of; default earliest):
  --offset earliest|latest|N|-N|+N   N absolute, -N = N before the end of each
                                     partition, +N = N after its log start
  --from-time TS                     the first record at or after TS (forms of
                                     offsets reset --to-datetime; no zone = --timezone, default UTC)
  --from-duration D                  the same for now minus D (90m, 2d, PT1H)
  --group G                          G's committed offsets, read with OffsetFetch
                                     (never joined, never committed); partitions
                                     without a commit start at --offset

Where to stop: the end offsets read at the start (the last stable offset under
--isolation read_committed), -n records, --until-time (the last record before
it), or never with --follow (Ctrl-C ends it). Without --follow the read is
bounded by --timeout. A summary goes to stderr: records read per partition and
the next offset, so a later command can continue there.

Output (-o):
  text (default)  --print fields, tab-separated (default key,value; also topic,
                  partition, offset, timestamp, headers); headers print one per
                  line, Spring Kafka's kafka_dlt-* headers decoded. --headers
                  adds them to the default fields.
  json            one JSON object a line: topic, partition, offset, timestamp
                  (RFC 3339 UTC), timestampMs, timestampType, key, value,
                  headers [{key, value}]; bytes that are not UTF-8 text are
                  base64 with keyEncoding/valueEncoding "base64". kctl topic
                  produce -o json writes these lines back byte for byte.

Compressed batches (gzip, snappy, lz4, zstd) are decompressed; transaction
markers are never shown; --isolation read_committed hides aborted records and
stops at the open transactions.`,
		Example: `  # The record a stuck consumer fails on (its committed offset)
  kctl topic consume orders --partition 3 --offset 1042 -n 1

  # The last 5 records of every partition, with partition, offset and time
  kctl topic consume orders --offset -5 --print partition,offset,timestamp,key,value

  # A dead-letter topic with Spring's headers decoded
  kctl topic consume orders.DLT --headers

  # Where group billing stands, without touching it
  kctl topic consume orders --group billing -n 10

  # Everything between two times, as JSON lines
  kctl topic consume orders --from-time 2026-11-25T10:00 --until-time 2026-11-25T11:00 -o json

  # Follow new records whose key starts with "cust-42"
  kctl topic consume orders --offset latest --follow --key-match '^cust-42'`,
		Args: cmdutil.ExactArgs(1, "a topic name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Topic = args[0]
			o.offsetSet = cmd.Flags().Changed("offset")
			if err := o.Complete(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return RunConsume(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.Int32SliceVarP(&o.Partitions, "partition", "p", nil, "partitions to read (repeatable or comma-separated; default all)")
	fl.StringVar(&o.Offset, "offset", "earliest", "start: "+records.OffsetForms)
	fl.StringVar(&o.FromTime, "from-time", "", "start at the first record at or after this time")
	fl.StringVar(&o.FromDuration, "from-duration", "", "start at the first record at or after now minus this duration (90m, 2d, PT1H)")
	fl.StringVar(&o.UntilTime, "until-time", "", "stop before the first record at or after this time")
	fl.StringVar(&o.Timezone, "timezone", "UTC", "zone of --from-time/--until-time values without one: IANA name, UTC, Local or +02:00")
	fl.IntVarP(&o.Count, "count", "n", 0, "stop after this many records (0: no limit)")
	fl.BoolVarP(&o.Follow, "follow", "f", false, "keep reading new records until interrupted")
	fl.StringVarP(&o.Group, "group", "g", "", "start at this group's committed offsets (read only: never joins or commits)")
	fl.StringVar(&o.KeyMatch, "key-match", "", "only records whose key matches this regular expression")
	fl.StringArrayVar(&o.HeaderMatch, "header-match", nil, "only records with a header KEY whose value matches REGEX: KEY=REGEX (repeatable, all must match)")
	fl.StringVar(&o.Isolation, "isolation", "read_uncommitted", "read_uncommitted or read_committed (hide aborted transactions, stop at open ones)")
	fl.StringVar(&o.Print, "print", "", "text output fields, comma-separated: topic, partition, offset, timestamp, headers, key, value (default key,value)")
	fl.BoolVar(&o.Headers, "headers", false, "text output: show headers (kafka_dlt-* decoded)")
	fl.StringVar(&o.ValueFormat, "value-format", "text", "text, json (pretty-prints valid JSON), hex or base64")
	fl.IntVar(&o.MaxValueSize, "max-value-bytes", 0, "truncate longer values (marked as truncated; 0: never)")
	return cmd
}

// Complete checks the flags without the network.
func (o *ConsumeOptions) Complete() error {
	if o.Now == nil {
		o.Now = time.Now
	}
	switch o.F.Global.Output {
	case "", "table", "text":
	case "json":
		o.JSON = true
	default:
		return errs.Usagef("topic consume writes -o text (default) or -o json (one object a line), not %q", o.F.Global.Output)
	}
	if strings.TrimSpace(o.Topic) == "" {
		return errs.Usagef("empty topic name")
	}
	for _, p := range o.Partitions {
		if p < 0 {
			return errs.Usagef("--partition %d: partitions are numbered from 0", p)
		}
	}
	o.Partitions = slices.Compact(slices.Sorted(slices.Values(o.Partitions)))
	starts := 0
	for _, set := range []bool{o.offsetSet, o.FromTime != "", o.FromDuration != ""} {
		if set {
			starts++
		}
	}
	if starts > 1 {
		return errs.Usagef("give one start: --offset, --from-time or --from-duration")
	}
	if o.Group != "" && (o.FromTime != "" || o.FromDuration != "") {
		return errs.Usagef("--group starts at the committed offsets: it cannot be combined with --from-time/--from-duration (--offset sets where partitions without a commit start)")
	}
	spec, err := records.ParseOffset(o.Offset)
	if err != nil {
		return errs.Usagef("%v", err)
	}
	o.Spec = spec
	loc, zone, err := offsets.ParseTimezone(o.Timezone)
	if err != nil {
		return errs.Usagef("%v", err)
	}
	o.FromMs, o.UntilMs = -1, -1
	if o.FromTime != "" {
		in, err := offsets.ParseDateTimeFlag("--from-time", o.FromTime, loc, zone)
		if err != nil {
			return errs.Usagef("%v", err)
		}
		o.FromMs = in.Millis()
	}
	if o.FromDuration != "" {
		d, err := offsets.ParseDurationFlag("--from-duration", o.FromDuration)
		if err != nil {
			return errs.Usagef("%v", err)
		}
		o.FromMs = o.Now().Add(-d).UnixMilli()
	}
	if o.UntilTime != "" {
		if o.Follow {
			return errs.Usagef("--until-time ends the read: it cannot be combined with --follow")
		}
		in, err := offsets.ParseDateTimeFlag("--until-time", o.UntilTime, loc, zone)
		if err != nil {
			return errs.Usagef("%v", err)
		}
		o.UntilMs = in.Millis()
		if o.FromMs >= 0 && o.UntilMs <= o.FromMs {
			return errs.Usagef("--until-time must be after the start time")
		}
	}
	if o.Count < 0 {
		return errs.Usagef("--count must be 0 or more, got %d", o.Count)
	}
	if o.MaxValueSize < 0 {
		return errs.Usagef("--max-value-bytes must be 0 or more, got %d", o.MaxValueSize)
	}
	iso, err := kafka.ParseIsolation(o.Isolation)
	if err != nil {
		return errs.Usagef("%v", err)
	}
	o.ReadIso = iso
	if o.KeyMatch != "" {
		re, err := regexp.Compile(o.KeyMatch)
		if err != nil {
			return errs.Usagef("invalid --key-match %q: %v", o.KeyMatch, err)
		}
		o.Filter.Key = re
	}
	for _, h := range o.HeaderMatch {
		hm, err := records.ParseHeaderMatch(h)
		if err != nil {
			return errs.Usagef("%v", err)
		}
		o.Filter.Headers = append(o.Filter.Headers, hm)
	}
	vf, err := records.ParseValueFormat(o.ValueFormat)
	if err != nil {
		return errs.Usagef("%v", err)
	}
	fields := records.DefaultFields
	if o.Print != "" {
		if o.JSON {
			return errs.Usagef("--print chooses text fields: -o json always has every field")
		}
		if fields, err = records.ParseFields(o.Print); err != nil {
			return errs.Usagef("%v", err)
		}
	}
	if o.Headers && o.JSON {
		return errs.Usagef("--headers is for the text output: -o json always has the headers")
	}
	if o.Headers && !hasField(fields, records.FHeaders) {
		fields = append(append([]records.Field{}, fields...), records.FHeaders)
	}
	o.Text = records.TextOptions{Fields: fields, Value: vf, MaxValueBytes: o.MaxValueSize}
	o.JSONOpts = records.JSONOptions{Value: vf, MaxValueBytes: o.MaxValueSize}
	return nil
}

func hasField(fs []records.Field, f records.Field) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

// partProgress is one partition's share of the summary.
type partProgress struct {
	read, shown int
	next        int64
	err         error
}

// RunConsume runs `topic consume`.
func RunConsume(parent context.Context, o *ConsumeOptions) error {
	if parent == nil {
		parent = context.Background()
	}
	// Ctrl-C (or SIGTERM) ends the read cleanly: the summary still prints.
	sigCtx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// So does a reader that goes away (`| head`): with SIGPIPE notified,
	// a write to the closed pipe fails with EPIPE instead of the signal
	// killing the process before the summary.
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	defer signal.Stop(pipe)
	setupCtx, cancel, err := o.F.Context(sigCtx)
	if err != nil {
		return err
	}
	defer cancel()
	a, err := o.F.Admin(setupCtx)
	if err != nil {
		return err
	}
	ranges, err := o.plan(setupCtx, a)
	if err != nil {
		return err
	}
	// Following runs until interrupted; otherwise --timeout bounds it all.
	readCtx := setupCtx
	if o.Follow {
		readCtx = sigCtx
	}
	w := bufio.NewWriterSize(o.F.Streams.Out, 256<<10)
	progress := map[int32]*partProgress{}
	for p, r := range ranges {
		progress[p] = &partProgress{next: r.Start}
	}
	shown := 0
	stopReason := "reached the end offsets read at the start"
	if o.Follow {
		stopReason = "interrupted"
	}
	var buf []byte
	var writeErr error
	started := time.Now()
	err = a.Consume(readCtx, kafka.ConsumeRequest{Topic: o.Topic, Partitions: ranges, Isolation: o.ReadIso}, func(b kafka.Batch) bool {
		pp := progress[b.Partition]
		if b.Err != nil {
			pp.err = b.Err
			o.F.Warnf("Error: %v", b.Err)
			return false
		}
		// A batch whose write fails is not counted: the summary's next
		// offset must not pass records that never reached the output.
		before, shownBefore, reasonBefore := *pp, shown, stopReason
		buf = buf[:0]
		for i := range b.Records {
			r := &b.Records[i]
			pp.read++
			pp.next = r.Offset + 1
			if !o.Filter.Match(r) {
				continue
			}
			if o.JSON {
				buf = records.AppendJSON(buf, r, o.JSONOpts)
			} else {
				buf = records.AppendText(buf, r, o.Text)
			}
			pp.shown++
			shown++
			if o.Count > 0 && shown >= o.Count {
				stopReason = fmt.Sprintf("read --count %d records", o.Count)
				break
			}
		}
		if o.Count == 0 || shown < o.Count {
			pp.next = max(pp.next, b.Next)
		}
		_, err := w.Write(buf)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			*pp, shown, stopReason = before, shownBefore, reasonBefore
			writeErr = err
			return true
		}
		return o.Count > 0 && shown >= o.Count
	})
	if ferr := w.Flush(); writeErr == nil {
		writeErr = ferr
	}
	if err != nil {
		return err
	}
	var failed []string
	for p, pp := range progress {
		if pp.err != nil {
			failed = append(failed, fmt.Sprint(p))
		}
	}
	var result error
	switch {
	case writeErr != nil:
		if errors.Is(writeErr, syscall.EPIPE) {
			stopReason = "the output was closed"
		} else {
			stopReason = "writing to the output failed"
			result = errs.Exit(errs.ExitFailure, "writing the records: %v", writeErr)
		}
	case sigCtx.Err() != nil:
		stopReason = "interrupted"
	case readCtx.Err() != nil && errors.Is(readCtx.Err(), context.DeadlineExceeded):
		stopReason = "stopped by --timeout before the end offsets"
		result = errs.Exit(errs.ExitFailure, "timed out after %v before reaching the end offsets read at the start (see the summary; raise --timeout or use --follow)", o.F.Global.Timeout)
	case len(failed) > 0:
		sort.Strings(failed)
		result = &errs.PartialFailure{Msg: fmt.Sprintf("could not read partition(s) %s of %s (see above)", strings.Join(failed, ","), o.Topic)}
	}
	o.summary(o.F.Streams.ErrOut, progress, shown, time.Since(started), stopReason)
	return result
}

// summary writes one line: records per partition and where to continue.
func (o *ConsumeOptions) summary(w io.Writer, progress map[int32]*partProgress, shown int, took time.Duration, why string) {
	ps := make([]int32, 0, len(progress))
	read := 0
	for p, pp := range progress {
		ps = append(ps, p)
		read += pp.read
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	var parts []string
	for _, p := range ps {
		pp := progress[p]
		if pp.read == 0 && pp.err == nil {
			continue
		}
		s := fmt.Sprintf("partition %d: %d, next offset %d", p, pp.shown, pp.next)
		if !o.Filter.Empty() {
			s = fmt.Sprintf("partition %d: %d of %d read, next offset %d", p, pp.shown, pp.read, pp.next)
		}
		parts = append(parts, s)
	}
	detail := ""
	if len(parts) > 0 {
		detail = " (" + strings.Join(parts, "; ") + ")"
	}
	what := fmt.Sprintf("%d records", shown)
	if !o.Filter.Empty() {
		what = fmt.Sprintf("%d matching records of %d read", shown, read)
	}
	fmt.Fprintf(w, "Consumed %s from %s%s in %.1fs: %s.\n", what, o.Topic, detail, took.Seconds(), why)
}

// plan resolves where each partition's read starts and ends: ListOffsets
// for the log start, the end (the last stable offset under read_committed)
// and the times given, one request per leader for each; OffsetFetch for
// --group.
func (o *ConsumeOptions) plan(ctx context.Context, a *kafka.Admin) (map[int32]kafka.ReadRange, error) {
	counts, err := a.PartitionCounts([]string{o.Topic})
	if err != nil {
		return nil, err
	}
	n, ok := counts[o.Topic]
	if !ok {
		return nil, errs.Exit(errs.ExitFailure, "topic %q does not exist (or you may not describe it)", o.Topic)
	}
	parts := o.Partitions
	if len(parts) == 0 {
		for p := int32(0); p < n; p++ {
			parts = append(parts, p)
		}
	}
	for _, p := range parts {
		if p >= n {
			return nil, errs.Exit(errs.ExitFailure, "topic %q has no partition %d (it has %d: 0-%d)", o.Topic, p, n, n-1)
		}
	}
	tps := make([]kafka.TopicPartition, len(parts))
	for i, p := range parts {
		tps[i] = kafka.TopicPartition{Topic: o.Topic, Partition: p}
	}
	var earliest, latest, from, until map[kafka.TopicPartition]kafka.PartitionOffset
	var committed *kafka.GroupOffsets
	list := func(dst *map[kafka.TopicPartition]kafka.PartitionOffset, spec int64, iso kafka.Isolation) func() error {
		return func() (err error) { *dst, err = a.ListOffsets(ctx, tps, spec, iso); return err }
	}
	fns := []func() error{list(&earliest, kafka.OffsetEarliest, kafka.ReadUncommitted), list(&latest, kafka.OffsetLatest, o.ReadIso)}
	if o.FromMs >= 0 {
		fns = append(fns, list(&from, o.FromMs, kafka.ReadUncommitted))
	}
	if o.UntilMs >= 0 {
		fns = append(fns, list(&until, o.UntilMs, kafka.ReadUncommitted))
	}
	if o.Group != "" {
		fns = append(fns, func() error {
			m, err := a.FetchGroupOffsets(ctx, []string{o.Group})
			if err == nil {
				committed = m[o.Group]
			}
			return err
		})
	}
	if err := kafka.Parallel(fns...); err != nil {
		return nil, err
	}
	if o.Group != "" {
		if committed == nil {
			committed = &kafka.GroupOffsets{Group: o.Group}
		}
		if committed.Err != nil {
			return nil, fmt.Errorf("read the committed offsets of group %q: %w", o.Group, committed.Err)
		}
		any := false
		for _, tp := range tps {
			if _, ok := committed.Offsets[tp]; ok {
				any = true
			}
		}
		if !any {
			return nil, errs.Exit(errs.ExitFailure, "group %q has no committed offset on %s (is the group name right? kctl group list shows the groups)", o.Group, o.partitionsText(parts, n))
		}
	}
	out := make(map[int32]kafka.ReadRange, len(tps))
	var errsSeen []string
	for _, tp := range tps {
		e, l := earliest[tp], latest[tp]
		for _, x := range []kafka.PartitionOffset{e, l, from[tp], until[tp]} {
			if x.Err != nil {
				errsSeen = append(errsSeen, x.Err.Error())
			}
		}
		if e.Err != nil || l.Err != nil {
			continue
		}
		r := kafka.ReadRange{Start: e.Offset, End: l.Offset}
		switch {
		case o.FromMs >= 0:
			r.Start = from[tp].Offset
			if r.Start < 0 { // no record that recent
				r.Start = l.Offset
			}
		case o.Group != "":
			if c, ok := committed.Offsets[tp]; ok {
				r.Start = c
				if c < e.Offset || c > l.Offset {
					r.Start = min(max(c, e.Offset), l.Offset)
					o.F.Warnf("Warning: group %q's committed offset %d on partition %d is outside [%d, %d]: reading from %d", o.Group, c, tp.Partition, e.Offset, l.Offset, r.Start)
				}
				break
			}
			r.Start, _ = o.Spec.Start(e.Offset, l.Offset)
			o.F.Warnf("Note: group %q has no committed offset on partition %d: reading from --offset %s (%d)", o.Group, tp.Partition, o.Spec, r.Start)
		default:
			var clamped bool
			r.Start, clamped = o.Spec.Start(e.Offset, l.Offset)
			switch {
			case !clamped || o.Spec.Kind != records.Absolute:
			case e.Offset == l.Offset:
				o.F.Warnf("Note: partition %d is empty (log start and end %d): reading from %d", tp.Partition, e.Offset, r.Start)
			default:
				o.F.Warnf("Note: partition %d holds offsets %d to %d: offset %d is outside, reading from %d", tp.Partition, e.Offset, l.Offset-1, o.Spec.N, r.Start)
			}
		}
		if o.UntilMs >= 0 {
			if u := until[tp].Offset; u >= 0 && u < r.End {
				r.End = u
			}
		}
		if o.Follow {
			r.End = -1
		}
		out[tp.Partition] = r
	}
	if len(errsSeen) > 0 {
		slices.Sort(errsSeen)
		return nil, errs.Exit(errs.ExitFailure, "cannot read the offsets of %s: %s", o.Topic, strings.Join(slices.Compact(errsSeen), "; "))
	}
	return out, nil
}

func (o *ConsumeOptions) partitionsText(parts []int32, n int32) string {
	if len(o.Partitions) == 0 {
		return fmt.Sprintf("topic %q", o.Topic)
	}
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = fmt.Sprint(p)
	}
	return fmt.Sprintf("partition(s) %s of topic %q", strings.Join(s, ","), o.Topic)
}
