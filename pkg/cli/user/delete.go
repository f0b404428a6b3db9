package user

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// DeleteOptions are the inputs of `kctl user delete`.
type DeleteOptions struct {
	F         *cmdutil.Factory
	User      string
	Mechanism string
}

// DeleteView is the JSON shape of `user delete`.
type DeleteView struct {
	User      string `json:"user"`
	Mechanism string `json:"mechanism"`
	Deleted   bool   `json:"deleted"`
}

// NewCmdDelete returns `kctl user delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(*DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{F: f}
	var mechanism string
	cmd := &cobra.Command{
		Use:     "delete USER --mechanism SCRAM-SHA-256|SCRAM-SHA-512",
		Aliases: []string{"rm"},
		Short:   "Delete a SCRAM user's credential for one mechanism",
		Example: `  kctl user delete alice --mechanism SCRAM-SHA-512`,
		Args:    cmdutil.ExactArgs(1, "a user name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := userAndMechanism(args[0], mechanism)
			if err != nil {
				return err
			}
			opts.User, opts.Mechanism = args[0], m
			if runF != nil {
				return runF(opts)
			}
			return RunDelete(cmd.Context(), opts)
		},
	}
	mechanismFlag(cmd, &mechanism)
	return cmd
}

// RunDelete runs `user delete`.
func RunDelete(parent context.Context, o *DeleteOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	if err := a.DeleteSCRAM(ctx, o.User, o.Mechanism); err != nil {
		return err
	}
	if done, err := p.Data(DeleteView{User: o.User, Mechanism: o.Mechanism, Deleted: true}); done {
		return err
	}
	fmt.Fprintf(p.Out, "Deleted the %s credential of user %s.\n", o.Mechanism, o.User)
	return nil
}
