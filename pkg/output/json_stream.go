package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// writeJSON writes v as json.Encoder with SetIndent("", "  ") and no HTML
// escaping would, but indents while streaming the compact encoding to w
// instead of building a second, indented copy in memory: on 100,000
// partitions that copy and its growth were about 100 MB of the peak.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // regexes and hosts stay readable: "<" not "\u003c"
	if err := enc.Encode(v); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	indentTo(bw, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	_ = bw.WriteByte('\n')
	return bw.Flush() // a write error is sticky: Flush returns it
}

// indentTo writes compact JSON (as encoding/json produces it: no blanks
// outside strings) with json.Indent's layout: two spaces per level, empty
// objects and arrays kept as {} and []. Runs between structural bytes are
// written whole.
func indentTo(w *bufio.Writer, compact []byte) {
	depth, start := 0, 0
	inStr, esc, open := false, false, false
	indent := []byte("\n")
	flush := func(i int) {
		_, _ = w.Write(compact[start:i])
		start = i
	}
	newline := func() {
		for len(indent) < 1+2*depth {
			indent = append(indent, ' ', ' ')
		}
		_, _ = w.Write(indent[:1+2*depth])
	}
	for i, c := range compact {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		if open && c != '}' && c != ']' {
			flush(i)
			newline() // the first element of a non-empty object or array
			open = false
		}
		switch c {
		case '{', '[':
			flush(i + 1)
			depth++
			open = true
		case '}', ']':
			depth--
			if open {
				open = false // empty: {} or []
			} else {
				flush(i)
				newline()
			}
		case ',':
			flush(i + 1)
			newline()
		case ':':
			flush(i + 1)
			_ = w.WriteByte(' ')
		case '"':
			inStr = true
		}
	}
	flush(len(compact))
}
