package version_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// Test binaries carry no dependency versions; the binary-level test
// (cmd/kctl) checks the real one.
const sarama = "unknown"

func TestVersionClient(t *testing.T) {
	t.Parallel()
	// --client never dials: the default broker (localhost:9092) is not used.
	r := clitest.Run(t, "", "version", "--client")
	want := "kctl dev (" + runtime.Version() + ", sarama " + sarama + ")\n"
	if r.Code != 0 || r.Stderr != "" || r.Stdout != want {
		t.Fatalf("exit %d, stderr %q, stdout %q; want %q", r.Code, r.Stderr, r.Stdout, want)
	}
	r = clitest.Run(t, "", "version", "--client", "-o", "json")
	wantJSON := "{\n  \"client\": {\n    \"version\": \"dev\",\n    \"goVersion\": \"" + runtime.Version() + "\",\n    \"sarama\": \"" + sarama + "\"\n  },\n  \"broker\": null\n}\n"
	if r.Code != 0 || r.Stdout != wantJSON {
		t.Fatalf("json: exit %d, stdout %q", r.Code, r.Stdout)
	}
}

func TestVersionWithCluster(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	r := clitest.Run(t, "", "-b", c.Addrs[0], "version")
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	lines := strings.Split(r.Stdout, "\n")
	if lines[0] != "kctl dev ("+runtime.Version()+", sarama "+sarama+")" ||
		!strings.HasPrefix(lines[1], "Broker "+c.Addrs[0]+": Kafka 4.") || !strings.Contains(lines[1], "+ (inferred from ") ||
		lines[2] != "" || lines[3] != "KEY  API                           MIN-VERSION  MAX-VERSION" ||
		!strings.HasPrefix(lines[4], "0    Produce ") {
		t.Fatalf("stdout:\n%s", r.Stdout)
	}
}

// TestVersionUnreachable: the client line is printed before the cluster is
// asked, so a failed connection still says which kctl ran; exit 1.
func TestVersionUnreachable(t *testing.T) {
	t.Parallel()
	r := clitest.Run(t, "", "-b", "127.0.0.1:1", "--timeout", "3s", "version")
	if r.Code != 1 || r.Stdout != "kctl dev ("+runtime.Version()+", sarama "+sarama+")\n" ||
		r.Stderr != "Error: broker 127.0.0.1:1: connection refused (nothing listens on that port: is the broker up and the port right?)\n" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", r.Code, r.Stdout, r.Stderr)
	}
	// JSON stays one document: nothing on stdout when the cluster fails.
	r = clitest.Run(t, "", "-b", "127.0.0.1:1", "--timeout", "3s", "version", "-o", "json")
	if r.Code != 1 || r.Stdout != "" {
		t.Fatalf("json: exit %d, stdout %q", r.Code, r.Stdout)
	}
}
