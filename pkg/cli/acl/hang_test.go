package acl_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestBrokerStopsAnswering: a broker that accepts the connection and the
// metadata but never answers the ACL request fails the command at
// --timeout with exit 1, naming the request and the broker, and no change
// is reported as done.
func TestBrokerStopsAnswering(t *testing.T) {
	t.Parallel()
	s := startSecure(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // before the cluster closes
	for _, key := range []kmsg.Key{kmsg.DescribeACLs, kmsg.CreateACLs} {
		s.c.Kfake.ControlKey(int16(key), func(kmsg.Request) (kmsg.Response, error, bool) {
			s.c.Kfake.KeepControl()
			s.c.Kfake.SleepControl(func() { <-release })
			return nil, fmt.Errorf("dropped"), true
		})
	}
	// 3s, not less: the command first connects with SCRAM-SHA-512, which
	// under -race on a loaded 2-core machine can take most of a second, and
	// Connect keeps a quarter of --timeout for its diagnosis probe.
	settings := s.admin
	settings.Timeout = 3 * time.Second
	addr := s.c.Addrs[0]
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"acl", "list"}, "describe ACLs"},
		{[]string{"acl", "explain", "--principal", alice, "--operation", "Read", "--topic", "orders"}, "describe ACLs"},
		{[]string{"acl", "delete", "--principal", alice, "--yes"}, "describe ACLs"},
		{[]string{"acl", "add", "--allow-principal", alice, "--operation", "Read", "--topic", "orders"}, "create ACLs"},
	} {
		t.Run(tc.args[1], func(t *testing.T) {
			t.Parallel() // each waits out --timeout
			r := run(t, settings, "", tc.args...)
			want := "Error: " + tc.err + " on " + addr + ": no answer within the timeout (--timeout)\n"
			if r.code != 1 || r.stderr != want || r.stdout != "" {
				t.Errorf("kctl %s: exit %d, stdout %q, stderr %q; want exit 1 and %q", strings.Join(tc.args, " "), r.code, r.stdout, r.stderr, want)
			}
		})
	}
}
