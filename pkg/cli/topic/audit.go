package topic

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// AuditOptions are the inputs of `kctl topic audit`.
type AuditOptions struct {
	F               *cmdutil.Factory
	Pattern         string
	ExcludeInternal bool
	Audit           topics.AuditOptions
}

// AuditView is the JSON shape of `topic audit`.
type AuditView struct {
	Status            string `json:"status"`
	TopicsChecked     int    `json:"topicsChecked"`
	PartitionsChecked int    `json:"partitionsChecked"`
	// InternalIncluded: internal topics were audited (no --exclude-internal).
	InternalIncluded bool `json:"internalIncluded"`
	// Complete is false when this principal may not describe every topic:
	// the topics it cannot see were not audited, and the status is at
	// least UNKNOWN.
	Complete bool             `json:"complete"`
	Findings []topics.Finding `json:"findings"`
}

const uncleanKey = "unclean.leader.election.enable"

// NewCmdAudit returns `kctl topic audit`.
func NewCmdAudit(f *cmdutil.Factory, runF func(*AuditOptions) error) *cobra.Command {
	opts := &AuditOptions{F: f, Audit: topics.DefaultAuditOptions()}
	var skewPct float64
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Durability audit: settings that can lose data or block writes",
		Long: `Check every topic against the "avoiding data loss" checklist, one row per
finding:

  replication-factor-below-minimum   fewer replicas than --min-replication-factor
                                     (CRITICAL with a single copy, else WARNING)
  min-isr-below-minimum              min.insync.replicas < --min-isr: acks=all is
                                     satisfied by too few copies (WARNING)
  min-isr-equals-replication-factor  one broker down blocks every acks=all write (WARNING)
  min-isr-above-replication-factor   acks=all writes can never succeed (CRITICAL)
  unclean-leader-election-enabled    an out-of-sync replica may become leader (WARNING)
  replicas-not-spread-across-racks   replicas on fewer racks than the cluster has (WARNING)
  leadership-skew                    a broker leads far more than its share (WARNING)

Exit codes follow the check contract: 0 no findings, 1 warnings only, 2 a
critical finding, 3 the audit could not run.

Requests: one Metadata and one DescribeConfigs request, whatever the topic count.`,
		Example: `  kctl topic audit
  kctl topic audit --min-replication-factor 3 --min-isr 2 --exclude-internal
  kctl topic audit -o json | jq '.findings[] | select(.severity == "CRITICAL")'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := (selection{Pattern: opts.Pattern}).validate(); err != nil {
				return err
			}
			if opts.Audit.MinReplicationFactor < 1 {
				return errs.Usagef("--min-replication-factor must be at least 1")
			}
			if opts.Audit.MinISR < 1 {
				return errs.Usagef("--min-isr must be at least 1")
			}
			if skewPct < 0 {
				return errs.Usagef("--max-leader-skew must not be negative")
			}
			opts.Audit.MaxLeaderSkew = skewPct / 100
			if runF != nil {
				return runF(opts)
			}
			return RunAudit(cmd.Context(), opts)
		},
	}
	cmdutil.MarkCheck(cmd)
	fl := cmd.Flags()
	fl.IntVar(&opts.Audit.MinReplicationFactor, "min-replication-factor", 3, "flag topics with fewer replicas")
	fl.IntVar(&opts.Audit.MinISR, "min-isr", 2, "flag topics whose min.insync.replicas is lower")
	fl.Float64Var(&skewPct, "max-leader-skew", 50, "flag a broker leading more than this percentage above its even share")
	fl.StringVar(&opts.Pattern, "pattern", "", "only topics whose whole name matches this regular expression")
	fl.BoolVar(&opts.ExcludeInternal, "exclude-internal", false, "leave out internal topics such as __consumer_offsets")
	return cmd
}

// AuditHeaders are the audit's columns.
var AuditHeaders = []string{"SEVERITY", "TOPIC", "FINDING", "DETAIL"}

// RunAudit runs `topic audit`.
func RunAudit(parent context.Context, o *AuditOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	// Kafka leaves the topics this principal may not describe out of the
	// answer silently: ask in parallel whether it may describe them all.
	hidden := a.StartHiddenTopics(ctx)
	ts, brokers, err := a.DescribeTopics(ctx, nil)
	if err != nil {
		return err
	}
	ts, _ = selection{Pattern: o.Pattern, ExcludeInternal: o.ExcludeInternal}.apply(o.F, ts)
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	vals, failed, err := a.TopicConfigValues(ctx, names, []string{kafka.MinISRKey, uncleanKey}, nil)
	if err != nil {
		return err
	}
	in := make([]topics.AuditTopic, 0, len(ts))
	for _, t := range ts {
		at := topics.AuditTopic{Name: t.Name, Internal: t.Internal}
		if e := failed[t.Name]; e != nil {
			if errors.Is(e, kafka.ErrTopicNotFound) {
				o.F.Warnf("Note: topic '%s' was deleted during the audit; skipped", t.Name)
				continue
			}
			at.ConfigErr = e
		} else {
			cfg := vals[t.Name]
			at.MinISR = atoiOr(cfg[kafka.MinISRKey], 1) // Kafka's default when absent
			at.UncleanLeaderElection = strings.EqualFold(cfg[uncleanKey], "true")
		}
		at.Partitions = make([]topics.Partition, len(t.Partitions))
		for i, pi := range t.Partitions {
			at.Partitions[i] = toPartition(pi)
		}
		in = append(in, at)
	}
	bs := make([]topics.Broker, len(brokers))
	for i, b := range brokers {
		bs[i] = topics.Broker{ID: b.ID, Rack: b.Rack}
	}
	fs := topics.Audit(in, bs, o.Audit)
	hiddenMsg := hidden()
	nparts := 0
	for _, t := range in {
		nparts += len(t.Partitions)
	}
	v := AuditView{Status: topics.AuditStatus(fs), TopicsChecked: len(in), PartitionsChecked: nparts,
		InternalIncluded: !o.ExcludeInternal, Complete: hiddenMsg == "", Findings: fs}
	code := topics.AuditExitCode(fs)
	if hiddenMsg != "" && code == 0 {
		// Blind is not green (OK < UNKNOWN < WARNING < CRITICAL).
		v.Status, code = "UNKNOWN", errs.CheckUnknown
	}
	if v.Findings == nil {
		v.Findings = []topics.Finding{}
	}
	internal := "internal topics included"
	if o.ExcludeInternal {
		internal = "internal topics excluded"
	}
	scope := fmt.Sprintf("%s, %s, %s", text.Plural(len(in), "topic", "topics"), text.Plural(nparts, "partition", "partitions"), internal)
	if done, err := p.Data(v); done {
		if err != nil {
			return err
		}
	} else if len(fs) == 0 && hiddenMsg != "" {
		fmt.Fprintf(o.F.Streams.Out, "UNKNOWN: no durability findings in the topics this principal may describe (%s), but it may not describe every topic.\n", scope)
	} else if len(fs) == 0 {
		fmt.Fprintf(o.F.Streams.Out, "OK: no durability findings in %s.\n", scope)
	} else {
		rows := make([][]string, len(fs))
		for i, f := range fs {
			rows[i] = []string{f.Severity, f.Topic, f.Finding, f.Detail}
		}
		if err := p.Table(AuditHeaders, rows); err != nil {
			return err
		}
		o.F.Warnf("Audited %s.", scope)
	}
	if hiddenMsg != "" {
		o.F.Warnf("Warning: %s", hiddenMsg)
	}
	if code != 0 {
		return errs.SilentExit(code)
	}
	return nil
}

func atoiOr(s string, def int) int {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
		return def
	}
	return n
}
