package kafka_test

// The connection matrix (docs/connection.md): every security set-up a user
// meets, against real sandbox listeners over TCP, through the whole CLI
// (flags, settings, connect, diagnosis, exit-code mapping, stderr).

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// pki is a CA with a broker certificate for 127.0.0.1/localhost, a client
// certificate, and a second, unrelated CA, all as PEM files.
type pki struct {
	ca, other             *sandbox.CA
	broker                *sandbox.Leaf
	caFile, otherFile     string
	clientCert, clientKey string
	dir                   string
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	p := &pki{dir: t.TempDir()}
	var err error
	if p.ca, err = sandbox.NewCA("kctl test CA"); err != nil {
		t.Fatal(err)
	}
	if p.other, err = sandbox.NewCA("some other CA"); err != nil {
		t.Fatal(err)
	}
	if p.broker, err = p.ca.Issue(sandbox.CertOptions{CommonName: "localhost", DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}}); err != nil {
		t.Fatal(err)
	}
	client, err := p.ca.Issue(sandbox.CertOptions{CommonName: "kctl-client", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	p.caFile = p.write(t, "ca.pem", p.ca.CertPEM)
	p.otherFile = p.write(t, "other-ca.pem", p.other.CertPEM)
	p.clientCert = p.write(t, "client.pem", client.CertPEM)
	p.clientKey = p.write(t, "client-key.pem", client.KeyPEM)
	return p
}

func (p *pki) write(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// kctl runs the CLI with a bounded timeout.
func kctl(t *testing.T, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, "", append([]string{"--timeout", "5s"}, args...)...)
}

type describeView struct {
	ClusterID    string         `json:"clusterId"`
	ControllerID int32          `json:"controllerId"`
	BrokerCount  int            `json:"brokerCount"`
	Brokers      []kafka.Broker `json:"brokers"`
}

// wantDescribed asserts a successful `cluster describe -o json` of c.
func wantDescribed(t *testing.T, c *sandbox.Cluster, r clitest.Result, wantStderr string) {
	t.Helper()
	if r.Code != 0 || r.Stderr != wantStderr {
		t.Fatalf("exit %d, stderr %q; want exit 0, stderr %q", r.Code, r.Stderr, wantStderr)
	}
	var v describeView
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.Stdout)
	}
	// kfake makes its last broker the controller.
	want := describeView{ClusterID: "kctl-sandbox", ControllerID: int32(len(c.Addrs) - 1), BrokerCount: len(c.Addrs)}
	for i, a := range c.Addrs {
		want.Brokers = append(want.Brokers, kafka.Broker{ID: int32(i), Addr: a, Rack: "krack"})
	}
	if fmt.Sprint(v) != fmt.Sprint(want) {
		t.Fatalf("described %+v, want %+v", v, want)
	}
}

// wantFailed asserts exit 1 with exactly this error on stderr.
func wantFailed(t *testing.T, r clitest.Result, wantStderr string) {
	t.Helper()
	if r.Code != 1 || r.Stdout != "" || r.Stderr != wantStderr {
		t.Fatalf("exit %d, stdout %q\nstderr %q\nwant exit 1, no stdout,\nstderr %q", r.Code, r.Stdout, r.Stderr, wantStderr)
	}
}

func TestConnPlaintext(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	wantDescribed(t, c, kctl(t, "-b", c.Addrs[1], "cluster", "describe", "-o", "json"), "")
}

func TestConnSSLRightCA(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, TLS: sandbox.ServerTLS(p.broker, nil)})
	wantDescribed(t, c, kctl(t, "-b", c.Addrs[0], "--tls-ca-file", p.caFile, "cluster", "describe", "-o", "json"), "")
	// "localhost" is in the certificate too.
	_, port, _ := net.SplitHostPort(c.Addrs[0])
	r := kctl(t, "-b", "localhost:"+port, "--security-protocol", "SSL", "--tls-ca-file", p.caFile, "broker", "list", "-o", "json")
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("via localhost: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

func TestConnSSLWrongCA(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, TLS: sandbox.ServerTLS(p.broker, nil)})
	addr := c.Addrs[0]
	wantFailed(t, kctl(t, "-b", addr, "--tls-ca-file", p.otherFile, "cluster", "describe"),
		"Error: broker "+addr+": TLS handshake failed: the certificate is signed by an unknown authority, not by a CA in "+p.otherFile+": point --tls-ca-file (ssl.truststore.location) at the CA that signed the broker certificates\n")

	// The admin layer returns an AuthError (exit 1, not "unreachable").
	s := testkit.Settings(c)
	s.SecurityProtocol, s.TLS.CAFile, s.Timeout = config.SSL, p.otherFile, 5*time.Second
	_, err := kafka.Connect(context.Background(), s, kafka.Options{})
	var ae *errs.AuthError
	if !errors.As(err, &ae) || ae.Broker != addr {
		t.Fatalf("Connect error %T %v; want *errs.AuthError for %s", err, err, addr)
	}
}

func TestConnSSLHostnameMismatch(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	// A broker certificate that names neither 127.0.0.1 nor localhost.
	odd, err := p.ca.Issue(sandbox.CertOptions{CommonName: "kafka-1", DNSNames: []string{"kafka-1.example.com", "kafka.internal"}, IPs: []net.IP{net.ParseIP("10.0.0.7")}})
	if err != nil {
		t.Fatal(err)
	}
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, TLS: sandbox.ServerTLS(odd, nil)})
	addr := c.Addrs[0]
	wantFailed(t, kctl(t, "-b", addr, "--tls-ca-file", p.caFile, "cluster", "describe"),
		"Error: broker "+addr+": TLS handshake failed: the certificate is not valid for 127.0.0.1 (it names kafka-1.example.com, kafka.internal, 10.0.0.7); use --tls-server-name or connect with a name the certificate lists\n")

	t.Run("tls-server-name fixes it", func(t *testing.T) {
		wantDescribed(t, c, kctl(t, "-b", addr, "--tls-ca-file", p.caFile, "--tls-server-name", "kafka.internal", "cluster", "describe", "-o", "json"), "")
	})
	t.Run("context tls-server-name fixes it", func(t *testing.T) {
		if r := kctl(t, "context", "set", "odd", "-b", addr, "--tls-ca-file", p.caFile, "--tls-server-name", "kafka-1.example.com"); r.Code != 0 {
			t.Fatalf("context set: %+v", r)
		}
		wantDescribed(t, c, kctl(t, "--context", "odd", "cluster", "describe", "-o", "json"), "")
	})
	t.Run("ssl.endpoint.identification.algorithm empty skips the name check", func(t *testing.T) {
		props := p.write(t, "noname.properties", []byte("security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location="+p.caFile+"\nssl.endpoint.identification.algorithm=\n"))
		wantDescribed(t, c, kctl(t, "-b", addr, "--command-config", props, "cluster", "describe", "-o", "json"),
			"Warning: TLS host-name verification is disabled (ssl.endpoint.identification.algorithm is empty)\n")
		// The chain is still verified.
		wrong := p.write(t, "noname-wrongca.properties", []byte("security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location="+p.otherFile+"\nssl.endpoint.identification.algorithm=\n"))
		r := kctl(t, "-b", addr, "--command-config", wrong, "cluster", "describe")
		if r.Code != 1 || !strings.Contains(r.Stderr, "unknown authority") {
			t.Fatalf("wrong CA without host-name check: exit %d, stderr %q", r.Code, r.Stderr)
		}
	})
}

