package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// writeYAML writes the JSON text b as block YAML, keys in the JSON's order, byte for
// byte what yaml.v3 writes for the same text parsed into nodes (nodeYAML),
// without yaml.v3's parser and node tree: those took ~300 MB for 10,000 lag
// rows. The JSON is read into a small tree and written line by line. Scalars are
// rendered by yaml.v3 itself, once per distinct string, so quoting is
// yaml.v3's. A document yaml.v3 would write differently from these simple
// rules (a string spanning lines, a very long key) takes nodeYAML.
func writeYAML(w io.Writer, b []byte) error {
	p := jsonParser{b: b}
	root, err := p.value()
	if err != nil {
		return err
	}
	e := yamlEmitter{scalars: map[string]string{}}
	if !e.renderable(&root) {
		return nodeYAML(w, b)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	e.w = bw
	e.root(&root)
	return bw.Flush()
}

// nodeYAML is the general path: JSON parsed into yaml.v3 nodes (exact
// numbers), styles dropped so the encoder writes block YAML and quotes only
// when needed, mapping keys in the JSON's order.
func nodeYAML(w io.Writer, b []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return err
	}
	blockStyle(&doc)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

// jnode is one JSON value: an object (kids alternate key, value; sorted by
// key after parsing), an array, a string, or a literal (number, true,
// false, null) kept as its JSON text.
type jnode struct {
	kind byte // 'o', 'a', 's', 'l'
	text string
	kids []jnode
}

type jsonParser struct {
	b   []byte
	pos int
}

func (p *jsonParser) ws() {
	for p.pos < len(p.b) {
		switch p.b[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) fail(what string) error {
	return fmt.Errorf("yaml output: bad JSON at byte %d: %s", p.pos, what)
}

func (p *jsonParser) value() (jnode, error) {
	p.ws()
	if p.pos >= len(p.b) {
		return jnode{}, p.fail("unexpected end")
	}
	switch c := p.b[p.pos]; c {
	case '{':
		p.pos++
		n := jnode{kind: 'o'}
		p.ws()
		if p.pos < len(p.b) && p.b[p.pos] == '}' {
			p.pos++
			return n, nil
		}
		for {
			p.ws()
			if p.pos >= len(p.b) || p.b[p.pos] != '"' {
				return n, p.fail("want a key")
			}
			k, err := p.str()
			if err != nil {
				return n, err
			}
			p.ws()
			if p.pos >= len(p.b) || p.b[p.pos] != ':' {
				return n, p.fail("want ':'")
			}
			p.pos++
			v, err := p.value()
			if err != nil {
				return n, err
			}
			n.kids = append(n.kids, jnode{kind: 's', text: k}, v)
			p.ws()
			if p.pos < len(p.b) && p.b[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.pos < len(p.b) && p.b[p.pos] == '}' {
				p.pos++
				return n, nil
			}
			return n, p.fail("want ',' or '}'")
		}
	case '[':
		p.pos++
		n := jnode{kind: 'a'}
		p.ws()
		if p.pos < len(p.b) && p.b[p.pos] == ']' {
			p.pos++
			return n, nil
		}
		for {
			v, err := p.value()
			if err != nil {
				return n, err
			}
			n.kids = append(n.kids, v)
			p.ws()
			if p.pos < len(p.b) && p.b[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.pos < len(p.b) && p.b[p.pos] == ']' {
				p.pos++
				return n, nil
			}
			return n, p.fail("want ',' or ']'")
		}
	case '"':
		s, err := p.str()
		return jnode{kind: 's', text: s}, err
	default:
		start := p.pos
		for p.pos < len(p.b) && !strings.ContainsRune(" \t\r\n,]}", rune(p.b[p.pos])) {
			p.pos++
		}
		if p.pos == start {
			return jnode{}, p.fail(fmt.Sprintf("unexpected %q", c))
		}
		return jnode{kind: 'l', text: string(p.b[start:p.pos])}, nil
	}
}

// str reads a JSON string; only strings with escapes go through
// encoding/json.
func (p *jsonParser) str() (string, error) {
	start := p.pos
	p.pos++
	escaped := false
	for p.pos < len(p.b) {
		switch p.b[p.pos] {
		case '\\':
			escaped = true
			p.pos += 2
			continue
		case '"':
			p.pos++
			if !escaped {
				return string(p.b[start+1 : p.pos-1]), nil
			}
			var s string
			if err := json.Unmarshal(p.b[start:p.pos], &s); err != nil {
				return "", p.fail(err.Error())
			}
			return s, nil
		}
		p.pos++
	}
	return "", p.fail("unterminated string")
}

// yamlEmitter writes block YAML with yaml.v3's layout at indent 2: a
// nested mapping or sequence starts on the line after its key, indented by
// two; a sequence item's first key (or nested item) follows "- "; empty
// containers are "{}" and "[]".
type yamlEmitter struct {
	w       *bufio.Writer
	scalars map[string]string // string -> its single-line YAML form
}

// maxSimpleKey: yaml.v3 writes longer keys in the "? key" form.
const maxSimpleKey = 100

// renderable reports whether every string of n renders on one line (and
// every key is short), i.e. whether the simple layout is yaml.v3's.
func (e *yamlEmitter) renderable(n *jnode) bool {
	switch n.kind {
	case 's':
		_, ok := e.scalar(n.text)
		return ok
	case 'o':
		for i := 0; i < len(n.kids); i += 2 {
			if len(n.kids[i].text) > maxSimpleKey || !e.renderable(&n.kids[i]) || !e.renderable(&n.kids[i+1]) {
				return false
			}
		}
	case 'a':
		for i := range n.kids {
			if !e.renderable(&n.kids[i]) {
				return false
			}
		}
	}
	return true
}

// scalar renders a string as yaml.v3 does (plain, quoted when it would
// read as another type or holds special characters), cached.
func (e *yamlEmitter) scalar(s string) (string, bool) {
	if r, ok := e.scalars[s]; ok {
		return r, r != "\n"
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	err := enc.Encode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
	if err == nil {
		err = enc.Close()
	}
	r := strings.TrimSuffix(buf.String(), "\n")
	// A string holding a line break (YAML counts NEL, LS and PS too) is a
	// literal block as a value and a "? key" as a key.
	if err != nil || r == "" || strings.ContainsAny(s, "\n\r\u0085\u2028\u2029") || strings.Contains(r, "\n") {
		e.scalars[s] = "\n" // not single-line: the node path writes it
		return "", false
	}
	e.scalars[s] = r
	return r, true
}

func (e *yamlEmitter) text(n *jnode) string {
	if n.kind == 's' {
		r, _ := e.scalar(n.text)
		return r
	}
	return n.text
}

func (e *yamlEmitter) indent(n int) {
	for ; n > 0; n-- {
		_ = e.w.WriteByte(' ')
	}
}

func (e *yamlEmitter) root(n *jnode) {
	switch {
	case n.kind == 'o' && len(n.kids) > 0:
		e.mapping(n, 0, false)
	case n.kind == 'a' && len(n.kids) > 0:
		e.sequence(n, 0, false)
	default:
		e.inline(n)
	}
}

// inline writes a scalar or an empty container and ends the line.
func (e *yamlEmitter) inline(n *jnode) {
	switch n.kind {
	case 'o':
		_, _ = e.w.WriteString("{}\n")
	case 'a':
		_, _ = e.w.WriteString("[]\n")
	default:
		_, _ = e.w.WriteString(e.text(n))
		_ = e.w.WriteByte('\n')
	}
}

// mapping writes a non-empty mapping at column ind; first: the first key
// continues the current line (after "- ").
func (e *yamlEmitter) mapping(n *jnode, ind int, first bool) {
	for i := 0; i < len(n.kids); i += 2 {
		if i > 0 || !first {
			e.indent(ind)
		}
		_, _ = e.w.WriteString(e.text(&n.kids[i]))
		_ = e.w.WriteByte(':')
		e.value(&n.kids[i+1], ind)
	}
}

// value writes what follows "key:" or "-".
func (e *yamlEmitter) value(v *jnode, ind int) {
	switch {
	case v.kind == 'o' && len(v.kids) > 0:
		_ = e.w.WriteByte('\n')
		e.mapping(v, ind+2, false)
	case v.kind == 'a' && len(v.kids) > 0:
		_ = e.w.WriteByte('\n')
		e.sequence(v, ind+2, false)
	default:
		_ = e.w.WriteByte(' ')
		e.inline(v)
	}
}

func (e *yamlEmitter) sequence(n *jnode, ind int, first bool) {
	for i := range n.kids {
		if i > 0 || !first {
			e.indent(ind)
		}
		_ = e.w.WriteByte('-')
		switch v := &n.kids[i]; {
		case v.kind == 'o' && len(v.kids) > 0:
			_ = e.w.WriteByte(' ')
			e.mapping(v, ind+2, true)
		case v.kind == 'a' && len(v.kids) > 0:
			_ = e.w.WriteByte(' ')
			e.sequence(v, ind+2, true)
		default:
			_ = e.w.WriteByte(' ')
			e.inline(v)
		}
	}
}
