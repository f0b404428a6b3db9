package group_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// group describe prints kafka-consumer-groups.sh's --state and --members
// --verbose columns, in Kafka's order and names, the assignment as
// topic(0,1), and a COORDINATOR cell in one word, so awk column numbers
// hold; --state/--members print one table.
func TestGroupDescribeColumnsLikeKafka(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	ctx := context.Background()
	for _, tp := range []struct {
		name  string
		parts int32
	}{{"col-a", 3}, {"col-b", 1}} {
		if err := c.CreateTopic(ctx, tp.name, tp.parts, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.JoinMember(ctx, "col-g", "col-a", "col-b"); err != nil {
		t.Fatal(err)
	}
	s := testkit.Settings(c)
	coord := fmt.Sprintf("%d@%s", c.Kfake.CoordinatorFor("col-g"), c.Addrs[0])

	r := run(t, s, "group", "describe", "col-g")
	blocks := strings.SplitN(r.out, "\n\n", 2)
	if r.code != 0 || len(blocks) != 2 {
		t.Fatalf("exit %d\n%s%s", r.code, r.out, r.err)
	}
	state := strings.Split(strings.TrimSpace(blocks[0]), "\n")
	if got := strings.Fields(state[0]); strings.Join(got, " ") != "GROUP COORDINATOR ASSIGNMENT-STRATEGY STATE #MEMBERS TYPE PROTOCOL-TYPE" {
		t.Errorf("state header %q", state[0])
	}
	if got := strings.Join(strings.Fields(state[1]), " "); got != "col-g "+coord+" cooperative-sticky Stable 1 classic consumer" {
		t.Errorf("state row %q", got)
	}
	members := strings.Split(strings.TrimSpace(blocks[1]), "\n")
	if got := strings.Join(strings.Fields(members[0]), " "); got != "GROUP CONSUMER-ID GROUP-INSTANCE-ID HOST CLIENT-ID #PARTITIONS ASSIGNMENT" {
		t.Errorf("members header %q", members[0])
	}
	f := strings.Fields(members[1])
	if len(f) != 7 || f[0] != "col-g" || !strings.HasPrefix(f[1], "demo-consumer-") || f[2] != "-" || !strings.HasPrefix(f[3], "127.0.0.1:") ||
		f[4] != "demo-consumer" || f[5] != "4" || f[6] != "col-a(0,1,2),col-b(0)" {
		t.Errorf("member row %q", f)
	}

	if r := run(t, s, "group", "describe", "col-g", "--state"); r.code != 0 || r.out != blocks[0]+"\n" {
		t.Errorf("--state: exit %d\n%q\nwant %q", r.code, r.out, blocks[0]+"\n")
	}
	if r := run(t, s, "group", "describe", "col-g", "--members"); r.code != 0 || r.out != blocks[1] {
		t.Errorf("--members: exit %d\n%q\nwant %q", r.code, r.out, blocks[1])
	}
	if r := run(t, s, "group", "describe", "col-g", "--members", "--state"); r.code != 2 || r.out != "" {
		t.Errorf("--members --state: exit %d %q", r.code, r.err)
	}
	// group list's COORDINATOR is the same one word.
	if r := run(t, s, "group", "list"); !strings.HasSuffix(strings.TrimSpace(r.out), " "+coord) {
		t.Errorf("group list:\n%s", r.out)
	}
}
