//go:build realkafka

// Package e2e runs kctl against real Apache Kafka clusters started by
// pkg/realkafka, and compares its answers with Kafka's own tools on the
// same cluster. Run with make test-kafka (it fetches the jars first).
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// One cluster per shape, shared by the whole suite.
var (
	single, three, saslssl, old *realkafka.Cluster
)

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

func TestMain(m *testing.M) {
	if err := realkafka.Available(realkafka.LibDir(), version); err != nil {
		fmt.Fprintln(os.Stderr, "real-Kafka tests:", err)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "kctl-realkafka")
	if err != nil {
		panic(err)
	}
	os.Setenv("KCTL_CONFIG", filepath.Join(dir, "config.yaml"))
	os.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	specs := []struct {
		dst   **realkafka.Cluster
		shape realkafka.Shape
		ver   string
	}{
		{&single, realkafka.Single, version},
		{&three, realkafka.Three, version},
		{&saslssl, realkafka.SASLSSL, version},
		{&old, realkafka.Single, oldVersion},
	}
	var wg sync.WaitGroup
	errs := make([]error, len(specs))
	began := time.Now()
	for i, s := range specs {
		if s.ver == oldVersion {
			if err := realkafka.Available(realkafka.LibDir(), s.ver); err != nil {
				errs[i] = err
				continue
			}
		}
		d := filepath.Join(dir, fmt.Sprintf("%s-%s", s.shape, s.ver))
		if err := os.MkdirAll(d, 0o755); err != nil {
			panic(err)
		}
		wg.Add(1)
		go func(i int, s struct {
			dst   **realkafka.Cluster
			shape realkafka.Shape
			ver   string
		}, d string) {
			defer wg.Done()
			c, err := realkafka.Start(ctx, realkafka.Options{Shape: s.shape, Version: s.ver, Dir: d})
			*s.dst, errs[i] = c, err
		}(i, s, d)
	}
	wg.Wait()
	cancel()
	failed := false
	for i, err := range errs {
		if err != nil {
			fmt.Fprintf(os.Stderr, "start %s Kafka %s: %v\n", specs[i].shape, specs[i].ver, err)
			failed = true
		}
	}
	code := 1
	if !failed {
		fmt.Fprintf(os.Stderr, "real Kafka clusters up in %s: single %s (%s), three %s (%s), sasl-ssl %s (%s), single %s (%s)\n",
			time.Since(began).Round(time.Millisecond), single.Bootstrap(), version, three.Bootstrap(), version,
			saslssl.Bootstrap(), version, old.Bootstrap(), oldVersion)
		code = m.Run()
	}
	for _, s := range specs {
		if *s.dst != nil {
			(*s.dst).Stop()
		}
	}
	if code != 0 || os.Getenv("KCTL_KAFKA_KEEP") != "" {
		fmt.Fprintln(os.Stderr, "cluster logs kept in", dir)
	} else {
		os.RemoveAll(dir)
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	full := append([]string{"--bootstrap-server", c.Bootstrap()}, args...)
	if c.ClientProperties != "" {
		full = append(full, "--command-config", c.ClientProperties)
	}
	out, _, err := c.Tool(ctx, class, full...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Kafka's tool main classes in the 4.x jars.
const (
	topicCommand  = "org.apache.kafka.tools.TopicCommand"
	groupCommand  = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"
	aclCommand    = "org.apache.kafka.tools.AclCommand"
	configCommand = "kafka.admin.ConfigCommand"
	getOffsets    = "org.apache.kafka.tools.GetOffsetShell"
)
