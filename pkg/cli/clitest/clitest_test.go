package clitest

import "testing"

func TestHasConfigFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"topic", "list"}, false},
		{[]string{"--config", "/tmp/c.yaml", "topic", "list"}, true},
		{[]string{"--config=/tmp/c.yaml", "topic", "list"}, true},
		{[]string{"--config", "c.yaml"}, true},
		// topic create --config KEY=VALUE is a topic config, not the file.
		{[]string{"topic", "create", "t", "--config", "retention.ms=1"}, false},
		{[]string{"topic", "create", "t", "--config=retention.ms=1"}, false},
		{[]string{"topic", "create", "t", "--config", "retention.ms=1", "--config", "/tmp/c.yaml"}, true},
		{[]string{"--", "--config", "/tmp/c.yaml"}, false},
	} {
		if got := hasConfigFlag(tc.args); got != tc.want {
			t.Errorf("hasConfigFlag(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
