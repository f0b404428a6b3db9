package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/viper"
	"gopkg.in/yaml.v3"

	"github.com/kctl-dev/kctl/pkg/errs"
)

// File is kctl's own config file: named contexts, like kubectl's.
type File struct {
	CurrentContext string           `yaml:"current-context,omitempty"`
	Contexts       map[string]Layer `yaml:"contexts,omitempty"`
	// TableStyle is the default table style: plain (default) or box.
	TableStyle string `yaml:"table-style,omitempty"`

	path string
}

// Path returns where the file lives.
func (f *File) Path() string { return f.path }

// DefaultPath: $KCTL_CONFIG, else $XDG_CONFIG_HOME/kctl/config.yaml, else
// ~/.config/kctl/config.yaml.
func DefaultPath() string {
	if p := os.Getenv("KCTL_CONFIG"); p != "" {
		return p
	}
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "kctl", "config.yaml")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".kctl", "config.yaml")
	}
	return filepath.Join(home, ".config", "kctl", "config.yaml")
}

// Load reads the file at path; a missing file is an empty config.
func Load(path string) (*File, error) {
	if path == "" {
		path = DefaultPath()
	}
	f := &File{path: path, Contexts: map[string]Layer{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, errs.Usagef("cannot read kctl config: %v", err)
	}
	if err := yaml.Unmarshal(b, f); err != nil {
		return nil, errs.Usagef("kctl config %s is not valid YAML: %v", path, err)
	}
	if f.Contexts == nil {
		f.Contexts = map[string]Layer{}
	}
	return f, nil
}

// Save writes the file atomically, 0600 when any context holds a password.
func (f *File) Save() error {
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("save kctl config: %w", err)
	}
	b, err := yaml.Marshal(f)
	if err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	for _, c := range f.Contexts {
		if c.HasSecret() {
			mode = 0o600
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("save kctl config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), f.path)
}

// Names lists the contexts, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Contexts))
	for n := range f.Contexts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Overrides are the global flags: the highest-precedence layer. Only flags
// the user actually set are non-nil.
type Overrides struct {
	Layer
	Context    string
	ConfigPath string
	// PasswordOnCommandLine triggers the shell-history warning.
	PasswordOnCommandLine bool
}

// envLayer reads KCTL_* variables through viper.
func envLayer() Layer {
	v := viper.New()
	v.SetEnvPrefix("KCTL")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	get := func(k string) *string {
		if v.IsSet(k) {
			s := v.GetString(k)
			return &s
		}
		return nil
	}
	getb := func(k string) *bool {
		if v.IsSet(k) {
			b := v.GetBool(k)
			return &b
		}
		return nil
	}
	var l Layer
	if b := get("brokers"); b != nil {
		l.Brokers = SplitBrokers(*b)
	}
	l.SecurityProtocol = get("security-protocol")
	l.SASLMechanism = get("sasl-mechanism")
	l.SASLUsername = get("sasl-username")
	l.SASLPassword = get("sasl-password")
	l.SASLPasswordFile = get("sasl-password-file")
	l.TLSCAFile = get("tls-ca-file")
	l.TLSCertFile = get("tls-cert-file")
	l.TLSKeyFile = get("tls-key-file")
	l.TLSServerName = get("tls-server-name")
	l.TLSInsecure = getb("tls-insecure-skip-verify")
	l.CommandConfig = get("command-config")
	l.KafkaVersion = get("kafka-version")
	l.Timeout = get("timeout")
	return l
}

// Resolve merges, highest precedence first: flags, KCTL_* environment, the
// chosen context, the client.properties file (flag, env or context), defaults.
func Resolve(o Overrides) (Settings, error) {
	env := envLayer()
	path := o.ConfigPath
	file, err := Load(path)
	if err != nil {
		return Settings{}, err
	}
	ctxName := o.Context
	if ctxName == "" {
		ctxName = os.Getenv("KCTL_CONTEXT")
	}
	explicitCtx := ctxName != ""
	if ctxName == "" {
		ctxName = file.CurrentContext
	}
	var ctxLayer Layer
	if ctxName != "" {
		c, ok := file.Contexts[ctxName]
		if !ok {
			if explicitCtx {
				return Settings{}, errs.Usagef("context %q not found in %s (kctl context list shows the contexts)", ctxName, file.path)
			}
			return Settings{}, errs.Usagef("current context %q not found in %s: run `kctl context use NAME`", ctxName, file.path)
		}
		ctxLayer = c
	}
	// The properties file named at the highest layer is used.
	var propsPath string
	for _, l := range []Layer{ctxLayer, env, o.Layer} {
		if l.CommandConfig != nil {
			propsPath = *l.CommandConfig
		}
	}
	var props Layer
	var notes []string
	if propsPath != "" {
		p, n, err := ParsePropertiesFile(propsPath)
		if err != nil {
			return Settings{}, err
		}
		props, notes = p, n
	}
	merged := merge(merge(merge(props, ctxLayer), env), o.Layer)
	if merged.SecurityProtocol == nil && merged.SASLMechanism == nil {
		// A user name from kctl's own sources with nothing that says SASL
		// would be dropped silently (PLAINTEXT is inferred), and a SASL
		// listener would then close the connection with no hint why. A
		// client.properties file keeps Java's rule: no security.protocol
		// means PLAINTEXT, whatever sasl.jaas.config says.
		for _, l := range []Layer{o.Layer, env, ctxLayer} {
			if u := str(l.SASLUsername); u != "" {
				return Settings{}, userWithoutMechanism(u)
			}
		}
	}
	s, err := toSettings(merged)
	if err != nil {
		return s, err
	}
	s.Context = ctxName
	s.Notes = append(s.Notes, notes...)
	for _, src := range []struct {
		name string
		l    Layer
	}{{"flags", o.Layer}, {"environment", env}, {"context " + ctxName, ctxLayer}, {"client properties " + propsPath, props}} {
		if d := describeSource(src.name, src.l); d != "" {
			s.Notes = append(s.Notes, d)
		}
	}
	if o.PasswordOnCommandLine {
		s.Warnings = append(s.Warnings, "--sasl-password puts the password in your shell history and the process list: prefer KCTL_SASL_PASSWORD or --sasl-password-file")
	}
	return s, nil
}

func userWithoutMechanism(user string) error {
	return errs.Usagef("SASL user %s is set but no SASL mechanism: add --sasl-mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 "+
		"(or --security-protocol PLAINTEXT or SSL to connect without SASL)", user)
}

// ValidateContext checks a whole context as `kctl context set` is about to
// save it, with the rules every later command applies when it resolves the
// context (a context they would all reject must not be saved). A context
// may still leave the password to the environment.
func ValidateContext(c Layer) error {
	if err := ValidateLayer(c); err != nil {
		return err
	}
	merged := c
	if f := str(c.CommandConfig); f != "" {
		props, _, err := ParsePropertiesFile(f)
		if err != nil {
			return err
		}
		merged = merge(props, c)
	}
	if merged.SecurityProtocol == nil && merged.SASLMechanism == nil {
		if u := str(merged.SASLUsername); u != "" && c.SASLUsername != nil {
			return userWithoutMechanism(u)
		}
	}
	proto := strings.ToUpper(str(merged.SecurityProtocol))
	if m := str(merged.SASLMechanism); m != "" && (proto == Plaintext || proto == SSL) {
		return errs.Usagef("SASL mechanism %s is set but security protocol %s uses no SASL: use SASL_PLAINTEXT or SASL_SSL, or drop the mechanism", strings.ToUpper(m), proto)
	}
	if (str(merged.TLSCertFile) == "") != (str(merged.TLSKeyFile) == "") {
		return errs.Usagef("a TLS client certificate needs both --tls-cert-file and --tls-key-file")
	}
	return nil
}
