// Package errs holds kctl's typed errors. The CLI maps them to exit codes in
// one place (pkg/cli); everything below returns them as values.
package errs

import (
	"errors"
	"fmt"
)

// Exit codes for ordinary commands.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Exit codes for check/health commands (Nagios plugin convention).
const (
	CheckOK       = 0
	CheckWarning  = 1
	CheckCritical = 2
	CheckUnknown  = 3
)

// UsageError is bad input: wrong flags, malformed values. Exit 2 (3 for checks).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef builds a UsageError.
func Usagef(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

// ExitError carries an explicit exit code, e.g. a check's verdict or a
// destructive command run without --yes. Silent means the command already
// printed everything the user needs; the CLI adds nothing on stderr.
type ExitError struct {
	Code   int
	Msg    string
	Silent bool
}

func (e *ExitError) Error() string { return e.Msg }

// Exit returns an ExitError with a message.
func Exit(code int, format string, a ...any) error {
	return &ExitError{Code: code, Msg: fmt.Sprintf(format, a...)}
}

// SilentExit returns an ExitError that prints nothing more.
func SilentExit(code int) error { return &ExitError{Code: code, Silent: true} }

// AuthError is an authentication or authorization failure.
type AuthError struct {
	Broker string
	Msg    string
	Err    error
}

func (e *AuthError) Error() string {
	if e.Broker != "" {
		return fmt.Sprintf("broker %s: %s", e.Broker, e.Msg)
	}
	return e.Msg
}
func (e *AuthError) Unwrap() error { return e.Err }

// Unreachable means no broker could be reached or a broker did not answer.
type Unreachable struct {
	Msg string
	Err error
}

func (e *Unreachable) Error() string { return e.Msg }
func (e *Unreachable) Unwrap() error { return e.Err }

// PartialFailure means the command printed its results but some items failed
// (a group, a topic); the failures are already in the output. Exit 1.
type PartialFailure struct{ Msg string }

func (e *PartialFailure) Error() string { return e.Msg }

// IsUsage reports whether err is a usage error.
func IsUsage(err error) bool {
	var u *UsageError
	return errors.As(err, &u)
}
