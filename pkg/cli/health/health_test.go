package health_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli"
	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	healthcmd "github.com/kctl-dev/kctl/pkg/cli/health"
	"github.com/kctl-dev/kctl/pkg/kafka/kafkatest"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// TestMain isolates the config file once: run calls cli.Run directly,
// which would otherwise read the user's config.
func TestMain(m *testing.M) { clitest.Main(m) }

type result struct {
	Stdout, Stderr string
	Code           int
	Elapsed        time.Duration
}

func run(t testing.TB, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	start := time.Now()
	code := cli.Run(context.Background(), &output.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, args)
	return result{Stdout: out.String(), Stderr: errOut.String(), Code: code, Elapsed: time.Since(start)}
}

func on(c *sandbox.Cluster, timeout string, args ...string) []string {
	return append([]string{"--brokers", c.Addrs[0], "--timeout", timeout, "health"}, args...)
}

func promSamples(t *testing.T, text string) map[string]float64 {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("prometheus output does not parse: %v\n%s", err, text)
	}
	out := map[string]float64{}
	for name, f := range fams {
		if f.GetHelp() == "" {
			t.Errorf("%s has no HELP", name)
		}
		// Without a TYPE line the parser says untyped: every kctl family
		// is a gauge and says so.
		if f.GetType() != dto.MetricType_GAUGE {
			t.Errorf("%s has TYPE %v, want gauge", name, f.GetType())
		}
		for _, m := range f.GetMetric() {
			key := name
			for _, l := range m.GetLabel() {
				key += "{" + l.GetName() + "=" + l.GetValue() + "}"
			}
			out[key] = m.GetGauge().GetValue()
		}
	}
	return out
}

type jsonReport struct {
	Status string `json:"status"`
	Checks []struct {
		Name    string   `json:"name"`
		Status  string   `json:"status"`
		Value   *float64 `json:"value"`
		Message string   `json:"message"`
		Details []string `json:"details"`
	} `json:"checks"`
	DurationMs *int64 `json:"durationMs"`
}

func parseJSON(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("json: %v\n%s", err, s)
	}
	if r.DurationMs == nil {
		t.Errorf("durationMs missing: %s", s)
	}
	return r
}

func (r jsonReport) statuses() map[string]string {
	m := map[string]string{}
	for _, c := range r.Checks {
		m[c.Name] = c.Status
	}
	return m
}

