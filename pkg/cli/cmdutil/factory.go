// Package cmdutil holds what every command shares: the lazy Factory, the
// global flags and small helpers. Noun packages import it; pkg/cli wires them.
package cmdutil

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/output"
)

// GlobalFlags are the persistent flags of the root command.
type GlobalFlags struct {
	Brokers          string
	Context          string
	ConfigPath       string
	CommandConfig    string
	SecurityProtocol string
	SASLMechanism    string
	SASLUsername     string
	SASLPassword     string
	SASLPasswordFile string
	TLSCAFile        string
	TLSCertFile      string
	TLSKeyFile       string
	TLSServerName    string
	TLSInsecure      bool
	KafkaVersion     string
	Timeout          time.Duration
	Output           string
	TableStyle       string
	NoHeaders        bool
	Verbose          bool

	flags *pflag.FlagSet
}

// Register adds the global flags to fs.
func (g *GlobalFlags) Register(fs *pflag.FlagSet) {
	g.flags = fs
	fs.StringVarP(&g.Brokers, "brokers", "b", "", "bootstrap brokers, host:port[,host:port] (env KCTL_BROKERS)")
	fs.StringVar(&g.Context, "context", "", "context from the kctl config file (env KCTL_CONTEXT)")
	fs.StringVar(&g.ConfigPath, "config", "", "kctl config file (env KCTL_CONFIG; default $XDG_CONFIG_HOME/kctl/config.yaml)")
	fs.StringVar(&g.CommandConfig, "command-config", "", "Java client.properties file, as Kafka's scripts take")
	fs.StringVar(&g.SecurityProtocol, "security-protocol", "", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (inferred from TLS/SASL flags when unset)")
	fs.StringVar(&g.SASLMechanism, "sasl-mechanism", "", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	fs.StringVar(&g.SASLUsername, "sasl-username", "", "SASL user name")
	fs.StringVar(&g.SASLPassword, "sasl-password", "", "SASL password (lands in shell history: prefer KCTL_SASL_PASSWORD or --sasl-password-file)")
	fs.StringVar(&g.SASLPasswordFile, "sasl-password-file", "", "file holding the SASL password")
	fs.StringVar(&g.TLSCAFile, "tls-ca-file", "", "PEM CA bundle to verify brokers (default: system roots)")
	fs.StringVar(&g.TLSCertFile, "tls-cert-file", "", "PEM client certificate (mTLS)")
	fs.StringVar(&g.TLSKeyFile, "tls-key-file", "", "PEM client key (mTLS)")
	fs.StringVar(&g.TLSServerName, "tls-server-name", "", "host name expected in the broker certificates")
	fs.BoolVar(&g.TLSInsecure, "tls-insecure-skip-verify", false, "do not verify broker certificates (unsafe)")
	fs.StringVar(&g.KafkaVersion, "kafka-version", "", "highest Kafka protocol version to use (default: negotiated)")
	fs.DurationVar(&g.Timeout, "timeout", config.DefaultTimeout, "bound for the whole command")
	fs.StringVarP(&g.Output, "output", "o", "table", "output format: table, json or yaml")
	fs.BoolVar(&g.NoHeaders, "no-headers", false, "omit table headers")
	fs.StringVar(&g.TableStyle, "table-style", "", "table style: plain (default) or box (env KCTL_TABLE_STYLE; table-style in the config file)")
	fs.BoolVarP(&g.Verbose, "verbose", "v", false, "connection and request trace on stderr")
}

func (g *GlobalFlags) changed(name string) bool {
	return g.flags != nil && g.flags.Changed(name)
}

// OutputChanged reports whether -o/--output was given on the command line.
func (g *GlobalFlags) OutputChanged() bool { return g.changed("output") }

// Overrides turns the flags the user set into the top config layer.
func (g *GlobalFlags) Overrides() config.Overrides {
	o := config.Overrides{Context: g.Context, ConfigPath: g.ConfigPath}
	s := func(name string, v string) *string {
		if g.changed(name) {
			return &v
		}
		return nil
	}
	if g.changed("brokers") {
		o.Brokers = config.SplitBrokers(g.Brokers)
		if len(o.Brokers) == 0 {
			o.Brokers = []string{""} // -b "": the default broker, not the context's
		}
	}
	o.SecurityProtocol = s("security-protocol", g.SecurityProtocol)
	o.SASLMechanism = s("sasl-mechanism", g.SASLMechanism)
	o.SASLUsername = s("sasl-username", g.SASLUsername)
	o.SASLPassword = s("sasl-password", g.SASLPassword)
	o.SASLPasswordFile = s("sasl-password-file", g.SASLPasswordFile)
	o.PasswordOnCommandLine = g.changed("sasl-password")
	o.TLSCAFile = s("tls-ca-file", g.TLSCAFile)
	o.TLSCertFile = s("tls-cert-file", g.TLSCertFile)
	o.TLSKeyFile = s("tls-key-file", g.TLSKeyFile)
	o.TLSServerName = s("tls-server-name", g.TLSServerName)
	if g.changed("tls-insecure-skip-verify") {
		b := g.TLSInsecure
		o.TLSInsecure = &b
	}
	o.CommandConfig = s("command-config", g.CommandConfig)
	o.KafkaVersion = s("kafka-version", g.KafkaVersion)
	if g.changed("timeout") {
		t := g.Timeout.String()
		o.Timeout = &t
	}
	return o
}

// Factory gives commands lazy access to settings, the cluster and printers,
// so --help, completion and doc generation never touch the network.
type Factory struct {
	Streams *output.Streams
	Global  *GlobalFlags

	mu       sync.Mutex
	settings *config.Settings
	admin    *kafka.Admin
	warned   bool
}

// New returns a Factory on the given streams.
func New(s *output.Streams) *Factory {
	return &Factory{Streams: s, Global: &GlobalFlags{Timeout: config.DefaultTimeout, Output: "table"}}
}

// Settings resolves the connection settings once, printing warnings (and,
// with -v, notes) to stderr.
func (f *Factory) Settings() (config.Settings, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.settings != nil {
		return *f.settings, nil
	}
	s, err := config.Resolve(f.Global.Overrides())
	if err != nil {
		return s, err
	}
	if !f.warned {
		f.warned = true
		for _, w := range s.Warnings {
			fmt.Fprintf(f.Streams.ErrOut, "Warning: %s\n", w)
		}
		if f.Global.Verbose {
			for _, n := range s.Notes {
				fmt.Fprintf(f.Streams.ErrOut, "[kctl] %s\n", n)
			}
		}
	}
	f.settings = &s
	return s, nil
}

// Context returns a context bounded by the resolved --timeout.
func (f *Factory) Context(parent context.Context) (context.Context, context.CancelFunc, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, nil, err
	}
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithTimeout(parent, s.Timeout)
	return ctx, cancel, nil
}

// Verbose is the trace writer, or nil without -v.
func (f *Factory) Verbose() io.Writer {
	if f.Global.Verbose {
		return f.Streams.ErrOut
	}
	return nil
}

// Admin connects once per command; Close (called by the root) closes it.
func (f *Factory) Admin(ctx context.Context) (*kafka.Admin, error) {
	return f.AdminParallel(ctx, 0)
}

// AdminParallel is Admin for a plan that sends up to perBroker requests at
// once to one broker: that many connections to each bootstrap address open
// alongside the bootstrap connection (kafka.Options.PreOpen).
func (f *Factory) AdminParallel(ctx context.Context, perBroker int) (*kafka.Admin, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.admin != nil {
		return f.admin, nil
	}
	a, err := kafka.Connect(ctx, s, kafka.Options{Verbose: f.Verbose(), PreOpen: perBroker})
	if err != nil {
		return nil, err
	}
	f.admin = a
	return a, nil
}

// Connect is the preamble of a command that reads or changes the cluster:
// the printer for -o (first, so a bad -o fails before any network), a
// context bounded by --timeout, and the admin connection made within it.
// Errors come back as the steps return them. The caller defers cancel when
// err is nil; on error nothing is left to release.
func (f *Factory) Connect(parent context.Context) (*output.Printer, context.Context, context.CancelFunc, *kafka.Admin, error) {
	p, err := f.Printer()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	ctx, cancel, err := f.Context(parent)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	a, err := f.Admin(ctx)
	if err != nil {
		cancel()
		return nil, nil, nil, nil, err
	}
	return p, ctx, cancel, a, nil
}

// Close releases the connection, if one was opened.
func (f *Factory) Close() {
	f.mu.Lock()
	a := f.admin
	f.admin = nil
	f.mu.Unlock()
	if a != nil {
		_ = a.Close()
	}
}

// Printer returns the printer for -o/--no-headers on stdout.
func (f *Factory) Printer() (*output.Printer, error) {
	format, err := output.ParseFormat(f.Global.Output)
	if err != nil {
		return nil, err
	}
	box, err := f.tableStyle()
	if err != nil {
		return nil, err
	}
	p := output.NewPrinter(f.Streams.Out, format, f.Global.NoHeaders)
	p.Box = box
	return p, nil
}

// tableStyle is --table-style, else KCTL_TABLE_STYLE, else the config
// file's table-style, else plain.
func (f *Factory) tableStyle() (bool, error) {
	if f.Global.changed("table-style") {
		return output.ParseTableStyle(f.Global.TableStyle)
	}
	if s := os.Getenv("KCTL_TABLE_STYLE"); s != "" {
		b, err := output.ParseTableStyle(s)
		if err != nil {
			return false, errs.Usagef("KCTL_TABLE_STYLE: %v", err)
		}
		return b, nil
	}
	file, err := config.Load(f.Global.ConfigPath)
	if err != nil || file.TableStyle == "" {
		return false, nil // a broken config file is reported where it is used
	}
	b, err := output.ParseTableStyle(file.TableStyle)
	if err != nil {
		return false, errs.Usagef("table-style in %s: %v", file.Path(), err)
	}
	return b, nil
}

// NoteEmpty prints note on stderr when a table has no row (n == 0): every
// table keeps its header, and this one line says why it is empty. JSON and
// YAML say it with an empty list, so they get no note.
func (f *Factory) NoteEmpty(p *output.Printer, n int, note string) {
	if n == 0 && !p.Structured() {
		f.Warnf("%s", note)
	}
}

// Confirm settles a destructive command the same way everywhere: --yes
// (yes) skips the question; otherwise a person at a terminal is asked
// question [y/N] on stderr; without a terminal nothing is asked. It
// returns nil to go ahead. A "no" returns a silent exit 0 after
// "Nothing was changed." (the user decided; nothing failed); without a
// terminal it returns refuse(), the command's own exit 2 saying how to go
// ahead (docs/exit-codes.md).
func (f *Factory) Confirm(yes bool, question string, refuse func() error) error {
	if yes {
		return nil
	}
	if !f.Streams.Interactive {
		return refuse()
	}
	fmt.Fprintf(f.Streams.ErrOut, "%s [y/N] ", question)
	line, err := bufio.NewReader(f.Streams.In).ReadString('\n')
	if ans := strings.ToLower(strings.TrimSpace(line)); (err == nil || line != "") && (ans == "y" || ans == "yes") {
		return nil
	}
	f.Warnf("Nothing was changed.")
	return errs.SilentExit(0)
}

// Warnf prints a diagnostic on stderr.
func (f *Factory) Warnf(format string, a ...any) {
	fmt.Fprintf(f.Streams.ErrOut, format+"\n", a...)
}

// CheckAnnotation marks commands that use the check exit codes
// (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
const CheckAnnotation = "kctl/check-exit-codes"

// MarkCheck marks cmd as a check command.
func MarkCheck(cmd *cobra.Command) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[CheckAnnotation] = "true"
}

// NoArgs rejects positional arguments with a usage error.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return errs.Usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// ExactArgs requires n positional arguments, naming them in the error.
func ExactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return errs.Usagef("%s needs %s (usage: %s)", cmd.CommandPath(), names, cmd.UseLine())
		}
		return nil
	}
}

// MinArgs requires at least n positional arguments.
func MinArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return errs.Usagef("%s needs %s (usage: %s)", cmd.CommandPath(), names, cmd.UseLine())
		}
		return nil
	}
}

// SetSettings fixes the connection settings (tests and embedding callers),
// bypassing flags, environment and config files.
func (f *Factory) SetSettings(s config.Settings) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settings = &s
	f.warned = true
}
