// Package user implements `kctl user`: SCRAM credentials through the admin
// API (Kafka 2.7+). Passwords are read from a file or stdin, never from the
// command line, and never printed.
package user

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/config"
	"github.com/kctl-dev/kctl/pkg/errs"
)

// NewCmd returns `kctl user`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage SCRAM users",
		Long: `List, create or update, and delete SCRAM credentials (SCRAM-SHA-256 and
SCRAM-SHA-512) with the admin API of Kafka 2.7 and newer. Passwords are read
from a file or from stdin, never from the command line, and never printed.`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdUpsert(f, nil), NewCmdDelete(f, nil))
	return cmd
}

// parseMechanism accepts SCRAM-SHA-256 / SCRAM-SHA-512 in any case.
func parseMechanism(s string) (string, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case config.MechSHA256:
		return config.MechSHA256, nil
	case config.MechSHA512:
		return config.MechSHA512, nil
	case "":
		return "", errs.Usagef("--mechanism is required: SCRAM-SHA-256 or SCRAM-SHA-512")
	}
	return "", errs.Usagef("unknown --mechanism %q: use SCRAM-SHA-256 or SCRAM-SHA-512", s)
}

// userAndMechanism checks the USER argument, then --mechanism, for the
// verbs that change one user's credential.
func userAndMechanism(user, mechanism string) (string, error) {
	if err := validUser(user); err != nil {
		return "", err
	}
	return parseMechanism(mechanism)
}

func mechanismFlag(cmd *cobra.Command, mechanism *string) {
	cmd.Flags().StringVar(mechanism, "mechanism", "", "SCRAM-SHA-256 or SCRAM-SHA-512")
}

func validUser(name string) error {
	if strings.TrimSpace(name) == "" {
		return errs.Usagef("the user name cannot be empty")
	}
	return nil
}