func healthyCluster(t *testing.T) *sandbox.Cluster {
	t.Helper()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "orders", 3, 3, map[string]string{"min.insync.replicas": "2"}); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateTopic(ctx, "audit", 2, 3, nil); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHealthyClusterEveryFormat(t *testing.T) {
	t.Parallel()
	c := healthyCluster(t)

	r := run(t, on(c, "10s", "--expect-brokers", "3")...)
	if r.Code != 0 {
		t.Fatalf("text: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{
		"CHECK               STATUS  VALUE  MESSAGE\n",
		"brokers             OK      3      3 of 3 brokers reachable\n",
		"offline-partitions  OK      0      no offline partitions\n",
		"at-min-isr          OK      0      no partitions at min ISR\n",
		"\nOverall: OK (6 checks in ",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, r.Stdout)
		}
	}
	if r.Stderr != "" {
		t.Errorf("stderr: %s", r.Stderr)
	}

	r = run(t, on(c, "10s", "--expect-brokers", "3", "--format", "nagios")...)
	want := "KAFKA OK - all 6 checks OK; 2 topics, 5 partitions checked | brokers=3;;3: offline=0;;0 under_min_isr=0;;0 urp=0;0 at_min_isr=0;0\n"
	if r.Code != 0 || r.Stdout != want {
		t.Errorf("nagios: exit %d\n got %q\nwant %q", r.Code, r.Stdout, want)
	}

	r = run(t, on(c, "10s", "--format", "json")...)
	j := parseJSON(t, r.Stdout)
	if r.Code != 0 || j.Status != "OK" || len(j.Checks) != 6 {
		t.Errorf("json: exit %d %s", r.Code, r.Stdout)
	}
	// -o json is honoured when --format is not given.
	r = run(t, append([]string{"-o", "json"}, on(c, "10s")...)...)
	if j := parseJSON(t, r.Stdout); r.Code != 0 || j.Status != "OK" {
		t.Errorf("-o json: exit %d %s", r.Code, r.Stdout)
	}

	r = run(t, on(c, "10s", "--format", "prometheus")...)
	p := promSamples(t, r.Stdout)
	if r.Code != 0 {
		t.Errorf("prometheus exit %d", r.Code)
	}
	for k, v := range map[string]float64{
		"kctl_health_status{check=brokers}": 0, "kctl_health_status{check=at-min-isr}": 0,
		"kctl_partitions_offline": 0, "kctl_partitions_under_replicated": 0, "kctl_brokers_reachable": 3,
	} {
		if got, ok := p[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if d, ok := p["kctl_health_check_duration_seconds"]; !ok || d <= 0 || d > 10 {
		t.Errorf("duration %v", d)
	}
}

// craftedMetadata answers every Metadata request with the real brokers
// and a topic "crafted" whose partitions have the problems Kafka reports.
func craftedMetadata(c *sandbox.Cluster) {
	c.Kfake.ControlKey(int16(kmsg.Metadata), func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		req := kreq.(*kmsg.MetadataRequest)
		resp := req.ResponseKind().(*kmsg.MetadataResponse)
		for i, addr := range c.Addrs {
			host, port, _ := net.SplitHostPort(addr)
			p, _ := strconv.Atoi(port)
			b := kmsg.NewMetadataResponseBroker()
			b.NodeID, b.Host, b.Port = int32(i), host, int32(p)
			resp.Brokers = append(resp.Brokers, b)
		}
		resp.ClusterID = kmsg.StringPtr("kctl-sandbox")
		resp.ControllerID = 0
		t := kmsg.NewMetadataResponseTopic()
		t.Topic = kmsg.StringPtr("crafted")
		t.TopicID = [16]byte{1, 2, 3}
		for _, p := range []struct {
			leader        int32
			replicas, isr []int32
		}{
			{-1, []int32{0, 1, 2}, []int32{0}},      // offline, under min ISR (no leader), under-replicated
			{0, []int32{0, 1, 2}, []int32{0}},       // under min ISR (1 < 2), under-replicated
			{1, []int32{1, 2, 0}, []int32{1, 2}},    // at min ISR (2 = 2), under-replicated
			{2, []int32{2, 0, 1}, []int32{2, 0, 1}}, // healthy
			{7, []int32{7, 0, 1}, []int32{7, 0, 1}}, // offline and under min ISR: a leader that is no live broker is no leader (kafka-topics.sh)
		} {
			pp := kmsg.NewMetadataResponseTopicPartition()
			pp.Partition = int32(len(t.Partitions))
			pp.Leader, pp.Replicas, pp.ISR = p.leader, p.replicas, p.isr
			if p.leader < 0 {
				pp.ErrorCode = 5 // LEADER_NOT_AVAILABLE, as Kafka answers
			}
			t.Partitions = append(t.Partitions, pp)
		}
		resp.Topics = append(resp.Topics, t)
		return resp, nil, true
	})
}

