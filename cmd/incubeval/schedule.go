package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/jobs"
	"github.com/incubeval/incubeval/pipeline/store"
)

// configFlags are shared by `schedule` and `jobs …`.
type configFlags struct {
	path      string
	logFormat string
}

func (f *configFlags) register(fs interface {
	StringVar(p *string, name, value, usage string)
}) {
	fs.StringVar(&f.path, "config", jobs.DefaultConfigPath, "调度配置文件 scheduler configuration (YAML); without the file, built-in defaults")
	fs.StringVar(&f.logFormat, "log-format", "", "日志格式 log format: text or json (default: the config's log_format, else text)")
}

// jobsEnv reads the configuration and sets up logging. The database is
// --db when given, else the config's database, else $INCUBEVAL_DB, else
// incubeval.duckdb.
func (a *app) jobsEnv(cmd *cobra.Command, f *configFlags) (*jobs.Env, error) {
	cfg, err := jobs.LoadConfig(f.path, cmd.Flags().Changed("config"))
	if err != nil {
		return nil, err
	}
	if cmd.Flags().Changed("db") {
		cfg.Database = ""
	}
	if err := cfg.Resolve(a.dbPath); err != nil {
		return nil, err
	}
	switch f.logFormat {
	case "":
	case "text", "json":
		cfg.LogFormat = f.logFormat
	default:
		return nil, usage(fmt.Sprintf("--log-format 只能是 text 或 json，而不是「%s」", f.logFormat), fmt.Sprintf("--log-format must be text or json, not %q", f.logFormat))
	}
	return &jobs.Env{Config: cfg, Clock: jobs.RealClock{}, Log: newLogger(a.stderr, cfg.LogFormat, cfg.LogLevel)}, nil
}

