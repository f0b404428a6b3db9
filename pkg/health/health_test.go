package health

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var now = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func dur(d time.Duration) *time.Duration { return &d }

// healthy is a 3-broker cluster with two groups and TLS, everything fine.
func healthy() Facts {
	return Facts{
		Now: now,
		Brokers: &Brokers{Brokers: []BrokerProbe{
			{ID: 1, Addr: "k1:9092"}, {ID: 2, Addr: "k2:9092"}, {ID: 3, Addr: "k3:9092"}}},
		Controller: &Controller{ID: 2, Addr: "k2:9092", Live: true},
		Partitions: &Partitions{Topics: 4, Total: 12},
		Groups: &Groups{Groups: []Group{
			{Name: "billing", Exists: true, State: "Stable", Members: 2, Lag: 10, TimeLag: dur(1500 * time.Millisecond)},
			{Name: "orders", Exists: true, State: "Stable", Members: 1, Lag: 0, TimeLag: dur(0)},
		}},
		TLS: &TLS{Certs: []Cert{
			{Broker: 1, Addr: "k1:9092", Subject: "CN=k1", NotAfter: now.Add(200 * 24 * time.Hour)},
			{Broker: 2, Addr: "k2:9092", Subject: "CN=k2", NotAfter: now.Add(100*24*time.Hour + time.Hour)},
			{Broker: 3, Addr: "k3:9092", Subject: "CN=k3", NotAfter: now.Add(300 * 24 * time.Hour)},
		}},
	}
}

func stdOptions() Options {
	return Options{
		ExpectBrokers: 3,
		Lag:           Threshold{Warn: Limit(100), Crit: Limit(1000)},
		TimeLag:       Threshold{Warn: Limit(60), Crit: Limit(300)},
		CertDays:      Threshold{Warn: Limit(30), Crit: Limit(7), Below: true},
	}
}

func statuses(r *Report) map[string]Status {
	m := map[string]Status{}
	for _, c := range r.Checks {
		m[c.Name] = c.Status
	}
	return m
}

func find(t *testing.T, r *Report, name string) Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q in %v", name, statuses(r))
	return Check{}
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		s    Status
		name string
		code int
	}{{OK, "OK", 0}, {Warning, "WARNING", 1}, {Critical, "CRITICAL", 2}, {Unknown, "UNKNOWN", 3}} {
		if tc.s.String() != tc.name || tc.s.ExitCode() != tc.code {
			t.Errorf("%d: got %s/%d, want %s/%d", tc.s, tc.s, tc.s.ExitCode(), tc.name, tc.code)
		}
		b, _ := json.Marshal(tc.s)
		if string(b) != `"`+tc.name+`"` {
			t.Errorf("json %s", b)
		}
		back, err := ParseStatus(strings.ToLower(tc.name))
		if err != nil || back != tc.s {
			t.Errorf("ParseStatus(%s) = %v, %v", tc.name, back, err)
		}
	}
	if _, err := ParseStatus("fine"); err == nil {
		t.Error("ParseStatus accepted fine")
	}
}

// Every pair of statuses: the overall is the worst, with
// OK < UNKNOWN < WARNING < CRITICAL.
func TestWorstEveryCombination(t *testing.T) {
	rank := map[Status]int{OK: 0, Unknown: 1, Warning: 2, Critical: 3}
	all := []Status{OK, Warning, Critical, Unknown}
	for _, a := range all {
		for _, b := range all {
			want := a
			if rank[b] > rank[a] {
				want = b
			}
			if got := Worst(a, b); got != want {
				t.Errorf("Worst(%s, %s) = %s, want %s", a, b, got, want)
			}
			// And through Evaluate: two partition checks with crafted
			// statuses via a report.
			r := &Report{Checks: []Check{{Status: a}, {Status: b}}}
			for _, c := range r.Checks {
				r.Status = Worst(r.Status, c.Status)
			}
			if r.Status != want {
				t.Errorf("report(%s, %s) = %s", a, b, r.Status)
			}
		}
	}
	if Worst() != OK {
		t.Error("Worst() of nothing should be OK")
	}
}

