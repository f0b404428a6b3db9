package config

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/kctl-dev/kctl/pkg/errs"
)

// ParsePropertiesFile reads a Java client.properties file (the file Kafka's
// scripts take with --command-config) into a Layer.
func ParsePropertiesFile(path string) (Layer, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return Layer{}, nil, errs.Usagef("cannot read client properties file: %v", err)
	}
	defer f.Close()
	l, notes, err := ParseProperties(f)
	if err != nil {
		return l, notes, errs.Usagef("%s: %v", path, err)
	}
	return l, notes, nil
}

// readProperties implements the subset of java.util.Properties syntax that
// client.properties files use: key=value or key:value, # and ! comments,
// backslash line continuation.
func readProperties(r io.Reader) (map[string]string, []string, error) {
	props := map[string]string{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var pending string
	for sc.Scan() {
		line := strings.TrimLeft(sc.Text(), " \t\f")
		if pending == "" && (line == "" || line[0] == '#' || line[0] == '!') {
			continue
		}
		if strings.HasSuffix(line, "\\") && !strings.HasSuffix(line, "\\\\") {
			pending += strings.TrimSuffix(line, "\\")
			continue
		}
		line = pending + line
		pending = ""
		i := strings.IndexAny(line, "=:")
		if i < 0 {
			return nil, nil, fmt.Errorf("line %q is not key=value", line)
		}
		k := strings.TrimSpace(line[:i])
		v := strings.TrimSpace(line[i+1:])
		if _, dup := props[k]; !dup {
			order = append(order, k)
		}
		props[k] = v
	}
	if pending != "" {
		return nil, nil, fmt.Errorf("file ends inside a continued line")
	}
	return props, order, sc.Err()
}

// ParseProperties maps client.properties keys onto a Layer. Notes list keys
// kctl ignores (shown with -v).
func ParseProperties(r io.Reader) (Layer, []string, error) {
	props, order, err := readProperties(r)
	if err != nil {
		return Layer{}, nil, err
	}
	var l Layer
	var notes []string
	storeType := map[string]string{}
	for _, k := range order {
		v := props[k]
		switch k {
		case "bootstrap.servers":
			l.Brokers = []string{v}
		case "security.protocol":
			p := strings.ToUpper(v)
			switch p {
			case Plaintext, SSL, SASLPlaintext, SASLSSL:
				l.SecurityProtocol = strp(p)
			default:
				return l, nil, fmt.Errorf("security.protocol=%s is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL", v)
			}
		case "sasl.mechanism":
			m := strings.ToUpper(v)
			switch m {
			case MechPlain, MechSHA256, MechSHA512:
				l.SASLMechanism = strp(m)
			case "GSSAPI":
				return l, nil, fmt.Errorf("sasl.mechanism=GSSAPI (Kerberos) is not supported by kctl: use a listener with SCRAM-SHA-512 or PLAIN")
			case "OAUTHBEARER":
				return l, nil, fmt.Errorf("sasl.mechanism=OAUTHBEARER is not supported by kctl: use a listener with SCRAM-SHA-512 or PLAIN")
			default:
				return l, nil, fmt.Errorf("sasl.mechanism=%s is not supported: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", v)
			}
		case "sasl.jaas.config":
			user, pass, err := ParseJAAS(v)
			if err != nil {
				return l, nil, err
			}
			l.SASLUsername, l.SASLPassword = strp(user), strp(pass)
		case "ssl.truststore.type", "ssl.keystore.type":
			storeType[k] = strings.ToUpper(v)
		case "ssl.truststore.location":
			l.TLSCAFile = strp(v)
		case "ssl.keystore.location":
			// A PEM keystore holds the certificate and the private key.
			l.TLSCertFile, l.TLSKeyFile = strp(v), strp(v)
		case "ssl.truststore.certificates", "ssl.keystore.certificate.chain", "ssl.keystore.key":
			return l, nil, fmt.Errorf("%s (inline PEM) is not supported: save the PEM to a file and set %s", k,
				map[string]string{"ssl.truststore.certificates": "ssl.truststore.location", "ssl.keystore.certificate.chain": "ssl.keystore.location", "ssl.keystore.key": "ssl.keystore.location"}[k])
		case "ssl.endpoint.identification.algorithm":
			l.TLSSkipHostname = boolp(strings.TrimSpace(v) == "")
		case "ssl.truststore.password", "ssl.keystore.password", "ssl.key.password":
			// Only needed for JKS/PKCS12, which are refused below.
		default:
			notes = append(notes, fmt.Sprintf("client properties: key %s is ignored by kctl", k))
		}
	}
	for _, k := range []string{"ssl.truststore.type", "ssl.keystore.type"} {
		t, given := storeType[k]
		loc := strings.Replace(k, ".type", ".location", 1)
		if _, hasLoc := props[loc]; !hasLoc {
			continue
		}
		if !given {
			t = "JKS" // Java's default
		}
		if t == "PEM" {
			continue
		}
		switch k {
		case "ssl.truststore.type":
			return l, nil, fmt.Errorf("%s=%s is not supported: kctl reads PEM files. Convert the truststore with "+
				"`keytool -exportcert -rfc -keystore %s -alias <alias> > ca.pem` (or `openssl pkcs12 -in store.p12 -nokeys -out ca.pem`), "+
				"then set ssl.truststore.location=ca.pem and ssl.truststore.type=PEM", k, t, props[loc])
		default:
			return l, nil, fmt.Errorf("%s=%s is not supported: kctl reads PEM files. Convert the keystore with "+
				"`keytool -importkeystore -srckeystore %s -destkeystore client.p12 -deststoretype PKCS12` and "+
				"`openssl pkcs12 -in client.p12 -nodes -out client.pem`, then set ssl.keystore.location=client.pem and ssl.keystore.type=PEM", k, t, props[loc])
		}
	}
	return l, notes, nil
}

var (
	jaasModule = regexp.MustCompile(`^\s*([A-Za-z0-9_.$]+)\s+(required|requisite|sufficient|optional)\s*(.*)$`)
)

// ParseJAAS extracts username and password from a sasl.jaas.config value for
// PlainLoginModule or ScramLoginModule.
func ParseJAAS(v string) (user, pass string, err error) {
	m := jaasModule.FindStringSubmatch(v)
	if m == nil {
		return "", "", fmt.Errorf("sasl.jaas.config is malformed: expected `<LoginModule> required username=\"...\" password=\"...\";`")
	}
	module := m[1]
	switch {
	case strings.HasSuffix(module, ".PlainLoginModule"), strings.HasSuffix(module, ".ScramLoginModule"):
	case strings.Contains(module, "Krb5LoginModule"):
		return "", "", fmt.Errorf("sasl.jaas.config uses Krb5LoginModule (GSSAPI), which kctl does not support: use a SCRAM or PLAIN listener")
	case strings.Contains(module, "OAuthBearerLoginModule"):
		return "", "", fmt.Errorf("sasl.jaas.config uses OAuthBearerLoginModule, which kctl does not support: use a SCRAM or PLAIN listener")
	default:
		return "", "", fmt.Errorf("sasl.jaas.config login module %s is not supported: use PlainLoginModule or ScramLoginModule", module)
	}
	opts, err := parseJAASOptions(m[3])
	if err != nil {
		return "", "", err
	}
	user, okU := opts["username"]
	pass, okP := opts["password"]
	if !okU || !okP {
		return "", "", fmt.Errorf("sasl.jaas.config needs both username=\"...\" and password=\"...\"")
	}
	return user, pass, nil
}

// parseJAASOptions reads `key="value" key2=value2 ;`, with backslash escapes
// inside quotes. It never echoes values (they hold passwords).
func parseJAASOptions(s string) (map[string]string, error) {
	out := map[string]string{}
	i := 0
	terminated := false
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		if s[i] == ';' {
			terminated = true
			i++
			if strings.TrimSpace(s[i:]) != "" {
				return nil, fmt.Errorf("sasl.jaas.config has text after the closing ';' (only one login module is supported)")
			}
			break
		}
		start := i
		for i < len(s) && s[i] != '=' && s[i] != ' ' && s[i] != ';' {
			i++
		}
		key := s[start:i]
		if i >= len(s) || s[i] != '=' || key == "" {
			return nil, fmt.Errorf("sasl.jaas.config is malformed near option %q: expected key=\"value\"", key)
		}
		i++ // '='
		var val strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			closed := false
			for i < len(s) {
				c := s[i]
				if c == '\\' && i+1 < len(s) {
					val.WriteByte(s[i+1])
					i += 2
					continue
				}
				if c == '"' {
					closed = true
					i++
					break
				}
				val.WriteByte(c)
				i++
			}
			if !closed {
				return nil, fmt.Errorf("sasl.jaas.config: the value of %s has no closing quote", key)
			}
		} else {
			for i < len(s) && s[i] != ' ' && s[i] != ';' {
				val.WriteByte(s[i])
				i++
			}
		}
		out[key] = val.String()
	}
	if !terminated {
		return nil, fmt.Errorf("sasl.jaas.config must end with ';'")
	}
	return out, nil
}
