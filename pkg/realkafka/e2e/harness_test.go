//go:build realkafka

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/realkafka"
)

// TestHarnessShapes: every shape answers kctl with the node count and the
// listener it was started with, and Kafka's own tool reaches it too.
func TestHarnessShapes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		c       func(*testing.T) *realkafka.Cluster
		brokers int
	}{{"single", Single, 1}, {"three", Three, 3}, {"sasl-ssl", SASL, 1}, {"old", Old, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c(t)
			r := kctl(t, c, "cluster", "describe")
			if r.Code != 0 {
				t.Fatalf("exit %d: %s", r.Code, r.Stderr)
			}
			if want := fmt.Sprintf("Brokers:     %d", tc.brokers); !strings.Contains(r.Stdout, want) {
				t.Errorf("cluster describe lacks %q:\n%s", want, r.Stdout)
			}
			for _, a := range c.Addrs() {
				port := a[strings.LastIndex(a, ":")+1:]
				if !strings.Contains(r.Stdout, port) {
					t.Errorf("broker port %s missing:\n%s", port, r.Stdout)
				}
			}
			if _, err := toolErr(c, topicCommand, "--list"); err != nil {
				t.Errorf("kafka-topics --list: %v", err)
			}
		})
	}
}
