package user_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/testkit"
)

// TestUserBrokerStopsAnswering: a broker that never answers the SCRAM
// request fails the command at --timeout with exit 1, naming the request
// and the broker, and never printing the password.
func TestUserBrokerStopsAnswering(t *testing.T) {
	t.Parallel()
	c, admin := testkit.SCRAMCluster(t, adminPassword)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // before the cluster closes
	for _, key := range []kmsg.Key{kmsg.DescribeUserSCRAMCredentials, kmsg.AlterUserSCRAMCredentials} {
		c.Kfake.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
			c.Kfake.KeepControl()
			c.Kfake.SleepControl(func() { <-release })
			return nil, fmt.Errorf("dropped"), true
		})
	}
	admin.Timeout = time.Second
	addr := c.Addrs[0]
	const pw = "hung-pw-not-in-output"
	for _, tc := range []struct {
		stdin string
		args  []string
		what  string
	}{
		{"", []string{"user", "list"}, "describe SCRAM users"},
		{pw, []string{"-v", "user", "upsert", "dave", "--mechanism", "SCRAM-SHA-512", "--password-stdin"}, "set the SCRAM-SHA-512 credential of user dave"},
		{"", []string{"user", "delete", "dave", "--mechanism", "SCRAM-SHA-512"}, "delete the SCRAM-SHA-512 credential of user dave"},
	} {
		r := run(t, admin, tc.stdin, tc.args...)
		want := "Error: " + tc.what + " on " + addr + ": no answer within the timeout (--timeout)\n"
		// With -v the trace surrounds the error line.
		ok := r.stderr == want || (tc.args[0] == "-v" && strings.Contains(r.stderr, "\n"+want))
		if r.code != 1 || !ok || r.stdout != "" {
			t.Errorf("kctl %s: exit %d, stdout %q, stderr %q; want exit 1 and %q", strings.Join(tc.args, " "), r.code, r.stdout, r.stderr, want)
		}
		if strings.Contains(r.stderr, pw) || strings.Contains(r.stderr, adminPassword) {
			t.Errorf("a password was printed: %q", r.stderr)
		}
	}
}
