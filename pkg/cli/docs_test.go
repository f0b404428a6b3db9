package cli_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/kctl-dev/kctl/pkg/cli"
)

// TestDocsUpToDate fails when docs/commands is stale: run `make docs`.
func TestDocsUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := cli.GenDocs(dir); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join("..", "..", "docs", "commands")
	gen, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	have, _ := filepath.Glob(filepath.Join(committed, "*.md"))
	names := func(paths []string) []string {
		var out []string
		for _, p := range paths {
			out = append(out, filepath.Base(p))
		}
		sort.Strings(out)
		return out
	}
	g, h := names(gen), names(have)
	stale := false
	seen := map[string]bool{}
	for _, n := range h {
		seen[n] = true
	}
	for _, n := range g {
		if !seen[n] {
			t.Errorf("docs/commands/%s is missing", n)
			stale = true
			continue
		}
		want, _ := os.ReadFile(filepath.Join(dir, n))
		got, _ := os.ReadFile(filepath.Join(committed, n))
		if string(want) != string(got) {
			t.Errorf("docs/commands/%s is stale", n)
			stale = true
		}
		delete(seen, n)
	}
	for n := range seen {
		t.Errorf("docs/commands/%s documents a command that no longer exists", n)
		stale = true
	}
	if stale {
		t.Log("run `make docs` and commit docs/commands")
	}
}
