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

// NewCmdConfig returns `kctl topic config`.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Get, set and delete topic configs", Args: cmdutil.NoArgs}
	res := func(args []string) (kafka.ConfigResource, error) {
		if err := validateTopicName(args[0]); err != nil {
			return kafka.ConfigResource{}, err
		}
		return kafka.ConfigResource{Type: kafka.TopicResource, Name: args[0]}, nil
	}
	cmd.AddCommand(
		NewCmdConfigGet(f, ConfigCmdSpec{
			Use: "get NAME", Short: "Show a topic's configs (overrides; --all for every config)",
			Example: "  kctl topic config get orders\n  kctl topic config get orders --all -o json",
			Args:    cmdutil.ExactArgs(1, "one topic name"), Resource: res,
		}, nil),
		NewCmdConfigSet(f, ConfigCmdSpec{
			Use: "set NAME KEY=VALUE...", Short: "Set topic configs (IncrementalAlterConfigs)",
			Example: "  kctl topic config set orders retention.ms=86400000 min.insync.replicas=2\n  kctl topic config set orders cleanup.policy=compact --validate-only",
			Args:    cmdutil.MinArgs(2, "a topic name and at least one KEY=VALUE"), Resource: res,
		}, nil),
		NewCmdConfigDelete(f, ConfigCmdSpec{
			Use: "delete NAME KEY...", Short: "Remove topic config overrides (back to the broker default)",
			Example: "  kctl topic config delete orders retention.ms",
			Args:    cmdutil.MinArgs(2, "a topic name and at least one config name"), Resource: res,
		}, nil),
	)
	return cmd
}

// ConfigCmdSpec adapts the config verbs to a resource kind (topic, broker).
type ConfigCmdSpec struct {
	Use, Short, Long, Example string
	Args                      cobra.PositionalArgs
	// Resource turns the first positional argument(s) into the resource;
	// the remaining arguments are KEY=VALUE pairs or KEYs.
	Resource func(args []string) (kafka.ConfigResource, error)
	// ResourceArgs is how many leading arguments name the resource
	// (0 when a flag such as --default does); default 1.
	ResourceArgs func(cmd *cobra.Command) int
	// Flags adds resource flags (e.g. broker --default).
	Flags func(cmd *cobra.Command)
}

func (s ConfigCmdSpec) split(cmd *cobra.Command, args []string) (kafka.ConfigResource, []string, error) {
	n := 1
	if s.ResourceArgs != nil {
		n = s.ResourceArgs(cmd)
	}
	if len(args) < n {
		return kafka.ConfigResource{}, nil, errs.Usagef("%s needs a resource (usage: %s)", cmd.CommandPath(), cmd.UseLine())
	}
	r, err := s.Resource(args[:n])
	return r, args[n:], err
}

// ConfigOptions are the inputs of the config verbs.
type ConfigOptions struct {
	F            *cmdutil.Factory
	Resource     kafka.ConfigResource
	All          bool
	Set          map[string]string
	Keys         []string // set order, or keys to delete
	Delete       bool
	ValidateOnly bool
}

// ConfigView is the JSON shape of `config get`.
type ConfigView struct {
	ResourceType string      `json:"resourceType"`
	Name         string      `json:"name"`
	Configs      []ConfigRow `json:"configs"`
}

// ConfigRow is one config.
type ConfigRow struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	Source    string `json:"source"`
	Sensitive bool   `json:"sensitive"`
	ReadOnly  bool   `json:"readOnly"`
}

// ConfigHeaders are the columns of `config get`.
var ConfigHeaders = []string{"NAME", "VALUE", "SOURCE", "SENSITIVE"}

