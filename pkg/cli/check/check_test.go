package check_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kctl-dev/kctl/pkg/cli/check"
	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/doctor"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// TestMain isolates the kctl config once for every test, so clitest.Run
// does not need t.Setenv and the tests can run in parallel.
func TestMain(m *testing.M) { clitest.Main(m) }

// result is one binary-level run with its JSON report parsed.
type result struct {
	clitest.Result
	View check.View
}

func runJSON(t *testing.T, args ...string) result {
	t.Helper()
	r := clitest.Run(t, "", append(args, "-o", "json")...)
	var v check.View
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("kctl %s: exit %d, stdout is not JSON: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, err, r.Stdout, r.Stderr)
	}
	return result{Result: r, View: v}
}

// statuses renders a broker's steps as "dns=PASS tcp=PASS ...".
func statuses(b check.BrokerView) string {
	var parts []string
	for _, s := range b.Steps {
		parts = append(parts, s.Name+"="+s.Status)
	}
	return strings.Join(parts, " ")
}

func step(t *testing.T, b check.BrokerView, name string) check.StepView {
	t.Helper()
	for _, s := range b.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no step %s in %+v", name, b)
	return check.StepView{}
}

func expect(t *testing.T, r result, code int, status string) {
	t.Helper()
	if r.Code != code || r.View.Status != status {
		t.Fatalf("exit %d status %s, want exit %d status %s\nstdout: %s\nstderr: %s", r.Code, r.View.Status, code, status, r.Stdout, r.Stderr)
	}
}

func expectSteps(t *testing.T, b check.BrokerView, want string) {
	t.Helper()
	if got := statuses(b); got != want {
		t.Fatalf("%s steps:\n got %s\nwant %s\n%+v", b.Address, got, want, b.Steps)
	}
}

func expectHint(t *testing.T, s check.StepView, want string) {
	t.Helper()
	// No hint is null in the JSON, never "".
	got := "<null>"
	if s.Hint != nil {
		got = *s.Hint
	}
	if want == "" {
		want = "<null>"
	}
	if got != want {
		t.Fatalf("%s hint:\n got %q\nwant %q\ndetail: %q", s.Name, got, want, s.Detail)
	}
}

const (
	allPass    = "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=SKIP metadata=PASS"
	tlsAllPass = "dns=PASS tcp=PASS tls=PASS api-versions=PASS sasl=SKIP metadata=PASS"
)

