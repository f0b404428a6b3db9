package user

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/errs"
	"github.com/kctl-dev/kctl/pkg/kafka"
)

// UpsertOptions are the inputs of `kctl user upsert`.
type UpsertOptions struct {
	F          *cmdutil.Factory
	User       string
	Mechanism  string
	Iterations int32
	// Password is the secret read from --password-file or stdin.
	Password []byte
}

// UpsertView is the JSON shape of `user upsert` (no secret in it).
type UpsertView = kafka.SCRAMCredential

// NewCmdUpsert returns `kctl user upsert`.
func NewCmdUpsert(f *cmdutil.Factory, runF func(*UpsertOptions) error) *cobra.Command {
	opts := &UpsertOptions{F: f}
	var mechanism, passwordFile string
	var passwordStdin bool
	var iterations int
	cmd := &cobra.Command{
		Use:   "upsert USER --mechanism SCRAM-SHA-256|SCRAM-SHA-512 (--password-file FILE | --password-stdin)",
		Short: "Create a SCRAM user or change its password",
		Long: `Create or replace the SCRAM credential of USER for one mechanism, with one
AlterUserScramCredentials request to the controller. The password comes from
--password-file or from stdin (--password-stdin); one trailing newline is
removed. Only a salted hash travels to the broker. --iterations defaults to
4096, as kafka-configs.sh does without iterations=; Kafka accepts 4096 to
16384.`,
		Example: `  kctl user upsert alice --mechanism SCRAM-SHA-512 --password-file ./alice.pw
  printf '%s' "$ALICE_PASSWORD" | kctl user upsert alice --mechanism SCRAM-SHA-512 --password-stdin
  kctl user upsert bob --mechanism SCRAM-SHA-256 --iterations 8192 --password-file ./bob.pw`,
		Args: cmdutil.ExactArgs(1, "a user name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := userAndMechanism(args[0], mechanism)
			if err != nil {
				return err
			}
			opts.User, opts.Mechanism = args[0], m
			if iterations < kafka.MinSCRAMIterations || iterations > kafka.MaxSCRAMIterations {
				return errs.Usagef("--iterations %d is out of range: Kafka accepts %d to %d", iterations, kafka.MinSCRAMIterations, kafka.MaxSCRAMIterations)
			}
			opts.Iterations = int32(iterations)
			pw, err := readPassword(f, passwordFile, passwordStdin)
			if err != nil {
				return err
			}
			opts.Password = pw
			if runF != nil {
				return runF(opts)
			}
			return RunUpsert(cmd.Context(), opts)
		},
	}
	mechanismFlag(cmd, &mechanism)
	// 4096 is kafka-configs.sh's default (ConfigCommand's
	// DefaultScramIterations) and Kafka's minimum; the 8192 of Kafka's docs
	// is an example of setting it.
	cmd.Flags().IntVar(&iterations, "iterations", kafka.MinSCRAMIterations, "SCRAM iterations, 4096 to 16384 (the sandbox logs in 4096-iteration credentials only)")
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "file holding the password")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin")
	// pflag quotes a rejected flag value in its error, and the value given
	// to --password-stdin=VALUE is most likely the password itself.
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if strings.Contains(err.Error(), `for "--password-stdin" flag`) {
			return errs.Usagef("--password-stdin takes no value: pipe the password on stdin (see %s --help)", c.CommandPath())
		}
		return c.Root().FlagErrorFunc()(c, err)
	})
	return cmd
}

// readPassword reads the secret from exactly one source and drops one
// trailing newline (echo and editors add one).
func readPassword(f *cmdutil.Factory, file string, stdin bool) ([]byte, error) {
	var raw []byte
	switch {
	case file != "" && stdin:
		return nil, errs.Usagef("use either --password-file or --password-stdin, not both")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, errs.Usagef("cannot read --password-file: %v", pathError(err))
		}
		raw = b
	case stdin:
		b, err := io.ReadAll(io.LimitReader(f.Streams.In, 1<<16))
		if err != nil {
			return nil, errs.Usagef("cannot read the password from stdin: %v", err)
		}
		raw = b
	default:
		return nil, errs.Usagef("give the password with --password-file FILE or --password-stdin (never on the command line)")
	}
	raw = bytes.TrimSuffix(raw, []byte("\n"))
	raw = bytes.TrimSuffix(raw, []byte("\r"))
	if len(raw) == 0 {
		return nil, errs.Usagef("the password is empty")
	}
	return raw, nil
}

// pathError keeps os errors short ("F: no such file or directory").
func pathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}

// RunUpsert runs `user upsert`.
func RunUpsert(parent context.Context, o *UpsertOptions) error {
	p, ctx, cancel, a, err := o.F.Connect(parent)
	if err != nil {
		return err
	}
	defer cancel()
	if err := a.UpsertSCRAM(ctx, o.User, o.Mechanism, o.Iterations, o.Password); err != nil {
		return err
	}
	v := UpsertView{User: o.User, Mechanism: o.Mechanism, Iterations: o.Iterations}
	if done, err := p.Data(v); done {
		return err
	}
	fmt.Fprintf(p.Out, "Set the %s credential of user %s (%d iterations).\n", o.Mechanism, o.User, o.Iterations)
	return nil
}
