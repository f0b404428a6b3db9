package topic

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil/configcmd"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// DescribeOptions are the inputs of `kctl topic describe`.
type DescribeOptions struct {
	F               *cmdutil.Factory
	Topics          []string
	Pattern         string
	ExcludeInternal bool
	Filter          topics.Filter
	Offsets         bool
	Configs         bool
}

// DescribeView is the JSON shape of `topic describe`.
type DescribeView struct {
	Topics []TopicView `json:"topics"`
}

// TopicView is one topic. Configs (the non-default ones) is null unless
// --configs fetched them.
type TopicView struct {
	Name              string             `json:"name"`
	TopicID           string             `json:"topicId"`
	Internal          bool               `json:"internal"`
	PartitionCount    int                `json:"partitionCount"`
	ReplicationFactor int                `json:"replicationFactor"`
	Configs           *map[string]string `json:"configs"`
	Partitions        []PartitionView    `json:"partitions"`
}

// PartitionView is one partition; leader is -1 when there is none: no
// leader id, or one that is no live broker (kafka-topics.sh prints
// "Leader: none" for both).
// UnderMinISR and AtMinISR are null when min.insync.replicas was not
// fetched (no health filter, no --configs), except that a leaderless
// partition is under min ISR whatever the config. The offset fields are
// null without --offsets, and with it where the offset is unknown (no
// leader, or the broker answered an error).
type PartitionView struct {
	Partition       int32   `json:"partition"`
	Leader          int32   `json:"leader"`
	Replicas        []int32 `json:"replicas"`
	ISR             []int32 `json:"isr"`
	OfflineReplicas []int32 `json:"offlineReplicas"`
	LogStartOffset  *int64  `json:"logStartOffset"`
	LogEndOffset    *int64  `json:"logEndOffset"`
	UnderReplicated bool    `json:"underReplicated"`
	UnderMinISR     *bool   `json:"underMinIsr"`
	AtMinISR        *bool   `json:"atMinIsr"`
	Unavailable     bool    `json:"unavailable"`

	health topics.Health
}

