package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"testing"
)

// The direct writer must produce exactly what yaml.v3 writes for the same
// JSON parsed into nodes: checked on random documents mixing every shape
// and awkward strings.
func TestWriteYAMLMatchesNodeYAML(t *testing.T) {
	t.Parallel()
	strs := []string{"", "a", "billing", "123", "1.5", "-7", "0x1f", "1e3", "true", "false", "yes", "no", "on", "off", "null", "~", "Null",
		"a: b", "a:b", "#x", "x #y", "- x", "-", "--- x", "...", "? x", "[x]", "{x}", "x,y", "&a", "*a", "!tag", "|x", ">x", "%x", "@x", "`x",
		"'q'", `"dq"`, "it's", "tab\there", " lead", "trail ", "ünïcode", "日本", "emoji 🎉", "back\\slash", "<tag>&amp;",
		"Consumer group 'nope' does not exist.", "group 'gd': cannot read the log-end offset: gone[0] does not exist (topic deleted after the commit?) and a long tail past eighty columns",
		"line1\nline2", "trailing newline\n", "cr\rhere", "\x00nul", "\u2028sep", "2024-01-02", "2024-01-02T03:04:05Z", "127.0.0.1:9092", "demo-consumer-c2cec293709a6464e1d202561e974099",
		strings.Repeat("k", 120)}
	r := rand.New(rand.NewSource(1))
	var gen func(depth int) any
	gen = func(depth int) any {
		k := r.Intn(10)
		if depth > 3 {
			k = r.Intn(5)
		}
		switch k {
		case 0:
			return strs[r.Intn(len(strs))]
		case 1:
			return []any{nil, true, false}[r.Intn(3)]
		case 2:
			return []any{0, -1, 42, int64(1) << 62, 1.5, 1e21, 3.14159, -0.001}[r.Intn(8)]
		case 3:
			return json.Number("12345678901234567890")
		case 4:
			return strs[r.Intn(len(strs))]
		case 5, 6:
			m := map[string]any{}
			for i := r.Intn(5); i > 0; i-- {
				m[strs[r.Intn(len(strs))]] = gen(depth + 1)
			}
			return m
		default:
			var a []any
			for i := r.Intn(5); i > 0; i-- {
				a = append(a, gen(depth+1))
			}
			if a == nil && r.Intn(2) == 0 {
				return []any{}
			}
			return a
		}
	}
	type ordered struct {
		Zeta  string         `json:"zeta"`
		Alpha map[string]any `json:"alpha"`
		Mid   []any          `json:"mid"`
	}
	direct := 0
	for i := 0; i < 2000; i++ {
		var v any = gen(0)
		if i%5 == 0 {
			v = ordered{Zeta: strs[i%len(strs)], Alpha: map[string]any{"x": gen(1)}, Mid: []any{gen(1), gen(2)}}
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		p := jsonParser{b: b}
		root, err := p.value()
		if err != nil {
			t.Fatal(err)
		}
		if (&yamlEmitter{scalars: map[string]string{}}).renderable(&root) {
			direct++
		}
		var got, want bytes.Buffer
		if err := writeYAML(&got, b); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if err := nodeYAML(&want, b); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("document %d %s\ngot:\n%s\nwant:\n%s", i, b, got.String(), want.String())
		}
	}
	if direct < 1000 {
		t.Errorf("only %d of 2000 documents took the direct path", direct)
	}
}

// lagLikeView is shaped like `lag describe -o json`: groups of partitions.
func lagLikeView(rows int) any {
	type part struct {
		Topic         string  `json:"topic"`
		Partition     int32   `json:"partition"`
		CurrentOffset *int64  `json:"currentOffset"`
		LogEndOffset  *int64  `json:"logEndOffset"`
		Lag           *int64  `json:"lag"`
		TimeLagMs     *int64  `json:"timeLagMs"`
		ConsumerID    *string `json:"consumerId"`
		Host          *string `json:"host"`
		ClientID      *string `json:"clientId"`
	}
	type group struct {
		Group      string  `json:"group"`
		State      string  `json:"state"`
		Members    int     `json:"members"`
		TotalLag   int64   `json:"totalLag"`
		Partitions []part  `json:"partitions"`
		Error      *string `json:"error"`
	}
	var gs []group
	for g := 0; g < rows/20; g++ {
		gr := group{Group: fmt.Sprintf("group-%03d", g), State: "Empty"}
		for p := 0; p < 20; p++ {
			cur, end, lag := int64(1), int64(2), int64(1)
			id := fmt.Sprintf("consumer-%d-8c2f", g)
			gr.Partitions = append(gr.Partitions, part{Topic: fmt.Sprintf("t%03d", g%100), Partition: int32(p), CurrentOffset: &cur, LogEndOffset: &end, Lag: &lag, ConsumerID: &id})
		}
		gs = append(gs, gr)
	}
	return map[string]any{"groups": gs}
}

// Lag rows: the direct writer allocates a fraction of the node path (which
// took 271 MB of RSS in the kctl binary for 10,000 rows; BenchmarkYAML10kRows
// and BenchmarkLagAllGroups/kctl-binary-rss measure that size).
func TestWriteYAMLMemory(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(lagLikeView(2000))
	if err != nil {
		t.Fatal(err)
	}
	alloc := func(fn func() error) uint64 {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		if err := fn(); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		return m1.TotalAlloc - m0.TotalAlloc
	}
	var got, want bytes.Buffer
	direct := alloc(func() error { return writeYAML(&got, b) })
	nodes := alloc(func() error { return nodeYAML(&want, b) })
	if got.String() != want.String() {
		t.Fatal("outputs differ")
	}
	t.Logf("2,000 rows: JSON %d KB, YAML %d KB; allocated: direct %d MB, yaml.v3 nodes %d MB", len(b)>>10, got.Len()>>10, direct>>20, nodes>>20)
	if direct*4 > nodes {
		t.Errorf("direct writer allocated %d MB, the node path %d MB: want at least 4x less", direct>>20, nodes>>20)
	}
}

func BenchmarkYAML10kRows(b *testing.B) {
	data, err := json.Marshal(lagLikeView(10000))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		fn   func(w *bytes.Buffer) error
	}{
		{"direct", func(w *bytes.Buffer) error { return writeYAML(w, data) }},
		{"yaml.v3-nodes", func(w *bytes.Buffer) error { return nodeYAML(w, data) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for i := 0; i < b.N; i++ {
				buf.Reset()
				if err := c.fn(&buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
