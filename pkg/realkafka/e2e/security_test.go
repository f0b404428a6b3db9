//go:build realkafka

package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kversion"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kctl-dev/kctl/pkg/acl"
	"github.com/kctl-dev/kctl/pkg/acl/acltest"
	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/realkafka"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// The security tests run on the SASL_SSL cluster (SCRAM, StandardAuthorizer,
// super user admin). Their users, topics and groups start with "sec-".

// as is c's settings for another user.
func as(c *realkafka.Cluster, mech, user, pass string) config.Settings {
	s := c.Settings()
	s.SASL = config.SASL{Mechanism: mech, Username: user, Password: pass}
	return s
}

// kgoAs is a franz-go client logged in to c as user, over TLS with c's CA,
// pinned to Kafka 2.8 request versions so requests name topics.
func kgoAs(t *testing.T, c *realkafka.Cluster, mech, user, pass string) *kgo.Client {
	t.Helper()
	pem, err := os.ReadFile(c.TLS.CA)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	auth := scram.Auth{User: user, Pass: pass}
	m := map[string]sasl.Mechanism{config.MechSHA256: auth.AsSha256Mechanism(), config.MechSHA512: auth.AsSha512Mechanism()}[mech]
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Addrs()...), kgo.SASL(m),
		kgo.DialTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}),
		kgo.MaxVersions(kversion.V2_8_0()), kgo.RequestRetries(0), kgo.RetryTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// want runs kctl with settings s and checks the exit code.
func want(t *testing.T, s config.Settings, code int, stdin string, args ...string) clitest.Result {
	t.Helper()
	r := clitest.RunSettings(t, s, stdin, args...)
	if r.Code != code {
		t.Fatalf("kctl %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.Code, code, r.Stdout, r.Stderr)
	}
	return r
}

// scramUsers parses `kafka-configs --describe --entity-type users`:
// "SCRAM credential configs for user-principal 'u' are M=iterations=N, ..."
// as "user mechanism iterations" lines, sorted.
func scramUsers(out string) []string {
	re := regexp.MustCompile(`^SCRAM credential configs for user-principal '([^']+)' are (.*)$`)
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		m := re.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		for _, cred := range strings.Split(m[2], ", ") {
			mech, it, _ := strings.Cut(cred, "=iterations=")
			rows = append(rows, m[1]+" "+mech+" "+it)
		}
	}
	sort.Strings(rows)
	return rows
}

