package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/assess"
)

// Official actions (SPEC §10): publish asks before it freezes a year,
// unpublish needs a reason, discard removes an unpublished year's results.

// canConfirm refuses, before anything is opened, a command that must ask
// when there is no terminal to ask on and --yes was not given.
func (a *app) canConfirm(yes bool, command string) error {
	if yes || stdinIsTerminal(a.stdin) {
		return nil
	}
	return usageError{fmt.Errorf("%s 需要在终端上确认；在脚本中请加 --yes 确认。未做任何更改 / "+
		"%s asks for confirmation on a terminal, and there is none here: add --yes to confirm in a script; nothing was changed",
		command, command)}
}

// stdinIsTerminal reports whether r is a terminal to ask on (not a pipe,
// a file or /dev/null).
func stdinIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && isTTY(f)
}

// shown is where a command that asks prints what it is about to do: its
// standard output, and also standard error (where the question goes) when
// it will ask and its output is not the terminal (publish > file.txt on a
// terminal must not ask about what it does not show).
func (a *app) shown(yes bool) io.Writer {
	if f, ok := a.stdout.(*os.File); yes || (ok && isTTY(f)) {
		return a.stdout
	}
	return io.MultiWriter(a.stdout, a.stderr)
}

// confirm prints question (on standard error, so that it shows on the
// terminal when the output is piped) and reads one line from the terminal: y, yes or
// 是 (whatever the case and spaces) confirm; anything else, an empty line or
// the end of input does not. Ctrl-C ends the wait (the context).
func (a *app) confirm(ctx context.Context, question string) (bool, error) {
	fmt.Fprint(a.stderr, question)
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := bufio.NewReader(a.stdin).ReadString('\n')
		ch <- answer{line, err}
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(a.stderr)
		return false, ctx.Err()
	case ans := <-ch:
		if ans.err != nil && ans.line == "" {
			fmt.Fprintln(a.stderr)
		}
		return confirmed(ans.line), nil
	}
}

// confirmed is the reading of an answer to a confirmation question.
func confirmed(answer string) bool {
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes", "是":
		return true
	}
	return false
}

func (a *app) unpublishCommand() *cobra.Command {
	var year int
	var reason string
	cmd := &cobra.Command{
		Use:   "unpublish --year Y --reason TEXT",
		Short: "撤回发布（解除冻结），须说明理由 — unfreeze a published year, saying why (the reason is kept in the run ledger)",
		Long: `撤回 Y 年度的发布（解除冻结），须说明理由；理由记入运行记录（jobs history、runs 视图）。

Unfreeze a published year: later runs of assess recompute it again, and it
can be removed ('incubeval discard'). --reason is required; it is kept in
the run ledger (the runs view's args, 'incubeval jobs history --job
unpublish').`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year < 2000 || year > 9999 {
				return usageError{fmt.Errorf("--year is required (e.g. --year 2025)")}
			}
			reason = strings.TrimSpace(reason)
			if reason == "" {
				return usageError{fmt.Errorf("--reason is required: say why the published results of %d are reopened, e.g. --reason \"2024年第四季度数据更正\" / 请用 --reason 说明撤回发布的理由", year)}
			}
			st, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			a.ledger.set("year", year)
			a.ledger.set("reason", reason)
			if err := assess.Unpublish(cmd.Context(), st, year); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "已撤回发布 Unpublished %d: its results are no longer frozen; the reason is kept in the run ledger (理由已记录): %s\n",
				year, termText(reason, termNote))
			return nil
		},
	}
	yearFlag(cmd, &year, "要撤回发布的年度（必填） the published year to reopen (required)")
	cmd.Flags().StringVar(&reason, "reason", "", "撤回理由（必填，记入运行记录） why it is reopened (required; kept in the run ledger)")
	requireFlags(cmd, "year", "reason")
	return cmd
}

func (a *app) discardCommand() *cobra.Command {
	var year int
	var yes bool
	cmd := &cobra.Command{
		Use:   "discard --year Y [--yes]",
		Short: "删除未发布年度的评价结果 — remove the stored results of an unpublished year (and of every later stored year, which builds on it)",
		Long: `删除未发布年度 Y 的评价结果（评价、指标、处理决定、资助），以及其后已存储的年度（它们经由连续不合格链依赖 Y）。
已发布的年度不能删除：请先撤回发布（unpublish）。导入的数据不受影响。

Remove year Y's stored results — assessments, indicator values, decisions
(with the operators' bans of that year) and funding — and those of every
later stored year, which build on Y through the chain. It shows what goes
and asks on a terminal (y, yes or 是); --yes confirms in scripts. A
published year, or a published later year, is refused (exit 1: unpublish
it first). The inputs (registry, reports, incidents, deferrals) and the
earlier years stay; the run ledger records the removal. A year whose window
has not ended can be removed (results stored for one by an older version).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year < 2000 || year > 9999 {
				return usageError{fmt.Errorf("--year is required (e.g. --year 2027)")}
			}
			if err := a.canConfirm(yes, "discard"); err != nil {
				return err
			}
			st, err := a.openWrite(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			a.ledger.set("year", year)
			plan, err := assess.PlanDiscard(cmd.Context(), st, year)
			if err != nil {
				return err
			}
			ys := yearsText(plan.Years)
			w := a.shown(yes)
			fmt.Fprintf(w, "将删除 To remove: the stored results of %s", ys)
			if len(plan.Years) > 1 {
				fmt.Fprintf(w, " (%d and every later stored year, which builds on it / 之后的年度依赖 %d 年，一并删除)", year, year)
			}
			fmt.Fprintln(w)
			for _, s := range plan.Summaries {
				fmt.Fprintf(w, "%d, window %s to %s (%s), assessment run %d, %d carriers:\n", s.Year,
					s.WindowStart.Format("2006-01-02"), s.WindowEnd.Format("2006-01-02"), s.Window, s.RunID, s.Carriers)
				printCounts(w, s)
			}
			if !yes {
				ok, err := a.confirm(cmd.Context(), fmt.Sprintf("确认删除 %s 年的评价结果？Remove the results of %s? [y/N] ", ys, ys))
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("not confirmed: nothing was removed / 未确认，未删除")
				}
			}
			if err := assess.Discard(cmd.Context(), st, plan); err != nil {
				return err
			}
			a.ledger.set("years_removed", plan.Years)
			fmt.Fprintf(a.stdout, "已删除 Removed the stored results of %s; the inputs and the earlier years are as they were\n", ys)
			return nil
		},
	}
	yearFlag(cmd, &year, "要删除的第一个年度（必填） the first year to remove (required)")
	cmd.Flags().BoolVar(&yes, "yes", false, "不询问，直接确认 confirm without asking (scripts)")
	requireFlags(cmd, "year")
	return cmd
}
