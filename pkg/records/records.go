// Package records is the pure domain of `kctl topic consume` and `kctl topic
// produce`: the record value type the admin layer returns, start-offset
// specs, filters, the text and JSON-lines encodings (and the JSON-lines
// decoder produce reads back), and Spring Kafka's dead-letter headers. No
// network, no cobra, no sarama.
package records

import (
	"fmt"
	"strconv"
	"strings"
)

// Header is one record header. Keys are strings in Kafka's protocol;
// values are bytes (nil: a null value).
type Header struct {
	Key   string
	Value []byte
}

// NoTimestamp is a record's Timestamp when it has none (Kafka's -1): a
// record to produce gets the time it is written at.
const NoTimestamp = -1

// Record is one record as read from, or to be written to, a partition.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	// Timestamp in epoch milliseconds; NoTimestamp for none.
	Timestamp int64
	// LogAppendTime: the broker set Timestamp (message.timestamp.type).
	LogAppendTime bool
	// Key and Value are nil for null (a tombstone's value is null).
	Key, Value []byte
	Headers    []Header
}

// TimestampType names the timestamp type as Kafka's tools print it.
func (r *Record) TimestampType() string {
	if r.LogAppendTime {
		return "LogAppendTime"
	}
	return "CreateTime"
}

// OffsetKind is the form of a --offset value.
type OffsetKind int

const (
	Earliest  OffsetKind = iota // the log-start offset
	Latest                      // the log-end offset (only new records)
	Absolute                    // N
	FromEnd                     // -N: N before the end
	FromStart                   // +N: N after the log start
)

// OffsetSpec is a parsed --offset.
type OffsetSpec struct {
	Kind OffsetKind
	N    int64
}

// OffsetForms documents --offset.
const OffsetForms = "earliest, latest, N (absolute), -N (N before the end), +N (N after the log start)"

// ParseOffset reads --offset.
func ParseOffset(s string) (OffsetSpec, error) {
	in := strings.TrimSpace(s)
	bad := func(why string) (OffsetSpec, error) {
		return OffsetSpec{}, fmt.Errorf("invalid --offset %q: %s; use %s", s, why, OffsetForms)
	}
	switch strings.ToLower(in) {
	case "earliest", "beginning", "start", "oldest":
		return OffsetSpec{Kind: Earliest}, nil
	case "latest", "end", "newest":
		return OffsetSpec{Kind: Latest}, nil
	case "":
		return bad("empty")
	}
	kind := Absolute
	digits := in
	switch in[0] {
	case '-':
		kind, digits = FromEnd, in[1:]
	case '+':
		kind, digits = FromStart, in[1:]
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n < 0 || digits == "" || digits[0] == '+' || digits[0] == '-' {
		return bad("not a number")
	}
	return OffsetSpec{Kind: kind, N: n}, nil
}

// String is the spec as the user would write it.
func (o OffsetSpec) String() string {
	switch o.Kind {
	case Earliest:
		return "earliest"
	case Latest:
		return "latest"
	case FromEnd:
		return fmt.Sprintf("-%d", o.N)
	case FromStart:
		return fmt.Sprintf("+%d", o.N)
	}
	return strconv.FormatInt(o.N, 10)
}

// Start is where a partition's read begins for the spec, given the
// partition's log-start and log-end offsets, clamped into [start, end]
// (an offset past the end waits for new records when following, and reads
// nothing otherwise). clamped reports that the spec pointed outside.
func (o OffsetSpec) Start(logStart, logEnd int64) (off int64, clamped bool) {
	var want int64
	switch o.Kind {
	case Earliest:
		return logStart, false
	case Latest:
		return logEnd, false
	case FromEnd:
		want = logEnd - o.N
	case FromStart:
		want = logStart + o.N
	default:
		want = o.N
	}
	switch {
	case want < logStart:
		return logStart, true
	case want > logEnd:
		return logEnd, true
	}
	return want, false
}