// kctlUsers is `kctl user list` as the same lines.
func kctlUsers(t *testing.T, c *realkafka.Cluster, names ...string) []string {
	t.Helper()
	r := want(t, c.Settings(), 0, "", append([]string{"user", "list", "-o", "json"}, names...)...)
	var got struct {
		Users []struct {
			User       string `json:"user"`
			Mechanism  string `json:"mechanism"`
			Iterations int    `json:"iterations"`
		} `json:"users"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
		t.Fatalf("user list JSON %q: %v", r.Stdout, err)
	}
	var rows []string
	for _, u := range got.Users {
		rows = append(rows, fmt.Sprintf("%s %s %d", u.User, u.Mechanism, u.Iterations))
	}
	sort.Strings(rows)
	return rows
}

// TestUsersOnRealKafka: user upsert (both mechanisms, --password-stdin),
// list with and without names (Kafka lists every user for an empty list,
// and kctl equals kafka-configs --describe --entity-type users), the new
// user logs in (kctl and a franz-go client), a wrong password fails with a
// clear message that never shows the password, delete, and bad input that
// changes nothing.
func TestUsersOnRealKafka(t *testing.T) {
	c := SASL(t)
	admin := c.Settings()
	const alicePW, bobPW = "sec-alice-pw-Zq8", "sec-bob-pw-Yt3"
	t.Cleanup(func() {
		for _, u := range []string{"sec-alice", "sec-bob"} {
			for _, m := range []string{config.MechSHA256, config.MechSHA512} {
				clitest.RunSettings(t, admin, "", "user", "delete", u, "--mechanism", m)
			}
		}
	})

	r := want(t, admin, 0, alicePW+"\n", "user", "upsert", "sec-alice", "--mechanism", "SCRAM-SHA-512", "--password-stdin")
	if r.Stdout != "Set the SCRAM-SHA-512 credential of user sec-alice (4096 iterations).\n" {
		t.Errorf("upsert stdout %q", r.Stdout)
	}
	r = want(t, admin, 0, alicePW+"\n", "user", "upsert", "sec-alice", "--mechanism", "SCRAM-SHA-256", "--iterations", "8192", "--password-stdin")
	if r.Stdout != "Set the SCRAM-SHA-256 credential of user sec-alice (8192 iterations).\n" {
		t.Errorf("upsert stdout %q", r.Stdout)
	}
	pwFile := filepath.Join(t.TempDir(), "bob.pw")
	if err := os.WriteFile(pwFile, []byte(bobPW+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, admin, 0, "", "user", "upsert", "sec-bob", "--mechanism", "SCRAM-SHA-256", "--password-file", pwFile)

	// No names: every user, exactly what Kafka's own tool lists.
	all := kctlUsers(t, c)
	if fromKafka := scramUsers(tool(t, c, configCommand, "--describe", "--entity-type", "users")); !reflect.DeepEqual(all, fromKafka) {
		t.Errorf("kctl user list:\n%s\nkafka-configs --describe --entity-type users:\n%s", strings.Join(all, "\n"), strings.Join(fromKafka, "\n"))
	}
	for _, w := range []string{"admin SCRAM-SHA-512 4096", "sec-alice SCRAM-SHA-256 8192", "sec-alice SCRAM-SHA-512 4096", "sec-bob SCRAM-SHA-256 4096"} {
		if !contains(all, w) {
			t.Errorf("user list lacks %q: %v", w, all)
		}
	}
	// Names: those users only; an unknown one is reported and exits 1.
	if got := kctlUsers(t, c, "sec-alice"); !reflect.DeepEqual(got, []string{"sec-alice SCRAM-SHA-256 8192", "sec-alice SCRAM-SHA-512 4096"}) {
		t.Errorf("user list sec-alice: %v", got)
	}
	r = want(t, admin, 1, "", "user", "list", "sec-bob", "sec-nobody")
	if r.Stdout != "USER     MECHANISM      ITERATIONS\nsec-bob  SCRAM-SHA-256  4096\n" || r.Stderr != "Error: user sec-nobody: no SCRAM credentials\n" {
		t.Errorf("user list sec-bob sec-nobody: %q %q", r.Stdout, r.Stderr)
	}

	// The users log in, with kctl and with a franz-go client, with each
	// mechanism (real Kafka announces the stored iterations: 8192 works).
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, u := range []struct{ mech, user, pass string }{
		{config.MechSHA512, "sec-alice", alicePW}, {config.MechSHA256, "sec-alice", alicePW}, {config.MechSHA256, "sec-bob", bobPW},
	} {
		r := want(t, as(c, u.mech, u.user, u.pass), 0, "", "cluster", "describe")
		if !strings.Contains(r.Stdout, "Brokers:     1") {
			t.Errorf("%s %s: cluster describe %q", u.user, u.mech, r.Stdout)
		}
		if err := kgoAs(t, c, u.mech, u.user, u.pass).Ping(ctx); err != nil {
			t.Errorf("franz-go as %s with %s: %v", u.user, u.mech, err)
		}
	}
	// A wrong password: exit 1, user and mechanism named, the password
	// never printed (nor with -v, which traces the connection).
	const wrong = "not-the-Password-7"
	for _, args := range [][]string{{"cluster", "describe"}, {"-v", "cluster", "describe"}} {
		r := want(t, as(c, config.MechSHA512, "sec-alice", wrong), 1, "", args...)
		if !strings.Contains(r.Stderr, "Error: broker "+c.Addrs()[0]+": SASL SCRAM-SHA-512 authentication failed for user sec-alice") {
			t.Errorf("%v: stderr %q", args, r.Stderr)
		}
		if strings.Contains(r.Stdout+r.Stderr, wrong) || strings.Contains(r.Stdout+r.Stderr, alicePW) {
			t.Errorf("%v printed a password:\n%s%s", args, r.Stdout, r.Stderr)
		}
	}
	if err := kgoAs(t, c, config.MechSHA512, "sec-alice", wrong).Ping(ctx); err == nil {
		t.Error("franz-go logged in with a wrong password")
	}

	// Bad input: exit 2, nothing sent, nothing changed.
	before := kctlUsers(t, c)
	for _, tc := range []struct {
		stdin string
		args  []string
		msg   string
	}{
		{"pw\n", []string{"user", "upsert", "sec-carol", "--mechanism", "SCRAM-SHA-512", "--iterations", "1000", "--password-stdin"}, "--iterations 1000 is out of range: Kafka accepts 4096 to 16384"},
		{"pw\n", []string{"user", "upsert", "sec-carol", "--mechanism", "SCRAM-SHA-1", "--password-stdin"}, "SCRAM-SHA-1"},
		{"\n", []string{"user", "upsert", "sec-carol", "--mechanism", "SCRAM-SHA-512", "--password-stdin"}, "empty"},
		{"", []string{"user", "upsert", "sec-carol", "--mechanism", "SCRAM-SHA-512"}, "password"},
		{"", []string{"user", "delete", "sec-bob"}, "mechanism"},
	} {
		r := want(t, admin, 2, tc.stdin, tc.args...)
		if !strings.Contains(r.Stderr, tc.msg) {
			t.Errorf("%v: stderr %q lacks %q", tc.args, r.Stderr, tc.msg)
		}
	}
	if after := kctlUsers(t, c); !reflect.DeepEqual(before, after) {
		t.Errorf("bad input changed the users: %v -> %v", before, after)
	}

	// Delete: the credential is gone for Kafka too, and no longer logs in.
	r = want(t, admin, 0, "", "user", "delete", "sec-bob", "--mechanism", "SCRAM-SHA-256")
	if r.Stdout != "Deleted the SCRAM-SHA-256 credential of user sec-bob.\n" {
		t.Errorf("delete stdout %q", r.Stdout)
	}
	r = want(t, admin, 1, "", "user", "delete", "sec-bob", "--mechanism", "SCRAM-SHA-256")
	if !strings.Contains(r.Stderr, "the user has no such credential") {
		t.Errorf("second delete: %q", r.Stderr)
	}
	all = kctlUsers(t, c)
	if fromKafka := scramUsers(tool(t, c, configCommand, "--describe", "--entity-type", "users")); !reflect.DeepEqual(all, fromKafka) || contains(all, "sec-bob SCRAM-SHA-256 4096") {
		t.Errorf("after delete: kctl %v, Kafka %v", all, fromKafka)
	}
	want(t, as(c, config.MechSHA256, "sec-bob", bobPW), 1, "", "cluster", "describe")
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// kafkaACLs parses `kafka-acls --list` into kctl's row form
// (PRINCIPAL HOST OPERATION PERMISSION RESOURCE-TYPE RESOURCE-NAME
// PATTERN-TYPE), sorted.
func kafkaACLs(out string) []string {
	res := regexp.MustCompile("^Current ACLs for resource `ResourcePattern\\(resourceType=([A-Z_]+), name=(.*), patternType=([A-Z]+)\\)`:$")
	entry := regexp.MustCompile(`^\(principal=(.*), host=(.*), operation=([A-Z_]+), permissionType=([A-Z]+)\)$`)
	var rows []string
	var cur []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if m := res.FindStringSubmatch(l); m != nil {
			cur = m[1:]
		} else if m := entry.FindStringSubmatch(l); m != nil && cur != nil {
			rows = append(rows, strings.Join([]string{m[1], m[2], m[3], m[4], cur[0], cur[1], cur[2]}, " "))
		}
	}
	sort.Strings(rows)
	return rows
}

// kctlACLs is `kctl acl list` (every ACL) in the same form.
func kctlACLs(t *testing.T, s config.Settings) []string {
	t.Helper()
	r := want(t, s, 0, "", "acl", "list")
	var rows []string
	for _, f := range clitest.TableRows(r.Stdout) {
		rows = append(rows, strings.Join(f, " "))
	}
	sort.Strings(rows)
	return rows
}

// mine keeps the rows of sec- principals.
func mine(rows []string) []string {
	var out []string
	for _, r := range rows {
		if strings.HasPrefix(r, "User:sec-") {
			out = append(out, r)
		}
	}
	return out
}

// TestACLsOnRealKafka: acl add (shortcuts, prefixed, wildcard, deny) gives
// exactly the ACLs kafka-acls --list shows, field by field; bad input
// changes nothing; acl delete --yes removes them for both tools.
func TestACLsOnRealKafka(t *testing.T) {
	c := SASL(t)
	admin := c.Settings()
	t.Cleanup(func() {
		for _, p := range []string{"User:sec-acl-alice", "User:sec-acl-bob"} {
			clitest.RunSettings(t, admin, "", "acl", "delete", "--principal", p, "--yes")
		}
	})
	for _, args := range [][]string{
		{"--allow-principal", "User:sec-acl-alice", "--producer", "--topic", "sec-orders", "--transactional-id", "sec-tx", "--idempotent"},
		{"--allow-principal", "User:sec-acl-alice", "--consumer", "--topic", "sec-orders", "--group", "sec-billing"},
		{"--allow-principal", "User:sec-acl-bob", "--operation", "Read", "--operation", "Describe", "--topic", "sec-logs-", "--resource-pattern-type", "prefixed"},
		{"--allow-principal", "User:sec-acl-bob", "--operation", "Describe", "--topic", "*"},
		{"--deny-principal", "User:sec-acl-bob", "--deny-host", "10.0.0.7", "--operation", "All", "--topic", "sec-orders"},
		{"--allow-principal", "User:sec-acl-bob", "--operation", "DescribeConfigs,AlterConfigs", "--cluster"},
	} {
		want(t, admin, 0, "", append([]string{"acl", "add"}, args...)...)
	}
	wantMine := []string{
		"User:sec-acl-alice * CREATE ALLOW TOPIC sec-orders LITERAL",
		"User:sec-acl-alice * DESCRIBE ALLOW TOPIC sec-orders LITERAL",
		"User:sec-acl-alice * DESCRIBE ALLOW TRANSACTIONAL_ID sec-tx LITERAL",
		"User:sec-acl-alice * IDEMPOTENT_WRITE ALLOW CLUSTER kafka-cluster LITERAL",
		"User:sec-acl-alice * READ ALLOW GROUP sec-billing LITERAL",
		"User:sec-acl-alice * READ ALLOW TOPIC sec-orders LITERAL",
		"User:sec-acl-alice * WRITE ALLOW TOPIC sec-orders LITERAL",
		"User:sec-acl-alice * WRITE ALLOW TRANSACTIONAL_ID sec-tx LITERAL",
		"User:sec-acl-bob * ALTER_CONFIGS ALLOW CLUSTER kafka-cluster LITERAL",
		"User:sec-acl-bob * DESCRIBE ALLOW TOPIC * LITERAL",
		"User:sec-acl-bob * DESCRIBE ALLOW TOPIC sec-logs- PREFIXED",
		"User:sec-acl-bob * DESCRIBE_CONFIGS ALLOW CLUSTER kafka-cluster LITERAL",
		"User:sec-acl-bob * READ ALLOW TOPIC sec-logs- PREFIXED",
		"User:sec-acl-bob 10.0.0.7 ALL DENY TOPIC sec-orders LITERAL",
	}
	sort.Strings(wantMine)
	got := kctlACLs(t, admin)
	fromKafka := kafkaACLs(tool(t, c, aclCommand, "--list"))
	if !reflect.DeepEqual(got, fromKafka) {
		t.Errorf("kctl acl list:\n%s\nkafka-acls --list:\n%s", strings.Join(got, "\n"), strings.Join(fromKafka, "\n"))
	}
	if !reflect.DeepEqual(mine(got), wantMine) {
		t.Errorf("kctl acl list (sec- principals):\n%s\nwant\n%s", strings.Join(mine(got), "\n"), strings.Join(wantMine, "\n"))
	}
	// A filtered list equals Kafka's filtered list (--topic: literal,
	// prefixed and wildcard ACLs that apply, both tools' default).
	r := want(t, admin, 0, "", "acl", "list", "--topic", "sec-logs-app")
	var filtered []string
	for _, f := range clitest.TableRows(r.Stdout) {
		filtered = append(filtered, strings.Join(f, " "))
	}
	sort.Strings(filtered)
	if k := kafkaACLs(tool(t, c, aclCommand, "--list", "--topic", "sec-logs-app", "--resource-pattern-type", "match")); !reflect.DeepEqual(filtered, k) {
		t.Errorf("acl list --topic sec-logs-app:\n%s\nkafka-acls --list --topic sec-logs-app --resource-pattern-type match:\n%s", strings.Join(filtered, "\n"), strings.Join(k, "\n"))
	}

	// Bad input: exit 2 and the ACLs as they were.
	for _, tc := range []struct{ args []string }{
		{[]string{"acl", "add", "--allow-principal", "User:sec-acl-bob", "--operation", "Fly", "--topic", "sec-orders"}},
		{[]string{"acl", "add", "--allow-principal", "User:sec-acl-bob", "--operation", "Read", "--cluster"}},
		{[]string{"acl", "add", "--allow-principal", "sec-acl-bob", "--operation", "Read", "--topic", "sec-orders"}},
		{[]string{"acl", "add", "--allow-principal", "User:sec-acl-bob", "--operation", "Read", "--topic", "sec-orders", "--resource-pattern-type", "match"}},
		{[]string{"acl", "add", "--allow-principal", "User:sec-acl-bob", "--consumer", "--topic", "sec-orders", "--operation", "Read", "--producer"}},
		{[]string{"acl", "delete", "--principal", "User:sec-acl-bob"}},
		{[]string{"acl", "delete", "--yes"}},
	} {
		r := want(t, admin, 2, "", tc.args...)
		if !strings.HasPrefix(r.Stderr, "Error: ") && !strings.Contains(r.Stderr, "Nothing was deleted") {
			t.Errorf("%v: stderr %q", tc.args, r.Stderr)
		}
	}
	if after := kafkaACLs(tool(t, c, aclCommand, "--list")); !reflect.DeepEqual(after, fromKafka) {
		t.Errorf("bad input changed the ACLs:\n%s\n->\n%s", strings.Join(fromKafka, "\n"), strings.Join(after, "\n"))
	}

	// Delete with --yes: both tools list none of them any more.
	for _, p := range []string{"User:sec-acl-alice", "User:sec-acl-bob"} {
		want(t, admin, 0, "", "acl", "delete", "--principal", p, "--yes")
	}
	eventually(t, 10*time.Second, func() string {
		if m := mine(kctlACLs(t, admin)); len(m) > 0 {
			return fmt.Sprintf("kctl still lists %v", m)
		}
		return ""
	})
	if m := mine(kafkaACLs(tool(t, c, aclCommand, "--list"))); len(m) > 0 {
		t.Errorf("kafka-acls still lists %v", m)
	}
}

// renamed maps an acltest name into this suite's namespace: principals
// alice and bob become sec-alice and sec-bob, resource names get "sec-"
// (the wildcard and the cluster stay).
func renamed(s string) string {
	switch {
	case s == "*" || s == acl.ClusterName || s == "User:*":
		return s
	case strings.HasPrefix(s, "User:"):
		return "User:sec-" + strings.TrimPrefix(s, "User:")
	}
	return "sec-" + s
}

func renamedACL(a acl.ACL) acl.ACL {
	a.Principal, a.ResourceName = renamed(a.Principal), renamed(a.ResourceName)
	return a
}

// TestExplainMatchesRealAuthorizer runs the explain table (acltest.Cases:
// allow/deny, literal/prefixed/wildcard, implied Describe, no ACL) on
// real Kafka: with each case's ACLs in force, `kctl acl explain` must give
// the table's decision and matched ACLs, and the same request made for
// real by sec-alice (a SCRAM user) must be allowed or denied by Kafka's
// StandardAuthorizer the same way.
func TestExplainMatchesRealAuthorizer(t *testing.T) {
	c := SASL(t)
	admin := c.Settings()
	const pw = "sec-explain-pw"
	want(t, admin, 0, pw, "user", "upsert", "sec-alice", "--mechanism", "SCRAM-SHA-512", "--password-stdin")
	t.Cleanup(func() {
		clitest.RunSettings(t, admin, "", "user", "delete", "sec-alice", "--mechanism", "SCRAM-SHA-512")
	})
	for _, topic := range []string{"sec-orders", "sec-payments"} {
		want(t, admin, 0, "", "topic", "create", topic, "--partitions", "1", "--replication-factor", "1")
		t.Cleanup(func() { clitest.RunSettings(t, admin, "", "topic", "delete", topic, "--yes") })
	}
	// The offsets and transaction topics, so group and transactional-id
	// probes meet a loaded coordinator.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	alice := kgoAs(t, c, config.MechSHA512, "sec-alice", pw)
	if err := alice.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	a := testkit.Admin(t, admin)
	probed := 0
	for _, tc := range acltest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			var acls []acl.ACL
			for _, x := range tc.ACLs {
				acls = append(acls, renamedACL(x))
			}
			if len(acls) > 0 {
				if err := a.CreateACLs(ctx, acls); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					var fs []acl.Filter
					for _, x := range acls {
						fs = append(fs, acl.Exact(x))
					}
					if _, err := a.DeleteACLs(ctx, fs); err != nil {
						t.Fatal(err)
					}
				})
			}
			// StandardAuthorizer applies ACLs from the metadata log: wait
			// until the broker describes exactly these (sec- principals).
			eventually(t, 10*time.Second, func() string {
				got, err := a.DescribeACLs(ctx, acl.NewFilter())
				if err != nil {
					return err.Error()
				}
				n := 0
				for _, x := range got {
					if strings.HasPrefix(x.Principal, "User:sec-") || x.Principal == "User:*" {
						n++
					}
				}
				if n != len(acls) {
					return fmt.Sprintf("broker describes %d of the case's %d ACLs", n, len(acls))
				}
				return ""
			})
			q := tc.Query
			q.Principal, q.ResourceName = renamed(q.Principal), renamed(q.ResourceName)
			args := append([]string{"acl", "explain", "-o", "json", "--principal", q.Principal, "--host", q.Host,
				"--operation", q.Operation.String()}, acltest.ResourceArgs(q)...)
			r := want(t, admin, 0, "", args...)
			var got acl.Explanation
			if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
				t.Fatalf("explain JSON %q: %v", r.Stdout, err)
			}
			wantMatched := []acl.ACL{}
			for _, i := range tc.Matched {
				wantMatched = append(wantMatched, acls[i])
			}
			if got.Decision != tc.Want || !reflect.DeepEqual(got.Matched, wantMatched) {
				t.Errorf("explain: %s with %v, want %s with %v (reason %s)", got.Decision, got.Matched, tc.Want, wantMatched, got.Reason)
			}
			pctx, pcancel := context.WithTimeout(ctx, 15*time.Second)
			defer pcancel()
			allowed, err := acltest.Probe(pctx, alice, q, "sec-orders")
			if err != nil {
				t.Fatal(err)
			}
			probed++
			if allowed != (tc.Want == acl.Allowed) {
				t.Errorf("Kafka %s sec-alice's real request; explain says %s", map[bool]string{true: "allowed", false: "denied"}[allowed], got.Decision)
			}
		})
	}
	if probed != len(acltest.Cases()) {
		t.Errorf("only %d of %d cases were checked against the authorizer", probed, len(acltest.Cases()))
	}
}
