package cli_test

import (
	"context"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
	"github.com/kctl-dev/kctl/pkg/sandbox"
	"github.com/kctl-dev/kctl/pkg/testkit"
)

// YAML lists a view's keys in the JSON's order (it sorted them), and a count
// is memberCount wherever members would be a list: group list and lag
// describe said "members": 1 while group describe's members is an array.
func TestYAMLKeysInJSONOrderAndMemberCount(t *testing.T) {
	c := testkit.Cluster(t, sandbox.Options{Brokers: 1})
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "yo-t", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Commit(ctx, "yo-g", "yo-t", map[int32]int64{0: 0}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"topic", "list"}, {"group", "list"}, {"group", "describe", "yo-g"}, {"lag", "describe", "--group", "yo-g"}} {
		j := clitest.Run(t, "", append([]string{"--brokers", c.Addrs[0], "-o", "json"}, args...)...)
		y := clitest.Run(t, "", append([]string{"--brokers", c.Addrs[0], "-o", "yaml"}, args...)...)
		if j.Code != 0 || y.Code != 0 {
			t.Fatalf("%v: exit %d/%d %s%s", args, j.Code, y.Code, j.Stderr, y.Stderr)
		}
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(y.Stdout), &n); err != nil {
			t.Fatal(err)
		}
		if got, want := yamlKeys(&n), jsonKeys(t, j.Stdout); got != want {
			t.Errorf("%v: YAML keys\n%s\nJSON keys\n%s", args, got, want)
		}
		if strings.Contains(j.Stdout, `"members": 0`) || strings.Contains(j.Stdout, `"members": 1`) {
			t.Errorf("%v: members as a number:\n%s", args, j.Stdout)
		}
	}
	r := clitest.Run(t, "", "--brokers", c.Addrs[0], "-o", "json", "group", "describe", "yo-g")
	if !strings.Contains(r.Stdout, `"memberCount": 0,`) || !strings.Contains(r.Stdout, `"members": []`) {
		t.Errorf("group describe json:\n%s", r.Stdout)
	}
}

// jsonKeys lists every object key in document order (JSON is YAML: the
// node tree keeps the order).
func jsonKeys(t *testing.T, s string) string {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s), &n); err != nil {
		t.Fatal(err)
	}
	return yamlKeys(&n)
}

func yamlKeys(n *yaml.Node) string {
	var keys []string
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				keys = append(keys, n.Content[i].Value)
				walk(n.Content[i+1])
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(keys, " ")
}