func TestConnectivityPlaintextAllPass(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	r := runJSON(t, "--brokers", c.Bootstrap(), "--timeout", "5s", "check", "connectivity")
	expect(t, r, 0, "PASS")
	if len(r.View.Brokers) != 3 {
		t.Fatalf("want the 3 bootstrap addresses, merged with the 3 advertised brokers: %+v", r.View.Brokers)
	}
	for i, b := range r.View.Brokers {
		if b.Address != c.Addrs[i] || b.ID == nil || *b.ID != int32(i) {
			t.Errorf("broker %d: address %s id %v, want %s id %d", i, b.Address, b.ID, c.Addrs[i], i)
		}
		expectSteps(t, b, allPass)
		for _, s := range b.Steps {
			if s.Hint != nil {
				t.Errorf("%s %s: hint %q on a pass (want null)", b.Address, s.Name, *s.Hint)
			}
		}
		md := step(t, b, "metadata")
		if !strings.HasPrefix(md.Detail, "cluster kctl-sandbox, controller ") || !strings.HasSuffix(md.Detail, fmt.Sprintf("3 brokers: 0 %s, 1 %s, 2 %s", c.Addrs[0], c.Addrs[1], c.Addrs[2])) {
			t.Errorf("metadata detail %q", md.Detail)
		}
		if d := step(t, b, "api-versions").Detail; !strings.Contains(d, "Kafka 4.4+ (inferred)") {
			t.Errorf("api-versions detail %q", d)
		}
	}

	// The alias and the table: a titled table per broker, then the verdict.
	tr := clitest.Run(t, "", "--brokers", c.Addrs[0], "--timeout", "5s", "check", "conn")
	if tr.Code != 0 {
		t.Fatalf("exit %d: %s %s", tr.Code, tr.Stdout, tr.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(tr.Stdout), "\n")
	if lines[0] != "Bootstrap "+c.Addrs[0]+" (broker 0): PASS" || !strings.HasPrefix(lines[1], "STEP") ||
		!strings.Contains(lines[1], "STATUS") || !strings.Contains(lines[1], "SUMMARY") {
		t.Errorf("table head:\n%s", tr.Stdout)
	}
	if got := lines[len(lines)-1]; got != "PASS: 3 addresses checked, no warnings" {
		t.Errorf("verdict line %q", got)
	}
	if !strings.Contains(tr.Stdout, "Broker 2 "+c.Addrs[2]+": PASS") {
		t.Errorf("advertised broker 2 not checked:\n%s", tr.Stdout)
	}
}

// certs holds a test PKI.
type certs struct {
	dir    string
	ca     *sandbox.CA
	caFile string
}

func newCerts(t *testing.T) *certs {
	t.Helper()
	ca, err := sandbox.NewCA("broker CA")
	if err != nil {
		t.Fatal(err)
	}
	c := &certs{dir: t.TempDir(), ca: ca}
	c.caFile = c.write(t, "ca.pem", ca.CertPEM)
	return c
}

func (c *certs) write(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (c *certs) issue(t *testing.T, o sandbox.CertOptions) *sandbox.Leaf {
	t.Helper()
	l, err := c.ca.Issue(o)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func localLeaf(t *testing.T, c *certs, notBefore, notAfter time.Time) *sandbox.Leaf {
	return c.issue(t, sandbox.CertOptions{CommonName: "broker", DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: notBefore, NotAfter: notAfter})
}

func parse(t *testing.T, l *sandbox.Leaf) *x509.Certificate {
	t.Helper()
	c, err := x509.ParseCertificate(l.TLS.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func tlsCluster(t *testing.T, tc *tls.Config, brokers int) *sandbox.Cluster {
	t.Helper()
	return testkit.Cluster(t, sandbox.Options{Brokers: brokers, TLS: tc})
}

func TestConnectivityTLSRightCA(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	c := tlsCluster(t, sandbox.ServerTLS(localLeaf(t, pki, time.Time{}, time.Time{}), nil), 2)
	r := runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "5s", "check", "connectivity")
	expect(t, r, 0, "PASS")
	if len(r.View.Brokers) != 2 {
		t.Fatalf("brokers: %+v", r.View.Brokers)
	}
	for _, b := range r.View.Brokers {
		expectSteps(t, b, tlsAllPass)
		d := step(t, b, "tls").Detail
		for _, want := range []string{"TLS 1.3 TLS_", "CN=broker,O=kctl sandbox (SANs: localhost, 127.0.0.1), issued by CN=broker CA,O=kctl sandbox",
			"in 364 days", "chain verified against ca.pem; host name 127.0.0.1 verified"} {
			if !strings.Contains(d, want) {
				t.Errorf("tls detail %q lacks %q", d, want)
			}
		}
	}
}

func TestConnectivityTLS12OnlyWarns(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	tc := sandbox.ServerTLS(localLeaf(t, pki, time.Time{}, time.Time{}), nil)
	tc.MaxVersion = tls.VersionTLS12
	c := tlsCluster(t, tc, 1)
	r := runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "5s", "check", "connectivity")
	expect(t, r, 1, "WARN")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=WARN api-versions=PASS sasl=SKIP metadata=PASS")
	s := step(t, r.View.Brokers[0], "tls")
	expectHint(t, s, "the broker negotiates TLS 1.2 at most: enable TLSv1.3 in ssl.enabled.protocols")
	if !strings.HasPrefix(s.Detail, "TLS 1.2 TLS_ECDHE_ECDSA_") {
		t.Errorf("detail %q", s.Detail)
	}
}

func TestConnectivityTLSWrongCA(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	c := tlsCluster(t, sandbox.ServerTLS(localLeaf(t, pki, time.Time{}, time.Time{}), nil), 1)
	other := newCerts(t) // the client trusts another CA
	r := runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", other.caFile, "--timeout", "5s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	b := r.View.Brokers[0]
	if b.ID != nil {
		t.Errorf("id %v: no metadata, no id", *b.ID)
	}
	expectSteps(t, b, "dns=PASS tcp=PASS tls=FAIL api-versions=SKIP sasl=SKIP metadata=SKIP")
	s := step(t, b, "tls")
	expectHint(t, s, "the certificate (issuer CN=broker CA,O=kctl sandbox) is signed by an unknown authority, not by a CA in "+other.caFile+
		": point --tls-ca-file (ssl.truststore.location) at the CA that signed the broker certificates")
	if s.Detail != "CN=broker,O=kctl sandbox, issued by CN=broker CA,O=kctl sandbox: signed by an unknown authority (not in ca.pem)" {
		t.Errorf("detail %q", s.Detail)
	}
	if d := step(t, b, "api-versions").Detail; d != "not run: tls failed" {
		t.Errorf("skipped detail %q", d)
	}
}

func TestConnectivityTLSHostnameMismatch(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	leaf := pki.issue(t, sandbox.CertOptions{CommonName: "kafka-0", DNSNames: []string{"kafka-0.example.com", "kafka.example.com"}})
	c := tlsCluster(t, sandbox.ServerTLS(leaf, nil), 1)
	r := runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "5s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=FAIL api-versions=SKIP sasl=SKIP metadata=SKIP")
	s := step(t, r.View.Brokers[0], "tls")
	expectHint(t, s, "the certificate is not valid for 127.0.0.1; its SANs are kafka-0.example.com, kafka.example.com: "+
		"connect with one of those names, set --tls-server-name, or reissue the certificate with 127.0.0.1 in its SANs")
	if s.Detail != "CN=kafka-0,O=kctl sandbox is not valid for 127.0.0.1 (SANs: kafka-0.example.com, kafka.example.com)" {
		t.Errorf("detail %q", s.Detail)
	}

	// The name the certificate lists, given as --tls-server-name, passes.
	r = runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--tls-server-name", "kafka.example.com", "--timeout", "5s", "check", "connectivity")
	expect(t, r, 0, "PASS")
	if d := step(t, r.View.Brokers[0], "tls").Detail; !strings.Contains(d, "host name kafka.example.com verified") {
		t.Errorf("detail %q", d)
	}
}

func TestConnectivityTLSExpired(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	leaf := localLeaf(t, pki, time.Now().Add(-48*time.Hour), time.Now().Add(-25*time.Hour))
	c := tlsCluster(t, sandbox.ServerTLS(leaf, nil), 1)
	r := runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "5s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=FAIL api-versions=SKIP sasl=SKIP metadata=SKIP")
	notAfter := parse(t, leaf).NotAfter
	s := step(t, r.View.Brokers[0], "tls")
	expectHint(t, s, "the certificate CN=broker,O=kctl sandbox expired on "+doctor.Date(notAfter)+": renew it on the broker")
	if s.Detail != "certificate CN=broker,O=kctl sandbox expired 2 days ago (not after "+doctor.Date(notAfter)+")" {
		t.Errorf("detail %q", s.Detail)
	}

	// check tls: CRITICAL, with the chain.
	r = runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "5s", "check", "tls")
	expect(t, r, 2, "FAIL")
	b := r.View.Brokers[0]
	expectSteps(t, b, "dns=PASS tcp=PASS tls=FAIL metadata=SKIP")
	if len(b.Chain) != 1 || b.Chain[0].DaysLeft != -2 || b.Chain[0].Subject != "CN=broker,O=kctl sandbox" || !b.Chain[0].NotAfter.Equal(notAfter) {
		t.Errorf("chain %+v", b.Chain)
	}
}

