package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseProperties(t *testing.T) {
	dir := t.TempDir()
	pemCA := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(pemCA, []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	jks := filepath.Join(dir, "truststore.jks")
	if err := os.WriteFile(jks, []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2}, 0o600); err != nil {
		t.Fatal(err)
	}
	const plain = "org.apache.kafka.common.security.plain.PlainLoginModule"
	const scram = "org.apache.kafka.common.security.scram.ScramLoginModule"
	for _, tc := range []struct {
		name  string
		in    string
		want  Layer
		notes []string
	}{
		{
			name: "SCRAM over SSL, as Kafka's docs write it",
			in: `# comment
! also a comment

bootstrap.servers=kafka-1:9093,kafka-2:9093
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=` + scram + ` required username="ops" password="hunter2";
ssl.truststore.type=PEM
ssl.truststore.location=/etc/kafka/ca.pem
`,
			want: Layer{Brokers: []string{"kafka-1:9093", "kafka-2:9093"}, SecurityProtocol: strp(SASLSSL), SASLMechanism: strp(MechSHA512),
				SASLUsername: strp("ops"), SASLPassword: strp("hunter2"), TLSCAFile: strp("/etc/kafka/ca.pem")},
		},
		{
			name: "colon and blank separators, lower-case values, blanks around",
			in:   "bootstrap.servers : b:9092\nsecurity.protocol   sasl_plaintext\nsasl.mechanism=scram-sha-256\nsasl.jaas.config=" + scram + " required username=\"u\" password=\"p\" ;  \n",
			want: Layer{Brokers: []string{"b:9092"}, SecurityProtocol: strp(SASLPlaintext), SASLMechanism: strp(MechSHA256), SASLUsername: strp("u"), SASLPassword: strp("p")},
		},
		{
			name: "jaas over continued lines",
			in:   "sasl.jaas.config=" + plain + " required \\\n    username=\"alice\" \\\n    password=\"alice-secret\";\n",
			want: Layer{SASLUsername: strp("alice"), SASLPassword: strp("alice-secret")},
		},
		{
			name: "escaped quote and backslash in the password (Java: properties escapes, then JAAS escapes)",
			in:   `sasl.jaas.config=` + plain + ` required username="a\\\"b" password="p\\\"w\\\\d";` + "\n",
			want: Layer{SASLUsername: strp(`a"b`), SASLPassword: strp(`p"w\d`)},
		},
		{
			name: "semicolon, equals and blanks inside quotes",
			in:   "sasl.jaas.config=" + plain + " required username=\"u\" password=\"a; b=c\";\n",
			want: Layer{SASLUsername: strp("u"), SASLPassword: strp("a; b=c")},
		},
		{
			name: "unquoted values and other options",
			in:   "sasl.jaas.config=" + scram + " required username=svc password=pw tokenauth=false;\n",
			want: Layer{SASLUsername: strp("svc"), SASLPassword: strp("pw")},
		},
		{
			name: "Windows path with doubled backslashes, \\u escape, CRLF",
			in:   "ssl.truststore.type=PEM\r\nssl.truststore.location=C:\\\\certs\\\\ca\\u002epem\r\n",
			want: Layer{TLSCAFile: strp(`C:\certs\ca.pem`)},
		},
		{
			name: "PEM keystore holds certificate and key",
			in:   "security.protocol=SSL\nssl.keystore.type=PEM\nssl.keystore.location=/etc/kafka/client.pem\nssl.truststore.type=PEM\nssl.truststore.location=/etc/kafka/ca.pem\n",
			want: Layer{SecurityProtocol: strp(SSL), TLSCertFile: strp("/etc/kafka/client.pem"), TLSKeyFile: strp("/etc/kafka/client.pem"), TLSCAFile: strp("/etc/kafka/ca.pem")},
		},
		{
			name: "empty endpoint identification algorithm skips the host-name check",
			in:   "ssl.endpoint.identification.algorithm=\n",
			want: Layer{TLSSkipHostname: boolp(true)},
		},
		{
			name: "https endpoint identification keeps it",
			in:   "ssl.endpoint.identification.algorithm=https\n",
			want: Layer{TLSSkipHostname: boolp(false)},
		},
		{
			name:  "unknown keys are notes",
			in:    "client.id=ops-tool\nrequest.timeout.ms=30000\nbootstrap.servers=x:1\n",
			want:  Layer{Brokers: []string{"x:1"}},
			notes: []string{"client properties: key client.id is ignored by kctl", "client properties: key request.timeout.ms is ignored by kctl"},
		},
		{
			name:  "a PEM truststore without ssl.truststore.type is read as PEM, with a note",
			in:    "ssl.truststore.location=" + pemCA + "\n",
			want:  Layer{TLSCAFile: strp(pemCA)},
			notes: []string{"client properties: ssl.truststore.location is PEM but ssl.truststore.type is not set (Java would read it as JKS); kctl reads it as PEM"},
		},
		{
			name: "store passwords of PEM stores are ignored silently",
			in:   "ssl.truststore.type=PEM\nssl.truststore.location=/ca.pem\nssl.truststore.password=changeit\n",
			want: Layer{TLSCAFile: strp("/ca.pem")},
		},
		{
			name: "the last of a repeated key wins",
			in:   "bootstrap.servers=a:1\nbootstrap.servers=b:2\n",
			want: Layer{Brokers: []string{"b:2"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, notes, err := ParseProperties(strings.NewReader(tc.in))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %s\nwant %s", dumpLayer(got), dumpLayer(tc.want))
			}
			if !reflect.DeepEqual(notes, tc.notes) {
				t.Fatalf("notes %q, want %q", notes, tc.notes)
			}
		})
	}
}

