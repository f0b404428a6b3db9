package config

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
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

// readProperties reads java.util.Properties syntax, as Kafka's scripts do:
// `key=value`, `key: value` or `key value`; `#` and `!` comments; a line
// ending in an odd number of backslashes continues on the next one (whose
// leading blanks are dropped); backslash escapes (\t \n \r \f \uXXXX, and
// \x for any other x) in keys and values. A Windows path therefore needs
// doubled backslashes, as in Java. Errors name lines, never values (they may
// hold passwords).
func readProperties(r io.Reader) (map[string]string, []string, error) {
	props := map[string]string{}
	var order []string
	add := func(start int, logical string) error {
		k, v, err := splitProperty(logical)
		if err != nil {
			return fmt.Errorf("line %d: %v", start, err)
		}
		if _, dup := props[k]; !dup {
			order = append(order, k)
		}
		props[k] = v
		return nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var logical strings.Builder
	n, start := 0, 0
	continued := false
	for sc.Scan() {
		n++
		line := strings.TrimLeft(strings.TrimRight(sc.Text(), "\r"), " \t\f")
		if !continued {
			if line == "" || line[0] == '#' || line[0] == '!' {
				continue
			}
			start = n
		}
		trailing := len(line) - len(strings.TrimRight(line, `\`))
		if trailing%2 == 1 {
			logical.WriteString(line[:len(line)-1])
			continued = true
			continue
		}
		logical.WriteString(line)
		continued = false
		if err := add(start, logical.String()); err != nil {
			return nil, nil, err
		}
		logical.Reset()
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	if continued && logical.Len() > 0 {
		if err := add(start, logical.String()); err != nil {
			return nil, nil, err
		}
	}
	return props, order, nil
}

// splitProperty splits one logical line into its unescaped key and value.
func splitProperty(line string) (string, string, error) {
	i := 0
	for i < len(line) {
		c := line[i]
		if c == '\\' {
			i += 2
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			break
		}
		i++
	}
	i = min(i, len(line))
	rawKey, rest := line[:i], strings.TrimLeft(line[i:], " \t\f")
	if rest != "" && (rest[0] == '=' || rest[0] == ':') {
		rest = strings.TrimLeft(rest[1:], " \t\f")
	}
	key, err := unescapeProperty(rawKey)
	if err != nil {
		return "", "", fmt.Errorf("key: %v", err)
	}
	if key == "" {
		return "", "", fmt.Errorf("a value without a key")
	}
	val, err := unescapeProperty(rest)
	if err != nil {
		return "", "", fmt.Errorf("value of %s: %v", key, err)
	}
	return key, val, nil
}

func unescapeProperty(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			if i+4 >= len(s) {
				return "", fmt.Errorf(`malformed \uXXXX escape`)
			}
			r, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil {
				return "", fmt.Errorf(`malformed \uXXXX escape`)
			}
			b.WriteRune(rune(r))
			i += 4
		default:
			b.WriteByte(s[i]) // Java drops the backslash of an unknown escape
		}
	}
	return b.String(), nil
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
	keyPassword := false
	for _, k := range order {
		v := strings.TrimSpace(props[k])
		switch k {
		case "bootstrap.servers":
			l.Brokers = SplitBrokers(v)
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
			l.TLSSkipHostname = boolp(v == "")
		case "ssl.truststore.password", "ssl.keystore.password":
			// Only needed for JKS/PKCS12, which are refused below.
		case "ssl.key.password":
			keyPassword = v != ""
		default:
			notes = append(notes, fmt.Sprintf("client properties: key %s is ignored by kctl", k))
		}
	}
	for _, k := range []string{"ssl.truststore.type", "ssl.keystore.type"} {
		t, given := storeType[k]
		loc := strings.Replace(k, ".type", ".location", 1)
		path, hasLoc := props[loc]
		if !hasLoc {
			continue
		}
		path = strings.TrimSpace(path)
		if !given {
			// Java defaults to JKS; a file that is plainly PEM is read as
			// PEM rather than refused.
			t = "JKS"
			if looksLikePEM(path) {
				t = "PEM"
				notes = append(notes, fmt.Sprintf("client properties: %s is PEM but %s is not set (Java would read it as JKS); kctl reads it as PEM", loc, k))
			}
		}
		if t == "PEM" {
			continue
		}
		if k == "ssl.truststore.type" {
			return l, nil, fmt.Errorf("%s=%s is not supported: kctl reads PEM files. Convert the truststore with "+
				"`keytool -exportcert -rfc -keystore %s -alias <alias> > ca.pem` (or `openssl pkcs12 -in store.p12 -nokeys -out ca.pem`), "+
				"then set ssl.truststore.location=ca.pem and ssl.truststore.type=PEM", k, t, path)
		}
		return l, nil, fmt.Errorf("%s=%s is not supported: kctl reads PEM files. Convert the keystore with "+
			"`keytool -importkeystore -srckeystore %s -destkeystore client.p12 -deststoretype PKCS12` and "+
			"`openssl pkcs12 -in client.p12 -nodes -out client.pem`, then set ssl.keystore.location=client.pem and ssl.keystore.type=PEM", k, t, path)
	}
	if keyPassword && l.TLSKeyFile != nil {
		return l, nil, fmt.Errorf("ssl.key.password is set: kctl cannot read encrypted private keys. Decrypt the key with "+
			"`openssl pkcs8 -in %s -out client-key.pem` (or `openssl pkcs12 -in client.p12 -nodes -out client.pem`), "+
			"point ssl.keystore.location at the result and remove ssl.key.password", *l.TLSKeyFile)
	}
	return l, notes, nil
}

// looksLikePEM reports whether the file at path starts like a PEM file.
func looksLikePEM(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := io.ReadFull(f, buf)
	return strings.Contains(string(buf[:n]), "-----BEGIN ")
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
