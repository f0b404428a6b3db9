// Package configcmd holds the config verbs (get, set, delete) that `kctl
// topic config` and `kctl broker config` share: a Spec adapts them to a
// resource kind, so neither noun package imports the other.
package configcmd

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output/text"
)

// Spec adapts the config verbs to a resource kind (topic, broker).
type Spec struct {
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

func (s Spec) split(cmd *cobra.Command, args []string) (kafka.ConfigResource, []string, error) {
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

// Options are the inputs of the config verbs.
type Options struct {
	F            *cmdutil.Factory
	Resource     kafka.ConfigResource
	All          bool
	Set          map[string]string
	Keys         []string // set order, or keys to delete
	Delete       bool
	ValidateOnly bool
}

// View is the JSON shape of `config get`.
type View struct {
	ResourceType string `json:"resourceType"`
	// Name is null for the cluster-wide default (broker config --default).
	Name    *string `json:"name"`
	Configs []Row   `json:"configs"`
}

// Row is one config.
type Row struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	Source    string `json:"source"`
	Sensitive bool   `json:"sensitive"`
	ReadOnly  bool   `json:"readOnly"`
}

// Headers are the columns of `config get`.
var Headers = []string{"NAME", "VALUE", "SOURCE", "SENSITIVE"}

// NewCmdGet returns a `config get` command for spec's resource.
func NewCmdGet(f *cmdutil.Factory, spec Spec, runF func(*Options) error) *cobra.Command {
	opts := &Options{F: f}
	return spec.command(opts, runF, RunGet, func(cmd *cobra.Command, rest []string) error {
		if len(rest) > 0 {
			return errs.Usagef("unexpected arguments %q (usage: %s)", rest, cmd.UseLine())
		}
		return nil
	}, func(cmd *cobra.Command) {
		cmd.Flags().BoolVar(&opts.All, "all", false, "every config with its source, not only the dynamic overrides")
	})
}

// NewCmdSet returns a `config set` command for spec's resource.
func NewCmdSet(f *cmdutil.Factory, spec Spec, runF func(*Options) error) *cobra.Command {
	opts := &Options{F: f}
	return spec.command(opts, runF, RunAlter, func(cmd *cobra.Command, rest []string) error {
		if len(rest) == 0 {
			return errs.Usagef("give at least one KEY=VALUE (usage: %s)", cmd.UseLine())
		}
		m, order, err := ParseKV(rest, "config")
		if err != nil {
			return err
		}
		opts.Set, opts.Keys = m, order
		return nil
	}, opts.validateOnlyFlag)
}

// NewCmdDelete returns a `config delete` command for spec's resource.
func NewCmdDelete(f *cmdutil.Factory, spec Spec, runF func(*Options) error) *cobra.Command {
	opts := &Options{F: f, Delete: true}
	return spec.command(opts, runF, RunAlter, func(cmd *cobra.Command, rest []string) error {
		if len(rest) == 0 {
			return errs.Usagef("give at least one config name (usage: %s)", cmd.UseLine())
		}
		for _, k := range rest {
			if strings.Contains(k, "=") {
				return errs.Usagef("config delete takes names, not KEY=VALUE: %q", k)
			}
		}
		opts.Keys = cmdutil.Uniq(rest)
		return nil
	}, opts.validateOnlyFlag)
}

func (o *Options) validateOnlyFlag(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.ValidateOnly, "validate-only", false, "let the broker validate the change; change nothing")
}

// command is what the config verbs share: split the arguments into the
// resource and the rest, let parse check the rest into opts, then run; the
// verb's flag comes before spec's resource flags.
func (s Spec) command(opts *Options, runF func(*Options) error, run func(context.Context, *Options) error,
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

// RunGet runs `config get`.
func RunGet(parent context.Context, o *Options) error {
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
	v := View{ResourceType: o.Resource.Type.String(), Name: text.Null(o.Resource.Name), Configs: []Row{}}
	var rows [][]string
	for _, e := range res[0].Entries {
		if !o.All && !shownByDefault(o.Resource, e) {
			continue
		}
		val := e.Value
		if e.Sensitive {
			val = Hidden
		}
		v.Configs = append(v.Configs, Row{Name: e.Name, Value: val, Source: e.Source, Sensitive: e.Sensitive, ReadOnly: e.ReadOnly})
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
	return p.Table(Headers, rows)
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

// AlterView is the JSON shape of `config set|delete`: the names of the
// configs set and of those deleted, both always arrays (one of them [] for
// either verb). Not "set"/"deleted": deleted is a boolean in every other
// delete view (topic, group, acl, user). Values are not echoed: a config
// may be a secret.
type AlterView struct {
	ResourceType string   `json:"resourceType"`
	Name         *string  `json:"name"`
	SetKeys      []string `json:"setKeys"`
	DeletedKeys  []string `json:"deletedKeys"`
	ValidateOnly bool     `json:"validateOnly"`
}

// RunAlter runs `config set` and `config delete`.
func RunAlter(parent context.Context, o *Options) error {
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
	v := AlterView{ResourceType: o.Resource.Type.String(), Name: text.Null(o.Resource.Name),
		SetKeys: []string{}, DeletedKeys: []string{}, ValidateOnly: o.ValidateOnly}
	verb := "set"
	if o.Delete {
		v.DeletedKeys = o.Keys
		verb = "deleted"
	} else {
		v.SetKeys = o.Keys
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

// Hidden stands for a sensitive config's value, as kafka-configs.sh prints it.
const Hidden = "[hidden]"

// ParseKV parses k=v arguments ("--config k=v" or `config set` pairs); what
// names them in errors. It returns the map and the keys, sorted.
func ParseKV(args []string, what string) (map[string]string, []string, error) {
	m := map[string]string{}
	var order []string
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, nil, errs.Usagef("%s %q is not key=value", what, a)
		}
		if _, dup := m[k]; dup {
			return nil, nil, errs.Usagef("%s %q is given twice", what, k)
		}
		m[k] = v
		order = append(order, k)
	}
	sort.Strings(order)
	return m, order, nil
}
