package cluster_test

import (
	"fmt"
	"net"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

func ports(t *testing.T, c *sandbox.Cluster) []string {
	t.Helper()
	var ps []string
	for _, a := range c.Addrs {
		_, p, _ := net.SplitHostPort(a)
		if len(p) != 5 {
			t.Skipf("the expected tables assume 5-digit ports, got %s", p)
		}
		ps = append(ps, p)
	}
	return ps
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 3})
	p := ports(t, c)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, fmt.Sprintf("Cluster ID:  kctl-sandbox\nController:  2 (%s)\nBrokers:     3\n\n"+
			"ID  HOST       PORT   RACK   CONTROLLER\n"+
			"0   127.0.0.1  %s  krack  -\n"+
			"1   127.0.0.1  %s  krack  -\n"+
			"2   127.0.0.1  %s  krack  yes\n", c.Addrs[2], p[0], p[1], p[2])},
		{[]string{"--no-headers"}, fmt.Sprintf("Cluster ID:  kctl-sandbox\nController:  2 (%s)\nBrokers:     3\n\n"+
			"0  127.0.0.1  %s  krack  -\n"+
			"1  127.0.0.1  %s  krack  -\n"+
			"2  127.0.0.1  %s  krack  yes\n", c.Addrs[2], p[0], p[1], p[2])},
		{[]string{"-o", "json"}, fmt.Sprintf(`{
  "clusterId": "kctl-sandbox",
  "controllerId": 2,
  "brokerCount": 3,
  "brokers": [
    {
      "id": 0,
      "address": "%s",
      "rack": "krack"
    },
    {
      "id": 1,
      "address": "%s",
      "rack": "krack"
    },
    {
      "id": 2,
      "address": "%s",
      "rack": "krack"
    }
  ]
}
`, c.Addrs[0], c.Addrs[1], c.Addrs[2])},
		{[]string{"-o", "yaml"}, fmt.Sprintf(`clusterId: kctl-sandbox
controllerId: 2
brokerCount: 3
brokers:
  - id: 0
    address: %s
    rack: krack
  - id: 1
    address: %s
    rack: krack
  - id: 2
    address: %s
    rack: krack
`, c.Addrs[0], c.Addrs[1], c.Addrs[2])},
	} {
		r := clitest.Run(t, "", append([]string{"-b", c.Addrs[0], "cluster", "describe"}, tc.args...)...)
		if r.Code != 0 || r.Stderr != "" || r.Stdout != tc.want {
			t.Fatalf("%v: exit %d, stderr %q\nstdout\n%s\nwant\n%s", tc.args, r.Code, r.Stderr, r.Stdout, tc.want)
		}
	}
}

func TestDescribeBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"cluster", "describe", "extra"}, "Error: kctl cluster describe takes no arguments, got [\"extra\"]\n"},
		{[]string{"cluster", "describe", "-o", "xml"}, "Error: unknown output format \"xml\": use table, json or yaml\n"},
		{[]string{"cluster", "describe", "--bogus"}, "Error: unknown flag: --bogus (see kctl cluster describe --help)\n"},
		{[]string{"cluster", "descibe"}, "Error: unknown command \"descibe\" for \"kctl cluster\": did you mean \"describe\"? (see kctl cluster --help)\n"},
		{[]string{"--timeout", "soon", "cluster", "describe"}, "Error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\" (see kctl cluster describe --help)\n"},
	} {
		r := clitest.Run(t, "", tc.args...)
		if r.Code != 2 || r.Stdout != "" || r.Stderr != tc.stderr {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2, stderr %q", tc.args, r.Code, r.Stdout, r.Stderr, tc.stderr)
		}
	}
}
