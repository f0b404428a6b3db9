//go:build realkafka

package e2e

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/realkafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// checkReport is `kctl check connectivity -o json` (docs/check.md).
type checkReport struct {
	Status  string `json:"status"`
	Brokers []struct {
		Address string `json:"address"`
		ID      *int   `json:"id"`
		Steps   []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
			Detail string `json:"detail"`
			Hint   string `json:"hint"`
		} `json:"steps"`
	} `json:"brokers"`
}

func runCheck(t *testing.T, s config.Settings, code int, args ...string) (checkReport, clitest.Result) {
	t.Helper()
	r := want(t, s, code, "", append(args, "-o", "json")...)
	var rep checkReport
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("%v JSON %q: %v", args, r.Stdout, err)
	}
	return rep, r
}

// statuses is "step=STATUS ..." of the only broker walked.
func statuses(t *testing.T, rep checkReport) string {
	t.Helper()
	if len(rep.Brokers) != 1 {
		t.Fatalf("%d brokers walked, want 1: %+v", len(rep.Brokers), rep)
	}
	var s []string
	for _, st := range rep.Brokers[0].Steps {
		s = append(s, st.Name+"="+st.Status)
	}
	return strings.Join(s, " ")
}

func stepDetail(rep checkReport, name string) (detail, hint string) {
	for _, st := range rep.Brokers[0].Steps {
		if st.Name == name {
			return st.Detail, st.Hint
		}
	}
	return "", ""
}

