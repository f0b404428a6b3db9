package output

import (
	"bufio"
	"io"
	"strings"
)

// alignedTable writes plainTable's (box false) or the terminal box table's
// (box true) bytes without tablewriter, for the common case: every cell one
// line of printable ASCII with no blank at either end, and every row as wide
// as the header. tablewriter builds several contexts per cell, which on
// 100,000 rows (topic describe on a big cluster with a broker down) costs
// seconds and close to 1 GB of allocations; this is one pass. ok is false
// when the table is not that simple (the caller then uses tablewriter).
func alignedTable(w io.Writer, headers []string, rows [][]string, noHeaders, box bool) (ok bool, err error) {
	cols := len(headers)
	if noHeaders {
		if len(rows) == 0 && !box {
			return true, nil
		}
		if len(rows) > 0 {
			cols = len(rows[0])
		}
	}
	if cols == 0 {
		return false, nil
	}
	width := make([]int, cols)
	measure := func(r []string) bool {
		if len(r) != cols {
			return false
		}
		for i, c := range r {
			if !simpleCell(c) {
				return false
			}
			width[i] = max(width[i], len(c))
		}
		return true
	}
	if !noHeaders && !measure(headers) {
		return false, nil
	}
	for _, r := range rows {
		if !measure(r) {
			return false, nil
		}
	}
	if box && noHeaders && len(rows) == 0 {
		return false, nil // tablewriter's own empty rendering
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var line []byte
	pad := func(n int) {
		for ; n > 0; n-- {
			line = append(line, ' ')
		}
	}
	write := func(r []string) {
		line = line[:0]
		for i, c := range r {
			if box {
				line = append(line, "│ "...)
				line = append(line, c...)
				pad(width[i] - len(c) + 1)
				continue
			}
			line = append(line, c...)
			// The last cell is not padded and ends in a non-blank: no
			// trailing blanks, as plainTable trims them.
			if i < cols-1 {
				pad(width[i] - len(c) + 2)
			}
		}
		if box {
			line = append(line, "│"...)
		}
		line = append(line, '\n')
		_, _ = bw.Write(line) // a write error is sticky: Flush returns it
	}
	rule := func(left, mid, right string) {
		var b strings.Builder
		b.WriteString(left)
		for i, wd := range width {
			if i > 0 {
				b.WriteString(mid)
			}
			b.WriteString(strings.Repeat("─", wd+2))
		}
		b.WriteString(right)
		b.WriteByte('\n')
		_, _ = bw.WriteString(b.String())
	}
	if box {
		rule("┌", "┬", "┐")
	}
	if !noHeaders {
		write(headers)
		if box && len(rows) > 0 {
			rule("├", "┼", "┤")
		}
	}
	for _, r := range rows {
		write(r)
	}
	if box {
		rule("└", "┴", "┘")
	}
	return true, bw.Flush()
}

// simpleCell: non-empty printable ASCII, no blank at either end.
func simpleCell(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
