package offsets_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	cliofs "github.com/kctl-dev/kctl/pkg/cli/offsets"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// TestOffsetsGet checks every --time form against the fixture's record
// timestamps, in the table and in JSON.
func TestOffsetsGet(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{})

	r := run(t, c, "offsets", "get", "orders", "events")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	want := [][]string{{"events", "0", "10"}, {"orders", "0", "5"}, {"orders", "1", "3"}, {"orders", "2", "0"}}
	if got := clitest.TableRows(r.Stdout); !reflect.DeepEqual(got, want) {
		t.Fatalf("latest: %q, want %q", got, want)
	}

	r = run(t, c, "offsets", "get", "events", "orders", "--time", "earliest", "-o", "json")
	var rows []cliofs.GetRow
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil || r.Code != 0 {
		t.Fatalf("exit %d, %v: %s %s", r.Code, err, r.Stdout, r.Stderr)
	}
	offs := map[string]int64{}
	for _, row := range rows {
		if row.Offset == nil || row.Timestamp != nil || row.TimestampMs != nil || row.Error != nil {
			t.Fatalf("earliest row %+v", row)
		}
		offs[row.Topic+"/"+string(rune('0'+row.Partition))] = *row.Offset
	}
	if want := map[string]int64{"events/0": 4, "orders/0": 0, "orders/1": 0, "orders/2": 0}; !reflect.DeepEqual(offs, want) {
		t.Fatalf("earliest %v, want %v", offs, want)
	}

	// base+1m30s: orders p0's first record at or after it is offset 2
	// (base+2m), p1's is offset 1 (base+2m); p2 has none. In Paris
	// (UTC+1 in November) the same instant is 11:01:30.
	for _, args := range [][]string{
		{"--time", "2026-11-25T10:01:30Z"},
		{"--time", "2026-11-25T11:01:30", "--timezone", "Europe/Paris"},
		{"--time", "1795600890000"},
	} {
		r = run(t, c, append([]string{"offsets", "get", "orders"}, args...)...)
		want := [][]string{
			{"orders", "0", "2", "2026-11-25T10:02:00.000Z"}, {"orders", "1", "1", "2026-11-25T10:02:00.000Z"}, {"orders", "2", "-", "-"}}
		if got := clitest.TableRows(r.Stdout); r.Code != 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%v: exit %d %q, want %q; stderr %s", args, r.Code, got, want, r.Stderr)
		}
		if !strings.Contains(r.Stderr, "Offsets for 2026-11-25T10:01:30.000Z") || !strings.Contains(r.Stderr, "1 partitions have no record at or after that time") {
			t.Fatalf("%v: stderr %q", args, r.Stderr)
		}
	}

	r = run(t, c, "offsets", "get", "orders", "-p", "1", "--time", "2026-11-25T10:04:00Z", "-o", "json")
	rows = nil
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
		t.Fatal(err, r.Stdout)
	}
	ts := time.Date(2026, 11, 25, 10, 4, 0, 0, time.UTC).UnixMilli()
	if len(rows) != 1 || rows[0].Offset == nil || *rows[0].Offset != 2 || rows[0].TimestampMs == nil || *rows[0].TimestampMs != ts || rows[0].Timestamp == nil || *rows[0].Timestamp != "2026-11-25T10:04:00.000Z" {
		t.Fatalf("rows %s", r.Stdout)
	}

	// A time after every record: null offsets.
	r = run(t, c, "offsets", "get", "orders", "-p", "0", "--time", "2026-11-26", "-o", "json")
	if r.Code != 0 || !strings.Contains(r.Stdout, `"offset": null`) {
		t.Fatalf("exit %d %s", r.Code, r.Stdout)
	}
}

func TestOffsetsGetErrors(t *testing.T) {
	t.Parallel()
	c := fixture(t, sandbox.Options{Brokers: 1})
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"offsets", "get"}, 2, "needs at least one topic name"},
		{[]string{"offsets", "get", "orders", "--time", "yesterday"}, 2, `invalid --time "yesterday"`},
		{[]string{"offsets", "get", "orders", "--isolation", "snapshot"}, 2, "invalid --isolation"},
		{[]string{"offsets", "get", "orders", "-p", "-1"}, 2, "partitions are numbered from 0"},
		{[]string{"offsets", "get", "nope"}, 1, `topic "nope" does not exist`},
		{[]string{"offsets", "get", "orders", "-p", "7"}, 1, `topic "orders" has no partition 7 (it has 3: 0-2)`},
	} {
		r := run(t, c, tc.args...)
		if r.Code != tc.code || !strings.Contains(r.Stderr, tc.msg) || r.Stdout != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit %d and %q", tc.args, r.Code, r.Stderr, r.Stdout, tc.code, tc.msg)
		}
	}
	// An unreachable cluster: a bounded wait and the broker named.
	addr := testkit.ClosedAddr(t)
	r := clitest.Run(t, "", "--brokers", addr, "--timeout", "2s", "offsets", "get", "orders")
	if r.Code != 1 || !strings.Contains(r.Stderr, addr) {
		t.Fatalf("unreachable: exit %d %q", r.Code, r.Stderr)
	}
}
