package kafka_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

var releases = []struct {
	name string
	v    *kversion.Versions
}{
	{"2.1", kversion.V2_1_0()}, {"2.2", kversion.V2_2_0()}, {"2.3", kversion.V2_3_0()}, {"2.4", kversion.V2_4_0()},
	{"2.5", kversion.V2_5_0()}, {"2.6", kversion.V2_6_0()}, {"2.7", kversion.V2_7_0()}, {"2.8", kversion.V2_8_0()},
	{"3.0", kversion.V3_0_0()}, {"3.1", kversion.V3_1_0()}, {"3.2", kversion.V3_2_0()}, {"3.3", kversion.V3_3_0()},
	{"3.4", kversion.V3_4_0()}, {"3.5", kversion.V3_5_0()}, {"3.6", kversion.V3_6_0()}, {"3.7", kversion.V3_7_0()},
	{"3.8", kversion.V3_8_0()}, {"3.9", kversion.V3_9_0()}, {"4.0", kversion.V4_0_0()}, {"4.1", kversion.V4_1_0()},
	{"4.2", kversion.V4_2_0()}, {"4.3", kversion.V4_3_0()}, {"4.4", kversion.V4_4_0()},
}

func apisOf(vs *kversion.Versions) []kafka.APIVersion {
	var apis []kafka.APIVersion
	vs.EachMaxKeyVersion(func(k, v int16) { apis = append(apis, kafka.APIVersion{Key: k, Name: kafka.APIName(k), Max: v}) })
	return apis
}

// TestInferKafkaVersion: every release's full API table (as a ZooKeeper-mode
// broker advertises it) infers that release.
func TestInferKafkaVersion(t *testing.T) {
	for _, r := range releases {
		if got := kafka.InferKafkaVersion(apisOf(r.v)); got != r.name+"+" {
			t.Errorf("Kafka %s inferred as %s", r.name, got)
		}
	}
	for _, old := range []*kversion.Versions{kversion.V2_0_0(), kversion.V1_1_0(), kversion.V0_11_0()} {
		if got := kafka.InferKafkaVersion(apisOf(old)); got != "older than 2.1" {
			t.Errorf("an old broker inferred as %s", got)
		}
	}
	if got := kafka.InferKafkaVersion(nil); got != "older than 2.1" {
		t.Errorf("no APIs: %s", got)
	}
}

// kraft392 is what a real Apache Kafka 3.9.2 KRaft broker advertises
// (key, max version), captured from the broker of the real-Kafka suite
// (TestVersionInference in pkg/realkafka/e2e checks it live).
var kraft392 = [][2]int16{{0, 11}, {1, 17}, {2, 9}, {3, 12}, {8, 9}, {9, 9}, {10, 6}, {11, 9}, {12, 4}, {13, 5}, {14, 5},
	{15, 5}, {16, 5}, {17, 1}, {18, 4}, {19, 7}, {20, 6}, {21, 2}, {22, 5}, {23, 4}, {24, 5}, {25, 4}, {26, 4}, {27, 1},
	{28, 4}, {29, 3}, {30, 3}, {31, 3}, {32, 4}, {33, 2}, {34, 2}, {35, 4}, {36, 2}, {37, 3}, {38, 3}, {39, 2}, {40, 2},
	{41, 3}, {42, 2}, {43, 2}, {44, 1}, {45, 0}, {46, 0}, {47, 0}, {48, 1}, {49, 1}, {50, 0}, {51, 0}, {55, 2}, {57, 1},
	{60, 1}, {61, 0}, {64, 0}, {65, 0}, {66, 1}, {68, 0}, {69, 0}, {74, 0}, {75, 0}, {80, 0}, {81, 0}}

// TestInferKafkaVersionKRaft39: a 3.9 KRaft broker advertises APIs that
// kversion first lists for 4.0 (its older tables are ZooKeeper brokers');
// it is 3.9, not 4.0.
func TestInferKafkaVersionKRaft39(t *testing.T) {
	var apis []kafka.APIVersion
	for _, kv := range kraft392 {
		apis = append(apis, kafka.APIVersion{Key: kv[0], Name: kafka.APIName(kv[0]), Max: kv[1]})
	}
	if got := kafka.InferKafkaVersion(apis); got != "3.9+" {
		t.Errorf("Kafka 3.9.2 (KRaft) inferred as %s", got)
	}
}

