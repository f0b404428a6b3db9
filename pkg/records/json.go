package records

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// ValueFormat is --value-format: how values are rendered.
type ValueFormat int

const (
	// ValueText: the bytes as text when they are UTF-8 text, else base64.
	ValueText ValueFormat = iota
	// ValueJSON: valid JSON pretty-printed (text) or embedded (JSON lines).
	ValueJSON
	ValueHex
	ValueBase64
)

// ParseValueFormat reads --value-format.
func ParseValueFormat(s string) (ValueFormat, error) {
	switch s {
	case "", "text":
		return ValueText, nil
	case "json":
		return ValueJSON, nil
	case "hex":
		return ValueHex, nil
	case "base64":
		return ValueBase64, nil
	}
	return 0, fmt.Errorf("invalid --value-format %q: use text, json, hex or base64", s)
}

// Encodings written in the JSON lines next to a key or value that is not
// plain text; produce -o json reads them back.
const (
	EncBase64 = "base64"
	EncHex    = "hex"
	EncJSON   = "json"
)

// IsText reports whether b reads as text: valid UTF-8 without control
// characters other than tab, newline and carriage return. Anything else
// (NUL bytes, binary) is written as base64 so the JSON line stays exact
// and readable.
func IsText(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		i += n
	}
	return true
}

// JSONOptions shape the JSON lines.
type JSONOptions struct {
	Value ValueFormat
	// MaxValueBytes > 0 truncates longer values (valueTruncated, valueSize).
	MaxValueBytes int
}

const rfc3339Millis = "2006-01-02T15:04:05.000Z07:00"

// FormatTime renders epoch ms as RFC 3339 with milliseconds, in UTC.
func FormatTime(ms int64) string {
	return time.UnixMilli(ms).UTC().Format(rfc3339Millis)
}

