// Package sandboxcmd implements `kctl sandbox`: a local Kafka-compatible
// cluster in the foreground, for trying every command without a real Kafka.
package sandboxcmd

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// Options are the inputs of `kctl sandbox`.
type Options struct {
	F           *cmdutil.Factory
	Brokers     int
	Port        int
	SASL        string
	User        string
	Password    string
	TLSDir      string
	ACLs        bool
	DataDir     string
	Seed        string
	ContextName string
	NoContext   bool
}

// NewCmd returns `kctl sandbox`.
func NewCmd(f *cmdutil.Factory) *cobra.Command { return NewCmdSandbox(f, nil) }

// NewCmdSandbox returns `kctl sandbox` with an optional test hook.
func NewCmdSandbox(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local Kafka-compatible cluster in the foreground (Ctrl-C stops it)",
		Long: `Run a local Kafka-compatible cluster (franz-go's kfake) in the foreground until
Ctrl-C. It prints the bootstrap addresses and writes a "sandbox" context to the
kctl config file, so every other command can be tried at once:

  kctl sandbox &            # then, in another shell:
  kctl --context sandbox lag describe --all-groups

The demo seed creates topics orders (6 partitions), payments (3) and audit (1)
with records spread over the last 24 hours, and consumer groups billing (Empty,
lag 50 on each orders partition), analytics (caught up on payments) and shipping
(one active member on audit, lag 10). See docs/sandbox.md.`,
		Example: `  kctl sandbox
  kctl sandbox --brokers 1 --port 29092 --seed none
  kctl sandbox --sasl scram-sha-512 --user admin --password admin-secret --acls
  kctl sandbox --tls /tmp/kctl-tls`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.SASL == "" && (cmd.Flags().Changed("user") || cmd.Flags().Changed("password")) {
				// Without SASL nobody logs in: the user would be ignored.
				return errs.Usagef("--user and --password need --sasl (e.g. --sasl scram-sha-512)")
			}
			if err := o.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return Run(ctx, o)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&o.Brokers, "brokers", 3, "number of brokers")
	fl.IntVar(&o.Port, "port", 19092, "port of the first broker; the others follow (0: random ports)")
	fl.StringVar(&o.SASL, "sasl", "", "enable SASL: plain, scram-sha-256 or scram-sha-512")
	fl.StringVar(&o.User, "user", "admin", "SASL superuser name")
	fl.StringVar(&o.Password, "password", "admin-secret", "SASL superuser password")
	fl.StringVar(&o.TLSDir, "tls", "", "enable TLS: generate a CA, broker and client certificates into this directory")
	fl.BoolVar(&o.ACLs, "acls", false, "enable the authorizer (the sandbox user is a superuser)")
	fl.StringVar(&o.DataDir, "data-dir", "", "persist the cluster's state here between runs")
	fl.StringVar(&o.Seed, "seed", "demo", "data to create at start: demo or none")
	fl.StringVar(&o.ContextName, "context-name", "sandbox", "name of the context written to the kctl config")
	fl.BoolVar(&o.NoContext, "no-context", false, "do not write a context to the kctl config")
	return cmd
}

func (o *Options) validate() error {
	if o.Brokers < 1 || o.Brokers > 16 {
		return errs.Usagef("--brokers must be between 1 and 16, got %d", o.Brokers)
	}
	if o.Port < 0 || o.Port > 65535-o.Brokers {
		return errs.Usagef("--port %d is out of range", o.Port)
	}
	switch strings.ToLower(o.SASL) {
	case "", "plain", "scram-sha-256", "scram-sha-512":
	default:
		return errs.Usagef("--sasl %q: use plain, scram-sha-256 or scram-sha-512", o.SASL)
	}
	if o.ACLs && o.SASL == "" {
		return errs.Usagef("--acls needs --sasl: without authentication every client is anonymous")
	}
	switch o.Seed {
	case "demo", "none", "":
	default:
		return errs.Usagef("--seed %q: use demo or none", o.Seed)
	}
	return nil
}

// Run starts the sandbox and blocks until ctx ends.
func Run(ctx context.Context, o *Options) error {
	seed := o.Seed
	if seed == "none" {
		seed = ""
	}
	so := sandbox.Options{Brokers: o.Brokers, BasePort: o.Port, ACLs: o.ACLs, DataDir: o.DataDir, Seed: seed}
	if o.SASL != "" {
		so.SASL, so.User, so.Password = o.SASL, o.User, o.Password
	}
	if o.TLSDir != "" {
		abs, err := filepath.Abs(o.TLSDir)
		if err != nil {
			return err
		}
		so.TLSDir = abs
	}
	errOut := o.F.Streams.ErrOut
	fmt.Fprintf(errOut, "Starting a %d-broker sandbox cluster...\n", o.Brokers)
	c, err := sandbox.Start(so)
	if err != nil {
		return err
	}
	defer c.Close()

	out := o.F.Streams.Out
	fmt.Fprintf(out, "Sandbox cluster ready.\nBootstrap: %s\n", c.Bootstrap())
	if !o.NoContext {
		path, err := writeContext(o, c)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Context %q written to %s (try: kctl --context %s cluster describe)\n", o.ContextName, path, o.ContextName)
	}
	if c.TLS != nil {
		fmt.Fprintf(out, "TLS files: CA %s, client certificate %s, key %s\n", c.TLS.CA, c.TLS.ClientCert, c.TLS.ClientKey)
	}
	if seed == "demo" {
		fmt.Fprintln(out, "Demo data: topics orders, payments, audit, orders.DLT (3 dead letters with Spring headers); groups billing (lagging, no members), analytics (caught up), shipping (active member).")
		if o.ACLs {
			fmt.Fprintf(out, "Demo ACLs: %s may read topic %s and group %s (seeded on first start).\n", sandbox.DemoUser, sandbox.DemoUserTopic, sandbox.DemoUserGroup)
		}
	}
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
	<-ctx.Done()
	fmt.Fprintln(errOut, "Stopping the sandbox.")
	return nil
}

// ContextLayer is the kctl context that reaches cluster c: its brokers,
// and its SASL user and CA when it was started with them.
func ContextLayer(c *sandbox.Cluster) config.Layer {
	s := func(v string) *string { return &v }
	l := config.Layer{Brokers: c.Addrs}
	proto := config.Plaintext
	if c.Opts.SASL != "" {
		proto = config.SASLPlaintext
		l.SASLMechanism = s(strings.ToUpper(c.Opts.SASL))
		l.SASLUsername = s(c.Opts.User)
		l.SASLPassword = s(c.Opts.Password)
	}
	if c.TLS != nil {
		if proto == config.SASLPlaintext {
			proto = config.SASLSSL
		} else {
			proto = config.SSL
		}
		l.TLSCAFile = s(c.TLS.CA)
	}
	l.SecurityProtocol = s(proto)
	return l
}

func writeContext(o *Options, c *sandbox.Cluster) (string, error) {
	path := o.F.Global.ConfigPath
	if path == "" {
		path = config.DefaultPath()
	}
	file, err := config.Load(path)
	if err != nil {
		return "", err
	}
	file.Contexts[o.ContextName] = ContextLayer(c)
	if file.CurrentContext == "" {
		file.CurrentContext = o.ContextName
	}
	return file.Path(), file.Save()
}
