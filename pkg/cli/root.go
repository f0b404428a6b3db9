// Package cli wires kctl's cobra commands and maps errors to exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/broker"
	"github.com/kctl-dev/kctl/pkg/cli/cluster"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/cli/contextcmd"
	"github.com/kctl-dev/kctl/pkg/cli/sandboxcmd"
	"github.com/kctl-dev/kctl/pkg/cli/version"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/output"
)

// NewRootCmd builds the command tree on a Factory.
func NewRootCmd(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "kctl",
		Short: "Kafka operations from one command line",
		Long: `kctl inspects Kafka clusters, topics and consumer-group lag, resets offsets,
manages ACLs and SCRAM users, and checks connectivity and health, for people
on call and for cron.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(f.Streams.In)
	root.SetOut(f.Streams.Out)
	root.SetErr(f.Streams.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return errs.Usagef("%v (see %s --help)", err, cmd.CommandPath())
	})
	f.Global.Register(root.PersistentFlags())
	// An unknown -o is a usage error for every command, also those that
	// print no table (a typo must not pass silently).
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		_, err := output.ParseFormat(f.Global.Output)
		return err
	}
	_ = root.RegisterFlagCompletionFunc("context", contextcmd.CompleteNames(f))
	root.CompletionOptions.DisableDefaultCmd = true

	root.AddGroup(&cobra.Group{ID: "inspect", Title: "Inspect:"}, &cobra.Group{ID: "change", Title: "Change:"},
		&cobra.Group{ID: "check", Title: "Check:"}, &cobra.Group{ID: "setup", Title: "Set up:"})
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			root.AddCommand(c)
		}
	}
	add("inspect", cluster.NewCmd(f), broker.NewCmd(f))
	addIssueCommands(f, add)
	add("setup", contextcmd.NewCmd(f), sandboxcmd.NewCmd(f), version.NewCmd(f), newCompletionCmd())
	requireSubcommands(root)
	addNameCompletion(f, root)
	return root
}

// requireSubcommands makes every command that only groups subcommands
// (kctl, kctl topic, ...) print its help when called alone and fail with a
// usage error (exit 2) on an unknown subcommand: cobra would print the help
// and exit 0, which hides typos from scripts.
func requireSubcommands(c *cobra.Command) {
	if c.Run == nil && c.RunE == nil {
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
			if cmd.SuggestionsMinimumDistance <= 0 {
				cmd.SuggestionsMinimumDistance = 2
			}
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf(": did you mean %q?", s[0])
			}
			return errs.Usagef("%s (see %s --help)", msg, cmd.CommandPath())
		}
	}
	for _, sub := range c.Commands() {
		requireSubcommands(sub)
	}
}

func newCompletionCmd() *cobra.Command {
	return &cobra.Command{
		Use:       "completion bash|zsh|fish",
		Short:     "Print a shell completion script",
		Long:      "Print a shell completion script. For bash: source <(kctl completion bash)",
		Args:      cmdutil.ExactArgs(1, "a shell: bash, zsh or fish"),
		ValidArgs: []string{"bash", "zsh", "fish"},
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return cmd.Root().GenBashCompletionV2(out, true)
			case "zsh":
				return cmd.Root().GenZshCompletion(out)
			case "fish":
				return cmd.Root().GenFishCompletion(out, true)
			}
			return errs.Usagef("unknown shell %q: use bash, zsh or fish", args[0])
		},
	}
}

// Main runs kctl with args and returns the exit code.
func Main(args []string) int {
	return Run(context.Background(), output.System(), args)
}

// Run is Main with explicit streams, for tests.
func Run(ctx context.Context, streams *output.Streams, args []string) (code int) {
	defer recoverToExit(streams, &code)
	f := cmdutil.New(streams)
	defer f.Close()
	root := NewRootCmd(f)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	code = ExitCode(cmd, err)
	var ee *errs.ExitError
	if !(errors.As(err, &ee) && (ee.Silent || ee.Msg == "")) {
		fmt.Fprintf(streams.ErrOut, "Error: %s\n", err.Error())
	}
	return code
}

// recoverToExit turns a panic into one error line and exit 1: a bug must not
// greet the user with a Go stack trace (KCTL_TRACEBACK=1 prints it).
func recoverToExit(streams *output.Streams, code *int) {
	if r := recover(); r != nil {
		fmt.Fprintf(streams.ErrOut, "Error: internal error: %v (please report this bug; KCTL_TRACEBACK=1 prints where it happened)\n", r)
		if os.Getenv("KCTL_TRACEBACK") != "" {
			_, _ = streams.ErrOut.Write(debug.Stack())
		}
		*code = errs.ExitFailure
	}
}

// ExitCode is the one place errors become exit codes (docs/exit-codes.md).
func ExitCode(cmd *cobra.Command, err error) int {
	if err == nil {
		return 0
	}
	var ee *errs.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	check := false
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations[cmdutil.CheckAnnotation] != "" {
			check = true
		}
	}
	usage := errs.IsUsage(err) || isCobraUsage(err)
	switch {
	case check:
		// A check that could not run is UNKNOWN, whatever the reason.
		return errs.CheckUnknown
	case usage:
		return errs.ExitUsage
	}
	return errs.ExitFailure
}

func isCobraUsage(err error) bool {
	m := err.Error()
	return strings.HasPrefix(m, "unknown command") || strings.HasPrefix(m, "unknown flag") ||
		strings.HasPrefix(m, "unknown shorthand flag") || strings.Contains(m, "required flag(s)") ||
		strings.HasPrefix(m, "invalid argument") || strings.Contains(m, "flag needs an argument") ||
		strings.Contains(m, "if any flags in the group")
}