// AppendJSON appends r as one JSON object and a newline:
//
//	{"topic":..,"partition":..,"offset":..,"timestamp":"RFC 3339","timestampMs":..,
//	 "timestampType":"CreateTime","key":..,"value":..,"headers":[{"key":..,"value":..}]}
//
// A key, value or header value that is not text is base64 with a
// keyEncoding/valueEncoding field; null stays null. timestamp and
// timestampMs are null for a record without a timestamp (NoTimestamp: one
// produce reads without, which gets the time it is written at).
// Hand-written (no reflection): this is the hot path of consume -o json.
func AppendJSON(dst []byte, r *Record, o JSONOptions) []byte {
	dst = append(dst, `{"topic":`...)
	dst = appendString(dst, r.Topic)
	dst = append(dst, `,"partition":`...)
	dst = strconv.AppendInt(dst, int64(r.Partition), 10)
	dst = append(dst, `,"offset":`...)
	dst = strconv.AppendInt(dst, r.Offset, 10)
	if r.Timestamp == NoTimestamp {
		dst = append(dst, `,"timestamp":null,"timestampMs":null`...)
	} else {
		dst = append(dst, `,"timestamp":"`...)
		dst = time.UnixMilli(r.Timestamp).UTC().AppendFormat(dst, rfc3339Millis)
		dst = append(dst, `","timestampMs":`...)
		dst = strconv.AppendInt(dst, r.Timestamp, 10)
	}
	dst = append(dst, `,"timestampType":"`...)
	dst = append(dst, r.TimestampType()...)
	dst = append(dst, `","key":`...)
	dst = appendBytes(dst, r.Key, ValueText, "keyEncoding")
	dst = append(dst, `,"value":`...)
	v := r.Value
	truncated := o.MaxValueBytes > 0 && len(v) > o.MaxValueBytes
	if truncated {
		v = v[:o.MaxValueBytes]
	}
	dst = appendBytes(dst, v, o.Value, "valueEncoding")
	if truncated {
		dst = append(dst, `,"valueTruncated":true,"valueSize":`...)
		dst = strconv.AppendInt(dst, int64(len(r.Value)), 10)
	}
	dst = append(dst, `,"headers":[`...)
	for i, h := range r.Headers {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"key":`...)
		dst = appendString(dst, h.Key)
		dst = append(dst, `,"value":`...)
		dec, special := DecodeDLTHeader(h.Key, h.Value)
		f := ValueText
		if special {
			f = ValueBase64 // exact bytes; the reading is in "decoded"
		}
		dst = appendBytes(dst, h.Value, f, "valueEncoding")
		if special {
			dst = append(dst, `,"decoded":`...)
			dst = appendString(dst, dec)
		}
		dst = append(dst, '}')
	}
	return append(dst, "]}\n"...)
}

// appendBytes writes b as a JSON value in format f, then, when it is not
// plain text, `,"<encField>":"<encoding>"`.
func appendBytes(dst, b []byte, f ValueFormat, encField string) []byte {
	if b == nil {
		return append(dst, "null"...)
	}
	enc := ""
	switch f {
	case ValueHex:
		enc = EncHex
		dst = append(dst, '"')
		dst = hex.AppendEncode(dst, b)
		dst = append(dst, '"')
	case ValueBase64:
		enc = EncBase64
		dst = appendBase64(dst, b)
	case ValueJSON:
		if json.Valid(b) {
			enc = EncJSON
			var buf bytes.Buffer
			if json.Compact(&buf, b) == nil {
				dst = append(dst, buf.Bytes()...)
				break
			}
		}
		fallthrough
	default:
		if IsText(b) {
			dst = appendString(dst, string(b))
			return dst
		}
		enc = EncBase64
		dst = appendBase64(dst, b)
	}
	dst = append(dst, `,"`...)
	dst = append(dst, encField...)
	dst = append(dst, `":"`...)
	dst = append(dst, enc...)
	return append(dst, '"')
}

func appendBase64(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string (s is valid UTF-8).
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// jsonLine is the input shape of produce -o json: what AppendJSON writes.
type jsonLine struct {
	Topic          *string         `json:"topic"`
	Partition      *int32          `json:"partition"`
	Timestamp      *string         `json:"timestamp"`
	TimestampMs    *int64          `json:"timestampMs"`
	Key            json.RawMessage `json:"key"`
	KeyEncoding    string          `json:"keyEncoding"`
	Value          json.RawMessage `json:"value"`
	ValueEncoding  string          `json:"valueEncoding"`
	ValueTruncated bool            `json:"valueTruncated"`
	Headers        []struct {
		Key           string          `json:"key"`
		Value         json.RawMessage `json:"value"`
		ValueEncoding string          `json:"valueEncoding"`
	} `json:"headers"`
}

// DecodeJSON reads one JSON line as consume -o json writes it. The
// record's Topic and Partition are what the line says (-1: none); the
// caller decides whether to use them. A timestamp left out or null is
// NoTimestamp. A truncated value is refused: it
// would write a record that differs from the one read.
func DecodeJSON(line []byte) (Record, error) {
	var in jsonLine
	if err := json.Unmarshal(line, &in); err != nil {
		return Record{}, fmt.Errorf("not a JSON record line: %v", err)
	}
	if in.ValueTruncated {
		return Record{}, fmt.Errorf("the value was truncated by --max-value-bytes when it was read: refusing to write a shortened record")
	}
	r := Record{Partition: -1, Timestamp: NoTimestamp}
	if in.Topic != nil {
		r.Topic = *in.Topic
	}
	if in.Partition != nil {
		r.Partition = *in.Partition
	}
	switch {
	case in.TimestampMs != nil:
		r.Timestamp = *in.TimestampMs
	case in.Timestamp != nil:
		t, err := time.Parse(time.RFC3339Nano, *in.Timestamp)
		if err != nil {
			return Record{}, fmt.Errorf("timestamp %q: %v", *in.Timestamp, err)
		}
		r.Timestamp = t.UnixMilli()
	}
	var err error
	if r.Key, err = decodeField(in.Key, in.KeyEncoding, "key"); err != nil {
		return Record{}, err
	}
	if r.Value, err = decodeField(in.Value, in.ValueEncoding, "value"); err != nil {
		return Record{}, err
	}
	for _, h := range in.Headers {
		v, err := decodeField(h.Value, h.ValueEncoding, "header "+strconv.Quote(h.Key))
		if err != nil {
			return Record{}, err
		}
		r.Headers = append(r.Headers, Header{Key: h.Key, Value: v})
	}
	return r, nil
}

func decodeField(raw json.RawMessage, enc, what string) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if enc == EncJSON {
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, fmt.Errorf("%s: %v", what, err)
		}
		return buf.Bytes(), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%s: a string or null expected (or the encoding \"json\")", what)
	}
	switch enc {
	case "", "text", "utf8":
		return []byte(s), nil
	case EncBase64:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%s: invalid base64: %v", what, err)
		}
		return b, nil
	case EncHex:
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%s: invalid hex: %v", what, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%s: unknown encoding %q (base64, hex, json or none)", what, enc)
}