// NewCmdDescribe returns `kctl topic describe`.
func NewCmdDescribe(f *cmdutil.Factory, runF func(*DescribeOptions) error) *cobra.Command {
	opts := &DescribeOptions{F: f}
	cmd := &cobra.Command{
		Use:   "describe [TOPIC...]",
		Short: "Show partitions, leaders, replicas and ISR; find partitions in trouble",
		Long: `Show each topic's id, partition count, replication factor and every
partition's leader, replicas, in-sync replicas (ISR) and offline replicas.
With --configs the topic header also shows the non-default configs (topic
overrides and inherited broker values, as kafka-topics.sh shows them).

The health filters answer "which partitions are in trouble, and why" across the
whole cluster (or the named topics), with the meaning kafka-topics.sh gives them:

  --under-replicated-partitions  the ISR is smaller than the replica set, less
                                 the replicas a reassignment is adding
  --under-min-isr-partitions     no leader, or the ISR is smaller than the topic's
                                 effective min.insync.replicas (acks=all fails)
  --at-min-isr-partitions        the ISR equals min.insync.replicas (one more
                                 lost replica and acks=all fails)
  --unavailable-partitions       no leader, or the leader is not a live broker
  --leader-not-preferred         the leader is not the first (preferred) replica

Several filters show the partitions matching any of them. With a filter only the
matching partitions are printed, one table, no topic headers (as kafka-topics.sh).

Requests: one Metadata request, whatever the topic count. A filter adds one
DescribeConfigs request asking min.insync.replicas of all the topics involved
(and the broker default); --configs makes it ask every config.
--under-replicated-partitions adds, in parallel, one ListPartitionReassignments
to the controller about the partitions whose ISR is smaller than their replica
set (none on a healthy cluster); other views count every replica. --offsets
adds two ListOffsets requests (earliest, latest) per leader broker, all leaders
at once.

JSON: configs is null without --configs; underMinIsr and atMinIsr are null
when min.insync.replicas was not fetched (no filter, no --configs), except
that a leaderless partition is always under min ISR.`,
		Example: `  kctl topic describe orders
  kctl topic describe --under-replicated-partitions
  kctl topic describe --under-min-isr-partitions --unavailable-partitions
  kctl topic describe --pattern 'orders.*' --offsets --configs
  kctl topic describe orders -o json | jq '.topics[0].partitions[] | select(.underReplicated)'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Topics = args
			if err := (selection{Names: args, Pattern: opts.Pattern}).validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return RunDescribe(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Pattern, "pattern", "", "only topics whose whole name matches this regular expression")
	fl.BoolVar(&opts.ExcludeInternal, "exclude-internal", false, "leave out internal topics such as __consumer_offsets")
	fl.BoolVar(&opts.Filter.UnderReplicated, "under-replicated-partitions", false, "only partitions whose ISR is smaller than the replica set (less the replicas a reassignment is adding)")
	fl.BoolVar(&opts.Filter.UnderMinISR, "under-min-isr-partitions", false, "only partitions without a leader or with fewer in-sync replicas than min.insync.replicas")
	fl.BoolVar(&opts.Filter.AtMinISR, "at-min-isr-partitions", false, "only partitions whose ISR count equals min.insync.replicas")
	fl.BoolVar(&opts.Filter.Unavailable, "unavailable-partitions", false, "only partitions without a leader or whose leader is not a live broker")
	fl.BoolVar(&opts.Filter.LeaderNotPreferred, "leader-not-preferred", false, "only partitions whose leader is not the first replica")
	fl.BoolVar(&opts.Offsets, "offsets", false, "add log start and end offsets (2 ListOffsets requests per leader broker)")
	fl.BoolVar(&opts.Configs, "configs", false, "fetch configs: show non-default configs and min.insync.replicas status (1 DescribeConfigs request)")
	return cmd
}

// PartitionHeaders are the partition table's columns (offsets added with
// --offsets, before STATUS).
var PartitionHeaders = []string{"TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "OFFLINE-REPLICAS"}

// RunDescribe runs `topic describe`.
func RunDescribe(parent context.Context, o *DescribeOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	sel := selection{Names: o.Topics, Pattern: o.Pattern, ExcludeInternal: o.ExcludeInternal}
	ts, brokers, err := a.DescribeTopics(ctx, sel.metadataNames())
	if err != nil {
		return err
	}
	ts, failed := sel.apply(o.F, ts)
	live := liveSet(brokers)
	filtering := o.Filter.Active()

	// Which partitions match (filters that need no config decide now),
	// and which topics need configs.
	type matched struct {
		t     *kafka.TopicInfo
		parts []int // indexes into t.Partitions
	}
	var needCfg []string
	if filtering || o.Configs {
		for i := range ts {
			t := &ts[i]
			if o.Configs || o.Filter.NeedsMinISR() {
				needCfg = append(needCfg, t.Name)
				continue
			}
			for _, pi := range t.Partitions {
				if o.Filter.Match(topics.Classify(pi.Leader, pi.Replicas, pi.ISR, 0, live)) {
					needCfg = append(needCfg, t.Name)
					break
				}
			}
		}
	}
	// kafka-topics.sh does not count the replicas a reassignment is adding
	// as missing. Only --under-replicated-partitions picks rows by it, and
	// only a partition whose ISR is smaller than its replicas can change
	// verdict: ask the controller about those alone (nothing on a healthy
	// cluster), in parallel with the configs.
	var candidates []kafka.TopicPartition
	if o.Filter.UnderReplicated {
		for _, t := range ts {
			for _, pi := range t.Partitions {
				if topics.MayBeReassigning(pi.Replicas, pi.ISR) {
					candidates = append(candidates, kafka.TopicPartition{Topic: t.Name, Partition: pi.Partition})
				}
			}
		}
	}
	// One DescribeConfigs for every topic involved. It asks only
	// min.insync.replicas unless --configs wants every config: when a broker
	// dies on a cluster with thousands of topics, every topic has a matching
	// partition, and all their configs would cost tens of MB.
	minISR := map[string]int{}
	configs := map[string]map[string]string{}
	gone := map[string]bool{}
	var (
		vals               map[string]map[string]string
		entries            map[string][]kafka.ConfigEntry
		cfgFailed          map[string]error
		moving             map[kafka.TopicPartition]*topics.Reassignment
		movingErr          error
		full               []string
		asked, askedMoving = len(needCfg) > 0, len(candidates) > 0
	)
	if o.Configs {
		full = needCfg
	}
	err = kafka.Parallel(
		func() (err error) {
			if asked {
				vals, entries, cfgFailed, err = a.TopicConfigs(ctx, needCfg, []string{kafka.MinISRKey}, full)
			}
			return err
		},
		func() error {
			if askedMoving {
				moving, movingErr = a.Moving(ctx, candidates)
			}
			return nil
		},
	)
	if err != nil {
		return err
	}
	movingErr = reportMoving(o.F, movingErr)
	if asked {
		for _, name := range needCfg {
			e := cfgFailed[name]
			switch {
			case e == nil:
				if n, ok := effectiveMinISR(vals[name]); ok {
					minISR[name] = n
				} else {
					o.F.Warnf("Error: topic '%s': min.insync.replicas is %q, not a number (min.insync.replicas unknown)", name, vals[name][kafka.MinISRKey])
					failed++
				}
				if o.Configs {
					configs[name] = nonDefault(entries[name])
				}
			case errors.Is(e, kafka.ErrTopicNotFound):
				// Deleted between the Metadata and DescribeConfigs
				// requests: report it, describe the others.
				o.F.Warnf("Error: topic '%s' was deleted while it was being described", name)
				gone[name] = true
				failed++
			default:
				o.F.Warnf("Error: configs of topic '%s': %v (min.insync.replicas unknown)", name, e)
				failed++
			}
		}
	}

	var out []matched
	for i := range ts {
		t := &ts[i]
		if gone[t.Name] {
			continue
		}
		m := matched{t: t}
		for j, pi := range t.Partitions {
			if o.Filter.Match(classify(t.Name, pi, minISR[t.Name], live, moving)) {
				m.parts = append(m.parts, j)
			}
		}
		if filtering && len(m.parts) == 0 {
			continue
		}
		out = append(out, m)
	}

	var offsets map[kafka.TopicPartition][2]*int64
	if o.Offsets {
		var tps []kafka.TopicPartition
		for _, m := range out {
			for _, j := range m.parts {
				if pi := m.t.Partitions[j]; topics.HasLeader(pi.Leader, live) {
					tps = append(tps, kafka.TopicPartition{Topic: m.t.Name, Partition: pi.Partition})
				}
			}
		}
		var nfail int
		offsets, nfail, err = fetchOffsets(ctx, o.F, a, tps)
		if err != nil {
			return err
		}
		failed += nfail
	}

	v := DescribeView{Topics: make([]TopicView, 0, len(out))}
	for _, m := range out {
		t := m.t
		tv := TopicView{Name: t.Name, TopicID: t.TopicID, Internal: t.Internal, PartitionCount: len(t.Partitions),
			ReplicationFactor: t.ReplicationFactor(), Partitions: make([]PartitionView, 0, len(m.parts))}
		if cfg, ok := configs[t.Name]; ok {
			tv.Configs = &cfg
		}
		_, known := minISR[t.Name]
		for _, j := range m.parts {
			pi := t.Partitions[j]
			h := classify(t.Name, pi, minISR[t.Name], live, moving)
			pv := PartitionView{Partition: pi.Partition, Leader: pi.Leader, Replicas: nonNil(pi.Replicas), ISR: nonNil(pi.ISR),
				OfflineReplicas: nonNil(pi.OfflineReplicas), UnderReplicated: h.UnderReplicated, Unavailable: h.Unavailable, health: h}
			leaderless := !topics.HasLeader(pi.Leader, live)
			if leaderless {
				pv.Leader = -1
			}
			if known || leaderless {
				// Without a leader a partition is under min ISR
				// whatever min.insync.replicas says.
				under := h.UnderMinISR
				pv.UnderMinISR = &under
			}
			if known {
				at := h.AtMinISR
				pv.AtMinISR = &at
			}
			if o.Offsets {
				off := offsets[kafka.TopicPartition{Topic: t.Name, Partition: pi.Partition}]
				pv.LogStartOffset, pv.LogEndOffset = off[0], off[1]
			}
			tv.Partitions = append(tv.Partitions, pv)
		}
		v.Topics = append(v.Topics, tv)
	}

	if done, err := p.Data(v); done {
		if err != nil {
			return err
		}
		return describeExit(failed, movingErr)
	}
	if err := printDescribeTable(o, p, v, filtering); err != nil {
		return err
	}
	return describeExit(failed, movingErr)
}

// classify judges one partition; moving holds the reassignments in
// progress among the partitions asked about (nil: none asked).
func classify(topic string, pi kafka.PartitionInfo, minISR int, live map[int32]bool, moving map[kafka.TopicPartition]*topics.Reassignment) topics.Health {
	r := moving[kafka.TopicPartition{Topic: topic, Partition: pi.Partition}]
	return topics.ClassifyMoving(pi.Leader, pi.Replicas, pi.ISR, minISR, live, r)
}

// reportMoving says on stderr why the reassignments in progress are
// unknown; every partition then counts all its replicas. A cluster that
// does not list them to this client (Kafka before 2.4, no DESCRIBE on the
// cluster) is what kafka-topics.sh silently accepts: a note. Any other
// failure is returned, to end the run with the partial-failure exit code.
func reportMoving(f *cmdutil.Factory, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, kafka.ErrReassignmentsUnavailable) {
		f.Warnf("Note: %v; partitions being reassigned count the replicas they are adding as missing", err)
		return nil
	}
	f.Warnf("Warning: %v; partitions being reassigned count the replicas they are adding as missing", err)
	return err
}

// describeExit is the run's error: failed topics first, then reassignments
// that could not be read.
func describeExit(failed int, movingErr error) error {
	if err := partial(failed, "topic"); err != nil || movingErr == nil {
		return err
	}
	return &errs.PartialFailure{Msg: "partition reassignments unknown (see above)"}
}

// fetchOffsets asks earliest and latest offsets of tps, the two plans in
// parallel (each is one ListOffsets request per leader broker).
func fetchOffsets(ctx context.Context, f *cmdutil.Factory, a *kafka.Admin, tps []kafka.TopicPartition) (map[kafka.TopicPartition][2]*int64, int, error) {
	out := make(map[kafka.TopicPartition][2]*int64, len(tps))
	if len(tps) == 0 {
		return out, 0, nil
	}
	var earliest, latest map[kafka.TopicPartition]kafka.PartitionOffset
	err := kafka.Parallel(
		func() (err error) {
			earliest, err = a.ListOffsets(ctx, tps, kafka.OffsetEarliest, kafka.ReadUncommitted)
			return err
		},
		func() (err error) {
			latest, err = a.ListOffsets(ctx, tps, kafka.OffsetLatest, kafka.ReadUncommitted)
			return err
		},
	)
	if err != nil {
		return nil, 0, err
	}
	failed := 0
	for _, tp := range tps {
		var pair [2]*int64
		e, l := earliest[tp], latest[tp]
		if e.Err == nil {
			v := e.Offset
			pair[0] = &v
		}
		if l.Err == nil {
			v := l.Offset
			pair[1] = &v
		}
		if e.Err != nil || l.Err != nil {
			err := e.Err
			if err == nil {
				err = l.Err
			}
			f.Warnf("Error: offsets of %s: %v", tp, err)
			failed++
		}
		out[tp] = pair
	}
	return out, failed, nil
}

// effectiveMinISR reads min.insync.replicas from a topic's effective
// values (the topic's own, else the broker's); Kafka's default 1 when
// neither carries it; ok is false when the value is not a number.
func effectiveMinISR(vals map[string]string) (n int, ok bool) {
	v, set := vals[kafka.MinISRKey]
	if !set {
		return 1, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// nonDefault keeps the configs kafka-topics.sh shows in its describe
// header: everything not at Kafka's built-in default (topic overrides, and
// broker-level values the topic inherits). Sensitive values are hidden.
func nonDefault(es []kafka.ConfigEntry) map[string]string {
	m := map[string]string{}
	for _, e := range es {
		if e.Source == kafka.SourceDefault || e.Source == kafka.SourceUnknown {
			continue
		}
		v := e.Value
		if e.Sensitive {
			v = configcmd.Hidden
		}
		m[e.Name] = v
	}
	return m
}

func statusString(h topics.Health, minKnown bool) string {
	var s []string
	if h.Unavailable {
		s = append(s, "unavailable")
	}
	if h.UnderMinISR {
		s = append(s, "under-min-isr")
	}
	if h.UnderReplicated {
		s = append(s, "under-replicated")
	}
	if h.AtMinISR && minKnown {
		s = append(s, "at-min-isr")
	}
	if h.LeaderNotPreferred {
		s = append(s, "leader-not-preferred")
	}
	if len(s) == 0 {
		return "ok"
	}
	return strings.Join(s, ",")
}

func printDescribeTable(o *DescribeOptions, p interface {
	Table([]string, [][]string) error
}, v DescribeView, filtering bool) error {
	headers := append([]string{}, PartitionHeaders...)
	if o.Offsets {
		headers = append(headers, "LOG-START-OFFSET", "LOG-END-OFFSET")
	}
	headers = append(headers, "STATUS")
	row := func(t TopicView, pv PartitionView) []string {
		r := []string{t.Name, strconv.Itoa(int(pv.Partition)), leaderString(pv.Leader), text.Dash(text.IDs(pv.Replicas)), text.Dash(text.IDs(pv.ISR)), text.Dash(text.IDs(pv.OfflineReplicas))}
		if o.Offsets {
			r = append(r, offsetCell(pv.LogStartOffset), offsetCell(pv.LogEndOffset))
		}
		return append(r, statusString(pv.health, pv.AtMinISR != nil))
	}
	out := o.F.Streams.Out
	if filtering {
		var rows [][]string
		for _, t := range v.Topics {
			for _, pv := range t.Partitions {
				rows = append(rows, row(t, pv))
			}
		}
		if len(rows) == 0 {
			o.F.Warnf("No partitions match.")
		}
		return p.Table(headers, rows)
	}
	if len(v.Topics) == 0 && len(o.Topics) == 0 {
		o.F.Warnf("%s", selection{Pattern: o.Pattern, ExcludeInternal: o.ExcludeInternal}.emptyNote())
	}
	for i, t := range v.Topics {
		if i > 0 {
			fmt.Fprintln(out)
		}
		id := t.TopicID
		if id == "" {
			id = "-"
		}
		fmt.Fprintf(out, "Topic: %s\tTopicId: %s\tPartitionCount: %d\tReplicationFactor: %d", t.Name, id, t.PartitionCount, t.ReplicationFactor)
		if t.Internal {
			fmt.Fprint(out, "\tInternal: true")
		}
		if t.Configs != nil {
			fmt.Fprintf(out, "\tConfigs: %s", configString(*t.Configs))
		}
		fmt.Fprintln(out)
		rows := make([][]string, 0, len(t.Partitions))
		for _, pv := range t.Partitions {
			rows = append(rows, row(t, pv))
		}
		if err := p.Table(headers, rows); err != nil {
			return err
		}
	}
	return nil
}

func configString(m map[string]string) string {
	if len(m) == 0 {
		return "-"
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var b strings.Builder
	for i, k := range ks {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + m[k])
	}
	return b.String()
}

// offsetCell is an offset the broker may not have given: "-" then.
func offsetCell(v *int64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatInt(*v, 10)
}