func TestConnSSLSkipVerify(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	// Self-signed by a CA the client does not know, for another name.
	odd, err := p.other.Issue(sandbox.CertOptions{CommonName: "elsewhere", DNSNames: []string{"elsewhere.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, TLS: sandbox.ServerTLS(odd, nil)})
	wantDescribed(t, c, kctl(t, "-b", c.Addrs[0], "--tls-insecure-skip-verify", "cluster", "describe", "-o", "json"),
		"Warning: TLS certificate verification is disabled (--tls-insecure-skip-verify): the connection is not protected against impersonation\n")

	s, err := config.Resolve(config.Overrides{Layer: config.Layer{Brokers: c.Addrs, TLSInsecure: ptr(true)}, ConfigPath: filepath.Join(t.TempDir(), "none.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	if s.SecurityProtocol != config.SSL || len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "verification is disabled") {
		t.Fatalf("settings %+v: want SSL inferred and one skip-verify warning", s)
	}
}

func TestConnSSLExpiredCertificate(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	expired, err := p.ca.Issue(sandbox.CertOptions{CommonName: "localhost", IPs: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, TLS: sandbox.ServerTLS(expired, nil)})
	addr := c.Addrs[0]
	r := kctl(t, "-b", addr, "--tls-ca-file", p.caFile, "cluster", "describe")
	if r.Code != 1 || !strings.HasPrefix(r.Stderr, "Error: broker "+addr+": TLS handshake failed: the broker certificate is expired or not yet valid (current time ") {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// TestConnTLSTooOld: kctl's minimum is TLS 1.2.
func TestConnTLSTooOld(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	old := sandbox.ServerTLS(p.broker, nil)
	old.MinVersion, old.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, TLS: old})
	addr := c.Addrs[0]
	wantFailed(t, kctl(t, "-b", addr, "--tls-ca-file", p.caFile, "cluster", "describe"),
		"Error: broker "+addr+": TLS handshake failed: no TLS version in common (kctl requires TLS 1.2 or newer; the listener offers only older ones?)\n")
}

func TestConnMTLS(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, TLS: sandbox.ServerTLS(p.broker, p.ca)})
	addr := c.Addrs[0]
	t.Run("with a client certificate", func(t *testing.T) {
		wantDescribed(t, c, kctl(t, "-b", addr, "--tls-ca-file", p.caFile, "--tls-cert-file", p.clientCert, "--tls-key-file", p.clientKey, "cluster", "describe", "-o", "json"), "")
	})
	t.Run("without one", func(t *testing.T) {
		wantFailed(t, kctl(t, "-b", addr, "--tls-ca-file", p.caFile, "cluster", "describe"),
			"Error: broker "+addr+": TLS handshake failed: the broker requires a client certificate (set --tls-cert-file and --tls-key-file, or ssl.keystore.location)\n")
	})
	t.Run("certificate without key", func(t *testing.T) {
		r := kctl(t, "-b", addr, "--tls-ca-file", p.caFile, "--tls-cert-file", p.clientCert, "cluster", "describe")
		if r.Code != 2 || r.Stderr != "Error: a TLS client certificate needs both --tls-cert-file and --tls-key-file\n" {
			t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
		}
	})
}

func TestConnSASL(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	for _, withTLS := range []bool{false, true} {
		for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
			proto := config.SASLPlaintext
			if withTLS {
				proto = config.SASLSSL
			}
			t.Run(proto+"/"+mech, func(t *testing.T) {
				t.Parallel()
				o := sandbox.Options{Brokers: 1, SASL: strings.ToLower(mech), User: "ops", Password: "s3cr3t-" + mech}
				args := []string{"--security-protocol", proto, "--sasl-mechanism", mech, "--sasl-username", "ops"}
				if withTLS {
					o.TLS = sandbox.ServerTLS(p.broker, nil)
					args = append(args, "--tls-ca-file", p.caFile)
				}
				c := testkit.Cluster(t, o)
				pw := p.write(t, "pw-"+proto+mech, []byte("s3cr3t-"+mech+"\n"))
				args = append(args, "-b", c.Addrs[0], "--sasl-password-file", pw, "cluster", "describe", "-o", "json")
				wantDescribed(t, c, kctl(t, args...), "")
			})
		}
	}
}

func TestConnSASLWrongPassword(t *testing.T) {
	t.Parallel()
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		t.Run(mech, func(t *testing.T) {
			t.Parallel()
			c := testkit.Cluster(t, sandbox.Options{Brokers: 1, SASL: strings.ToLower(mech), User: "alice", Password: "right-password"})
			addr := c.Addrs[0]
			const wrong = "Wr0ng-Pa55word-xyzzy"
			pw := filepath.Join(t.TempDir(), "pw")
			if err := os.WriteFile(pw, []byte(wrong), 0o600); err != nil {
				t.Fatal(err)
			}
			want := "Error: broker " + addr + ": SASL " + mech + " authentication failed for user alice: wrong password or unknown user\n"
			r := kctl(t, "-b", addr, "--sasl-mechanism", mech, "--sasl-username", "alice", "--sasl-password-file", pw, "cluster", "describe")
			wantFailed(t, r, want)

			// With the password on the command line and the -v trace on,
			// the password still never appears.
			r = kctl(t, "-v", "-b", addr, "--sasl-mechanism", mech, "--sasl-username", "alice", "--sasl-password", wrong, "cluster", "describe")
			if r.Code != 1 || !strings.HasSuffix(r.Stderr, want) {
				t.Fatalf("-v: exit %d, stderr %q", r.Code, r.Stderr)
			}
			if !strings.HasPrefix(r.Stderr, "Warning: --sasl-password puts the password in your shell history") {
				t.Fatalf("no shell-history warning: %q", r.Stderr)
			}
			if !strings.Contains(r.Stderr, "[sarama]") || !strings.Contains(r.Stderr, "[kctl] connecting to "+addr) {
				t.Fatalf("-v printed no trace: %q", r.Stderr)
			}
			if strings.Contains(r.Stdout+r.Stderr, wrong) {
				t.Fatalf("the password appears in the output:\n%s%s", r.Stdout, r.Stderr)
			}

			// An unknown user reads the same (brokers do not tell which).
			r = kctl(t, "-b", addr, "--sasl-mechanism", mech, "--sasl-username", "mallory", "--sasl-password-file", pw, "cluster", "describe")
			wantFailed(t, r, "Error: broker "+addr+": SASL "+mech+" authentication failed for user mallory: wrong password or unknown user\n")

			s := testkit.Settings(c)
			s.SecurityProtocol, s.SASL = config.SASLPlaintext, config.SASL{Mechanism: mech, Username: "alice", Password: wrong}
			_, err := kafka.Connect(context.Background(), s, kafka.Options{})
			var ae *errs.AuthError
			if !errors.As(err, &ae) || ae.Broker != addr {
				t.Fatalf("Connect error %T %v; want *errs.AuthError", err, err)
			}
		})
	}
}

func TestConnSASLMechanismNotEnabled(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, SASL: "scram-sha-512", User: "ops", Password: "pw"})
	// kfake enables every mechanism its users have; it has only a
	// SCRAM-SHA-512 user, so SCRAM-SHA-256 fails as a wrong user would.
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("pw"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := kctl(t, "-b", c.Addrs[0], "--sasl-mechanism", "SCRAM-SHA-256", "--sasl-username", "ops", "--sasl-password-file", pw, "cluster", "describe")
	if r.Code != 1 || !strings.Contains(r.Stderr, "SASL SCRAM-SHA-256 authentication failed for user ops") {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
}

func TestConnPlaintextClientToTLSListener(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, TLS: sandbox.ServerTLS(p.broker, nil)})
	addr := c.Addrs[0]
	wantFailed(t, kctl(t, "-b", addr, "cluster", "describe"),
		"Error: broker "+addr+": the broker closed the connection at once (a TLS listener while security.protocol is PLAINTEXT?)\n")
}

