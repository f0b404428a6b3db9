package cli_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
)

func TestExitCode(t *testing.T) {
	root := &cobra.Command{Use: "kctl"}
	plain := &cobra.Command{Use: "describe"}
	root.AddCommand(plain)
	check := &cobra.Command{Use: "check"}
	cmdutil.MarkCheck(check)
	root.AddCommand(check)
	conn := &cobra.Command{Use: "connectivity"}
	check.AddCommand(conn) // inherits the check contract from its parent

	auth := &errs.AuthError{Broker: "b:9092", Msg: "SASL failed"}
	unreachable := &errs.Unreachable{Msg: "no broker"}
	for _, tc := range []struct {
		name string
		cmd  *cobra.Command
		err  error
		want int
	}{
		{"success", plain, nil, 0},
		{"usage error", plain, errs.Usagef("bad flag"), 2},
		{"wrapped usage error", plain, fmt.Errorf("topic create: %w", errs.Usagef("bad")), 2},
		{"cobra unknown flag", plain, errors.New("unknown flag: --bogus"), 2},
		{"cobra unknown shorthand", plain, errors.New("unknown shorthand flag: 'x' in -x"), 2},
		{"cobra missing flag value", plain, errors.New("flag needs an argument: --output"), 2},
		{"cobra invalid argument", plain, errors.New(`invalid argument "x" for "--timeout" flag`), 2},
		{"cobra required flag", plain, errors.New(`required flag(s) "topic" not set`), 2},
		{"cobra flag group", plain, errors.New("if any flags in the group [a b] are set none of the others can be"), 2},
		{"auth error", plain, auth, 1},
		{"unreachable", plain, unreachable, 1},
		{"wrapped unreachable", plain, fmt.Errorf("describe: %w", unreachable), 1},
		{"partial failure", plain, &errs.PartialFailure{Msg: "2 of 3 groups failed"}, 1},
		{"kafka or other error", plain, errors.New("UNKNOWN_TOPIC_OR_PARTITION"), 1},
		{"explicit exit code", plain, errs.Exit(2, "refusing without --yes"), 2},
		{"silent exit code", plain, errs.SilentExit(1), 1},
		{"check OK", check, nil, 0},
		{"check WARNING", check, errs.SilentExit(errs.CheckWarning), 1},
		{"check CRITICAL", conn, errs.SilentExit(errs.CheckCritical), 2},
		{"check explicit UNKNOWN", conn, errs.Exit(errs.CheckUnknown, "x"), 3},
		{"check usage error is UNKNOWN", conn, errs.Usagef("bad flag"), 3},
		{"check cobra usage is UNKNOWN", conn, errors.New("unknown flag: --x"), 3},
		{"check unreachable is UNKNOWN", conn, unreachable, 3},
		{"check auth error is UNKNOWN", check, auth, 3},
		{"check other error is UNKNOWN", conn, errors.New("boom"), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cli.ExitCode(tc.cmd, tc.err); got != tc.want {
				t.Fatalf("ExitCode(%s, %v) = %d, want %d", tc.cmd.CommandPath(), tc.err, got, tc.want)
			}
		})
	}
}