type versionView struct {
	Client struct {
		Version string `json:"version"`
	} `json:"client"`
	Broker *struct {
		Address      string             `json:"address"`
		KafkaVersion string             `json:"kafkaVersion"`
		APIs         []kafka.APIVersion `json:"apis"`
	} `json:"broker"`
}

// TestOldBrokers: kfake capped at old releases' API versions. sarama's
// version ceiling clamps to what the broker advertises, so describe works,
// and `kctl version` infers the release.
func TestOldBrokers(t *testing.T) {
	t.Parallel()
	for _, r := range []struct {
		name string
		v    *kversion.Versions
	}{{"2.1", kversion.V2_1_0()}, {"2.8", kversion.V2_8_0()}, {"3.5", kversion.V3_5_0()}} {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			c := testkit.Cluster(t, sandbox.Options{Brokers: 2, MaxVersions: r.v})
			wantDescribed(t, c, kctl(t, "-b", c.Bootstrap(), "cluster", "describe", "-o", "json"), "")
			res := kctl(t, "-b", c.Bootstrap(), "version", "-o", "json")
			if res.Code != 0 || res.Stderr != "" {
				t.Fatalf("version: exit %d, stderr %q", res.Code, res.Stderr)
			}
			var v versionView
			if err := json.Unmarshal([]byte(res.Stdout), &v); err != nil {
				t.Fatal(err)
			}
			if v.Broker == nil || v.Broker.KafkaVersion != r.name+"+" {
				t.Fatalf("version view %s", res.Stdout)
			}
			for _, a := range v.Broker.APIs {
				if want, ok := r.v.LookupMaxKeyVersion(a.Key); !ok || a.Max > want {
					t.Fatalf("API %s max %d advertised above Kafka %s's %d", a.Name, a.Max, r.name, want)
				}
			}
		})
	}
}

