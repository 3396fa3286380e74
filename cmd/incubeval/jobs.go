package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/jobs"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports/xlsx"
)

func (a *app) jobsCommand() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "jobs list|history|run",
		Short: "调度任务：计划时间、运行记录、立即运行 — the scheduler's jobs: next run times, the run ledger, run one now",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			return cmd.Help()
		},
	}
	f.register(cmd.PersistentFlags())
	cmd.AddCommand(a.jobsListCommand(&f), a.jobsHistoryCommand(&f), a.jobsRunCommand(&f))
	return cmd
}

// findJob returns the named job with its configured schedule (a job
// disabled in the configuration can still be run by hand).
func findJob(cfg *jobs.Config, name string) (*jobs.Job, bool, error) {
	enabled, err := cfg.Jobs()
	if err != nil {
		return nil, false, err
	}
	for _, j := range enabled {
		if j.Name == name {
			return j, true, nil
		}
	}
	for _, d := range jobs.Catalog() {
		if d.Name == name {
			sched, spec, err := jobs.ParseSchedule(d.DefaultSchedule, cfg.TimeZone)
			if err != nil {
				return nil, false, err
			}
			return &jobs.Job{Name: d.Name, Spec: spec, Schedule: sched, Run: d.Run, About: d.About}, false, nil
		}
	}
	return nil, false, usage(fmt.Sprintf("没有「%s」这个任务；可用的任务：%s", name, strings.Join(jobs.JobNames(), "、")),
		fmt.Sprintf("no job %q; the jobs are %s", name, strings.Join(jobs.JobNames(), ", ")))
}

func (a *app) jobsListCommand(f *configFlags) *cobra.Command {
	var count int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "各任务的计划、下次运行时间和上次运行 — each job's schedule, next run times and last run",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := a.jobsEnv(cmd, f)
			if err != nil {
				return err
			}
			cfg := env.Config
			if count < 1 {
				return usage("--next 至少为 1", "--next must be at least 1")
			}
			// The last run of each job, if the ledger can be read now: from
			// the published snapshot while a writer works (read_source.go).
			last := map[string]jobs.Entry{}
			if _, err := os.Stat(cfg.Database); err == nil {
				err := a.readStore(cmd.Context(), cfg.Database, func(st *store.Store) error {
					es, err := jobs.History(cmd.Context(), st.DB, "", 0)
					for _, e := range es {
						if _, ok := last[e.Job]; !ok {
							last[e.Job] = e
						}
					}
					return err
				})
				if err != nil {
					fmt.Fprintf(a.stderr, "incubeval: 无法读取运行记录，上次运行一栏为空 / the run ledger cannot be read, so the last runs are not shown: %s\n", termSafe(oneLine(err)))
				}
			}
			now := time.Now()
			tw := newTable(a)
			tw.AppendHeader(table.Row{"任务 job", "计划 schedule", "下次运行 next runs", "上次 last run", "说明 what it does"})
			for _, d := range jobs.Catalog() {
				j, enabled, err := findJob(cfg, d.Name)
				if err != nil {
					return err
				}
				next := "停用 disabled"
				if enabled {
					var ts []string
					for _, t := range jobs.Next(j.Schedule, now, count) {
						ts = append(ts, t.In(cfg.Location).Format("2006-01-02 15:04:05 Mon"))
					}
					next = strings.Join(ts, "\n")
				}
				lastText := "—"
				if e, ok := last[d.Name]; ok {
					lastText = fmt.Sprintf("%s %s", e.Started.In(cfg.Location).Format("2006-01-02 15:04"), e.Status)
				}
				tw.AppendRow(table.Row{d.Name, j.Spec, next, lastText, wrap(d.About, 48)})
				tw.AppendSeparator()
			}
			fmt.Fprintf(a.stdout, "配置 config: %s; 数据库 database: %s; 时区 time zone: %s\n", termSafe(orDefault(cfg.File)), termSafe(cfg.Database), cfg.TimeZone)
			fmt.Fprintln(a.stdout, tw.Render())
			return nil
		},
	}
	cmd.Flags().IntVar(&count, "next", 3, "显示几次下次运行时间 how many next run times to show")
	return cmd
}