func TestConnTLSClientToPlaintextListener(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	addr := c.Addrs[0]
	// kfake (unlike Kafka, which closes the connection) waits for the rest
	// of the "request" the ClientHello seems to announce: the handshake
	// times out, and the message says what that usually means.
	start := time.Now()
	r := clitest.Run(t, "", "--timeout", "2s", "-b", addr, "--tls-ca-file", p.caFile, "cluster", "describe")
	hangDetector(t, start, 2*time.Second)
	wantFailed(t, r, "Error: broker "+addr+": TLS handshake failed: no answer within 2s (a PLAINTEXT listener, which waits silently, while security.protocol is SSL?)\n")
}

// hangDetector fails when a command took far longer than its --timeout.
// The bound is generous on purpose: this catches hangs, not slowness.
func hangDetector(t *testing.T, start time.Time, timeout time.Duration) {
	t.Helper()
	if el := time.Since(start); el > 3*timeout {
		t.Fatalf("the command took %v with --timeout %v", el, timeout)
	}
}

func TestConnUnreachable(t *testing.T) {
	t.Parallel()
	addr := testkit.ClosedAddr(t)
	start := time.Now()
	r := clitest.Run(t, "", "--timeout", "2s", "-b", addr, "cluster", "describe")
	hangDetector(t, start, 2*time.Second)
	wantFailed(t, r, "Error: broker "+addr+": connection refused (nothing listens on that port: is the broker up and the port right?)\n")

	t.Run("two brokers", func(t *testing.T) {
		other := testkit.ClosedAddr(t)
		r := clitest.Run(t, "", "--timeout", "2s", "-b", addr+","+other, "broker", "list")
		wantFailed(t, r, "Error: no bootstrap broker answered: broker "+addr+": connection refused (nothing listens on that port: is the broker up and the port right?); broker "+other+": connection refused (nothing listens on that port: is the broker up and the port right?)\n")
	})
	t.Run("one of two brokers down", func(t *testing.T) {
		c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
		r := clitest.Run(t, "", "--timeout", "2s", "-b", addr+","+c.Addrs[0], "cluster", "describe", "-o", "json")
		wantDescribed(t, c, r, "")
	})
	t.Run("unknown host", func(t *testing.T) {
		r := clitest.Run(t, "", "--timeout", "2s", "-b", "no-such-host.invalid:9092", "cluster", "describe")
		if r.Code != 1 || !strings.HasPrefix(r.Stderr, "Error: broker no-such-host.invalid:9092: host name no-such-host.invalid does not resolve") {
			t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
		}
	})
}