func TestThreshold(t *testing.T) {
	above := Threshold{Warn: Limit(100), Crit: Limit(1000)}
	below := Threshold{Warn: Limit(30), Crit: Limit(7), Below: true}
	onlyCrit := Threshold{Crit: Limit(0)}
	for _, tc := range []struct {
		th   Threshold
		v    float64
		want Status
	}{
		{above, 0, OK}, {above, 100, OK}, {above, 101, Warning}, {above, 1000, Warning}, {above, 1001, Critical},
		{below, 31, OK}, {below, 30, OK}, {below, 29, Warning}, {below, 7, Warning}, {below, 6, Critical}, {below, -1, Critical},
		{onlyCrit, 0, OK}, {onlyCrit, 1, Critical},
		{Threshold{}, 1e12, OK},
	} {
		if got := tc.th.Eval(tc.v); got != tc.want {
			t.Errorf("%+v.Eval(%v) = %s, want %s", tc.th, tc.v, got, tc.want)
		}
	}
	for _, tc := range []struct {
		th         Threshold
		warn, crit string
	}{{above, "100", "1000"}, {below, "30:", "7:"}, {onlyCrit, "", "0"}, {Threshold{Warn: Limit(1.5)}, "1.5", ""}} {
		w, c := tc.th.nagios()
		if w != tc.warn || c != tc.crit {
			t.Errorf("%+v.nagios() = %q,%q want %q,%q", tc.th, w, c, tc.warn, tc.crit)
		}
	}
}

func TestParseChecks(t *testing.T) {
	got, err := ParseChecks(" tls-expiry,brokers,,BROKERS, offline-partitions")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "brokers,offline-partitions,tls-expiry" {
		t.Errorf("got %v", got)
	}
	for _, bad := range []string{"", ",", "brokers,disk", "lag"} {
		if _, err := ParseChecks(bad); err == nil {
			t.Errorf("ParseChecks(%q) accepted", bad)
		}
	}
	if _, err := ParseChecks("nope"); err == nil || !strings.Contains(err.Error(), "choose from brokers, controller") {
		t.Errorf("error should list the checks: %v", err)
	}
}

