package output_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/kctl-dev/kctl/pkg/output"
)

type row struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	LogEnd    int64  `json:"logEndOffset"`
	Lag       *int64 `json:"lag"`
}

type view struct {
	GroupID string `json:"groupId"`
	Rows    []row  `json:"partitions"`
}

func sample() (view, []string, [][]string) {
	lag := int64(50)
	v := view{GroupID: "billing", Rows: []row{{"orders", 0, 1 << 62, &lag}, {"orders", 10, 7, nil}}}
	headers := []string{"TOPIC", "PARTITION", "LOG-END-OFFSET", "LAG"}
	var rows [][]string
	for _, r := range v.Rows {
		rows = append(rows, []string{r.Topic, itoa(int64(r.Partition)), itoa(r.LogEnd), output.Dash(r.Lag)})
	}
	return v, headers, rows
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A pipe or file gets plain, space-aligned columns: no box drawing, no
// colour, no trailing blanks, so awk/cut/grep work.
func TestPlainTableWhenNotATerminal(t *testing.T) {
	v, h, rows := sample()
	var buf bytes.Buffer
	p := output.NewPrinter(&buf, output.Table, false)
	if p.TTY {
		t.Fatal("a buffer is not a terminal")
	}
	if err := p.Print(v, h, rows); err != nil {
		t.Fatal(err)
	}
	want := "TOPIC   PARTITION  LOG-END-OFFSET       LAG\n" +
		"orders  0          4611686018427387904  50\n" +
		"orders  10         7                    -\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
	for _, r := range buf.String() {
		if r >= 0x2500 && r <= 0x257f || r == 0x1b || r == '|' || r == '+' {
			t.Fatalf("plain table holds %q:\n%s", r, buf.String())
		}
	}
	// awk '{print $4}' sees the lag column on every row.
	for i, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if f := strings.Fields(line); len(f) != 4 {
			t.Fatalf("line %d has %d fields: %q", i, len(f), line)
		}
	}
}

func TestNoHeaders(t *testing.T) {
	v, h, rows := sample()
	var buf bytes.Buffer
	if err := output.NewPrinter(&buf, output.Table, true).Print(v, h, rows); err != nil {
		t.Fatal(err)
	}
	want := "orders  0   4611686018427387904  50\norders  10  7                    -\n"
	if buf.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", buf.String(), want)
	}
	buf.Reset()
	if err := output.NewPrinter(&buf, output.Table, true).Table(h, nil); err != nil || buf.Len() != 0 {
		t.Fatalf("no rows, no headers: %q %v", buf.String(), err)
	}
	buf.Reset()
	if err := output.NewPrinter(&buf, output.Table, false).Table(h, nil); err != nil || buf.String() != "TOPIC  PARTITION  LOG-END-OFFSET  LAG\n" {
		t.Fatalf("no rows: %q %v", buf.String(), err)
	}
}

// A terminal gets the same plain table as a pipe; boxes only when asked
// for (--table-style box).
func TestPlainTableOnATerminalBoxOnlyWhenAsked(t *testing.T) {
	_, h, rows := sample()
	var plain, box bytes.Buffer
	p := output.NewPrinter(&plain, output.Table, false)
	p.TTY, p.Width = true, 200
	if err := p.Table(h, rows); err != nil {
		t.Fatal(err)
	}
	want := "TOPIC   PARTITION  LOG-END-OFFSET       LAG\n" +
		"orders  0          4611686018427387904  50\n" +
		"orders  10         7                    -\n"
	if plain.String() != want {
		t.Fatalf("terminal table:\n%s\nwant\n%s", plain.String(), want)
	}
	p = output.NewPrinter(&box, output.Table, false)
	p.TTY, p.Box = true, true
	if err := p.Table(h, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(box.String(), "│") || !strings.Contains(box.String(), "LOG-END-OFFSET") {
		t.Fatalf("no box table:\n%s", box.String())
	}
	for _, s := range []string{"", "plain", "PLAIN", "box"} {
		if b, err := output.ParseTableStyle(s); err != nil || b != (s == "box") {
			t.Errorf("ParseTableStyle(%q) = %v, %v", s, b, err)
		}
	}
	if _, err := output.ParseTableStyle("fancy"); err == nil || err.Error() != `unknown table style "fancy": use plain or box` {
		t.Errorf("ParseTableStyle(fancy): %v", err)
	}
}

// A box table wider than the terminal would wrap into a broken grid: it is
// printed plain instead; one that fits keeps its box.
func TestBoxTableWiderThanTheTerminal(t *testing.T) {
	h := []string{"GROUP", "COORDINATOR"}
	rows := [][]string{{"billing", "127.0.0.1:19094 (2)"}}
	// "│ billing │ 127.0.0.1:19094 (2) │" is 33 columns wide.
	for _, tc := range []struct {
		width int
		box   bool
	}{{0, true}, {33, true}, {32, false}, {80, true}} {
		var buf bytes.Buffer
		p := output.NewPrinter(&buf, output.Table, false)
		p.Box, p.Width = true, tc.width
		if err := p.Table(h, rows); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(buf.String(), "│"); got != tc.box {
			t.Errorf("width %d: box %v, want %v:\n%s", tc.width, got, tc.box, buf.String())
		}
		if !tc.box && buf.String() != "GROUP    COORDINATOR\nbilling  127.0.0.1:19094 (2)\n" {
			t.Errorf("width %d: plain table %q", tc.width, buf.String())
		}
	}
}

func TestJSONAndYAMLFieldNames(t *testing.T) {
	v, h, rows := sample()
	var buf bytes.Buffer
	if err := output.NewPrinter(&buf, output.JSON, false).Print(v, h, rows); err != nil {
		t.Fatal(err)
	}
	wantJSON := `{
  "groupId": "billing",
  "partitions": [
    {
      "topic": "orders",
      "partition": 0,
      "logEndOffset": 4611686018427387904,
      "lag": 50
    },
    {
      "topic": "orders",
      "partition": 10,
      "logEndOffset": 7,
      "lag": null
    }
  ]
}
`
	if buf.String() != wantJSON {
		t.Fatalf("json\n%s\nwant\n%s", buf.String(), wantJSON)
	}
	buf.Reset()
	if err := output.NewPrinter(&buf, output.YAML, false).Print(v, h, rows); err != nil {
		t.Fatal(err)
	}
	// Same names as JSON, in the same order; exact 64-bit numbers.
	wantYAML := `groupId: billing
partitions:
  - topic: orders
    partition: 0
    logEndOffset: 4611686018427387904
    lag: 50
  - topic: orders
    partition: 10
    logEndOffset: 7
    lag: null
`
	if buf.String() != wantYAML {
		t.Fatalf("yaml\n%s\nwant\n%s", buf.String(), wantYAML)
	}
	buf.Reset()
	// Strings that look like other types stay strings.
	if _, err := output.NewPrinter(&buf, output.YAML, false).Data(map[string]string{"a": "123", "b": "true", "c": ""}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "a: \"123\"\nb: \"true\"\nc: \"\"\n" {
		t.Fatalf("yaml strings: %q", buf.String())
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]output.Format{"": output.Table, "table": output.Table, "JSON": output.JSON, "yaml": output.YAML, "yml": output.YAML} {
		if f, err := output.ParseFormat(in); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, f, err)
		}
	}
	if _, err := output.ParseFormat("xml"); err == nil || err.Error() != `unknown output format "xml": use table, json or yaml` {
		t.Errorf("xml: %v", err)
	}
}