func TestCraftedPartitionProblems(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	if err := c.CreateTopic(context.Background(), "crafted", 5, 3, map[string]string{"min.insync.replicas": "2"}); err != nil {
		t.Fatal(err)
	}
	craftedMetadata(c)

	r := run(t, on(c, "10s", "--format", "nagios", "--expect-brokers", "3")...)
	want := "KAFKA CRITICAL - 2 offline partitions, 3 under-min-ISR, 3 under-replicated, 1 at-min-ISR; 1 topic, 5 partitions checked | " +
		"brokers=3;;3: offline=2;;0 under_min_isr=3;;0 urp=3;0 at_min_isr=1;0\n"
	if r.Code != 2 || r.Stdout != want {
		t.Errorf("exit %d\n got %q\nwant %q\n%s", r.Code, r.Stdout, want, r.Stderr)
	}

	r = run(t, on(c, "10s", "--format", "json")...)
	j := parseJSON(t, r.Stdout)
	wantStatus := map[string]string{"brokers": "OK", "controller": "OK", "offline-partitions": "CRITICAL",
		"under-min-isr": "CRITICAL", "under-replicated": "WARNING", "at-min-isr": "WARNING"}
	got := j.statuses()
	for k, v := range wantStatus {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
	for _, ch := range j.Checks {
		switch ch.Name {
		case "offline-partitions":
			if strings.Join(ch.Details, "|") != "crafted[0] no leader|crafted[4] leader 7 not live" {
				t.Errorf("offline details %q", ch.Details)
			}
		case "under-min-isr":
			if strings.Join(ch.Details, "|") != "crafted[0] no leader|crafted[1] isr 1 of min 2|crafted[4] leader 7 not live" {
				t.Errorf("under-min-isr details %q", ch.Details)
			}
		case "at-min-isr":
			if strings.Join(ch.Details, "|") != "crafted[2] isr 2 = min 2" || *ch.Value != 1 {
				t.Errorf("at-min-isr %+v", ch)
			}
		}
	}

	// Only the warnings selected: exit 1.
	r = run(t, on(c, "10s", "--checks", "under-replicated,at-min-isr", "--format", "nagios")...)
	if want := "KAFKA WARNING - 3 under-replicated, 1 at-min-ISR; 1 topic, 5 partitions checked | urp=3;0 at_min_isr=1;0\n"; r.Code != 1 || r.Stdout != want {
		t.Errorf("exit %d %q", r.Code, r.Stdout)
	}

	r = run(t, on(c, "10s", "--format", "prometheus")...)
	p := promSamples(t, r.Stdout)
	for k, v := range map[string]float64{"kctl_partitions_offline": 2, "kctl_partitions_under_min_isr": 3,
		"kctl_partitions_under_replicated": 3, "kctl_partitions_at_min_isr": 1,
		"kctl_health_status{check=offline-partitions}": 2, "kctl_health_status{check=under-replicated}": 1} {
		if p[k] != v {
			t.Errorf("%s = %v, want %v", k, p[k], v)
		}
	}

	r = run(t, on(c, "10s")...)
	if r.Code != 2 || !strings.Contains(r.Stdout, "\noffline-partitions CRITICAL:\n  crafted[0] no leader\n  crafted[4] leader 7 not live\n") ||
		!strings.Contains(r.Stdout, "Overall: CRITICAL") {
		t.Errorf("text: exit %d\n%s", r.Code, r.Stdout)
	}
}

func TestRemovedBroker(t *testing.T) {
	t.Parallel()
	c := healthyCluster(t)
	// Remove a broker that is neither the bootstrap (node 0) nor the
	// controller: kfake keeps naming a removed controller, Kafka would not.
	info, err := testkit.Admin(t, testkit.Settings(c)).Cluster(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	victim := int32(2)
	if info.ControllerID == 2 {
		victim = 1
	}
	if err := c.Kfake.RemoveNode(victim); err != nil {
		t.Fatal(err)
	}
	r := run(t, on(c, "10s", "--expect-brokers", "3", "--checks", "brokers,controller", "--format", "nagios")...)
	want := "KAFKA CRITICAL - 2 brokers in metadata, expected 3; 2 topics, 5 partitions checked | brokers=2;;3:\n"
	if r.Code != 2 || r.Stdout != want {
		t.Errorf("exit %d\n got %q\nwant %q\n%s", r.Code, r.Stdout, want, r.Stderr)
	}
	// Without the expectation the two remaining brokers are fine.
	r = run(t, on(c, "10s", "--checks", "brokers", "--format", "nagios")...)
	if want := "KAFKA OK - 1 check OK | brokers=2;;2:\n"; r.Code != 0 || r.Stdout != want {
		t.Errorf("exit %d %q", r.Code, r.Stdout)
	}
}

// A broker that accepts connections and never answers: the brokers check
// is CRITICAL within --timeout; the run never hangs.
func TestHangingBroker(t *testing.T) {
	t.Parallel()
	c := healthyCluster(t)
	c.Kfake.ControlKey(int16(kmsg.ApiVersions), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		if c.Kfake.CurrentNode() == 2 {
			return nil, nil, true // swallow: no answer, connection left open
		}
		return nil, nil, false
	})
	r := run(t, on(c, "3s", "--format", "json")...)
	if r.Elapsed > 3500*time.Millisecond {
		t.Errorf("took %v with --timeout 3s", r.Elapsed)
	}
	j := parseJSON(t, r.Stdout)
	if r.Code != 2 || j.Status != "CRITICAL" {
		t.Fatalf("exit %d %s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, ch := range j.Checks {
		switch ch.Name {
		case "brokers":
			detail := "broker 2 (" + c.Addrs[2] + "): broker " + c.Addrs[2] +
				": connected, but the broker did not answer within 3s (overloaded broker, or a TLS listener while security.protocol is PLAINTEXT?)"
			if ch.Status != "CRITICAL" || ch.Message != "1 of 3 brokers unreachable (2)" || *ch.Value != 2 ||
				len(ch.Details) != 1 || ch.Details[0] != detail {
				t.Errorf("brokers %+v", ch)
			}
		default:
			// The topic plan asks a broker that answered its probe: the
			// partition checks are real results, not UNKNOWN.
			if ch.Status != "OK" {
				t.Errorf("%s: %s %s", ch.Name, ch.Status, ch.Message)
			}
		}
	}
	if len(j.Checks) != 6 {
		t.Errorf("%d checks: %s", len(j.Checks), r.Stdout)
	}
}

// The only bootstrap broker accepts and never answers: UNKNOWN (exit 3)
// within --timeout, with a report in the requested format.
func TestSilentBootstrap(t *testing.T) {
	t.Parallel()
	addr := testkit.SilentListener(t)
	r := run(t, "--brokers", addr, "--timeout", "2s", "health", "--format", "nagios")
	if r.Elapsed > 2500*time.Millisecond {
		t.Errorf("took %v with --timeout 2s", r.Elapsed)
	}
	if r.Code != 3 || !strings.HasPrefix(r.Stdout, "KAFKA UNKNOWN - cluster unreachable: ") || strings.Count(r.Stdout, "\n") != 1 {
		t.Errorf("exit %d %q", r.Code, r.Stdout)
	}
	if !strings.Contains(r.Stderr, "Error: ") || !strings.Contains(r.Stderr, addr) {
		t.Errorf("stderr should name the broker: %q", r.Stderr)
	}

	r = run(t, "--brokers", addr, "--timeout", "1s", "health", "--format", "prometheus")
	p := promSamples(t, r.Stdout)
	if r.Code != 3 || p["kctl_health_status{check=brokers}"] != 3 || len(p) != 7 {
		t.Errorf("exit %d %v", r.Code, p)
	}
}

func TestClosedPort(t *testing.T) {
	t.Parallel()
	addr := testkit.ClosedAddr(t)
	r := run(t, "--brokers", addr, "--timeout", "3s", "health", "--format", "json")
	j := parseJSON(t, r.Stdout)
	if r.Code != 3 || j.Status != "UNKNOWN" || !strings.Contains(j.Checks[0].Message, "connection refused") {
		t.Errorf("exit %d %s", r.Code, r.Stdout)
	}
}

func TestExpiringCertificate(t *testing.T) {
	t.Parallel()
	ca, err := sandbox.NewCA("health test CA")
	if err != nil {
		t.Fatal(err)
	}
	notAfter := time.Now().Add(5*24*time.Hour + time.Hour)
	leaf, err := ca.Issue(sandbox.CertOptions{CommonName: "localhost", DNSNames: []string{"localhost"},
		IPs: []net.IP{net.ParseIP("127.0.0.1")}, NotAfter: notAfter})
	if err != nil {
		t.Fatal(err)
	}
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, TLS: sandbox.ServerTLS(leaf, nil)})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	tlsArgs := func(args ...string) []string {
		return append([]string{"--security-protocol", "SSL", "--tls-ca-file", caFile}, on(c, "10s", args...)...)
	}
	r := run(t, tlsArgs("--format", "nagios")...)
	want := "KAFKA CRITICAL - earliest certificate expires in 5 days (broker 0, CN=localhost, " + notAfter.UTC().Format("2006-01-02") + "); 0 topics, 0 partitions checked | " +
		"brokers=3;;3: offline=0;;0 under_min_isr=0;;0 urp=0;0 at_min_isr=0;0 cert_days=5;30:;7:\n"
	if r.Code != 2 || r.Stdout != want {
		t.Errorf("exit %d\n got %q\nwant %q\n%s", r.Code, r.Stdout, want, r.Stderr)
	}
	// Lower thresholds: a warning, exit 1.
	r = run(t, tlsArgs("--checks", "tls-expiry", "--cert-warn-days", "10", "--cert-crit-days", "3", "--format", "prometheus")...)
	p := promSamples(t, r.Stdout)
	if r.Code != 1 || p["kctl_health_status{check=tls-expiry}"] != 1 {
		t.Errorf("exit %d %v", r.Code, p)
	}
	for _, b := range []string{"0", "1", "2"} {
		left := p["kctl_tls_cert_expiry_seconds{broker="+b+"}"]
		if want := time.Until(notAfter).Seconds(); left > want+1 || left < want-30 {
			t.Errorf("broker %s expiry %v, want about %v", b, left, want)
		}
	}
	r = run(t, tlsArgs("--checks", "tls-expiry", "--cert-warn-days", "4", "--cert-crit-days", "2", "--format", "json")...)
	if j := parseJSON(t, r.Stdout); r.Code != 0 || j.Checks[0].Status != "OK" || *j.Checks[0].Value != 5 || len(j.Checks[0].Details) != 3 {
		t.Errorf("exit %d %s", r.Code, r.Stdout)
	}
}

