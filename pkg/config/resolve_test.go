package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clearEnv hides the developer's KCTL_* variables from a test (viper treats
// empty variables as unset).
func clearEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "KCTL_") {
			t.Setenv(k, "")
		}
	}
}

const (
	lFlag = iota
	lEnv
	lCtx
	lProps
)

var layerNames = []string{"flag", "env", "context", "properties"}

// field describes one setting and how each source sets it. An empty value
// means the source cannot set that field.
type field struct {
	name   string
	values [4]string // per layer: flag, env, context, properties
	def    string    // resolved value when no layer sets it
	set    func(l *Layer, v string)
	env    string
	props  func(v string) string
	base   string // properties lines always present (lowest precedence)
	get    func(s Settings) string
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, n := range []string{"flag", "env", "ctx"} {
		file("pw-"+n, n+"-pw-from-file\n")
	}
	sasl := "security.protocol=SASL_PLAINTEXT\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"base-user\" password=\"base-pw\";\n"
	jaas := func(user, pw string) string {
		return "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\"" + pw + "\";\n"
	}
	fields := []field{
		{
			name: "brokers", values: [4]string{"f:1", "e:1,e:2", "c:1", "p:1"}, def: "localhost:9092",
			set: func(l *Layer, v string) { l.Brokers = []string{v} }, env: "KCTL_BROKERS",
			props: func(v string) string { return "bootstrap.servers=" + v + "\n" },
			get:   func(s Settings) string { return strings.Join(s.Brokers, ",") },
		},
		{
			name: "security protocol", values: [4]string{"SASL_SSL", "SSL", "SASL_PLAINTEXT", "PLAINTEXT"}, def: "PLAINTEXT",
			set: func(l *Layer, v string) { l.SecurityProtocol = strp(v) }, env: "KCTL_SECURITY_PROTOCOL",
			props: func(v string) string { return "security.protocol=" + v + "\n" },
			base:  jaas("u", "p"),
			get:   func(s Settings) string { return s.SecurityProtocol },
		},
		{
			name: "SASL mechanism", values: [4]string{"SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN", "SCRAM-SHA-256"}, def: "PLAIN",
			set: func(l *Layer, v string) { l.SASLMechanism = strp(v) }, env: "KCTL_SASL_MECHANISM",
			props: func(v string) string { return "sasl.mechanism=" + v + "\n" },
			base:  sasl,
			get:   func(s Settings) string { return s.SASL.Mechanism },
		},
		{
			name: "SASL user", values: [4]string{"flag-user", "env-user", "ctx-user", "props-user"}, def: "base-user",
			set: func(l *Layer, v string) { l.SASLUsername = strp(v) }, env: "KCTL_SASL_USERNAME",
			props: func(v string) string { return jaas(v, "base-pw") },
			base:  sasl,
			get:   func(s Settings) string { return s.SASL.Username },
		},
		{
			name: "SASL password", values: [4]string{"flag-pw", "env-pw", "ctx-pw", "props-pw"}, def: "base-pw",
			set: func(l *Layer, v string) { l.SASLPassword = strp(v) }, env: "KCTL_SASL_PASSWORD",
			props: func(v string) string { return jaas("base-user", v) },
			base:  sasl,
			get:   func(s Settings) string { return s.SASL.Password },
		},
		{
			name: "SASL password file", values: [4]string{filepath.Join(dir, "pw-flag"), filepath.Join(dir, "pw-env"), filepath.Join(dir, "pw-ctx"), ""}, def: "base-pw",
			set: func(l *Layer, v string) { l.SASLPasswordFile = strp(v) }, env: "KCTL_SASL_PASSWORD_FILE",
			base: sasl,
			get: func(s Settings) string {
				return strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSuffix(s.SASL.Password, "-pw-from-file"), dir), "/"), "pw-")
			},
		},
		{
			name: "TLS CA file", values: [4]string{"/flag/ca.pem", "/env/ca.pem", "/ctx/ca.pem", "/props/ca.pem"}, def: "",
			set: func(l *Layer, v string) { l.TLSCAFile = strp(v) }, env: "KCTL_TLS_CA_FILE",
			props: func(v string) string { return "ssl.truststore.type=PEM\nssl.truststore.location=" + v + "\n" },
			base:  "security.protocol=SSL\n",
			get:   func(s Settings) string { return s.TLS.CAFile },
		},
		{
			name: "TLS client certificate", values: [4]string{"/flag/c.pem", "/env/c.pem", "/ctx/c.pem", "/props/c.pem"}, def: "",
			set: func(l *Layer, v string) { l.TLSCertFile, l.TLSKeyFile = strp(v), strp(v+".key") }, env: "KCTL_TLS_CERT_FILE",
			props: func(v string) string { return "ssl.keystore.type=PEM\nssl.keystore.location=" + v + "\n" },
			base:  "security.protocol=SSL\n",
			get:   func(s Settings) string { return s.TLS.CertFile },
		},
		{
			name: "TLS server name", values: [4]string{"flag.example", "env.example", "ctx.example", ""}, def: "",
			set: func(l *Layer, v string) { l.TLSServerName = strp(v) }, env: "KCTL_TLS_SERVER_NAME",
			base: "security.protocol=SSL\n",
			get:  func(s Settings) string { return s.TLS.ServerName },
		},
		{
			name: "TLS skip verify", values: [4]string{"true", "false", "true", ""}, def: "false",
			set: func(l *Layer, v string) { l.TLSInsecure = boolp(v == "true") }, env: "KCTL_TLS_INSECURE_SKIP_VERIFY",
			base: "security.protocol=SSL\n",
			get: func(s Settings) string {
				if s.TLS.InsecureSkipVerify {
					return "true"
				}
				return "false"
			},
		},
		{
			name: "TLS host-name check", values: [4]string{"", "", "false", "true"}, def: "false",
			set: func(l *Layer, v string) { l.TLSSkipHostname = boolp(v == "true") },
			props: func(v string) string {
				if v == "true" {
					return "ssl.endpoint.identification.algorithm=\n"
				}
				return "ssl.endpoint.identification.algorithm=https\n"
			},
			base: "security.protocol=SSL\n",
			get: func(s Settings) string {
				if s.TLS.SkipHostnameVerify {
					return "true"
				}
				return "false"
			},
		},
		{
			name: "Kafka version", values: [4]string{"3.7.0", "2.8.0", "2.1.0", ""}, def: "",
			set: func(l *Layer, v string) { l.KafkaVersion = strp(v) }, env: "KCTL_KAFKA_VERSION",
			get: func(s Settings) string { return s.KafkaVersion },
		},
		{
			name: "timeout", values: [4]string{"5s", "7s", "1m0s", ""}, def: "30s",
			set: func(l *Layer, v string) { l.Timeout = strp(v) }, env: "KCTL_TIMEOUT",
			get: func(s Settings) string { return s.Timeout.String() },
		},
	}
	for _, f := range fields {
		// Every single layer, and every pair of layers: the higher wins.
		var subsets [][]int
		subsets = append(subsets, nil)
		for i := 0; i < 4; i++ {
			subsets = append(subsets, []int{i})
			for j := i + 1; j < 4; j++ {
				subsets = append(subsets, []int{i, j})
			}
		}
		for _, sub := range subsets {
			usable := true
			var names []string
			for _, l := range sub {
				if f.values[l] == "" {
					usable = false
				}
				names = append(names, layerNames[l])
			}
			if len(sub) == 2 && f.values[sub[0]] == f.values[sub[1]] {
				usable = false // indistinguishable
			}
			if !usable {
				continue
			}
			want := f.def
			if len(sub) > 0 {
				want = f.values[sub[0]]
			}
			if f.name == "SASL password file" && len(sub) > 0 {
				want = []string{"flag", "env", "ctx"}[sub[0]]
			}
			t.Run(f.name+"/"+strings.Join(append(names, "defaults"), ">"), func(t *testing.T) {
				clearEnv(t)
				tmp := t.TempDir()
				props := f.base
				var o Overrides
				ctx := Layer{}
				for _, l := range sub {
					v := f.values[l]
					switch l {
					case lFlag:
						f.set(&o.Layer, v)
					case lEnv:
						t.Setenv(f.env, v)
						if f.name == "TLS client certificate" {
							t.Setenv("KCTL_TLS_KEY_FILE", v+".key")
						}
					case lCtx:
						f.set(&ctx, v)
					case lProps:
						props += f.props(v)
					}
				}
				pf := filepath.Join(tmp, "client.properties")
				if err := os.WriteFile(pf, []byte(props), 0o600); err != nil {
					t.Fatal(err)
				}
				ctx.CommandConfig = strp(pf)
				cfg := &File{path: filepath.Join(tmp, "config.yaml"), CurrentContext: "c", Contexts: map[string]Layer{"c": ctx}}
				if err := cfg.Save(); err != nil {
					t.Fatal(err)
				}
				o.ConfigPath = cfg.path
				s, err := Resolve(o)
				if err != nil {
					t.Fatalf("Resolve: %v", err)
				}
				if got := f.get(s); got != want {
					t.Fatalf("%s = %q, want %q", f.name, got, want)
				}
			})
		}
	}
}

