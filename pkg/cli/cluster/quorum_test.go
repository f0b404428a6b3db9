package cluster_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// kfake offers no DescribeQuorum (like a ZooKeeper-mode cluster): the
// command says so and exits 1, after one ApiVersions on its own
// connection and nothing else.
func TestQuorumUnsupported(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, Count: true})
	r := clitest.Run(t, "", "-b", c.Bootstrap(), "cluster", "quorum")
	want := "Error: describe quorum on broker 0 (" + c.Addrs[0] + "): the broker does not offer DescribeQuorum (a ZooKeeper-mode cluster, Kafka older than 3.3, or kfake)\n"
	if r.Code != 1 || r.Stderr != want || r.Stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// kfake advertises Kafka 4.x's feature table; one ApiVersions answers.
func TestFeatures(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1, Count: true})
	c.Counter.Reset()
	r := clitest.Run(t, "", "-b", c.Bootstrap(), "cluster", "features")
	want := "FEATURE                           SUPPORTED-MIN  SUPPORTED-MAX  FINALIZED-LEVEL  EPOCH\n" +
		"eligible.leader.replicas.version  0              1              1                1\n" +
		"group.version                     0              1              1                1\n" +
		"kraft.version                     0              1              1                1\n" +
		"metadata.version                  7              33             33               1\n" +
		"share.version                     0              2              2                1\n" +
		"streams.version                   0              1              1                1\n" +
		"transaction.version               0              2              2                1\n"
	if r.Code != 0 || r.Stdout != want || r.Stderr != "" {
		t.Fatalf("exit %d stderr %q\n%s", r.Code, r.Stderr, r.Stdout)
	}
	n := 0
	for _, q := range c.Counter.Requests() {
		if q.Key == 18 && q.Version == 4 {
			n++
		}
	}
	// One ApiVersions v4 is the connection's set-up, the other the
	// features; nothing else but the Metadata of connecting.
	if n != 2 || fmt.Sprint(c.Counter.Counts()) != "map[Metadata:1]" {
		t.Fatalf("%d ApiVersions v4 requests, others %v", n, c.Counter.Counts())
	}
	// answeredBy is the broker's id, as in cluster quorum; its address
	// is answeredByAddress.
	r = clitest.Run(t, "", "-b", c.Bootstrap(), "cluster", "features", "-o", "json")
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(r.Stdout)); err != nil {
		t.Fatal(err)
	}
	want = `{"epoch":1,"features":[` +
		`{"name":"eligible.leader.replicas.version","supportedMinVersion":0,"supportedMaxVersion":1,"finalizedVersionLevel":1},` +
		`{"name":"group.version","supportedMinVersion":0,"supportedMaxVersion":1,"finalizedVersionLevel":1},` +
		`{"name":"kraft.version","supportedMinVersion":0,"supportedMaxVersion":1,"finalizedVersionLevel":1},` +
		`{"name":"metadata.version","supportedMinVersion":7,"supportedMaxVersion":33,"finalizedVersionLevel":33},` +
		`{"name":"share.version","supportedMinVersion":0,"supportedMaxVersion":2,"finalizedVersionLevel":2},` +
		`{"name":"streams.version","supportedMinVersion":0,"supportedMaxVersion":1,"finalizedVersionLevel":1},` +
		`{"name":"transaction.version","supportedMinVersion":0,"supportedMaxVersion":2,"finalizedVersionLevel":2}],` +
		`"answeredBy":0,"answeredByAddress":"` + c.Addrs[0] + `"}`
	if r.Code != 0 || b.String() != want {
		t.Fatalf("json: exit %d %s\n got %s\nwant %s", r.Code, r.Stderr, b.String(), want)
	}
}
