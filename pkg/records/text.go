package records

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Field is one --print field of the text output.
type Field string

const (
	FTopic     Field = "topic"
	FPartition Field = "partition"
	FOffset    Field = "offset"
	FTimestamp Field = "timestamp"
	FHeaders   Field = "headers"
	FKey       Field = "key"
	FValue     Field = "value"
)

var allFields = []Field{FTopic, FPartition, FOffset, FTimestamp, FHeaders, FKey, FValue}

// DefaultFields are printed without --print.
var DefaultFields = []Field{FKey, FValue}

// ParseFields reads --print: a comma-separated list of fields.
func ParseFields(s string) ([]Field, error) {
	var out []Field
	for _, part := range strings.Split(s, ",") {
		f := Field(strings.TrimSpace(strings.ToLower(part)))
		ok := false
		for _, a := range allFields {
			if f == a {
				ok = true
			}
		}
		if !ok {
			names := make([]string, len(allFields))
			for i, a := range allFields {
				names[i] = string(a)
			}
			return nil, fmt.Errorf("invalid --print field %q: use a comma-separated list of %s", part, strings.Join(names, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

// TextOptions shape the text output.
type TextOptions struct {
	Fields        []Field
	Value         ValueFormat
	MaxValueBytes int
}

// stackLines is how many lines of a multi-line header value (a Java stack
// trace in kafka_dlt-exception-stacktrace) the text output shows.
const stackLines = 3

// AppendText appends r as text: the chosen fields but headers on one line,
// separated by tabs, then, when headers are chosen, one indented
// "key: value" line per header (Spring's binary DLT headers decoded). A
// value or key that is not text is shown as "base64:..."; null as empty.
func AppendText(dst []byte, r *Record, o TextOptions) []byte {
	first := true
	sep := func() {
		if !first {
			dst = append(dst, '\t')
		}
		first = false
	}
	headers := false
	for _, f := range o.Fields {
		switch f {
		case FTopic:
			sep()
			dst = append(dst, r.Topic...)
		case FPartition:
			sep()
			dst = strconv.AppendInt(dst, int64(r.Partition), 10)
		case FOffset:
			sep()
			dst = strconv.AppendInt(dst, r.Offset, 10)
		case FTimestamp:
			sep()
			dst = append(dst, FormatTime(r.Timestamp)...)
		case FHeaders:
			headers = true
		case FKey:
			sep()
			dst = appendTextBytes(dst, r.Key, ValueText, 0)
		case FValue:
			sep()
			dst = appendTextBytes(dst, r.Value, o.Value, o.MaxValueBytes)
		}
	}
	if !first {
		dst = append(dst, '\n')
	}
	if headers {
		for _, h := range r.Headers {
			dst = append(dst, "  "...)
			dst = append(dst, h.Key...)
			dst = append(dst, ": "...)
			dst = append(dst, HeaderText(h)...)
			dst = append(dst, '\n')
		}
	}
	return dst
}

// HeaderText is a header value as the text output shows it: Spring's
// binary DLT headers decoded, text as is (a long stack trace cut to its
// first lines, indented), other bytes as base64.
func HeaderText(h Header) string {
	if s, ok := DecodeDLTHeader(h.Key, h.Value); ok {
		return s
	}
	if h.Value == nil {
		return "null"
	}
	if !IsText(h.Value) {
		return "base64:" + base64.StdEncoding.EncodeToString(h.Value)
	}
	s := strings.TrimRight(string(h.Value), "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > stackLines {
		lines = append(lines[:stackLines], fmt.Sprintf("... (%d more lines; -o json shows all)", len(lines)-stackLines))
	}
	return strings.Join(lines, "\n    ")
}

func appendTextBytes(dst, b []byte, f ValueFormat, maxBytes int) []byte {
	if b == nil {
		return dst
	}
	full := len(b)
	if maxBytes > 0 && len(b) > maxBytes {
		b = b[:maxBytes]
		if f == ValueText || f == ValueJSON {
			// Cut on a character boundary.
			for len(b) > 0 && !utf8.Valid(b) {
				b = b[:len(b)-1]
			}
		}
	}
	switch f {
	case ValueHex:
		dst = hex.AppendEncode(dst, b)
	case ValueBase64:
		dst = base64.StdEncoding.AppendEncode(dst, b)
	case ValueJSON:
		var buf bytes.Buffer
		if len(b) == full && json.Indent(&buf, b, "", "  ") == nil {
			dst = append(dst, buf.Bytes()...)
			break
		}
		fallthrough
	default:
		if IsText(b) {
			dst = append(dst, b...)
		} else {
			dst = append(dst, "base64:"...)
			dst = base64.StdEncoding.AppendEncode(dst, b)
		}
	}
	if len(b) < full {
		dst = fmt.Appendf(dst, "...[truncated: %d of %d bytes]", len(b), full)
	}
	return dst
}

// Filter selects records by key and header values (--key-match,
// --header-match); all given conditions must hold.
type Filter struct {
	Key     *regexp.Regexp
	Headers []HeaderMatch
}

// HeaderMatch is one --header-match k=REGEX: some header named Key has a
// value matching Value.
type HeaderMatch struct {
	Key   string
	Value *regexp.Regexp
}

// ParseHeaderMatch reads k=REGEX.
func ParseHeaderMatch(s string) (HeaderMatch, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return HeaderMatch{}, fmt.Errorf("invalid --header-match %q: use KEY=REGEX", s)
	}
	re, err := regexp.Compile(v)
	if err != nil {
		return HeaderMatch{}, fmt.Errorf("invalid --header-match %q: %v", s, err)
	}
	return HeaderMatch{Key: k, Value: re}, nil
}

// Empty reports a filter that keeps everything.
func (f *Filter) Empty() bool { return f == nil || (f.Key == nil && len(f.Headers) == 0) }

// Match reports whether r passes. A null key never matches --key-match.
// Header values are matched as the text output shows them (DLT
// partition and offset headers as numbers).
func (f *Filter) Match(r *Record) bool {
	if f.Empty() {
		return true
	}
	if f.Key != nil && (r.Key == nil || !f.Key.Match(r.Key)) {
		return false
	}
	for _, hm := range f.Headers {
		found := false
		for _, h := range r.Headers {
			if h.Key != hm.Key {
				continue
			}
			if s, ok := DecodeDLTHeader(h.Key, h.Value); ok {
				found = hm.Value.MatchString(s)
			} else {
				found = h.Value != nil && hm.Value.Match(h.Value)
			}
			if found {
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
