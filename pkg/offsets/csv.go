package offsets

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Row is one line of a reset CSV. Group is empty in the one-group format.
type Row struct {
	Group     string
	Topic     string
	Partition int32
	Offset    int64
}

// WriteCSV writes rows as kafka-consumer-groups.sh --export does: no
// header, `topic,partition,offset` for one group or
// `group,topic,partition,offset` (withGroup), one per line, sorted.
func WriteCSV(w io.Writer, rows []Row, withGroup bool) error {
	rows = append([]Row(nil), rows...)
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Group != rows[j].Group {
			return rows[i].Group < rows[j].Group
		}
		return lessTP(TP{rows[i].Topic, rows[i].Partition}, TP{rows[j].Topic, rows[j].Partition})
	})
	cw := csv.NewWriter(w)
	for _, r := range rows {
		rec := []string{r.Topic, strconv.Itoa(int(r.Partition)), strconv.FormatInt(r.Offset, 10)}
		if withGroup {
			rec = append([]string{r.Group}, rec...)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadCSV reads a reset file in either of kafka-consumer-groups.sh's
// formats; the first line decides which (as in Kafka). Blank lines, CRLF
// endings, a header line naming the columns and the "Warn: ..." lines
// Kafka's tool writes among the CSV are tolerated. withGroup
// reports the four-column format.
func ReadCSV(r io.Reader) (rows []Row, withGroup bool, err error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, false, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	width := 0
	type key struct {
		g  string
		tp TP
	}
	seen := map[key]int64{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, false, fmt.Errorf("line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, false, err
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		// kafka-consumer-groups.sh --export prints its warnings on stdout,
		// so `--export > plan.csv` puts them in the file ("Warn: Partition 2
		// from topic t is empty. Falling back to latest known offset.").
		if strings.HasPrefix(strings.ToLower(rec[0]), "warn:") {
			continue
		}
		if width == 0 {
			if len(rec) != 3 && len(rec) != 4 {
				return nil, false, fmt.Errorf("line %d: %d fields; expected topic,partition,offset or group,topic,partition,offset", line, len(rec))
			}
			width = len(rec)
			if isHeader(rec) {
				continue
			}
		} else if len(rec) != width {
			return nil, false, fmt.Errorf("line %d: %d fields, but the file started with %d (%s)", line, len(rec), width, formatName(width == 4))
		}
		row := Row{}
		f := rec
		if width == 4 {
			row.Group, f = rec[0], rec[1:]
			if row.Group == "" {
				return nil, false, fmt.Errorf("line %d: empty group", line)
			}
		}
		row.Topic = f[0]
		if !topicNameRE.MatchString(row.Topic) {
			return nil, false, fmt.Errorf("line %d: invalid topic name %q", line, row.Topic)
		}
		p, err := strconv.ParseInt(f[1], 10, 32)
		if err != nil || p < 0 {
			return nil, false, fmt.Errorf("line %d: partition %q is not a non-negative number", line, f[1])
		}
		row.Partition = int32(p)
		o, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || o < 0 {
			return nil, false, fmt.Errorf("line %d: offset %q is not a non-negative number", line, f[2])
		}
		row.Offset = o
		k := key{row.Group, TP{row.Topic, row.Partition}}
		if prev, dup := seen[k]; dup {
			if prev != o {
				return nil, false, fmt.Errorf("line %d: %s appears twice with different offsets (%d and %d)", line, describeKey(row), prev, o)
			}
			continue
		}
		seen[k] = o
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, false, fmt.Errorf("the file holds no offsets (expected lines of %s or %s)", formatName(false), formatName(true))
	}
	return rows, width == 4, nil
}

func describeKey(r Row) string {
	tp := TP{r.Topic, r.Partition}.String()
	if r.Group != "" {
		return fmt.Sprintf("group %q %s", r.Group, tp)
	}
	return tp
}

func formatName(withGroup bool) string {
	if withGroup {
		return "group,topic,partition,offset"
	}
	return "topic,partition,offset"
}

func isHeader(rec []string) bool {
	h := strings.ToLower(strings.Join(rec, ","))
	return h == "topic,partition,offset" || h == "group,topic,partition,offset"
}

// GroupsFromRows turns a file into per-group requested offsets. A
// three-column file belongs to exactly one --group; a four-column file names
// its groups, and --group (if given) picks among them.
func GroupsFromRows(rows []Row, withGroup bool, groups []string) (map[string]map[TP]int64, error) {
	out := map[string]map[TP]int64{}
	if !withGroup {
		if len(groups) != 1 {
			return nil, fmt.Errorf("a file in the %s format belongs to one group: give exactly one --group (got %d)", formatName(false), len(groups))
		}
		m := map[TP]int64{}
		for _, r := range rows {
			m[TP{r.Topic, r.Partition}] = r.Offset
		}
		out[groups[0]] = m
		return out, nil
	}
	for _, r := range rows {
		if out[r.Group] == nil {
			out[r.Group] = map[TP]int64{}
		}
		out[r.Group][TP{r.Topic, r.Partition}] = r.Offset
	}
	if len(groups) == 0 {
		return out, nil
	}
	picked := map[string]map[TP]int64{}
	var missing []string
	for _, g := range groups {
		m, ok := out[g]
		if !ok {
			missing = append(missing, fmt.Sprintf("%q", g))
			continue
		}
		picked[g] = m
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the file has no offsets for group %s", strings.Join(missing, ", "))
	}
	return picked, nil
}

// ExportRows are the new offsets of plans (partitions with errors left out).
func ExportRows(plans []GroupPlan) []Row {
	var rows []Row
	for _, g := range plans {
		for _, p := range g.Partitions {
			if p.Err == "" {
				rows = append(rows, Row{Group: g.Group, Topic: p.Topic, Partition: p.Partition, Offset: p.New})
			}
		}
	}
	return rows
}

// UndoRows are the committed offsets the plans replace. Partitions without
// a commit are left out (OffsetCommit cannot remove a commit); skipped
// counts them.
func UndoRows(plans []GroupPlan) (rows []Row, skipped []string) {
	for _, g := range plans {
		for _, p := range g.Partitions {
			if p.Err != "" {
				continue
			}
			if p.Current == nil {
				skipped = append(skipped, fmt.Sprintf("%s %s", g.Group, p.TP))
				continue
			}
			rows = append(rows, Row{Group: g.Group, Topic: p.Topic, Partition: p.Partition, Offset: *p.Current})
		}
	}
	return rows, skipped
}
