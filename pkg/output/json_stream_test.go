package output

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"
)

// writeJSON writes exactly what json.Encoder with SetIndent("", "  ") and
// SetEscapeHTML(false) writes.
func TestWriteJSONMatchesIndentingEncoder(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	strs := []string{"", "a", `q"uote`, `back\slash`, `\"`, "{[,:]}", "<a&b>", "tab\there", "line\nbreak", "ünï", "\u2028", `\`}
	var gen func(depth int) any
	gen = func(depth int) any {
		k := rng.Intn(9)
		if depth > 4 {
			k = rng.Intn(4)
		}
		switch k {
		case 0:
			return nil
		case 1:
			return rng.Intn(2) == 0
		case 2:
			return rng.Int63() - rng.Int63()
		case 3:
			return strs[rng.Intn(len(strs))]
		case 4, 5, 6:
			m := map[string]any{}
			for i := rng.Intn(4); i > 0; i-- {
				m[strs[rng.Intn(len(strs))]] = gen(depth + 1)
			}
			return m
		default:
			a := []any{}
			for i := rng.Intn(4); i > 0; i-- {
				a = append(a, gen(depth+1))
			}
			return a
		}
	}
	type view struct {
		Name   string           `json:"name"`
		Empty  []int            `json:"empty"`
		Nil    *map[string]bool `json:"nil"`
		Nested []map[string]any `json:"nested"`
	}
	vals := []any{view{Name: `x"<y>`, Empty: []int{}, Nested: []map[string]any{{}, {"a": []any{}}}}}
	for i := 0; i < 500; i++ {
		vals = append(vals, gen(0))
	}
	for _, v := range vals {
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(&got, v); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("value %#v\ngot:\n%s\nwant:\n%s", v, got.String(), want.String())
		}
	}
}
