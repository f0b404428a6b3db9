package sandboxcmd_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
)

// running is a `kctl sandbox` started in the background of a test.
type running struct {
	t      *testing.T
	cancel context.CancelFunc
	done   chan clitest.Result
	ctx    config.Layer // the context it wrote
}

// start runs `kctl sandbox args...` until stop, waiting until it wrote its
// context (named name) to the test's config file.
func start(t *testing.T, name string, args ...string) *running {
	t.Helper()
	cfg := clitest.ConfigPath(t)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{t: t, cancel: cancel, done: make(chan clitest.Result, 1)}
	go func() {
		r.done <- clitest.RunContext(ctx, t, "", append([]string{"sandbox", "--brokers", "1", "--port", "0", "--context-name", name}, args...)...)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case res := <-r.done:
			t.Fatalf("sandbox exited early: exit %d\nstdout %s\nstderr %s", res.Code, res.Stdout, res.Stderr)
		default:
		}
		if f, err := config.Load(cfg); err == nil {
			if l, ok := f.Contexts[name]; ok {
				r.ctx = l
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("the sandbox wrote no context within 60s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Cleanup(func() { r.stop() })
	return r
}

// stop interrupts the sandbox (as Ctrl-C would) and returns its run.
func (r *running) stop() clitest.Result {
	r.cancel()
	select {
	case res := <-r.done:
		r.done <- res // idempotent
		return res
	case <-time.After(30 * time.Second):
		r.t.Fatal("the sandbox did not stop within 30s of Ctrl-C")
		return clitest.Result{}
	}
}

func describe(t *testing.T, ctxName string, extra ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, "", append([]string{"--context", ctxName, "--timeout", "10s", "cluster", "describe", "-o", "json"}, extra...)...)
}

func wantOK(t *testing.T, r clitest.Result) {
	t.Helper()
	if r.Code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", r.Code, r.Stdout, r.Stderr)
	}
}

func TestSandboxPlain(t *testing.T) {
	t.Parallel()
	s := start(t, "plain", "--seed", "none", "--brokers", "2")
	// One address per list item, not one comma-joined string.
	if len(s.ctx.Brokers) != 2 || strings.Contains(s.ctx.Brokers[0], ",") || *s.ctx.SecurityProtocol != config.Plaintext || s.ctx.SASLMechanism != nil || s.ctx.TLSCAFile != nil {
		t.Fatalf("context %+v", s.ctx)
	}
	r := describe(t, "plain")
	wantOK(t, r)
	if r.Stderr != "" {
		t.Fatalf("stderr %q", r.Stderr)
	}
	var v struct {
		ClusterID string `json:"clusterId"`
		Brokers   []struct {
			Address string `json:"address"`
		} `json:"brokers"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil || v.ClusterID != "kctl-sandbox" || len(v.Brokers) != 2 || v.Brokers[0].Address != s.ctx.Brokers[0] || v.Brokers[1].Address != s.ctx.Brokers[1] {
		t.Fatalf("describe %s (%v)", r.Stdout, err)
	}
	// No secret: the config file may be world-readable.
	if st, _ := os.Stat(clitest.ConfigPath(t)); st.Mode().Perm() != 0o644 {
		t.Fatalf("config mode %o", st.Mode().Perm())
	}
	res := s.stop()
	want := "Sandbox cluster ready.\nBootstrap: " + strings.Join(s.ctx.Brokers, ",") + "\n" +
		"Context \"plain\" written to " + clitest.ConfigPath(t) + " (try: kctl --context plain cluster describe)\n" +
		"Press Ctrl-C to stop.\n"
	if res.Code != 0 || res.Stdout != want || res.Stderr != "Starting a 2-broker sandbox cluster...\nStopping the sandbox.\n" {
		t.Fatalf("sandbox run: exit %d\nstdout %q\nwant   %q\nstderr %q", res.Code, res.Stdout, want, res.Stderr)
	}
}

func TestSandboxTLS(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "tls")
	s := start(t, "tls", "--seed", "none", "--tls", dir)
	for _, f := range []string{"ca.pem", "broker.pem", "broker-key.pem", "client.pem", "client-key.pem"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, st, err)
		}
	}
	if *s.ctx.SecurityProtocol != config.SSL || *s.ctx.TLSCAFile != filepath.Join(dir, "ca.pem") {
		t.Fatalf("context %+v", s.ctx)
	}
	wantOK(t, describe(t, "tls"))
	// The client certificate is signed by the same CA (for mTLS tours).
	wantOK(t, describe(t, "tls", "--tls-cert-file", filepath.Join(dir, "client.pem"), "--tls-key-file", filepath.Join(dir, "client-key.pem")))
	// Without the CA, verification fails as it should.
	r := clitest.Run(t, "", "--config", filepath.Join(t.TempDir(), "empty.yaml"), "-b", s.ctx.Brokers[0], "--security-protocol", "SSL", "--timeout", "5s", "cluster", "describe")
	if r.Code != 1 || !strings.Contains(r.Stderr, "unknown authority") {
		t.Fatalf("without CA: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if res := s.stop(); !strings.Contains(res.Stdout, "TLS files: CA "+filepath.Join(dir, "ca.pem")+", client certificate "+filepath.Join(dir, "client.pem")+", key "+filepath.Join(dir, "client-key.pem")+"\n") {
		t.Fatalf("stdout %q", res.Stdout)
	}
}

func TestSandboxSASLWithACLs(t *testing.T) {
	t.Parallel()
	s := start(t, "secure", "--sasl", "scram-sha-512", "--user", "root", "--password", "root-pw", "--acls")
	if *s.ctx.SecurityProtocol != config.SASLPlaintext || *s.ctx.SASLMechanism != "SCRAM-SHA-512" || *s.ctx.SASLUsername != "root" || *s.ctx.SASLPassword != "root-pw" {
		t.Fatalf("context %+v", s.ctx.Brokers)
	}
	if st, _ := os.Stat(clitest.ConfigPath(t)); st.Mode().Perm() != 0o600 {
		t.Fatalf("config with a password has mode %o", st.Mode().Perm())
	}
	r := describe(t, "secure")
	wantOK(t, r)
	if strings.Contains(r.Stdout+r.Stderr, "root-pw") {
		t.Fatal("password printed")
	}
	// The demo seed gave alice exactly these ACLs (docs/sandbox.md).
	r = clitest.Run(t, "", "--context", "secure", "--timeout", "10s", "acl", "list")
	wantOK(t, r)
	if want := "PRINCIPAL   HOST  OPERATION  PERMISSION  RESOURCE-TYPE  RESOURCE-NAME  PATTERN-TYPE\n" +
		"User:alice  *     READ       ALLOW       TOPIC          payments       LITERAL\n" +
		"User:alice  *     DESCRIBE   ALLOW       TOPIC          payments       LITERAL\n" +
		"User:alice  *     READ       ALLOW       GROUP          analytics      LITERAL\n"; r.Stdout != want || r.Stderr != "" {
		t.Fatalf("acl list:\n%s\nwant\n%s\nstderr %q", r.Stdout, want, r.Stderr)
	}
	// user list without names lists every user, as Kafka does (kfake alone
	// lists nobody for sarama's empty user array: pkg/sandbox/compat.go).
	r = clitest.Run(t, "", "--context", "secure", "--timeout", "10s", "user", "list")
	wantOK(t, r)
	if want := "USER   MECHANISM      ITERATIONS\n" +
		"alice  SCRAM-SHA-512  4096\n" +
		"root   SCRAM-SHA-512  4096\n"; r.Stdout != want || r.Stderr != "" {
		t.Fatalf("user list:\n%s\nwant\n%s\nstderr %q", r.Stdout, want, r.Stderr)
	}
	// Topic configs are validated like Kafka's (pkg/sandbox/topicconfig.go).
	r = clitest.Run(t, "", "--context", "secure", "--timeout", "10s", "topic", "config", "set", "orders", "retention.ms=abc")
	if want := "Error: alter configs of topic orders: Invalid value abc for configuration retention.ms: Not a number of type LONG (INVALID_CONFIG)\n"; r.Code != 1 || r.Stderr != want {
		t.Fatalf("topic config set retention.ms=abc: exit %d, stderr %q", r.Code, r.Stderr)
	}
	// The authorizer is on: alice (no ACL on orders) authenticates but may
	// not read orders; the superuser may.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, u := range []struct {
		user, pass string
		want       error
	}{{"alice", "alice-secret", kerr.TopicAuthorizationFailed}, {"root", "root-pw", nil}} {
		cl, err := kgo.NewClient(kgo.SeedBrokers(s.ctx.Brokers...), kgo.SASL(scram.Auth{User: u.user, Pass: u.pass}.AsSha512Mechanism()))
		if err != nil {
			t.Fatal(err)
		}
		req := kmsg.NewPtrMetadataRequest()
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr("orders")
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctx, cl)
		cl.Close()
		if err != nil {
			t.Fatalf("%s: %v", u.user, err)
		}
		if got := kerr.ErrorForCode(resp.Topics[0].ErrorCode); !errors.Is(got, u.want) && got != u.want {
			t.Fatalf("%s reading orders metadata: %v, want %v", u.user, got, u.want)
		}
	}
	// An empty password file is refused before any connection.
	r = clitest.Run(t, "", "-b", s.ctx.Brokers[0], "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-username", "root", "--sasl-password-file", os.DevNull, "cluster", "describe")
	if r.Code != 2 {
		t.Fatalf("empty password file: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if res := s.stop(); !strings.Contains(res.Stdout, "\nDemo ACLs: alice may read topic payments and group analytics (seeded on first start).\nPress Ctrl-C to stop.\n") {
		t.Fatalf("stdout %q", res.Stdout)
	}
}

func TestSandboxSASLOverTLS(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "tls")
	s := start(t, "sasl-ssl", "--seed", "none", "--sasl", "plain", "--tls", dir)
	if *s.ctx.SecurityProtocol != config.SASLSSL || *s.ctx.SASLMechanism != "PLAIN" || *s.ctx.SASLUsername != "admin" {
		t.Fatalf("context %+v", s.ctx)
	}
	wantOK(t, describe(t, "sasl-ssl"))
}

func TestSandboxDataDir(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	s := start(t, "first", "--data-dir", data)
	wantOK(t, describe(t, "first"))
	if res := s.stop(); res.Code != 0 {
		t.Fatalf("first run: %+v", res)
	}
	// The second run finds the state: it does not seed again (orders still
	// ends at 200, billing still commits 150), and the demo member is back.
	s2 := start(t, "second", "--data-dir", data)
	cl, err := kgo.NewClient(kgo.SeedBrokers(s2.ctx.Brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lo := kmsg.NewPtrListOffsetsRequest()
	lo.ReplicaID = -1
	lt := kmsg.NewListOffsetsRequestTopic()
	lt.Topic = "orders"
	lp := kmsg.NewListOffsetsRequestTopicPartition()
	lp.Timestamp, lp.CurrentLeaderEpoch = -1, -1
	lt.Partitions = append(lt.Partitions, lp)
	lo.Topics = append(lo.Topics, lt)
	lresp, err := lo.RequestWith(ctx, cl)
	if err != nil || lresp.Topics[0].Partitions[0].Offset != 200 {
		t.Fatalf("orders[0] end after restart: %+v %v", lresp, err)
	}
	of := kmsg.NewPtrOffsetFetchRequest()
	of.Group = "billing"
	oresp, err := of.RequestWith(ctx, cl)
	if err != nil || len(oresp.Topics) != 1 || oresp.Topics[0].Partitions[0].Offset != 150 {
		t.Fatalf("billing after restart: %+v %v", oresp, err)
	}
	dg := kmsg.NewPtrDescribeGroupsRequest()
	dg.Groups = []string{"shipping"}
	dresp, err := dg.RequestWith(ctx, cl)
	if err != nil || dresp.Groups[0].State != "Stable" || len(dresp.Groups[0].Members) != 1 {
		t.Fatalf("shipping after restart: %+v %v", dresp, err)
	}
}

func TestSandboxBadFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--brokers", "0"}, "Error: --brokers must be between 1 and 16, got 0\n"},
		{[]string{"--sasl", "gssapi"}, "Error: --sasl \"gssapi\": use plain, scram-sha-256 or scram-sha-512\n"},
		{[]string{"--acls"}, "Error: --acls needs --sasl: without authentication every client is anonymous\n"},
		{[]string{"--user", "bob"}, "Error: --user and --password need --sasl (e.g. --sasl scram-sha-512)\n"},
		{[]string{"--password", "pw"}, "Error: --user and --password need --sasl (e.g. --sasl scram-sha-512)\n"},
		{[]string{"--seed", "big"}, "Error: --seed \"big\": use demo or none\n"},
		{[]string{"--port", "70000"}, "Error: --port 70000 is out of range\n"},
	} {
		r := clitest.Run(t, "", append([]string{"sandbox"}, tc.args...)...)
		if r.Code != 2 || r.Stdout != "" || r.Stderr != tc.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %q", tc.args, r.Code, r.Stdout, r.Stderr, tc.want)
		}
	}
}
