//go:build unix

package output

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// terminalWidth is the column count of the terminal w writes to, 0 if
// unknown.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
