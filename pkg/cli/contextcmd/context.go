// Package contextcmd implements `kctl context`: named connection settings
// in kctl's config file, like kubectl's contexts.
package contextcmd

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
)

// NewCmd returns `kctl context`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "context",
		Short: "Manage named connection settings (contexts)",
		Long: `Contexts are named connection settings in kctl's config file
($KCTL_CONFIG, else $XDG_CONFIG_HOME/kctl/config.yaml, else ~/.config/kctl/config.yaml).
The file is written with mode 0600 when a context holds a password.`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(newList(f), newUse(f), newShow(f), newSet(f), newDelete(f))
	names := CompleteNames(f)
	for _, c := range cmd.Commands() {
		if c.Name() != "list" {
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, s string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 { // one NAME only
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return names(cmd, args, s)
			}
		}
	}
	return cmd
}

// CompleteNames completes context names from the kctl config file (the
// one --config or KCTL_CONFIG names): `kctl context use <TAB>`,
// `kctl --context <TAB>`.
func CompleteNames(f *cmdutil.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		file, err := load(f)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return file.Names(), cobra.ShellCompDirectiveNoFileComp
	}
}

func load(f *cmdutil.Factory) (*config.File, error) {
	path := f.Global.ConfigPath
	if path == "" {
		path = config.DefaultPath()
	}
	return config.Load(path)
}

// ListRow is one context in `context list`.
type ListRow struct {
	Name    string   `json:"name"`
	Current bool     `json:"current"`
	Brokers []string `json:"brokers"`
}

func newList(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List contexts; the current one is marked with *",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := load(f)
			if err != nil {
				return err
			}
			p, err := f.Printer()
			if err != nil {
				return err
			}
			var view []ListRow
			var rows [][]string
			for _, n := range file.Names() {
				c := file.Contexts[n]
				r := ListRow{Name: n, Current: n == file.CurrentContext, Brokers: c.Brokers}
				if r.Brokers == nil {
					r.Brokers = []string{}
				}
				view = append(view, r)
				mark := ""
				if r.Current {
					mark = "*"
				}
				rows = append(rows, []string{mark, n, strings.Join(c.Brokers, ",")})
			}
			if view == nil {
				view = []ListRow{}
			}
			if err := p.Print(map[string]any{"contexts": view}, []string{"CURRENT", "NAME", "BROKERS"}, rows); err != nil {
				return err
			}
			f.NoteEmpty(p, len(rows), "No context in "+file.Path()+" (kctl context set NAME --brokers HOST:PORT creates one).")
			return nil
		},
	}
}

func newUse(f *cmdutil.Factory) *cobra.Command {
	return newEdit(f, "use", "Make NAME the current context", "Switched to context %q.\n", func(file *config.File, name string) {
		file.CurrentContext = name
	})
}

// newEdit returns a command that changes the existing context NAME with
// edit, saves the file and says done (a format with the name's %q).
func newEdit(f *cmdutil.Factory, verb, short, done string, edit func(file *config.File, name string)) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " NAME",
		Short: short,
		Args:  cmdutil.ExactArgs(1, "a context name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := load(f)
			if err != nil {
				return err
			}
			if _, ok := file.Contexts[args[0]]; !ok {
				return notFound(file, args[0])
			}
			edit(file, args[0])
			if err := file.Save(); err != nil {
				return err
			}
			fmt.Fprintf(f.Streams.ErrOut, done, args[0])
			return nil
		},
	}
}

func notFound(file *config.File, name string) error {
	if len(file.Contexts) == 0 {
		return errs.Usagef("context %q not found: %s has no contexts (create one with kctl context set NAME --brokers HOST:PORT)", name, file.Path())
	}
	return errs.Usagef("context %q not found in %s (have: %s)", name, file.Path(), strings.Join(file.Names(), ", "))
}

// redact hides secrets in a context for display.
func redact(l config.Layer) config.Layer {
	if l.SASLPassword != nil {
		s := "[redacted]"
		l.SASLPassword = &s
	}
	return l
}