func TestExpiredCertificate(t *testing.T) {
	t.Parallel()
	ca, _ := sandbox.NewCA("health test CA")
	leaf, err := ca.Issue(sandbox.CertOptions{CommonName: "localhost", IPs: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, TLS: sandbox.ServerTLS(leaf, nil)})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	_ = os.WriteFile(caFile, ca.CertPEM, 0o600)
	// The handshake fails, so the cluster is unreachable; the expired
	// certificate is still named and makes the run CRITICAL.
	r := run(t, append([]string{"--security-protocol", "SSL", "--tls-ca-file", caFile}, on(c, "5s", "--format", "json")...)...)
	j := parseJSON(t, r.Stdout)
	st := j.statuses()
	if r.Code != 2 || st["tls-expiry"] != "CRITICAL" || st["brokers"] != "UNKNOWN" {
		t.Errorf("exit %d %s", r.Code, r.Stdout)
	}
	for _, ch := range j.Checks {
		if ch.Name == "tls-expiry" && !strings.HasPrefix(ch.Message, "certificate of broker -1 (CN=localhost) expired on ") {
			t.Errorf("%q", ch.Message)
		}
	}
}

func TestBadFlagsExitUnknown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--bogus"}, "unknown flag: --bogus"},
		{[]string{"--expect-brokers", "x"}, "invalid argument"},
		{[]string{"--expect-brokers", "-1"}, "--expect-brokers must be 0 or more"},
		{[]string{"--format", "xml"}, `unknown --format "xml"`},
		{[]string{"--checks", "brokers,disk"}, `unknown check "disk"`},
		{[]string{"--checks", ","}, "names no check"},
		{[]string{"--checks", "consumer-lag"}, "--checks consumer-lag needs --group or --group-pattern"},
		{[]string{"--lag-warn", "10"}, "--lag-warn needs --group or --group-pattern"},
		{[]string{"--time-lag-crit", "5m"}, "--time-lag-crit needs --group"},
		{[]string{"--stopped-warn"}, "--stopped-warn needs --group"},
		{[]string{"--group", "a", "--group-pattern", "b"}, "not both"},
		{[]string{"--group-pattern", "("}, "invalid --group-pattern"},
		{[]string{"--group", "a", "--lag-warn", "100", "--lag-crit", "10"}, "--lag-warn (100) is above --lag-crit (10)"},
		{[]string{"--group", "a", "--lag-warn", "-1"}, "must be 0 or more"},
		{[]string{"--group", "a", "--time-lag-warn", "10m", "--time-lag-crit", "1m"}, "is above --time-lag-crit"},
		{[]string{"--group", "a", "--time-lag-warn", "soon"}, "invalid argument"},
		{[]string{"--cert-warn-days", "3", "--cert-crit-days", "7"}, "--cert-warn-days (3) is below --cert-crit-days (7)"},
		{[]string{"--cert-crit-days", "-1"}, "must be 0 or more"},
		{[]string{"extra"}, "takes no arguments"},
		{[]string{"--checks", "tls-expiry"}, "--checks tls-expiry needs a TLS connection"},
	} {
		// A closed port: a bad flag must fail before any connection.
		r := run(t, append([]string{"--brokers", "127.0.0.1:1", "--timeout", "2s", "health"}, tc.args...)...)
		if r.Code != 3 || !strings.Contains(r.Stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q (want %q)", tc.args, r.Code, r.Stderr, tc.msg)
		}
		if strings.Contains(r.Stderr, "connection refused") {
			t.Errorf("%v: dialled before validating: %q", tc.args, r.Stderr)
		}
	}
	// Nagios shows stdout: a validation error is there too.
	r := run(t, "--brokers", "127.0.0.1:1", "health", "--format", "nagios", "--lag-crit", "5")
	if r.Code != 3 || r.Stdout != "KAFKA UNKNOWN - --lag-crit needs --group or --group-pattern\n" {
		t.Errorf("exit %d %q", r.Code, r.Stdout)
	}
	// So is a flag that does not parse.
	r = run(t, "--brokers", "127.0.0.1:1", "health", "--format", "nagios", "--expect-brokers", "x")
	msg := `invalid argument "x" for "--expect-brokers" flag: strconv.ParseInt: parsing "x": invalid syntax (see kctl health --help)` + "\n"
	if want := "KAFKA UNKNOWN - " + msg; r.Code != 3 || r.Stdout != want || r.Stderr != "Error: "+msg {
		t.Errorf("exit %d\nstdout %q\nstderr %q\nwant   %q", r.Code, r.Stdout, r.Stderr, msg)
	}
	r = run(t, "--brokers", "127.0.0.1:1", "health", "--format", "nagios", "--bogus")
	if r.Code != 3 || r.Stdout != "KAFKA UNKNOWN - unknown flag: --bogus (see kctl health --help)\n" {
		t.Errorf("exit %d %q", r.Code, r.Stdout)
	}
}