func orDefault(file string) string {
	if file == "" {
		return "(none: built-in defaults)"
	}
	return file
}

// newTable is a table that fits the terminal standard output is on
// (termtable.go); Render returns the text to print.
func newTable(a *app) *termTable { return newTermTable(a.width()) }

// wrap breaks s into lines of at most n display columns, at spaces where it can.
func wrap(s string, n int) string { return wrapLines(s, n) }

func (a *app) jobsHistoryCommand(f *configFlags) *cobra.Command {
	var job string
	var limit int
	cmd := &cobra.Command{
		Use:   "history [--job J]",
		Short: "运行记录（最新的在前）：每次调度任务和每个写入数据库的命令 — the run ledger, newest first: every scheduled job and every command that wrote",
		Long: `运行记录（视图 runs），最新的在前。数据库被其他进程占用时写下的记录暂存在
<db>.runs-pending.jsonl，由下一个写入者移入数据库；这些记录也会列出，标为 pending。
Read the run ledger (the runs view), newest first. Rows written while the
database was held by another process wait in <db>.runs-pending.jsonl until
the next writer moves them in; they are listed too, marked pending. While a
writer works, the ledger is read from the last published snapshot.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := a.jobsEnv(cmd, f)
			if err != nil {
				return err
			}
			cfg := env.Config
			// The published snapshot while a writer works (read_source.go).
			var es []jobs.Entry
			err = a.readStore(cmd.Context(), cfg.Database, func(st *store.Store) error {
				es, err = jobs.History(cmd.Context(), st.DB, job, limit)
				return err
			})
			if err != nil {
				return err
			}
			// Lines still pending sit beside the database, whichever file
			// was read.
			pending, err := jobs.ReadPending(cfg.Database)
			if err != nil {
				return err
			}
			// A pending line may also be in runs already: moved in by a
			// writer that has not yet published (the lines leave the file
			// then), or written to both by a run on a damaged database.
			inRuns := map[string]bool{}
			for _, e := range es {
				inRuns[runKey(e)] = true
			}
			var rows []jobs.Entry
			for _, e := range pending {
				if (job == "" || e.Job == job) && !inRuns[runKey(e)] {
					rows = append(rows, e)
				}
			}
			rows = append(rows, es...)
			tw := newTable(a)
			tw.AppendHeader(table.Row{"编号 run", "任务 job", "状态 status", "触发 trigger", "计划 scheduled", "开始 started", "用时 took", "导入行 rows", "文件 files", "详情 details", "说明 error / note"})
			for _, e := range rows {
				id := fmt.Sprint(e.RunID)
				if e.Pending {
					id = "pending"
				}
				trig, _ := e.Args["trigger"].(string)
				tw.AppendRow(table.Row{id, e.Job, e.Status, trig, when(e.Scheduled, cfg), when(e.Started, cfg), took(e),
					rowsText(e.RowsIngested), filesText(e.Files), detailsText(e.Args), termSafe(firstLine(e.Error, 70))})
			}
			fmt.Fprintln(a.stdout, tw.Render())
			fmt.Fprintf(a.stdout, "(%s)\n", plural(len(rows), "run", "runs"))
			return nil
		},
	}
	cmd.Flags().StringVar(&job, "job", "", "只看这个任务或命令 only this job (or command: ingest, assess, publish, unpublish, discard, run, demo)")
	cmd.Flags().IntVar(&limit, "limit", 50, "最多显示几条 at most this many rows from the database (0: all)")
	return cmd
}

func when(t time.Time, cfg *jobs.Config) string {
	if t.IsZero() {
		return ""
	}
	return t.In(cfg.Location).Format("2006-01-02 15:04:05")
}

func took(e jobs.Entry) string {
	if e.Finished.IsZero() {
		return ""
	}
	return e.Finished.Sub(e.Started).Round(100 * time.Millisecond).String()
}

func rowsText(n *int64) string {
	if n == nil {
		return ""
	}
	return xlsx.Thousands(*n)
}

func filesText(files []string) string {
	if len(files) == 0 {
		return ""
	}
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, string(filepath.Separator)) {
			names = append(names, filepath.Base(strings.TrimSuffix(f, string(filepath.Separator)))+"/")
		} else {
			names = append(names, filepath.Base(f))
		}
	}
	return strings.Join(names, "\n")
}

// detailsText shows a run's args other than the trigger: year, quarter,
// counts, the command line.
func detailsText(args map[string]any) string {
	keys := make([]string, 0, len(args))
	for k := range args {
		if k != "trigger" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		v := args[k]
		if list, ok := v.([]any); ok {
			var ws []string
			for _, x := range list {
				ws = append(ws, fmt.Sprint(x))
			}
			v = strings.Join(ws, " ")
		}
		parts = append(parts, termSafe(fmt.Sprintf("%s=%v", k, v))) // argv holds what was typed
	}
	return wrap(strings.Join(parts, ", "), 40)
}

func firstLine(s string, n int) string {
	line, _, more := strings.Cut(s, "\n")
	r := []rune(line)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	if more {
		return line + " …"
	}
	return line
}

func (a *app) jobsRunCommand(f *configFlags) *cobra.Command {
	var wait time.Duration
	var child childRun
	cmd := &cobra.Command{
		Use:   "run JOB",
		Short: "立即运行一个任务（与调度进程相同的流程和记录） — run one job now, through the daemon's code path and ledger (trigger manual)",
		Long: `立即运行一个任务，与调度进程的做法相同，并记入运行记录（触发方式 manual）。
Run one job now, as the daemon would, and record it in the ledger with
trigger "manual". The jobs: ` + strings.Join(jobs.JobNames(), ", ") + `.

Exit status: 0 when it ran; 1 when it failed, or succeeded with a note to read
(a file rejected whole); 75 when the database is held by another process
(after --wait).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := a.jobsEnv(cmd, f)
			if err != nil {
				return err
			}
			j, _, err := findJob(env.Config, args[0])
			if err != nil {
				return err
			}
			if wait < 0 {
				return usage("--wait 不能为负数", "--wait must not be negative")
			}
			r := jobs.NewRunner(env)
			r.LockWait = wait
			r.Holder = "incubeval jobs run %s"
			if cmd.Flags().Changed("trigger") {
				// A run of the daemon, in its child process.
				return child.run(cmd.Context(), r, j)
			}
			e := r.Execute(cmd.Context(), j, jobs.TriggerManual, time.Time{}, time.Time{})
			fmt.Fprintf(a.stdout, "%s: %s", j.Name, e.Status)
			if e.RunID > 0 {
				fmt.Fprintf(a.stdout, " (run %d, %s)", e.RunID, took(*e))
			}
			fmt.Fprintln(a.stdout)
			if e.RowsIngested != nil {
				fmt.Fprintf(a.stdout, "  导入 rows ingested: %s\n", xlsx.Thousands(*e.RowsIngested))
			}
			for _, p := range e.Files {
				fmt.Fprintf(a.stdout, "  写出 wrote: %s\n", termSafe(p))
			}
			switch e.Status {
			case jobs.StatusSkipped:
				if pid, ok := e.Args["holder_pid"].(int); ok {
					holder, _ := e.Args["holder"].(string)
					return &store.BusyError{Path: env.Config.Database, PID: pid, Holder: holder}
				}
				return fmt.Errorf("%s", e.Error)
			case jobs.StatusFailed:
				return fmt.Errorf("%s failed: %s", j.Name, e.Error)
			}
			if e.Error != "" {
				fmt.Fprintf(a.stdout, "  注意 note: %s\n", termSafeLines(e.Error))
				a.failed = true
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&wait, "wait", 0, "数据库被占用时最多等待多久 how long to wait for a database held by another process (0: exit 75 at once)")
	child.register(cmd)
	return cmd
}

// runKey identifies a run in the ledger: its job and start, to the
// microsecond the database keeps.
func runKey(e jobs.Entry) string {
	return e.Job + " " + strconv.FormatInt(e.Started.Truncate(time.Microsecond).UnixMicro(), 10)
}
