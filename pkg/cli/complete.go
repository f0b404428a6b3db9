package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kctl-dev/kctl/pkg/cli/cmdutil"
)

// completionTimeout bounds a completion's trip to the cluster: a shell
// waits for it on every TAB.
const completionTimeout = 2 * time.Second

// addNameCompletion completes topic and group names from the cluster for
// the commands that take them: positional arguments named TOPIC/NAME (under
// kctl topic) or GROUP in the command's Use line, and every --topic and
// --group flag. A failure (no cluster, no access) completes nothing and
// prints nothing.
func addNameCompletion(f *cmdutil.Factory, c *cobra.Command) {
	for _, sub := range c.Commands() {
		addNameCompletion(f, sub)
	}
	if c.Runnable() && c.ValidArgsFunction == nil {
		if kind, many := positionalKind(c); kind != "" {
			complete := names(f, kind)
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 && !many {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return complete(cmd, args, prefix)
			}
		}
	}
	c.LocalNonPersistentFlags().VisitAll(func(fl *pflag.Flag) {
		kind := map[string]string{"topic": "topic", "group": "group"}[fl.Name]
		if kind == "" {
			return
		}
		if _, ok := c.GetFlagCompletionFunc(fl.Name); ok {
			return
		}
		_ = c.RegisterFlagCompletionFunc(fl.Name, names(f, kind))
	})
}

// positionalKind reads the first argument of c's Use line: "topic" or
// "group" (or ""), and whether it repeats ("GROUP...", "[TOPIC...]").
func positionalKind(c *cobra.Command) (string, bool) {
	fields := strings.Fields(c.Use)
	if len(fields) < 2 {
		return "", false
	}
	arg := strings.Trim(fields[1], "[]")
	many := strings.HasSuffix(arg, "...")
	switch strings.TrimSuffix(arg, "...") {
	case "TOPIC":
		return "topic", many
	case "GROUP":
		return "group", many
	case "NAME":
		if p := c.Parent(); p != nil && (p.Name() == "topic" || p.Parent() != nil && p.Parent().Name() == "topic") {
			return "topic", many
		}
	}
	return "", false
}

func names(f *cmdutil.Factory, kind string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		const none = cobra.ShellCompDirectiveNoFileComp
		ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
		defer cancel()
		a, err := f.Admin(ctx)
		if err != nil {
			return nil, none
		}
		var all []string
		switch kind {
		case "topic":
			ts, _, err := a.DescribeTopics(ctx, nil)
			if err != nil {
				return nil, none
			}
			for _, t := range ts {
				if t.Err == nil {
					all = append(all, t.Name)
				}
			}
		case "group":
			gl, err := a.ListGroups(ctx)
			if err != nil {
				return nil, none
			}
			for _, g := range gl.Groups {
				all = append(all, g.Group)
			}
		}
		taken := map[string]bool{}
		for _, a := range args {
			taken[a] = true
		}
		var out []string
		for _, n := range all {
			if strings.HasPrefix(n, prefix) && !taken[n] {
				out = append(out, n)
			}
		}
		return out, none
	}
}
