package check_test

import (
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// check connectivity reads at 80 columns: one line per step
// (STEP STATUS TIME SUMMARY), and under a failed step its detail (when the
// summary had to cut it) and hint as indented lines. Rows were 165-340
// characters wide.
func TestCheckReadableAt80Columns(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	closed := testkit.ClosedAddr(t)
	r := clitest.Run(t, "", "--brokers", c.Addrs[0]+","+closed, "--timeout", "5s", "check", "connectivity")
	if r.Code != 2 {
		t.Fatalf("exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	for i, l := range strings.Split(r.Stdout, "\n") {
		if len(l) > 80 {
			t.Errorf("line %d is %d columns: %q", i, len(l), l)
		}
	}
	want := "Bootstrap " + closed + ": FAIL\n" +
		"STEP          STATUS  TIME   SUMMARY\n" +
		"dns           PASS    "
	if !strings.Contains(r.Stdout, want) {
		t.Errorf("no failing target block:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stdout, " connection refused\n    hint:   nothing listens on "+closed+": is the broker up and the port\n            right?\n") {
		t.Errorf("no indented hint under the failed tcp step:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stdout, "api-versions  PASS    ") || !strings.Contains(r.Stdout, "...\n") {
		t.Errorf("long details are not cut to a summary:\n%s", r.Stdout)
	}
	// Passing steps get no detail lines; every indented line follows a
	// FAIL or WARN step.
	prev := ""
	for _, l := range strings.Split(r.Stdout, "\n") {
		if strings.HasPrefix(l, "    ") {
			if !strings.Contains(prev, " FAIL ") && !strings.Contains(prev, " WARN ") && !strings.HasPrefix(prev, "    ") {
				t.Errorf("indented line under %q", prev)
			}
		}
		prev = l
	}
}