func newShow(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show [NAME]",
		Short: "Show a context (default: the current one); secrets are redacted",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return errs.Usagef("context show takes at most one context name")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := load(f)
			if err != nil {
				return err
			}
			name := file.CurrentContext
			if len(args) == 1 {
				name = args[0]
			}
			if name == "" {
				return errs.Usagef("no current context: name one, or run `kctl context use NAME`")
			}
			c, ok := file.Contexts[name]
			if !ok {
				return notFound(file, name)
			}
			c = redact(c)
			p, err := f.Printer()
			if err != nil {
				return err
			}
			view := struct {
				Name    string       `json:"name"`
				Current bool         `json:"current"`
				Context config.Layer `json:"context"`
			}{name, name == file.CurrentContext, c}
			if done, err := p.Data(view); done {
				return err
			}
			rows := append([][]string{{"name", name}}, layerRows(c)...)
			return p.Table([]string{"KEY", "VALUE"}, rows)
		},
	}
}

func layerRows(l config.Layer) [][]string {
	var rows [][]string
	add := func(k string, v *string) {
		if v != nil {
			rows = append(rows, []string{k, *v})
		}
	}
	if len(l.Brokers) > 0 {
		rows = append(rows, []string{"brokers", strings.Join(l.Brokers, ",")})
	}
	add("security-protocol", l.SecurityProtocol)
	add("sasl-mechanism", l.SASLMechanism)
	add("sasl-username", l.SASLUsername)
	add("sasl-password", l.SASLPassword)
	add("sasl-password-file", l.SASLPasswordFile)
	add("tls-ca-file", l.TLSCAFile)
	add("tls-cert-file", l.TLSCertFile)
	add("tls-key-file", l.TLSKeyFile)
	add("tls-server-name", l.TLSServerName)
	if l.TLSInsecure != nil {
		rows = append(rows, []string{"tls-insecure-skip-verify", fmt.Sprint(*l.TLSInsecure)})
	}
	add("command-config", l.CommandConfig)
	add("kafka-version", l.KafkaVersion)
	add("timeout", l.Timeout)
	return rows
}

func newSet(f *cmdutil.Factory) *cobra.Command {
	var use bool
	cmd := &cobra.Command{
		Use:   "set NAME [connection flags]",
		Short: "Create or update a context from the connection flags given",
		Long: `Create or update context NAME from the global connection flags given on this
command line (--brokers, --security-protocol, --sasl-*, --tls-*, --command-config,
--kafka-version, --timeout). Flags not given keep their stored values.`,
		Example: `  kctl context set prod --brokers kafka-1:9093,kafka-2:9093 --sasl-mechanism SCRAM-SHA-512 \
      --sasl-username ops --sasl-password-file ~/.kafka-pass --tls-ca-file ca.pem --use
  kctl context set legacy --command-config client.properties`,
		Args: cmdutil.ExactArgs(1, "a context name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, err := load(f)
			if err != nil {
				return err
			}
			o := f.Global.Overrides()
			if o.PasswordOnCommandLine {
				fmt.Fprintln(f.Streams.ErrOut, "Warning: --sasl-password puts the password in your shell history; it is stored in the config file (mode 0600)")
			}
			c, exists := file.Contexts[args[0]]
			if !exists && reflect.ValueOf(o.Layer).IsZero() {
				return errs.Usagef("context %q does not exist: give its settings, e.g. kctl context set %s --brokers HOST:PORT", args[0], args[0])
			}
			if err := config.ValidateLayer(o.Layer); err != nil {
				return err
			}
			// Files are stored absolute: the context is used from any directory.
			for _, p := range []*string{o.SASLPasswordFile, o.TLSCAFile, o.TLSCertFile, o.TLSKeyFile, o.CommandConfig} {
				if p != nil && *p != "" {
					if abs, err := filepath.Abs(*p); err == nil {
						*p = abs
					}
				}
			}
			c = config.MergeLayers(c, o.Layer)
			// The whole context, as every later command will resolve it:
			// nothing is saved when they would all reject it.
			if err := config.ValidateContext(c); err != nil {
				return fmt.Errorf("context %q not saved: %w", args[0], err)
			}
			file.Contexts[args[0]] = c
			if use || file.CurrentContext == "" {
				file.CurrentContext = args[0]
			}
			if err := file.Save(); err != nil {
				return err
			}
			fmt.Fprintf(f.Streams.ErrOut, "Context %q saved in %s.\n", args[0], file.Path())
			return nil
		},
	}
	cmd.Flags().BoolVar(&use, "use", false, "also make it the current context")
	return cmd
}

func newDelete(f *cmdutil.Factory) *cobra.Command {
	return newEdit(f, "delete", "Delete a context", "Context %q deleted.\n", func(file *config.File, name string) {
		delete(file.Contexts, name)
		if file.CurrentContext == name {
			file.CurrentContext = ""
		}
	})
}