func TestFlagsToOptions(t *testing.T) {
	t.Parallel()
	f := cmdutil.New(&output.Streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	var got *healthcmd.Options
	cmd := healthcmd.NewCmdHealth(f, func(o *healthcmd.Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--group", "a", "--group", "b,c", "--lag-crit", "0", "--time-lag-warn", "90s", "--expect-brokers", "5",
		"--checks", "consumer-lag,brokers", "--format", "NAGIOS", "--stopped-warn"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Groups, "|") != "a|b,c" || got.LagWarn != nil || got.LagCrit == nil || *got.LagCrit != 0 ||
		got.TimeLagWarn == nil || *got.TimeLagWarn != 90*time.Second || got.TimeLagCrit != nil ||
		got.ExpectBrokers != 5 || got.Format != "nagios" || !got.StoppedWarn || got.CertWarnDays != 30 || got.CertCritDays != 7 {
		t.Errorf("%+v", got)
	}
	if cmd.Annotations[cmdutil.CheckAnnotation] == "" {
		t.Error("health must be marked as a check command")
	}
}

// The plan: the connect-time Metadata (which the topic plan reads), the
// Metadata probing whether this principal may describe every topic, and one
// DescribeConfigs for min.insync.replicas; the broker probes send only
// ApiVersions (connection set-up, not counted).
func TestRequestPlan(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		if err := c.CreateTopic(ctx, "t"+strconv.Itoa(i), 6, 3, nil); err != nil {
			t.Fatal(err)
		}
	}
	c.Counter.Reset()
	// Round trips without a clock: connect, then probe ∥ DescribeConfigs.
	g := kafkatest.GateWaves(t, c, kafkatest.Wave{"Metadata": 1}, kafkatest.Wave{"Metadata": 1, "DescribeConfigs": 1})
	r := run(t, on(c, "10s", "--format", "nagios")...)
	g.Check(t)
	if r.Code != 0 {
		t.Fatalf("exit %d %s %s", r.Code, r.Stdout, r.Stderr)
	}
	got := c.Counter.Counts()
	if len(got) != 2 || got["Metadata"] != 2 || got["DescribeConfigs"] != 1 {
		t.Errorf("requests %v, want Metadata 2, DescribeConfigs 1", got)
	}
}

var _ = kfake.NumBrokers
