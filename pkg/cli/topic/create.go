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

// CreateView is the JSON shape of `topic create`.
type CreateView struct {
	Name              string            `json:"name"`
	TopicID           string            `json:"topicId,omitempty"`
	PartitionCount    int32             `json:"partitionCount"`
	ReplicationFactor int16             `json:"replicationFactor"`
	Configs           map[string]string `json:"configs,omitempty"`
	Created           bool              `json:"created"`
	ValidateOnly      bool              `json:"validateOnly"`
	AlreadyExisted    bool              `json:"alreadyExisted,omitempty"`
}

// NewCmdCreate returns `kctl topic create`.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{F: f}
	var partitions, rf int
	var configs []string
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a topic",
		Long: `Create a topic. Without --partitions or --replication-factor the broker's
defaults (num.partitions, default.replication.factor) apply, as with
kafka-topics.sh. --validate-only asks the broker to check the request and
create nothing. Errors carry the broker's own message.`,
		Example: `  kctl topic create orders --partitions 12 --replication-factor 3 --topic-config min.insync.replicas=2
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
			m, _, err := parseKV(configs, "--topic-config")
			if err != nil {
				return err
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
	// Not --config as in kafka-topics.sh: that is kctl's global config file flag.
	fl.StringArrayVarP(&configs, "topic-config", "c", nil, "topic config key=value (repeatable; kafka-topics.sh's --config)")
	fl.BoolVar(&opts.IfNotExists, "if-not-exists", false, "succeed without change when the topic exists")
	fl.BoolVar(&opts.ValidateOnly, "validate-only", false, "let the broker validate the request; create nothing")
	return cmd
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
	p, err := o.F.Printer()
	if err != nil {
		return err
	}
	ctx, cancel, err := o.F.Context(parent)
	if err != nil {
		return err
	}
	defer cancel()
	a, err := o.F.Admin(ctx)
	if err != nil {
		return err
	}
	if strings.ContainsAny(o.Name, "._") {
		o.F.Warnf("Warning: due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.")
	}
	res, err := a.CreateTopic(ctx, kafka.TopicSpec{Name: o.Name, Partitions: o.Partitions, ReplicationFactor: o.ReplicationFactor, Configs: o.Configs}, o.ValidateOnly)
	v := CreateView{Name: o.Name, Configs: o.Configs, ValidateOnly: o.ValidateOnly}
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
	v.TopicID, v.PartitionCount, v.ReplicationFactor = res.TopicID, res.Partitions, res.ReplicationFactor
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
	return fmt.Sprintf("%d partitions, replication factor %d", r.Partitions, r.ReplicationFactor)
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
