package health

import (
	"context"

	"github.com/kctl-dev/kctl/pkg/health"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// lagFacts runs the lag plan of the selected groups.
// TODO(health): wire kafka.Lag when the lag plan lands on main.
func lagFacts(_ context.Context, _ *kafka.Admin, o *Options) *health.Groups {
	return unknownGroups(o, "the consumer-lag plan is not available in this build")
}

// unknownGroups makes every selected group UNKNOWN for one reason.
func unknownGroups(o *Options, reason string) *health.Groups {
	g := &health.Groups{Err: reason, Pattern: o.GroupPattern}
	for _, n := range o.Groups {
		g.Groups = append(g.Groups, health.Group{Name: n})
	}
	return g
}