func TestConnectivityTLSNotYetValid(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	leaf := localLeaf(t, pki, time.Now().Add(48*time.Hour), time.Now().Add(400*24*time.Hour))
	c := tlsCluster(t, sandbox.ServerTLS(leaf, nil), 1)
	notBefore := parse(t, leaf).NotBefore
	for _, cmd := range []string{"connectivity", "tls"} {
		r := runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "5s", "check", cmd)
		expect(t, r, 2, "FAIL")
		want := "dns=PASS tcp=PASS tls=FAIL api-versions=SKIP sasl=SKIP metadata=SKIP"
		if cmd == "tls" {
			want = "dns=PASS tcp=PASS tls=FAIL metadata=SKIP"
		}
		expectSteps(t, r.View.Brokers[0], want)
		s := step(t, r.View.Brokers[0], "tls")
		expectHint(t, s, "the certificate CN=broker,O=kctl sandbox is not valid before "+doctor.Date(notBefore)+": check the clock here and on the CA")
		if s.Detail != "certificate CN=broker,O=kctl sandbox is not valid before "+doctor.Date(notBefore) {
			t.Errorf("check %s: detail %q", cmd, s.Detail)
		}
	}
}

func TestCheckTLSExpiringSoon(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	leaf := localLeaf(t, pki, time.Time{}, time.Now().Add(5*24*time.Hour+time.Hour))
	c := tlsCluster(t, sandbox.ServerTLS(leaf, nil), 2)
	notAfter := parse(t, leaf).NotAfter
	base := []string{"--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "5s", "check", "tls"}
	hint := "renew the certificate CN=broker,O=kctl sandbox before " + doctor.Date(notAfter)

	// Within the default --cert-crit-days 7: CRITICAL on every broker.
	r := runJSON(t, base...)
	expect(t, r, 2, "FAIL")
	if len(r.View.Brokers) != 2 {
		t.Fatalf("want both brokers: %+v", r.View.Brokers)
	}
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=FAIL metadata=PASS")
	expectSteps(t, r.View.Brokers[1], "dns=PASS tcp=PASS tls=FAIL")
	for _, b := range r.View.Brokers {
		s := step(t, b, "tls")
		expectHint(t, s, hint)
		if !strings.HasSuffix(s.Detail, "certificate CN=broker,O=kctl sandbox expires in 5 days (within --cert-crit-days)") {
			t.Errorf("detail %q", s.Detail)
		}
		if len(b.Chain) != 1 || b.Chain[0].DaysLeft != 5 || strings.Join(b.Chain[0].IPAddresses, ",") != "127.0.0.1" || strings.Join(b.Chain[0].DNSNames, ",") != "localhost" {
			t.Errorf("chain %+v", b.Chain)
		}
	}

	// --cert-crit-days 3: a warning.
	r = runJSON(t, append(base, "--cert-crit-days", "3")...)
	expect(t, r, 1, "WARN")
	s := step(t, r.View.Brokers[1], "tls")
	if s.Status != "WARN" || s.Hint == nil || *s.Hint != hint || !strings.HasSuffix(s.Detail, "expires in 5 days (within --cert-warn-days)") {
		t.Errorf("step %+v", s)
	}

	// Below both thresholds: OK; zero days flag only expired certificates.
	r = runJSON(t, append(base, "--cert-warn-days", "3", "--cert-crit-days", "1")...)
	expect(t, r, 0, "PASS")
	r = runJSON(t, append(base, "--cert-warn-days", "0", "--cert-crit-days", "0")...)
	expect(t, r, 0, "PASS")

	// connectivity: the same FAIL, but the connection works, so the chain goes on.
	r = runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "5s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=FAIL api-versions=PASS sasl=SKIP metadata=PASS")

	// The table of check tls prints the chain per broker.
	tr := clitest.Run(t, "", base...)
	block := "Certificate 0: CN=broker,O=kctl sandbox\n    issuer:    CN=broker CA,O=kctl sandbox\n    not after: " + doctor.Date(notAfter) + " (5 days left)\n    names:     localhost, 127.0.0.1"
	if tr.Code != 2 || strings.Count(tr.Stdout, block) != 2 {
		t.Errorf("exit %d, table:\n%s", tr.Code, tr.Stdout)
	}
	if !strings.Contains(tr.Stdout, "\nFAIL: 2 failed steps on 2 addresses (bootstrap "+c.Addrs[0]+" (broker 0) tls; broker 1 "+c.Addrs[1]+" tls)\n") {
		t.Errorf("verdict:\n%s", tr.Stdout)
	}
}