func TestConnNoAnswer(t *testing.T) {
	t.Parallel()
	addr := testkit.SilentListener(t)
	// version -o json: the table form prints the client line first.
	for _, cmd := range [][]string{{"cluster", "describe"}, {"broker", "list"}, {"version", "-o", "json"}} {
		t.Run(strings.Join(cmd, " "), func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			r := clitest.Run(t, "", append([]string{"--timeout", "2s", "-b", addr}, cmd...)...)
			hangDetector(t, start, 2*time.Second)
			wantFailed(t, r, "Error: broker "+addr+": connected, but the broker did not answer within 2s (overloaded broker, or a TLS listener while security.protocol is PLAINTEXT?)\n")
		})
	}
	t.Run("TLS", func(t *testing.T) {
		t.Parallel()
		start := time.Now()
		r := clitest.Run(t, "", "--timeout", "2s", "-b", addr, "--security-protocol", "SSL", "cluster", "describe")
		hangDetector(t, start, 2*time.Second)
		wantFailed(t, r, "Error: broker "+addr+": TLS handshake failed: no answer within 2s (a PLAINTEXT listener, which waits silently, while security.protocol is SSL?)\n")
	})
	t.Run("Connect returns an Unreachable error", func(t *testing.T) {
		t.Parallel()
		s := config.Settings{Brokers: []string{addr}, SecurityProtocol: config.Plaintext, Timeout: time.Second}
		start := time.Now()
		_, err := kafka.Connect(context.Background(), s, kafka.Options{})
		hangDetector(t, start, time.Second)
		var un *errs.Unreachable
		if !errors.As(err, &un) {
			t.Fatalf("Connect error %T %v; want *errs.Unreachable", err, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestConnBrokerHangsAfterConnect: the connection works, then the broker
// stops answering. cluster describe and broker list need nothing after the
// Metadata read at connect; a command that sends a request later still ends
// within --timeout and names the broker.
func TestConnBrokerHangsAfterConnect(t *testing.T) {
	t.Parallel()
	// ACLsUnchecked: the sandbox's SECURITY_DISABLED answer (a control
	// function added first) would answer DescribeAcls before the hang.
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, ACLsUnchecked: true})
	addr := c.Addrs[0]
	var n atomic.Int32
	c.Kfake.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		if req.Key() == int16(kmsg.ApiVersions) {
			return nil, nil, false
		}
		// The first Metadata (connect) is answered; nothing later is.
		return nil, nil, req.Key() != int16(kmsg.Metadata) || n.Add(1) > 1
	})
	for _, cmd := range [][]string{{"cluster", "describe"}, {"broker", "list"}} {
		r := clitest.Run(t, "", append([]string{"--timeout", "2s", "-b", addr}, cmd...)...)
		if _, port := kafka.SplitAddr(addr); r.Code != 0 || !strings.Contains(r.Stdout, port) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", cmd, r.Code, r.Stdout, r.Stderr)
		}
		n.Store(0)
	}
	start := time.Now()
	r := clitest.Run(t, "", "--timeout", "2s", "-b", addr, "acl", "list")
	hangDetector(t, start, 2*time.Second)
	wantFailed(t, r, "Error: describe ACLs on "+addr+": no answer within the timeout (--timeout)\n")
}
