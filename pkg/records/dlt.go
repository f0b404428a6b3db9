package records

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// Spring Kafka's DeadLetterPublishingRecoverer adds these headers to a
// dead-lettered record (org.springframework.kafka.support.KafkaHeaders).
// The partition is a big-endian int (4 bytes), the offset and timestamp
// big-endian longs (8 bytes); the others are UTF-8 text.
const (
	DLTPrefix              = "kafka_dlt-"
	DLTOriginalTopic       = "kafka_dlt-original-topic"
	DLTOriginalPartition   = "kafka_dlt-original-partition"
	DLTOriginalOffset      = "kafka_dlt-original-offset"
	DLTOriginalTimestamp   = "kafka_dlt-original-timestamp"
	DLTOriginalTsType      = "kafka_dlt-original-timestamp-type"
	DLTOriginalGroup       = "kafka_dlt-original-consumer-group"
	DLTExceptionFQCN       = "kafka_dlt-exception-fqcn"
	DLTExceptionCauseFQCN  = "kafka_dlt-exception-cause-fqcn"
	DLTExceptionMessage    = "kafka_dlt-exception-message"
	DLTExceptionStacktrace = "kafka_dlt-exception-stacktrace"
)

// DecodeDLTHeader reads Spring's binary DLT headers: the original
// partition (int), offset and timestamp (longs). ok is false for every
// other header (and for a value of the wrong size), which are shown as
// their bytes.
func DecodeDLTHeader(key string, v []byte) (text string, ok bool) {
	if !strings.HasPrefix(key, DLTPrefix) {
		return "", false
	}
	switch {
	case strings.HasSuffix(key, "-original-partition") && len(v) == 4:
		return strconv.FormatInt(int64(int32(binary.BigEndian.Uint32(v))), 10), true
	case strings.HasSuffix(key, "-original-offset") && len(v) == 8:
		return strconv.FormatInt(int64(binary.BigEndian.Uint64(v)), 10), true
	case strings.HasSuffix(key, "-original-timestamp") && len(v) == 8:
		ms := int64(binary.BigEndian.Uint64(v))
		return strconv.FormatInt(ms, 10) + " (" + FormatTime(ms) + ")", true
	}
	return "", false
}

// DLTInt and DLTLong encode the binary DLT headers as Spring writes them
// (the sandbox seed and tests use them).
func DLTInt(n int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }

// DLTLong encodes a long header value.
func DLTLong(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }
