package broker_test

import (
	"fmt"
	"net"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

func TestList(t *testing.T) {
	t.Parallel()
	c := testkit.Cluster(t, sandbox.Options{Brokers: 2})
	var p []string
	for _, a := range c.Addrs {
		_, port, _ := net.SplitHostPort(a)
		if len(port) != 5 {
			t.Skipf("the expected table assumes 5-digit ports, got %s", port)
		}
		p = append(p, port)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"broker", "list"}, fmt.Sprintf("ID  HOST       PORT   RACK   CONTROLLER\n0   127.0.0.1  %s  krack  -\n1   127.0.0.1  %s  krack  yes\n", p[0], p[1])},
		{[]string{"broker", "ls", "--no-headers"}, fmt.Sprintf("0  127.0.0.1  %s  krack  -\n1  127.0.0.1  %s  krack  yes\n", p[0], p[1])},
		{[]string{"broker", "list", "-o", "yaml"}, fmt.Sprintf("controllerId: 1\nbrokers:\n  - id: 0\n    address: %s\n    rack: krack\n  - id: 1\n    address: %s\n    rack: krack\n", c.Addrs[0], c.Addrs[1])},
		{[]string{"broker", "list", "-o", "json"}, fmt.Sprintf("{\n  \"controllerId\": 1,\n  \"brokers\": [\n    {\n      \"id\": 0,\n      \"address\": %q,\n      \"rack\": \"krack\"\n    },\n    {\n      \"id\": 1,\n      \"address\": %q,\n      \"rack\": \"krack\"\n    }\n  ]\n}\n", c.Addrs[0], c.Addrs[1])},
	} {
		r := clitest.Run(t, "", append([]string{"-b", c.Bootstrap()}, tc.args...)...)
		if r.Code != 0 || r.Stderr != "" || r.Stdout != tc.want {
			t.Fatalf("%v: exit %d, stderr %q\nstdout\n%s\nwant\n%s", tc.args, r.Code, r.Stderr, r.Stdout, tc.want)
		}
	}
	r := clitest.Run(t, "", "-b", c.Bootstrap(), "broker", "list", "x")
	if r.Code != 2 || r.Stderr != "Error: kctl broker list takes no arguments, got [\"x\"]\n" {
		t.Fatalf("extra argument: exit %d, stderr %q", r.Code, r.Stderr)
	}
}
