package text

import "testing"

func TestText(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Dash(""), "-"},
		{Dash("x"), "x"},
		{Plural(0, "broker", "brokers"), "0 brokers"},
		{Plural(1, "broker", "brokers"), "1 broker"},
		{Plural(2, "address", "addresses"), "2 addresses"},
		{Plural(-1, "broker", "brokers"), "-1 brokers"},
		{IDs(nil), ""},
		{IDs([]int32{3}), "3"},
		{IDs([]int32{1, 0, 2}), "1,0,2"},
		{Dash(IDs(nil)), "-"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
