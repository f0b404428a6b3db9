package doctor

import (
	"testing"
	"time"
)

func id(n int32) *int32 { return &n }

func TestWorstAndExitCode(t *testing.T) {
	cases := []struct {
		in   []Status
		want Status
		code int
	}{
		{nil, Pass, 0},
		{[]Status{Pass, Skip}, Pass, 0},
		{[]Status{Skip, Warn, Pass}, Warn, 1},
		{[]Status{Warn, Fail, Skip}, Fail, 2},
		{[]Status{Fail, Warn}, Fail, 2},
	}
	for _, c := range cases {
		if got := Worst(c.in...); got != c.want || ExitCode(got) != c.code {
			t.Errorf("Worst(%v) = %s (exit %d), want %s (exit %d)", c.in, got, ExitCode(got), c.want, c.code)
		}
	}
}

func TestReportVerdict(t *testing.T) {
	ok := Target{Address: "a:1", ID: id(0), Bootstrap: true, Steps: []Step{{Name: StepDNS, Status: Pass}, {Name: StepTLS, Status: Skip}}}
	warn := Target{Address: "b:1", ID: id(1), Steps: []Step{{Name: StepTLS, Status: Warn}}}
	bad := Target{Address: "kafka-2.invalid:9092", ID: id(2), Steps: []Step{{Name: StepDNS, Status: Fail}, {Name: StepTCP, Status: Skip}}}
	boot := Target{Address: "c:1", Bootstrap: true, Steps: []Step{{Name: StepTCP, Status: Fail}}}
	cases := []struct {
		r    Report
		want Status
		line string
	}{
		{Report{}, Fail, "FAIL: nothing was checked"},
		{Report{Targets: []Target{ok}}, Pass, "PASS: 1 address checked, no warnings"},
		{Report{Targets: []Target{ok, warn}}, Warn, "WARN: 1 warning on 2 addresses (broker 1 b:1 tls)"},
		{Report{Targets: []Target{ok, warn, bad, boot}}, Fail, "FAIL: 2 failed steps on 4 addresses (broker 2 kafka-2.invalid:9092 dns; bootstrap c:1 tcp), 1 warning (broker 1 b:1 tls)"},
	}
	for _, c := range cases {
		if got := c.r.Status(); got != c.want {
			t.Errorf("status = %s, want %s", got, c.want)
		}
		if got := c.r.Verdict(); got != c.line {
			t.Errorf("verdict = %q\nwant      %q", got, c.line)
		}
	}
	if got := ok.Label(); got != "bootstrap a:1 (broker 0)" {
		t.Errorf("label = %q", got)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0.0ms", 340 * time.Microsecond: "0.3ms", 12 * time.Millisecond: "12ms", 1520 * time.Millisecond: "1.52s",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestThresholdsValidate(t *testing.T) {
	for _, c := range []struct {
		th Thresholds
		ok bool
	}{
		{DefaultThresholds, true}, {Thresholds{0, 0}, true}, {Thresholds{7, 7}, true},
		{Thresholds{7, 30}, false}, {Thresholds{-1, 0}, false}, {Thresholds{30, -2}, false},
	} {
		if err := c.th.Validate(); (err == nil) != c.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", c.th, err, c.ok)
		}
	}
}

func TestDaysLeft(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		after time.Duration
		want  int
	}{
		{0, 0}, {23 * time.Hour, 0}, {24 * time.Hour, 1}, {5*24*time.Hour + time.Hour, 5}, {-time.Hour, -1}, {-24 * time.Hour, -1}, {-25 * time.Hour, -2},
		// Floored, as the tls-expiry check of `kctl health` counts too.
		{-time.Second, -1}, {47 * time.Hour, 1},
	} {
		if got := DaysLeft(now.Add(c.after), now); got != c.want {
			t.Errorf("DaysLeft(now%+v) = %d, want %d", c.after, got, c.want)
		}
	}
}

