package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/output"
)

// GenDocs writes one Markdown page per command into dir (make docs).
func GenDocs(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, f := range old {
		_ = os.Remove(f)
	}
	root := NewRootCmd(cmdutil.New(&output.Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}))
	disableGenTag(root)
	return doc.GenMarkdownTree(root, dir)
}

func disableGenTag(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, s := range c.Commands() {
		disableGenTag(s)
	}
}