func TestConnectivityClientCertRequired(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	clientCA, err := sandbox.NewCA("client CA")
	if err != nil {
		t.Fatal(err)
	}
	c := tlsCluster(t, sandbox.ServerTLS(localLeaf(t, pki, time.Time{}, time.Time{}), clientCA), 1)
	base := []string{"--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "5s", "check", "connectivity"}

	r := runJSON(t, base...)
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=FAIL api-versions=SKIP sasl=SKIP metadata=SKIP")
	s := step(t, r.View.Brokers[0], "tls")
	expectHint(t, s, "the broker requires a client certificate (ssl.client.auth=required): set --tls-cert-file and --tls-key-file (ssl.keystore.location)")
	if !strings.HasPrefix(s.Detail, "the broker asked for a client certificate and got none: ") {
		t.Errorf("detail %q", s.Detail)
	}

	// A client certificate from the CA the broker trusts passes.
	good, err := clientCA.Issue(sandbox.CertOptions{CommonName: "kctl", Client: true})
	if err != nil {
		t.Fatal(err)
	}
	cert, key := pki.write(t, "client.pem", good.CertPEM), pki.write(t, "client-key.pem", good.KeyPEM)
	r = runJSON(t, append([]string{"--tls-cert-file", cert, "--tls-key-file", key}, base...)...)
	expect(t, r, 0, "PASS")
	if d := step(t, r.View.Brokers[0], "tls").Detail; !strings.Contains(d, "; client certificate accepted") {
		t.Errorf("detail %q", d)
	}

	// TLS 1.2 fails the handshake itself; the hint is the same.
	tc12 := sandbox.ServerTLS(localLeaf(t, pki, time.Time{}, time.Time{}), clientCA)
	tc12.MaxVersion = tls.VersionTLS12
	c12 := tlsCluster(t, tc12, 1)
	r = runJSON(t, "--brokers", c12.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "5s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	expectHint(t, step(t, r.View.Brokers[0], "tls"), "the broker requires a client certificate (ssl.client.auth=required): set --tls-cert-file and --tls-key-file (ssl.keystore.location)")

	// One from another CA is rejected.
	bad := pki.issue(t, sandbox.CertOptions{CommonName: "kctl", Client: true})
	cert, key = pki.write(t, "bad.pem", bad.CertPEM), pki.write(t, "bad-key.pem", bad.KeyPEM)
	r = runJSON(t, append([]string{"--tls-cert-file", cert, "--tls-key-file", key}, base...)...)
	expect(t, r, 2, "FAIL")
	expectHint(t, step(t, r.View.Brokers[0], "tls"), "the broker rejected the client certificate: is it signed by a CA in the broker's ssl.truststore, and still valid?")
}

func TestConnectivityPlaintextClientOnTLSListener(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	c := tlsCluster(t, sandbox.ServerTLS(localLeaf(t, pki, time.Time{}, time.Time{}), nil), 1)
	r := runJSON(t, "--brokers", c.Addrs[0], "--timeout", "5s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=SKIP api-versions=FAIL sasl=SKIP metadata=SKIP")
	expectHint(t, step(t, r.View.Brokers[0], "api-versions"), "the port speaks TLS: set security.protocol=SSL or use the PLAINTEXT port")

	// A SASL_PLAINTEXT client is told SASL_SSL.
	args := saslArgs(t, c, "SCRAM-SHA-512", "admin", "admin-secret")
	r = runJSON(t, args...)
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=SKIP api-versions=FAIL sasl=SKIP metadata=SKIP")
	expectHint(t, step(t, r.View.Brokers[0], "api-versions"), "the port speaks TLS: set security.protocol=SASL_SSL or use the PLAINTEXT port")
}

func TestConnectivityTLSClientOnPlaintextListener(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	// kfake waits for the rest of the "request" a ClientHello's first bytes
	// announce: the handshake stalls, and after a second the PLAINTEXT
	// second opinion, within the same step budget, names the port. The
	// generous --timeout keeps a loaded machine from turning that answer
	// into a timeout.
	r := runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "10s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=FAIL api-versions=SKIP sasl=SKIP metadata=SKIP")
	s := step(t, r.View.Brokers[0], "tls")
	expectHint(t, s, "the port answers PLAINTEXT: set security.protocol=PLAINTEXT or use the TLS port")
	if s.Detail != "no TLS handshake: the port answers Kafka requests in PLAINTEXT" {
		t.Errorf("detail %q", s.Detail)
	}
	// The second opinion starts after one second of a stalled handshake.
	if s.DurationMs < 1000 {
		t.Errorf("tls step took %dms: the second opinion started before the handshake stalled for 1s", s.DurationMs)
	}
	// check tls: no certificate was presented, the chain is [] (not null).
	r = runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", pki.caFile, "--timeout", "10s", "check", "tls")
	expect(t, r, 2, "FAIL")
	if r.View.Brokers[0].Chain == nil || len(r.View.Brokers[0].Chain) != 0 || !strings.Contains(r.Stdout, `"chain": []`) {
		t.Errorf("check tls chain without a handshake:\n%s", r.Stdout)
	}

	// SASL_SSL names SASL_PLAINTEXT.
	pw := pki.write(t, "pw", []byte("secret\n"))
	r = runJSON(t, "--brokers", c.Addrs[0], "--security-protocol", "SASL_SSL", "--sasl-mechanism", "PLAIN", "--sasl-username", "u",
		"--sasl-password-file", pw, "--tls-ca-file", pki.caFile, "--timeout", "10s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	expectHint(t, step(t, r.View.Brokers[0], "tls"), "the port answers PLAINTEXT: set security.protocol=SASL_PLAINTEXT or use the TLS port")
}

func saslArgs(t *testing.T, c *sandbox.Cluster, mech, user, password string) []string {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pw, []byte(password), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"--brokers", c.Addrs[0], "--security-protocol", "SASL_PLAINTEXT", "--sasl-mechanism", mech,
		"--sasl-username", user, "--sasl-password-file", pw, "--timeout", "5s", "check", "connectivity"}
}

func TestConnectivitySASL(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, SASL: "scram-sha-256"})

	r := runJSON(t, saslArgs(t, c, "SCRAM-SHA-256", "admin", "admin-secret")...)
	expect(t, r, 0, "PASS")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=PASS metadata=PASS")
	if d := step(t, r.View.Brokers[0], "sasl").Detail; d != "authenticated as admin with SCRAM-SHA-256; the broker did not list its mechanisms" {
		t.Errorf("detail %q", d)
	}

	r = runJSON(t, saslArgs(t, c, "SCRAM-SHA-256", "admin", "wrong")...)
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=FAIL metadata=SKIP")
	s := step(t, r.View.Brokers[0], "sasl")
	expectHint(t, s, "authentication of admin with SCRAM-SHA-256 failed: wrong password, unknown user, or no SCRAM-SHA-256 credentials for this user; check --sasl-username and the password (sasl.jaas.config)")
	if s.Detail != "SCRAM-SHA-256 authentication failed: the broker closed the connection" {
		t.Errorf("detail %q", s.Detail)
	}
	if strings.Contains(r.Stdout+r.Stderr, "admin-secret") {
		t.Error("a password was printed")
	}

	// A client without SASL: ApiVersions answers, Metadata is refused.
	r = runJSON(t, "--brokers", c.Addrs[0], "--timeout", "5s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=SKIP metadata=FAIL")
	expectHint(t, step(t, r.View.Brokers[0], "metadata"), "the broker closed the connection at the Metadata request: the listener probably requires SASL; set security.protocol=SASL_PLAINTEXT with --sasl-mechanism and --sasl-username")
}

func TestConnectivitySASLPlainWrongPassword(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, SASL: "plain"})
	r := runJSON(t, saslArgs(t, c, "PLAIN", "admin", "admin-secret")...)
	expect(t, r, 0, "PASS")
	r = runJSON(t, saslArgs(t, c, "PLAIN", "admin", "nope")...)
	expect(t, r, 2, "FAIL")
	expectHint(t, step(t, r.View.Brokers[0], "sasl"), "authentication of admin with PLAIN failed: wrong password, unknown user, or no PLAIN credentials for this user; check --sasl-username and the password (sasl.jaas.config)")
}

