package cli_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli/clitest"
)

// emptyStringAllowed are the JSON paths (as jsonPaths spells them) where ""
// is a real Kafka value, not an absent one: a config's value, a record's
// key, value and header, and, below a path ending in ".", any key of a map
// of configs.
var emptyStringAllowed = []string{
	"configs[].value",   // topic/broker config get: an empty config value
	"topics[].configs.", // topic describe --configs: the same, as a map
	"key", "value",      // topic consume / produce --dry-run: an empty key or value
	"headers[].key",   // an empty header key
	"headers[].value", // an empty header value
}

// An absent value is null, never "": run the commands of the demo sandbox
// with -o json and fail on any string that is exactly "" at a path not in
// emptyStringAllowed. The guard for issue 14 item 12's rule, for the views
// that exist and those to come (add a new command's JSON here).
func TestJSONAbsentIsNullNotEmptyString(t *testing.T) {
	t.Parallel()
	// The check itself: paths are whole, from the root.
	if got, err := emptyStrings([]byte(`{"a":"","key":"","n":null,"b":{"configs":[{"value":""}]},"topics":[{"configs":{"x.y":""}}]}` + "\n" + `{"c":[""]}`)); err != nil ||
		strings.Join(got, " ") != "a b.configs[].value c[]" {
		t.Fatalf("emptyStrings: %v %v", got, err)
	}
	cfg := startDocsSandbox(t, "")
	for _, tc := range []struct {
		args  []string
		stdin string
	}{
		{args: []string{"topic", "list"}},
		{args: []string{"topic", "describe"}},
		{args: []string{"topic", "describe", "--configs", "--offsets"}},
		{args: []string{"topic", "config", "get", "orders", "--all"}},
		{args: []string{"topic", "config", "set", "orders", "retention.ms=1000", "--validate-only"}},
		{args: []string{"topic", "config", "delete", "orders", "retention.ms", "--validate-only"}},
		{args: []string{"topic", "create", "nn-new", "-p", "1", "-r", "1", "--validate-only"}},
		{args: []string{"topic", "create", "orders", "--if-not-exists"}},
		{args: []string{"topic", "alter", "orders", "--partitions", "7", "--validate-only"}},
		{args: []string{"topic", "delete", "audit"}},
		{args: []string{"topic", "audit"}},
		{args: []string{"topic", "consume", "orders", "-p", "3", "--offset", "150", "-n", "2"}},
		{args: []string{"topic", "produce", "payments", "--dry-run"}, stdin: `{"key":"","value":"","headers":[{"key":"","value":""}]}` + "\n" + `{"value":null}`},
		{args: []string{"group", "list"}},
		{args: []string{"group", "describe", "billing", "shipping", "analytics"}},
		{args: []string{"group", "describe", "nope"}},
		{args: []string{"group", "delete", "billing"}},
		{args: []string{"group", "delete-offsets", "billing", "--topic", "orders", "--dry-run"}},
		{args: []string{"lag", "describe", "--all-groups", "--time-lag"}},
		{args: []string{"lag", "describe", "--group", "nope"}},
		{args: []string{"offsets", "get", "payments"}},
		{args: []string{"offsets", "get", "payments", "--time", "2099-01-01"}},
		{args: []string{"offsets", "reset", "--group", "billing", "--topic", "orders", "--to-earliest"}},
		{args: []string{"offsets", "reset", "--group", "billing", "--topic", "orders", "--by-duration", "PT1H"}},
		{args: []string{"broker", "list"}},
		{args: []string{"broker", "config", "get", "0", "--all"}},
		{args: []string{"broker", "config", "get", "--default", "--all"}},
		{args: []string{"broker", "config", "set", "--default", "log.retention.ms=1000", "--validate-only"}},
		{args: []string{"broker", "log-dirs"}},
		{args: []string{"broker", "balance"}},
		{args: []string{"cluster", "describe"}},
		{args: []string{"cluster", "features"}},
		{args: []string{"partitions", "elect-leaders", "--all-topic-partitions"}},
		{args: []string{"partitions", "reassign", "--generate", "--topics", "payments", "--broker-list", "0,1,2"}},
		{args: []string{"health"}},
		{args: []string{"health", "--group", "billing", "--group", "nope", "--checks", "consumer-lag"}},
		{args: []string{"check", "connectivity"}},
		{args: []string{"context", "list"}},
		{args: []string{"context", "show"}},
		{args: []string{"version"}},
		{args: []string{"version", "--client"}},
	} {
		r := clitest.Run(t, tc.stdin, append([]string{"--config", cfg, "--context", "sandbox", "-o", "json"}, tc.args...)...)
		empty, err := emptyStrings([]byte(r.Stdout))
		if err != nil || strings.TrimSpace(r.Stdout) == "" {
			t.Errorf("kctl %s: exit %d, no JSON: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(tc.args, " "), r.Code, err, r.Stdout, r.Stderr)
			continue
		}
		if len(empty) > 0 {
			t.Errorf("kctl %s -o json: \"\" at %s (an absent value is null; a real empty Kafka value goes in emptyStringAllowed)\n%s",
				strings.Join(tc.args, " "), strings.Join(empty, ", "), r.Stdout)
		}
	}
}

// emptyStrings lists the paths of a stream of JSON values where a string
// is "" and the path is not allowed to hold one.
func emptyStrings(b []byte) ([]string, error) {
	found := map[string]bool{}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case string:
			if v == "" && !emptyAllowed(path) {
				found[show(path)] = true
			}
		case []any:
			for _, e := range v {
				walk(e, path+"[]")
			}
		case map[string]any:
			for k, e := range v {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(e, p)
			}
		}
	}
	if err := eachJSONValue(b, func(v any) { walk(v, "") }); err != nil {
		return nil, err
	}
	var out []string
	for p := range found {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

func emptyAllowed(path string) bool {
	for _, a := range emptyStringAllowed {
		if path == a || (strings.HasSuffix(a, ".") && strings.HasPrefix(path, a)) {
			return true
		}
	}
	return false
}
