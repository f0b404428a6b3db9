package offsets_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/kafka/kafkatest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
)

// Two real sarama consumer-group members (what applications run) keep g1
// Stable while kctl runs. --execute refuses the group, naming its state and
// every member's client id and host, exits 1, writes no undo file and
// commits nothing (read back independently); the dry run says the same.
func TestResetRefusesSaramaMembers(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, id := range []string{"billing-app-1", "billing-app-2"} {
		m, err := kafkatest.JoinGroup(ctx, c.Addrs, "g1", id, "orders")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(m.Close)
	}
	info, err := c.Kfake.WaitGroupStable(ctx, "g1", 2)
	if err != nil {
		t.Fatal(err)
	}
	// Kafka lists members by member id; so does kctl.
	var who []string
	for _, m := range info.Members {
		who = append(who, fmt.Sprintf("client-id %s on host %s", m.ClientID, m.ClientHost))
	}
	if len(who) != 2 || !strings.HasPrefix(info.Members[0].ClientID, "billing-app-") || info.Members[0].ClientHost == "" {
		t.Fatalf("members %+v", info.Members)
	}
	refusal := `Assignments can only be reset if the group 'g1' is inactive, but the current state is Stable. It has 2 members: ` +
		strings.Join(who, ", ") + ". Stop them, or wait for them to leave; nothing will be changed for this group"
	assertCommitted(t, c, "g1", g1Start)

	undo := filepath.Join(t.TempDir(), "undo.csv")
	r := run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders", "--to-earliest", "--execute", "--undo-file", undo, "-o", "json")
	if r.Code != 1 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	wantErr := "Error: " + refusal + "\nNothing to apply.\nError: 1 of 1 groups could not be reset as planned (see above)\n"
	if r.Stderr != wantErr {
		t.Fatalf("stderr\n got %q\nwant %q", r.Stderr, wantErr)
	}
	v := parseView(t, r)
	if len(v.Groups) != 1 {
		t.Fatalf("view %+v", v)
	}
	g := v.Groups[0]
	if g.Group != "g1" || g.State != "Stable" || g.Executed || g.Error == nil || *g.Error != refusal || v.UndoFile != nil {
		t.Fatalf("view %+v", g)
	}
	if _, err := os.Stat(undo); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("an undo file was written for a refused group: %v", err)
	}
	assertCommitted(t, c, "g1", g1Start)

	// The dry run refuses too (exit 1) and still shows the plan.
	r = run(t, c, "offsets", "reset", "-g", "g1", "-t", "orders:0", "--to-earliest")
	if r.Code != 1 || r.Stdout != "GROUP  TOPIC   PARTITION  CURRENT-OFFSET  NEW-OFFSET  LAG-AFTER\ng1     orders  0          1               0           5\n" ||
		!strings.Contains(r.Stderr, "Error: "+refusal+"\n") {
		t.Fatalf("dry run: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	assertCommitted(t, c, "g1", g1Start)

	// The members were there all along: the same two, still Stable.
	after := c.Kfake.GroupInfo("g1")
	if after == nil || after.State != "Stable" || len(after.Members) != 2 ||
		after.Members[0].MemberID != info.Members[0].MemberID || after.Members[1].MemberID != info.Members[1].MemberID {
		t.Fatalf("group after kctl: %+v", after)
	}
}
