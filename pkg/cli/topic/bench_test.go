package topic_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/cli/topic"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// bigCluster answers Metadata with nTopics x perTopic partitions (RF 3 over
// 3 brokers), one partition in every urpEvery under-replicated. The topics
// also exist in kfake (one real partition each) so DescribeConfigs answers
// for them: kfake would need minutes and gigabytes to hold 100,000 real
// partitions, and the client cannot tell the difference.
func bigCluster(b testing.TB, nTopics, perTopic, urpEvery int) *sandbox.Cluster {
	b.Helper()
	c := testkit.Cluster(b, sandbox.Options{Brokers: 3, Count: true})
	var ts []ctopic
	for i := 0; i < nTopics; i++ {
		name := fmt.Sprintf("topic-%03d", i)
		if err := c.CreateTopic(context.Background(), name, 1, 1, nil); err != nil {
			b.Fatal(err)
		}
		t := ctopic{name: name, parts: make([]cpart, perTopic)}
		for p := 0; p < perTopic; p++ {
			l := int32(p % 3)
			r := []int32{l, (l + 1) % 3, (l + 2) % 3}
			cp := cpart{leader: l, replicas: r, isr: r}
			if (i*perTopic+p)%urpEvery == 0 {
				cp.isr = r[:2]
			}
			t.parts[p] = cp
		}
		ts = append(ts, t)
	}
	craft(b, c, []cbroker{{id: 0}, {id: 1}, {id: 2}}, ts)
	return c
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// kctlBinary builds cmd/kctl once per test binary.
func kctlBinary(b testing.TB) string {
	b.Helper()
	buildOnce.Do(func() {
		// One fixed path, overwritten by every run: no binaries pile up.
		dir := filepath.Join(os.TempDir(), "kctl-topic-bench")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "kctl")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/kctl-dev/kctl/cmd/kctl").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return binPath
}

// BenchmarkDescribeURP100k runs the built binary, as a user would, on a
// cluster with 100,000 partitions (1,000 under-replicated): wall time and
// the process's peak RSS, plus the requests it sent (its own connect's
// Metadata included).
func BenchmarkDescribeURP100k(b *testing.B) {
	benchBinary(b, bigCluster(b, 10, 10_000, 100), 1001, "topic", "describe", "--under-replicated-partitions")
}

// BenchmarkDescribeURP100kJSON is the same with -o json.
func BenchmarkDescribeURP100kJSON(b *testing.B) {
	benchBinary(b, bigCluster(b, 10, 10_000, 100), -1000, "topic", "describe", "--under-replicated-partitions", "-o", "json")
}

// BenchmarkDescribeURP100kBrokerDown is the on-call case at its worst: a
// broker is out of every ISR on a cluster of 1,000 topics x 100 partitions,
// so all 100,000 partitions print and every topic needs min.insync.replicas
// in the one DescribeConfigs request.
func BenchmarkDescribeURP100kBrokerDown(b *testing.B) {
	benchBinary(b, bigCluster(b, 1000, 100, 1), 100_001, "topic", "describe", "--under-replicated-partitions")
}

// BenchmarkDescribeURP100kBrokerDownJSON is the same with -o json.
func BenchmarkDescribeURP100kBrokerDownJSON(b *testing.B) {
	benchBinary(b, bigCluster(b, 1000, 100, 1), -100_000, "topic", "describe", "--under-replicated-partitions", "-o", "json")
}

// benchBinary runs kctl args against c b.N times and reports wall time, the
// process's peak RSS and the requests of the last run. lines > 0: stdout
// must have that many lines; lines < 0: -lines partitions in the JSON.
func benchBinary(b *testing.B, c *sandbox.Cluster, lines int, args ...string) {
	bin := kctlBinary(b)
	cfg := filepath.Join(b.TempDir(), "config.yaml")
	var peak int64
	var wall time.Duration
	var counts map[string]int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Counter.Reset()
		cmd := exec.Command(bin, append([]string{"--brokers", c.Bootstrap(), "--config", cfg, "--timeout", "30s"}, args...)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		start := time.Now()
		kb, err := runPeakRSS(cmd)
		if err != nil {
			b.Fatalf("kctl: %v\n%s", err, errOut.String())
		}
		wall += time.Since(start)
		switch n := strings.Count(out.String(), "\n"); {
		case lines > 0 && n != lines:
			b.Fatalf("%d lines, want %d", n, lines)
		case lines < 0 && strings.Count(out.String(), `"partition":`) != -lines:
			b.Fatalf("%d partitions in the JSON, want %d", strings.Count(out.String(), `"partition":`), -lines)
		}
		peak = max(peak, kb)
		counts = c.Counter.Counts()
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/1024, "MB-peak-rss")
	b.ReportMetric(wall.Seconds()/float64(b.N), "s-wall/op")
	b.ReportMetric(float64(counts["Metadata"]), "metadata-requests/op")
	b.ReportMetric(float64(counts["DescribeConfigs"]), "describeconfigs-requests/op")
	b.ReportMetric(float64(counts["ListPartitionReassignments"]), "listpartitionreassignments-requests/op")
	b.ReportMetric(float64(c.Counter.RoundTrips()), "roundtrips/op")
}

// runPeakRSS runs cmd and returns its peak resident set in KiB. getrusage's
// ru_maxrss is no good here: Go starts children with vfork, and Linux folds
// the parent's high-water mark (this benchmark process, sandbox and all)
// into the child's at exec. The child's own mm keeps VmHWM in
// /proc/PID/status, a high-water mark, so polling it until exit loses at
// most the last millisecond's growth. Without /proc, ru_maxrss (an upper
// bound) is returned.
func runPeakRSS(cmd *exec.Cmd) (int64, error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	var hwm int64
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if hwm == 0 {
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					hwm = ru.Maxrss
				}
			}
			return hwm, err
		case <-tick.C:
			if kb := vmHWM(status); kb > hwm {
				hwm = kb
			}
		}
	}
}

func vmHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// BenchmarkDescribeURP100kInProcess runs the same plan in-process after
// connecting, so the counts are the command's own: the description is the
// Metadata read at connect, then 1 DescribeConfigs and, in parallel, 1
// ListPartitionReassignments for the 1,000 partitions whose ISR is short. Heap figures include the in-process sandbox, so the
// binary benchmark above is the memory figure that counts.
func BenchmarkDescribeURP100kInProcess(b *testing.B) {
	c := bigCluster(b, 10, 10_000, 100)
	var reqs, rts int
	var wall time.Duration
	for i := 0; i < b.N; i++ {
		f, io := testkit.Factory(b, testkit.Settings(c), "table")
		if _, err := f.Admin(context.Background()); err != nil {
			b.Fatal(err)
		}
		c.Counter.Reset()
		start := time.Now()
		if err := topic.RunDescribe(context.Background(), &topic.DescribeOptions{F: f, Filter: topics.Filter{UnderReplicated: true}}); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		if n := strings.Count(io.Out.String(), "\n"); n != 1001 {
			b.Fatalf("%d lines", n)
		}
		reqs, rts = c.Counter.Total(), c.Counter.RoundTrips()
		if got := c.Counter.Counts(); got["DescribeConfigs"] != 1 || got["ListPartitionReassignments"] != 1 || len(got) != 2 {
			b.Fatalf("requests %v", got)
		}
		f.Close()
	}
	b.ReportMetric(float64(reqs), "requests/op")
	b.ReportMetric(float64(rts), "roundtrips/op")
	b.ReportMetric(wall.Seconds()/float64(b.N), "s-after-connect/op")
	runtime.GC()
}

// BenchmarkTopicPlans reports the request plans of list, describe, a
// filter and --offsets on a small cluster (3 brokers, 4 topics).
func BenchmarkTopicPlans(b *testing.B) {
	c := testkit.Cluster(b, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		if err := c.CreateTopic(ctx, fmt.Sprintf("t%d", i), 6, 3, nil); err != nil {
			b.Fatal(err)
		}
	}
	plans := []struct {
		name string
		run  func(f *topicFactory) error
	}{
		{"list", func(f *topicFactory) error { return topic.RunList(ctx, &topic.ListOptions{F: f.F}) }},
		{"describe", func(f *topicFactory) error { return topic.RunDescribe(ctx, &topic.DescribeOptions{F: f.F}) }},
		{"describe-filter", func(f *topicFactory) error {
			return topic.RunDescribe(ctx, &topic.DescribeOptions{F: f.F, Filter: topics.Filter{UnderMinISR: true}})
		}},
		{"describe-offsets", func(f *topicFactory) error {
			return topic.RunDescribe(ctx, &topic.DescribeOptions{F: f.F, Offsets: true})
		}},
		{"audit", func(f *topicFactory) error {
			o := &topic.AuditOptions{F: f.F, Audit: topics.AuditOptions{MinReplicationFactor: 1, MinISR: 1, MaxLeaderSkew: 10}}
			return topic.RunAudit(ctx, o)
		}},
	}
	for _, p := range plans {
		b.Run(p.name, func(b *testing.B) {
			c.Counter.SetLatency(5 * time.Millisecond)
			defer c.Counter.SetLatency(0)
			var counts map[string]int
			var rts int
			for i := 0; i < b.N; i++ {
				f, _ := testkit.Factory(b, testkit.Settings(c), "json")
				if _, err := f.Admin(ctx); err != nil {
					b.Fatal(err)
				}
				c.Counter.Reset()
				if err := p.run(&topicFactory{F: f}); err != nil {
					b.Fatal(err)
				}
				counts, rts = c.Counter.Counts(), c.Counter.RoundTrips()
				f.Close()
			}
			total := 0
			for k, n := range counts {
				total += n
				b.ReportMetric(float64(n), k+"/op")
			}
			b.ReportMetric(float64(total), "requests/op")
			b.ReportMetric(float64(rts), "roundtrips/op")
		})
	}
}

type topicFactory struct{ F *cmdutil.Factory }
