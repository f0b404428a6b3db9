package kafka

import (
	"time"

	"github.com/kctl-dev/kctl/pkg/lag"
)

// LagInput maps one group's raw read to the domain's input (pkg/lag).
func (g *GroupLag) LagInput() lag.Input {
	in := lag.Input{Group: g.Group, Coordinator: -1, Exists: g.Exists, Err: g.Err,
		Committed: map[lag.Partition]int64{}, End: map[lag.Partition]lag.End{}}
	if d := g.Description; d != nil {
		in.State, in.ProtocolType, in.Protocol, in.Type = d.State, d.ProtocolType, d.Protocol, d.Type
		if d.Coordinator.Addr != "" {
			in.Coordinator, in.CoordinatorAddr = d.Coordinator.ID, d.Coordinator.Addr
		}
		for _, m := range d.Members {
			lm := lag.Member{ID: m.MemberID, InstanceID: m.GroupInstanceID, ClientID: m.ClientID, Host: m.Host}
			for _, tp := range m.Assignment {
				// Lag reads an end offset (or its error) for every
				// assigned partition in scope: one without is outside
				// --topic, not a partition whose end is unknown.
				if _, inScope := g.End[tp]; !inScope {
					continue
				}
				lm.Assignment = append(lm.Assignment, lag.Partition{Topic: tp.Topic, Partition: tp.Partition})
			}
			in.Members = append(in.Members, lm)
		}
	}
	for tp, off := range g.Committed {
		in.Committed[lag.Partition{Topic: tp.Topic, Partition: tp.Partition}] = off
	}
	for tp, e := range g.End {
		in.End[lag.Partition{Topic: tp.Topic, Partition: tp.Partition}] = lag.End{Offset: e.Offset, Err: e.Err}
	}
	if len(g.RecordTime) > 0 {
		in.RecordTime = map[lag.Partition]time.Time{}
		for tp, ms := range g.RecordTime {
			in.RecordTime[lag.Partition{Topic: tp.Topic, Partition: tp.Partition}] = time.UnixMilli(ms)
		}
	}
	return in
}

// Reports computes every group's report (pkg/lag) from one lag read, with
// time lag measured from the moment the offsets were read. `kctl lag` and
// `kctl health` both judge lag from it.
func (r *LagResult) Reports() []lag.Group {
	now := r.ReadAt
	if now.IsZero() {
		now = time.Now()
	}
	out := make([]lag.Group, 0, len(r.Groups))
	for _, g := range r.Groups {
		out = append(out, lag.Compute(g.LagInput(), now))
	}
	return out
}