// NewCmdConfigGet returns a `config get` command for spec's resource.
func NewCmdConfigGet(f *cmdutil.Factory, spec ConfigCmdSpec, runF func(*ConfigOptions) error) *cobra.Command {
	opts := &ConfigOptions{F: f}
	return spec.command(opts, runF, RunConfigGet, func(cmd *cobra.Command, rest []string) error {
		if len(rest) > 0 {
			return errs.Usagef("unexpected arguments %q (usage: %s)", rest, cmd.UseLine())
		}
		return nil
	}, func(cmd *cobra.Command) {
		cmd.Flags().BoolVar(&opts.All, "all", false, "every config with its source, not only the dynamic overrides")
	})
}

// NewCmdConfigSet returns a `config set` command for spec's resource.
func NewCmdConfigSet(f *cmdutil.Factory, spec ConfigCmdSpec, runF func(*ConfigOptions) error) *cobra.Command {
	opts := &ConfigOptions{F: f}
	return spec.command(opts, runF, RunConfigAlter, func(cmd *cobra.Command, rest []string) error {
		if len(rest) == 0 {
			return errs.Usagef("give at least one KEY=VALUE (usage: %s)", cmd.UseLine())
		}
		m, order, err := parseKV(rest, "config")
		if err != nil {
			return err
		}
		opts.Set, opts.Keys = m, order
		return nil
	}, opts.validateOnlyFlag)
}

// NewCmdConfigDelete returns a `config delete` command for spec's resource.
func NewCmdConfigDelete(f *cmdutil.Factory, spec ConfigCmdSpec, runF func(*ConfigOptions) error) *cobra.Command {
	opts := &ConfigOptions{F: f, Delete: true}
	return spec.command(opts, runF, RunConfigAlter, func(cmd *cobra.Command, rest []string) error {
		if len(rest) == 0 {
			return errs.Usagef("give at least one config name (usage: %s)", cmd.UseLine())
		}
		for _, k := range rest {
			if strings.Contains(k, "=") {
				return errs.Usagef("config delete takes names, not KEY=VALUE: %q", k)
			}
		}
		opts.Keys = dedupe(rest)
		return nil
	}, opts.validateOnlyFlag)
}

func (o *ConfigOptions) validateOnlyFlag(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.ValidateOnly, "validate-only", false, "let the broker validate the change; change nothing")
}

