//go:build realkafka

// Package e2e runs kctl against real Apache Kafka clusters started by
// pkg/realkafka, and compares its answers with Kafka's own tools on the
// same cluster. Run with make test-kafka (it fetches the jars first).
//
// One cluster per shape serves the whole suite. Tests do not call
// t.Parallel: tests on the three-node cluster stop and start nodes, and
// each such test leaves the cluster as it found it (every node up, every
// partition's ISR full) before it returns (see restoreThree).
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/realkafka"
)

// The versions under test: the newest 4.x Maven Central serves, and the
// newest 3.9 (KRaft) for version negotiation.
var (
	version    = envOr("KCTL_KAFKA_VERSION", "4.4.0")
	oldVersion = envOr("KCTL_KAFKA_OLD_VERSION", "3.9.2")
)

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

// shape is one lazily started, shared cluster.
type shape struct {
	name    string
	shape   realkafka.Shape
	version string
	once    sync.Once
	c       *realkafka.Cluster
	err     error
}

var (
	baseDir string
	shapes  = map[string]*shape{
		"single":   {name: "single", shape: realkafka.Single, version: version},
		"three":    {name: "three", shape: realkafka.Three, version: version},
		"sasl-ssl": {name: "sasl-ssl", shape: realkafka.SASLSSL, version: version},
		"old":      {name: "old", shape: realkafka.Single, version: oldVersion},
	}
)

func (s *shape) start() (*realkafka.Cluster, error) {
	s.once.Do(func() {
		d := filepath.Join(baseDir, s.name)
		if s.err = os.MkdirAll(d, 0o755); s.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		s.c, s.err = realkafka.Start(ctx, realkafka.Options{Shape: s.shape, Version: s.version, Dir: d})
		if s.err == nil {
			fmt.Fprintf(os.Stderr, "real Kafka %s %s up in %s at %s\n", s.version, s.name, s.c.StartupTime.Round(time.Millisecond), s.c.Bootstrap())
		}
	})
	return s.c, s.err
}

func get(t *testing.T, name string) *realkafka.Cluster {
	t.Helper()
	c, err := shapes[name].start()
	if err != nil {
		t.Fatalf("real Kafka %s cluster: %v", name, err)
	}
	return c
}

// Single is the one-node PLAINTEXT cluster (Kafka 4.x).
func Single(t *testing.T) *realkafka.Cluster { return get(t, "single") }

// Three is the three-node PLAINTEXT cluster (Kafka 4.x), default
// replication factor 3.
func Three(t *testing.T) *realkafka.Cluster { return get(t, "three") }

// SASL is the one-node SASL_SSL + SCRAM-SHA-512 + StandardAuthorizer
// cluster (Kafka 4.x); its super user is realkafka.AdminUser.
func SASL(t *testing.T) *realkafka.Cluster { return get(t, "sasl-ssl") }

// Old is the one-node PLAINTEXT cluster of the older line (Kafka 3.9).
func Old(t *testing.T) *realkafka.Cluster { return get(t, "old") }

func TestMain(m *testing.M) {
	if err := realkafka.Available(realkafka.LibDir(), version); err != nil {
		fmt.Fprintln(os.Stderr, "real-Kafka tests:", err)
		os.Exit(1)
	}
	var err error
	if baseDir, err = os.MkdirTemp("", "kctl-realkafka"); err != nil {
		panic(err)
	}
	os.Setenv("KCTL_CONFIG", filepath.Join(baseDir, "config.yaml"))
	os.Setenv("XDG_STATE_HOME", filepath.Join(baseDir, "state"))
	// Start the shapes named in KCTL_KAFKA_SHAPES (default: all) in the
	// background, so they boot in parallel while the first tests compile
	// their inputs; any other shape starts when a test first asks for it.
	want := envOr("KCTL_KAFKA_SHAPES", "single,three,sasl-ssl,old")
	for _, n := range strings.Split(want, ",") {
		if s, ok := shapes[strings.TrimSpace(n)]; ok {
			go s.start()
		}
	}
	code := m.Run()
	for _, s := range shapes {
		s.once.Do(func() {}) // a shape never started stays so
		if s.c != nil {
			s.c.Stop()
		}
	}
	if code != 0 || os.Getenv("KCTL_KAFKA_KEEP") != "" {
		fmt.Fprintln(os.Stderr, "cluster configs and logs kept in", baseDir)
	} else {
		os.RemoveAll(baseDir)
	}
	os.Exit(code)
}

// kctl runs the whole kctl command tree against c, as its super user.
func kctl(t *testing.T, c *realkafka.Cluster, args ...string) clitest.Result {
	t.Helper()
	return clitest.RunSettings(t, c.Settings(), "", args...)
}

// kctlIn is kctl with stdin.
func kctlIn(t *testing.T, c *realkafka.Cluster, stdin string, args ...string) clitest.Result {
	t.Helper()
	return clitest.RunSettings(t, c.Settings(), stdin, args...)
}

// tool runs one of Kafka's own tools against c (with --bootstrap-server
// and, on SASL_SSL, --command-config added) and fails the test on error.
func tool(t *testing.T, c *realkafka.Cluster, class string, args ...string) string {
	t.Helper()
	out, err := toolErr(c, class, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// toolErr is tool returning the error (for tools that exit non-zero on
// purpose).
func toolErr(c *realkafka.Cluster, class string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	full := append([]string{"--bootstrap-server", c.Bootstrap()}, args...)
	if c.ClientProperties != "" {
		full = append(full, "--command-config", c.ClientProperties)
	}
	out, _, err := c.Tool(ctx, class, full...)
	return out, err
}

// eventually polls cond every 200 ms until it returns "" or d passes;
// it fails with cond's last complaint. For cluster state that settles
// asynchronously (ISR after a node restarts, a group after a rebalance).
func eventually(t *testing.T, d time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", d, msg)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Kafka's tool main classes (4.x jars).
const (
	topicCommand  = "org.apache.kafka.tools.TopicCommand"
	groupCommand  = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"
	aclCommand    = "org.apache.kafka.tools.AclCommand"
	configCommand = "org.apache.kafka.tools.ConfigCommand" // kafka.admin.ConfigCommand before 4.2
	getOffsets    = "org.apache.kafka.tools.GetOffsetShell"
)