func TestClassifyChain(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	cert := func(before, after time.Duration) Cert {
		return Cert{Subject: "CN=x", NotBefore: now.Add(before), NotAfter: now.Add(after)}
	}
	cases := []struct {
		name  string
		chain []Cert
		th    Thresholds
		want  Expiry
	}{
		{"no chain", nil, DefaultThresholds, Expiry{Status: Pass, Index: -1}},
		{"a year left", []Cert{cert(-day, 365*day)}, DefaultThresholds, Expiry{Status: Pass, DaysLeft: 365}},
		{"31 days", []Cert{cert(-day, 31*day)}, DefaultThresholds, Expiry{Status: Pass, DaysLeft: 31}},
		{"exactly 30 days is within warn", []Cert{cert(-day, 30*day)}, DefaultThresholds, Expiry{Status: Warn, DaysLeft: 30}},
		{"20 days", []Cert{cert(-day, 20*day)}, DefaultThresholds, Expiry{Status: Warn, DaysLeft: 20}},
		{"7.5 days is not within 7", []Cert{cert(-day, 7*day+12*time.Hour)}, DefaultThresholds, Expiry{Status: Warn, DaysLeft: 7}},
		{"5 days critical", []Cert{cert(-day, 5*day+time.Hour)}, DefaultThresholds, Expiry{Status: Fail, DaysLeft: 5}},
		{"5 days with crit 3 warns", []Cert{cert(-day, 5*day+time.Hour)}, Thresholds{30, 3}, Expiry{Status: Warn, DaysLeft: 5}},
		{"5 days below both", []Cert{cert(-day, 5*day+time.Hour)}, Thresholds{3, 1}, Expiry{Status: Pass, DaysLeft: 5}},
		{"zero thresholds pass until expiry", []Cert{cert(-day, time.Hour)}, Thresholds{0, 0}, Expiry{Status: Pass, DaysLeft: 0}},
		{"expired", []Cert{cert(-2*day, -day)}, DefaultThresholds, Expiry{Status: Fail, DaysLeft: -1, Expired: true}},
		{"not yet valid", []Cert{cert(day, 365*day)}, DefaultThresholds, Expiry{Status: Fail, DaysLeft: 365, NotYetValid: true}},
		{"intermediate expires first", []Cert{cert(-day, 365*day), cert(-day, 10*day)}, DefaultThresholds, Expiry{Status: Warn, Index: 1, DaysLeft: 10}},
		{"expired intermediate", []Cert{cert(-day, 365*day), cert(-2*day, -time.Hour)}, DefaultThresholds, Expiry{Status: Fail, Index: 1, DaysLeft: -1, Expired: true}},
	}
	for _, c := range cases {
		if got := ClassifyChain(c.chain, now, c.th); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestDaysAndDate(t *testing.T) {
	for n, want := range map[int]string{0: "in 0 days", 1: "in 1 day", 12: "in 12 days", -1: "1 day ago", -3: "3 days ago"} {
		if got := Days(n); got != want {
			t.Errorf("Days(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Date(time.Date(2027, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))); got != "2027-01-02 02:04 UTC" {
		t.Errorf("Date = %q", got)
	}
	c := Cert{DNSNames: []string{"kafka-0.example.com"}, IPAddresses: []string{"10.0.0.1"}}
	if got := c.Names(); got != "kafka-0.example.com, 10.0.0.1" {
		t.Errorf("Names = %q", got)
	}
	if got := (Cert{}).Names(); got != "no names" {
		t.Errorf("Names = %q", got)
	}
}

func TestMissingAPIs(t *testing.T) {
	all := map[int16]APIRange{}
	for _, n := range NeededAPIs {
		all[n.Key] = APIRange{0, n.Version + 1}
	}
	if m := MissingAPIs(all); len(m) != 0 {
		t.Errorf("missing %v from a complete set", m)
	}
	old := map[int16]APIRange{}
	for k, v := range all {
		old[k] = v
	}
	old[9] = APIRange{0, 7}
	delete(old, 50)
	delete(old, 51)
	want := []string{
		"OffsetFetch v8 (lag of many groups in one request, Kafka 3.0+)",
		"DescribeUserScramCredentials v0 (user, Kafka 2.7+)",
		"AlterUserScramCredentials v0 (user, Kafka 2.7+)",
	}
	got := MissingAPIs(old)
	if len(got) != len(want) {
		t.Fatalf("missing = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("missing[%d] = %q, want %q", i, got[i], want[i])
		}
	}
	// Kafka 4.0 dropped old versions: a higher minimum is not a miss.
	if m := MissingAPIs(map[int16]APIRange{3: {4, 12}, 2: {1, 9}, 9: {1, 9}, 10: {0, 6}, 15: {0, 6}, 16: {0, 5}, 8: {2, 9}, 32: {1, 4}, 29: {1, 3}, 50: {0, 0}, 51: {0, 0}}); len(m) != 0 {
		t.Errorf("missing %v on a 4.0-like broker", m)
	}

}

func TestHints(t *testing.T) {
	two := id(2)
	cases := []struct {
		p    Problem
		f    Facts
		want string
	}{
		{NoProblem, Facts{}, ""},
		{DNSNotFound, Facts{Addr: "kafka-2.internal:9092", Host: "kafka-2.internal", BrokerID: two},
			"advertised listener kafka-2.internal:9092 does not resolve from here: check advertised.listeners on broker 2"},
		{DNSNotFound, Facts{Addr: "kafka.internal:9092", Host: "kafka.internal"},
			"kafka.internal does not resolve from here: check the host name in --brokers (bootstrap.servers) and this machine's DNS"},
		{TCPRefused, Facts{Addr: "10.0.0.2:9092", BrokerID: two},
			"advertised listener 10.0.0.2:9092 refuses connections: is broker 2 up, and does advertised.listeners name a port reachable from here?"},
		{TCPRefused, Facts{Addr: "127.0.0.1:1"}, "nothing listens on 127.0.0.1:1: is the broker up and the port right?"},
		{TLSPlaintextPort, Facts{Protocol: "SASL_SSL"}, "the port answers PLAINTEXT: set security.protocol=SASL_PLAINTEXT or use the TLS port"},
		{TLSPlaintextPort, Facts{Protocol: "SSL"}, "the port answers PLAINTEXT: set security.protocol=PLAINTEXT or use the TLS port"},
		{KafkaSpeaksTLS, Facts{Protocol: "PLAINTEXT"}, "the port speaks TLS: set security.protocol=SSL or use the PLAINTEXT port"},
		{KafkaSpeaksTLS, Facts{Protocol: "SASL_PLAINTEXT"}, "the port speaks TLS: set security.protocol=SASL_SSL or use the PLAINTEXT port"},
		{SASLMechanismNotEnabled, Facts{Mechanism: "SCRAM-SHA-512", Enabled: []string{"PLAIN"}},
			"SCRAM-SHA-512 is not enabled on this listener; enabled: PLAIN; set --sasl-mechanism (sasl.mechanism) to an enabled one, or add SCRAM-SHA-512 to sasl.enabled.mechanisms"},
		{SASLNotSASLListener, Facts{Protocol: "SASL_SSL"}, "the listener does not use SASL: set security.protocol=SSL or use the SASL port"},
		{TLSHostnameMismatch, Facts{Host: "127.0.0.1", Names: "kafka-0.example.com"},
			"the certificate is not valid for 127.0.0.1; its SANs are kafka-0.example.com: connect with one of those names, set --tls-server-name, or reissue the certificate with 127.0.0.1 in its SANs"},
		{TLSUnknownAuthority, Facts{Issuer: "CN=other CA", CAFile: "/etc/kafka/ca.pem"},
			"the certificate (issuer CN=other CA) is signed by an unknown authority, not by a CA in /etc/kafka/ca.pem: point --tls-ca-file (ssl.truststore.location) at the CA that signed the broker certificates"},
		{TLSExpired, Facts{Subject: "CN=kafka", Date: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)}, "the certificate CN=kafka expired on 2026-01-02 03:04 UTC: renew it on the broker"},
		{MetadataClosed, Facts{Protocol: "SSL"}, "the broker closed the connection at the Metadata request: the listener probably requires SASL; set security.protocol=SASL_SSL with --sasl-mechanism and --sasl-username"},
		{KafkaNoAnswer, Facts{Timeout: time.Second}, "the port accepted the connection but sent no Kafka answer within 1s: is it the right port, or is the broker overloaded or stuck?"},
		{APIsMissing, Facts{Missing: []string{"OffsetFetch v8 (x)"}}, "the broker lacks OffsetFetch v8 (x): the kctl commands that need them will fail or fall back to slower plans; upgrade the brokers"},
	}
	for _, c := range cases {
		if got := Hint(c.p, c.f); got != c.want {
			t.Errorf("Hint(%d) = %q\nwant            %q", c.p, got, c.want)
		}
	}
	// Every problem has a hint.
	for p := DNSNotFound; p <= DiscoveryFailed; p++ {
		if Hint(p, Facts{BrokerID: two}) == "" {
			t.Errorf("problem %d has no hint", p)
		}
	}
}