func TestConnectivitySASLMechanismNotEnabled(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, SASL: "scram-sha-256"})
	// kfake accepts any mechanism it knows in SaslHandshake; Apache Kafka
	// answers UNSUPPORTED_SASL_MECHANISM with the listener's enabled list.
	c.Kfake.ControlKey(int16(kmsg.SASLHandshake), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		hs := req.(*kmsg.SASLHandshakeRequest)
		if hs.Mechanism == "SCRAM-SHA-256" {
			return nil, nil, false // kfake handles it (and lists nothing on success)
		}
		resp := hs.ResponseKind().(*kmsg.SASLHandshakeResponse)
		resp.SupportedMechanisms = []string{"SCRAM-SHA-256"}
		resp.ErrorCode = kerr.UnsupportedSaslMechanism.Code
		return resp, nil, true
	})
	r := runJSON(t, saslArgs(t, c, "SCRAM-SHA-512", "admin", "admin-secret")...)
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=FAIL metadata=SKIP")
	s := step(t, r.View.Brokers[0], "sasl")
	expectHint(t, s, "SCRAM-SHA-512 is not enabled on this listener; enabled: SCRAM-SHA-256; set --sasl-mechanism (sasl.mechanism) to an enabled one, or add SCRAM-SHA-512 to sasl.enabled.mechanisms")
	if s.Detail != "SCRAM-SHA-512 is not enabled on this listener; enabled: SCRAM-SHA-256" {
		t.Errorf("detail %q", s.Detail)
	}

	r = runJSON(t, saslArgs(t, c, "SCRAM-SHA-256", "admin", "admin-secret")...)
	expect(t, r, 0, "PASS")
}

// advertise makes every Metadata answer list the real broker 0 plus the
// given extra brokers (id -> host:port), as a misconfigured
// advertised.listeners would.
func advertise(t *testing.T, c *sandbox.Cluster, extra map[int32]string) {
	host, port, _ := net.SplitHostPort(c.Addrs[0])
	p, _ := strconv.Atoi(port)
	c.Kfake.ControlKey(int16(kmsg.Metadata), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		resp := req.(*kmsg.MetadataRequest).ResponseKind().(*kmsg.MetadataResponse)
		b := kmsg.NewMetadataResponseBroker()
		b.NodeID, b.Host, b.Port = 0, host, int32(p)
		resp.Brokers = append(resp.Brokers, b)
		for id, addr := range extra {
			h, ps, _ := net.SplitHostPort(addr)
			pp, _ := strconv.Atoi(ps)
			b := kmsg.NewMetadataResponseBroker()
			b.NodeID, b.Host, b.Port = id, h, int32(pp)
			resp.Brokers = append(resp.Brokers, b)
		}
		resp.ClusterID = kmsg.StringPtr("kctl-sandbox")
		resp.ControllerID = 0
		return resp, nil, true
	})
}

func TestConnectivityAdvertisedListenerUnreachable(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	refused := testkit.ClosedAddr(t)
	advertise(t, c, map[int32]string{1: "kafka-1.invalid:9092", 2: refused})
	r := runJSON(t, "--brokers", c.Addrs[0], "--timeout", "5s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	if len(r.View.Brokers) != 3 {
		t.Fatalf("brokers %+v", r.View.Brokers)
	}
	boot, b1, b2 := r.View.Brokers[0], r.View.Brokers[1], r.View.Brokers[2]
	expectSteps(t, boot, allPass)
	if boot.ID == nil || *boot.ID != 0 || boot.Address != c.Addrs[0] {
		t.Errorf("bootstrap %+v", boot)
	}
	if b1.Address != "kafka-1.invalid:9092" || b1.ID == nil || *b1.ID != 1 || b2.Address != refused || b2.ID == nil || *b2.ID != 2 {
		t.Fatalf("advertised %+v %+v", b1, b2)
	}
	expectSteps(t, b1, "dns=FAIL tcp=SKIP tls=SKIP api-versions=SKIP sasl=SKIP metadata=SKIP")
	expectHint(t, step(t, b1, "dns"), "advertised listener kafka-1.invalid:9092 does not resolve from here: check advertised.listeners on broker 1")
	expectSteps(t, b2, "dns=PASS tcp=FAIL tls=SKIP api-versions=SKIP sasl=SKIP metadata=SKIP")
	expectHint(t, step(t, b2, "tcp"), "advertised listener "+refused+" refuses connections: is broker 2 up, and does advertised.listeners name a port reachable from here?")

	tr := clitest.Run(t, "", "--brokers", c.Addrs[0], "--timeout", "5s", "check", "connectivity")
	want := "FAIL: 2 failed steps on 3 addresses (broker 1 kafka-1.invalid:9092 dns; broker 2 " + refused + " tcp)"
	if tr.Code != 2 || !strings.HasSuffix(tr.Stdout, "\n"+want+"\n") {
		t.Errorf("exit %d, want verdict %q:\n%s", tr.Code, want, tr.Stdout)
	}
}

func TestConnectivityBootstrapUnreachable(t *testing.T) {
	t.Parallel()
	refused := testkit.ClosedAddr(t)
	r := runJSON(t, "--brokers", "kafka.invalid:9092,"+refused, "--timeout", "2s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=FAIL tcp=SKIP tls=SKIP api-versions=SKIP sasl=SKIP metadata=SKIP")
	expectHint(t, step(t, r.View.Brokers[0], "dns"), "kafka.invalid does not resolve from here: check the host name in --brokers (bootstrap.servers) and this machine's DNS")
	expectSteps(t, r.View.Brokers[1], "dns=PASS tcp=FAIL tls=SKIP api-versions=SKIP sasl=SKIP metadata=SKIP")
	expectHint(t, step(t, r.View.Brokers[1], "tcp"), "nothing listens on "+refused+": is the broker up and the port right?")
	for _, b := range r.View.Brokers {
		if b.ID != nil {
			t.Errorf("%s: id %d without metadata", b.Address, *b.ID)
		}
	}
}