// TestPrecedenceWholeStack: one field from each source at once, the way a
// user mixes them.
func TestPrecedenceWholeStack(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	props := filepath.Join(dir, "client.properties")
	if err := os.WriteFile(props, []byte("bootstrap.servers=props:9092\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"+
		"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"props-user\" password=\"props-pw\";\n"+
		"ssl.truststore.type=PEM\nssl.truststore.location=/props/ca.pem\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &File{path: filepath.Join(dir, "config.yaml"), CurrentContext: "prod", Contexts: map[string]Layer{
		"prod":  {Brokers: []string{"ctx:9092"}, SASLUsername: strp("ctx-user"), CommandConfig: strp(props), Timeout: strp("20s")},
		"other": {Brokers: []string{"other:9092"}},
	}}
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KCTL_SASL_PASSWORD", "env-pw")
	t.Setenv("KCTL_TIMEOUT", "15s")
	s, err := Resolve(Overrides{ConfigPath: cfg.path, Layer: Layer{Brokers: []string{"flag-1:9092, flag-2:9092"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{
		Brokers: []string{"flag-1:9092", "flag-2:9092"}, SecurityProtocol: SASLSSL,
		SASL: SASL{Mechanism: MechSHA512, Username: "ctx-user", Password: "env-pw"},
		TLS:  TLS{CAFile: "/props/ca.pem"}, Timeout: 15 * time.Second, Context: "prod",
	}
	if s.Brokers[0] != want.Brokers[0] || s.Brokers[1] != want.Brokers[1] || len(s.Brokers) != 2 || s.SecurityProtocol != want.SecurityProtocol ||
		s.SASL != want.SASL || s.TLS != want.TLS || s.Timeout != want.Timeout || s.Context != want.Context {
		t.Fatalf("resolved %+v\nwant %+v", s.Redacted(), want.Redacted())
	}
	wantNotes := []string{
		"flags sets brokers",
		"environment sets sasl-password",
		"context prod sets brokers, sasl-username",
		"client properties " + props + " sets brokers, security-protocol, sasl-mechanism, sasl-username, sasl-password, tls",
	}
	if strings.Join(s.Notes, "\n") != strings.Join(wantNotes, "\n") {
		t.Fatalf("notes:\n%s\nwant:\n%s", strings.Join(s.Notes, "\n"), strings.Join(wantNotes, "\n"))
	}

	// KCTL_CONTEXT beats current-context; --context beats KCTL_CONTEXT.
	t.Setenv("KCTL_SASL_PASSWORD", "")
	t.Setenv("KCTL_CONTEXT", "other")
	if s, err := Resolve(Overrides{ConfigPath: cfg.path}); err != nil || s.Context != "other" || s.Brokers[0] != "other:9092" {
		t.Fatalf("KCTL_CONTEXT: %+v %v", s.Redacted(), err)
	}
	if s, err := Resolve(Overrides{ConfigPath: cfg.path, Context: "prod"}); err != nil || s.Context != "prod" || s.Brokers[0] != "ctx:9092" {
		t.Fatalf("--context: %+v %v", s.Redacted(), err)
	}
	// --command-config beats the context's command-config.
	other := filepath.Join(dir, "other.properties")
	if err := os.WriteFile(other, []byte("bootstrap.servers=other-props:9092\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KCTL_CONTEXT", "")
	cfg.Contexts["prod"] = Layer{CommandConfig: strp(props), SASLPassword: strp("ctx-pw")}
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	if s, err := Resolve(Overrides{ConfigPath: cfg.path, Layer: Layer{CommandConfig: strp(other)}}); err != nil || s.Brokers[0] != "other-props:9092" || s.SecurityProtocol != Plaintext {
		t.Fatalf("--command-config: %+v %v", s.Redacted(), err)
	}
	t.Setenv("KCTL_COMMAND_CONFIG", other)
	if s, err := Resolve(Overrides{ConfigPath: cfg.path}); err != nil || s.Brokers[0] != "other-props:9092" {
		t.Fatalf("KCTL_COMMAND_CONFIG: %+v %v", s.Redacted(), err)
	}
}

func TestPasswordSourcesAtOneLayer(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("from-file\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "none.yaml")
	base := Layer{Brokers: []string{"b:1"}, SASLMechanism: strp("PLAIN"), SASLUsername: strp("u")}
	// A password file at a higher layer beats a password at a lower one.
	t.Setenv("KCTL_SASL_PASSWORD", "from-env")
	o := Overrides{ConfigPath: cfgPath, Layer: base}
	o.SASLPasswordFile = strp(pw)
	s, err := Resolve(o)
	if err != nil || s.SASL.Password != "from-file" {
		t.Fatalf("password file over env password: %q %v", s.SASL.Password, err)
	}
	// A password on the command line warns about shell history.
	t.Setenv("KCTL_SASL_PASSWORD", "")
	o = Overrides{ConfigPath: cfgPath, Layer: base, PasswordOnCommandLine: true}
	o.SASLPassword = strp("from-flag")
	s, err = Resolve(o)
	if err != nil || s.SASL.Password != "from-flag" || len(s.Warnings) != 1 ||
		s.Warnings[0] != "--sasl-password puts the password in your shell history and the process list: prefer KCTL_SASL_PASSWORD or --sasl-password-file" {
		t.Fatalf("flag password: %+v %v", s.Redacted(), err)
	}
	// A missing password file is a usage error naming the flag's file.
	o = Overrides{ConfigPath: cfgPath, Layer: base}
	o.SASLPasswordFile = strp(filepath.Join(dir, "missing"))
	if _, err := Resolve(o); err == nil || !strings.HasPrefix(err.Error(), "cannot read SASL password file: open "+filepath.Join(dir, "missing")) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestResolveErrors(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	cfg := &File{path: filepath.Join(dir, "config.yaml"), CurrentContext: "gone", Contexts: map[string]Layer{"a": {}}}
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	none := filepath.Join(dir, "none.yaml")
	for _, tc := range []struct {
		name string
		o    Overrides
		want string
	}{
		{"unknown --context", Overrides{ConfigPath: none, Context: "prod"}, `context "prod" not found in ` + none + ` (kctl context list shows the contexts)`},
		{"dangling current-context", Overrides{ConfigPath: cfg.path}, `current context "gone" not found in ` + cfg.path + ": run `kctl context use NAME`"},
		{"broker without port", Overrides{ConfigPath: none, Layer: Layer{Brokers: []string{"kafka-1"}}}, `broker address "kafka-1" has no port: use host:port (e.g. kafka-1:9092)`},
		{"bad protocol", Overrides{ConfigPath: none, Layer: Layer{SecurityProtocol: strp("TLS")}}, `unknown security protocol "TLS": use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL`},
		{"bad mechanism", Overrides{ConfigPath: none, Layer: Layer{SASLMechanism: strp("MD5"), SASLUsername: strp("u")}}, `unknown SASL mechanism "MD5": use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`},
		{"GSSAPI", Overrides{ConfigPath: none, Layer: Layer{SASLMechanism: strp("gssapi"), SASLUsername: strp("u")}}, "SASL mechanism GSSAPI (Kerberos) is not supported by kctl: use a SCRAM-SHA-512 or PLAIN listener"},
		{"SASL without user", Overrides{ConfigPath: none, Layer: Layer{SecurityProtocol: strp("SASL_SSL")}}, "security protocol SASL_SSL needs a SASL user name (--sasl-username, KCTL_SASL_USERNAME, a context or sasl.jaas.config)"},
		{"user without mechanism", Overrides{ConfigPath: none, Layer: Layer{SASLUsername: strp("u"), SASLPassword: strp("p")}}, "SASL user u is set but no SASL mechanism: add --sasl-mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (or --security-protocol PLAINTEXT or SSL to connect without SASL)"},
		{"SASL without password", Overrides{ConfigPath: none, Layer: Layer{SASLMechanism: strp("PLAIN"), SASLUsername: strp("u")}}, "security protocol SASL_PLAINTEXT needs a SASL password for user u (KCTL_SASL_PASSWORD, --sasl-password-file, a context or sasl.jaas.config)"},
		{"key without certificate", Overrides{ConfigPath: none, Layer: Layer{TLSKeyFile: strp("/k.pem")}}, "a TLS client certificate needs both --tls-cert-file and --tls-key-file"},
		{"bad timeout", Overrides{ConfigPath: none, Layer: Layer{Timeout: strp("soon")}}, `invalid timeout "soon": use a Go duration such as 10s or 1m`},
		{"zero timeout", Overrides{ConfigPath: none, Layer: Layer{Timeout: strp("0s")}}, `invalid timeout "0s": use a Go duration such as 10s or 1m`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Resolve(tc.o)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestInferProtocolAndWarnings(t *testing.T) {
	clearEnv(t)
	none := filepath.Join(t.TempDir(), "none.yaml")
	for _, tc := range []struct {
		name     string
		l        Layer
		proto    string
		warnings []string
	}{
		{"nothing", Layer{}, Plaintext, nil},
		{"SASL", Layer{SASLMechanism: strp("PLAIN"), SASLUsername: strp("u"), SASLPassword: strp("p")}, SASLPlaintext, nil},
		{"SASL and CA", Layer{SASLMechanism: strp("PLAIN"), SASLUsername: strp("u"), SASLPassword: strp("p"), TLSCAFile: strp("/ca")}, SASLSSL, nil},
		{"CA", Layer{TLSCAFile: strp("/ca")}, SSL, nil},
		{"user name with an explicit protocol", Layer{SecurityProtocol: strp("PLAINTEXT"), SASLUsername: strp("u")}, Plaintext, nil},
		{"client certificate", Layer{TLSCertFile: strp("/c"), TLSKeyFile: strp("/k")}, SSL, nil},
		{"skip verify", Layer{TLSInsecure: boolp(true)}, SSL, []string{"TLS certificate verification is disabled (--tls-insecure-skip-verify): the connection is not protected against impersonation"}},
		{"skip host name", Layer{SecurityProtocol: strp("SSL"), TLSSkipHostname: boolp(true)}, SSL, []string{"TLS host-name verification is disabled (ssl.endpoint.identification.algorithm is empty)"}},
		{"skip host name on plaintext", Layer{TLSSkipHostname: boolp(true)}, Plaintext, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Resolve(Overrides{ConfigPath: none, Layer: tc.l})
			if err != nil {
				t.Fatal(err)
			}
			if s.SecurityProtocol != tc.proto || strings.Join(s.Warnings, "|") != strings.Join(tc.warnings, "|") {
				t.Fatalf("protocol %s warnings %q; want %s %q", s.SecurityProtocol, s.Warnings, tc.proto, tc.warnings)
			}
		})
	}
}

// TestSplitBrokers: a comma-separated list becomes one address per item,
// from the environment as from flags, so contexts and -o json show a list.
func TestSplitBrokers(t *testing.T) {
	if got := SplitBrokers(" a:1, b:2,,c:3 "); strings.Join(got, "|") != "a:1|b:2|c:3" {
		t.Fatalf("SplitBrokers: %q", got)
	}
	if got := SplitBrokers(""); got != nil {
		t.Fatalf("SplitBrokers(\"\"): %q", got)
	}
	clearEnv(t)
	t.Setenv("KCTL_BROKERS", "k1:9092,k2:9092")
	if l := envLayer(); strings.Join(l.Brokers, "|") != "k1:9092|k2:9092" {
		t.Fatalf("env layer brokers %q", l.Brokers)
	}
	s, err := Resolve(Overrides{ConfigPath: filepath.Join(t.TempDir(), "none.yaml")})
	if err != nil || strings.Join(s.Brokers, "|") != "k1:9092|k2:9092" {
		t.Fatalf("resolved %q, %v", s.Brokers, err)
	}
}
