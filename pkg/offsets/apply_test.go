package offsets

import (
	"errors"
	"fmt"
	"testing"
)

func TestCheckInactive(t *testing.T) {
	for _, s := range []string{"Empty", "Dead"} {
		if err := CheckInactive("g", s, nil, false); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	cases := []struct {
		members   []Member
		afterPlan bool
		want      string
	}{
		{nil, false, "Assignments can only be reset if the group 'g' is inactive, but the current state is Stable. Nothing will be changed for this group"},
		{[]Member{{ClientID: "c1", Host: "/10.0.0.1", InstanceID: "i1"}}, false,
			"Assignments can only be reset if the group 'g' is inactive, but the current state is Stable. It has 1 member: client-id c1 on host /10.0.0.1 (instance i1). Stop them, or wait for them to leave; nothing will be changed for this group"},
		{[]Member{{ClientID: "c1"}, {Host: "h"}}, true,
			"Assignments can only be reset if the group 'g' is inactive, but the current state is Stable. It has 2 members: client-id c1 on host -, client-id - on host h. Stop them, or wait for them to leave; nothing will be changed for this group (it became active after the plan)"},
	}
	for _, tc := range cases {
		err := CheckInactive("g", "Stable", tc.members, tc.afterPlan)
		var r *RefusedError
		if !errors.As(err, &r) || r.State != "Stable" || err.Error() != tc.want {
			t.Errorf("got %v, want %s", err, tc.want)
		}
	}
}

func TestVerify(t *testing.T) {
	a, b, c, d := TP{"t", 0}, TP{"t", 1}, TP{"t", 2}, TP{"t", 3}
	want := map[TP]int64{a: 5, b: 6, c: 7, d: 8}
	refused := map[TP]error{d: errors.New("refused")}
	back := map[TP]int64{a: 5, b: 9} // c absent
	n, bad := Verify(want, refused, back)
	if n != 1 || len(bad) != 2 {
		t.Fatalf("verified %d, mismatches %v", n, bad)
	}
	if got := bad[b].Error(); got != "verification failed: the committed offset reads 9, expected 6" {
		t.Error(got)
	}
	if got := bad[c].Error(); got != "verification failed: no committed offset, expected 7" {
		t.Error(got)
	}
}

func TestApplyErrors(t *testing.T) {
	cause := errors.New("boom")
	errs := map[TP]error{}
	for p := int32(0); p < 5; p++ {
		errs[TP{"t", 4 - p}] = fmt.Errorf("t[%d]: no", 4-p)
	}
	cases := []struct {
		err  error
		want string
	}{
		{&RecheckError{"g", ErrNoAnswer}, `group "g": cannot re-check the state before committing: no answer; nothing was changed`},
		{&UndoError{"g", cause}, `group "g": the undo file could not be written (boom); nothing was changed`},
		{&CommitError{"g", cause, false}, `group "g": commit failed: boom`},
		{&CommitError{"g", cause, true}, `group "g": commit failed: boom (the outcome is unknown: check with kctl lag)`},
		{&PartialCommitError{"g", errs, 7}, `group "g": 5 of 7 partitions were not committed (t[0]: no; t[1]: no; t[2]: no; and 2 more)`},
		{JoinErrors(nil, &ReadBackError{"g", cause}), `group "g": committed, but the read-back failed: boom`},
		{JoinErrors(&PartialCommitError{"g", map[TP]error{{"t", 0}: cause}, 2}, &UnverifiedError{"g", 1}),
			`group "g": 1 of 2 partitions were not committed (boom); group "g": 1 partitions did not read back as committed`},
		{&PlanError{"g", []error{errors.New("a"), cause}}, `group "g": a; boom; nothing will be changed for this group`},
		{&PartitionCommitError{cause}, "commit failed: boom"},
	}
	for _, tc := range cases {
		if tc.err.Error() != tc.want {
			t.Errorf("got  %s\nwant %s", tc.err, tc.want)
		}
	}
	joined := JoinErrors(&PartialCommitError{Group: "g"}, &ReadBackError{"g", cause})
	var rb *ReadBackError
	var pc *PartialCommitError
	if !errors.As(joined, &rb) || !errors.As(joined, &pc) || !errors.Is(joined, cause) {
		t.Errorf("errors.As/Is do not see through %v", joined)
	}
	if JoinErrors(nil, nil) != nil {
		t.Error("JoinErrors of nils is not nil")
	}
}
