package contextcmd_test

import (
	"os"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
)

// context set validates the whole context as later commands resolve it: a
// context they would all reject (exit 2) is not saved, and an update that
// would break a stored context leaves it as it was.
func TestContextSetValidatesWholeContext(t *testing.T) {
	cfg := clitest.ConfigPath(t)
	run := func(args ...string) clitest.Result { return clitest.Run(t, "", args...) }

	want(t, run("context", "set", "bad", "--sasl-username", "x", "--brokers", "a:1"), 2, "",
		`Error: context "bad" not saved: SASL user x is set but no SASL mechanism: add --sasl-mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (or --security-protocol PLAINTEXT or SSL to connect without SASL)`+"\n")
	if _, err := os.Stat(cfg); !os.IsNotExist(err) {
		t.Fatalf("a config file was written: %v", err)
	}
	want(t, run("context", "set", "bad", "--brokers", "a:1", "--security-protocol", "PLAINTEXT", "--sasl-mechanism", "SCRAM-SHA-512"), 2, "",
		`Error: context "bad" not saved: SASL mechanism SCRAM-SHA-512 is set but security protocol PLAINTEXT uses no SASL: use SASL_PLAINTEXT or SASL_SSL, or drop the mechanism`+"\n")
	want(t, run("context", "set", "bad", "--brokers", "a:1", "--tls-cert-file", "c.pem"), 2, "",
		`Error: context "bad" not saved: a TLS client certificate needs both --tls-cert-file and --tls-key-file`+"\n")

	// A good context, then an update that would break it: unchanged.
	want(t, run("context", "set", "good", "--brokers", "a:1", "--sasl-mechanism", "PLAIN", "--sasl-username", "x"), 0, "", `Context "good" saved in `+cfg+".\n")
	before, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want(t, run("context", "set", "good", "--security-protocol", "SSL"), 2, "",
		`Error: context "good" not saved: SASL mechanism PLAIN is set but security protocol SSL uses no SASL: use SASL_PLAINTEXT or SASL_SSL, or drop the mechanism`+"\n")
	if after, _ := os.ReadFile(cfg); string(after) != string(before) {
		t.Errorf("config changed:\n%s\nwas\n%s", after, before)
	}
	// What was saved resolves: the command fails only on the network.
	if r := run("--context", "good", "--sasl-password", "pw", "--timeout", "1s", "cluster", "describe"); r.Code == 2 {
		t.Errorf("a saved context is rejected: %s", r.Stderr)
	}
}
