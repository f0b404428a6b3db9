package records

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestParseOffsetAndStart(t *testing.T) {
	// Partition holding [10, 20).
	for _, tc := range []struct {
		in      string
		kind    OffsetKind
		start   int64
		clamped bool
	}{
		{"earliest", Earliest, 10, false},
		{"beginning", Earliest, 10, false},
		{"latest", Latest, 20, false},
		{"end", Latest, 20, false},
		{"15", Absolute, 15, false},
		{"3", Absolute, 10, true},
		{"25", Absolute, 20, true},
		{"20", Absolute, 20, false},
		{"-3", FromEnd, 17, false},
		{"-30", FromEnd, 10, true},
		{"+4", FromStart, 14, false},
		{"+40", FromStart, 20, true},
		{"0", Absolute, 10, true},
	} {
		s, err := ParseOffset(tc.in)
		if err != nil || s.Kind != tc.kind {
			t.Fatalf("%q: %+v %v", tc.in, s, err)
		}
		if got, cl := s.Start(10, 20); got != tc.start || cl != tc.clamped {
			t.Errorf("%q: start %d clamped %v, want %d %v", tc.in, got, cl, tc.start, tc.clamped)
		}
		if tc.kind >= Absolute && s.String() != tc.in {
			t.Errorf("%q: String %q", tc.in, s.String())
		}
	}
	for _, bad := range []string{"", "soon", "--3", "+-3", "1.5", "-", "+"} {
		if _, err := ParseOffset(bad); err == nil || !strings.Contains(err.Error(), "invalid --offset") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestIsText(t *testing.T) {
	for in, want := range map[string]bool{
		"":              true,
		"plain":         true,
		"tab\tnl\ncr\r": true,
		"héllo €":       true,
		"\x00":          false,
		"\x7f":          false,
		"\xff\xfe":      false,
		"bell\a":        false,
		"\xe2\x82":      false, // cut UTF-8
	} {
		if got := IsText([]byte(in)); got != want {
			t.Errorf("IsText(%q) = %v", in, got)
		}
	}
}

// TestJSONRoundTrip: what AppendJSON writes, DecodeJSON reads back to the
// same bytes, and encoding/json parses each line.
func TestJSONRoundTrip(t *testing.T) {
	recs := []Record{
		{Topic: "t", Partition: 2, Offset: 7, Timestamp: 1795600800123, Key: []byte("k\"\\\n\t"), Value: []byte("héllo"),
			Headers: []Header{{Key: "h", Value: []byte("v")}, {Key: "nul", Value: nil}, {Key: "bin", Value: []byte{0, 0xff}}}},
		{Topic: "t", Offset: 1, Key: nil, Value: nil, LogAppendTime: true},
		{Topic: "t", Key: []byte{}, Value: []byte{0xff, 0, 1}},
		{Topic: "t", Value: []byte("\x01ctl"), Headers: []Header{{Key: DLTOriginalPartition, Value: DLTInt(3)}, {Key: DLTOriginalOffset, Value: DLTLong(1042)}}},
	}
	for _, r := range recs {
		line := AppendJSON(nil, &r, JSONOptions{})
		if !bytes.HasSuffix(line, []byte("}\n")) || bytes.Count(line, []byte("\n")) != 1 {
			t.Fatalf("not one line: %q", line)
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("invalid JSON %q: %v", line, err)
		}
		back, err := DecodeJSON(line)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if !bytes.Equal(back.Key, r.Key) || (back.Key == nil) != (r.Key == nil) || !bytes.Equal(back.Value, r.Value) || (back.Value == nil) != (r.Value == nil) || back.Timestamp != r.Timestamp {
			t.Errorf("round trip %q: %+v, want %+v", line, back, r)
		}
		if len(back.Headers) != len(r.Headers) {
			t.Fatalf("headers %+v", back.Headers)
		}
		for i, h := range r.Headers {
			if back.Headers[i].Key != h.Key || !bytes.Equal(back.Headers[i].Value, h.Value) || (back.Headers[i].Value == nil) != (h.Value == nil) {
				t.Errorf("header %d: %+v, want %+v", i, back.Headers[i], h)
			}
		}
	}
	// No timestamp: timestamp and timestampMs are null, and read back
	// as none.
	nots := Record{Topic: "t", Partition: 1, Offset: -1, Timestamp: NoTimestamp, Key: []byte("k"), Value: []byte("v")}
	if got, want := string(AppendJSON(nil, &nots, JSONOptions{})), `{"topic":"t","partition":1,"offset":-1,"timestamp":null,"timestampMs":null,"timestampType":"CreateTime","key":"k","value":"v","headers":[]}`+"\n"; got != want {
		t.Errorf("no timestamp:\n got %s want %s", got, want)
	}
	if back, err := DecodeJSON(AppendJSON(nil, &nots, JSONOptions{})); err != nil || back.Timestamp != NoTimestamp {
		t.Errorf("no timestamp read back: %+v %v", back, err)
	}
	line := string(AppendJSON(nil, &recs[3], JSONOptions{}))
	if !strings.Contains(line, `{"key":"kafka_dlt-original-partition","value":"AAAAAw==","valueEncoding":"base64","decoded":"3"}`) ||
		!strings.Contains(line, `"value":"AWN0bA==","valueEncoding":"base64"`) {
		t.Errorf("DLT headers / control bytes: %s", line)
	}
	if _, err := DecodeJSON([]byte(`{"value":"abc","valueTruncated":true}`)); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated value accepted: %v", err)
	}
	for _, bad := range []string{`{"value":"%%","valueEncoding":"base64"}`, `{"value":12}`, `not json`, `{"value":"a","valueEncoding":"rot13"}`} {
		if _, err := DecodeJSON([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	r, err := DecodeJSON([]byte(`{"value":{"a": [1, 2]},"valueEncoding":"json","key":"6b","keyEncoding":"hex","timestamp":"2026-11-25T10:00:00.5Z"}`))
	if err != nil || string(r.Value) != `{"a":[1,2]}` || string(r.Key) != "k" || r.Timestamp != 1795600800500 || r.Partition != -1 {
		t.Errorf("json/hex/timestamp: %+v %v", r, err)
	}
}

func TestDLTHeaders(t *testing.T) {
	for _, tc := range []struct {
		key  string
		v    []byte
		want string
		ok   bool
	}{
		{DLTOriginalPartition, DLTInt(5), "5", true},
		{DLTOriginalOffset, DLTLong(1 << 40), "1099511627776", true},
		{DLTOriginalTimestamp, DLTLong(1795600800000), "1795600800000 (2026-11-25T10:00:00.000Z)", true},
		{"kafka_dlt-key-exception-fqcn", []byte("x"), "", false},
		{DLTOriginalPartition, []byte("12"), "", false}, // wrong size: not Spring's int
		{"partition", DLTInt(5), "", false},
	} {
		got, ok := DecodeDLTHeader(tc.key, tc.v)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s %v: %q %v", tc.key, tc.v, got, ok)
		}
	}
	st := Header{Key: DLTExceptionStacktrace, Value: []byte("a\nb\nc\nd\ne\nf\ng\nh\n")}
	if got := HeaderText(st); got != "a\n    b\n    c\n    ... (5 more lines; -o json shows all)" {
		t.Errorf("stack trace: %q", got)
	}
}

func TestFilter(t *testing.T) {
	hm, err := ParseHeaderMatch("kafka_dlt-original-partition=^3$")
	if err != nil {
		t.Fatal(err)
	}
	f := Filter{Headers: []HeaderMatch{hm}}
	in := &Record{Headers: []Header{{Key: DLTOriginalPartition, Value: DLTInt(3)}}}
	out := &Record{Headers: []Header{{Key: DLTOriginalPartition, Value: DLTInt(13)}}}
	if !f.Match(in) || f.Match(out) || f.Match(&Record{}) {
		t.Error("header match on a decoded DLT header")
	}
	if !(&Filter{}).Match(&Record{}) {
		t.Error("empty filter")
	}
	if got, err := ParseFields("partition, OFFSET,value"); err != nil || !reflect.DeepEqual(got, []Field{FPartition, FOffset, FValue}) {
		t.Errorf("fields %v %v", got, err)
	}
}
