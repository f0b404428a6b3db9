package cmdutil

import (
	"slices"
	"testing"
)

func TestUniq(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{nil, nil},
		{[]string{"b", "a", "b", "c", "a"}, []string{"b", "a", "c"}}, // first place kept, not sorted
		{[]string{"x"}, []string{"x"}},
	} {
		if got := Uniq(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Uniq(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
