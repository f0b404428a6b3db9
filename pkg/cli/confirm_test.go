package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli"
	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/output"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// at runs kctl as a person at a terminal who answers the prompt with answer.
func at(t *testing.T, answer string, args ...string) clitest.Result {
	t.Helper()
	var out, errOut bytes.Buffer
	s := &output.Streams{In: strings.NewReader(answer), Out: &out, ErrOut: &errOut, Interactive: true}
	code := cli.Run(context.Background(), s, append([]string{"--config", clitest.ConfigPath(t)}, args...))
	return clitest.Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// --yes means one thing everywhere: skip the confirmation. At a terminal a
// destructive command asks; "n" exits 0 with "Nothing was changed." (offsets
// reset exited 1; topic, group and ACL delete only refused with exit 2);
// without a terminal and without --yes it refuses with exit 2 as before.
// group delete-offsets writes an undo file first, which offsets reset
// --from-file restores.
func TestConfirmationAndDeleteOffsetsUndo(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "cf-t", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Produce(ctx, "cf-t", []sandbox.Record{{Partition: 0, Value: "a"}, {Partition: 0, Value: "b"}, {Partition: 1, Value: "c"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Commit(ctx, "cf-g", "cf-t", map[int32]int64{0: 2, 1: 1}); err != nil {
		t.Fatal(err)
	}
	b := []string{"--brokers", c.Addrs[0]}
	topics := func() string { return clitest.Run(t, "", append(b, "topic", "list", "--no-headers")...).Stdout }

	r := at(t, "n\n", append(b, "topic", "delete", "cf-t")...)
	if r.Code != 0 || !strings.HasSuffix(r.Stderr, "Delete 1 topic and their data? [y/N] Nothing was changed.\n") || !strings.Contains(topics(), "cf-t") {
		t.Errorf("topic delete, n: exit %d %q", r.Code, r.Stderr)
	}
	r = at(t, "n\n", append(b, "offsets", "reset", "--group", "cf-g", "--topic", "cf-t", "--to-earliest", "--execute")...)
	if r.Code != 0 || !strings.HasSuffix(r.Stderr, "Commit these offsets for 2 partitions of 1 groups? [y/N] Nothing was changed.\n") {
		t.Errorf("offsets reset, n: exit %d %q", r.Code, r.Stderr)
	}
	r = at(t, "n\n", append(b, "group", "delete", "cf-g")...)
	if r.Code != 2 {
		// cf-g is Empty with commits: deletable, so it asks.
		if r.Code != 0 || !strings.HasSuffix(r.Stderr, "[y/N] Nothing was changed.\n") {
			t.Errorf("group delete, n: exit %d %q", r.Code, r.Stderr)
		}
	}
	// No terminal, no --yes: the refusal, exit 2, as before.
	if r := clitest.Run(t, "", append(b, "topic", "delete", "cf-t")...); r.Code != 2 || !strings.Contains(topics(), "cf-t") {
		t.Errorf("topic delete without a terminal: exit %d", r.Code)
	}

	// delete-offsets: the undo file first, and it restores.
	undo := filepath.Join(t.TempDir(), "undo.csv")
	r = clitest.Run(t, "", append(b, "group", "delete-offsets", "cf-g", "--topic", "cf-t", "--undo-file", undo)...)
	if r.Code != 0 || !strings.Contains(r.Stderr, "Undo file: "+undo+" (restore with: kctl offsets reset --from-file "+undo+" --execute)") {
		t.Fatalf("delete-offsets: exit %d %q", r.Code, r.Stderr)
	}
	if got, _ := os.ReadFile(undo); string(got) != "cf-g,cf-t,0,2\ncf-g,cf-t,1,1\n" {
		t.Errorf("undo file %q", got)
	}
	lag := func() string {
		return clitest.Run(t, "", append(b, "lag", "describe", "--group", "cf-g", "--no-headers")...).Stdout
	}
	if strings.Contains(lag(), "cf-t") {
		t.Fatalf("offsets not deleted:\n%s", lag())
	}
	if r := clitest.Run(t, "", append(b, "offsets", "reset", "--from-file", undo, "--execute")...); r.Code != 0 {
		t.Fatalf("restore: exit %d %s", r.Code, r.Stderr)
	}
	rows := clitest.TableRows("H\n" + lag())
	if len(rows) != 2 || rows[0][3] != "2" || rows[1][3] != "1" {
		t.Errorf("restored offsets:\n%s", lag())
	}

	r = at(t, "y\n", append(b, "topic", "delete", "cf-t")...)
	if r.Code != 0 || strings.Contains(topics(), "cf-t") {
		t.Errorf("topic delete, y: exit %d %q", r.Code, r.Stderr)
	}
}
