package cli_test

import (
	"context"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// Empty results are the same everywhere: the table's header on stdout
// (none with --no-headers), one line on stderr saying why, exit 0; JSON
// gets an empty list and no note.
func TestEmptyResultsHeaderAndNote(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "e-one", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args           []string
		stdout, stderr string
	}{
		{[]string{"group", "list"}, "GROUP  STATE  TYPE  PROTOCOL  MEMBERS  COORDINATOR\n", "No consumer group exists.\n"},
		{[]string{"group", "list", "--state", "Dead"}, "GROUP  STATE  TYPE  PROTOCOL  MEMBERS  COORDINATOR\n", "No consumer group matches --state Dead.\n"},
		{[]string{"topic", "list", "--pattern", "zzz"}, "TOPIC  PARTITIONS  REPLICATION-FACTOR  UNDER-REPLICATED  OFFLINE\n", "No topic matches --pattern 'zzz'.\n"},
		{[]string{"topic", "list", "--pattern", "zzz", "--no-headers"}, "", "No topic matches --pattern 'zzz'.\n"},
		{[]string{"topic", "describe", "--pattern", "zzz"}, "", "No topic matches --pattern 'zzz'.\n"},
		{[]string{"topic", "describe", "--under-replicated-partitions"}, "TOPIC  PARTITION  LEADER  REPLICAS  ISR  OFFLINE-REPLICAS  STATUS\n", "No partitions match.\n"},
		{[]string{"lag", "describe", "--all-groups"}, "GROUP  TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST  CLIENT-ID\n", "No consumer group exists.\n"},
		{[]string{"group", "list", "-o", "json"}, "{\n  \"groups\": []\n}\n", ""},
	} {
		r := clitest.Run(t, "", append([]string{"--brokers", c.Addrs[0]}, tc.args...)...)
		if r.Code != 0 || r.Stdout != tc.stdout || r.Stderr != tc.stderr {
			t.Errorf("kctl %v: exit %d\nstdout %q\nstderr %q\nwant\nstdout %q\nstderr %q", tc.args, r.Code, r.Stdout, r.Stderr, tc.stdout, tc.stderr)
		}
	}
}
