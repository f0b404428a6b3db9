package lag

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/lag"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// DescribeOptions are the inputs of `kctl lag describe`.
type DescribeOptions struct {
	F          *cmdutil.Factory
	Groups     []string
	AllGroups  bool
	Pattern    string
	Topics     []string
	Summary    bool
	TimeLag    bool
	Isolation  string
	Sort       string
	MinLag     int64
	Watch      time.Duration
	Iterations int

	query  kafka.LagQuery
	sortBy lag.SortBy
	empty  bool // the last table had no row
	// structured: JSON/YAML, whose empty list needs no note.
	structured bool
}

// NewCmdDescribe returns `kctl lag describe`.
func NewCmdDescribe(f *cmdutil.Factory, runF func(*DescribeOptions) error) *cobra.Command {
	opts := &DescribeOptions{F: f}
	cmd := &cobra.Command{
		Use:   "describe [GROUP...] (--group G ... | --all-groups | --group-pattern REGEX)",
		Short: "Consumer-group lag per partition, as kafka-consumer-groups.sh --describe shows it",
		Long: `Show how far consumer groups are behind, per partition, with Kafka's columns
and order: partitions assigned to a member first (with or without a commit),
then partitions with a commit but no member ("-" in the member columns).

A partition without a commit shows "-" for CURRENT-OFFSET and LAG (null in
JSON), never a made-up number. LAG is the log-end offset minus the committed
offset; a commit ahead of the end offset shows lag 0 with a warning.

--isolation read_committed measures lag against the last stable offset (what a
read_committed consumer can reach) instead of the high watermark.
--time-lag adds how far behind in time each lagging partition is: now minus
the timestamp of the record at the committed offset.

Messages like Kafka's go to stderr: a group with no active members, a group
rebalancing, a group that does not exist. One failing group (a deleted topic,
a coordinator that does not answer, an authorization error) does not hide the
others: its error is printed (and in JSON under "error") and the exit code is 1.

The read takes a fixed number of requests per broker, whatever the number of
groups and partitions (see docs/lag.md).`,
		Example: `  kctl lag describe --group billing
  kctl lag describe --all-groups --summary --sort lag
  kctl lag describe --group-pattern '^orders-' --topic orders --min-lag 100
  kctl lag describe --group billing --time-lag -o json
  kctl lag describe --group billing --summary --watch 5s`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Groups = append(opts.Groups, args...)
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return RunDescribe(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&opts.Groups, "group", "g", nil, "consumer group (repeatable)")
	fl.BoolVar(&opts.AllGroups, "all-groups", false, "every consumer group in the cluster")
	fl.StringVar(&opts.Pattern, "group-pattern", "", "groups whose name matches this regular expression (Go syntax)")
	fl.StringArrayVarP(&opts.Topics, "topic", "t", nil, "only these topics (repeatable)")
	fl.BoolVar(&opts.Summary, "summary", false, "one row per group: state, members, total and max lag")
	fl.BoolVar(&opts.TimeLag, "time-lag", false, "add the time lag: age of the first unconsumed record (one Fetch per leader broker)")
	fl.StringVar(&opts.Isolation, "isolation", "read_uncommitted", "read_uncommitted (lag to the high watermark) or read_committed (to the last stable offset)")
	fl.StringVar(&opts.Sort, "sort", "name", "order groups (and their rows) by name, lag or time-lag")
	fl.Int64Var(&opts.MinLag, "min-lag", 0, "only partitions lagging by at least N (with --summary: groups whose total lag is at least N)")
	fl.DurationVar(&opts.Watch, "watch", 0, "refresh every INTERVAL, showing lag change, consumption rate and time to catch up")
	fl.IntVar(&opts.Iterations, "iterations", 0, "with --watch, stop after N snapshots (0: until interrupted)")
	return cmd
}

func (o *DescribeOptions) validate() error {
	modes := 0
	if len(o.Groups) > 0 {
		modes++
	}
	if o.AllGroups {
		modes++
	}
	if o.Pattern != "" {
		modes++
	}
	if modes != 1 {
		return errs.Usagef("name the groups with exactly one of --group G (or GROUP arguments), --all-groups or --group-pattern REGEX")
	}
	for _, g := range o.Groups {
		if strings.TrimSpace(g) == "" {
			return errs.Usagef("a group name cannot be empty")
		}
	}
	for _, t := range o.Topics {
		if strings.TrimSpace(t) == "" {
			return errs.Usagef("a topic name cannot be empty")
		}
	}
	q := kafka.LagQuery{Groups: o.Groups, AllGroups: o.AllGroups, Topics: o.Topics, TimeLag: o.TimeLag}
	if o.Pattern != "" {
		re, err := regexp.Compile(o.Pattern)
		if err != nil {
			return errs.Usagef("invalid --group-pattern %q: %v", o.Pattern, err)
		}
		q.Pattern = re
	}
	switch strings.ToLower(strings.ReplaceAll(o.Isolation, "-", "_")) {
	case "", "read_uncommitted":
		q.Isolation = kafka.ReadUncommitted
	case "read_committed":
		q.Isolation = kafka.ReadCommitted
	default:
		return errs.Usagef("invalid --isolation %q: use read_uncommitted or read_committed", o.Isolation)
	}
	by, err := lag.ParseSort(o.Sort)
	if err != nil {
		return errs.Usagef("invalid --sort: %v", err)
	}
	if by == lag.ByTimeLag && !o.TimeLag {
		return errs.Usagef("--sort time-lag needs --time-lag")
	}
	if o.MinLag < 0 {
		return errs.Usagef("--min-lag must be 0 or more, got %d", o.MinLag)
	}
	if o.Watch < 0 || (o.Watch > 0 && o.Watch < 100*time.Millisecond) {
		return errs.Usagef("--watch needs an interval of at least 100ms, got %v", o.Watch)
	}
	if o.Iterations < 0 {
		return errs.Usagef("--iterations must be 0 or more")
	}
	if o.Iterations > 0 && o.Watch == 0 {
		return errs.Usagef("--iterations needs --watch")
	}
	o.query, o.sortBy = q, by
	return nil
}

// Headers of the per-partition and summary tables.
var (
	Headers        = []string{"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"}
	SummaryHeaders = []string{"GROUP", "STATE", "MEMBERS", "TOPICS", "PARTITIONS", "TOTAL-LAG", "MAX-LAG"}
)

// View is the JSON/YAML shape of `lag describe` (docs/lag.md).
type View struct {
	Groups []GroupView `json:"groups"`
}

// GroupView is one group. Coordinator is the broker id (null when unknown);
// members is the number of active members; maxTimeLagMs is null without
// --time-lag or when no lagging partition's record could be read; error is
// null unless the group failed.
type GroupView struct {
	Group        string          `json:"group"`
	State        string          `json:"state"`
	ProtocolType *string         `json:"protocolType"`
	Coordinator  *int32          `json:"coordinator"`
	Members      int             `json:"memberCount"`
	TotalLag     int64           `json:"totalLag"`
	MaxLag       int64           `json:"maxLag"`
	MaxTimeLagMs *int64          `json:"maxTimeLagMs"`
	Partitions   []PartitionView `json:"partitions"`
	Error        *string         `json:"error"`
	// Progress is the change since the previous snapshot: watch mode,
	// from the second snapshot on; null otherwise.
	Progress *ProgressView `json:"progress"`
}

// PartitionView is one partition. Null where Kafka prints "-": no commit
// (currentOffset, lag), end offset unreadable (logEndOffset, lag), not
// assigned (consumerId, host, clientId), caught up or no commit (timeLagMs).
type PartitionView struct {
	Topic         string  `json:"topic"`
	Partition     int32   `json:"partition"`
	CurrentOffset *int64  `json:"currentOffset"`
	LogEndOffset  *int64  `json:"logEndOffset"`
	Lag           *int64  `json:"lag"`
	TimeLagMs     *int64  `json:"timeLagMs"`
	ConsumerID    *string `json:"consumerId"`
	Host          *string `json:"host"`
	ClientID      *string `json:"clientId"`
}

// ProgressView is the watch-mode change since the previous snapshot.
type ProgressView struct {
	IntervalMs    int64   `json:"intervalMs"`
	LagChange     int64   `json:"lagChange"`
	ConsumePerSec float64 `json:"consumePerSec"`
	ProducePerSec float64 `json:"producePerSec"`
	CatchUpEtaMs  *int64  `json:"catchUpEtaMs"`
	CaughtUp      bool    `json:"caughtUp"`
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func msPtr(d *time.Duration) *int64 {
	if d == nil {
		return nil
	}
	ms := d.Milliseconds()
	return &ms
}

// NewView builds the JSON view of reports (progress optional, by group).
func NewView(gs []lag.Group, progress map[string]lag.Progress) View {
	v := View{Groups: make([]GroupView, 0, len(gs))}
	for _, g := range gs {
		gv := GroupView{Group: g.Group, State: g.State, ProtocolType: text.Null(g.ProtocolType), Members: g.Members,
			TotalLag: g.TotalLag, MaxLag: g.MaxLag, MaxTimeLagMs: msPtr(g.MaxTimeLag), Partitions: make([]PartitionView, 0, len(g.Rows))}
		if g.Coordinator >= 0 {
			c := g.Coordinator
			gv.Coordinator = &c
		}
		if g.Err != nil {
			e := g.Err.Error()
			gv.Error = &e
		}
		for _, r := range g.Rows {
			gv.Partitions = append(gv.Partitions, PartitionView{Topic: r.Topic, Partition: r.Partition,
				CurrentOffset: r.CurrentOffset, LogEndOffset: r.LogEndOffset, Lag: r.Lag, TimeLagMs: msPtr(r.TimeLag),
				ConsumerID: strPtr(r.ConsumerID), Host: strPtr(r.Host), ClientID: strPtr(r.ClientID)})
		}
		if p, ok := progress[g.Group]; ok {
			gv.Progress = &ProgressView{IntervalMs: p.Elapsed.Milliseconds(), LagChange: p.LagDelta,
				ConsumePerSec: p.ConsumeRate, ProducePerSec: p.ProduceRate, CatchUpEtaMs: msPtr(p.ETA), CaughtUp: p.CaughtUp}
		}
		v.Groups = append(v.Groups, gv)
	}
	return v
}

var dash = text.Dash

func durDash(d *time.Duration) string {
	if d == nil {
		return "-"
	}
	return lag.FormatDuration(*d)
}

// Rows renders the per-partition table.
func Rows(gs []lag.Group, timeLag bool) ([]string, [][]string) {
	h := Headers
	if timeLag {
		h = append(append(append([]string{}, Headers[:6]...), "TIME-LAG"), Headers[6:]...)
	}
	var rows [][]string
	for _, g := range gs {
		for _, r := range g.Rows {
			row := []string{g.Group, r.Topic, strconv.Itoa(int(r.Partition)), output.Dash(r.CurrentOffset), output.Dash(r.LogEndOffset), output.Dash(r.Lag)}
			if timeLag {
				row = append(row, durDash(r.TimeLag))
			}
			rows = append(rows, append(row, dash(r.ConsumerID), dash(r.Host), dash(r.ClientID)))
		}
	}
	return h, rows
}

// SummaryRows renders the one-row-per-group table, with watch columns when
// progress is given.
func SummaryRows(gs []lag.Group, timeLag bool, progress map[string]lag.Progress) ([]string, [][]string) {
	h := append([]string{}, SummaryHeaders...)
	if timeLag {
		h = append(h, "MAX-TIME-LAG")
	}
	if progress != nil {
		h = append(h, "LAG-CHANGE", "CONSUME-RATE", "PRODUCE-RATE", "CATCH-UP")
	}
	var rows [][]string
	for _, g := range gs {
		// Kafka prints nothing but the error for a group that does not
		// exist (JSON still lists it, with its error).
		var nf *lag.NotFoundError
		if errors.As(g.Err, &nf) {
			continue
		}
		state := g.State
		if g.Err != nil && state == "" {
			state = "ERROR"
		}
		total, maxLag := strconv.FormatInt(g.TotalLag, 10), strconv.FormatInt(g.MaxLag, 10)
		if g.Err != nil && len(g.Rows) == 0 {
			// Nothing could be read: not "no lag".
			total, maxLag = "-", "-"
		}
		row := []string{g.Group, dash(state), strconv.Itoa(g.Members), strconv.Itoa(g.Topics), strconv.Itoa(g.Partitions), total, maxLag}
		if timeLag {
			row = append(row, durDash(g.MaxTimeLag))
		}
		if progress != nil {
			if p, ok := progress[g.Group]; ok {
				row = append(row, lag.FormatDelta(p.LagDelta), lag.FormatRate(p.ConsumeRate), lag.FormatRate(p.ProduceRate), p.FormatETA())
			} else {
				row = append(row, "-", "-", "-", "-")
			}
		}
		rows = append(rows, row)
	}
	return h, rows
}

// RunDescribe runs `lag describe`.
func RunDescribe(parent context.Context, o *DescribeOptions) error {
	if parent == nil {
		parent = context.Background()
	}
	p, err := o.F.Printer()
	if err != nil {
		return err
	}
	if o.Watch > 0 {
		return runWatch(parent, o, p)
	}
	gs, res, err := o.snapshot(parent)
	if err != nil {
		return err
	}
	if err := o.print(p, gs, nil); err != nil {
		return err
	}
	return o.report(gs, res)
}

// snapshot reads lag once, within one --timeout.
func (o *DescribeOptions) snapshot(parent context.Context) ([]lag.Group, *kafka.LagResult, error) {
	ctx, cancel, err := o.F.Context(parent)
	if err != nil {
		return nil, nil, err
	}
	defer cancel()
	a, err := o.F.AdminParallel(ctx, o.query.Connections())
	if err != nil {
		return nil, nil, err
	}
	res, err := a.Lag(ctx, o.query)
	if err != nil {
		return nil, nil, err
	}
	gs := res.Reports()
	lag.Sort(gs, o.sortBy)
	gs = lag.FilterMinLag(gs, o.MinLag, o.Summary)
	return gs, res, nil
}

func (o *DescribeOptions) print(p *output.Printer, gs []lag.Group, progress map[string]lag.Progress) error {
	o.structured = p.Structured()
	if done, err := p.Data(NewView(gs, progress)); done {
		return err
	}
	// The header even when there is nothing to show, as every kctl table
	// does; report says why on stderr.
	if o.Summary {
		h, rows := SummaryRows(gs, o.TimeLag, progress)
		o.empty = len(rows) == 0
		return p.Table(h, rows)
	}
	h, rows := Rows(gs, o.TimeLag)
	o.empty = len(rows) == 0
	if err := p.Table(h, rows); err != nil {
		return err
	}
	if progress != nil {
		fmt.Fprintln(p.Out)
		ph := []string{"GROUP", "TOTAL-LAG", "LAG-CHANGE", "CONSUME-RATE", "PRODUCE-RATE", "CATCH-UP"}
		var prow [][]string
		for _, g := range gs {
			if pr, ok := progress[g.Group]; ok {
				prow = append(prow, []string{g.Group, strconv.FormatInt(g.TotalLag, 10), lag.FormatDelta(pr.LagDelta),
					lag.FormatRate(pr.ConsumeRate), lag.FormatRate(pr.ProduceRate), pr.FormatETA()})
			}
		}
		return p.Table(ph, prow)
	}
	return nil
}

// report prints Kafka's notes and the errors on stderr and returns exit 1
// when any group (or broker) failed.
func (o *DescribeOptions) report(gs []lag.Group, res *kafka.LagResult) error {
	failed := 0
	// With --all-groups or a pattern, hundreds of idle groups would bury
	// the errors: their "no active members" notes become one line.
	listed := o.AllGroups || o.Pattern != ""
	var idle []string
	for _, g := range gs {
		for i, n := range g.Notes {
			if listed && g.Idle && i == 0 {
				idle = append(idle, g.Group)
				continue
			}
			o.F.Warnf("%s", n)
		}
	}
	switch {
	case len(idle) == 1:
		o.F.Warnf("Consumer group '%s' has no active members.", idle[0])
	case len(idle) > 1:
		shown := idle
		more := ""
		if len(shown) > 10 {
			shown, more = shown[:10], fmt.Sprintf(" and %d more", len(idle)-10)
		}
		o.F.Warnf("%d consumer groups have no active members: %s%s.", len(idle), strings.Join(shown, ", "), more)
	}
	for _, g := range gs {
		if g.Err != nil {
			o.F.Warnf("Error: %v", g.Err)
			failed++
		}
	}
	for _, e := range res.Errors {
		o.F.Warnf("Error: %v", e)
		failed++
	}
	if failed == 0 && !o.structured {
		if note := o.emptyNote(gs); note != "" {
			o.F.Warnf("%s", note)
		}
	}
	if failed > 0 {
		return errs.SilentExit(errs.ExitFailure)
	}
	return nil
}

// emptyNote says why a table without errors has no row ("" when it has
// rows, or when the stderr notes already say why).
func (o *DescribeOptions) emptyNote(gs []lag.Group) string {
	onTopics := ""
	if len(o.Topics) > 0 {
		onTopics = " on topic " + strings.Join(o.Topics, ", ")
	}
	switch {
	case len(gs) == 0 && o.MinLag > 0:
		return fmt.Sprintf("No consumer group lags more than %d records (--min-lag)%s.", o.MinLag, onTopics)
	case len(gs) == 0 && o.Pattern != "":
		return fmt.Sprintf("No consumer group matches --group-pattern '%s'.", o.Pattern)
	case len(gs) == 0 && o.AllGroups:
		return "No consumer group exists."
	case len(gs) == 0 || !o.empty:
		return ""
	case len(gs) == 1:
		return fmt.Sprintf("Consumer group '%s' has no committed offset and no assigned partition%s.", gs[0].Group, onTopics)
	}
	return fmt.Sprintf("None of the %d consumer groups has a committed offset or an assigned partition%s.", len(gs), onTopics)
}