// A listener that accepts and never answers fails the step it stalls, by
// its deadline (--timeout), and the check exits 2. The proof is the
// classification (only the step's deadline produces "within 1s") and a
// duration of at least the timeout; an unbounded wait would hang the test.
// No upper wall-time bound: the machine's load decides those.
func TestConnectivitySilentListener(t *testing.T) {
	t.Parallel()
	addr := testkit.SilentListener(t)
	r := runJSON(t, "--brokers", addr, "--timeout", "1s", "check", "connectivity")
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=SKIP api-versions=FAIL sasl=SKIP metadata=SKIP")
	s := step(t, r.View.Brokers[0], "api-versions")
	expectHint(t, s, "the port accepted the connection but sent no Kafka answer within 1s: is it the right port, or is the broker overloaded or stuck?")
	if s.Detail != "no answer within 1s" || s.DurationMs < 1000 {
		t.Errorf("api-versions: %q after %dms with --timeout 1s", s.Detail, s.DurationMs)
	}

	// With TLS: the handshake stalls; the PLAINTEXT second opinion runs
	// within the same step budget and gets no answer either.
	pki := newCerts(t)
	for _, cmd := range []string{"connectivity", "tls"} {
		r = runJSON(t, "--brokers", addr, "--tls-ca-file", pki.caFile, "--timeout", "1s", "check", cmd)
		expect(t, r, 2, "FAIL")
		want := "dns=PASS tcp=PASS tls=FAIL api-versions=SKIP sasl=SKIP metadata=SKIP"
		if cmd == "tls" {
			want = "dns=PASS tcp=PASS tls=FAIL metadata=SKIP"
		}
		expectSteps(t, r.View.Brokers[0], want)
		s = step(t, r.View.Brokers[0], "tls")
		expectHint(t, s, "the listener accepted the connection but did not answer the TLS handshake within 1s (and no PLAINTEXT Kafka answer either): is it the right port, or is a proxy in the way?")
		if s.Detail != "no TLS answer within 1s" || s.DurationMs < 1000 {
			t.Errorf("check %s: tls %q after %dms with --timeout 1s", cmd, s.Detail, s.DurationMs)
		}
	}
}

// A broker that answers ApiVersions but never the next request: the
// stalled step (sasl, metadata) fails at --timeout, exit 2, and the
// advertised brokers are not walked (there is no metadata to name them).
func TestConnectivityBrokerStopsAnswering(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		key   kmsg.Key
		sasl  bool
		steps string
		step  string
		hint  string
	}{
		{"metadata", kmsg.Metadata, false, "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=SKIP metadata=FAIL", "metadata",
			"no Metadata answer within 1s: is the broker overloaded or still starting?"},
		{"sasl", kmsg.SASLHandshake, true, "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=FAIL metadata=SKIP", "sasl",
			"no SASL answer within 1s: is the broker overloaded?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := sandbox.Options{Brokers: 2}
			if tc.sasl {
				opts.SASL = "scram-sha-512"
			}
			c := testkit.Cluster(t, opts)
			release := make(chan struct{})
			t.Cleanup(func() { close(release) }) // before the cluster closes
			c.Kfake.ControlKey(int16(tc.key), func(kmsg.Request) (kmsg.Response, error, bool) {
				c.Kfake.KeepControl()
				c.Kfake.SleepControl(func() { <-release })
				return nil, fmt.Errorf("dropped"), true
			})
			args := []string{"--brokers", c.Addrs[0], "--timeout", "1s", "check", "connectivity"}
			if tc.sasl {
				args = saslArgs(t, c, "SCRAM-SHA-512", "admin", "admin-secret")
				args[len(args)-3] = "1s"
			}
			r := runJSON(t, args...)
			expect(t, r, 2, "FAIL")
			if len(r.View.Brokers) != 1 {
				t.Fatalf("brokers %+v", r.View.Brokers)
			}
			expectSteps(t, r.View.Brokers[0], tc.steps)
			s := step(t, r.View.Brokers[0], tc.step)
			expectHint(t, s, tc.hint)
			if s.DurationMs < 1000 {
				t.Errorf("%s failed after %dms, before --timeout 1s", tc.step, s.DurationMs)
			}
		})
	}
}

func TestConnectivityOldBrokerWarns(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, MaxVersions: kversion.V2_8_0()})
	r := runJSON(t, "--brokers", c.Addrs[0], "--timeout", "5s", "check", "connectivity")
	expect(t, r, 1, "WARN")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=SKIP api-versions=WARN sasl=SKIP metadata=PASS")
	s := step(t, r.View.Brokers[0], "api-versions")
	if !strings.Contains(s.Detail, "Kafka 2.8+ (inferred); missing for kctl: OffsetFetch v8") {
		t.Errorf("detail %q", s.Detail)
	}
	expectHint(t, s, "the broker lacks OffsetFetch v8 (lag of many groups in one request, Kafka 3.0+): the kctl commands that need them will fail or fall back to slower plans; upgrade the brokers")

	// An older protocol: Metadata below v9 (non-flexible) still parses.
	c = testkit.Cluster(t, sandbox.Options{Brokers: 2, MaxVersions: kversion.V2_1_0()})
	r = runJSON(t, "--brokers", c.Addrs[0], "--timeout", "5s", "check", "connectivity")
	expect(t, r, 1, "WARN")
	if len(r.View.Brokers) != 2 {
		t.Fatalf("brokers %+v", r.View.Brokers)
	}
	md := step(t, r.View.Brokers[0], "metadata")
	if md.Status != "PASS" || !strings.HasSuffix(md.Detail, fmt.Sprintf("2 brokers: 0 %s, 1 %s", c.Addrs[0], c.Addrs[1])) {
		t.Errorf("metadata %+v", md)
	}
	if d := step(t, r.View.Brokers[0], "api-versions").Detail; !strings.Contains(d, "Kafka 2.1+ (inferred)") {
		t.Errorf("detail %q", d)
	}
}

