package lag

import (
	"context"
	"fmt"
	"time"

	"github.com/kctl-dev/kctl/pkg/lag"
	"github.com/kctl-dev/kctl/pkg/output"
)

// runWatch refreshes the view every interval. On a terminal it redraws in
// place; otherwise (a pipe, a log file) it prints one snapshot per
// interval, separated by a blank line. From the second snapshot on, each
// group shows its lag change, rates and time to catch up. A refresh that
// fails is reported and the watch goes on; the exit code is the last
// snapshot's.
func runWatch(parent context.Context, o *DescribeOptions, p *output.Printer) error {
	var prev map[string]lag.Group
	var prevAt time.Time
	var lastErr error
	for i := 0; o.Iterations == 0 || i < o.Iterations; i++ {
		if i > 0 {
			t := time.NewTimer(o.Watch)
			select {
			case <-parent.Done():
				t.Stop()
				return lastErr
			case <-t.C:
			}
		}
		gs, res, err := o.snapshot(parent)
		if err != nil {
			if prev == nil {
				return err // nothing to show yet: the connection is wrong
			}
			o.F.Warnf("Error: refresh failed at %s: %v", time.Now().Format(time.TimeOnly), err)
			lastErr = err
			continue
		}
		var progress map[string]lag.Progress
		if prev != nil {
			progress = map[string]lag.Progress{}
			for _, g := range gs {
				if before, ok := prev[g.Group]; ok && g.Err == nil && before.Err == nil {
					progress[g.Group] = lag.Compare(before, g, res.ReadAt.Sub(prevAt))
				}
			}
		}
		switch {
		case p.TTY && !p.Structured():
			// Home, clear screen: redraw in place.
			fmt.Fprint(p.Out, "\x1b[H\x1b[2J")
			fmt.Fprintf(p.Out, "Every %v, %s (Ctrl-C to stop)\n\n", o.Watch, res.ReadAt.Format(time.TimeOnly))
		case i > 0 && p.Format == output.YAML:
			// A YAML stream separates its documents (JSON documents
			// follow each other as they are).
			fmt.Fprintln(p.Out, "---")
		case i > 0 && !p.Structured():
			fmt.Fprintln(p.Out)
		}
		if err := o.print(p, gs, progress); err != nil {
			return err
		}
		lastErr = o.report(gs, res)
		prev = map[string]lag.Group{}
		for _, g := range gs {
			prev[g.Group] = g
		}
		prevAt = res.ReadAt
	}
	return lastErr
}
