package topic

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/records"
)

// ProduceOptions are the inputs of `kctl topic produce`.
type ProduceOptions struct {
	F     *cmdutil.Factory
	Topic string

	File         string
	KeySeparator string
	Headers      []string
	DropHeaders  []string
	Partition    int32
	Compression  string
	Acks         string
	Idempotent   bool
	DryRun       bool

	// Resolved by Complete.
	JSON          bool
	acks          int16
	headers       []records.Header
	idempotentSet bool
}

// NewCmdProduce returns `kctl topic produce`.
func NewCmdProduce(f *cmdutil.Factory, runF func(*ProduceOptions) error) *cobra.Command {
	o := &ProduceOptions{F: f}
	cmd := &cobra.Command{
		Use:   "produce TOPIC",
		Short: "Write records from stdin or a file: one per line, or the JSON lines consume writes",
		Long: `Write records to a topic, one per input line (stdin, or --file).

Input (-o):
  text (default)  each line is a value (the newline is not part of it; an empty
                  line is an empty value); with --key-separator SEP the line is
                  KEY SEP VALUE, split at the first SEP.
  json            the JSON lines kctl topic consume -o json writes: key, value,
                  headers and timestampMs are written as read (base64 and hex
                  encodings decoded; a null or missing timestampMs is the time
                  of writing); topic, partition and offset are ignored,
                  so a dead-letter topic's records can be replayed onto their
                  topic. Blank lines are skipped.

Records with a key go to the partition Kafka's Java producer would choose
(murmur2 of the key); without one, to one partition per batch of input. --partition
sends every record to one partition. --header k=v adds a header to every record;
--drop-headers PREFIX removes the input's headers with that prefix (a replayed
dead letter's kafka_dlt-* headers).

Delivery: --acks all (default), 1 or 0; idempotent (retries never duplicate)
when the cluster grants a producer id; --compression none, gzip, snappy, lz4 or
zstd. The summary on stderr gives the records written per partition and their
offsets. A record that could not be written is named by its input line and the
command exits 1; the records after it on the same partition are not sent, and
input after a failure is not written (nothing is silently dropped).

--dry-run writes nothing: it prints the records as they would be written (JSON
lines with offset -1 and the partition chosen) and how many would go where.`,
		Example: `  echo 'hello' | kctl topic produce orders
  printf 'cust-1:{"total":12}\ncust-2:{"total":7}\n' | kctl topic produce orders --key-separator :
  kctl topic produce orders --file fixed.txt --header source=replay --compression zstd

  # Replay a dead-letter topic onto its topic after a fix: look first, then write
  kctl topic consume orders.DLT -o json > dlt.jsonl
  kctl topic produce orders -o json --file dlt.jsonl --drop-headers kafka_dlt- --dry-run
  kctl topic produce orders -o json --file dlt.jsonl --drop-headers kafka_dlt-`,
		Args: cmdutil.ExactArgs(1, "a topic name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Topic = args[0]
			o.idempotentSet = cmd.Flags().Changed("idempotent")
			if err := o.Complete(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return RunProduce(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.File, "file", "", `read records from this file instead of stdin ("-": stdin)`)
	fl.StringVar(&o.KeySeparator, "key-separator", "", "text input: split each line into KEY SEP VALUE at the first SEP")
	fl.StringArrayVar(&o.Headers, "header", nil, "add a header KEY=VALUE to every record (repeatable)")
	fl.StringArrayVar(&o.DropHeaders, "drop-headers", nil, "remove the input's headers whose key starts with this prefix, e.g. kafka_dlt- (repeatable)")
	fl.Int32VarP(&o.Partition, "partition", "p", -1, "write every record to this partition (default: by key)")
	fl.StringVar(&o.Compression, "compression", "none", "none, gzip, snappy, lz4 or zstd")
	fl.StringVar(&o.Acks, "acks", "all", "all (-1), 1 or 0")
	fl.BoolVar(&o.Idempotent, "idempotent", true, "idempotent delivery where the cluster grants a producer id (needs --acks all)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print what would be written, write nothing")
	return cmd
}

// Complete checks the flags without the network.
func (o *ProduceOptions) Complete() error {
	switch o.F.Global.Output {
	case "", "table", "text":
	case "json":
		o.JSON = true
	default:
		return errs.Usagef("topic produce reads -o text (default: one record a line) or -o json (consume's JSON lines), not %q", o.F.Global.Output)
	}
	if strings.TrimSpace(o.Topic) == "" {
		return errs.Usagef("empty topic name")
	}
	if o.KeySeparator != "" && o.JSON {
		return errs.Usagef("--key-separator is for text input: JSON lines carry their keys")
	}
	if o.Partition < -1 {
		return errs.Usagef("--partition %d: partitions are numbered from 0", o.Partition)
	}
	if _, ok := kafka.Compressions[o.Compression]; !ok {
		return errs.Usagef("invalid --compression %q: use none, gzip, snappy, lz4 or zstd", o.Compression)
	}
	switch o.Acks {
	case "all", "-1":
		o.acks = -1
	case "1":
		o.acks = 1
	case "0":
		o.acks = 0
	default:
		return errs.Usagef("invalid --acks %q: use all, 1 or 0", o.Acks)
	}
	if o.acks != -1 {
		if o.idempotentSet && o.Idempotent {
			return errs.Usagef("--idempotent needs --acks all")
		}
		o.Idempotent = false
	}
	for _, h := range o.Headers {
		k, v, ok := strings.Cut(h, "=")
		if !ok || k == "" {
			return errs.Usagef("invalid --header %q: use KEY=VALUE", h)
		}
		o.headers = append(o.headers, records.Header{Key: k, Value: []byte(v)})
	}
	return nil
}

// produceChunk bounds the records parsed before a Send: a Send is one
// Produce request per leader per ~900 KiB of each partition's records.
const (
	produceChunkRecords = 50_000
	produceChunkBytes   = 16 << 20
)

// inputRec is one input record with its line number.
type inputRec struct {
	rec  records.Record
	line int
}

// RunProduce runs `topic produce`.
func RunProduce(parent context.Context, o *ProduceOptions) error {
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	in := o.F.Streams.In
	if o.File != "" && o.File != "-" {
		f, err := os.Open(o.File)
		if err != nil {
			return errs.Usagef("--file: %v", err)
		}
		defer f.Close()
		in = f
	}
	setup, cancel, err := o.F.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	a, err := o.F.Admin(setup)
	if err != nil {
		return err
	}
	s, _ := o.F.Settings()
	cfg := kafka.ProduceConfig{Topic: o.Topic, Acks: o.acks, Compression: o.Compression, Idempotent: o.Idempotent && !o.DryRun, Timeout: s.Timeout}
	p, err := a.NewProducer(setup, cfg)
	if err != nil && errors.Is(err, kafka.ErrIdempotenceUnavailable) && !o.idempotentSet {
		o.F.Warnf("Note: %v; writing without idempotence (a retry may duplicate a record)", err)
		cfg.Idempotent = false
		p, err = a.NewProducer(setup, cfg)
	}
	rd := &inputReader{r: bufio.NewReaderSize(in, 1<<20), o: o}
	if err != nil {
		var tm *kafka.TopicMissing
		if errors.As(err, &tm) {
			n, _ := rd.drain()
			if n == 0 {
				return errs.Exit(errs.ExitFailure, "%v: the input had no record; nothing was written", err)
			}
			return errs.Exit(errs.ExitFailure, "%v: none of the %d records (%s) was written", err, n, lines(1, n))
		}
		return err
	}
	if o.Partition >= p.Partitions() {
		return errs.Exit(errs.ExitFailure, "topic %q has no partition %d (it has %d: 0-%d); nothing was written", o.Topic, o.Partition, p.Partitions(), p.Partitions()-1)
	}
	sum := &produceSummary{parts: map[int32]*partWritten{}}
	var w *bufio.Writer
	if o.DryRun {
		w = bufio.NewWriterSize(o.F.Streams.Out, 256<<10)
		defer w.Flush()
	}
	for {
		chunk, rerr := rd.next()
		if len(chunk) > 0 {
			recs := make([]records.Record, len(chunk))
			for i := range chunk {
				recs[i] = chunk[i].rec
				if o.Partition >= 0 {
					recs[i].Partition = o.Partition
				}
			}
			if o.DryRun {
				for i := range recs {
					r := &recs[i]
					r.Topic, r.Partition, r.Offset = o.Topic, p.Preview(r), -1
					sum.add(r.Partition, -1)
					if _, err := w.Write(records.AppendJSON(nil, r, records.JSONOptions{})); err != nil {
						return errs.Exit(errs.ExitFailure, "writing the dry run: %v", err)
					}
				}
			} else {
				sctx, scancel := context.WithTimeout(ctx, s.Timeout)
				res := p.Send(sctx, recs)
				scancel()
				failed := sum.record(chunk, res)
				if len(failed) > 0 {
					o.reportFailures(failed)
					n, _ := rd.drain()
					sum.print(o, p.Idempotent())
					msg := fmt.Sprintf("%d of the records read were not written (see above)", len(failed))
					if n > 0 {
						last := chunk[len(chunk)-1].line
						msg += fmt.Sprintf("; the %d records after %s were not sent", n, lines(last, last))
					}
					return &errs.PartialFailure{Msg: msg}
				}
			}
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				break
			}
			sum.print(o, p.Idempotent())
			return errs.Exit(errs.ExitFailure, "%v; nothing from that line on was written", rerr)
		}
		if ctx.Err() != nil {
			o.F.Warnf("Interrupted: input after line %d was not read.", chunk[len(chunk)-1].line)
			break
		}
	}
	sum.print(o, p.Idempotent())
	return nil
}

// inputReader reads records a chunk at a time, numbering the lines.
type inputReader struct {
	r    *bufio.Reader
	o    *ProduceOptions
	line int
}

// next parses up to a chunk of records. A parse error stops at its line:
// the records before it in the chunk are returned with the error.
func (rd *inputReader) next() ([]inputRec, error) {
	var out []inputRec
	size := 0
	for len(out) < produceChunkRecords && size < produceChunkBytes {
		b, err := rd.r.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			return out, err
		}
		rd.line++
		b = trimNewline(b)
		if rd.o.JSON && len(strings.TrimSpace(string(b))) == 0 {
			if err != nil {
				return out, err
			}
			continue
		}
		r, perr := rd.parse(b)
		if perr != nil {
			return out, fmt.Errorf("input line %d: %v", rd.line, perr)
		}
		out = append(out, inputRec{rec: r, line: rd.line})
		size += len(b)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		return b[:n-1]
	}
	return b
}

func (rd *inputReader) parse(b []byte) (records.Record, error) {
	o := rd.o
	var r records.Record
	if o.JSON {
		var err error
		if r, err = records.DecodeJSON(b); err != nil {
			return r, err
		}
		r.Partition = -1 // where it was read from is no guide
	} else {
		r = records.Record{Partition: -1, Timestamp: records.NoTimestamp, Value: b}
		if o.KeySeparator != "" {
			k, v, ok := strings.Cut(string(b), o.KeySeparator)
			if !ok {
				return r, fmt.Errorf("no key separator %q", o.KeySeparator)
			}
			r.Key, r.Value = []byte(k), []byte(v)
		}
	}
	if len(o.DropHeaders) > 0 {
		kept := r.Headers[:0]
		for _, h := range r.Headers {
			if !hasAnyPrefix(h.Key, o.DropHeaders) {
				kept = append(kept, h)
			}
		}
		r.Headers = kept
	}
	if len(o.headers) > 0 {
		r.Headers = append(r.Headers, o.headers...)
	}
	return r, nil
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// drain counts the records left in the input (to name them in an error).
func (rd *inputReader) drain() (int, error) {
	n := 0
	for {
		b, err := rd.r.ReadBytes('\n')
		if len(b) > 0 && !(rd.o.JSON && len(strings.TrimSpace(string(b))) == 0) {
			n++
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
	}
}

// lines names input lines from..to: "input line 3", "input lines 1-3".
func lines(from, to int) string {
	if from == to {
		return fmt.Sprintf("input line %d", from)
	}
	return fmt.Sprintf("input lines %d-%d", from, to)
}

type partWritten struct {
	n           int
	first, last int64
}

type produceSummary struct {
	parts   map[int32]*partWritten
	written int
}

func (s *produceSummary) add(part int32, off int64) {
	pw := s.parts[part]
	if pw == nil {
		pw = &partWritten{first: off}
		s.parts[part] = pw
	}
	pw.n++
	pw.last = off
	s.written++
}

type failedRec struct {
	line int
	err  error
}

// record adds the written records of a chunk and returns the failed ones.
func (s *produceSummary) record(chunk []inputRec, res []kafka.Result) []failedRec {
	var failed []failedRec
	for i, r := range res {
		if r.Err != nil {
			failed = append(failed, failedRec{chunk[i].line, r.Err})
			continue
		}
		s.add(r.Partition, r.Offset)
	}
	return failed
}

// reportFailures names the failed records, consecutive lines with the same
// error as one range.
func (o *ProduceOptions) reportFailures(failed []failedRec) {
	sort.Slice(failed, func(i, j int) bool { return failed[i].line < failed[j].line })
	for i := 0; i < len(failed); {
		j := i
		for j+1 < len(failed) && failed[j+1].line == failed[j].line+1 && failed[j+1].err.Error() == failed[i].err.Error() {
			j++
		}
		o.F.Warnf("Error: not written: %d records (%s): %v", j-i+1, lines(failed[i].line, failed[j].line), failed[i].err)
		i = j + 1
	}
}

func (s *produceSummary) print(o *ProduceOptions, idempotent bool) {
	ps := make([]int32, 0, len(s.parts))
	for p := range s.parts {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	var parts []string
	for _, p := range ps {
		pw := s.parts[p]
		switch {
		case o.DryRun || o.acks == 0:
			parts = append(parts, fmt.Sprintf("partition %d: %d", p, pw.n))
		case pw.n == 1:
			parts = append(parts, fmt.Sprintf("partition %d: 1 at offset %d", p, pw.first))
		default:
			parts = append(parts, fmt.Sprintf("partition %d: %d at offsets %d-%d", p, pw.n, pw.first, pw.last))
		}
	}
	detail := ""
	if len(parts) > 0 {
		detail = ": " + strings.Join(parts, "; ")
	}
	switch {
	case o.DryRun:
		o.F.Warnf("Dry run: %d records would be written to %s%s. Nothing was written: drop --dry-run to write them.", s.written, o.Topic, detail)
	case o.acks == 0:
		o.F.Warnf("Sent %d records to %s with acks 0, not confirmed by the broker%s.", s.written, o.Topic, detail)
	default:
		how := "acks all"
		if o.acks == 1 {
			how = "acks 1"
		}
		if idempotent {
			how += ", idempotent"
		}
		o.F.Warnf("Wrote %d records to %s with %s%s.", s.written, o.Topic, how, detail)
	}
}
