package output

import (
	"bytes"
	"io"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// The fast path writes exactly what tablewriter's plain table writes.
func TestAlignedTableMatchesTablewriter(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	cell := func() string {
		const chars = "abcXYZ019-_.,:[]()/=*"
		n := 1 + rng.Intn(12)
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i > 0 && i < n-1 && rng.Intn(6) == 0 {
				b.WriteByte(' ')
				continue
			}
			b.WriteByte(chars[rng.Intn(len(chars))])
		}
		return b.String()
	}
	for i := 0; i < 300; i++ {
		cols := 1 + rng.Intn(7)
		headers := make([]string, cols)
		for c := range headers {
			headers[c] = strings.ToUpper(cell())
		}
		rows := make([][]string, rng.Intn(6))
		for r := range rows {
			rows[r] = make([]string, cols)
			for c := range rows[r] {
				rows[r][c] = cell()
			}
		}
		for _, noHeaders := range []bool{false, true} {
			for _, box := range []bool{false, true} {
				var fast, slow bytes.Buffer
				ok, err := alignedTable(&fast, headers, rows, noHeaders, box)
				if box && noHeaders && len(rows) == 0 {
					if ok {
						t.Fatal("fast path took an empty headerless box")
					}
					continue
				}
				if !ok || err != nil {
					t.Fatalf("fast path refused %q %q: %v", headers, rows, err)
				}
				if box {
					err = (&Printer{Out: &slow, Box: true, NoHeaders: noHeaders}).boxTable(headers, rows)
				} else {
					err = tablewriterPlain(&slow, headers, rows, noHeaders)
				}
				if err != nil {
					t.Fatal(err)
				}
				if fast.String() != slow.String() {
					t.Fatalf("headers %q rows %q noHeaders %v box %v\nfast:\n%s\ntablewriter:\n%s", headers, rows, noHeaders, box, fast.String(), slow.String())
				}
			}
		}
	}
}

// Cells the fast path does not handle go to tablewriter.
func TestAlignedTableDeclines(t *testing.T) {
	for _, rows := range [][][]string{
		{{"a", ""}},       // empty cell
		{{"a", " b"}},     // leading blank
		{{"a", "b\nc"}},   // two lines
		{{"a", "é"}},      // not ASCII
		{{"a"}},           // ragged
		{{"a", "b\tc"}},   // tab
		{{"a", "b", "c"}}, // ragged
	} {
		var buf bytes.Buffer
		for _, box := range []bool{false, true} {
			if ok, _ := alignedTable(&buf, []string{"H1", "H2"}, rows, false, box); ok || buf.Len() != 0 {
				t.Errorf("%q box %v: fast path took it", rows, box)
			}
		}
	}
}

// BenchmarkTable100kRows: topic describe's table on 100,000 partitions, piped
// (plain) and on a terminal (box).
func BenchmarkTable100kRows(b *testing.B) {
	h := []string{"TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "OFFLINE-REPLICAS", "STATUS"}
	rows := make([][]string, 100_000)
	for i := range rows {
		rows[i] = []string{"topic-123", strconv.Itoa(i), "1", "1,2,0", "1,0", "-", "under-replicated"}
	}
	for _, tty := range []bool{false, true} {
		name := "plain"
		if tty {
			name = "box"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := (&Printer{Out: io.Discard, Box: tty}).Table(h, rows); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
