package health_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// lagCluster: topic "events" with 2 partitions of 100 records each, written
// two hours ago, and three groups committed with standalone commits (no
// members: state Empty): fast (caught up), mid (lag 5), slow (lag 200).
func lagCluster(t testing.TB, extra ...string) *sandbox.Cluster {
	t.Helper()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "events", 2, 3, nil); err != nil {
		t.Fatal(err)
	}
	ts := time.Now().Add(-2 * time.Hour)
	var recs []sandbox.Record
	for p := int32(0); p < 2; p++ {
		for i := 0; i < 100; i++ {
			recs = append(recs, sandbox.Record{Partition: p, Value: "v" + strconv.Itoa(i), Timestamp: ts.Add(time.Duration(i) * time.Second)})
		}
	}
	if err := c.Produce(ctx, "events", recs); err != nil {
		t.Fatal(err)
	}
	commits := map[string]map[int32]int64{
		"fast": {0: 100, 1: 100},
		"mid":  {0: 100, 1: 95},
		"slow": {0: 0, 1: 0},
	}
	for _, g := range extra {
		commits[g] = map[int32]int64{0: 100, 1: 100}
	}
	for g, offs := range commits {
		if err := c.Commit(ctx, g, "events", offs); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// clock replaces the clock-dependent time-lag figures (perfdata values and
// the words in messages) so the rest of the line can be matched exactly.
var clock = regexp.MustCompile(`(time_lag_[a-z]+=)[0-9.]+s|(time lag )[0-9hms.]+`)

func normalize(s string) string {
	return clock.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "time lag ") {
			return "time lag T"
		}
		return m[:strings.Index(m, "=")+1] + "Ts"
	})
}