// TestKafkaVersionFlag: --kafka-version lowers sarama's ceiling.
func TestKafkaVersionFlag(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	wantDescribed(t, c, kctl(t, "-b", c.Bootstrap(), "--kafka-version", "2.1.0", "cluster", "describe", "-o", "json"), "")
	r := kctl(t, "-b", c.Bootstrap(), "--kafka-version", "banana", "cluster", "describe")
	if r.Code != 2 || r.Stderr != "Error: invalid --kafka-version \"banana\": use a release such as 2.8.0 or 3.7.0\n" {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// TestTourOnOldBrokers: the README tour's read commands (and a reset
// executed and read back) against the demo seed on brokers capped at Kafka
// 2.1 (no OffsetFetch v8, no DescribeCluster, no SCRAM admin API) and 2.8.
// Issue 2 asks for 2.1 to 4.x; sarama clamps its requests down, and the
// batched plans fall back where a request is too new.
func TestTourOnOldBrokers(t *testing.T) {
	t.Parallel()
	lagBilling := "GROUP    TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST  CLIENT-ID\n"
	for p := 0; p < 6; p++ {
		lagBilling += fmt.Sprintf("billing  orders  %d          150             200             50   -            -     -\n", p)
	}
	reset := "GROUP    TOPIC   PARTITION  CURRENT-OFFSET  NEW-OFFSET  LAG-AFTER\n"
	for p := 0; p < 6; p++ {
		reset += fmt.Sprintf("billing  orders  %d          150             0           200\n", p)
	}
	for _, r := range []struct {
		name string
		v    *kversion.Versions
	}{{"2.1", kversion.V2_1_0()}, {"2.8", kversion.V2_8_0()}} {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			c := testkit.Cluster(t, sandbox.Options{Brokers: 3, MaxVersions: r.v, Seed: "demo"})
			for _, step := range []struct {
				args           []string
				stdout, stderr string // "" stdout: only the exit code and stderr are checked
			}{
				{[]string{"topic", "list"}, "TOPIC       PARTITIONS  REPLICATION-FACTOR  UNDER-REPLICATED  OFFLINE\n" +
					"audit       1           3                   0                 0\n" +
					"orders      6           3                   0                 0\n" +
					"orders.DLT  6           3                   0                 0\n" +
					"payments    3           3                   0                 0\n", ""},
				{[]string{"topic", "describe", "orders", "--offsets"}, "", ""},
				{[]string{"topic", "describe", "--under-min-isr-partitions"}, "", "No partitions match.\n"},
				{[]string{"group", "list"}, "", ""},
				{[]string{"lag", "describe", "--group", "billing"}, lagBilling, "Consumer group 'billing' has no active members.\n"},
				{[]string{"lag", "describe", "--all-groups", "--summary"}, "GROUP      STATE   MEMBERS  TOPICS  PARTITIONS  TOTAL-LAG  MAX-LAG\n" +
					"analytics  Empty   0        1       3           0          0\n" +
					"billing    Empty   0        1       6           300        50\n" +
					"shipping   Stable  1        1       1           10         10\n",
					"2 consumer groups have no active members: analytics, billing.\n"},
				{[]string{"offsets", "reset", "--group", "billing", "--topic", "orders", "--to-earliest", "--execute", "--undo-file", filepath.Join(t.TempDir(), "undo.csv")},
					reset, ""},
				{[]string{"health"}, "", ""},
			} {
				res := kctl(t, append([]string{"-b", c.Bootstrap()}, step.args...)...)
				stderr := res.Stderr
				if step.args[0] == "offsets" {
					// Names the undo file, then confirms the commit was read back.
					_, stderr, _ = strings.Cut(stderr, "--execute)\n")
					step.stderr = "Group \"billing\": applied 6 partitions, verified.\n"
				}
				if res.Code != 0 || stderr != step.stderr || (step.stdout != "" && res.Stdout != step.stdout) {
					t.Fatalf("kctl %s on Kafka %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(step.args, " "), r.name, res.Code, res.Stdout, res.Stderr)
				}
			}
			// The reset was committed: billing now lags 200 per partition.
			res := kctl(t, "-b", c.Bootstrap(), "lag", "describe", "--all-groups", "--summary", "--no-headers")
			if res.Code != 0 || !strings.Contains(res.Stdout, "billing    Empty   0  1  6  1200  200\n") {
				t.Fatalf("after the reset: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
			}
		})
	}
}

// TestVersionAndCheckNameTheSameRelease: `kctl version` and `kctl check
// connectivity` name the same Kafka release for the same ApiVersions
// answer (they once had a table each: "4.4+" against "4.0 or newer"). The
// sandbox answers with the tables of real releases: its own (4.x), old
// ones, and what a real Kafka 3.9.2 KRaft broker advertises.
func TestVersionAndCheckNameTheSameRelease(t *testing.T) {
	t.Parallel()
	k392 := kversion.V0_8_0()
	for k := int16(0); k < 100; k++ {
		k392.SetMaxKeyVersion(k, -1)
	}
	for _, kv := range kraft392 {
		k392.SetMaxKeyVersion(kv[0], kv[1])
	}
	for _, r := range []struct {
		name, want string
		v          *kversion.Versions
	}{
		{"sandbox", "", nil},
		{"4.4", "4.4+", kversion.V4_4_0()},
		{"3.9.2 KRaft", "3.9+", k392},
		{"3.5", "3.5+", kversion.V3_5_0()},
		{"2.8", "2.8+", kversion.V2_8_0()},
		{"2.1", "2.1+", kversion.V2_1_0()},
	} {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			c := testkit.Cluster(t, sandbox.Options{Brokers: 1, MaxVersions: r.v})
			res := kctl(t, "-b", c.Bootstrap(), "version", "-o", "json")
			var v versionView
			if res.Code != 0 || json.Unmarshal([]byte(res.Stdout), &v) != nil || v.Broker == nil {
				t.Fatalf("version: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
			}
			if r.want != "" && v.Broker.KafkaVersion != r.want {
				t.Errorf("kctl version infers %q, want %q", v.Broker.KafkaVersion, r.want)
			}
			res = kctl(t, "-b", c.Bootstrap(), "check", "connectivity", "-o", "json")
			var chk struct {
				Brokers []struct {
					Steps []struct{ Name, Detail string } `json:"steps"`
				} `json:"brokers"`
			}
			if json.Unmarshal([]byte(res.Stdout), &chk) != nil || len(chk.Brokers) != 1 {
				t.Fatalf("check: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
			}
			detail := ""
			for _, s := range chk.Brokers[0].Steps {
				if s.Name == "api-versions" {
					detail = s.Detail
				}
			}
			if want := "; Kafka " + v.Broker.KafkaVersion + " (inferred)"; !strings.Contains(detail, want) {
				t.Errorf("check's api-versions detail %q lacks %q (kctl version's inference)", detail, want)
			}
		})
	}
}
