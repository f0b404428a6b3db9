package offsets_test

import (
	"testing"
	"time"

	cliofs "github.com/kctl-dev/kctl/pkg/cli/offsets"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/offsets"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// Flag parsing and spec resolution, without a cluster (runF captures).
func TestResetFlagsResolve(t *testing.T) {
	t.Parallel()
	start := time.Now()
	cases := []struct {
		args []string
		want offsets.Spec
	}{
		{[]string{"--to-datetime", "2026-11-25T11:00", "--timezone", "Europe/Paris"}, offsets.Spec{Kind: offsets.ToDatetime, Timestamp: 1795600800000}},
		{[]string{"--by-duration", "P1DT2H"}, offsets.Spec{Kind: offsets.ByDuration}},
		{[]string{"--to-offset", "0"}, offsets.Spec{Kind: offsets.ToOffset}},
		{[]string{"--shift-by", "-5"}, offsets.Spec{Kind: offsets.ShiftBy, Shift: -5}},
		{[]string{"--to-earliest"}, offsets.Spec{Kind: offsets.ToEarliest}},
		{[]string{"--to-latest"}, offsets.Spec{Kind: offsets.ToLatest}},
		{[]string{"--to-current"}, offsets.Spec{Kind: offsets.ToCurrent}},
	}
	for _, tc := range cases {
		f, _ := testkit.Factory(t, config.Settings{}, "")
		var got *cliofs.ResetOptions
		cmd := cliofs.NewCmdReset(f, func(o *cliofs.ResetOptions) error { got = o; return nil })
		cmd.SetArgs(append([]string{"-g", "b", "-g", "a", "-g", "a", "-t", "orders:2,0", "-t", "orders:1", "-t", "audit"}, tc.args...))
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got.Spec.Kind == offsets.ByDuration {
			// now minus 26h, whole milliseconds
			lo, hi := start.Add(-26*time.Hour).UnixMilli(), time.Now().Add(-26*time.Hour).UnixMilli()
			if got.Spec.Timestamp < lo || got.Spec.Timestamp > hi || got.Instant == nil || got.Instant.Time.Nanosecond()%1e6 != 0 {
				t.Errorf("by-duration timestamp %d not in [%d, %d]", got.Spec.Timestamp, lo, hi)
			}
			got.Spec.Timestamp = 0
		}
		if got.Spec != tc.want {
			t.Errorf("%v: spec %+v, want %+v", tc.args, got.Spec, tc.want)
		}
		if len(got.Groups) != 2 || got.Groups[0] != "a" || len(got.Scopes) != 2 || got.Scopes[0].Topic != "audit" || len(got.Scopes[1].Partitions) != 3 {
			t.Errorf("%v: groups %v scopes %+v", tc.args, got.Groups, got.Scopes)
		}
	}
}
