package user_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

const adminPassword = "admin-pw-not-in-output"

type result struct {
	stdout, stderr string
	code           int
}

// run is clitest.RunSettings with this package's result.
func run(t *testing.T, s config.Settings, stdin string, args ...string) result {
	t.Helper()
	r := clitest.RunSettings(t, s, stdin, args...)
	return result{r.Stdout, r.Stderr, r.Code}
}

func users(t *testing.T, s config.Settings) []kafka.SCRAMCredential {
	t.Helper()
	a := testkit.Admin(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, failed, err := a.DescribeSCRAM(ctx, nil)
	if err != nil || len(failed) > 0 {
		t.Fatalf("read users back: %v %v", err, failed)
	}
	return got
}

// TestUserLifecycle: upsert from a file and from stdin, list (all, named,
// unknown), log in with the new credential, change the password, delete.
// No password ever appears in any output, even with -v.
func TestUserLifecycle(t *testing.T) {
	t.Parallel()
	c, admin := testkit.SCRAMCluster(t, adminPassword)
	dir := t.TempDir()
	const bobPW, carolPW, carolPW2 = "bob-pw-not-in-output", "carol-pw-not-in-output", "carol-new-pw-not-in-output"
	pwFile := filepath.Join(dir, "bob.pw")
	if err := os.WriteFile(pwFile, []byte(bobPW+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var outputs []string
	check := func(want int, stdin string, args ...string) result {
		t.Helper()
		r := run(t, admin, stdin, args...)
		outputs = append(outputs, r.stdout, r.stderr)
		if r.code != want {
			t.Fatalf("kctl %s: exit %d, want %d\n%s%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
		}
		return r
	}

	r := check(0, "", "-v", "user", "upsert", "bob", "--mechanism", "scram-sha-256", "--iterations", "8192", "--password-file", pwFile)
	if r.stdout != "Set the SCRAM-SHA-256 credential of user bob (8192 iterations).\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	r = check(0, carolPW+"\n", "user", "upsert", "carol", "--mechanism", "SCRAM-SHA-512", "--password-stdin", "-o", "json")
	if r.stdout != "{\n  \"user\": \"carol\",\n  \"mechanism\": \"SCRAM-SHA-512\",\n  \"iterations\": 4096\n}\n" {
		t.Errorf("stdout %q", r.stdout)
	}

	r = check(0, "", "user", "list")
	want := `USER   MECHANISM      ITERATIONS
admin  SCRAM-SHA-512  4096
bob    SCRAM-SHA-256  8192
carol  SCRAM-SHA-512  4096
`
	if r.stdout != want {
		t.Errorf("user list:\n%s\nwant\n%s", r.stdout, want)
	}
	r = check(0, "", "user", "list", "carol", "-o", "json")
	if r.stdout != "{\n  \"users\": [\n    {\n      \"user\": \"carol\",\n      \"mechanism\": \"SCRAM-SHA-512\",\n      \"iterations\": 4096\n    }\n  ]\n}\n" {
		t.Errorf("user list carol -o json: %q", r.stdout)
	}
	r = check(1, "", "user", "list", "carol", "nobody")
	if r.stdout != "USER   MECHANISM      ITERATIONS\ncarol  SCRAM-SHA-512  4096\n" || r.stderr != "Error: user nobody: no SCRAM credentials\n" {
		t.Errorf("partial list: %q %q", r.stdout, r.stderr)
	}

	// The credential works: carol logs in (a second mechanism credential
	// for the same user is independent).
	if r := run(t, testkit.SCRAMSettings(c.Addrs, "carol", carolPW), "", "cluster", "describe"); r.code != 0 {
		t.Fatalf("carol cannot log in: %+v", r)
	}
	check(0, carolPW2, "user", "upsert", "carol", "--mechanism", "SCRAM-SHA-512", "--password-stdin")
	if r := run(t, testkit.SCRAMSettings(c.Addrs, "carol", carolPW), "", "cluster", "describe"); r.code != 1 || !strings.Contains(r.stderr, "authentication failed for user carol") {
		t.Errorf("the old password still works: %+v", r)
	}
	if r := run(t, testkit.SCRAMSettings(c.Addrs, "carol", carolPW2), "", "cluster", "describe"); r.code != 0 {
		t.Errorf("the new password does not work: %+v", r)
	}

	r = check(0, "", "user", "delete", "carol", "--mechanism", "SCRAM-SHA-512")
	if r.stdout != "Deleted the SCRAM-SHA-512 credential of user carol.\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	if r := run(t, testkit.SCRAMSettings(c.Addrs, "carol", carolPW2), "", "cluster", "describe"); r.code != 1 {
		t.Errorf("a deleted user still logs in: %+v", r)
	}
	r = check(1, "", "user", "delete", "carol", "--mechanism", "SCRAM-SHA-512")
	if !strings.Contains(r.stderr, "cannot delete the SCRAM-SHA-512 credential of user carol: the user has no such credential") {
		t.Errorf("stderr %q", r.stderr)
	}
	got := users(t, admin)
	wantUsers := []kafka.SCRAMCredential{{User: "admin", Mechanism: "SCRAM-SHA-512", Iterations: 4096}, {User: "bob", Mechanism: "SCRAM-SHA-256", Iterations: 8192}}
	if !reflect.DeepEqual(got, wantUsers) {
		t.Errorf("users %+v", got)
	}
	for _, o := range outputs {
		for _, pw := range []string{bobPW, carolPW, carolPW2, adminPassword} {
			if strings.Contains(o, pw) {
				t.Errorf("a password was printed: %q", o)
			}
		}
	}
}

// TestUserBadInput: clear errors, exit 2, and no credential changed.
func TestUserBadInput(t *testing.T) {
	t.Parallel()
	_, admin := testkit.SCRAMCluster(t, adminPassword)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := users(t, admin)
	missing := filepath.Join(dir, "missing.pw")
	for _, tc := range []struct {
		stdin string
		args  []string
		err   string
	}{
		{"pw", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512", "--iterations", "4095", "--password-stdin"}, "--iterations 4095 is out of range: Kafka accepts 4096 to 16384"},
		{"pw", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512", "--iterations", "16385", "--password-stdin"}, "--iterations 16385 is out of range"},
		{"", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512", "--password-file", missing}, "cannot read --password-file: " + missing + ": no such file or directory"},
		{"", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512", "--password-file", empty}, "the password is empty"},
		{"", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512", "--password-stdin"}, "the password is empty"},
		{"pw", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512", "--password-stdin", "--password-file", empty}, "use either --password-file or --password-stdin, not both"},
		{"pw", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512"}, "give the password with --password-file FILE or --password-stdin (never on the command line)"},
		{"pw", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-1", "--password-stdin"}, `unknown --mechanism "SCRAM-SHA-1": use SCRAM-SHA-256 or SCRAM-SHA-512`},
		{"pw", []string{"user", "upsert", "dave", "--password-stdin"}, "--mechanism is required"},
		{"pw", []string{"user", "upsert", "--mechanism", "SCRAM-SHA-512", "--password-stdin"}, "needs a user name"},
		{"", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512", "--password", "secret"}, "unknown flag: --password"},
		{"", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512", "--password-stdin=secret"}, "Error: --password-stdin takes no value: pipe the password on stdin (see kctl user upsert --help)\n"},
		{"", []string{"user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512", "--password-stdin", "--iterations", "many"}, `invalid argument "many" for "--iterations" flag`},
		{"", []string{"user", "delete", "admin"}, "--mechanism is required"},
		{"", []string{"user", "list", ""}, "the user name cannot be empty"},
	} {
		r := run(t, admin, tc.stdin, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.err) || r.stdout != "" {
			t.Errorf("kctl %s: exit %d, stdout %q, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), r.code, r.stdout, r.stderr, tc.err)
		}
		if strings.Contains(r.stderr, "secret") {
			t.Errorf("the password was echoed: %q", r.stderr)
		}
	}
	if got := users(t, admin); !reflect.DeepEqual(got, before) {
		t.Errorf("bad input changed the users: %+v, was %+v", got, before)
	}
}

// TestUserNotAuthorized: a user without cluster rights is told what it
// needs, exit 1.
func TestUserNotAuthorized(t *testing.T) {
	t.Parallel()
	c, admin := testkit.SCRAMCluster(t, adminPassword)
	if r := run(t, admin, "pw-of-erin", "user", "upsert", "erin", "--mechanism", "SCRAM-SHA-512", "--password-stdin"); r.code != 0 {
		t.Fatal(r)
	}
	erin := testkit.SCRAMSettings(c.Addrs, "erin", "pw-of-erin")
	r := run(t, erin, "", "user", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "not authorized to describe SCRAM credentials: User:erin needs Describe on the cluster (or to be a super user)") {
		t.Errorf("list: %+v", r)
	}
	r = run(t, erin, "x", "user", "upsert", "erin", "--mechanism", "SCRAM-SHA-512", "--password-stdin")
	if r.code != 1 || !strings.Contains(r.stderr, "User:erin needs Alter on the cluster") {
		t.Errorf("upsert: %+v", r)
	}
}

// TestUserUnreachable: a closed port fails within the timeout, exit 1.
func TestUserUnreachable(t *testing.T) {
	t.Parallel()
	addr := testkit.ClosedAddr(t)
	s := config.Settings{Brokers: []string{addr}, SecurityProtocol: config.Plaintext, Timeout: 3 * time.Second}
	for _, tc := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"user", "list"}},
		{"pw", []string{"user", "upsert", "x", "--mechanism", "SCRAM-SHA-512", "--password-stdin"}},
		{"", []string{"user", "delete", "x", "--mechanism", "SCRAM-SHA-512"}},
	} {
		// "connection refused" is the proof that nothing waited for the
		// timeout (a wall-time bound would only measure the machine's load).
		r := run(t, s, tc.stdin, tc.args...)
		if r.code != 1 || !strings.Contains(r.stderr, "broker "+addr+": connection refused") || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tc.args, r.code, r.stdout, r.stderr)
		}
	}
}
