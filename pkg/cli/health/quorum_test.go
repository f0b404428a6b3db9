package health_test

import (
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// The quorum check is opt-in; on kfake (no DescribeQuorum, like a
// ZooKeeper cluster) it is UNKNOWN, and the default run leaves it out.
func TestHealthQuorumCheckWithoutTheAPI(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	r := clitest.Run(t, "", "-b", c.Bootstrap(), "health", "--checks", "quorum")
	if r.Code != 3 || !strings.Contains(r.Stdout, "the cluster offers no DescribeQuorum (ZooKeeper mode, or Kafka before 3.3)") {
		t.Fatalf("exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r = clitest.Run(t, "", "-b", c.Bootstrap(), "health")
	if strings.Contains(r.Stdout, "quorum") {
		t.Fatalf("default run has a quorum check:\n%s", r.Stdout)
	}
}
