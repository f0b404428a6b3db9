package offsets

import (
	"context"
	"fmt"
	"os"
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

// ResetOptions are the inputs of `kctl offsets reset`.
type ResetOptions struct {
	F *cmdutil.Factory

	Groups    []string
	AllGroups bool
	Topics    []string
	AllTopics bool

	ToDatetime string
	Timezone   string
	ByDuration string
	ToEarliest bool
	ToLatest   bool
	ToOffset   int64
	ShiftBy    int64
	ToCurrent  bool
	FromFile   string

	Execute  bool
	Export   string
	Yes      bool
	UndoFile string

	// Now and Getenv are the clock and environment (tests fix them).
	Now    func() time.Time
	Getenv func(string) string

	// Resolved by Complete.
	Spec     offsets.Spec
	Instant  *offsets.Instant
	Scopes   []offsets.TopicScope
	fromFile map[string]map[offsets.TP]int64
	// fileWithGroup: the file is in the four-column format.
	fileWithGroup bool
	toOffsetSet   bool
	shiftBySet    bool
	// at holds the groups' coordinators, found once per run.
	at *kafka.GroupsAt
}

// NewCmdReset returns `kctl offsets reset`.
func NewCmdReset(f *cmdutil.Factory, runF func(*ResetOptions) error) *cobra.Command {
	o := &ResetOptions{F: f}
	cmd := &cobra.Command{
		Use:   "reset (--group G ... | --all-groups) (--topic T[:P,P] ... | --all-topics) SPEC [--execute]",
		Short: "Plan, and with --execute apply, a consumer-group offset reset",
		Long: `Reset the committed offsets of consumer groups, as kafka-consumer-groups.sh
--reset-offsets does, with the plan always shown first.

Dry run is the default: kctl prints GROUP, TOPIC, PARTITION, CURRENT-OFFSET,
NEW-OFFSET and LAG-AFTER (the lag the group would have after the reset) and
changes nothing. --execute applies the plan:

  - only groups in state Empty or Dead (or unknown to the cluster) are reset;
    an active group is refused, naming its state and its members' client ids
    and hosts, and nothing is changed for it (exit 1);
  - the state is checked again right before committing;
  - the previous committed offsets are written to an undo file first (CSV,
    under $XDG_STATE_HOME/kctl/undo or ~/.local/state/kctl/undo unless
    --undo-file is given); --from-file UNDO --execute restores them;
  - offsets are committed with a standalone OffsetCommit (generation -1, no
    group join), every partition's error code is checked, and the offsets
    are read back: "applied N partitions, verified".

SPEC is exactly one of:
  --to-datetime TS   the first offset at or after TS (log-end when no record is
                     that recent); accepted forms:` + indent(offsets.AcceptedFormsText(), "                     ") + `
  --by-duration D    the same, for now minus D: ` + offsets.DurationForms + `
  --to-earliest, --to-latest, --to-offset N, --shift-by N (negative allowed),
  --to-current       (log-end for partitions without a commit)
  --from-file FILE   CSV topic,partition,offset (one --group) or
                     group,topic,partition,offset, as kafka-consumer-groups.sh
                     --export writes it; the file gives the scope

--to-offset, --shift-by and --from-file are clamped into [log-start, log-end]
with a warning per clamped partition. --shift-by on a partition without a
committed offset is an error for that partition. --all-topics means the
partitions the group has committed offsets for.`,
		Example: `  # What would a replay from 10:00 UTC do? (dry run)
  kctl offsets reset --group billing --topic orders --to-datetime 2026-11-25T10:00:00Z

  # Local time in Paris, then apply
  kctl offsets reset --group billing --topic orders --to-datetime 2026-11-25T11:00 --timezone Europe/Paris --execute

  # Skip one poison-pill record on partition 3
  kctl offsets reset --group billing --topic orders:3 --shift-by 1 --execute

  # Save the plan, review it, apply it, and undo it
  kctl offsets reset --group billing --all-topics --by-duration 2h --export plan.csv
  kctl offsets reset --group billing --from-file plan.csv --execute
  kctl offsets reset --from-file ~/.local/state/kctl/undo/reset-...-billing.csv --execute`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.toOffsetSet = cmd.Flags().Changed("to-offset")
			o.shiftBySet = cmd.Flags().Changed("shift-by")
			if err := o.Complete(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return RunReset(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&o.Groups, "group", "g", nil, "consumer group (repeatable)")
	fl.BoolVar(&o.AllGroups, "all-groups", false, "every consumer group of the cluster")
	fl.StringArrayVarP(&o.Topics, "topic", "t", nil, "topic, or topic:P,P,... for some partitions (repeatable)")
	fl.BoolVar(&o.AllTopics, "all-topics", false, "every partition the group has committed offsets for")
	fl.StringVar(&o.ToDatetime, "to-datetime", "", "reset to the first offset at or after this time")
	fl.StringVar(&o.Timezone, "timezone", "UTC", "zone of --to-datetime values without one: IANA name (Europe/Paris), UTC, Local or +02:00")
	fl.StringVar(&o.ByDuration, "by-duration", "", "reset to the first offset at or after now minus this duration (90m, 2d, PT1H30M)")
	fl.BoolVar(&o.ToEarliest, "to-earliest", false, "reset to the log-start offset")
	fl.BoolVar(&o.ToLatest, "to-latest", false, "reset to the log-end offset")
	fl.Int64Var(&o.ToOffset, "to-offset", 0, "reset to this offset (clamped into [log-start, log-end])")
	fl.Int64Var(&o.ShiftBy, "shift-by", 0, "move the committed offset by N (negative: back), clamped")
	fl.BoolVar(&o.ToCurrent, "to-current", false, "re-commit the current offsets (log-end where there is none)")
	fl.StringVar(&o.FromFile, "from-file", "", "reset to the offsets in a CSV file (as --export writes it)")
	fl.BoolVar(&o.Execute, "execute", false, "apply the plan (default: dry run)")
	fl.StringVar(&o.Export, "export", "", `write the plan as Kafka-compatible CSV to this file ("-": stdout instead of the table)`)
	fl.BoolVarP(&o.Yes, "yes", "y", false, "do not ask for confirmation on a terminal")
	fl.StringVar(&o.UndoFile, "undo-file", "", "where --execute writes the previous offsets (default: a new file in the state dir)")
	return cmd
}

func indent(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// Complete checks the flags and resolves the spec, without the network.
func (o *ResetOptions) Complete() error {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	for i, g := range o.Groups {
		if strings.TrimSpace(g) == "" {
			return errs.Usagef("--group: empty group name")
		}
		o.Groups[i] = g
	}
	o.Groups = slices.Compact(slices.Sorted(slices.Values(o.Groups)))
	if o.AllGroups && len(o.Groups) > 0 {
		return errs.Usagef("give --group or --all-groups, not both")
	}

	var specs []string
	set := func(on bool, name string, k offsets.SpecKind) {
		if on {
			specs = append(specs, name)
			o.Spec.Kind = k
		}
	}
	set(o.ToDatetime != "", "--to-datetime", offsets.ToDatetime)
	set(o.ByDuration != "", "--by-duration", offsets.ByDuration)
	set(o.ToEarliest, "--to-earliest", offsets.ToEarliest)
	set(o.ToLatest, "--to-latest", offsets.ToLatest)
	set(o.toOffsetSet, "--to-offset", offsets.ToOffset)
	set(o.shiftBySet, "--shift-by", offsets.ShiftBy)
	set(o.ToCurrent, "--to-current", offsets.ToCurrent)
	set(o.FromFile != "", "--from-file", offsets.FromFile)
	switch len(specs) {
	case 0:
		return errs.Usagef("give one reset spec: --to-datetime, --by-duration, --to-earliest, --to-latest, --to-offset, --shift-by, --to-current or --from-file")
	case 1:
	default:
		return errs.Usagef("give exactly one reset spec, got %s", strings.Join(specs, ", "))
	}
	if o.Timezone != "UTC" && o.Timezone != "" && o.Spec.Kind != offsets.ToDatetime {
		return errs.Usagef("--timezone applies to --to-datetime only")
	}
	if o.UndoFile != "" && !o.Execute {
		return errs.Usagef("--undo-file applies to --execute only")
	}

	switch o.Spec.Kind {
	case offsets.ToDatetime:
		loc, name, err := offsets.ParseTimezone(o.Timezone)
		if err != nil {
			return errs.Usagef("%v", err)
		}
		in, err := offsets.ParseDateTime(o.ToDatetime, loc, name)
		if err != nil {
			return errs.Usagef("%v", err)
		}
		o.Instant = &in
		o.Spec.Timestamp = in.Millis()
	case offsets.ByDuration:
		d, err := offsets.ParseDuration(o.ByDuration)
		if err != nil {
			return errs.Usagef("%v", err)
		}
		// Whole milliseconds: what ListOffsets takes, and what the echo shows.
		in := offsets.Instant{Time: o.Now().Add(-d).UTC().Truncate(time.Millisecond), Zone: "UTC"}
		o.Instant = &in
		o.Spec.Timestamp = in.Millis()
	case offsets.ToOffset:
		if o.ToOffset < 0 {
			return errs.Usagef("--to-offset must be 0 or more, got %d", o.ToOffset)
		}
		o.Spec.Offset = o.ToOffset
	case offsets.ShiftBy:
		o.Spec.Shift = o.ShiftBy
	}

	if o.Spec.Kind == offsets.FromFile {
		if len(o.Topics) > 0 || o.AllTopics {
			return errs.Usagef("--from-file gives the scope: drop --topic/--all-topics")
		}
		if o.AllGroups {
			return errs.Usagef("--from-file names its groups: use --group to pick some, not --all-groups")
		}
		f, err := os.Open(o.FromFile)
		if err != nil {
			return errs.Usagef("--from-file: %v", err)
		}
		rows, withGroup, err := offsets.ReadCSV(f)
		f.Close()
		if err != nil {
			return errs.Usagef("--from-file %s: %v", o.FromFile, err)
		}
		byGroup, err := offsets.GroupsFromRows(rows, withGroup, o.Groups)
		if err != nil {
			return errs.Usagef("--from-file %s: %v", o.FromFile, err)
		}
		o.fromFile, o.fileWithGroup = byGroup, withGroup
	} else {
		if len(o.Groups) == 0 && !o.AllGroups {
			return errs.Usagef("give --group G (repeatable) or --all-groups")
		}
		switch {
		case len(o.Topics) > 0 && o.AllTopics:
			return errs.Usagef("give --topic or --all-topics, not both")
		case len(o.Topics) == 0 && !o.AllTopics:
			return errs.Usagef("give the scope: --topic T, --topic T:0,2,5 (repeatable) or --all-topics")
		}
		for _, t := range o.Topics {
			sc, err := offsets.ParseTopicScope(t)
			if err != nil {
				return errs.Usagef("%v", err)
			}
			o.Scopes = append(o.Scopes, sc)
		}
		o.Scopes = offsets.MergeScopes(o.Scopes)
	}
	if o.Export == "-" {
		if f, _ := output.ParseFormat(o.F.Global.Output); f != output.Table {
			return errs.Usagef("--export - writes CSV to stdout: it cannot be combined with -o %s", o.F.Global.Output)
		}
	}
	return nil
}

// View is the JSON/YAML shape of `offsets reset`.
type View struct {
	Groups   []GroupView `json:"groups"`
	UndoFile *string     `json:"undoFile"`
	// ResolvedTime echoes --to-datetime / --by-duration (null otherwise).
	ResolvedTime *TimeView `json:"resolvedTime"`
}

// TimeView is the resolved instant of a time spec.
type TimeView struct {
	UTC     string `json:"utc"`
	Local   string `json:"local"`
	Zone    string `json:"zone"`
	EpochMs int64  `json:"epochMs"`
}

// GroupView is one group's plan and outcome.
type GroupView struct {
	Group string `json:"group"`
	State string `json:"state"`
	// Executed is true when kctl sent the commit for this group; false
	// guarantees nothing changed for it.
	Executed   bool            `json:"executed"`
	Error      *string         `json:"error"`
	Partitions []PartitionView `json:"partitions"`
}

// PartitionView is one line of the plan.
type PartitionView struct {
	Topic         string  `json:"topic"`
	Partition     int32   `json:"partition"`
	CurrentOffset *int64  `json:"currentOffset"`
	NewOffset     *int64  `json:"newOffset"`
	LagAfter      *int64  `json:"lagAfter"`
	Note          *string `json:"note"`
}

// Headers are the plan table's columns. LAG-AFTER is the lag the group
// would have after the reset (log-end minus NEW-OFFSET).
var Headers = []string{"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET", "LAG-AFTER"}

// groupRun is one group through plan and apply.
type groupRun struct {
	name  string
	state string
	plan  offsets.GroupPlan
	// err stops the group (not planned, refused, or failed to apply): an
	// *offsets.PlanError, *offsets.RefusedError, or what ApplyResets says.
	err      error
	reported bool // err was printed
	executed bool
	notes    map[offsets.TP]error // apply-time notes (commit errors, verification)
}

// RunReset runs `offsets reset`.
func RunReset(parent context.Context, o *ResetOptions) error {
	p, err := o.F.Printer()
	if err != nil {
		return err
	}
	ctx, cancel, err := o.F.Context(parent)
	if err != nil {
		return err
	}
	defer cancel()
	if o.Instant != nil {
		o.F.Warnf("%s", o.echo())
	}
	a, err := o.F.Admin(ctx)
	if err != nil {
		return err
	}
	runs, err := o.plan(ctx, a)
	if err != nil {
		return err
	}
	failures := 0
	for _, r := range runs {
		o.reportPlan(r)
		if r.err != nil {
			failures++
		}
	}
	if o.Export != "" {
		if err := o.export(runs); err != nil {
			return err
		}
	}
	view := o.view(runs, "")
	if !o.Execute {
		if err := o.print(p, view, runs); err != nil {
			return err
		}
		o.F.Warnf("Dry run: nothing was changed. Add --execute to apply this plan.")
		return exitFor(failures, len(runs))
	}
	var ready []*groupRun
	for _, r := range runs {
		if r.err == nil && len(r.plan.Partitions) > 0 {
			ready = append(ready, r)
		}
	}
	if len(ready) > 0 && !o.Yes && o.F.Streams.Interactive && !p.Structured() {
		if err := o.print(p, view, runs); err != nil {
			return err
		}
		n := 0
		for _, r := range ready {
			n += len(r.plan.NewOffsets())
		}
		// "n" exits 0 with "Nothing was changed.", as every prompt does.
		if err := o.F.Confirm(false, fmt.Sprintf("Commit these offsets for %d partitions of %d groups?", n, len(ready)), nil); err != nil {
			return err
		}
		p = nil // the table is on screen; print only outcomes below
	}
	undo := o.apply(ctx, a, ready)
	failures = 0
	for _, r := range runs {
		if r.err != nil {
			failures++
		}
	}
	if p != nil {
		if err := o.print(p, o.view(runs, undo), runs); err != nil {
			return err
		}
	}
	return exitFor(failures, len(runs))
}

func exitFor(failures, total int) error {
	if failures == 0 {
		return nil
	}
	return &errs.PartialFailure{Msg: fmt.Sprintf("%d of %d groups could not be reset as planned (see above)", failures, total)}
}

func (o *ResetOptions) echo() string {
	i := o.Instant
	if o.Spec.Kind == offsets.ByDuration {
		return fmt.Sprintf("Resetting to now minus %s: %s", o.ByDuration, i)
	}
	return fmt.Sprintf("Resetting to --to-datetime %s: %s", o.ToDatetime, i)
}

func (o *ResetOptions) timeView() *TimeView {
	if o.Instant == nil {
		return nil
	}
	i := o.Instant
	return &TimeView{
		UTC:     i.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		Local:   i.Time.Format("2006-01-02T15:04:05.000Z07:00"),
		Zone:    i.Zone,
		EpochMs: i.Millis(),
	}
}

func (o *ResetOptions) reportPlan(r *groupRun) {
	for _, p := range r.plan.Partitions {
		switch {
		case p.Err != "":
			o.F.Warnf("Error: group %q %s: %s", r.name, p.TP, p.Err)
		case p.Clamped:
			o.F.Warnf("Warning: group %q %s: %s", r.name, p.TP, p.Note)
		case p.Note != "":
			o.F.Warnf("Note: group %q %s: %s", r.name, p.TP, p.Note)
		}
	}
	if r.err != nil {
		r.reported = true
		o.F.Warnf("Error: %v", r.err)
	}
}

func (o *ResetOptions) view(runs []*groupRun, undo string) View {
	v := View{Groups: []GroupView{}, UndoFile: text.Null(undo), ResolvedTime: o.timeView()}
	for _, r := range runs {
		gv := GroupView{Group: r.name, State: r.state, Executed: r.executed, Partitions: []PartitionView{}}
		if r.err != nil {
			gv.Error = text.Null(r.err.Error())
		}
		for _, p := range r.plan.Partitions {
			pv := PartitionView{Topic: p.Topic, Partition: p.Partition, CurrentOffset: p.Current, LagAfter: p.LagAfter}
			note := p.Note
			if p.Err == "" {
				n := p.New
				pv.NewOffset = &n
			} else {
				note = "error: " + p.Err
			}
			if extra := r.notes[p.TP]; extra != nil {
				if note != "" {
					note += "; "
				}
				note += extra.Error()
			}
			pv.Note = text.Null(note)
			gv.Partitions = append(gv.Partitions, pv)
		}
		v.Groups = append(v.Groups, gv)
	}
	return v
}

func (o *ResetOptions) print(p *output.Printer, v View, runs []*groupRun) error {
	if o.Export == "-" {
		return nil // the CSV is the output
	}
	if done, err := p.Data(v); done {
		return err
	}
	var rows [][]string
	for _, g := range v.Groups {
		for _, pv := range g.Partitions {
			rows = append(rows, []string{g.Group, pv.Topic, strconv.Itoa(int(pv.Partition)),
				output.Dash(pv.CurrentOffset), output.Dash(pv.NewOffset), output.Dash(pv.LagAfter)})
		}
	}
	if len(rows) == 0 {
		o.F.Warnf("The plan is empty: no partition to reset.")
		return nil
	}
	return p.Table(Headers, rows)
}

// export writes the plan as kafka-consumer-groups.sh would: three columns
// when exactly one --group was named, four otherwise.
func (o *ResetOptions) export(runs []*groupRun) error {
	var plans []offsets.GroupPlan
	for _, r := range runs {
		plans = append(plans, r.plan)
	}
	rows := offsets.ExportRows(plans)
	withGroup := len(o.Groups) != 1
	if o.Export == "-" {
		return offsets.WriteCSV(o.F.Streams.Out, rows, withGroup)
	}
	var b strings.Builder
	if err := offsets.WriteCSV(&b, rows, withGroup); err != nil {
		return err
	}
	if err := os.WriteFile(o.Export, []byte(b.String()), 0o644); err != nil {
		return errs.Exit(errs.ExitFailure, "--export: %v", err)
	}
	o.F.Warnf("Plan exported to %s (%d partitions).", o.Export, len(rows))
	return nil
}

// undoPath is --undo-file, or a new file in the state directory.
func (o *ResetOptions) undoPath(groups []string) (string, error) {
	if o.UndoFile != "" {
		return o.UndoFile, nil
	}
	return offsets.UndoPath(o.Getenv, o.Now(), groups)
}

// writeUndo writes the previous commits before anything changes. It never
// overwrites a file: an undo file is the only way back.
func (o *ResetOptions) writeUndo(plans []offsets.GroupPlan) (string, error) {
	var names []string
	for _, p := range plans {
		names = append(names, p.Group)
	}
	rows, skipped := offsets.UndoRows(plans)
	if len(skipped) > 0 {
		o.F.Warnf("Note: %d partitions had no committed offset; an undo cannot remove the new commits (%s).", len(skipped), strings.Join(skipped, ", "))
	}
	if len(rows) == 0 {
		o.F.Warnf("No previous commits: no undo file written.")
		return "", nil
	}
	path, err := o.undoPath(names)
	if err != nil {
		return "", err
	}
	if err := offsets.WriteUndoFile(path, rows); err != nil {
		return "", err
	}
	return path, nil
}
