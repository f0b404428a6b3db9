package cli_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// Unknown or conflicting output flags are usage errors, before anything is
// sent: exit 2, or 3 (UNKNOWN) for the check commands. -o wide was
// accepted silently (and never documented); health -o yaml --format nagios
// printed nagios.
func TestOutputFlagsAreUsageErrors(t *testing.T) {
	addr := testkit.ClosedAddr(t) // nothing is dialled before the flags are checked
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"topic", "list", "-o", "wide"}, 2, "", "Error: unknown output format \"wide\": use table, json or yaml\n"},
		{[]string{"version", "-o", "wide"}, 2, "", "Error: unknown output format \"wide\": use table, json or yaml\n"},
		{[]string{"context", "list", "-o", "xml"}, 2, "", "Error: unknown output format \"xml\": use table, json or yaml\n"},
		{[]string{"health", "-o", "wide"}, 3, "", "Error: unknown output format \"wide\": use table, json or yaml\n"},
		{[]string{"health", "-o", "yaml", "--format", "nagios"}, 3,
			"KAFKA UNKNOWN - conflicting output flags: -o yaml and --format nagios (use one of them)\n",
			"Error: conflicting output flags: -o yaml and --format nagios (use one of them)\n"},
		{[]string{"health", "-o", "json", "--format", "prometheus"}, 3, "",
			"Error: conflicting output flags: -o json and --format prometheus (use one of them)\n"},
		{[]string{"topic", "audit", "-o", "wide"}, 3, "", "Error: unknown output format \"wide\": use table, json or yaml\n"},
	} {
		r := clitest.Run(t, "", append([]string{"--brokers", addr, "--timeout", "2s"}, tc.args...)...)
		if r.Code != tc.code || r.Stdout != tc.stdout || r.Stderr != tc.stderr {
			t.Errorf("kctl %v: exit %d\nstdout %q\nstderr %q\nwant exit %d %q %q", tc.args, r.Code, r.Stdout, r.Stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
	// Agreeing flags are fine: -o json --format json is JSON.
	if r := clitest.Run(t, "", "--brokers", addr, "--timeout", "2s", "health", "-o", "json", "--format", "json"); r.Code != 3 || r.Stdout == "" || r.Stdout[0] != '{' {
		t.Errorf("-o json --format json: exit %d %q", r.Code, r.Stdout)
	}
}

// Tables are plain unless asked: --table-style box, KCTL_TABLE_STYLE or
// table-style in the config file (the flag wins); a bad style is a usage
// error.
func TestTableStyle(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "styled", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) clitest.Result {
		return clitest.Run(t, "", append([]string{"--brokers", c.Addrs[0], "topic", "list"}, args...)...)
	}
	plain := "TOPIC   PARTITIONS  REPLICATION-FACTOR  UNDER-REPLICATED  OFFLINE\nstyled  1           1                   0                 0\n"
	if r := run(); r.Code != 0 || r.Stdout != plain {
		t.Fatalf("default: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	isBox := func(s string) bool { return strings.Contains(s, "│") && strings.Contains(s, "styled") }
	if r := run("--table-style", "box"); r.Code != 0 || !isBox(r.Stdout) {
		t.Errorf("--table-style box: exit %d\n%s", r.Code, r.Stdout)
	}
	if err := os.WriteFile(clitest.ConfigPath(t), []byte("table-style: box\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(); r.Code != 0 || !isBox(r.Stdout) {
		t.Errorf("config table-style box: exit %d\n%s", r.Code, r.Stdout)
	}
	if r := run("--table-style", "plain"); r.Code != 0 || r.Stdout != plain {
		t.Errorf("the flag beats the config file: exit %d\n%s", r.Code, r.Stdout)
	}
	t.Setenv("KCTL_TABLE_STYLE", "plain")
	if r := run(); r.Code != 0 || r.Stdout != plain {
		t.Errorf("KCTL_TABLE_STYLE beats the config file: exit %d\n%s", r.Code, r.Stdout)
	}
	if r := run("--table-style", "fancy"); r.Code != 2 || r.Stderr != "Error: unknown table style \"fancy\": use plain or box\n" {
		t.Errorf("bad style: exit %d %q", r.Code, r.Stderr)
	}
}
