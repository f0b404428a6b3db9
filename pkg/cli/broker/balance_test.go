package broker_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/kafka/kafkatest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// The layout and the log dirs are crafted (kfake has no replication and
// every kfake broker reports every partition's log), so the figures are
// known: broker 0 holds 4 replicas and leads 3, broker 2 holds one.
func TestBalance(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	kafkatest.Layout(t, c, []string{"r1", "r1", "r2"}, []kafkatest.Part{
		{Topic: "ops-h", Partition: 0, Leader: 0, Replicas: []int32{0, 1}, ISR: []int32{0, 1}},
		{Topic: "ops-h", Partition: 1, Leader: 0, Replicas: []int32{0, 1}, ISR: []int32{0, 1}},
		{Topic: "ops-h", Partition: 2, Leader: 0, Replicas: []int32{0, 2}, ISR: []int32{0, 2}},
		{Topic: "ops-h", Partition: 3, Leader: 1, Replicas: []int32{1, 0}, ISR: []int32{1, 0}},
	})
	sizes := map[int32]map[int32]int64{ // broker -> partition -> bytes
		0: {0: 1000, 1: 1000, 2: 1000, 3: 900},
		1: {0: 1000, 1: 1000, 3: 900},
		2: {2: 1000},
	}
	c.Kfake.ControlKey(int16(kmsg.DescribeLogDirs), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		resp := r.(*kmsg.DescribeLogDirsRequest).ResponseKind().(*kmsg.DescribeLogDirsResponse)
		d := kmsg.NewDescribeLogDirsResponseDir()
		d.Dir = "/data"
		t := kmsg.NewDescribeLogDirsResponseDirTopic()
		t.Topic = "ops-h"
		for p := int32(0); p < 4; p++ {
			if n, ok := sizes[c.Kfake.CurrentNode()][p]; ok {
				sp := kmsg.NewDescribeLogDirsResponseDirTopicPartition()
				sp.Partition, sp.Size = p, n
				t.Partitions = append(t.Partitions, sp)
			}
		}
		// A future replica (a move between directories) is not counted.
		fp := kmsg.NewDescribeLogDirsResponseDirTopicPartition()
		fp.Partition, fp.Size, fp.IsFuture = 0, 5000, true
		t.Partitions = append(t.Partitions, fp)
		d.Topics = append(d.Topics, t)
		resp.Dirs = append(resp.Dirs, d)
		return resp, nil, true
	})
	c.Counter.Reset()
	// (No wave gate: the crafted answers are control functions too, and
	// kfake runs key-specific ones first. TestLogDirsRequestBudget gates
	// the same parallel DescribeLogDirs.)
	r := clitest.Run(t, "", "-b", c.Bootstrap(), "broker", "balance")
	want := "BROKER  RACK  REPLICAS  LEADERS  BYTES\n" +
		"0       r1    4         3        3900\n" +
		"1       r1    3         1        2900\n" +
		"2       r2    1         0        1000\n" +
		"\n" +
		"RACK  BROKERS  REPLICAS  LEADERS  BYTES\n" +
		"r1    2        7         4        6800\n" +
		"r2    1        1         0        1000\n" +
		"\n" +
		"Skew (max/mean): replicas 1.50 (broker 0), leaders 2.25 (broker 0), bytes 1.50 (broker 0)\n"
	if r.Code != 0 || r.Stdout != want || r.Stderr != "" {
		t.Fatalf("exit %d stderr %q\nstdout\n%s\nwant\n%s", r.Code, r.Stderr, r.Stdout, want)
	}
	if got := fmt.Sprint(c.Counter.Counts()); got != "map[DescribeLogDirs:3 Metadata:1]" {
		t.Fatalf("requests %v", got)
	}
	r = clitest.Run(t, "", "-b", c.Bootstrap(), "broker", "balance", "-o", "json")
	if r.Code != 0 || !strings.Contains(r.Stdout, `"leaderSkew": {
    "max": 3,
    "mean": 1.3333333333333333,
    "ratio": 2.25,
    "brokerId": 0
  }`) || !strings.Contains(r.Stdout, `"bytesUnknown": []`) {
		t.Fatalf("json: exit %d\n%s", r.Code, r.Stdout)
	}
	// Every broker row names its broker, 0 included (it was omitempty), and
	// a rack row carries no broker id.
	var v struct {
		Brokers []map[string]any `json:"brokers"`
		Racks   []map[string]any `json:"racks"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatal(err)
	}
	for i, b := range v.Brokers {
		if id, ok := b["id"]; !ok || id != float64(i) {
			t.Errorf("broker row %d: id %v (present %v), want %d", i, id, ok, i)
		}
		if _, ok := b["rack"]; !ok {
			t.Errorf("broker row %d has no rack key (null when none)", i)
		}
	}
	for _, rk := range v.Racks {
		if _, ok := rk["id"]; ok {
			t.Errorf("rack row %v carries a broker id", rk)
		}
	}
	if len(v.Brokers) != 3 {
		t.Errorf("%d broker rows, want 3", len(v.Brokers))
	}
}
