package cmdutil

// Uniq drops repeated values and keeps the first of each in order: a name
// given twice on the command line is acted on once, where it first stood.
func Uniq[T comparable](v []T) []T {
	seen := make(map[T]bool, len(v))
	var out []T
	for _, x := range v {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
