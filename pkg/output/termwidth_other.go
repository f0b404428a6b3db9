//go:build !unix

package output

import "io"

func terminalWidth(io.Writer) int { return 0 }
