package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// upgradeCommand applies this version's migrations and views to a
// database an older version wrote, so that the reading commands can read
// it (they open it read-only and cannot). Every writing command does the
// same first; this one does nothing else.
func (a *app) upgradeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "upgrade",
		Short: "升级数据库到本版本（读取命令之前） — bring a database an older version wrote up to this version, so that report, explain and jobs can read it",
		Long: `把旧版本写入的数据库升级到本版本（迁移和视图），然后发布新的快照。任何写入命令都会先做同样的事；
report、explain、template 和 jobs 只读取，不能升级，遇到旧数据库时会提示运行本命令。

Apply this version's migrations and views to the database, and publish a
fresh snapshot for the readers. Every command that writes does this first;
the reading commands (report, explain, template, jobs list|history) open
the database read-only and cannot, so on a database an older version wrote
they say to run 'incubeval upgrade'. Nothing else changes; the run ledger
gets a row.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			if err := st.CheckVersion(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "数据库已是本版本 The database is up to date: %s\n", termSafe(st.Path))
			return nil
		},
	}
}