// newLogger is the daemon's and the jobs' log on w. Its times are in
// Asia/Shanghai, like every other time incubeval prints or stores,
// whatever the machine's zone (a server often runs in UTC).
func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 && a.Value.Kind() == slog.KindTime {
			a.Value = slog.TimeValue(a.Value.Time().In(store.Location))
		}
		return a
	}}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func (a *app) scheduleCommand() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "schedule [--config incubeval.yaml]",
		Short: "调度进程：季度收取、十一月评价、发布、截止提醒 — run the scheduler daemon: quarterly sweeps, the November assessment, publication, deadline reminders",
		Long: `按报送日历定时运行各项任务，直到收到停止信号（SIGTERM 或 SIGINT）；每次运行都记入运行记录（视图 runs）。
Run the jobs of the reporting calendar on their cron schedules until stopped
(SIGTERM or SIGINT), recording every run in the ledger (view runs):

  quarterly-sweep     02:00 on 16 Jan/Apr/Jul/Oct  ingest the inbox, move the files to
                                                   processed/DATE/, write outbox/Y/chase-YQn.xlsx
  yearly-assessment   03:00 on 1 Nov and Mondays   ingest late reports, assess the year,
                      in November                  write outbox/Y/assessment-Y.xlsx + feedback
  publish             18:00 on 30 Nov              freeze the year, write the final workbooks
  deadline-reminder   09:00 daily in November      log the days left and the carriers missing Q3

The database is opened (and locked) only while a job runs. A job that finds
it held by another process waits up to lock_wait, then is recorded as
skipped. At start, each job whose latest occurrence was missed runs once
(caught_up). On SIGTERM no new run starts; the running one has stop_grace to
finish, then is sent SIGTERM (cancelled and rolled back), and killed if it
has not ended after as long again (at least 1s, at most 15s); the daemon
exits 0.

Exit status: 0 after a clean stop; 1 on a bad configuration; 75 when another
scheduler already runs on the same database.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := a.jobsEnv(cmd, &f)
			if err != nil {
				return err
			}
			s, err := jobs.New(env)
			if err != nil {
				return err
			}
			if s.Exec, err = newProcessExecutor(a, env); err != nil {
				return err
			}
			return s.Run(cmd.Context())
		},
	}
	f.register(cmd.Flags())
	return cmd
}

// pauseUntilFile holds every run, once it is recorded as running, until
// the file exists (INCUBEVAL_TEST_PAUSE_FILE: the subprocess tests use it to
// act while a job holds the database).
// With INCUBEVAL_TEST_PAUSE_DEAF=1 the pause does not end when the run is
// cancelled: a run stuck where no signal reaches it (a blocking open of a
// FIFO), which the daemon has to kill.
func pauseUntilFile(path string, log *slog.Logger) func(context.Context, string) error {
	deaf := os.Getenv("INCUBEVAL_TEST_PAUSE_DEAF") == "1"
	return func(ctx context.Context, job string) error {
		log.Info("test hook: paused until the file exists", "file", path, "deaf", deaf)
		if deaf {
			ctx = context.WithoutCancel(ctx)
		}
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			if _, err := os.Stat(path); err == nil {
				return nil
			} else if !errors.Is(err, os.ErrNotExist) {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
	}
}

// childRun is `incubeval jobs run J --trigger T --scheduled … --since …`,
// the daemon's child process for one occurrence (hidden flags).
type childRun struct {
	trigger, scheduled, since string
}

func (c *childRun) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.trigger, "trigger", "", "schedule or catch_up: a run of the daemon (internal)")
	cmd.Flags().StringVar(&c.scheduled, "scheduled", "", "the occurrence, RFC 3339 (internal)")
	cmd.Flags().StringVar(&c.since, "since", "", "when the daemon started, RFC 3339 (internal)")
	for _, n := range []string{"trigger", "scheduled", "since"} {
		_ = cmd.Flags().MarkHidden(n)
	}
}

func (c *childRun) run(ctx context.Context, r *jobs.Runner, j *jobs.Job) error {
	trig := jobs.Trigger(c.trigger)
	if trig != jobs.TriggerSchedule && trig != jobs.TriggerCatchUp {
		return usage("--trigger 只能是 schedule 或 catch_up", "--trigger must be schedule or catch_up")
	}
	var scheduled, since time.Time
	for _, v := range []struct {
		s string
		t *time.Time
	}{{c.scheduled, &scheduled}, {c.since, &since}} {
		if v.s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, v.s)
		if err != nil {
			return usageError{err}
		}
		*v.t = t
	}
	if p := os.Getenv("INCUBEVAL_TEST_PAUSE_FILE"); p != "" {
		r.BeforeRun = pauseUntilFile(p, r.Env.Log)
	}
	r.Holder = "incubeval schedule, job %s / 调度任务 %s"
	// The daemon signals its child only when stop_grace has run out.
	jobCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancel(nil)
	go func() {
		select {
		case <-ctx.Done():
			cancel(errors.New("stopped by a signal: the run did not finish within the scheduler's stop_grace and was cancelled, its transaction rolled back / 收到停止信号，超出宽限期，已取消并回滚"))
		case <-jobCtx.Done():
		}
	}()
	// Whatever the outcome, it is in the ledger and the log: exit 0. A
	// status other than 0 tells the daemon the run could not be recorded.
	r.Execute(jobCtx, j, trig, scheduled, since)
	return nil
}

// processExecutor runs each occurrence as `incubeval jobs run` in a child
// process: the daemon itself never opens DuckDB, so it idles at the size of
// a small Go program, and a crash in a job's C code ends the child, not the
// daemon (the run's row, left running, is marked failed by the next run).
type processExecutor struct {
	bin    string
	db     string
	args   []string // --db, --config, --log-format
	wait   time.Duration
	grace  time.Duration // stop_grace, after which the child is sent SIGTERM
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

func newProcessExecutor(a *app, env *jobs.Env) (*processExecutor, error) {
	bin, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the incubeval binary for the job processes: %w", err)
	}
	cfg := env.Config
	args := []string{"--db", cfg.Database}
	if cfg.File != "" {
		file, err := filepath.Abs(cfg.File)
		if err != nil {
			return nil, err
		}
		args = append(args, "--config", file)
	} else {
		// No file was read: the child must not find one either.
		args = append(args, "--config", os.DevNull)
	}
	args = append(args, "--log-format", cfg.LogFormat)
	return &processExecutor{bin: bin, db: cfg.Database, args: args, wait: cfg.LockWait.D(), grace: cfg.StopGrace.D(),
		stdout: a.stdout, stderr: a.stderr, log: env.Log}, nil
}

func (p *processExecutor) Execute(ctx context.Context, job *jobs.Job, trig jobs.Trigger, scheduled, since time.Time) *jobs.Entry {
	args := append(append([]string{}, p.args...), "jobs", "run", job.Name, "--trigger", string(trig), "--wait", p.wait.String())
	if !scheduled.IsZero() {
		args = append(args, "--scheduled", scheduled.Format(time.RFC3339Nano))
	}
	if !since.IsZero() {
		args = append(args, "--since", since.Format(time.RFC3339Nano))
	}
	log := p.log.With("job", job.Name, "trigger", string(trig))
	// Pdeathsig is sent when the thread that started the child ends: keep
	// this goroutine on its thread until the child is gone.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cmd := exec.Command(p.bin, args...)
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	cmd.SysProcAttr = childProcAttr()
	// Once the child has ended, its output is not waited for long (a
	// process it left behind may hold the pipe).
	cmd.WaitDelay = 5 * time.Second
	started := time.Now()
	if err := cmd.Start(); err != nil {
		log.Error("could not start the job's process", "err", err)
		if trig != jobs.TriggerSchedule {
			return nil // a catch-up: the next start looks again
		}
		now := time.Now()
		e := &jobs.Entry{Job: job.Name, Scheduled: scheduled, Started: now, Finished: now, Status: jobs.StatusFailed,
			Error: "start the job's process: " + err.Error(), Args: map[string]any{"trigger": string(trig)}}
		_ = jobs.AppendPending(p.db, e)
		return e
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// stop_grace is over: SIGTERM, and a process that does not end
		// within the second grace period (stuck where no signal reaches
		// it, like a blocking open of a FIFO) is killed.
		pid := cmd.Process.Pid
		kill := jobs.KillGrace(p.grace)
		log.Warn("stopping the job's process (SIGTERM)", "pid", pid, "kill_after", kill.String())
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err = <-done:
		case <-time.After(kill):
			log.Error("强制终止 the job's process did not end after SIGTERM: killing it (SIGKILL)", "pid", pid, "waited", kill.String())
			_ = cmd.Process.Kill()
			err = <-done
			// The child's row is left running: the next writer makes it
			// failed with this message and what the run had committed.
			e := &jobs.Entry{Job: job.Name, Scheduled: scheduled, Started: started, Finished: time.Now(), Status: jobs.StatusFailed,
				Error: fmt.Sprintf("killed: the run did not finish within the scheduler's stop_grace %s, and its process (pid %d) did not end within %s of SIGTERM, so it was killed (SIGKILL); its unfinished transaction was rolled back / 超出宽限期且未响应停止信号，已强制终止（SIGKILL），未完成的事务已回滚",
					p.grace, pid, kill),
				Args: map[string]any{"trigger": string(trig)}, ChildPID: pid}
			if aerr := jobs.AppendPending(p.db, e); aerr != nil {
				log.Error("could not record the kill in the run ledger", "err", aerr)
			}
			return e
		}
	}
	if err != nil {
		log.Error("the job's process ended abnormally; a run it left running is marked failed by the next run", "pid", cmd.Process.Pid, "err", err)
	}
	return nil
}
