package health

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/kctl-dev/kctl/pkg/health"
	"github.com/kctl-dev/kctl/pkg/kafka"
	"github.com/kctl-dev/kctl/pkg/lag"
)

// lagFacts runs the lag plan of `kctl lag` for the selected groups (named:
// FindCoordinator, then OffsetFetch ∥ DescribeGroups ∥ ListOffsets; by
// pattern: ListGroups to every broker ∥ ListOffsets, then OffsetFetch ∥
// DescribeGroups per coordinator), with time lag, and judges nothing: the
// totals come from pkg/lag exactly as `kctl lag` computes them.
func lagFacts(ctx context.Context, a *kafka.Admin, o *Options) *health.Groups {
	q := kafka.LagQuery{Groups: o.Groups, Pattern: o.pattern, TimeLag: true}
	res, err := a.Lag(ctx, q)
	if err != nil {
		return unknownGroups(o, "consumer lag: "+err.Error())
	}
	g := &health.Groups{Pattern: o.GroupPattern}
	if len(res.Errors) > 0 {
		msgs := make([]string, len(res.Errors))
		for i, e := range res.Errors {
			msgs[i] = e.Error()
		}
		g.Incomplete = "the group selection may be incomplete: " + strings.Join(msgs, "; ")
	}
	for _, r := range res.Reports() {
		hg := health.Group{Name: r.Group, Exists: true, State: r.State, Members: r.Members, Lag: r.TotalLag, TimeLag: r.MaxTimeLag}
		var nf *lag.NotFoundError
		switch {
		case errors.As(r.Err, &nf):
			hg.Exists = false
		case r.Err != nil:
			hg.Err = r.Err.Error()
		}
		if hg.TimeLag == nil && r.Err == nil && r.TotalLag == 0 {
			var caughtUp time.Duration // nothing to read: no time lag
			hg.TimeLag = &caughtUp
		}
		g.Groups = append(g.Groups, hg)
	}
	return g
}

// unknownGroups makes every selected group UNKNOWN for one reason.
func unknownGroups(o *Options, reason string) *health.Groups {
	g := &health.Groups{Err: reason, Pattern: o.GroupPattern}
	for _, n := range o.Groups {
		g.Groups = append(g.Groups, health.Group{Name: n})
	}
	return g
}
