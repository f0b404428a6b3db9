// Command gen-docs writes docs/commands/*.md from kctl's cobra tree.
package main

import (
	"fmt"
	"os"

	"github.com/kctl-dev/kctl/pkg/cli"
)

func main() {
	dir := "docs/commands"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := cli.GenDocs(dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen-docs:", err)
		os.Exit(1)
	}
}
