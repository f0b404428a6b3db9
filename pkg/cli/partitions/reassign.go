package partitions

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/output/text"
	"github.com/kctl-dev/kctl/pkg/reassign"
)

type printer = *output.Printer

// Throttle config names (Kafka's replication quotas).
const (
	leaderRate       = "leader.replication.throttled.rate"
	followerRate     = "follower.replication.throttled.rate"
	leaderReplicas   = "leader.replication.throttled.replicas"
	followerReplicas = "follower.replication.throttled.replicas"
)

// ReassignOptions are the inputs of `kctl partitions reassign`.
type ReassignOptions struct {
	F            *cmdutil.Factory
	PlanFile     string
	Generate     bool
	Topics       []string
	Brokers      []int32
	Output       string
	Execute      bool
	Verify       bool
	Cancel       bool
	Throttle     int64
	RollbackFile string
}

// ReassignView is the JSON shape of `partitions reassign`: every key is
// there for every action, null (or [] for a list) when the action has no
// value for it.
type ReassignView struct {
	Action string `json:"action"` // generate, dry-run, execute, verify, cancel
	// Moves: generate, dry-run and execute; [] for verify and cancel.
	Moves       []reassign.Move `json:"moves"`
	BytesToMove int64           `json:"bytesToMove"`
	// Plan is the proposed plan of --generate, as written to a file.
	Plan         *reassign.Plan `json:"plan"`
	RollbackFile *string        `json:"rollbackFile"` // --execute
	Throttle     *int64         `json:"throttle"`     // --execute --throttle, bytes/s
	// Status: verify and cancel; [] for the others.
	Status           []PartitionStat `json:"status"`
	Complete         bool            `json:"complete"`
	ThrottlesRemoved bool            `json:"throttlesRemoved"`
}

func newReassignView(action string) ReassignView {
	return ReassignView{Action: action, Moves: []reassign.Move{}, Status: []PartitionStat{}}
}

// PartitionStat is one partition's state in --verify and --cancel.
type PartitionStat struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Target    []int32 `json:"target"`
	Replicas  []int32 `json:"replicas"`
	Adding    []int32 `json:"adding"`
	Removing  []int32 `json:"removing"`
	// State: "complete", "in progress", "not started" (the replicas
	// differ and nothing is moving), "cancelled", "not in progress".
	State string `json:"state"`
}

