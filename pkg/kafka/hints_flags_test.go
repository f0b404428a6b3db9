package kafka_test

import (
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// A hint never tells the user to set the flag they just set: after
// --tls-server-name X it says X is not in the certificate and lists the
// names that are (it said "use --tls-server-name"); after --tls-ca-file F it
// says F holds the wrong CA. Both the connection error and check tls.
func TestHintsDoNotRepeatTheUsersFlag(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	odd, err := p.ca.Issue(sandbox.CertOptions{CommonName: "kafka-1", DNSNames: []string{"kafka-1.example.com", "kafka.internal"}, IPs: []net.IP{net.ParseIP("10.0.0.7")}})
	if err != nil {
		t.Fatal(err)
	}
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, TLS: sandbox.ServerTLS(odd, nil)})
	addr := c.Addrs[0]
	wantFailed(t, kctl(t, "-b", addr, "--tls-ca-file", p.caFile, "--tls-server-name", "kafka.wrong", "cluster", "describe"),
		"Error: broker "+addr+": TLS handshake failed: the certificate is not valid for kafka.wrong, the name --tls-server-name gives (it names kafka-1.example.com, kafka.internal, 10.0.0.7); set --tls-server-name to one of those names\n")

	r := kctl(t, "-b", addr, "--tls-ca-file", p.caFile, "--tls-server-name", "kafka.wrong", "--timeout", "5s", "check", "tls", "-o", "json")
	var hints []string
	var v any
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		t.Fatalf("check tls -o json: %v\n%s", err, r.Stdout)
	}
	collectHints(v, &hints)
	want := "the certificate is not valid for kafka.wrong, the name --tls-server-name gives; its SANs are kafka-1.example.com, kafka.internal, 10.0.0.7: set --tls-server-name to one of those names (or leave it out and connect with one), or reissue the certificate with kafka.wrong in its SANs"
	found := false
	for _, h := range hints {
		found = found || h == want
		if strings.Contains(h, "set --tls-server-name,") {
			t.Errorf("hint repeats the flag: %q", h)
		}
	}
	if !found {
		t.Errorf("check tls hints %q\nwant %q", hints, want)
	}
}

// collectHints gathers every "hint" string of a JSON document.
func collectHints(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "hint" && s != "" {
				*out = append(*out, s)
			} else {
				collectHints(e, out)
			}
		}
	case []any:
		for _, e := range x {
			collectHints(e, out)
		}
	}
}
