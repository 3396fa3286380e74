package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Runner runs one occurrence of a job and records it in the ledger: the
// code path of the daemon and of `incubeval jobs run`.
type Runner struct {
	Env *Env
	// LockWait is how long to wait for a database held by another writer
	// before recording the run as skipped; LockRetry how often to try.
	LockWait, LockRetry time.Duration
	// Stopping, when closed, ends a wait for the lock (the daemon stops).
	Stopping <-chan struct{}
	// Holder is written into the lock file while a job holds the database,
	// so that a manual command finding it says whose it is; %s is the job.
	Holder string
	// BeforeRun, if set, is called once a run is recorded as running,
	// before the job's work; an error fails the run. Tests pause runs here.
	BeforeRun func(ctx context.Context, job string) error
}

// NewRunner returns a runner with the configuration's lock settings.
func NewRunner(env *Env) *Runner {
	return &Runner{Env: env, LockWait: env.Config.LockWait.D(), LockRetry: env.Config.LockRetry.D(),
		Holder: "incubeval schedule, job %s / 调度任务 %s"}
}

// ErrStopping ends a run that had not started when the daemon was told to stop.
var ErrStopping = errors.New("the scheduler was stopping / 调度进程正在停止")

// PanicError is a job's panic, with the stack.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack) }