// TestCheckOnRealKafka: check connectivity and check tls on the SASL_SSL
// cluster pass every step with the super user, and fail the right step,
// with the documented exit code (2, docs/exit-codes.md), for a wrong
// password, a mechanism the listener does not enable, a CA that did not
// sign the broker's certificate and a --tls-server-name the certificate
// does not name; on the PLAINTEXT cluster tls and sasl are skipped.
func TestCheckOnRealKafka(t *testing.T) {
	c := SASL(t)
	addr := c.Addrs()[0]
	port := addr[strings.LastIndex(addr, ":")+1:]

	rep, _ := runCheck(t, c.Settings(), 0, "check", "connectivity")
	if got := statuses(t, rep); rep.Status != "PASS" || got != "dns=PASS tcp=PASS tls=PASS api-versions=PASS sasl=PASS metadata=PASS" {
		t.Errorf("admin: %s %s", rep.Status, got)
	}
	if id := rep.Brokers[0].ID; rep.Brokers[0].Address != addr || id == nil || *id != 1 {
		t.Errorf("broker %s id %v", rep.Brokers[0].Address, id)
	}
	for step, want := range map[string]string{
		"tls":          "chain verified against ca.pem; host name 127.0.0.1 verified",
		"api-versions": "Kafka 4.4+ (inferred); the APIs kctl needs are present",
		"sasl":         "authenticated as admin with SCRAM-SHA-512; enabled: SCRAM-SHA-512, SCRAM-SHA-256",
		"metadata":     "cluster " + c.ClusterID + ", controller 1, 1 broker: 1 127.0.0.1:" + port,
	} {
		if d, _ := stepDetail(rep, step); !strings.Contains(d, want) {
			t.Errorf("%s detail %q lacks %q", step, d, want)
		}
	}

	// A wrong password: sasl FAIL, the password never printed.
	const wrong = "wrong-Secret-42"
	rep, r := runCheck(t, as(c, config.MechSHA512, realkafka.AdminUser, wrong), 2, "check", "connectivity")
	if got := statuses(t, rep); rep.Status != "FAIL" || got != "dns=PASS tcp=PASS tls=PASS api-versions=PASS sasl=FAIL metadata=SKIP" {
		t.Errorf("wrong password: %s %s", rep.Status, got)
	}
	// Kafka answers SASL_AUTHENTICATION_FAILED with its own message (kfake
	// closes the connection instead); the hint names user and mechanism.
	if d, h := stepDetail(rep, "sasl"); d != "SCRAM-SHA-512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512" ||
		!strings.HasPrefix(h, "authentication of admin with SCRAM-SHA-512 failed: wrong password, unknown user") {
		t.Errorf("wrong password: sasl detail %q hint %q", d, h)
	}
	if strings.Contains(r.Stdout+r.Stderr, wrong) {
		t.Error("check printed the password")
	}
	// A mechanism the listener does not enable: the enabled ones listed.
	rep, _ = runCheck(t, as(c, config.MechPlain, realkafka.AdminUser, "x"), 2, "check", "connectivity")
	if d, _ := stepDetail(rep, "sasl"); statuses(t, rep) != "dns=PASS tcp=PASS tls=PASS api-versions=PASS sasl=FAIL metadata=SKIP" ||
		!strings.Contains(d, "SCRAM-SHA-512, SCRAM-SHA-256") {
		t.Errorf("PLAIN: %s, sasl detail %q", statuses(t, rep), d)
	}

	// A CA that did not sign the broker's certificate: tls FAIL, for
	// check connectivity and check tls alike.
	other, _, err := sandbox.WriteTLSFiles(filepath.Join(t.TempDir(), "other"))
	if err != nil {
		t.Fatal(err)
	}
	wrongCA := c.Settings()
	wrongCA.TLS.CAFile = other.CA
	rep, _ = runCheck(t, wrongCA, 2, "check", "connectivity")
	if got := statuses(t, rep); got != "dns=PASS tcp=PASS tls=FAIL api-versions=SKIP sasl=SKIP metadata=SKIP" {
		t.Errorf("wrong CA: %s", got)
	}
	if d, h := stepDetail(rep, "tls"); !strings.Contains(d+h, "unknown authority") && !strings.Contains(d+h, "not signed") {
		t.Errorf("wrong CA: tls detail %q hint %q", d, h)
	}
	// A server name the certificate does not name.
	badName := c.Settings()
	badName.TLS.ServerName = "kafka.example.com"
	rep, _ = runCheck(t, badName, 2, "check", "connectivity")
	if got := statuses(t, rep); got != "dns=PASS tcp=PASS tls=FAIL api-versions=SKIP sasl=SKIP metadata=SKIP" {
		t.Errorf("--tls-server-name: %s", got)
	}
	if d, _ := stepDetail(rep, "tls"); !strings.Contains(d, "kafka.example.com") || !strings.Contains(d, "localhost, 127.0.0.1") {
		t.Errorf("--tls-server-name: tls detail %q", d)
	}

	// check tls: exit 0 with the super user, 2 with the wrong CA or name.
	r = want(t, c.Settings(), 0, "", "check", "tls")
	if !strings.Contains(r.Stdout, addr) {
		t.Errorf("check tls:\n%s", r.Stdout)
	}
	want(t, wrongCA, 2, "", "check", "tls")
	want(t, badName, 2, "", "check", "tls")

	// PLAINTEXT: no TLS, no SASL, everything else passes.
	p := Single(t)
	rep, _ = runCheck(t, p.Settings(), 0, "check", "connectivity")
	if got := statuses(t, rep); rep.Status != "PASS" || got != "dns=PASS tcp=PASS tls=SKIP api-versions=PASS sasl=SKIP metadata=PASS" {
		t.Errorf("PLAINTEXT: %s %s", rep.Status, got)
	}
	if d, _ := stepDetail(rep, "api-versions"); !strings.Contains(d, "Kafka 4.4+ (inferred)") {
		t.Errorf("PLAINTEXT api-versions: %q", d)
	}
	// The 3.9 cluster is inferred as 3.9+, as `kctl version` names it.
	rep, _ = runCheck(t, Old(t).Settings(), 0, "check", "connectivity")
	if d, _ := stepDetail(rep, "api-versions"); !strings.Contains(d, "Kafka 3.9+ (inferred)") {
		t.Errorf("Kafka 3.9.2 api-versions: %q", d)
	}
}

