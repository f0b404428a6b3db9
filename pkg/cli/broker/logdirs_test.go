package broker_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/kafka/kafkatest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

func seedLogDirs(t *testing.T, c *sandbox.Cluster) {
	t.Helper()
	ctx := context.Background()
	for name, n := range map[string]int32{"ops-a": 2, "ops-b": 1} {
		if err := c.CreateTopic(ctx, name, n, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	var recs []sandbox.Record
	for i := 0; i < 30; i++ {
		recs = append(recs, sandbox.Record{Partition: int32(i % 2), Value: strings.Repeat("x", 10+i)})
	}
	if err := c.Produce(ctx, "ops-a", recs); err != nil {
		t.Fatal(err)
	}
	if err := c.Produce(ctx, "ops-b", []sandbox.Record{{Value: "one"}}); err != nil {
		t.Fatal(err)
	}
}

// Sizes are kfake's own count of each partition's bytes (PartitionInfo),
// not something kctl computed.
func TestLogDirs(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	seedLogDirs(t, c)
	size := func(topic string, p int32) int64 { return c.Kfake.PartitionInfo(topic, p).NumBytes }
	a0, a1, b0 := size("ops-a", 0), size("ops-a", 1), size("ops-b", 0)
	if a0 == 0 || a1 == 0 || b0 == 0 {
		t.Fatalf("sizes %d %d %d", a0, a1, b0)
	}
	r := clitest.Run(t, "", "-b", c.Bootstrap(), "broker", "log-dirs", "--topic", "ops-a", "--topic", "ops-b")
	dir := "/mem/kfake"
	want := fmt.Sprintf("BROKER  LOG-DIR     TOPIC  PARTITION  SIZE  OFFSET-LAG  FUTURE\n"+
		"0       %[1]s  ops-a  0          %-4[2]d  0           false\n"+
		"0       %[1]s  ops-a  1          %-4[3]d  0           false\n"+
		"0       %[1]s  ops-b  0          %-4[4]d  0           false\n"+
		"\n"+
		"BROKER  LOG-DIR     REPLICAS  SIZE  USABLE       TOTAL  ERROR\n"+
		"0       %[1]s  3         %-4[5]d  34359738368  %-5[5]d  -\n"+
		"\n"+
		"Total: %[5]d bytes on 1 broker\n", dir, a0, a1, b0, a0+a1+b0)
	if r.Code != 0 || r.Stdout != want || r.Stderr != "" {
		t.Fatalf("exit %d stderr %q\nstdout\n%s\nwant\n%s", r.Code, r.Stderr, r.Stdout, want)
	}
	r = clitest.Run(t, "", "-b", c.Bootstrap(), "broker", "log-dirs", "--topic", "ops-b", "-o", "json")
	wantJSON := fmt.Sprintf(`{
  "brokers": [
    {
      "broker": 0,
      "error": null,
      "totalBytes": %[1]d,
      "logDirs": [
        {
          "broker": 0,
          "path": "/mem/kfake",
          "error": null,
          "totalBytes": %[1]d,
          "usableBytes": 34359738368,
          "replicas": [
            {
              "topic": "ops-b",
              "partition": 0,
              "sizeBytes": %[1]d,
              "offsetLag": 0,
              "future": false
            }
          ]
        }
      ]
    }
  ],
  "totalBytes": %[1]d
}
`, b0)
	if r.Code != 0 || r.Stdout != wantJSON {
		t.Fatalf("json: exit %d stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--broker", "7"}, "Error: broker 7 is not in the cluster (brokers: 0)\n"},
		{[]string{"--broker", "-1"}, "Error: --broker must be a broker id (0 or more), got -1\n"},
		{[]string{"--topic", "nope"}, "Error: topic \"nope\": topic does not exist\n"},
	} {
		r := clitest.Run(t, "", append([]string{"-b", c.Bootstrap(), "broker", "log-dirs"}, tc.args...)...)
		if r.Code != 2 || r.Stderr != tc.want || r.Stdout != "" {
			t.Errorf("%v: exit %d stdout %q stderr %q", tc.args, r.Code, r.Stdout, r.Stderr)
		}
	}
}

// One DescribeLogDirs per broker, all in the same wave (parallel), after
// the connect-time Metadata and nothing else.
func TestLogDirsRequestBudget(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	seedLogDirs(t, c)
	c.Counter.Reset()
	g := kafkatest.GateWaves(t, c, kafkatest.Wave{"Metadata": 1}, kafkatest.Wave{"DescribeLogDirs": 3})
	r := clitest.Run(t, "", "-b", c.Bootstrap(), "broker", "log-dirs")
	g.Check(t)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	if got := fmt.Sprint(c.Counter.Counts()); got != "map[DescribeLogDirs:3 Metadata:1]" {
		t.Fatalf("requests %v", got)
	}
	c.Counter.Reset()
	r = clitest.Run(t, "", "-b", c.Bootstrap(), "broker", "log-dirs", "--broker", "1", "--topic", "ops-a")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "BROKER  LOG-DIR     TOPIC  PARTITION") || strings.Contains(r.Stdout, "ops-b") {
		t.Fatalf("one broker: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if got := fmt.Sprint(c.Counter.Counts()); got != "map[DescribeLogDirs:1 Metadata:1]" {
		t.Fatalf("one broker: requests %v", got)
	}
}

// A broker that never answers is named, exits 1 within --timeout, and
// the others are still listed.
func TestLogDirsBrokerHangs(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	seedLogDirs(t, c)
	c.Kfake.ControlKey(int16(kmsg.DescribeLogDirs), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		return nil, nil, c.Kfake.CurrentNode() == 1 // broker 1 never answers
	})
	start := time.Now()
	r := clitest.Run(t, "", "-b", c.Bootstrap(), "--timeout", "2s", "broker", "log-dirs", "--topic", "ops-b")
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("took %v with --timeout 2s", d)
	}
	if r.Code != 1 || !strings.Contains(r.Stderr, "Error: broker 1: describe log dirs on broker 1 (") || !strings.Contains(r.Stderr, "no answer within the timeout") ||
		!strings.HasSuffix(r.Stderr, "Error: 1 broker of 3 did not answer (1)\n") {
		t.Fatalf("exit %d stderr %q", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "\n0       /mem/kfake  ops-b") || !strings.Contains(r.Stdout, "\n2       /mem/kfake  ops-b") || !strings.Contains(r.Stdout, "\n1       -           -") {
		t.Fatalf("stdout\n%s", r.Stdout)
	}
}