// NewCmdReassign returns `kctl partitions reassign`.
func NewCmdReassign(f *cmdutil.Factory, runF func(*ReassignOptions) error) *cobra.Command {
	opts := &ReassignOptions{F: f}
	var brokers []int
	cmd := &cobra.Command{
		Use:   "reassign",
		Short: "Move partition replicas between brokers (plans in kafka-reassign-partitions.sh's JSON)",
		Long: `Reassign partition replicas, as kafka-reassign-partitions.sh does, with its JSON
plan format ({"version":1,"partitions":[{"topic","partition","replicas","log_dirs"}]}).

  --generate --topics T,.. --broker-list 1,2,3  propose a plan: minimal movement,
        balanced replicas and preferred leaders, rack-aware; shows each move
        and the bytes to copy (DescribeLogDirs); --write-plan FILE writes it
  --plan FILE                  dry run: validate the plan, show the moves
  --plan FILE --execute        write the rollback plan (the current
        assignment; 0600, never overwritten: --rollback-file, default
        FILE.rollback.json), set the throttles (--throttle BYTES/s), start
  --plan FILE --verify         progress per partition; once every partition
        is done, remove the throttles
  --plan FILE --cancel         cancel the moves in progress, remove throttles

A bad plan (unknown broker, repeated replica, missing partition) is refused
with exit 2 and nothing changed. The throttle sets, as Kafka's tool does,
leader/follower.replication.throttled.rate on the brokers involved and
leader.replication.throttled.replicas (current replicas) and
follower.replication.throttled.replicas (added replicas) on the topics.`,
		Example: `  kctl partitions reassign --generate --topics orders --broker-list 1,2,3 --write-plan plan.json
  kctl partitions reassign --plan plan.json
  kctl partitions reassign --plan plan.json --execute --throttle 10000000
  kctl partitions reassign --plan plan.json --verify
  kctl partitions reassign --plan plan.json --cancel`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, b := range brokers {
				opts.Brokers = append(opts.Brokers, int32(b))
			}
			n := 0
			for _, x := range []bool{opts.Execute, opts.Verify, opts.Cancel, opts.Generate} {
				if x {
					n++
				}
			}
			switch {
			case n > 1:
				return errs.Usagef("choose one of --generate, --execute, --verify, --cancel")
			case opts.Generate && (len(opts.Topics) == 0 || len(opts.Brokers) == 0):
				return errs.Usagef("--generate needs --topics and --broker-list")
			case opts.Generate && opts.PlanFile != "":
				return errs.Usagef("--generate proposes a plan; it takes no --plan")
			case !opts.Generate && opts.PlanFile == "":
				return errs.Usagef("name a plan (--plan FILE) or --generate one")
			case cmd.Flags().Changed("throttle") && (!opts.Execute || opts.Throttle <= 0):
				return errs.Usagef("--throttle goes with --execute and is a rate in bytes/s above 0")
			}
			if runF != nil {
				return runF(opts)
			}
			return RunReassign(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.PlanFile, "plan", "", "reassignment plan file (kafka-reassign-partitions.sh JSON)")
	fl.BoolVar(&opts.Generate, "generate", false, "propose a plan for --topics over --broker-list")
	fl.StringSliceVar(&opts.Topics, "topics", nil, "topics to move (with --generate)")
	fl.IntSliceVar(&brokers, "broker-list", nil, "target broker ids, as kafka-reassign-partitions.sh names them (with --generate)")
	fl.StringVar(&opts.Output, "write-plan", "", "write the proposed plan to this file (with --generate; never overwritten)")
	fl.BoolVar(&opts.Execute, "execute", false, "start the reassignment (default: dry run)")
	fl.BoolVar(&opts.Verify, "verify", false, "show progress; remove the throttles once complete")
	fl.BoolVar(&opts.Cancel, "cancel", false, "cancel the reassignments in progress and remove the throttles")
	fl.Int64Var(&opts.Throttle, "throttle", 0, "replication throttle in bytes/s while moving (with --execute)")
	fl.StringVar(&opts.RollbackFile, "rollback-file", "", "where --execute writes the current assignment (default: PLAN.rollback.json)")
	return cmd
}

// MovesHeaders are the moves table's columns.
var MovesHeaders = []string{"TOPIC", "PARTITION", "CURRENT", "TARGET", "ADDING", "REMOVING", "BYTES-TO-MOVE"}

// StatusHeaders are the --verify / --cancel table's columns.
var StatusHeaders = []string{"TOPIC", "PARTITION", "TARGET", "REPLICAS", "ADDING", "REMOVING", "STATE"}

// RunReassign runs `partitions reassign`.
func RunReassign(parent context.Context, o *ReassignOptions) error {
	var plan *reassign.Plan
	if o.PlanFile != "" {
		b, err := os.ReadFile(o.PlanFile)
		if err != nil {
			return errs.Usagef("cannot read the plan: %v", err)
		}
		if plan, err = reassign.ParsePlan(b); err != nil {
			return errs.Usagef("%s: %v; nothing changed", o.PlanFile, err)
		}
	}
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	md, err := a.DescribeCluster(ctx, nil) // the answer read at connect
	if err != nil {
		return err
	}
	brokers := map[int32]bool{}
	var live []reassign.Broker
	for _, b := range md.Brokers {
		brokers[b.ID] = true
		live = append(live, reassign.Broker{ID: b.ID, Rack: b.Rack})
	}
	counts := map[string]int32{}
	current := map[string][]int32{}
	parts := map[string]reassign.Partition{}
	for _, t := range md.Topics {
		if t.Err != nil {
			continue
		}
		counts[t.Name] = int32(len(t.Partitions))
		for _, pi := range t.Partitions {
			k := fmt.Sprintf("%s-%d", t.Name, pi.Partition)
			current[k] = pi.Replicas
			parts[k] = reassign.Partition{Topic: t.Name, Partition: pi.Partition, Leader: pi.Leader, Replicas: pi.Replicas, ISR: pi.ISR}
		}
	}
	v := newReassignView("dry-run")
	if o.Generate {
		for _, t := range o.Topics {
			if _, ok := counts[t]; !ok {
				return errs.Usagef("topic '%s' does not exist", t)
			}
		}
		var targets []reassign.Broker
		for _, id := range o.Brokers {
			if !brokers[id] {
				return errs.Usagef("broker %d is not in the cluster", id)
			}
			targets = append(targets, reassign.Broker{ID: id, Rack: rackOf(live, id)})
		}
		var ps []reassign.Partition
		for _, x := range parts {
			if slices.Contains(o.Topics, x.Topic) {
				ps = append(ps, x)
			}
		}
		if plan, err = reassign.Generate(ps, targets); err != nil {
			return errs.Usagef("%v", err)
		}
		v.Action, v.Plan = "generate", plan.Normalized()
	} else if probs := reassign.Validate(plan, brokers, counts); len(probs) > 0 {
		for _, pr := range probs {
			o.F.Warnf("Error: %s", pr)
		}
		return errs.Usagef("%s: %d problems; nothing changed", o.PlanFile, len(probs))
	}

	switch {
	case o.Verify:
		return verify(ctx, o, p, a, plan, current)
	case o.Cancel:
		return cancelMoves(ctx, o, p, a, plan, current)
	}
	sizes, err := partitionSizes(ctx, a, plan)
	if err != nil {
		return err
	}
	v.Moves = reassign.Moves(plan, current, func(t string, p int32) int64 {
		if s, ok := sizes[kafka.TopicPartition{Topic: t, Partition: p}]; ok {
			return s
		}
		return -1
	})
	if v.Moves == nil {
		v.Moves = []reassign.Move{}
	}
	for _, m := range v.Moves {
		if m.Bytes > 0 {
			v.BytesToMove += m.Bytes
		}
	}
	if o.Generate && o.Output != "" {
		if err := writeNew(o.Output, plan.Encode(), 0o644); err != nil {
			return err
		}
	}
	if !o.Execute {
		if err := printMoves(p, v); err != nil {
			return err
		}
		if !p.Structured() {
			if o.Generate && o.Output == "" {
				fmt.Fprintf(p.Out, "\nProposed partition reassignment configuration\n%s", plan.Encode())
			}
			if o.Generate && o.Output != "" {
				o.F.Warnf("Wrote the proposed plan to %s.", o.Output)
			}
			if !o.Generate && len(v.Moves) > 0 {
				o.F.Warnf("Dry run: run again with --execute to start moving %s.", text.Plural(len(v.Moves), "partition", "partitions"))
			}
		}
		return nil
	}
	if len(v.Moves) == 0 {
		o.F.Warnf("Nothing to move: every partition of the plan already has its target replicas.")
		return nil
	}
	// The rollback plan first: if it cannot be written, nothing changes.
	rb := o.RollbackFile
	if rb == "" {
		rb = o.PlanFile + ".rollback.json"
	}
	var cur []reassign.Partition
	for _, m := range v.Moves {
		cur = append(cur, parts[fmt.Sprintf("%s-%d", m.Topic, m.Partition)])
	}
	if err := writeNew(rb, reassign.Current(cur).Encode(), 0o600); err != nil {
		return err
	}
	v.Action, v.RollbackFile = "execute", &rb
	if o.Throttle > 0 {
		v.Throttle = &o.Throttle
	}
	if o.Throttle > 0 {
		if err := setThrottles(ctx, a, reassign.ThrottlesFor(v.Moves), o.Throttle); err != nil {
			return fmt.Errorf("setting the throttle (nothing reassigned yet; %s holds the current assignment): %w", rb, err)
		}
	}
	targets := map[kafka.TopicPartition][]int32{}
	for _, m := range v.Moves {
		targets[kafka.TopicPartition{Topic: m.Topic, Partition: m.Partition}] = m.Target
	}
	res, err := a.AlterReassignments(ctx, targets)
	if err != nil {
		return err
	}
	failed := 0
	for _, tp := range sortedTPs(res) {
		if e := res[tp]; e != nil {
			o.F.Warnf("Error: %v", e)
			failed++
		}
	}
	if err := printMoves(p, v); err != nil {
		return err
	}
	if !p.Structured() {
		o.F.Warnf("Started moving %s; the current assignment is in %s (--plan %s --execute rolls back). Check with --verify.", text.Plural(len(v.Moves)-failed, "partition", "partitions"), rb, rb)
	}
	if failed > 0 {
		return &errs.PartialFailure{Msg: fmt.Sprintf("%d of %d reassignments were refused", failed, len(v.Moves))}
	}
	return nil
}

func rackOf(bs []reassign.Broker, id int32) string {
	for _, b := range bs {
		if b.ID == id {
			return b.Rack
		}
	}
	return ""
}

// partitionSizes is each plan partition's log size, from one
// DescribeLogDirs per broker (in parallel): the largest replica's.
func partitionSizes(ctx context.Context, a *kafka.Admin, plan *reassign.Plan) (map[kafka.TopicPartition]int64, error) {
	var topics []string
	for _, x := range plan.Partitions {
		if !slices.Contains(topics, x.Topic) {
			topics = append(topics, x.Topic)
		}
	}
	var ids []int32
	for _, b := range a.KnownBrokers() {
		ids = append(ids, b.ID)
	}
	dirs, _, err := a.DescribeLogDirs(ctx, ids, topics)
	if err != nil {
		return nil, err
	}
	out := map[kafka.TopicPartition]int64{}
	for _, ds := range dirs {
		for _, d := range ds {
			for _, r := range d.Replicas {
				tp := kafka.TopicPartition{Topic: r.Topic, Partition: r.Partition}
				if old, ok := out[tp]; !r.Future && (!ok || r.Size > old) {
					out[tp] = r.Size
				}
			}
		}
	}
	return out, nil
}

// writeNew creates path with data; an existing file is never overwritten.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, os.ErrExist) {
		return errs.Usagef("%s exists and is never overwritten: move it away or name another file; nothing changed", path)
	}
	if err != nil {
		return errs.Usagef("cannot write %s: %v; nothing changed", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

func setThrottles(ctx context.Context, a *kafka.Admin, th reassign.Throttles, rate int64) error {
	for _, t := range sortedKeys(th.Leader, th.Follower) {
		var ch []kafka.ConfigChange
		if v := th.Leader[t]; v != "" {
			ch = append(ch, kafka.ConfigChange{Name: leaderReplicas, Value: v})
		}
		if v := th.Follower[t]; v != "" {
			ch = append(ch, kafka.ConfigChange{Name: followerReplicas, Value: v})
		}
		if err := a.AlterConfigs(ctx, kafka.ConfigResource{Type: kafka.TopicResource, Name: t}, ch, false); err != nil {
			return err
		}
	}
	r := strconv.FormatInt(rate, 10)
	for _, b := range th.Brokers {
		if err := a.AlterConfigs(ctx, kafka.ConfigResource{Type: kafka.BrokerResource, Name: strconv.Itoa(int(b))},
			[]kafka.ConfigChange{{Name: leaderRate, Value: r}, {Name: followerRate, Value: r}}, false); err != nil {
			return err
		}
	}
	return nil
}

// removeThrottles deletes the throttle configs from the plan's topics and
// from every broker, as kafka-reassign-partitions.sh --verify does.
func removeThrottles(ctx context.Context, a *kafka.Admin, plan *reassign.Plan) error {
	var topics []string
	for _, x := range plan.Partitions {
		if !slices.Contains(topics, x.Topic) {
			topics = append(topics, x.Topic)
		}
	}
	slices.Sort(topics)
	for _, t := range topics {
		if err := a.AlterConfigs(ctx, kafka.ConfigResource{Type: kafka.TopicResource, Name: t},
			[]kafka.ConfigChange{{Name: leaderReplicas, Delete: true}, {Name: followerReplicas, Delete: true}}, false); err != nil {
			return err
		}
	}
	for _, b := range a.KnownBrokers() {
		if err := a.AlterConfigs(ctx, kafka.ConfigResource{Type: kafka.BrokerResource, Name: strconv.Itoa(int(b.ID))},
			[]kafka.ConfigChange{{Name: leaderRate, Delete: true}, {Name: followerRate, Delete: true}}, false); err != nil {
			return err
		}
	}
	return nil
}

func planTPs(plan *reassign.Plan) []kafka.TopicPartition {
	var out []kafka.TopicPartition
	for _, x := range plan.Partitions {
		out = append(out, kafka.TopicPartition{Topic: x.Topic, Partition: x.Partition})
	}
	kafka.SortPartitions(out)
	return out
}

// verify: one ListPartitionReassignments for the plan's partitions, judged
// with the Metadata read at connect; once all are complete, the throttles
// go.
func verify(ctx context.Context, o *ReassignOptions, p printer, a *kafka.Admin, plan *reassign.Plan, current map[string][]int32) error {
	inflight, err := a.ListReassignments(ctx, planTPs(plan))
	if err != nil {
		return err
	}
	v := newReassignView("verify")
	v.Complete = true
	for _, x := range plan.Partitions {
		tp := kafka.TopicPartition{Topic: x.Topic, Partition: x.Partition}
		st := PartitionStat{Topic: x.Topic, Partition: x.Partition, Target: x.Replicas, Replicas: current[fmt.Sprintf("%s-%d", x.Topic, x.Partition)], Adding: []int32{}, Removing: []int32{}}
		if r, ok := inflight[tp]; ok {
			st.Replicas, st.Adding, st.Removing, st.State = r.Replicas, nonNil(r.Adding), nonNil(r.Removing), "in progress"
			v.Complete = false
		} else if slices.Equal(st.Replicas, x.Replicas) {
			st.State = "complete"
		} else {
			st.State = "not started"
			v.Complete = false
		}
		v.Status = append(v.Status, st)
	}
	if v.Complete {
		if err := removeThrottles(ctx, a, plan); err != nil {
			return fmt.Errorf("the reassignment is complete, but removing the throttles failed: %w", err)
		}
		v.ThrottlesRemoved = true
	}
	if err := printStatus(p, v); err != nil {
		return err
	}
	if !p.Structured() {
		if v.Complete {
			o.F.Warnf("Reassignment complete; throttles removed.")
		} else {
			o.F.Warnf("Reassignment not complete: run --verify again later (the throttles stay until it is).")
		}
	}
	if !v.Complete {
		return errs.SilentExit(errs.ExitFailure)
	}
	return nil
}

func cancelMoves(ctx context.Context, o *ReassignOptions, p printer, a *kafka.Admin, plan *reassign.Plan, current map[string][]int32) error {
	targets := map[kafka.TopicPartition][]int32{}
	for _, tp := range planTPs(plan) {
		targets[tp] = nil // null replicas: cancel
	}
	res, err := a.AlterReassignments(ctx, targets)
	if err != nil {
		return err
	}
	v := newReassignView("cancel")
	v.Complete = true
	failed := 0
	for _, x := range plan.Partitions {
		tp := kafka.TopicPartition{Topic: x.Topic, Partition: x.Partition}
		st := PartitionStat{Topic: x.Topic, Partition: x.Partition, Target: x.Replicas, Replicas: current[fmt.Sprintf("%s-%d", x.Topic, x.Partition)], Adding: []int32{}, Removing: []int32{}, State: "cancelled"}
		switch e := res[tp]; {
		case e == nil:
		case strings.Contains(e.Error(), "NO_REASSIGNMENT_IN_PROGRESS"):
			st.State = "not in progress"
		default:
			st.State = e.Error()
			failed++
		}
		v.Status = append(v.Status, st)
	}
	if err := removeThrottles(ctx, a, plan); err != nil {
		return fmt.Errorf("cancelled, but removing the throttles failed: %w", err)
	}
	v.ThrottlesRemoved = true
	if err := printStatus(p, v); err != nil {
		return err
	}
	if !p.Structured() {
		o.F.Warnf("Cancelled; throttles removed. Kafka restores the old replicas in the order of the moving list, which can change the preferred leader: executing the rollback plan restores the old order.")
	}
	if failed > 0 {
		return &errs.PartialFailure{Msg: fmt.Sprintf("%d cancellations failed", failed)}
	}
	return nil
}

func nonNil(x []int32) []int32 {
	if x == nil {
		return []int32{}
	}
	return x
}

func sortedKeys(ms ...map[string]string) []string {
	var out []string
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

func sortedTPs(m map[kafka.TopicPartition]error) []kafka.TopicPartition {
	var out []kafka.TopicPartition
	for tp := range m {
		out = append(out, tp)
	}
	kafka.SortPartitions(out)
	return out
}

func bytesCell(n int64) string {
	if n < 0 {
		return "?"
	}
	return strconv.FormatInt(n, 10)
}

func printMoves(p printer, v ReassignView) error {
	rows := make([][]string, 0, len(v.Moves))
	for _, m := range v.Moves {
		rows = append(rows, []string{m.Topic, strconv.Itoa(int(m.Partition)), text.IDs(m.Current), text.IDs(m.Target), text.Dash(text.IDs(m.Adding)), text.Dash(text.IDs(m.Removing)), bytesCell(m.Bytes)})
	}
	if err := p.Print(v, MovesHeaders, rows); err != nil {
		return err
	}
	if !p.Structured() {
		fmt.Fprintf(p.Out, "\n%s, %d bytes to copy\n", text.Plural(len(v.Moves), "partition move", "partition moves"), v.BytesToMove)
	}
	return nil
}

func printStatus(p printer, v ReassignView) error {
	rows := make([][]string, 0, len(v.Status))
	for _, s := range v.Status {
		rows = append(rows, []string{s.Topic, strconv.Itoa(int(s.Partition)), text.IDs(s.Target), text.IDs(s.Replicas), text.Dash(text.IDs(s.Adding)), text.Dash(text.IDs(s.Removing)), s.State})
	}
	return p.Print(v, StatusHeaders, rows)
}