// Execute runs job for the occurrence at scheduled (zero: a manual run, for
// now) and records it. since is when the daemon started, for a catch-up;
// a catch-up that finds the occurrence done, or before the daemon first
// watched the job, does nothing and returns nil.
func (r *Runner) Execute(ctx context.Context, job *Job, trig Trigger, scheduled, since time.Time) *Entry {
	clock := r.Env.Clock
	log := r.Env.Log.With("job", job.Name, "trigger", string(trig))
	if !scheduled.IsZero() {
		log = log.With("scheduled", scheduled.In(r.Env.Config.Location).Format(time.DateTime))
	}
	e := &Entry{Job: job.Name, Scheduled: scheduled, Started: clock.Now(), Args: map[string]any{"trigger": string(trig)}}
	st, err := r.open(ctx, job.Name, log)
	if err != nil {
		e.Finished = clock.Now()
		e.Status = StatusSkipped
		var busy *store.BusyError
		switch {
		case trig == TriggerCatchUp:
			// Whether anything was missed can only be read from the
			// database; the next start looks again.
			log.Error("catch-up check skipped: the database could not be opened / 补跑检查未能进行", "err", err)
			return nil
		case errors.As(err, &busy):
			e.Error = fmt.Sprintf("the database was held by pid %d (%s) for longer than lock_wait %s; skipped / 数据库被其他进程占用超过等待时限，本次跳过",
				busy.PID, orUnknown(busy.Holder), r.LockWait)
			e.Args["holder_pid"] = busy.PID
			if busy.Holder != "" {
				e.Args["holder"] = busy.Holder
			}
		case errors.Is(err, ErrStopping) || ctx.Err() != nil:
			e.Error = "the scheduler stopped before the database was free; not run / 调度进程停止，未运行"
		default:
			e.Status = StatusFailed
			e.Error = err.Error()
		}
		log.Warn("未运行 not run", "status", e.Status, "reason", e.Error)
		// The database is not ours: the row waits beside it.
		if err := AppendPending(r.Env.Config.Database, e); err != nil {
			log.Error("could not record the run", "err", err)
		}
		return e
	}
	// Every error met on the way is shown to the Store (Observe): one that
	// says the file is damaged keeps it from being checkpointed and
	// published over the last good snapshot.
	var runErr error
	defer func() { r.close(ctx, st, e, runErr, log) }()
	// The pending rows are copied in now; they leave the file once close
	// has published a snapshot holding them (FlushPending in close).
	if n, err := copyPending(ctx, st); st.Observe(err) != nil {
		log.Error("pending ledger rows not flushed", "err", err)
	} else if n > 0 {
		log.Info("ledger rows written while the database was busy are now in runs", "rows", n)
	}
	if n, err := markInterrupted(ctx, st, clock.Now()); st.Observe(err) != nil {
		log.Error("could not mark interrupted runs", "err", err)
	} else if n > 0 {
		log.Warn("runs interrupted by an earlier stop marked failed", "rows", n)
	}
	if n, err := markUnpublished(ctx, st); st.Observe(err) != nil {
		log.Error("could not note runs that did not publish the snapshot", "err", err)
	} else if n > 0 {
		log.Warn("runs that closed without publishing the snapshot, and could not say so, now say so", "rows", n)
	}
	if trig == TriggerCatchUp {
		need, err := r.missed(ctx, st, job, scheduled, since)
		if st.Observe(err) != nil {
			log.Error("catch-up check failed", "err", err)
			return nil
		}
		if !need {
			return nil
		}
		log.Info("补跑 catching up a missed run")
	}
	e.Started = clock.Now() // after any wait for the lock
	if err := recordStart(ctx, st, e); err != nil {
		log.Error("could not record the run's start; not run", "err", err)
		e.Status, e.Error, e.Finished = StatusFailed, "not run: its start could not be recorded: "+err.Error(), clock.Now()
		_ = AppendPending(r.Env.Config.Database, e)
		return e
	}
	log = log.With("run_id", e.RunID)
	log.Info("开始 started")
	run := &Run{Job: job.Name, Trigger: trig, Scheduled: scheduled, AsOf: scheduled, Started: e.Started, Log: log, args: e.Args}
	if run.AsOf.IsZero() {
		run.AsOf = e.Started
	}
	work := job.Run
	if r.BeforeRun != nil {
		work = func(ctx context.Context, env *Env, st *store.Store, run *Run) error {
			if err := r.BeforeRun(ctx, job.Name); err != nil {
				return err
			}
			return job.Run(ctx, env, st, run)
		}
	}
	err = call(ctx, work, r.Env, st, run)
	runErr = st.Observe(err)
	e.Finished = clock.Now()
	e.RowsIngested, e.Files = run.rows, run.files
	switch {
	case err == nil && trig == TriggerCatchUp:
		e.Status = StatusCaughtUp
	case err == nil:
		e.Status = StatusOK
	default:
		e.Status = StatusFailed
	}
	var msgs []string
	if err != nil {
		if ctx.Err() != nil {
			msgs = append(msgs, fmt.Sprintf("%v: %v", context.Cause(ctx), err))
		} else {
			msgs = append(msgs, err.Error())
		}
	}
	msgs = append(msgs, run.notes...)
	e.Error = strings.Join(msgs, "\n")
	// The outcome is written even when the run was cancelled, and after a
	// failed commit through the database reopened.
	if err := recordOutcome(ctx, st, e); err != nil {
		log.Error("could not record the run's outcome", "err", err)
	}
	if dmg := st.Damaged(); dmg != nil {
		log.Error("数据库文件已损坏 the database file is damaged: nothing is checkpointed or published", "err", dmg.Error())
	}
	attrs := []any{"status", e.Status, "took", e.Finished.Sub(e.Started).Round(time.Millisecond).String()}
	if e.RowsIngested != nil {
		attrs = append(attrs, "rows_ingested", *e.RowsIngested)
	}
	if len(e.Files) > 0 {
		attrs = append(attrs, "files_written", len(e.Files))
	}
	switch {
	case e.Status == StatusFailed:
		var pe *PanicError
		if errors.As(err, &pe) {
			log.Error("失败 failed: panic", append(attrs, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))...)
		} else {
			log.Error("失败 failed", append(attrs, "err", e.Error)...)
		}
	case len(run.notes) > 0:
		log.Warn("完成 done, with notes", append(attrs, "notes", strings.Join(run.notes, "; "))...)
	default:
		log.Info("完成 done", attrs...)
	}
	return e
}

func orUnknown(s string) string {
	if s == "" {
		return "another incubeval process"
	}
	return s
}

