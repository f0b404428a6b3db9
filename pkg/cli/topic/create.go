package topic

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil/configcmd"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// CreateOptions are the inputs of `kctl topic create`.
type CreateOptions struct {
	F                 *cmdutil.Factory
	Name              string
	Partitions        int32 // -1: the broker's num.partitions
	ReplicationFactor int16 // -1: the broker's default.replication.factor
	Configs           map[string]string
	IfNotExists       bool
	ValidateOnly      bool
}

// CreateView is the JSON shape of `topic create`. topicId,
// partitionCount and replicationFactor are null when unknown: the topic
// already existed (--if-not-exists), or the broker did not say (no topic
// ids before Kafka 2.8; the broker's defaults before 2.4). configs are the
// --config values given, {} for none.
type CreateView struct {
	Name              string            `json:"name"`
	TopicID           *string           `json:"topicId"`
	PartitionCount    *int32            `json:"partitionCount"`
	ReplicationFactor *int16            `json:"replicationFactor"`
	Configs           map[string]string `json:"configs"`
	Created           bool              `json:"created"`
	ValidateOnly      bool              `json:"validateOnly"`
	AlreadyExisted    bool              `json:"alreadyExisted"`
}

// NewCmdCreate returns `kctl topic create`.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{F: f}
	var partitions, rf int
	var configs, topicConfigs []string
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a topic",
		Long: `Create a topic. Without --partitions or --replication-factor the broker's
defaults (num.partitions, default.replication.factor) apply, as with
kafka-topics.sh. --validate-only asks the broker to check the request and
create nothing. Errors carry the broker's own message.

--config KEY=VALUE sets a topic config, as in kafka-topics.sh (--topic-config
and -c are the same flag). On this command a --config value without '=' that
names a file (a path with '/', or ending in .yaml or .yml) is still kctl's
config file; KCTL_CONFIG also names it.`,
		Example: `  kctl topic create orders --partitions 12 --replication-factor 3 --config min.insync.replicas=2
  kctl topic create orders --partitions 12 --replication-factor 3 --if-not-exists
  kctl topic create orders --partitions 12 --replication-factor 5 --validate-only`,
		Args: cmdutil.ExactArgs(1, "one topic name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := validateTopicName(opts.Name); err != nil {
				return err
			}
			opts.Partitions, opts.ReplicationFactor = -1, -1
			if cmd.Flags().Changed("partitions") {
				if partitions < 1 {
					return errs.Usagef("--partitions must be at least 1, got %d", partitions)
				}
				if partitions > 1<<31-1 {
					return errs.Usagef("--partitions %d is too large", partitions)
				}
				opts.Partitions = int32(partitions)
			}
			if cmd.Flags().Changed("replication-factor") {
				if rf < 1 || rf > 32767 {
					return errs.Usagef("--replication-factor must be between 1 and 32767, got %d", rf)
				}
				opts.ReplicationFactor = int16(rf)
			}
			kv, file, err := splitConfigValues(configs)
			if err != nil {
				return err
			}
			if file != "" {
				f.Global.ConfigPath = file
			}
			m, _, err := configcmd.ParseKV(kv, "--config")
			if err != nil {
				return err
			}
			m2, _, err := configcmd.ParseKV(topicConfigs, "--topic-config")
			if err != nil {
				return err
			}
			for k, v := range m2 {
				if _, dup := m[k]; dup {
					return errs.Usagef("topic config %q is given twice", k)
				}
				m[k] = v
			}
			opts.Configs = m
			if runF != nil {
				return runF(opts)
			}
			return RunCreate(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&partitions, "partitions", "p", 0, "number of partitions (default: the broker's num.partitions)")
	fl.IntVarP(&rf, "replication-factor", "r", 0, "replicas per partition (default: the broker's default.replication.factor)")
	// --config shadows the global config-file flag on this command only, so
	// kafka-topics.sh's spelling works; cobra then parses every --config of
	// the command line (before or after "topic create") into this flag, and
	// splitConfigValues hands a file path back to the global setting.
	fl.StringArrayVar(&configs, "config", nil, "topic config KEY=VALUE (repeatable, as kafka-topics.sh); a file path is kctl's config file")
	fl.StringArrayVarP(&topicConfigs, "topic-config", "c", nil, "topic config KEY=VALUE (repeatable; same as --config KEY=VALUE)")
	fl.BoolVar(&opts.IfNotExists, "if-not-exists", false, "succeed without change when the topic exists")
	fl.BoolVar(&opts.ValidateOnly, "validate-only", false, "let the broker validate the request; create nothing")
	return cmd
}