func TestHealthyAllFormats(t *testing.T) {
	r := Evaluate(healthy(), stdOptions())
	r.Duration = 250 * time.Millisecond
	if r.Status != OK {
		t.Fatalf("status %s: %v", r.Status, statuses(r))
	}
	wantNames := []string{"brokers", "controller", "offline-partitions", "under-min-isr", "under-replicated",
		"at-min-isr", "consumer-lag:billing", "consumer-lag:orders", "tls-expiry"}
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name)
	}
	if strings.Join(names, " ") != strings.Join(wantNames, " ") {
		t.Errorf("checks %v", names)
	}
	wantNagios := "KAFKA OK - all 9 checks OK; 4 topics, 12 partitions checked | brokers=3;;3: offline=0;;0 under_min_isr=0;;0 urp=0;0 at_min_isr=0;0 " +
		"lag_billing=10;100;1000 time_lag_billing=1.5s;60;300 lag_orders=0;100;1000 time_lag_orders=0s;60;300 cert_days=100;30:;7:"
	if got := r.Nagios(); got != wantNagios {
		t.Errorf("nagios:\n got %s\nwant %s", got, wantNagios)
	}

	b, err := json.Marshal(r.View())
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"status":"OK","checks":[` +
		`{"name":"brokers","status":"OK","value":3,"message":"3 of 3 brokers reachable","details":[]},` +
		`{"name":"controller","status":"OK","value":1,"message":"controller is broker 2 (k2:9092)","details":[]},` +
		`{"name":"offline-partitions","status":"OK","value":0,"message":"no offline partitions","details":[]},` +
		`{"name":"under-min-isr","status":"OK","value":0,"message":"no partitions under min ISR","details":[]},` +
		`{"name":"under-replicated","status":"OK","value":0,"message":"no under-replicated partitions","details":[]},` +
		`{"name":"at-min-isr","status":"OK","value":0,"message":"no partitions at min ISR","details":[]},` +
		`{"name":"consumer-lag:billing","status":"OK","value":10,"message":"group billing lag 10, time lag 1.5s","details":["state Stable, 2 members"]},` +
		`{"name":"consumer-lag:orders","status":"OK","value":0,"message":"group orders lag 0, time lag 0s","details":["state Stable, 1 member"]},` +
		`{"name":"tls-expiry","status":"OK","value":100,"message":"earliest certificate expires in 100 days (broker 2, CN=k2, 2025-06-09)","details":[` +
		`"broker 1 (k1:9092): CN=k1 expires 2025-09-17T12:00:00Z (200 days)",` +
		`"broker 2 (k2:9092): CN=k2 expires 2025-06-09T13:00:00Z (100 days)",` +
		`"broker 3 (k3:9092): CN=k3 expires 2025-12-26T12:00:00Z (300 days)"]}` +
		`],"scope":{"topicCount":4,"partitionCount":12,"internalTopicCount":0,"internalIncluded":true,"complete":true},"durationMs":250}`
	if string(b) != wantJSON {
		t.Errorf("json:\n got %s\nwant %s", b, wantJSON)
	}

	fams := parseProm(t, r)
	wantValues := map[string]float64{
		`kctl_health_status{check="brokers"}`:                  0,
		`kctl_health_status{check="consumer-lag:billing"}`:     0,
		`kctl_health_status{check="tls-expiry"}`:               0,
		`kctl_brokers_in_metadata`:                             3,
		`kctl_brokers_reachable`:                               3,
		`kctl_partitions_offline`:                              0,
		`kctl_partitions_under_min_isr`:                        0,
		`kctl_partitions_under_replicated`:                     0,
		`kctl_partitions_at_min_isr`:                           0,
		`kctl_consumergroup_lag{group="billing"}`:              10,
		`kctl_consumergroup_lag{group="orders"}`:               0,
		`kctl_consumergroup_time_lag_seconds{group="billing"}`: 1.5,
		`kctl_tls_cert_expiry_seconds{broker="1"}`:             200 * 86400,
		`kctl_tls_cert_expiry_seconds{broker="2"}`:             100*86400 + 3600,
		`kctl_health_check_duration_seconds`:                   0.25,
	}
	for k, v := range wantValues {
		got, ok := fams[k]
		if !ok {
			t.Errorf("missing sample %s", k)
			continue
		}
		if got != v {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
	if n := countPrefix(fams, "kctl_health_status{"); n != 9 {
		t.Errorf("%d status samples, want 9", n)
	}

	if got := r.TableRows(); len(got) != 9 || strings.Join(got[0], "|") != "brokers|OK|3|3 of 3 brokers reachable" {
		t.Errorf("table rows %v", got)
	}
	if got := r.TextFooter(); got != "\nScope: 4 topics, 12 partitions checked (internal topics included)\n\nOverall: OK (9 checks in 250ms)\n" {
		t.Errorf("footer %q", got)
	}
}

// parseProm parses the exposition with Prometheus's own parser and returns
// series -> value; it also checks every family is a gauge with HELP.
func parseProm(t *testing.T, r *Report) map[string]float64 {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WritePrometheus(&buf); err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("parse exposition: %v\n%s", err, buf.String())
	}
	out := map[string]float64{}
	for name, f := range fams {
		if f.GetType() != dto.MetricType_GAUGE {
			t.Errorf("%s is %v, want gauge", name, f.GetType())
		}
		if f.GetHelp() == "" {
			t.Errorf("%s has no HELP", name)
		}
		if !strings.HasPrefix(name, "kctl_") {
			t.Errorf("metric %s lacks the kctl_ prefix", name)
		}
		for _, m := range f.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			sort.Strings(ls)
			key := name
			if len(ls) > 0 {
				key += "{" + strings.Join(ls, ",") + "}"
			}
			if _, dup := out[key]; dup {
				t.Errorf("duplicate series %s", key)
			}
			out[key] = m.GetGauge().GetValue()
		}
	}
	// Each HELP/TYPE pair appears once and before its samples.
	text := buf.String()
	for name := range fams {
		if strings.Count(text, "# TYPE "+name+" gauge\n") != 1 {
			t.Errorf("TYPE line of %s not exactly once", name)
		}
	}
	return out
}

func countPrefix(m map[string]float64, prefix string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}

func TestPartitionProblems(t *testing.T) {
	f := healthy()
	f.Groups, f.TLS = nil, nil
	f.Partitions = &Partitions{Topics: 3, Total: 9,
		Offline:         []string{"a[0]", "a[1]"},
		UnderMinISR:     []string{"a[0]", "a[1]", "b[2]"},
		UnderReplicated: []string{"a[0]", "a[1]", "b[0]", "b[1]", "b[2]"},
		AtMinISR:        []string{"c[0]"},
	}
	r := Evaluate(f, Options{})
	if r.Status != Critical {
		t.Fatalf("status %s", r.Status)
	}
	want := map[string]Status{"brokers": OK, "controller": OK, "offline-partitions": Critical, "under-min-isr": Critical,
		"under-replicated": Warning, "at-min-isr": Warning}
	if got := statuses(r); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	wantLine := "KAFKA CRITICAL - 2 offline partitions, 3 under-min-ISR, 5 under-replicated, 1 at-min-ISR; 3 topics, 9 partitions checked | " +
		"brokers=3;;3: offline=2;;0 under_min_isr=3;;0 urp=5;0 at_min_isr=1;0"
	if got := r.Nagios(); got != wantLine {
		t.Errorf("nagios:\n got %s\nwant %s", got, wantLine)
	}
	if c := find(t, r, "under-replicated"); *c.Value != 5 || strings.Join(c.Details, " ") != "a[0] a[1] b[0] b[1] b[2]" {
		t.Errorf("urp check %+v", c)
	}
	if c := find(t, r, "offline-partitions"); c.Message != "2 offline partitions" {
		t.Errorf("message %q", c.Message)
	}
	p := parseProm(t, r)
	for k, v := range map[string]float64{"kctl_partitions_offline": 2, "kctl_partitions_under_min_isr": 3,
		"kctl_partitions_under_replicated": 5, "kctl_partitions_at_min_isr": 1,
		`kctl_health_status{check="offline-partitions"}`: 2, `kctl_health_status{check="under-replicated"}`: 1} {
		if p[k] != v {
			t.Errorf("%s = %v, want %v", k, p[k], v)
		}
	}
	if !strings.Contains(r.TextFooter(), "\noffline-partitions CRITICAL:\n  a[0]\n  a[1]\n") {
		t.Errorf("footer %q", r.TextFooter())
	}

	// Only warnings: exit 1, singular wording.
	f.Partitions = &Partitions{UnderReplicated: []string{"x[0]"}}
	r = Evaluate(f, Options{})
	if r.Status != Warning || r.Nagios() != "KAFKA WARNING - 1 under-replicated; 0 topics, 0 partitions checked | brokers=3;;3: offline=0;;0 under_min_isr=0;;0 urp=1;0 at_min_isr=0;0" {
		t.Errorf("%s: %s", r.Status, r.Nagios())
	}
	f.Partitions = &Partitions{Offline: []string{"x[0]"}}
	if c := find(t, Evaluate(f, Options{}), CheckOffline); c.Message != "1 offline partition" {
		t.Errorf("singular: %q", c.Message)
	}
}

func TestPartitionErrorsAndFailures(t *testing.T) {
	f := Facts{Now: now, Partitions: &Partitions{UnderReplicated: []string{"a[0]"}, Errors: []string{"topic b: TOPIC_AUTHORIZATION_FAILED"}}}
	r := Evaluate(f, Options{})
	want := map[string]Status{"offline-partitions": Unknown, "under-min-isr": Unknown, "under-replicated": Warning, "at-min-isr": Unknown}
	if got := statuses(r); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses %v", got)
	}
	if r.Status != Warning {
		t.Errorf("warning must beat unknown: %s", r.Status)
	}
	if c := find(t, r, CheckOffline); c.Message != "no offline partitions (1 topic could not be checked)" || c.Details[0] != "topic b: TOPIC_AUTHORIZATION_FAILED" {
		t.Errorf("%+v", c)
	}

	// min.insync.replicas unknown: only the two min-ISR checks are affected,
	// and a leaderless partition still counts as under min ISR.
	f.Partitions = &Partitions{Offline: []string{"a[0]"}, UnderMinISR: []string{"a[0]"}, MinISRErrors: []string{"describe configs: no answer"}}
	r = Evaluate(f, Options{})
	want = map[string]Status{"offline-partitions": Critical, "under-min-isr": Critical, "under-replicated": OK, "at-min-isr": Unknown}
	if got := statuses(r); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses %v", got)
	}
	if c := find(t, r, CheckAtMinISR); c.Message != "no partitions at min ISR (min.insync.replicas unknown for 1 topic)" {
		t.Errorf("%q", c.Message)
	}

	// The topic plan failed: all four UNKNOWN, no partition metrics.
	f.Partitions = &Partitions{Err: "metadata: no answer within 3s"}
	r = Evaluate(f, Options{})
	if r.Status != Unknown {
		t.Errorf("status %s", r.Status)
	}
	for _, c := range r.Checks {
		if c.Status != Unknown || c.Message != "metadata: no answer within 3s" || c.Value != nil {
			t.Errorf("%+v", c)
		}
	}
	p := parseProm(t, r)
	if _, ok := p["kctl_partitions_offline"]; ok {
		t.Error("failed plan must not print a fake zero")
	}
	if r.Nagios() != "KAFKA UNKNOWN - metadata: no answer within 3s" {
		t.Errorf("nagios %s", r.Nagios())
	}
}

func TestDetailsCapped(t *testing.T) {
	var parts []string
	for i := 0; i < 25; i++ {
		parts = append(parts, fmt.Sprintf("t[%d]", i))
	}
	r := Evaluate(Facts{Now: now, Partitions: &Partitions{Offline: parts}}, Options{Checks: []string{CheckOffline}})
	c := r.Checks[0]
	if len(c.Details) != 21 || c.Details[20] != "... and 5 more" || *c.Value != 25 {
		t.Errorf("%v", c.Details)
	}
}

func TestBrokers(t *testing.T) {
	three := []BrokerProbe{{ID: 1, Addr: "k1:9092"}, {ID: 2, Addr: "k2:9092"}, {ID: 3, Addr: "k3:9092"}}
	two := three[:2]
	hung := append([]BrokerProbe(nil), three...)
	hung[2].Err = "no answer within 2s"
	for _, tc := range []struct {
		name    string
		probes  []BrokerProbe
		expect  int
		status  Status
		value   float64
		message string
		perf    string
	}{
		{"all up", three, 3, OK, 3, "3 of 3 brokers reachable", "brokers=3;;3:"},
		{"no expectation", two, 0, OK, 2, "2 of 2 brokers reachable", "brokers=2;;2:"},
		{"one removed", two, 3, Critical, 2, "2 brokers in metadata, expected 3", "brokers=2;;3:"},
		{"more than expected", three, 2, OK, 3, "3 of 3 brokers reachable", "brokers=3;;3:"},
		{"one hangs", hung, 3, Critical, 2, "1 of 3 brokers unreachable (3)", "brokers=2;;3:"},
		{"removed and hung", hung[1:], 3, Critical, 1, "2 brokers in metadata, expected 3; 1 of 2 brokers unreachable (3)", "brokers=1;;3:"},
		{"none", nil, 0, Critical, 0, "no broker in metadata", "brokers=0;;0:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Evaluate(Facts{Now: now, Brokers: &Brokers{Brokers: tc.probes}}, Options{ExpectBrokers: tc.expect})
			c := r.Checks[0]
			if c.Status != tc.status || *c.Value != tc.value || c.Message != tc.message {
				t.Errorf("got %s %v %q", c.Status, *c.Value, c.Message)
			}
			if got := r.Nagios(); !strings.HasSuffix(got, " | "+tc.perf) {
				t.Errorf("nagios %s", got)
			}
			if r.Status.ExitCode() != int(tc.status) {
				t.Errorf("exit %d", r.Status.ExitCode())
			}
		})
	}
	r := Evaluate(Facts{Now: now, Brokers: &Brokers{Brokers: hung}}, Options{})
	if d := r.Checks[0].Details; len(d) != 1 || d[0] != "broker 3 (k3:9092): no answer within 2s" {
		t.Errorf("details %v", d)
	}
	p := parseProm(t, r)
	if p["kctl_brokers_reachable"] != 2 || p["kctl_brokers_in_metadata"] != 3 {
		t.Errorf("%v", p)
	}
}

func TestController(t *testing.T) {
	for _, tc := range []struct {
		c       Controller
		status  Status
		message string
	}{
		{Controller{ID: 1, Addr: "k1:9092", Live: true}, OK, "controller is broker 1 (k1:9092)"},
		{Controller{ID: 1, Live: true}, OK, "controller is broker 1"},
		{Controller{ID: -1}, Critical, "no active controller"},
		{Controller{ID: 7}, Critical, "controller 7 is not a live broker"},
		{Controller{Err: "metadata failed"}, Unknown, "metadata failed"},
	} {
		c := tc.c
		r := Evaluate(Facts{Now: now, Controller: &c}, Options{})
		if got := r.Checks[0]; got.Status != tc.status || got.Message != tc.message {
			t.Errorf("%+v: got %s %q", tc.c, got.Status, got.Message)
		}
	}
}

func TestConsumerLag(t *testing.T) {
	groups := &Groups{Groups: []Group{
		{Name: "fine", Exists: true, State: "Stable", Members: 3, Lag: 50, TimeLag: dur(10 * time.Second)},
		{Name: "warn-lag", Exists: true, State: "Stable", Members: 1, Lag: 500, TimeLag: dur(20 * time.Second)},
		{Name: "crit-lag", Exists: true, State: "Stable", Members: 1, Lag: 5000, TimeLag: dur(30 * time.Second)},
		{Name: "crit-time", Exists: true, State: "Stable", Members: 1, Lag: 5, TimeLag: dur(10 * time.Minute)},
		{Name: "warn-time", Exists: true, State: "Stable", Members: 1, Lag: 5, TimeLag: dur(90 * time.Second)},
		{Name: "ghost"},
		{Name: "empty", Exists: true, State: "Empty", Lag: 20, TimeLag: dur(5 * time.Second)},
		{Name: "dead-caught-up", Exists: true, State: "Dead", Lag: 0, TimeLag: dur(0)},
		{Name: "no-time", Exists: true, State: "Stable", Members: 1, Lag: 7},
		{Name: "broken", Exists: true, Err: "OffsetFetch: COORDINATOR_NOT_AVAILABLE"},
		{Name: "partial", Exists: true, State: "Stable", Members: 1, Lag: 2000, Err: "orders[3]: log-end offset not read"},
		{Name: "gone", Err: "FindCoordinator: GROUP_AUTHORIZATION_FAILED"},
	}}
	type want struct {
		status  Status
		message string
	}
	base := map[string]want{
		"fine":           {OK, "group fine lag 50, time lag 10s"},
		"warn-lag":       {Warning, "group warn-lag lag 500, time lag 20s (lag > 100)"},
		"crit-lag":       {Critical, "group crit-lag lag 5000, time lag 30s (lag > 1000)"},
		"crit-time":      {Critical, "group crit-time lag 5, time lag 10m (time lag > 5m)"},
		"warn-time":      {Warning, "group warn-time lag 5, time lag 1m30s (time lag > 1m)"},
		"ghost":          {Unknown, "group ghost does not exist"},
		"empty":          {OK, "group empty is Empty (no active members), lag 20, time lag 5s"},
		"dead-caught-up": {OK, "group dead-caught-up is Dead (no active members), lag 0, time lag 0s"},
		"no-time":        {OK, "group no-time lag 7, time lag unknown"},
		"broken":         {Unknown, "group broken lag 0; incomplete: OffsetFetch: COORDINATOR_NOT_AVAILABLE"},
		"partial":        {Critical, "group partial lag 2000, time lag unknown (lag > 1000); incomplete: orders[3]: log-end offset not read"},
		"gone":           {Unknown, "group gone: FindCoordinator: GROUP_AUTHORIZATION_FAILED"},
	}
	check := func(t *testing.T, r *Report, wants map[string]want) {
		t.Helper()
		for g, w := range wants {
			c := find(t, r, GroupCheckName(g))
			if c.Status != w.status || c.Message != w.message {
				t.Errorf("%s: got %s %q, want %s %q", g, c.Status, c.Message, w.status, w.message)
			}
		}
	}
	opts := stdOptions()
	r := Evaluate(Facts{Now: now, Groups: groups}, opts)
	check(t, r, base)
	if r.Status != Critical || len(r.Checks) != 12 {
		t.Errorf("status %s, %d checks", r.Status, len(r.Checks))
	}

	// --stopped-warn: a stopped consumer with lag warns on its own; a
	// caught-up one stays OK.
	opts.StoppedWarn = true
	r = Evaluate(Facts{Now: now, Groups: groups}, opts)
	stopped := map[string]want{}
	for k, v := range base {
		stopped[k] = v
	}
	stopped["empty"] = want{Warning, "group empty is Empty (no active members), lag 20, time lag 5s (stopped consumer with lag)"}
	check(t, r, stopped)

	// No thresholds: only existence and errors matter.
	r = Evaluate(Facts{Now: now, Groups: groups}, Options{})
	for _, g := range []string{"crit-lag", "crit-time"} {
		if c := find(t, r, GroupCheckName(g)); c.Status != OK {
			t.Errorf("%s without thresholds: %s", g, c.Status)
		}
	}
	if r.Status != Unknown {
		t.Errorf("missing group makes the run UNKNOWN: %s", r.Status)
	}

	// Nagios line of a small selection, exactly.
	small := &Groups{Groups: []Group{groups.Groups[0], groups.Groups[2], groups.Groups[5]}}
	r = Evaluate(Facts{Now: now, Groups: small}, stdOptions())
	wantLine := "KAFKA CRITICAL - group crit-lag lag 5000, time lag 30s (lag > 1000), group ghost does not exist | " +
		"lag_fine=50;100;1000 time_lag_fine=10s;60;300 lag_crit-lag=5000;100;1000 time_lag_crit-lag=30s;60;300"
	if got := r.Nagios(); got != wantLine {
		t.Errorf("nagios:\n got %s\nwant %s", got, wantLine)
	}
	p := parseProm(t, r)
	if p[`kctl_consumergroup_lag{group="crit-lag"}`] != 5000 || p[`kctl_consumergroup_time_lag_seconds{group="fine"}`] != 10 {
		t.Errorf("%v", p)
	}
	if _, ok := p[`kctl_consumergroup_lag{group="ghost"}`]; ok {
		t.Error("a missing group must not get a lag series")
	}
	if p[`kctl_health_status{check="consumer-lag:ghost"}`] != 3 {
		t.Error("ghost status")
	}
}

func TestConsumerLagSelection(t *testing.T) {
	r := Evaluate(Facts{Now: now, Groups: &Groups{Pattern: "^pay-"}}, Options{})
	if c := r.Checks[0]; c.Name != "consumer-lag" || c.Status != Unknown || c.Message != `no consumer group matches --group-pattern "^pay-"` {
		t.Errorf("%+v", c)
	}
	r = Evaluate(Facts{Now: now, Groups: &Groups{Err: "ListGroups: broker 2: no answer"}}, Options{})
	if c := r.Checks[0]; c.Status != Unknown || c.Message != "ListGroups: broker 2: no answer" {
		t.Errorf("%+v", c)
	}
	// A broker did not list its groups: the selection may miss some.
	r = Evaluate(Facts{Now: now, Groups: &Groups{Pattern: ".", Incomplete: "broker 2 did not list its groups",
		Groups: []Group{{Name: "a", Exists: true, State: "Stable", Members: 1}}}}, Options{})
	if len(r.Checks) != 2 || r.Checks[0].Status != OK || r.Checks[1].Name != "consumer-lag" || r.Checks[1].Status != Unknown || r.Status != Unknown {
		t.Errorf("%+v", r.Checks)
	}
	// The plan failed for named groups: each is UNKNOWN with the cause.
	r = Evaluate(Facts{Now: now, Groups: &Groups{Err: "timeout", Groups: []Group{{Name: "a"}, {Name: "b"}}}}, Options{})
	if len(r.Checks) != 2 || r.Checks[1].Message != "group b: timeout" || r.Status != Unknown {
		t.Errorf("%+v", r.Checks)
	}
}

func TestTLSExpiry(t *testing.T) {
	opts := stdOptions()
	cert := func(d time.Duration) *TLS {
		return &TLS{Certs: []Cert{
			{Broker: 2, Addr: "k2:9093", Subject: "CN=k2", NotAfter: now.Add(d)},
			{Broker: 1, Addr: "k1:9093", Subject: "CN=k1", NotAfter: now.Add(400 * 24 * time.Hour)},
		}}
	}
	day := 24 * time.Hour
	for _, tc := range []struct {
		left    time.Duration
		status  Status
		value   float64
		message string
	}{
		{90 * day, OK, 90, "earliest certificate expires in 90 days (broker 2, CN=k2, 2025-05-30)"},
		{30 * day, OK, 30, "earliest certificate expires in 30 days (broker 2, CN=k2, 2025-03-31)"},
		{20 * day, Warning, 20, "earliest certificate expires in 20 days (broker 2, CN=k2, 2025-03-21)"},
		{5 * day, Critical, 5, "earliest certificate expires in 5 days (broker 2, CN=k2, 2025-03-06)"},
		{5*day - time.Second, Critical, 4, "earliest certificate expires in 4 days (broker 2, CN=k2, 2025-03-06)"},
		{36 * time.Hour, Critical, 1, "earliest certificate expires in 1 day (broker 2, CN=k2, 2025-03-03)"},
		{-time.Hour, Critical, -1, "certificate of broker 2 (CN=k2) expired on 2025-03-01"},
	} {
		r := Evaluate(Facts{Now: now, TLS: cert(tc.left)}, opts)
		c := r.Checks[0]
		if c.Status != tc.status || *c.Value != tc.value || c.Message != tc.message {
			t.Errorf("%v: got %s %v %q", tc.left, c.Status, *c.Value, c.Message)
		}
	}
	r := Evaluate(Facts{Now: now, TLS: cert(5 * day)}, opts)
	if got, want := r.Nagios(), "KAFKA CRITICAL - earliest certificate expires in 5 days (broker 2, CN=k2, 2025-03-06) | cert_days=5;30:;7:"; got != want {
		t.Errorf("nagios:\n got %s\nwant %s", got, want)
	}
	p := parseProm(t, r)
	if p[`kctl_tls_cert_expiry_seconds{broker="2"}`] != 5*86400 || p[`kctl_tls_cert_expiry_seconds{broker="1"}`] != 400*86400 {
		t.Errorf("%v", p)
	}

	// A broker that could not be asked makes an OK verdict UNKNOWN.
	tl := cert(90 * day)
	tl.Certs = append(tl.Certs, Cert{Broker: 3, Addr: "k3:9093", Err: "no answer within 2s"})
	c := Evaluate(Facts{Now: now, TLS: tl}, opts).Checks[0]
	if c.Status != Unknown || !strings.HasSuffix(c.Message, "; 1 broker not checked") || c.Details[2] != "broker 3 (k3:9093): no answer within 2s" {
		t.Errorf("%+v", c)
	}
	c = Evaluate(Facts{Now: now, TLS: &TLS{Certs: []Cert{{Broker: 1, Err: "x"}}}}, opts).Checks[0]
	if c.Status != Unknown || c.Value != nil {
		t.Errorf("%+v", c)
	}
	// Selected while the connection is plaintext.
	c = Evaluate(Facts{Now: now, TLS: &TLS{Err: "the connection does not use TLS"}}, opts).Checks[0]
	if c.Status != Unknown {
		t.Errorf("%+v", c)
	}
}

func TestSelectionAndMissingFacts(t *testing.T) {
	f := healthy()
	r := Evaluate(f, Options{Checks: []string{CheckOffline, CheckBrokers}})
	if len(r.Checks) != 2 || r.Checks[0].Name != CheckOffline || r.Checks[1].Name != CheckBrokers {
		t.Errorf("selection order kept as given: %v", statuses(r))
	}
	p := parseProm(t, r)
	if _, ok := p["kctl_partitions_under_replicated"]; ok {
		t.Error("unselected check exported")
	}
	if _, ok := p[`kctl_consumergroup_lag{group="billing"}`]; ok {
		t.Error("unselected groups exported")
	}
	f.Controller = nil
	r = Evaluate(f, Options{Checks: []string{CheckController}})
	if r.Status != Unknown || r.Checks[0].Message != "not run: its facts were not gathered" {
		t.Errorf("%+v", r.Checks)
	}
	r = Evaluate(Facts{}, Options{})
	if r.Status != Unknown || r.Nagios() != "KAFKA UNKNOWN - no check ran" {
		t.Errorf("%s %s", r.Status, r.Nagios())
	}
	if b, _ := json.Marshal(r.View()); string(b) != `{"status":"UNKNOWN","checks":[],"scope":null,"durationMs":0}` {
		t.Errorf("%s", b)
	}
}

func TestUnreachable(t *testing.T) {
	f := Unreachable(now, "broker 127.0.0.1:1: connection refused", []string{"orders"}, "")
	r := Evaluate(f, Options{Checks: []string{CheckBrokers, CheckOffline, CheckConsumerLag}})
	if r.Status != Unknown || r.Status.ExitCode() != 3 {
		t.Fatalf("%s", r.Status)
	}
	want := "KAFKA UNKNOWN - broker 127.0.0.1:1: connection refused, group orders: broker 127.0.0.1:1: connection refused"
	if got := r.Nagios(); got != want {
		t.Errorf("nagios:\n got %s\nwant %s", got, want)
	}
	p := parseProm(t, r)
	if len(p) != 4 || p[`kctl_health_status{check="consumer-lag:orders"}`] != 3 {
		t.Errorf("%v", p)
	}
}

func TestEscaping(t *testing.T) {
	g := &Groups{Groups: []Group{
		{Name: `we"ird\grp`, Exists: true, State: "Stable", Lag: 1},
		{Name: "has space=and'quote|pipe", Exists: true, State: "Stable", Lag: 2},
		{Name: "line\nbreak", Exists: true, State: "Stable", Lag: 3},
	}}
	r := Evaluate(Facts{Now: now, Groups: g}, Options{Lag: Threshold{Crit: Limit(0)}})
	p := parseProm(t, r)
	for k, v := range map[string]float64{
		`kctl_consumergroup_lag{group="we\"ird\\grp"}`:                      1,
		`kctl_consumergroup_lag{group="has space=and'quote|pipe"}`:          2,
		`kctl_consumergroup_lag{group="line\nbreak"}`:                       3,
		`kctl_health_status{check="consumer-lag:has space=and'quote|pipe"}`: 2,
	} {
		if p[k] != v {
			t.Errorf("%s = %v (have %v)", k, p[k], p)
		}
	}
	line := r.Nagios()
	if strings.Count(line, "|") != 1 || strings.Contains(line, "\n") {
		t.Errorf("nagios line must have one '|' and no newline: %s", line)
	}
	if !strings.Contains(line, ` 'lag_has space_and_quote_pipe'=2;;0 `) || !strings.HasSuffix(line, " lag_line_break=3;;0") {
		t.Errorf("labels: %s", line)
	}
	for _, row := range r.TableRows() {
		if strings.Contains(row[3], "\n") {
			t.Errorf("table cell with newline: %q", row[3])
		}
	}
}

func TestFormatHelpers(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0s", 1500 * time.Millisecond: "1.5s", 90 * time.Second: "1m30s",
		5 * time.Minute: "5m", 2 * time.Hour: "2h", 3723 * time.Second: "1h2m3s", 250 * time.Millisecond: "250ms"} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %s, want %s", d, got, want)
		}
	}
	for v, want := range map[float64]string{0: "0", 12: "12", -3: "-3", 1.5: "1.5", 0.25: "0.25", 123456789012: "123456789012"} {
		if got := formatNumber(v); got != want {
			t.Errorf("formatNumber(%v) = %s", v, got)
		}
	}
	if seconds(21180562225073) != 21180.562 || seconds(1500*time.Millisecond) != 1.5 {
		t.Error("seconds rounds to the millisecond")
	}
}
