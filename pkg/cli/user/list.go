package user

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// ListOptions are the inputs of `kctl user list`.
type ListOptions struct {
	F     *cmdutil.Factory
	Users []string
}

// ListView is the JSON shape of `user list`.
type ListView struct {
	Users []kafka.SCRAMCredential `json:"users"`
}

// ListHeaders are the columns of `user list`.
var ListHeaders = []string{"USER", "MECHANISM", "ITERATIONS"}

// NewCmdList returns `kctl user list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{F: f}
	return &cobra.Command{
		Use:     "list [USER...]",
		Aliases: []string{"ls"},
		Short:   "List SCRAM users: user, mechanism and iterations (never the secrets)",
		Long: `List SCRAM credentials with one DescribeUserScramCredentials request: of the
named users, or of every user. A named user without credentials is reported
on stderr and makes the command exit 1 after printing the others.`,
		Example: `  kctl user list
  kctl user list alice bob -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, u := range args {
				if err := validUser(u); err != nil {
					return err
				}
			}
			opts.Users = args
			if runF != nil {
				return runF(opts)
			}
			return RunList(cmd.Context(), opts)
		},
	}
}

// RunList runs `user list`.
func RunList(parent context.Context, o *ListOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	creds, failed, err := a.DescribeSCRAM(ctx, o.Users)
	if err != nil {
		return err
	}
	if creds == nil {
		creds = []kafka.SCRAMCredential{}
	}
	rows := make([][]string, 0, len(creds))
	for _, c := range creds {
		rows = append(rows, []string{c.User, c.Mechanism, strconv.Itoa(int(c.Iterations))})
	}
	if err := p.Print(ListView{Users: creds}, ListHeaders, rows); err != nil {
		return err
	}
	for _, f := range failed {
		o.F.Warnf("Error: %v", f)
	}
	if len(o.Users) == 0 {
		o.F.NoteEmpty(p, len(rows), "No user has SCRAM credentials.")
	}
	if len(failed) > 0 {
		return errs.SilentExit(errs.ExitFailure)
	}
	return nil
}