// healthReport is `kctl health --format json` (docs/health.md).
type healthReport struct {
	Status string `json:"status"`
	Checks []struct {
		Name    string   `json:"name"`
		Status  string   `json:"status"`
		Value   *int     `json:"value"`
		Message string   `json:"message"`
		Details []string `json:"details"`
	} `json:"checks"`
	Scope *struct {
		TopicCount         int  `json:"topicCount"`
		PartitionCount     int  `json:"partitionCount"`
		InternalTopicCount int  `json:"internalTopicCount"`
		InternalIncluded   bool `json:"internalIncluded"`
		Complete           bool `json:"complete"`
	} `json:"scope"`
}

func runHealth(t *testing.T, s config.Settings, code int, args ...string) healthReport {
	t.Helper()
	r := want(t, s, code, "", append([]string{"health", "--format", "json"}, args...)...)
	var rep healthReport
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("health JSON %q: %v", r.Stdout, err)
	}
	return rep
}

// partitionLines counts the partition lines of kafka-topics --describe.
func partitionLines(out string) int {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "\tPartition: ") {
			n++
		}
	}
	return n
}

// TestHealthOnRealKafka: health on the SASL_SSL cluster as the super user
// counts what kafka-topics --describe and its filters count, on every
// topic including the internal ones; the certificate's days left are the
// broker certificate's; at-min-isr is WARNING on a one-node cluster (every
// partition has RF 1 = min.insync.replicas 1, as kafka-topics
// --at-min-isr-partitions lists them), and without that check it is OK.
func TestHealthOnRealKafka(t *testing.T) {
	c := SASL(t)
	admin := c.Settings()
	want(t, admin, 0, "", "topic", "create", "sec-health", "--partitions", "3", "--replication-factor", "1")
	t.Cleanup(func() { clitest.RunSettings(t, admin, "", "topic", "delete", "sec-health", "--yes") })

	rep := runHealth(t, admin, 1)
	all := tool(t, c, topicCommand, "--describe")
	topics := strings.Count(all, "TopicId: ")
	parts := partitionLines(all)
	counts := map[string]int{
		"offline-partitions": partitionLines(tool(t, c, topicCommand, "--describe", "--unavailable-partitions")),
		"under-min-isr":      partitionLines(tool(t, c, topicCommand, "--describe", "--under-min-isr-partitions")),
		"under-replicated":   partitionLines(tool(t, c, topicCommand, "--describe", "--under-replicated-partitions")),
		"at-min-isr":         partitionLines(tool(t, c, topicCommand, "--describe", "--at-min-isr-partitions")),
		"brokers":            1,
		"controller":         1,
		"tls-expiry":         daysLeft(t, c.TLS.BrokerCert),
	}
	if counts["at-min-isr"] != parts || parts < 3 {
		t.Fatalf("kafka-topics: %d at min ISR of %d partitions", counts["at-min-isr"], parts)
	}
	if rep.Scope == nil || rep.Scope.TopicCount != topics || rep.Scope.PartitionCount != parts || !rep.Scope.Complete || !rep.Scope.InternalIncluded {
		t.Errorf("scope %+v, kafka-topics --describe: %d topics, %d partitions", rep.Scope, topics, parts)
	}
	seen := map[string]bool{}
	for _, ch := range rep.Checks {
		seen[ch.Name] = true
		w, ok := counts[ch.Name]
		if !ok {
			t.Errorf("unexpected check %s", ch.Name)
			continue
		}
		wantStatus := "OK"
		if ch.Name == "at-min-isr" {
			wantStatus = "WARNING"
		}
		if ch.Value == nil || *ch.Value != w || ch.Status != wantStatus {
			t.Errorf("%s: %s %v (%s), want %s %d", ch.Name, ch.Status, ch.Value, ch.Message, wantStatus, w)
		}
	}
	if len(seen) != len(counts) || rep.Status != "WARNING" {
		t.Errorf("status %s, checks %v", rep.Status, seen)
	}
	rep = runHealth(t, admin, 0, "--checks", "brokers,controller,offline-partitions,under-min-isr,under-replicated,tls-expiry")
	if rep.Status != "OK" || len(rep.Checks) != 6 || rep.Scope == nil || rep.Scope.PartitionCount != parts {
		t.Errorf("without at-min-isr: %+v", rep)
	}
}