func TestConsumerLagThresholds(t *testing.T) {
	t.Parallel()
	c := lagCluster(t)

	r := run(t, on(c, "10s", "--group", "fast", "--group", "mid", "--group", "slow", "--group", "ghost",
		"--lag-warn", "10", "--lag-crit", "100", "--time-lag-crit", "30m", "--checks", "consumer-lag", "--format", "nagios")...)
	want := "KAFKA CRITICAL - group mid is Empty (no active members), lag 5, time lag T (time lag > 30m), group slow is Empty (no active members), lag 200, time lag T (lag > 100, time lag > 30m), group ghost does not exist | " +
		"lag_fast=0;10;100 time_lag_fast=Ts;;1800 lag_mid=5;10;100 time_lag_mid=Ts;;1800 lag_slow=200;10;100 time_lag_slow=Ts;;1800\n"
	if r.Code != 2 || normalize(r.Stdout) != want {
		t.Errorf("exit %d\n got %q\nwant %q\n%s", r.Code, normalize(r.Stdout), want, r.Stderr)
	}
	if !strings.Contains(r.Stdout, " time_lag_fast=0s;;1800 ") {
		t.Errorf("a caught-up group has time lag 0: %s", r.Stdout)
	}

	r = run(t, on(c, "10s", "--group", "fast", "--group", "mid", "--group", "slow", "--group", "ghost",
		"--lag-warn", "10", "--lag-crit", "100", "--time-lag-warn", "1h", "--time-lag-crit", "3h", "--format", "json")...)
	j := parseJSON(t, r.Stdout)
	st := j.statuses()
	for k, v := range map[string]string{"consumer-lag:fast": "OK", "consumer-lag:mid": "WARNING",
		"consumer-lag:slow": "CRITICAL", "consumer-lag:ghost": "UNKNOWN", "brokers": "OK"} {
		if st[k] != v {
			t.Errorf("%s: %s, want %s", k, st[k], v)
		}
	}
	for _, ch := range j.Checks {
		switch ch.Name {
		case "consumer-lag:mid":
			// lag 5 is within 10; the time lag (about 2h) is past 1h.
			if *ch.Value != 5 || !strings.HasSuffix(normalize(ch.Message), "lag 5, time lag T (time lag > 1h)") {
				t.Errorf("mid %+v", ch)
			}
		case "consumer-lag:slow":
			if *ch.Value != 200 || strings.Join(ch.Details, "|") != "state Empty, 0 members" {
				t.Errorf("slow %+v", ch)
			}
		case "consumer-lag:ghost":
			if ch.Value != nil || ch.Message != "group ghost does not exist" {
				t.Errorf("ghost %+v", ch)
			}
		}
	}
	if r.Code != 2 {
		t.Errorf("exit %d", r.Code)
	}

	// The same groups by pattern, in Prometheus form.
	r = run(t, on(c, "10s", "--group-pattern", "^(fast|mid|slow)$", "--lag-crit", "100", "--format", "prometheus")...)
	p := promSamples(t, r.Stdout)
	for k, v := range map[string]float64{"kctl_consumergroup_lag{group=fast}": 0, "kctl_consumergroup_lag{group=mid}": 5,
		"kctl_consumergroup_lag{group=slow}": 200, "kctl_consumergroup_time_lag_seconds{group=fast}": 0,
		"kctl_health_status{check=consumer-lag:slow}": 2, "kctl_health_status{check=consumer-lag:mid}": 0} {
		if got, ok := p[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if tl := p["kctl_consumergroup_time_lag_seconds{group=slow}"]; tl < 2*3600-5 || tl > 2*3600+60 {
		t.Errorf("slow time lag %v s, want about 2h", tl)
	}
	if r.Code != 2 {
		t.Errorf("exit %d", r.Code)
	}
}

func TestStoppedConsumerWarns(t *testing.T) {
	t.Parallel()
	c := lagCluster(t)
	args := []string{"--group", "fast", "--group", "mid", "--lag-warn", "10", "--checks", "consumer-lag", "--format", "json"}
	r := run(t, on(c, "10s", args...)...)
	if j := parseJSON(t, r.Stdout); r.Code != 0 || j.Status != "OK" {
		t.Errorf("without --stopped-warn: exit %d %s", r.Code, r.Stdout)
	}
	r = run(t, on(c, "10s", append(args, "--stopped-warn")...)...)
	j := parseJSON(t, r.Stdout)
	st := j.statuses()
	if r.Code != 1 || st["consumer-lag:mid"] != "WARNING" || st["consumer-lag:fast"] != "OK" {
		t.Errorf("exit %d %s", r.Code, r.Stdout)
	}
	for _, ch := range j.Checks {
		if ch.Name == "consumer-lag:mid" && !strings.HasSuffix(ch.Message, "(stopped consumer with lag)") {
			t.Errorf("%q", ch.Message)
		}
	}
}

func TestMissingGroupsAndEmptyPattern(t *testing.T) {
	t.Parallel()
	c := lagCluster(t)
	r := run(t, on(c, "10s", "--group", "ghost", "--checks", "consumer-lag", "--format", "nagios")...)
	if want := "KAFKA UNKNOWN - group ghost does not exist\n"; r.Code != 3 || r.Stdout != want {
		t.Errorf("exit %d %q", r.Code, r.Stdout)
	}
	r = run(t, on(c, "10s", "--group-pattern", "^nope-", "--format", "nagios", "--checks", "brokers,consumer-lag")...)
	if want := "KAFKA UNKNOWN - no consumer group matches --group-pattern \"^nope-\" | brokers=3;;3:\n"; r.Code != 3 || r.Stdout != want {
		t.Errorf("exit %d %q", r.Code, r.Stdout)
	}
}

// The lag plan's requests do not grow with the number of groups: with 8
// groups on 3 brokers every API is asked at most once per broker (the plan
// batches per coordinator and per leader), plus the three Metadata requests
// (connect, topic plan, topic visibility probe).
func TestLagRequestsDoNotScaleWithGroups(t *testing.T) {
	t.Parallel()
	var groups []string
	for i := 0; i < 8; i++ {
		groups = append(groups, "g"+strconv.Itoa(i))
	}
	c := lagClusterCounted(t, groups)
	args := []string{"--format", "nagios"}
	for _, g := range groups {
		args = append(args, "--group", g)
	}
	c.Counter.Reset()
	r := run(t, on(c, "10s", args...)...)
	if r.Code != 0 {
		t.Fatalf("exit %d %s %s", r.Code, r.Stdout, r.Stderr)
	}
	got := c.Counter.Counts()
	for api, n := range got {
		limit := 3
		if api == "Metadata" {
			limit = 3
		}
		if n > limit {
			t.Errorf("%s: %d requests for 8 groups on 3 brokers", api, n)
		}
	}
	if got["DescribeConfigs"] != 1 || got["OffsetFetch"] == 0 || got["DescribeGroups"] == 0 {
		t.Errorf("plan %v", got)
	}
	t.Logf("requests: %v, round trips %d", got, c.Counter.RoundTrips())
}

func lagClusterCounted(t testing.TB, groups []string) *sandbox.Cluster {
	t.Helper()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "events", 6, 3, nil); err != nil {
		t.Fatal(err)
	}
	var recs []sandbox.Record
	for p := int32(0); p < 6; p++ {
		for i := 0; i < 10; i++ {
			recs = append(recs, sandbox.Record{Partition: p, Value: "v", Timestamp: time.Now().Add(-time.Minute)})
		}
	}
	if err := c.Produce(ctx, "events", recs); err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if err := c.Commit(ctx, g, "events", map[int32]int64{0: 5, 1: 10, 2: 10, 3: 10, 4: 10, 5: 10}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// Time lag adds one Fetch per leader broker of the lagging partitions
// (issue 4's budget), however many selected groups lag at the same
// offsets; caught-up groups add nothing.
func TestTimeLagOneFetchPerLeader(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3, Count: true})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "events", 6, 3, nil); err != nil {
		t.Fatal(err)
	}
	ts := time.Now().Add(-time.Hour)
	var recs []sandbox.Record
	for p := int32(0); p < 6; p++ {
		for i := 0; i < 10; i++ {
			recs = append(recs, sandbox.Record{Partition: p, Value: "v", Timestamp: ts.Add(time.Duration(i) * time.Second)})
		}
	}
	if err := c.Produce(ctx, "events", recs); err != nil {
		t.Fatal(err)
	}
	all := func(off int64) map[int32]int64 {
		m := map[int32]int64{}
		for p := int32(0); p < 6; p++ {
			m[p] = off
		}
		return m
	}
	for g, offs := range map[string]map[int32]int64{"slowa": all(2), "slowb": all(2), "done": all(10)} {
		if err := c.Commit(ctx, g, "events", offs); err != nil {
			t.Fatal(err)
		}
	}
	leaders := map[int32]bool{}
	for p := int32(0); p < 6; p++ {
		leaders[c.Kfake.LeaderFor("events", p)] = true
	}
	c.Counter.Reset()
	r := run(t, on(c, "10s", "--group", "slowa", "--group", "slowb", "--group", "done", "--time-lag-warn", "10m", "--time-lag-crit", "2h",
		"--checks", "consumer-lag", "--format", "nagios")...)
	want := "KAFKA WARNING - group slowa is Empty (no active members), lag 48, time lag T (time lag > 10m), group slowb is Empty (no active members), lag 48, time lag T (time lag > 10m) | " +
		"lag_done=0 time_lag_done=Ts;600;7200 lag_slowa=48 time_lag_slowa=Ts;600;7200 lag_slowb=48 time_lag_slowb=Ts;600;7200\n"
	if r.Code != 1 || normalize(r.Stdout) != want {
		t.Errorf("exit %d\n got %q\nwant %q\n%s", r.Code, normalize(r.Stdout), want, r.Stderr)
	}
	if got := c.Counter.Counts()["Fetch"]; got != len(leaders) {
		t.Errorf("%d Fetch requests, want one per leader (%d): %v", got, len(leaders), c.Counter.Counts())
	}
}
