package cli_test

import (
	"context"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// TAB completes topic and group names from the cluster, for positional
// arguments and --topic/--group flags; a cluster that cannot be reached, or
// never answers, completes nothing, prints nothing on stdout but cobra's
// directive, and costs at most the completion's short timeout.
func TestCompleteTopicAndGroupNames(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	ctx := context.Background()
	for _, n := range []string{"cmp-orders", "cmp-other", "zz-last"} {
		if err := c.CreateTopic(ctx, n, 1, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []string{"cmp-billing", "cmp-shipping"} {
		if err := c.Commit(ctx, g, "cmp-orders", map[int32]int64{0: 0}); err != nil {
			t.Fatal(err)
		}
	}
	b := []string{"--brokers", c.Addrs[0]}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "topic", "describe", "cmp-"}, "cmp-orders\ncmp-other\n:4\n"},
		{[]string{"__complete", "topic", "describe", "cmp-orders", "cmp-"}, "cmp-other\n:4\n"},
		{[]string{"__complete", "topic", "delete", "z"}, "zz-last\n:4\n"},
		{[]string{"__complete", "topic", "config", "get", ""}, "cmp-orders\ncmp-other\nzz-last\n:4\n"},
		{[]string{"__complete", "topic", "config", "set", "cmp-orders", ""}, ":4\n"},
		{[]string{"__complete", "group", "describe", ""}, "cmp-billing\ncmp-shipping\n:4\n"},
		{[]string{"__complete", "lag", "describe", "--group", "cmp-s"}, "cmp-shipping\n:4\n"},
		{[]string{"__complete", "offsets", "reset", "--group", "cmp-billing", "--topic", "cmp-o"}, "cmp-orders\ncmp-other\n:4\n"},
		{[]string{"__complete", "group", "delete-offsets", "cmp-billing", "--topic", "zz"}, "zz-last\n:4\n"},
	} {
		if r := clitest.Run(t, "", append(b, tc.args...)...); r.Code != 0 || r.Stdout != tc.want {
			t.Errorf("%v: exit %d, stdout %q, want %q", tc.args, r.Code, r.Stdout, tc.want)
		}
	}
	for _, addr := range []string{testkit.ClosedAddr(t), testkit.SilentListener(t)} {
		start := time.Now()
		r := clitest.Run(t, "", "--brokers", addr, "__complete", "topic", "describe", "")
		if d := time.Since(start); r.Code != 0 || r.Stdout != ":4\n" || d > 6*time.Second {
			t.Errorf("%s: exit %d, stdout %q after %v", addr, r.Code, r.Stdout, d)
		}
	}
}
