package partitions_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kctl-dev/kctl/pkg/reassign"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// BenchmarkOpsPlans reports the request plans of elect-leaders --execute
// (600 partitions to elect), reassign --verify (600 partitions) and broker
// log-dirs (3 brokers), counted on the sandbox's request counter (the
// Metadata read at connect included).
func BenchmarkOpsPlans(b *testing.B) {
	var ps []reassign.Partition
	for p := int32(0); p < 600; p++ {
		ps = append(ps, part("ops-b", p, (p+1)%3, []int32{p % 3, (p + 1) % 3}, []int32{p % 3, (p + 1) % 3}))
	}
	c := testkit.Cluster(b, sandbox.Options{Brokers: 3, Count: true})
	if err := c.CreateTopic(b.Context(), "ops-b", 600, 1, nil); err != nil {
		b.Fatal(err)
	}
	layout(b, c, nil, ps)
	var plan []string
	for p := 0; p < 600; p++ {
		plan = append(plan, fmt.Sprintf(`{"topic":"ops-b","partition":%d,"replicas":[%d,%d]}`, p, (p+1)%3, (p+2)%3))
	}
	f := filepath.Join(b.TempDir(), "plan.json")
	if err := os.WriteFile(f, []byte(`{"version":1,"partitions":[`+join(plan)+`]}`), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"elect-execute", []string{"partitions", "elect-leaders", "--all-topic-partitions", "--execute"}, 0},
		{"reassign-verify", []string{"partitions", "reassign", "--plan", f, "--verify"}, 1},
		{"log-dirs", []string{"broker", "log-dirs"}, 0},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var counts map[string]int
			for i := 0; i < b.N; i++ {
				c.Counter.Reset()
				r := run(b, c, tc.args...)
				if r.Code != tc.code {
					b.Fatalf("exit %d: %s", r.Code, r.Stderr)
				}
				counts = c.Counter.Counts()
			}
			total := 0
			for _, n := range counts {
				total += n
			}
			b.ReportMetric(float64(total), "requests/op")
			b.ReportMetric(float64(total-counts["Metadata"]), "requests-beyond-metadata/op")
		})
	}
}

func join(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}