func TestParsePropertiesErrors(t *testing.T) {
	dir := t.TempDir()
	jks := filepath.Join(dir, "truststore.jks")
	if err := os.WriteFile(jks, []byte{0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2}, 0o600); err != nil {
		t.Fatal(err)
	}
	const plain = "org.apache.kafka.common.security.plain.PlainLoginModule"
	const secret = "hunter2"
	for _, tc := range []struct {
		name string
		in   string
		want string
	}{
		{"jaas: missing closing quote", "sasl.jaas.config=" + plain + ` required username="u" password="hunter2;`,
			"sasl.jaas.config: the value of password has no closing quote"},
		{"jaas: missing ;", "sasl.jaas.config=" + plain + ` required username="u" password="hunter2"`,
			"sasl.jaas.config must end with ';'"},
		{"jaas: no control flag", "sasl.jaas.config=" + plain + ` username="u" password="hunter2";`,
			"sasl.jaas.config is malformed: expected `<LoginModule> required username=\"...\" password=\"...\";`"},
		{"jaas: option without value", "sasl.jaas.config=" + plain + ` required username password="hunter2";`,
			`sasl.jaas.config is malformed near option "username": expected key="value"`},
		{"jaas: missing password", "sasl.jaas.config=" + plain + ` required username="u";`,
			`sasl.jaas.config needs both username="..." and password="..."`},
		{"jaas: two modules", "sasl.jaas.config=" + plain + ` required username="u" password="hunter2"; ` + plain + ` required username="v" password="w";`,
			"sasl.jaas.config has text after the closing ';' (only one login module is supported)"},
		{"jaas: unknown module", `sasl.jaas.config=com.example.VaultLoginModule required username="u" password="hunter2";`,
			"sasl.jaas.config login module com.example.VaultLoginModule is not supported: use PlainLoginModule or ScramLoginModule"},
		{"jaas: Kerberos", `sasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab="/k.keytab" principal="kafka/h@R";`,
			"sasl.jaas.config uses Krb5LoginModule (GSSAPI), which kctl does not support: use a SCRAM or PLAIN listener"},
		{"jaas: OAuth", `sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientSecret="hunter2";`,
			"sasl.jaas.config uses OAuthBearerLoginModule, which kctl does not support: use a SCRAM or PLAIN listener"},
		{"mechanism GSSAPI", "sasl.mechanism=GSSAPI",
			"sasl.mechanism=GSSAPI (Kerberos) is not supported by kctl: use a listener with SCRAM-SHA-512 or PLAIN"},
		{"mechanism OAUTHBEARER", "sasl.mechanism=OAUTHBEARER",
			"sasl.mechanism=OAUTHBEARER is not supported by kctl: use a listener with SCRAM-SHA-512 or PLAIN"},
		{"unknown mechanism", "sasl.mechanism=SCRAM-SHA-1",
			"sasl.mechanism=SCRAM-SHA-1 is not supported: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"},
		{"unknown protocol", "security.protocol=SASL_TLS",
			"security.protocol=SASL_TLS is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"},
		{"JKS truststore", "ssl.truststore.type=JKS\nssl.truststore.location=/etc/kafka/truststore.jks\nssl.truststore.password=hunter2",
			"ssl.truststore.type=JKS is not supported: kctl reads PEM files. Convert the truststore with `keytool -exportcert -rfc -keystore /etc/kafka/truststore.jks -alias <alias> > ca.pem` (or `openssl pkcs12 -in store.p12 -nokeys -out ca.pem`), then set ssl.truststore.location=ca.pem and ssl.truststore.type=PEM"},
		{"truststore without type is JKS, as in Java", "ssl.truststore.location=" + jks,
			"ssl.truststore.type=JKS is not supported: kctl reads PEM files. Convert the truststore with `keytool -exportcert -rfc -keystore " + jks + " -alias <alias> > ca.pem` (or `openssl pkcs12 -in store.p12 -nokeys -out ca.pem`), then set ssl.truststore.location=ca.pem and ssl.truststore.type=PEM"},
		{"PKCS12 keystore", "ssl.keystore.type=PKCS12\nssl.keystore.location=/etc/kafka/client.p12\nssl.keystore.password=hunter2",
			"ssl.keystore.type=PKCS12 is not supported: kctl reads PEM files. Convert the keystore with `keytool -importkeystore -srckeystore /etc/kafka/client.p12 -destkeystore client.p12 -deststoretype PKCS12` and `openssl pkcs12 -in client.p12 -nodes -out client.pem`, then set ssl.keystore.location=client.pem and ssl.keystore.type=PEM"},
		{"encrypted PEM key", "ssl.keystore.type=PEM\nssl.keystore.location=/etc/kafka/client.pem\nssl.key.password=hunter2",
			"ssl.key.password is set: kctl cannot read encrypted private keys. Decrypt the key with `openssl pkcs8 -in /etc/kafka/client.pem -out client-key.pem` (or `openssl pkcs12 -in client.p12 -nodes -out client.pem`), point ssl.keystore.location at the result and remove ssl.key.password"},
		{"inline PEM", "ssl.truststore.certificates=-----BEGIN CERTIFICATE----- ...",
			"ssl.truststore.certificates (inline PEM) is not supported: save the PEM to a file and set ssl.truststore.location"},
		{"a value without a key", "bootstrap.servers=a:1\n\n=hunter2",
			"line 3: a value without a key"},
		{"bad unicode escape", "sasl.jaas.config=x\\u00zz hunter2",
			`line 1: value of sasl.jaas.config: malformed \uXXXX escape`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseProperties(strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Fatalf("error\n%s\nwant\n%s", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("the error shows the secret: %v", err)
			}
		})
	}
}

func TestParsePropertiesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "client.properties")
	if err := os.WriteFile(path, []byte("sasl.mechanism=GSSAPI\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := ParsePropertiesFile(path)
	want := path + ": sasl.mechanism=GSSAPI (Kerberos) is not supported by kctl: use a listener with SCRAM-SHA-512 or PLAIN"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
	_, _, err = ParsePropertiesFile(filepath.Join(t.TempDir(), "missing.properties"))
	if err == nil || !strings.HasPrefix(err.Error(), "cannot read client properties file: open ") {
		t.Fatalf("missing file: %v", err)
	}
}

func dumpLayer(l Layer) string {
	b, _ := json.Marshal(l)
	return string(b)
}