// missed decides a catch-up under the writer's lock: the occurrence
// happened after the daemon first watched this job (recorded the first
// time, so a new database or a newly enabled job catches nothing up) and
// no run of the job has done it or anything later.
func (r *Runner) missed(ctx context.Context, st *store.Store, job *Job, p, since time.Time) (bool, error) {
	first, err := jobSince(ctx, st, job.Name, since)
	if err != nil {
		return false, err
	}
	if p.IsZero() || p.Before(first) {
		return false, nil
	}
	done, err := covered(ctx, st.DB, job.Name, p)
	return !done, err
}

// call runs the job, turning a panic into a PanicError (cron.Recover, with
// the stack kept for the ledger). A transaction open in the job is rolled
// back by store.ConnTx as the panic passes.
func call(ctx context.Context, f Func, env *Env, st *store.Store, r *Run) (err error) {
	defer func() {
		if p := recover(); p != nil {
			buf := make([]byte, 64<<10)
			err = &PanicError{Value: p, Stack: buf[:runtime.Stack(buf, false)]}
		}
	}()
	return f(ctx, env, st, r)
}

// open opens the database for writing, waiting up to LockWait while another
// process holds it.
func (r *Runner) open(ctx context.Context, job string, log *slog.Logger) (*store.Store, error) {
	clock := r.Env.Clock
	deadline := clock.Now().Add(r.LockWait)
	holder := strings.ReplaceAll(r.Holder, "%s", job)
	waiting := false
	for {
		// Only the jobs that bring data in make a new database; publish
		// and the reminder need one already there (a mistyped database
		// in a crontab must not leave an empty one behind).
		noCreate := job == JobPublish || job == JobDeadlineReminder
		st, err := store.Open(ctx, r.Env.Config.Database, store.Options{Holder: holder, NoCreate: noCreate})
		var busy *store.BusyError
		if err == nil || !errors.As(err, &busy) {
			if err == nil && waiting {
				log.Info("数据库已空闲 the database is free again")
			}
			if err == nil && st.Created {
				// A fresh installation starts with no database: the first
				// job makes it, and says so.
				log.Warn("已新建数据库 created a new database", "path", st.Path)
			}
			return st, err
		}
		now := clock.Now()
		if !now.Before(deadline) {
			return nil, err
		}
		if !waiting {
			log.Warn("数据库被占用，等待 waiting for the database", "holder_pid", busy.PID, "holder", busy.Holder, "lock_wait", r.LockWait.String())
			waiting = true
		}
		select {
		case <-clock.After(min(r.LockRetry, deadline.Sub(now))):
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-r.Stopping:
			return nil, ErrStopping
		}
	}
}

// close checkpoints and releases the database. If the readers' snapshot
// could not be published, the run's row (e, once recorded) says so before
// the lock is released. runErr is the run's error, for the Store to see.
func (r *Runner) close(ctx context.Context, st *store.Store, e *Entry, runErr error, log *slog.Logger) {
	var note store.NoteFunc
	if e.RunID > 0 && e.Status != StatusRunning {
		note = func(ctx context.Context, st *store.Store, why *store.UnpublishedError) error {
			return amendEntry(ctx, st, e, why.Note())
		}
	}
	// The pending rows copied in at the start, and rows recorded meanwhile
	// (a run skipped because this one was still going), go in before the
	// database is let go, and leave the file once the snapshot holding
	// them is published; a database found damaged takes none of them.
	if _, err := FlushPending(context.WithoutCancel(ctx), st); st.Observe(err) != nil {
		log.Error("pending ledger rows not flushed", "err", err)
	}
	if runErr == nil && e.RunID == 0 {
		// No run was recorded (a catch-up with nothing to do, a start
		// that could not be recorded): a failed commit is all there was.
		runErr = st.Failed()
	}
	if err := st.CloseNoting(context.WithoutCancel(ctx), runErr, note); err != nil {
		log.Error("close database", "err", err)
	}
}