func TestCheckCouldNotRun(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	cases := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"crit above warn", []string{"check", "connectivity", "--cert-warn-days", "30", "--cert-crit-days", "40"}, "--cert-crit-days (40) must not be more than --cert-warn-days (30)"},
		{"negative days", []string{"check", "tls", "--cert-warn-days", "-1"}, "must be 0 or more"},
		{"unreadable CA", []string{"--brokers", "127.0.0.1:1", "--tls-ca-file", filepath.Join(pki.dir, "missing.pem"), "check", "connectivity"}, "cannot read TLS CA file"},
		{"CA not PEM", []string{"--brokers", "127.0.0.1:1", "--tls-ca-file", pki.write(t, "junk.pem", []byte("junk")), "check", "tls"}, "holds no PEM certificate"},
		{"unreadable password file", []string{"--brokers", "127.0.0.1:1", "--sasl-mechanism", "PLAIN", "--sasl-username", "u", "--sasl-password-file", filepath.Join(pki.dir, "nope"), "check", "conn"}, "cannot read SASL password file"},
		{"half a client certificate", []string{"--brokers", "127.0.0.1:1", "--tls-cert-file", pki.caFile, "check", "conn"}, "needs both --tls-cert-file and --tls-key-file"},
		{"unreadable client key", []string{"--brokers", "127.0.0.1:1", "--tls-ca-file", pki.caFile, "--tls-cert-file", pki.caFile, "--tls-key-file", filepath.Join(pki.dir, "nope"), "check", "tls"}, "cannot load TLS client certificate"},
		{"tls without TLS", []string{"--brokers", "127.0.0.1:1", "check", "tls"}, "security.protocol is PLAINTEXT: there is no TLS to check"},
		{"unknown flag", []string{"check", "conn", "--bogus"}, "unknown flag: --bogus"},
		{"arguments", []string{"check", "conn", "extra"}, "takes no arguments"},
		{"bad output", []string{"check", "conn", "-o", "xml"}, "unknown output format"},
	}
	for _, c := range cases {
		r := clitest.Run(t, "", c.args...)
		if r.Code != 3 || !strings.Contains(r.Stderr, c.stderr) || r.Stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 3 and %q", c.name, r.Code, r.Stdout, r.Stderr, c.stderr)
		}
	}
}

// kafkaLikeSASL makes a PLAINTEXT kfake cluster answer SASL the way Apache
// Kafka does: SaslHandshake lists the enabled mechanisms in every answer,
// and SaslAuthenticate is answered by auth (error code and message).
// Without kfake's own SASL the connection is usable afterwards.
func kafkaLikeSASL(c *sandbox.Cluster, enabled []string, auth func(token []byte) (int16, string)) {
	c.Kfake.ControlKey(int16(kmsg.SASLHandshake), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		hs := req.(*kmsg.SASLHandshakeRequest)
		resp := hs.ResponseKind().(*kmsg.SASLHandshakeResponse)
		resp.SupportedMechanisms = enabled
		resp.ErrorCode = kerr.UnsupportedSaslMechanism.Code
		for _, m := range enabled {
			if m == hs.Mechanism {
				resp.ErrorCode = 0
			}
		}
		return resp, nil, true
	})
	c.Kfake.ControlKey(int16(kmsg.SASLAuthenticate), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		a := req.(*kmsg.SASLAuthenticateRequest)
		resp := a.ResponseKind().(*kmsg.SASLAuthenticateResponse)
		code, msg := auth(a.SASLAuthBytes)
		resp.ErrorCode = code
		if msg != "" {
			resp.ErrorMessage = kmsg.StringPtr(msg)
		}
		return resp, nil, true
	})
}

func TestConnectivitySASLKafkaAnswers(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	kafkaLikeSASL(c, []string{"PLAIN", "SCRAM-SHA-512"}, func(token []byte) (int16, string) {
		if string(token) == "\x00alice\x00alice-secret" {
			return 0, ""
		}
		return kerr.SaslAuthenticationFailed.Code, "Authentication failed: Invalid username or password"
	})

	r := runJSON(t, saslArgs(t, c, "PLAIN", "alice", "alice-secret")...)
	expect(t, r, 0, "PASS")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=PASS metadata=PASS")
	if d := step(t, r.View.Brokers[0], "sasl").Detail; d != "authenticated as alice with PLAIN; enabled: PLAIN, SCRAM-SHA-512" {
		t.Errorf("detail %q", d)
	}

	r = runJSON(t, saslArgs(t, c, "PLAIN", "alice", "wrong")...)
	expect(t, r, 2, "FAIL")
	s := step(t, r.View.Brokers[0], "sasl")
	if s.Detail != "PLAIN authentication failed: Authentication failed: Invalid username or password" {
		t.Errorf("detail %q", s.Detail)
	}
	expectHint(t, s, "authentication of alice with PLAIN failed: wrong password, unknown user, or no PLAIN credentials for this user; check --sasl-username and the password (sasl.jaas.config)")

	r = runJSON(t, saslArgs(t, c, "SCRAM-SHA-256", "alice", "alice-secret")...)
	expect(t, r, 2, "FAIL")
	expectHint(t, step(t, r.View.Brokers[0], "sasl"), "SCRAM-SHA-256 is not enabled on this listener; enabled: PLAIN, SCRAM-SHA-512; set --sasl-mechanism (sasl.mechanism) to an enabled one, or add SCRAM-SHA-256 to sasl.enabled.mechanisms")
}

func TestConnectivitySASLClientOnPlaintextListener(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	// Apache Kafka answers a SaslHandshake on a PLAINTEXT listener with
	// ILLEGAL_SASL_STATE.
	c.Kfake.ControlKey(int16(kmsg.SASLHandshake), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		resp := req.(*kmsg.SASLHandshakeRequest).ResponseKind().(*kmsg.SASLHandshakeResponse)
		resp.ErrorCode = kerr.IllegalSaslState.Code
		return resp, nil, true
	})
	r := runJSON(t, saslArgs(t, c, "SCRAM-SHA-512", "alice", "x")...)
	expect(t, r, 2, "FAIL")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=FAIL metadata=SKIP")
	expectHint(t, step(t, r.View.Brokers[0], "sasl"), "the listener does not use SASL: set security.protocol=PLAINTEXT or use the SASL port")
}

