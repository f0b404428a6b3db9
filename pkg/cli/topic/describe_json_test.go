package topic_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kctl-dev/kctl/pkg/cli/topic"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
	"github.com/kctl-dev/kctl/pkg/topics"
)

// Without a filter or --configs, describe stays at one Metadata request:
// configs, underMinIsr and atMinIsr are still in the JSON, null (not
// fetched), except that a leaderless partition is under min ISR whatever
// the config says. No offset fields without --offsets.
func TestDescribeJSONFieldsWithoutConfigs(t *testing.T) {
	c := troubled(t)
	r := kctl(t, c, "topic", "describe", "override", "-o", "json")
	want := `{
  "topics": [
    {
      "name": "override",
      "topicId": "AAAAAAAAAAAAAAAAAAAAAg",
      "internal": false,
      "partitionCount": 2,
      "replicationFactor": 2,
      "configs": null,
      "partitions": [
        {
          "partition": 0,
          "leader": 0,
          "replicas": [
            0,
            1
          ],
          "isr": [
            0
          ],
          "offlineReplicas": [],
          "logStartOffset": null,
          "logEndOffset": null,
          "underReplicated": true,
          "underMinIsr": null,
          "atMinIsr": null,
          "unavailable": false
        },
        {
          "partition": 1,
          "leader": 1,
          "replicas": [
            1,
            0
          ],
          "isr": [
            1,
            0
          ],
          "offlineReplicas": [],
          "logStartOffset": null,
          "logEndOffset": null,
          "underReplicated": false,
          "underMinIsr": null,
          "atMinIsr": null,
          "unavailable": false
        }
      ]
    }
  ]
}
`
	if r.Code != 0 || r.Stdout != want || r.Stderr != "" {
		t.Errorf("exit %d stderr %q\n%s\nwant\n%s", r.Code, r.Stderr, r.Stdout, want)
	}
	// The leaderless inherit/3: underMinIsr true, atMinIsr unknown.
	r = kctl(t, c, "topic", "describe", "inherit", "-o", "json")
	wantP3 := `
        {
          "partition": 3,
          "leader": -1,
          "replicas": [
            2,
            0,
            1
          ],
          "isr": [],
          "offlineReplicas": [
            2
          ],
          "logStartOffset": null,
          "logEndOffset": null,
          "underReplicated": true,
          "underMinIsr": true,
          "atMinIsr": null,
          "unavailable": true
        },`
	if r.Code != 0 || !strings.Contains(r.Stdout, wantP3) || !strings.Contains(r.Stdout, "\n      \"configs\": null,\n") {
		t.Errorf("exit %d json:\n%s", r.Code, r.Stdout)
	}
	// --configs: every field known, configs an object.
	r = kctl(t, c, "topic", "describe", "override", "--configs", "-o", "json")
	wantCfg := strings.NewReplacer(
		`"configs": null`, "\"configs\": {\n        \"min.insync.replicas\": \"1\"\n      }",
		`"underMinIsr": null,
          "atMinIsr": null,
          "unavailable": false
        },`, `"underMinIsr": false,
          "atMinIsr": true,
          "unavailable": false
        },`,
		`"underMinIsr": null,
          "atMinIsr": null,
          "unavailable": false
        }
      ]`, `"underMinIsr": false,
          "atMinIsr": false,
          "unavailable": false
        }
      ]`).Replace(want)
	if r.Code != 0 || r.Stdout != wantCfg {
		t.Errorf("exit %d stderr %q\n%s\nwant\n%s", r.Code, r.Stderr, r.Stdout, wantCfg)
	}
}

// With --offsets the offset fields are on every partition whose offsets are
// known; a leaderless one has none (no ListOffsets is sent for it), and that
// is no failure.
func TestDescribeOffsetsJSONWithoutLeader(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Produce(ctx, "t", []sandbox.Record{{Partition: 0, Value: "a"}, {Partition: 0, Value: "b"}}); err != nil {
		t.Fatal(err)
	}
	l0 := c.Kfake.LeaderFor("t", 0)
	craft(t, c, []cbroker{{id: 0}, {id: 1}}, []ctopic{{name: "t", parts: []cpart{
		{leader: l0, replicas: ids(l0), isr: ids(l0)},
		{leader: -1, replicas: ids(1 - l0), isr: ids(), offline: ids(1 - l0)},
	}}})
	r := kctl(t, c, "topic", "describe", "t", "--offsets", "-o", "json")
	want := `{
  "topics": [
    {
      "name": "t",
      "topicId": "AAAAAAAAAAAAAAAAAAAAAQ",
      "internal": false,
      "partitionCount": 2,
      "replicationFactor": 1,
      "configs": null,
      "partitions": [
        {
          "partition": 0,
          "leader": L0,
          "replicas": [
            L0
          ],
          "isr": [
            L0
          ],
          "offlineReplicas": [],
          "logStartOffset": 0,
          "logEndOffset": 2,
          "underReplicated": false,
          "underMinIsr": null,
          "atMinIsr": null,
          "unavailable": false
        },
        {
          "partition": 1,
          "leader": -1,
          "replicas": [
            L1
          ],
          "isr": [],
          "offlineReplicas": [
            L1
          ],
          "logStartOffset": null,
          "logEndOffset": null,
          "underReplicated": true,
          "underMinIsr": true,
          "atMinIsr": null,
          "unavailable": true
        }
      ]
    }
  ]
}
`
	want = strings.NewReplacer("L0", itoa(int(l0)), "L1", itoa(int(1-l0))).Replace(want)
	if r.Code != 0 || r.Stdout != want {
		t.Errorf("exit %d stderr %q\n%s\nwant\n%s", r.Code, r.Stderr, r.Stdout, want)
	}
}

