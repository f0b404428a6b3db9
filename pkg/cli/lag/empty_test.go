package lag_test

import (
	"context"
	"testing"

	"github.com/kctl-dev/kctl/pkg/sandbox"
)

const header = "GROUP  TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST  CLIENT-ID\n"

// Nothing to show still prints the header, and one line on stderr says
// why; a member's partitions outside --topic are not rows (they showed up
// as "end offset not read" errors, exit 1).
func TestDescribeEmptyPrintsHeaderAndNote(t *testing.T) {
	t.Parallel()
	c, s := cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "other", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	commit(t, c, "billing", "t", map[int32]int64{0: 4})
	if _, err := c.JoinMember(context.Background(), "active", "t"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args           []string
		stdout, stderr string
	}{
		{[]string{"--group-pattern", "^orders-", "--topic", "t"}, header, "No consumer group matches --group-pattern '^orders-'.\n"},
		{[]string{"--group", "billing", "--topic", "other"}, header,
			"Consumer group 'billing' has no active members.\nConsumer group 'billing' has no committed offset and no assigned partition on topic other.\n"},
		{[]string{"--group", "active", "--topic", "other"}, header, "Consumer group 'active' has no committed offset and no assigned partition on topic other.\n"},
		{[]string{"--all-groups", "--topic", "other"}, header,
			"Consumer group 'billing' has no active members.\nNone of the 2 consumer groups has a committed offset or an assigned partition on topic other.\n"},
		{[]string{"--all-groups", "--min-lag", "1000"}, header, "No consumer group lags more than 1000 records (--min-lag).\n"},
		{[]string{"--group-pattern", "^orders-", "--summary"}, "GROUP  STATE  MEMBERS  TOPICS  PARTITIONS  TOTAL-LAG  MAX-LAG\n", "No consumer group matches --group-pattern '^orders-'.\n"},
		{[]string{"--group-pattern", "^orders-", "--no-headers"}, "", "No consumer group matches --group-pattern '^orders-'.\n"},
	} {
		r := run(t, s, append([]string{"lag", "describe"}, tc.args...)...)
		if r.code != 0 || r.out != tc.stdout || r.err != tc.stderr {
			t.Errorf("lag describe %v: exit %d\nstdout %q\nstderr %q\nwant\nstdout %q\nstderr %q", tc.args, r.code, r.out, r.err, tc.stdout, tc.stderr)
		}
	}
	// JSON: an empty list, no note.
	r := run(t, s, "lag", "describe", "--group-pattern", "^orders-", "-o", "json")
	if r.code != 0 || r.out != "{\n  \"groups\": []\n}\n" || r.err != "" {
		t.Errorf("json: exit %d %q %q", r.code, r.out, r.err)
	}
}
