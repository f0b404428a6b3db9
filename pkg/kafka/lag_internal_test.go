package kafka

import (
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// batch builds a record batch at first with n records, record i written at
// t0 + i seconds.
func batch(first int64, n int, t0 time.Time) *sarama.RecordBatch {
	b := &sarama.RecordBatch{FirstOffset: first, LastOffsetDelta: int32(n - 1), FirstTimestamp: t0, MaxTimestamp: t0.Add(time.Duration(n-1) * time.Second)}
	for i := 0; i < n; i++ {
		b.Records = append(b.Records, &sarama.Record{OffsetDelta: int64(i), TimestampDelta: time.Duration(i) * time.Second})
	}
	return b
}

// The timestamps of several committed offsets of one partition come from
// one answer: each offset takes the first record at or after it that a
// consumer reads.
func TestRecordTimes(t *testing.T) {
	t0 := time.UnixMilli(1_700_000_000_000)
	ms := func(sec int) int64 { return t0.Add(time.Duration(sec) * time.Second).UnixMilli() }
	control := batch(15, 1, t0.Add(time.Hour))
	control.Control = true
	aborted := batch(16, 2, t0.Add(2*time.Hour))
	aborted.IsTransactional, aborted.ProducerID = true, 7
	partial := &sarama.RecordBatch{FirstOffset: 30, LastOffsetDelta: 9, FirstTimestamp: t0.Add(30 * time.Second), PartialTrailingRecord: true}
	blk := &sarama.FetchResponseBlock{
		AbortedTransactions: []*sarama.AbortedTransaction{{ProducerID: 7, FirstOffset: 16}},
		RecordsSet: []*sarama.Records{
			{RecordBatch: batch(10, 5, t0.Add(10*time.Second))}, // 10..14 at 10..14 s
			{RecordBatch: control},                              // 15: a commit marker
			{RecordBatch: aborted},                              // 16, 17: aborted
			{RecordBatch: batch(18, 2, t0.Add(18*time.Second))}, // 18, 19
			{RecordBatch: partial},                              // 30..39, header only
		},
	}
	for _, tc := range []struct {
		rc   bool
		offs []int64
		want map[int64]int64
	}{
		// Offset 8 was compacted away: the next record (10) counts. 15 is
		// a control record: the next data record is 16 (uncommitted read)
		// or 18 (read_committed skips the aborted batch). 35 sits in a
		// batch cut short: its first timestamp. 45 is past the answer.
		{false, []int64{8, 12, 15, 17, 19, 35, 45}, map[int64]int64{8: ms(10), 12: ms(12), 15: t0.Add(2 * time.Hour).UnixMilli(), 17: t0.Add(2*time.Hour + time.Second).UnixMilli(), 19: ms(19), 35: ms(30)}},
		{true, []int64{12, 15, 17, 19}, map[int64]int64{12: ms(12), 15: ms(18), 17: ms(18), 19: ms(19)}},
	} {
		got := recordTimes(blk, tc.offs, tc.rc)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("read_committed=%v %v:\n got %v\nwant %v", tc.rc, tc.offs, got, tc.want)
		}
	}

	// Log-append time: every record of a batch has the broker's time.
	lat := batch(0, 3, t0)
	lat.LogAppendTime, lat.MaxTimestamp = true, t0.Add(time.Minute)
	if got := recordTimes(&sarama.FetchResponseBlock{RecordsSet: []*sarama.Records{{RecordBatch: lat}}}, []int64{1}, false); got[1] != t0.Add(time.Minute).UnixMilli() {
		t.Errorf("log-append time: %v", got)
	}

	// A magic-1 compressed wrapper: inner offsets are relative, the
	// wrapper carries the last absolute one.
	inner := &sarama.MessageSet{}
	for i := 0; i < 3; i++ {
		inner.Messages = append(inner.Messages, &sarama.MessageBlock{Offset: int64(i), Msg: &sarama.Message{Version: 1, Timestamp: t0.Add(time.Duration(i) * time.Second)}})
	}
	legacy := &sarama.MessageSet{Messages: []*sarama.MessageBlock{{Offset: 102, Msg: &sarama.Message{Version: 1, Set: inner}}}}
	if got := recordTimes(&sarama.FetchResponseBlock{RecordsSet: []*sarama.Records{{MsgSet: legacy}}}, []int64{101}, false); fmt.Sprint(got) != fmt.Sprint(map[int64]int64{101: ms(1)}) {
		t.Errorf("legacy: %v", got)
	}
}

// Byte limits: a partition read for several offsets gets 16 shares, the
// request stays near the 8 MiB budget, and the floors and caps hold.
func TestFetchLimits(t *testing.T) {
	for _, tc := range []struct {
		single, multi int
		ws, wm        int32
	}{
		{1, 0, 64 << 10, 1 << 20},
		{0, 1, 64 << 10, 1 << 20},
		{3, 3, 64 << 10, 1 << 20},
		{100, 20, 19972, 319552}, // 8 MiB in 420 shares
		{4000, 100, 1497, 23952},
		{20000, 0, 1 << 10, 6704}, // the 1 KiB floor
	} {
		s, m := fetchLimits(tc.single, tc.multi)
		if s != tc.ws || m != tc.wm {
			t.Errorf("fetchLimits(%d, %d) = %d, %d; want %d, %d", tc.single, tc.multi, s, m, tc.ws, tc.wm)
		}
		if total := int64(tc.single)*int64(s) + int64(tc.multi)*int64(m); total > fetchBudget && int64(s) > fetchPartMin {
			t.Errorf("fetchLimits(%d, %d): %d bytes in one answer", tc.single, tc.multi, total)
		}
	}
}
