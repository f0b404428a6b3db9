// Package config resolves kctl's connection settings from flags, the
// environment, the contexts file and Java client.properties files. viper
// lives here and nowhere else.
package config

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kctl-dev/kctl/pkg/errs"
)

// Security protocols, as Kafka's security.protocol names them.
const (
	Plaintext     = "PLAINTEXT"
	SSL           = "SSL"
	SASLPlaintext = "SASL_PLAINTEXT"
	SASLSSL       = "SASL_SSL"
)

// SASL mechanisms kctl supports.
const (
	MechPlain  = "PLAIN"
	MechSHA256 = "SCRAM-SHA-256"
	MechSHA512 = "SCRAM-SHA-512"
)

// DefaultBroker is used when nothing else names one, as Kafka's tools do.
const DefaultBroker = "localhost:9092"

// DefaultTimeout bounds every command.
const DefaultTimeout = 30 * time.Second

// Settings is everything needed to connect, fully resolved.
type Settings struct {
	Brokers          []string
	SecurityProtocol string
	SASL             SASL
	TLS              TLS
	KafkaVersion     string
	Timeout          time.Duration

	// Context is the context used, if any.
	Context string
	// Warnings go to stderr always (e.g. skip-verify, password on the
	// command line); Notes only with -v.
	Warnings []string
	Notes    []string
}

// SASL settings. Password is a secret: never print it.
type SASL struct {
	Mechanism string
	Username  string
	Password  string
}

// TLS settings.
type TLS struct {
	CAFile             string
	CertFile           string
	KeyFile            string
	ServerName         string
	InsecureSkipVerify bool
	// SkipHostnameVerify keeps chain verification but skips the host-name
	// check (ssl.endpoint.identification.algorithm= empty).
	SkipHostnameVerify bool
}

// UsesTLS reports whether the protocol is TLS-wrapped.
func (s *Settings) UsesTLS() bool {
	return s.SecurityProtocol == SSL || s.SecurityProtocol == SASLSSL
}

// UsesSASL reports whether the protocol authenticates with SASL.
func (s *Settings) UsesSASL() bool {
	return s.SecurityProtocol == SASLPlaintext || s.SecurityProtocol == SASLSSL
}

// Redacted returns a copy safe to print.
func (s Settings) Redacted() Settings {
	if s.SASL.Password != "" {
		s.SASL.Password = "[redacted]"
	}
	return s
}

