// Package text holds the small words and cells every view prints the same
// way: "-" for an empty cell, "1 broker" / "3 brokers", "1,2,3" for a broker
// list. It imports only the standard library, so domain packages (pkg/doctor,
// pkg/topics, ...) may use it without pulling in pkg/output's printers.
package text

import (
	"strconv"
	"strings"
)

// Dash returns s, or "-" when s is empty: a table cell is never blank, so
// every row keeps its column count for awk and cut.
func Dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Plural counts n things: "1 broker", "0 brokers", "3 addresses".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// IDs lists broker (or partition) ids the way Kafka's scripts do, "1,2,3";
// "" for none (Dash(IDs(v)) for a table cell).
func IDs(v []int32) string {
	s := make([]string, len(v))
	for i, id := range v {
		s[i] = strconv.Itoa(int(id))
	}
	return strings.Join(s, ",")
}

// Null is s for a JSON field, or nil (JSON null) when s is empty: an absent
// value is null in every command's JSON, never "" (issue 14 item 12).
func Null(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