// splitConfigValues sorts the values of create's --config: KEY=VALUE pairs
// (a topic config name is letters, digits, '.', '_' and '-') are topic
// configs; a value naming a file (a path with a separator, a .yaml/.yml
// name, or an existing file) is kctl's config file, the global flag's
// meaning; anything else is a malformed KEY=VALUE.
func splitConfigValues(vals []string) (kv []string, file string, err error) {
	for _, v := range vals {
		switch {
		case isKeyValue(v):
			kv = append(kv, v)
		case looksLikeFile(v):
			file = v
		default:
			return nil, "", errs.Usagef("--config %q is not KEY=VALUE (on topic create --config sets a topic config; name kctl's config file with a path or KCTL_CONFIG)", v)
		}
	}
	return kv, file, nil
}

func isKeyValue(s string) bool {
	k, _, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func looksLikeFile(s string) bool {
	if s == "" {
		return false
	}
	if strings.ContainsRune(s, filepath.Separator) || strings.ContainsRune(s, '/') ||
		strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") {
		return true
	}
	st, err := os.Stat(s)
	return err == nil && !st.IsDir()
}

// validateTopicName applies Kafka's topic name rules (Topic.validate).
func validateTopicName(n string) error {
	switch {
	case n == "":
		return errs.Usagef("topic name is empty")
	case n == "." || n == "..":
		return errs.Usagef("topic name cannot be %q", n)
	case len(n) > 249:
		return errs.Usagef("topic name is %d characters; Kafka allows at most 249", len(n))
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return errs.Usagef("topic name %q contains %q: Kafka allows only ASCII letters, digits, '.', '_' and '-'", n, r)
		}
	}
	return nil
}

// RunCreate runs `topic create`.
func RunCreate(parent context.Context, o *CreateOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	if strings.ContainsAny(o.Name, "._") {
		o.F.Warnf("Warning: due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.")
	}
	res, err := a.CreateTopic(ctx, kafka.TopicSpec{Name: o.Name, Partitions: o.Partitions, ReplicationFactor: o.ReplicationFactor, Configs: o.Configs}, o.ValidateOnly)
	v := CreateView{Name: o.Name, Configs: o.Configs, ValidateOnly: o.ValidateOnly}
	if v.Configs == nil {
		v.Configs = map[string]string{}
	}
	switch {
	case err != nil && o.IfNotExists && errors.Is(err, kafka.ErrTopicExists):
		v.AlreadyExisted = true
		if done, err := p.Data(v); done {
			return err
		}
		fmt.Fprintf(o.F.Streams.Out, "Topic %s already exists; nothing changed (--if-not-exists).\n", o.Name)
		return nil
	case err != nil:
		return explainCreateErr(a, o, err)
	}
	v.TopicID = text.Null(res.TopicID)
	if res.Partitions > 0 {
		v.PartitionCount, v.ReplicationFactor = &res.Partitions, &res.ReplicationFactor
	}
	v.Created = !o.ValidateOnly
	if done, err := p.Data(v); done {
		return err
	}
	if o.ValidateOnly {
		fmt.Fprintf(o.F.Streams.Out, "Topic %s would be created with %s (validate only: nothing changed).\n", o.Name, shape(res))
		return nil
	}
	fmt.Fprintf(o.F.Streams.Out, "Created topic %s with %s", o.Name, shape(res))
	if res.TopicID != "" {
		fmt.Fprintf(o.F.Streams.Out, ", topic id %s", res.TopicID)
	}
	fmt.Fprintln(o.F.Streams.Out, ".")
	return nil
}

func shape(r kafka.CreatedTopic) string {
	if r.Partitions <= 0 {
		return "the broker's default partitions and replication factor"
	}
	return fmt.Sprintf("%s, replication factor %d", text.Plural(int(r.Partitions), "partition", "partitions"), r.ReplicationFactor)
}

// explainCreateErr adds what the broker did not say.
func explainCreateErr(a *kafka.Admin, o *CreateOptions, err error) error {
	var ke *kafka.KafkaError
	if errors.As(err, &ke) && ke.Code == "INVALID_REPLICATION_FACTOR" {
		n := len(a.KnownBrokers())
		if int(o.ReplicationFactor) > n {
			return fmt.Errorf("%w: replication factor %d is larger than the %d brokers in the cluster", err, o.ReplicationFactor, n)
		}
	}
	if errors.Is(err, kafka.ErrTopicExists) {
		return fmt.Errorf("%w (use --if-not-exists to accept an existing topic)", err)
	}
	return err
}
