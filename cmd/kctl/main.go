// Command kctl is a Kafka operations command line.
package main

import (
	"os"

	"github.com/kctl-dev/kctl/pkg/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