// A filter's DescribeConfigs asks each topic for min.insync.replicas only
// (a broker-down answer on thousands of topics stays small); --configs asks
// for every config. One request either way.
func TestDescribeConfigsRequestCarriesOnlyWhatIsShown(t *testing.T) {
	c := troubled(t)
	var mu sync.Mutex
	var seen []*kmsg.DescribeConfigsRequest
	c.Kfake.ControlKey(int16(kmsg.DescribeConfigs), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.Kfake.KeepControl()
		mu.Lock()
		seen = append(seen, r.(*kmsg.DescribeConfigsRequest))
		mu.Unlock()
		return nil, nil, false // kfake answers
	})
	type res struct {
		typ   int8
		name  string
		names []string
	}
	resources := func(args ...string) []res {
		t.Helper()
		mu.Lock()
		seen = nil
		mu.Unlock()
		if got := matches(t, c, args...); len(got) == 0 {
			t.Fatalf("%v matched nothing", args)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(seen) != 1 {
			t.Fatalf("%v: %d DescribeConfigs requests, want 1", args, len(seen))
		}
		var out []res
		for _, r := range seen[0].Resources {
			names := r.ConfigNames
			if names == nil {
				names = []string{"(all)"} // null: every config
			}
			name := r.ResourceName
			if r.ResourceType == 4 && (name == "0" || name == "1") {
				name = "live broker" // whichever broker the request went to
			}
			out = append(out, res{int8(r.ResourceType), name, names})
		}
		return out
	}
	only := []string{"min.insync.replicas"}
	// Resource type 4 is the broker (its value is the default), 2 a topic.
	want := []res{{4, "live broker", only}, {2, "inherit", only}, {2, "override", only}}
	if got := resources("--under-min-isr-partitions"); !reflect.DeepEqual(got, want) {
		t.Errorf("filter: %+v, want %+v", got, want)
	}
	all := []string{"(all)"}
	want = []res{{4, "live broker", only}, {2, "inherit", all}, {2, "override", all}}
	if got := resources("--under-min-isr-partitions", "--configs"); !reflect.DeepEqual(got, want) {
		t.Errorf("--configs: %+v, want %+v", got, want)
	}
	// A filter that needs no config asks only the topics it prints.
	want = []res{{4, "live broker", only}, {2, "inherit", only}}
	if got := resources("--unavailable-partitions"); !reflect.DeepEqual(got, want) {
		t.Errorf("--unavailable-partitions: %+v, want %+v", got, want)
	}
}

// --offsets: two ListOffsets per leader broker (earliest, latest), every
// leader at once, each on a connection of its own (sarama holds one request
// in flight per connection): after the Metadata the plan is 1 round trip
// whatever the number of leaders; one leader after another would be
// 1 + 2 x leaders.
func TestDescribeOffsetsLeadersInParallel(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "t", 6, 1, nil); err != nil {
		t.Fatal(err)
	}
	leaders := map[int32]bool{}
	for p := int32(0); p < 6; p++ {
		leaders[c.Kfake.LeaderFor("t", p)] = true
	}
	if len(leaders) < 2 {
		t.Fatalf("leaders %v: want several brokers to lead", leaders)
	}
	c.Counter.SetLatency(50 * time.Millisecond)
	defer c.Counter.SetLatency(0)
	c.Counter.Reset()
	f, _ := testkit.Factory(t, testkit.Settings(c), "json")
	if _, err := f.Admin(ctx); err != nil {
		t.Fatal(err)
	}
	if err := topic.RunDescribe(ctx, &topic.DescribeOptions{F: f, Topics: []string{"t"}, Offsets: true}); err != nil {
		t.Fatal(err)
	}
	if got := c.Counter.Counts(); !reflect.DeepEqual(got, map[string]int{"Metadata": 1, "ListOffsets": 2 * len(leaders)}) {
		t.Errorf("requests %v", got)
	}
	if rt := c.Counter.RoundTrips(); rt != 2 {
		t.Errorf("round trips %d, want 2 (connect's Metadata, then earliest and latest on every leader at once)", rt)
	}
	// A filter and --offsets: Metadata, DescribeConfigs, then the offsets.
	c.Counter.Reset()
	if err := topic.RunDescribe(ctx, &topic.DescribeOptions{F: f, Topics: []string{"t"}, Offsets: true, Filter: topics.Filter{AtMinISR: true}}); err != nil {
		t.Fatal(err)
	}
	if got := c.Counter.Counts(); !reflect.DeepEqual(got, map[string]int{"Metadata": 1, "DescribeConfigs": 1, "ListOffsets": 2 * len(leaders)}) {
		t.Errorf("requests with a filter %v", got)
	}
	if rt := c.Counter.RoundTrips(); rt != 3 {
		t.Errorf("round trips with a filter %d, want 3", rt)
	}
}

// The partial-failure summary counts in words: "1 topic failed".
func TestDescribePartialFailureSummary(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	if err := c.CreateTopic(context.Background(), "a", 1, 1, nil); err != nil {
		t.Fatal(err)
	}
	r := kctl(t, c, "topic", "describe", "a", "nope", "--no-headers")
	if r.Code != 1 || r.Stderr != "Error: topic 'nope' does not exist\nError: 1 topic failed (see above)\n" {
		t.Errorf("exit %d stderr %q", r.Code, r.Stderr)
	}
	r = kctl(t, c, "topic", "describe", "nope1", "nope2", "-o", "json")
	if r.Code != 1 || r.Stdout != "{\n  \"topics\": []\n}\n" ||
		r.Stderr != "Error: topic 'nope1' does not exist\nError: topic 'nope2' does not exist\nError: 2 topics failed (see above)\n" {
		t.Errorf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}
