package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every complete ```json example in docs/*.md parses (abridged ones, with
// "...", are left out): a docs page's JSON schema example cannot drift
// into something no command could print.
func TestDocsJSONExamplesParse(t *testing.T) {
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no docs: %v", err)
	}
	block := regexp.MustCompile("(?s)```json\n(.*?)```")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllSubmatch(b, -1) {
			if strings.Contains(string(m[1]), "...") {
				continue
			}
			n++
			var v any
			if err := json.Unmarshal(m[1], &v); err != nil {
				t.Errorf("%s: a JSON example does not parse: %v\n%s", f, err, m[1])
			}
		}
	}
	if n == 0 {
		t.Error("no JSON example found")
	}
}