// daysLeft is the whole days until the PEM certificate in file expires.
func daysLeft(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return int(time.Until(cert.NotAfter) / (24 * time.Hour))
}

// TestUserWithoutACLsOnRealKafka: a SCRAM user with no ACLs logs in and
// sees what Kafka's own tools show it: no topics, no groups; listing ACLs
// or users is refused. kctl deliberately differs in one place: health is
// UNKNOWN (exit 3), not green, when it can see none of the cluster's
// topics (issue 14).
func TestUserWithoutACLsOnRealKafka(t *testing.T) {
	c := SASL(t)
	admin := c.Settings()
	const pw = "sec-carol-pw-Kd2"
	want(t, admin, 0, pw, "user", "upsert", "sec-carol", "--mechanism", "SCRAM-SHA-512", "--password-stdin")
	t.Cleanup(func() {
		clitest.RunSettings(t, admin, "", "user", "delete", "sec-carol", "--mechanism", "SCRAM-SHA-512")
	})
	want(t, admin, 0, "", "topic", "create", "sec-hidden", "--partitions", "1", "--replication-factor", "1")
	t.Cleanup(func() { clitest.RunSettings(t, admin, "", "topic", "delete", "sec-hidden", "--yes") })
	carol := as(c, config.MechSHA512, "sec-carol", pw)

	props := filepath.Join(t.TempDir(), "carol.properties")
	if err := os.WriteFile(props, []byte(fmt.Sprintf("security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"+
		"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"sec-carol\" password=\"%s\";\n"+
		"ssl.truststore.type=PEM\nssl.truststore.location=%s\n", pw, c.TLS.CA)), 0o600); err != nil {
		t.Fatal(err)
	}
	asCarol := func(class string, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		out, _, err := c.Tool(ctx, class, append([]string{"--bootstrap-server", c.Bootstrap(), "--command-config", props}, args...)...)
		return out, err
	}

	// Topics: Kafka's tool lists none, kctl neither.
	out, err := asCarol(topicCommand, "--list")
	if err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("kafka-topics --list as sec-carol: %q %v", out, err)
	}
	r := want(t, carol, 0, "", "topic", "list", "-o", "json")
	var tl struct {
		Topics []json.RawMessage `json:"topics"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &tl); err != nil || len(tl.Topics) != 0 {
		t.Errorf("kctl topic list as sec-carol: %q %v", r.Stdout, err)
	}
	// Groups: none either.
	if out, err := asCarol(groupCommand, "--list"); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("kafka-consumer-groups --list as sec-carol: %q %v", out, err)
	}
	r = want(t, carol, 0, "", "group", "list")
	if rows := clitest.TableRows(r.Stdout); len(rows) != 0 {
		t.Errorf("kctl group list as sec-carol: %q", r.Stdout)
	}
	// ACLs and users: refused by Kafka, refused by kctl (exit 1, the
	// right named).
	if _, err := asCarol(aclCommand, "--list"); err == nil {
		t.Error("kafka-acls --list as sec-carol succeeded")
	}
	r = want(t, carol, 1, "", "acl", "list")
	if !strings.Contains(r.Stderr, "not authorized") || !strings.Contains(r.Stderr, "Describe on the cluster") {
		t.Errorf("acl list as sec-carol: %q", r.Stderr)
	}
	if _, err := asCarol(configCommand, "--describe", "--entity-type", "users"); err == nil {
		t.Error("kafka-configs --describe --entity-type users as sec-carol succeeded")
	}
	r = want(t, carol, 1, "", "user", "list")
	if !strings.Contains(r.Stderr, "not authorized to describe SCRAM credentials: User:sec-carol needs Describe on the cluster") {
		t.Errorf("user list as sec-carol: %q", r.Stderr)
	}
	// Health: blind, so UNKNOWN.
	rep := runHealth(t, carol, 3)
	if rep.Status != "UNKNOWN" || rep.Scope == nil || rep.Scope.Complete || rep.Scope.TopicCount != 0 {
		t.Errorf("health as sec-carol: %s scope %+v", rep.Status, rep.Scope)
	}
}
