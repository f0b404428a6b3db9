package cli

import (
	"github.com/spf13/cobra"

	"github.com/kctl-dev/kctl/pkg/cli/acl"
	"github.com/kctl-dev/kctl/pkg/cli/check"
	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
	"github.com/kctl-dev/kctl/pkg/cli/group"
	"github.com/kctl-dev/kctl/pkg/cli/health"
	"github.com/kctl-dev/kctl/pkg/cli/lag"
	"github.com/kctl-dev/kctl/pkg/cli/offsets"
	"github.com/kctl-dev/kctl/pkg/cli/partitions"
	"github.com/kctl-dev/kctl/pkg/cli/topic"
	"github.com/kctl-dev/kctl/pkg/cli/user"
)

// addIssueCommands registers the command groups that grow on their own.
// Each noun package owns its subcommands, so work on one never conflicts
// with another here.
func addIssueCommands(f *cmdutil.Factory, add func(group string, cmds ...*cobra.Command)) {
	add("inspect", topic.NewCmd(f), group.NewCmd(f), lag.NewCmd(f))
	add("change", offsets.NewCmd(f), acl.NewCmd(f), user.NewCmd(f))
	add("change", partitions.NewCmd(f))
	add("check", check.NewCmd(f), health.NewCmd(f))
}