func TestConnectivitySASLSSL(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2, SASL: "scram-sha-512", TLS: sandbox.ServerTLS(localLeaf(t, pki, time.Time{}, time.Time{}), nil)})
	args := saslArgs(t, c, "SCRAM-SHA-512", "admin", "admin-secret")
	args[3] = "SASL_SSL"
	r := runJSON(t, append([]string{"--tls-ca-file", pki.caFile}, args...)...)
	expect(t, r, 0, "PASS")
	if len(r.View.Brokers) != 2 {
		t.Fatalf("brokers %+v", r.View.Brokers)
	}
	for _, b := range r.View.Brokers {
		expectSteps(t, b, "dns=PASS tcp=PASS tls=PASS api-versions=PASS sasl=PASS metadata=PASS")
	}

	// check tls: when listing the brokers fails (bad password), only the
	// bootstrap address is checked, and that is a warning.
	args = saslArgs(t, c, "SCRAM-SHA-512", "admin", "wrong")
	args[3] = "SASL_SSL"
	args[len(args)-1] = "tls"
	r = runJSON(t, append([]string{"--tls-ca-file", pki.caFile}, args...)...)
	expect(t, r, 1, "WARN")
	if len(r.View.Brokers) != 1 {
		t.Fatalf("brokers %+v", r.View.Brokers)
	}
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=PASS metadata=WARN")
	s := step(t, r.View.Brokers[0], "metadata")
	if s.Detail != "could not list the brokers: sasl failed" {
		t.Errorf("detail %q", s.Detail)
	}
	hint := "<null>"
	if s.Hint != nil {
		hint = *s.Hint
	}
	if !strings.HasPrefix(hint, "could not list the advertised brokers (sasl: SCRAM-SHA-512 authentication failed: the broker closed the connection (authentication of admin with SCRAM-SHA-512 failed") ||
		!strings.HasSuffix(hint, "): only the bootstrap addresses were checked; run `kctl check connectivity`") {
		t.Errorf("hint %q", hint)
	}
}

func TestConnectivityInsecureSkipVerifyWarns(t *testing.T) {
	t.Parallel()
	pki := newCerts(t)
	c := tlsCluster(t, sandbox.ServerTLS(localLeaf(t, pki, time.Time{}, time.Time{}), nil), 1)
	other := newCerts(t)
	r := runJSON(t, "--brokers", c.Addrs[0], "--tls-ca-file", other.caFile, "--tls-insecure-skip-verify", "--timeout", "5s", "check", "connectivity")
	expect(t, r, 1, "WARN")
	expectSteps(t, r.View.Brokers[0], "dns=PASS tcp=PASS tls=WARN api-versions=PASS sasl=SKIP metadata=PASS")
	s := step(t, r.View.Brokers[0], "tls")
	expectHint(t, s, "certificate verification is disabled (--tls-insecure-skip-verify): set --tls-ca-file to the cluster's CA instead")
	if !strings.HasSuffix(s.Detail, "; chain and host name NOT verified (--tls-insecure-skip-verify); would fail: CN=broker,O=kctl sandbox, issued by CN=broker CA,O=kctl sandbox: signed by an unknown authority (not in ca.pem)") {
		t.Errorf("detail %q", s.Detail)
	}
	if !strings.Contains(r.Stderr, "Warning: TLS certificate verification is disabled") {
		t.Errorf("stderr %q", r.Stderr)
	}
}

func TestConnectivityClusterIDMismatch(t *testing.T) {
	t.Parallel()
	a := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	b := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	b.Kfake.ControlKey(int16(kmsg.Metadata), func(req kmsg.Request) (kmsg.Response, error, bool) {
		b.Kfake.KeepControl()
		resp := req.(*kmsg.MetadataRequest).ResponseKind().(*kmsg.MetadataResponse)
		host, port, _ := net.SplitHostPort(b.Addrs[0])
		p, _ := strconv.Atoi(port)
		br := kmsg.NewMetadataResponseBroker()
		br.NodeID, br.Host, br.Port = 7, host, int32(p)
		resp.Brokers = []kmsg.MetadataResponseBroker{br}
		resp.ClusterID = kmsg.StringPtr("other-cluster")
		resp.ControllerID = 7
		return resp, nil, true
	})
	r := runJSON(t, "--brokers", a.Addrs[0]+","+b.Addrs[0], "--timeout", "5s", "check", "connectivity")
	expect(t, r, 1, "WARN")
	if len(r.View.Brokers) != 2 {
		t.Fatalf("brokers %+v", r.View.Brokers)
	}
	expectSteps(t, r.View.Brokers[0], allPass)
	expectSteps(t, r.View.Brokers[1], "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=SKIP metadata=WARN")
	expectHint(t, step(t, r.View.Brokers[1], "metadata"), "this broker belongs to cluster other-cluster, the first bootstrap address to kctl-sandbox: check bootstrap.servers and advertised.listeners")
	if r.View.Brokers[1].ID != nil {
		t.Errorf("the other cluster's broker got an id")
	}
}

func TestConnectivityVerboseTrace(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	r := clitest.Run(t, "", "--brokers", c.Addrs[0], "-v", "check", "conn")
	if r.Code != 0 || !strings.Contains(r.Stderr, "[kctl] bootstrap "+c.Addrs[0]+": metadata PASS in ") {
		t.Errorf("exit %d stderr %q", r.Code, r.Stderr)
	}
}

// The JSON keys are a public interface: exactly these, nothing more.
func TestConnectivityJSONShape(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	r := clitest.Run(t, "", "--brokers", c.Addrs[0], "--timeout", "5s", "check", "connectivity", "-o", "json")
	var v map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil || r.Code != 0 {
		t.Fatalf("exit %d: %v\n%s", r.Code, err, r.Stdout)
	}
	keys := func(m map[string]any) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, ",")
	}
	if k := keys(v); k != "brokers,status" {
		t.Errorf("top keys %s", k)
	}
	b := v["brokers"].([]any)[0].(map[string]any)
	if k := keys(b); k != "address,chain,id,steps" || b["chain"] != nil {
		t.Errorf("broker keys %s, chain %v (null: check tls collects it)", k, b["chain"])
	}
	s := b["steps"].([]any)[0].(map[string]any)
	if k := keys(s); k != "detail,durationMs,hint,name,status" {
		t.Errorf("step keys %s", k)
	}

	y := clitest.Run(t, "", "--brokers", c.Addrs[0], "--timeout", "5s", "check", "connectivity", "-o", "yaml")
	if y.Code != 0 || !strings.HasPrefix(y.Stdout, "status: PASS\nbrokers:\n") || !strings.Contains(y.Stdout, "durationMs: ") || !strings.Contains(y.Stdout, "status: PASS") {
		t.Errorf("yaml exit %d:\n%s", y.Code, y.Stdout)
	}
}
