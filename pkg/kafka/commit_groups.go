package kafka

import "context"

// GroupsAt are groups with the coordinators that hold them.
type GroupsAt struct {
	Groups       []string
	Coordinators map[string]Broker
}

// LocateGroups finds the coordinators of groups once, so a reset can
// describe, fetch, commit and read back without asking again. Groups whose
// lookup failed are in the error map.
func (a *Admin) LocateGroups(ctx context.Context, groups []string) (*GroupsAt, map[string]error, error) {
	groups = uniqueSorted(groups)
	coords, failed, err := a.FindCoordinators(ctx, groups)
	if err != nil {
		return nil, nil, err
	}
	return &GroupsAt{Groups: groups, Coordinators: coords}, failed, nil
}

// DescribeGroupsAt is DescribeGroups at known coordinators (a coordinator
// that moved is looked up again, once). Groups without a known
// coordinator are absent from the answer.
func (a *Admin) DescribeGroupsAt(ctx context.Context, at *GroupsAt) (map[string]*GroupDescription, error) {
	out := map[string]*GroupDescription{}
	return out, a.describeWithRetry(ctx, at.known(), at.Coordinators, nil, out)
}

// FetchGroupOffsetsAt is FetchGroupOffsets at known coordinators.
func (a *Admin) FetchGroupOffsetsAt(ctx context.Context, at *GroupsAt) (map[string]*GroupOffsets, error) {
	out := map[string]*GroupOffsets{}
	return out, a.fetchWithRetry(ctx, at.known(), at.Coordinators, out)
}

func (at *GroupsAt) known() []string {
	var gs []string
	for _, g := range at.Groups {
		if _, ok := at.Coordinators[g]; ok {
			gs = append(gs, g)
		}
	}
	return gs
}

// Subset keeps only the named groups.
func (at *GroupsAt) Subset(groups []string) *GroupsAt {
	sub := &GroupsAt{Coordinators: map[string]Broker{}}
	for _, g := range uniqueSorted(groups) {
		if c, ok := at.Coordinators[g]; ok {
			sub.Groups = append(sub.Groups, g)
			sub.Coordinators[g] = c
		}
	}
	return sub
}
