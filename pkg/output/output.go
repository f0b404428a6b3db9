// Package output prints kctl's views: tables for people, JSON and YAML for
// scripts. Every view is one row type with json/yaml tags; the table is built
// from the same rows, so the formats never disagree.
package output

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"gopkg.in/yaml.v3"

	"github.com/kctl-dev/kctl/pkg/errs"
)

// Format is an output format.
type Format string

const (
	Table Format = "table"
	JSON  Format = "json"
	YAML  Format = "yaml"
)

// ParseFormat validates the -o flag.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "table":
		return Table, nil
	case "json":
		return JSON, nil
	case "yaml", "yml":
		return YAML, nil
	}
	return "", errs.Usagef("unknown output format %q: use table, json or yaml", s)
}

// Streams are the command's standard streams.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Interactive: a person can answer a prompt (stdin and stderr are
	// terminals). Tests set it to answer prompts from In.
	Interactive bool
}

// System returns the process's streams.
func System() *Streams {
	return &Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, Interactive: IsTerminal(os.Stdin) && IsTerminal(os.Stderr)}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// Printer writes one view in the chosen format.
type Printer struct {
	Out       io.Writer
	Format    Format
	NoHeaders bool
	// TTY: stdout is a terminal (live views redraw the screen there).
	TTY bool
	// Box draws tables with box characters (--table-style box). Off, the
	// default everywhere as in Kafka's scripts, kcat and rpk: plain aligned
	// columns, the same at any width and through a pipe, for awk, cut,
	// grep and pasting into tickets.
	Box bool
	// Width is the terminal's column count (0: unknown). A box table wider
	// than the terminal would wrap into an unreadable grid, so it is
	// printed plain instead.
	Width int
}

// Table styles (--table-style, KCTL_TABLE_STYLE, table-style in the config
// file).
const (
	StylePlain = "plain"
	StyleBox   = "box"
)

// ParseTableStyle validates a table style; "" is plain.
func ParseTableStyle(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", StylePlain:
		return false, nil
	case StyleBox:
		return true, nil
	}
	return false, errs.Usagef("unknown table style %q: use plain or box", s)
}

// NewPrinter builds a printer for out.
func NewPrinter(out io.Writer, f Format, noHeaders bool) *Printer {
	p := &Printer{Out: out, Format: f, NoHeaders: noHeaders, TTY: IsTerminal(out)}
	if p.TTY {
		p.Width = terminalWidth(out)
	}
	return p
}

// Structured reports whether the printer writes JSON or YAML.
func (p *Printer) Structured() bool { return p.Format == JSON || p.Format == YAML }

// Data writes v as JSON or YAML. With the table format it does nothing and
// returns false, so callers can fall through to their table.
func (p *Printer) Data(v any) (bool, error) {
	switch p.Format {
	case JSON:
		return true, writeJSON(p.Out, v)
	case YAML:
		// Through JSON, so YAML keys are the JSON field names, in the same
		// order (one set of tags, one public interface), and numbers stay
		// exact (offsets beyond 2^53).
		b, err := json.Marshal(v)
		if err != nil {
			return true, err
		}
		return true, writeYAML(p.Out, b)
	}
	return false, nil
}

// blockStyle drops the flow and quoting styles the JSON text gave the nodes,
// so the encoder writes ordinary block YAML and quotes only when needed.
// Keys keep the JSON's order: YAML and JSON list a view's fields alike.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// Print writes v as JSON/YAML, or the table from headers and rows.
func (p *Printer) Print(v any, headers []string, rows [][]string) error {
	if done, err := p.Data(v); done {
		return err
	}
	return p.Table(headers, rows)
}

// Table writes a table. Headers are printed as given (Kafka style:
// upper case, hyphenated).
func (p *Printer) Table(headers []string, rows [][]string) error {
	if !p.Box || (p.Width > 0 && boxWidth(headers, rows, p.NoHeaders) > p.Width) {
		return plainTable(p.Out, headers, rows, p.NoHeaders)
	}
	if ok, err := alignedTable(p.Out, headers, rows, p.NoHeaders, true); ok {
		return err
	}
	return p.boxTable(headers, rows)
}

// boxWidth is the width of the box table's widest line: per column "│ "
// + the widest cell (of any of its lines) + " ", then the closing "│".
func boxWidth(headers []string, rows [][]string, noHeaders bool) int {
	var width []int
	measure := func(r []string) {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			for _, l := range strings.Split(c, "\n") {
				width[i] = max(width[i], runewidth.StringWidth(l))
			}
		}
	}
	if !noHeaders {
		measure(headers)
	}
	for _, r := range rows {
		measure(r)
	}
	total := 1
	for _, w := range width {
		total += w + 3
	}
	return total
}

func (p *Printer) boxTable(headers []string, rows [][]string) error {
	t := tablewriter.NewTable(p.Out,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleLight)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithTrimSpace(tw.Off),
	)
	if !p.NoHeaders {
		h := make([]any, len(headers))
		for i, s := range headers {
			h[i] = s
		}
		t.Header(h...)
	}
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return err
		}
	}
	return t.Render()
}

// plainTable prints space-aligned columns without any drawing, the way
// Kafka's own scripts print, with tablewriter's column-width logic.
func plainTable(w io.Writer, headers []string, rows [][]string, noHeaders bool) error {
	if ok, err := alignedTable(w, headers, rows, noHeaders, false); ok {
		return err
	}
	return tablewriterPlain(w, headers, rows, noHeaders)
}

func tablewriterPlain(w io.Writer, headers []string, rows [][]string, noHeaders bool) error {
	var buf strings.Builder
	t := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenRows: tw.Off, BetweenColumns: tw.Off, ShowHeader: tw.Off, ShowFooter: tw.Off},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "  ", Overwrite: true}),
	)
	if !noHeaders {
		h := make([]any, len(headers))
		for i, s := range headers {
			h[i] = s
		}
		t.Header(h...)
	}
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	// Trailing padding would make `awk '$NF == ...'` and diffs fragile.
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	if len(rows) == 0 && noHeaders {
		return nil
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return err
}

// Dash renders an optional number the way Kafka's tools do: "-" when absent.
func Dash[T any](v *T) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprint(*v)
}