// Layer is one source of settings; nil fields are unset at this layer.
type Layer struct {
	Brokers          []string `yaml:"brokers,omitempty" json:"brokers,omitempty"`
	SecurityProtocol *string  `yaml:"security-protocol,omitempty" json:"securityProtocol,omitempty"`
	SASLMechanism    *string  `yaml:"sasl-mechanism,omitempty" json:"saslMechanism,omitempty"`
	SASLUsername     *string  `yaml:"sasl-username,omitempty" json:"saslUsername,omitempty"`
	SASLPassword     *string  `yaml:"sasl-password,omitempty" json:"saslPassword,omitempty"`
	SASLPasswordFile *string  `yaml:"sasl-password-file,omitempty" json:"saslPasswordFile,omitempty"`
	TLSCAFile        *string  `yaml:"tls-ca-file,omitempty" json:"tlsCaFile,omitempty"`
	TLSCertFile      *string  `yaml:"tls-cert-file,omitempty" json:"tlsCertFile,omitempty"`
	TLSKeyFile       *string  `yaml:"tls-key-file,omitempty" json:"tlsKeyFile,omitempty"`
	TLSServerName    *string  `yaml:"tls-server-name,omitempty" json:"tlsServerName,omitempty"`
	TLSInsecure      *bool    `yaml:"tls-insecure-skip-verify,omitempty" json:"tlsInsecureSkipVerify,omitempty"`
	TLSSkipHostname  *bool    `yaml:"tls-skip-hostname-verify,omitempty" json:"tlsSkipHostnameVerify,omitempty"`
	CommandConfig    *string  `yaml:"command-config,omitempty" json:"commandConfig,omitempty"`
	KafkaVersion     *string  `yaml:"kafka-version,omitempty" json:"kafkaVersion,omitempty"`
	Timeout          *string  `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// merge copies the fields set in hi over lo.
func merge(lo, hi Layer) Layer {
	if len(hi.Brokers) > 0 {
		lo.Brokers = hi.Brokers
	}
	set := func(dst **string, src *string) {
		if src != nil {
			*dst = src
		}
	}
	setb := func(dst **bool, src *bool) {
		if src != nil {
			*dst = src
		}
	}
	set(&lo.SecurityProtocol, hi.SecurityProtocol)
	set(&lo.SASLMechanism, hi.SASLMechanism)
	set(&lo.SASLUsername, hi.SASLUsername)
	if hi.SASLPassword != nil || hi.SASLPasswordFile != nil {
		// A password and a password file at one layer: the higher layer's
		// choice wins over both of the lower layer's.
		lo.SASLPassword, lo.SASLPasswordFile = hi.SASLPassword, hi.SASLPasswordFile
	}
	set(&lo.TLSCAFile, hi.TLSCAFile)
	set(&lo.TLSCertFile, hi.TLSCertFile)
	set(&lo.TLSKeyFile, hi.TLSKeyFile)
	set(&lo.TLSServerName, hi.TLSServerName)
	setb(&lo.TLSInsecure, hi.TLSInsecure)
	setb(&lo.TLSSkipHostname, hi.TLSSkipHostname)
	set(&lo.CommandConfig, hi.CommandConfig)
	set(&lo.KafkaVersion, hi.KafkaVersion)
	set(&lo.Timeout, hi.Timeout)
	return lo
}

// HasSecret reports whether the layer stores a password inline.
func (l Layer) HasSecret() bool { return l.SASLPassword != nil && *l.SASLPassword != "" }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// toSettings validates a merged layer.
func toSettings(l Layer) (Settings, error) {
	s := Settings{Timeout: DefaultTimeout}
	for _, b := range l.Brokers {
		s.Brokers = append(s.Brokers, SplitBrokers(b)...)
	}
	if len(s.Brokers) == 0 {
		s.Brokers = []string{DefaultBroker}
	}
	for _, b := range s.Brokers {
		if !strings.Contains(b, ":") {
			return s, errs.Usagef("broker address %q has no port: use host:port (e.g. %s:9092)", b, b)
		}
	}
	s.SASL.Mechanism = strings.ToUpper(str(l.SASLMechanism))
	s.SASL.Username = str(l.SASLUsername)
	s.SASL.Password = str(l.SASLPassword)
	if f := str(l.SASLPasswordFile); f != "" && l.SASLPassword == nil {
		b, err := os.ReadFile(f)
		if err != nil {
			return s, errs.Usagef("cannot read SASL password file: %v", err)
		}
		s.SASL.Password = strings.TrimRight(string(b), "\r\n")
	}
	s.TLS = TLS{
		CAFile: str(l.TLSCAFile), CertFile: str(l.TLSCertFile), KeyFile: str(l.TLSKeyFile),
		ServerName: str(l.TLSServerName),
	}
	if l.TLSInsecure != nil {
		s.TLS.InsecureSkipVerify = *l.TLSInsecure
	}
	if l.TLSSkipHostname != nil {
		s.TLS.SkipHostnameVerify = *l.TLSSkipHostname
	}
	s.KafkaVersion = str(l.KafkaVersion)
	if t := str(l.Timeout); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return s, errs.Usagef("invalid timeout %q: use a Go duration such as 10s or 1m", t)
		}
		s.Timeout = d
	}

	proto := strings.ToUpper(str(l.SecurityProtocol))
	if proto == "" {
		// Infer from what was given, so `--sasl-mechanism` alone works.
		tlsGiven := s.TLS.CAFile != "" || s.TLS.CertFile != "" || s.TLS.InsecureSkipVerify
		switch {
		case s.SASL.Mechanism != "" && tlsGiven:
			proto = SASLSSL
		case s.SASL.Mechanism != "":
			proto = SASLPlaintext
		case tlsGiven:
			proto = SSL
		default:
			proto = Plaintext
		}
	}
	switch proto {
	case Plaintext, SSL, SASLPlaintext, SASLSSL:
	default:
		return s, errs.Usagef("unknown security protocol %q: use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", proto)
	}
	s.SecurityProtocol = proto
	if s.UsesSASL() {
		if s.SASL.Mechanism == "" {
			s.SASL.Mechanism = MechPlain
		}
		switch s.SASL.Mechanism {
		case MechPlain, MechSHA256, MechSHA512:
		case "GSSAPI":
			return s, errs.Usagef("SASL mechanism GSSAPI (Kerberos) is not supported by kctl: use a SCRAM-SHA-512 or PLAIN listener")
		case "OAUTHBEARER":
			return s, errs.Usagef("SASL mechanism OAUTHBEARER is not supported by kctl: use a SCRAM-SHA-512 or PLAIN listener")
		default:
			return s, errs.Usagef("unknown SASL mechanism %q: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.SASL.Mechanism)
		}
		if s.SASL.Username == "" {
			return s, errs.Usagef("security protocol %s needs a SASL user name (--sasl-username, KCTL_SASL_USERNAME, a context or sasl.jaas.config)", proto)
		}
		if s.SASL.Password == "" {
			return s, errs.Usagef("security protocol %s needs a SASL password for user %s (KCTL_SASL_PASSWORD, --sasl-password-file, a context or sasl.jaas.config)", proto, s.SASL.Username)
		}
	}
	if (s.TLS.CertFile == "") != (s.TLS.KeyFile == "") {
		return s, errs.Usagef("a TLS client certificate needs both --tls-cert-file and --tls-key-file")
	}
	if s.UsesTLS() && s.TLS.InsecureSkipVerify {
		s.Warnings = append(s.Warnings, "TLS certificate verification is disabled (--tls-insecure-skip-verify): the connection is not protected against impersonation")
	} else if s.UsesTLS() && s.TLS.SkipHostnameVerify {
		s.Warnings = append(s.Warnings, "TLS host-name verification is disabled (ssl.endpoint.identification.algorithm is empty)")
	}
	return s, nil
}

// SplitBrokers turns "a:9092, b:9092" into its addresses, so contexts
// store (and `-o json` shows) one address per list item.
func SplitBrokers(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func strp(s string) *string { return &s }
func boolp(b bool) *bool    { return &b }

// describeSource names a layer for -v notes.
func describeSource(name string, l Layer) string {
	var keys []string
	if len(l.Brokers) > 0 {
		keys = append(keys, "brokers")
	}
	if l.SecurityProtocol != nil {
		keys = append(keys, "security-protocol")
	}
	if l.SASLMechanism != nil {
		keys = append(keys, "sasl-mechanism")
	}
	if l.SASLUsername != nil {
		keys = append(keys, "sasl-username")
	}
	if l.SASLPassword != nil || l.SASLPasswordFile != nil {
		keys = append(keys, "sasl-password")
	}
	if l.TLSCAFile != nil || l.TLSCertFile != nil || l.TLSInsecure != nil || l.TLSServerName != nil {
		keys = append(keys, "tls")
	}
	if len(keys) == 0 {
		return ""
	}
	return fmt.Sprintf("%s sets %s", name, strings.Join(keys, ", "))
}

// MergeLayers returns lo with the fields set in hi copied over it.
func MergeLayers(lo, hi Layer) Layer { return merge(lo, hi) }

// ValidateLayer checks the values a layer sets, without requiring the
// layer to be complete (a context may leave the password to the
// environment). `kctl context set` uses it so a typo fails at once.
func ValidateLayer(l Layer) error {
	for _, b := range l.Brokers {
		for _, part := range strings.Split(b, ",") {
			if part = strings.TrimSpace(part); part != "" && !strings.Contains(part, ":") {
				return errs.Usagef("broker address %q has no port: use host:port (e.g. %s:9092)", part, part)
			}
		}
	}
	if p := l.SecurityProtocol; p != nil {
		switch strings.ToUpper(*p) {
		case Plaintext, SSL, SASLPlaintext, SASLSSL:
		default:
			return errs.Usagef("unknown security protocol %q: use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", *p)
		}
	}
	if m := l.SASLMechanism; m != nil {
		switch strings.ToUpper(*m) {
		case MechPlain, MechSHA256, MechSHA512:
		default:
			return errs.Usagef("unknown SASL mechanism %q: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", *m)
		}
	}
	if t := l.Timeout; t != nil {
		if d, err := time.ParseDuration(*t); err != nil || d <= 0 {
			return errs.Usagef("invalid timeout %q: use a Go duration such as 10s or 1m", *t)
		}
	}
	return nil
}
