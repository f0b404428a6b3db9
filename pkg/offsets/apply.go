package offsets

import (
	"errors"
	"fmt"
	"strings"
)

// Applying a plan: the decisions and the typed errors of `offsets reset
// --execute`. The admin layer (kafka.Admin.ApplyResets) runs the steps
// against the cluster; the CLI prints what comes back (err.Error() is the
// message the user reads), and tests tell the failures apart with
// errors.As.

// Member is one member of a group, as a refusal names it.
type Member struct {
	ClientID   string
	Host       string
	InstanceID string // static membership (group.instance.id), or ""
}

// Resettable reports whether a group in this state may be reset: Kafka
// resets only inactive groups. A group unknown to the cluster is described
// as Dead.
func Resettable(state string) bool {
	return state == "Empty" || state == "Dead"
}

// CheckInactive is nil for a group that may be reset, else a
// *RefusedError naming its state and members.
func CheckInactive(group, state string, members []Member, afterPlan bool) error {
	if Resettable(state) {
		return nil
	}
	return &RefusedError{Group: group, State: state, Members: members, AfterPlan: afterPlan}
}

// ErrNoAnswer: the broker's answer left the group out.
var ErrNoAnswer = errors.New("no answer")

// RefusedError: the group is active, so nothing is changed for it.
type RefusedError struct {
	Group   string
	State   string
	Members []Member
	// AfterPlan: the group was inactive at the plan and active at the
	// re-check right before committing.
	AfterPlan bool
}