// command is what the config verbs share: split the arguments into the
// resource and the rest, let parse check the rest into opts, then run; the
// verb's flag comes before spec's resource flags.
func (s ConfigCmdSpec) command(opts *ConfigOptions, runF func(*ConfigOptions) error, run func(context.Context, *ConfigOptions) error,
	parse func(cmd *cobra.Command, rest []string) error, flag func(*cobra.Command)) *cobra.Command {
	cmd := &cobra.Command{
		Use: s.Use, Short: s.Short, Long: s.Long, Example: s.Example, Args: s.Args,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, rest, err := s.split(cmd, args)
			if err != nil {
				return err
			}
			if err := parse(cmd, rest); err != nil {
				return err
			}
			opts.Resource = r
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	flag(cmd)
	if s.Flags != nil {
		s.Flags(cmd)
	}
	return cmd
}

// shownByDefault is what kafka-configs.sh --describe lists without --all:
// the dynamic values set on this resource itself (ConfigCommand filters on
// one source: a topic's overrides, one broker's own dynamic configs). A
// broker's answer also carries the cluster-wide defaults it inherits
// (DYNAMIC_DEFAULT_BROKER_CONFIG); they belong to `get --default`, whose
// answer holds nothing else dynamic on Kafka (the sandbox reports every
// dynamic broker config as DYNAMIC_BROKER_CONFIG, hence Dynamic() there).
func shownByDefault(r kafka.ConfigResource, e kafka.ConfigEntry) bool {
	switch {
	case r.Type == kafka.TopicResource:
		return e.Source == kafka.SourceDynamicTopic
	case r.Type == kafka.BrokerResource && r.Name != "":
		return e.Source == kafka.SourceDynamicBroker
	}
	return e.Dynamic()
}

// RunConfigGet runs `config get`.
func RunConfigGet(parent context.Context, o *ConfigOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	res, err := a.DescribeConfigs(ctx, []kafka.ConfigResource{o.Resource})
	if err != nil {
		return err
	}
	if len(res) != 1 {
		return fmt.Errorf("%s: no answer", o.Resource)
	}
	if res[0].Err != nil {
		if errors.Is(res[0].Err, kafka.ErrTopicNotFound) {
			return fmt.Errorf("topic '%s' does not exist", o.Resource.Name)
		}
		return res[0].Err
	}
	v := ConfigView{ResourceType: o.Resource.Type.String(), Name: o.Resource.Name, Configs: []ConfigRow{}}
	var rows [][]string
	for _, e := range res[0].Entries {
		if !o.All && !shownByDefault(o.Resource, e) {
			continue
		}
		val := e.Value
		if e.Sensitive {
			val = hidden
		}
		v.Configs = append(v.Configs, ConfigRow{Name: e.Name, Value: val, Source: e.Source, Sensitive: e.Sensitive, ReadOnly: e.ReadOnly})
		rows = append(rows, []string{e.Name, val, e.Source, fmt.Sprint(e.Sensitive)})
	}
	if done, err := p.Data(v); done {
		return err
	}
	if len(rows) == 0 {
		if o.All {
			fmt.Fprintf(o.F.Streams.ErrOut, "%s has no configs.\n", describeRes(o.Resource))
		} else {
			fmt.Fprintf(o.F.Streams.ErrOut, "%s has no dynamic configs (--all shows every config).\n", describeRes(o.Resource))
		}
		return nil
	}
	return p.Table(ConfigHeaders, rows)
}

func describeRes(r kafka.ConfigResource) string {
	switch {
	case r.Type == kafka.TopicResource:
		return "Topic " + r.Name
	case r.Type == kafka.BrokerResource && r.Name == "":
		return "The cluster-wide broker default"
	case r.Type == kafka.BrokerResource:
		return "Broker " + r.Name
	}
	return r.String()
}

// ConfigAlterView is the JSON shape of `config set|delete`. Values are
// not echoed: a config may be a secret.
type ConfigAlterView struct {
	ResourceType string   `json:"resourceType"`
	Name         string   `json:"name"`
	Set          []string `json:"set,omitempty"`
	Deleted      []string `json:"deleted,omitempty"`
	ValidateOnly bool     `json:"validateOnly"`
}

// RunConfigAlter runs `config set` and `config delete`.
func RunConfigAlter(parent context.Context, o *ConfigOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	var changes []kafka.ConfigChange
	for _, k := range o.Keys {
		if o.Delete {
			changes = append(changes, kafka.ConfigChange{Name: k, Delete: true})
		} else {
			changes = append(changes, kafka.ConfigChange{Name: k, Value: o.Set[k]})
		}
	}
	if err := a.AlterConfigs(ctx, o.Resource, changes, o.ValidateOnly); err != nil {
		if errors.Is(err, kafka.ErrTopicNotFound) {
			return fmt.Errorf("topic '%s' does not exist", o.Resource.Name)
		}
		return err
	}
	v := ConfigAlterView{ResourceType: o.Resource.Type.String(), Name: o.Resource.Name, ValidateOnly: o.ValidateOnly}
	verb := "set"
	if o.Delete {
		v.Deleted = o.Keys
		verb = "deleted"
	} else {
		v.Set = o.Keys
	}
	if done, err := p.Data(v); done {
		return err
	}
	what := describeRes(o.Resource)
	what = strings.ToLower(what[:1]) + what[1:]
	if o.ValidateOnly {
		fmt.Fprintf(o.F.Streams.Out, "Validated config change for %s (%s %s); validate only: nothing changed.\n", what, verb, strings.Join(o.Keys, ", "))
		return nil
	}
	fmt.Fprintf(o.F.Streams.Out, "Completed updating config for %s (%s %s).\n", what, verb, strings.Join(o.Keys, ", "))
	return nil
}
