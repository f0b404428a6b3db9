//go:build realkafka

package e2e

import (
	"github.com/kctl-dev/kctl/pkg/realkafka"
	"strings"
	"testing"
)

func TestSmokeClusterDescribe(t *testing.T) {
	for name, c := range map[string]*realkafka.Cluster{"single": single, "three": three, "sasl": saslssl, "old": old} {
		r := kctl(t, c, "cluster", "describe")
		t.Logf("%s: %d\n%s\n%s", name, r.Code, r.Stdout, r.Stderr)
	}
	t.Log(tool(t, three, topicCommand, "--list"))
	_ = strings.TrimSpace
}