// Error is Kafka's sentence, word for word (a script grepping for it keeps
// working), then who is active.
func (e *RefusedError) Error() string {
	msg := fmt.Sprintf("Assignments can only be reset if the group '%s' is inactive, but the current state is %s.", e.Group, e.State)
	if len(e.Members) == 0 {
		msg += " Nothing will be changed for this group"
	} else {
		var ms []string
		for _, m := range e.Members {
			s := fmt.Sprintf("client-id %s on host %s", orDash(m.ClientID), orDash(m.Host))
			if m.InstanceID != "" {
				s += " (instance " + m.InstanceID + ")"
			}
			ms = append(ms, s)
		}
		noun := "members"
		if len(e.Members) == 1 {
			noun = "member"
		}
		msg = fmt.Sprintf("%s It has %d %s: %s. Stop them, or wait for them to leave; nothing will be changed for this group",
			msg, len(e.Members), noun, strings.Join(ms, ", "))
	}
	if e.AfterPlan {
		msg += " (it became active after the plan)"
	}
	return msg
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// PlanError: the group could not be planned (not described, commits not
// read, partitions not looked up); nothing will be changed for it.
type PlanError struct {
	Group    string
	Problems []error
}

func (e *PlanError) Error() string {
	var ps []string
	for _, p := range e.Problems {
		ps = append(ps, p.Error())
	}
	return fmt.Sprintf("group %q: %s; nothing will be changed for this group", e.Group, strings.Join(ps, "; "))
}

func (e *PlanError) Unwrap() []error { return e.Problems }

// RecheckError: the state could not be checked again right before
// committing; nothing was changed.
type RecheckError struct {
	Group string
	Err   error
}

func (e *RecheckError) Error() string {
	return fmt.Sprintf("group %q: cannot re-check the state before committing: %v; nothing was changed", e.Group, e.Err)
}

func (e *RecheckError) Unwrap() error { return e.Err }

// UndoError: the undo file could not be written, so nothing was committed.
type UndoError struct {
	Group string
	Err   error
}

func (e *UndoError) Error() string {
	return fmt.Sprintf("group %q: the undo file could not be written (%v); nothing was changed", e.Group, e.Err)
}

func (e *UndoError) Unwrap() error { return e.Err }

// CommitError: the whole OffsetCommit failed (connection, timeout, no
// coordinator). Sent: the request left kctl, so the outcome is unknown.
type CommitError struct {
	Group string
	Err   error
	Sent  bool
}

func (e *CommitError) Error() string {
	msg := fmt.Sprintf("group %q: commit failed: %v", e.Group, e.Err)
	if e.Sent {
		msg += " (the outcome is unknown: check with kctl lag)"
	}
	return msg
}

func (e *CommitError) Unwrap() error { return e.Err }

// PartialCommitError: the broker refused some partitions (Errors) of the
// Total committed.
type PartialCommitError struct {
	Group  string
	Errors map[TP]error
	Total  int
}

func (e *PartialCommitError) Error() string {
	var tps []TP
	for tp := range e.Errors {
		tps = append(tps, tp)
	}
	SortTPs(tps)
	var first []string
	for i, tp := range tps {
		if i == 3 {
			first = append(first, fmt.Sprintf("and %d more", len(tps)-3))
			break
		}
		first = append(first, e.Errors[tp].Error())
	}
	return fmt.Sprintf("group %q: %d of %d partitions were not committed (%s)", e.Group, len(e.Errors), e.Total, strings.Join(first, "; "))
}

// ReadBackError: committed, but the offsets could not be read back.
type ReadBackError struct {
	Group string
	Err   error
}

func (e *ReadBackError) Error() string {
	return fmt.Sprintf("group %q: committed, but the read-back failed: %v", e.Group, e.Err)
}

func (e *ReadBackError) Unwrap() error { return e.Err }

// UnverifiedError: Count partitions did not read back as committed.
type UnverifiedError struct {
	Group string
	Count int
}

func (e *UnverifiedError) Error() string {
	return fmt.Sprintf("group %q: %d partitions did not read back as committed", e.Group, e.Count)
}

// PartitionCommitError is one partition the broker did not commit.
type PartitionCommitError struct{ Err error }

func (e *PartitionCommitError) Error() string { return "commit failed: " + e.Err.Error() }
func (e *PartitionCommitError) Unwrap() error { return e.Err }

// MismatchError: a committed partition reads back another offset (Found)
// or none.
type MismatchError struct {
	Want, Got int64
	Found     bool
}

func (e *MismatchError) Error() string {
	if e.Found {
		return fmt.Sprintf("verification failed: the committed offset reads %d, expected %d", e.Got, e.Want)
	}
	return fmt.Sprintf("verification failed: no committed offset, expected %d", e.Want)
}

// JoinErrors joins a group's failures with "; ", in order, skipping nils;
// errors.Is and errors.As see each of them.
func JoinErrors(errs ...error) error {
	var l errorList
	for _, e := range errs {
		switch e := e.(type) {
		case nil:
		case errorList:
			l = append(l, e...)
		default:
			l = append(l, e)
		}
	}
	switch len(l) {
	case 0:
		return nil
	case 1:
		return l[0]
	}
	return l
}

type errorList []error

func (l errorList) Error() string {
	var ss []string
	for _, e := range l {
		ss = append(ss, e.Error())
	}
	return strings.Join(ss, "; ")
}

func (l errorList) Unwrap() []error { return l }

// Verify compares the offsets read back with those committed: want less
// the partitions the broker refused (notCommitted). It returns how many
// read back as committed and a *MismatchError for each other one.
func Verify(want map[TP]int64, notCommitted map[TP]error, back map[TP]int64) (verified int, mismatches map[TP]error) {
	mismatches = map[TP]error{}
	for tp, off := range want {
		if _, failed := notCommitted[tp]; failed {
			continue
		}
		got, ok := back[tp]
		if ok && got == off {
			verified++
			continue
		}
		mismatches[tp] = &MismatchError{Want: off, Got: got, Found: ok}
	}
	return verified, mismatches
}

// Applied is one group's outcome of an apply.
type Applied struct {
	Group string
	// State and Members are the re-check's answer ("" when it failed).
	State   string
	Members []Member
	// Sent: the OffsetCommit left kctl; false guarantees nothing changed.
	Sent bool
	// ReadBack: the offsets were read back; Verified of Total partitions
	// read back as committed.
	ReadBack bool
	Verified int
	Total    int
	// Err is nil when every partition was committed and verified; else a
	// *RecheckError, *RefusedError, *UndoError, *CommitError, or a
	// JoinErrors of *PartialCommitError, *ReadBackError, *UnverifiedError.
	Err error
	// Notes are per-partition failures: *PartitionCommitError,
	// *MismatchError.
	Notes map[TP]error
}
