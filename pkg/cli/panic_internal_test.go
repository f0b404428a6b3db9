package cli

import (
	"bytes"
	"testing"

	"github.com/kctl-dev/kctl/pkg/output"
)

func TestPanicBecomesOneLine(t *testing.T) {
	t.Setenv("KCTL_TRACEBACK", "")
	var errOut bytes.Buffer
	code := func() (code int) {
		defer recoverToExit(&output.Streams{ErrOut: &errOut}, &code)
		var m map[string]int
		//lint:ignore SA5000 the test needs a real runtime panic, a nil-map bug
		m["x"]++
		return 0
	}()
	want := "Error: internal error: assignment to entry in nil map (please report this bug; KCTL_TRACEBACK=1 prints where it happened)\n"
	if code != 1 || errOut.String() != want {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	t.Setenv("KCTL_TRACEBACK", "1")
	errOut.Reset()
	func() (code int) {
		defer recoverToExit(&output.Streams{ErrOut: &errOut}, &code)
		panic("boom")
	}()
	if !bytes.Contains(errOut.Bytes(), []byte("goroutine ")) {
		t.Fatalf("KCTL_TRACEBACK=1 printed no stack: %q", errOut.String())
	}
}
