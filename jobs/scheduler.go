// Package jobs is the scheduler: the jobs of the reporting calendar, the
// daemon's loop, catch-up of missed runs and the run ledger (view runs).
//
// Schedules are cron expressions parsed by robfig/cron v3. The loop is our
// own, over cron.Schedule.Next and an injectable Clock, because robfig's
// Cron has no fake clock (tests drive a year through this loop in
// seconds), never catches up a missed run, and its Recover and
// SkipIfStillRunning wrappers only log, where the ledger needs a row:
// here a panic becomes a failed row with the stack, and an occurrence
// that finds the previous run of its job still going is a skipped row.
//
// Runs are serial: one worker takes them in the order they fell due. A run
// opens the database (store.Open, the writer's lock <db>.lock) only for its
// own length, so the daemon never holds it while idle. The daemon runs each
// job in a child process (an Executor in cmd/incubeval): DuckDB's memory and
// code pages go with the child, a crash in C code cannot take the daemon
// down, and the daemon idles small. Tests run jobs in-process (Runner).
package jobs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/gofrs/flock"
	"github.com/robfig/cron/v3"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Scheduler is the daemon's loop.
type Scheduler struct {
	Env    *Env
	Jobs   []*Job
	Runner *Runner
	// Exec runs each occurrence; nil runs them in this process with Runner.
	Exec Executor
	// Grace is how long, after a stop signal, the running job may take to
	// finish before it is cancelled (and its transaction rolled back).
	Grace time.Duration
	// MaxSleep caps one wait, so that a clock stepped by NTP or a machine
	// resumed from suspend is noticed within it; 0 sleeps until the next
	// occurrence.
	MaxSleep time.Duration

	mu       sync.Mutex
	busy     map[string]bool // queued or running (SkipIfStillRunning)
	inflight int
	waiting  bool // the loop is waiting for the next occurrence (tests read it)
	waits    int  // how many times it began to wait (tests read it)
}

// New returns the daemon for the configuration's enabled jobs.
func New(env *Env) (*Scheduler, error) {
	js, err := env.Config.Jobs()
	if err != nil {
		return nil, err
	}
	return &Scheduler{Env: env, Jobs: js, Runner: NewRunner(env), Grace: env.Config.StopGrace.D(), MaxSleep: time.Hour}, nil
}

// Executor runs one occurrence of a job and records it in the ledger
// (Runner.Execute, or the same in a child process). It returns when the
// run is over; ctx is cancelled when the stop grace period has run out.
type Executor interface {
	Execute(ctx context.Context, job *Job, trig Trigger, scheduled, since time.Time) *Entry
}

type firing struct {
	job       *Job
	trigger   Trigger
	scheduled time.Time
	since     time.Time // the daemon's start, for a catch-up
}

// Run is the daemon: it takes the scheduler's lock (one daemon per
// database), checks each job for a missed occurrence, then runs the jobs on
// their schedules until ctx is cancelled (SIGTERM, SIGINT). Then it takes
// no new run, lets the running one finish within Grace or cancels it, and
// returns nil.
func (s *Scheduler) Run(ctx context.Context) error {
	release, err := LockDaemon(s.Env.Config.Database)
	if err != nil {
		return err
	}
	defer release()
	clock, log := s.Env.Clock, s.Env.Log
	s.mu.Lock()
	s.busy = map[string]bool{}
	s.mu.Unlock()
	start := clock.Now()
	stopping := make(chan struct{})
	if s.Exec == nil {
		s.Runner.Stopping = stopping
		s.Exec = s.Runner
	}
	// Runs do not stop with ctx: they get the grace period first.
	jobCtx, cancelJobs := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelJobs(nil)
	queue := make(chan firing, len(s.Jobs)+1) // at most one per job is queued or running
	done := make(chan struct{})
	go s.work(jobCtx, queue, stopping, done)

	log.Info("调度启动 scheduler started", "database", s.Env.Config.Database, "inbox", s.Env.Config.Inbox,
		"outbox", s.Env.Config.Outbox, "config", s.Env.Config.File, "pid", os.Getpid())
	next := make([]time.Time, len(s.Jobs))
	for i, j := range s.Jobs {
		next[i] = j.Schedule.Next(start)
		log.Info("任务 job", "job", j.Name, "schedule", j.Spec, "next", next[i].In(s.Env.Config.Location).Format(time.DateTime))
	}
	// Catch-up: each job's latest occurrence, if it was missed, runs once.
	// Whether it was is decided under the database's lock (Runner.missed).
	for _, j := range s.Jobs {
		s.dispatch(queue, firing{job: j, trigger: TriggerCatchUp, scheduled: Previous(j.Schedule, start), since: start})
	}
loop:
	for {
		now := clock.Now()
		var timer <-chan time.Time
		if wake := earliest(next); !wake.IsZero() {
			d := wake.Sub(now)
			if s.MaxSleep > 0 && d > s.MaxSleep {
				d = s.MaxSleep
			}
			timer = clock.After(d)
		}
		s.setWaiting(true)
		select {
		case <-ctx.Done():
			s.setWaiting(false)
			break loop
		case <-timer:
		}
		s.setWaiting(false)
		now = clock.Now()
		for i, j := range s.Jobs {
			if next[i].IsZero() || next[i].After(now) {
				continue
			}
			// Several occurrences passed in one wait (suspend): one run.
			s.dispatch(queue, firing{job: j, trigger: TriggerSchedule, scheduled: next[i]})
			next[i] = j.Schedule.Next(now)
		}
	}
	log.Info("收到停止信号 stopping: no new runs; the running job may finish", "stop_grace", s.Grace.String())
	close(stopping)
	close(queue)
	select {
	case <-done:
	case <-clock.After(s.Grace):
		log.Warn("宽限期已过 stop_grace is over: cancelling the running job; its transaction rolls back")
		cancelJobs(fmt.Errorf("stopped by a signal: the run did not finish within stop_grace %s and was cancelled, its transaction rolled back / 收到停止信号，超出宽限期，已取消并回滚", s.Grace))
		<-done
	}
	log.Info("调度已停止 scheduler stopped")
	return nil
}

func earliest(ts []time.Time) time.Time {
	var e time.Time
	for _, t := range ts {
		if !t.IsZero() && (e.IsZero() || t.Before(e)) {
			e = t
		}
	}
	return e
}

func (s *Scheduler) setWaiting(w bool) {
	s.mu.Lock()
	s.waiting = w
	if w {
		s.waits++
	}
	s.mu.Unlock()
}

// idle reports whether nothing is queued or running and the loop waits for
// the next occurrence.
func (s *Scheduler) idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inflight == 0 && s.waiting
}

// dispatch queues a run unless the job's previous one is still queued or
// running; a scheduled occurrence skipped so is recorded as skipped.
func (s *Scheduler) dispatch(queue chan<- firing, f firing) {
	s.mu.Lock()
	if s.busy[f.job.Name] {
		s.mu.Unlock()
		if f.trigger == TriggerSchedule {
			s.recordSkip(f, "the previous run of this job was still running (SkipIfStillRunning) / 上一次运行尚未结束，本次跳过")
		}
		return
	}
	s.busy[f.job.Name] = true
	s.inflight++
	s.mu.Unlock()
	queue <- f
}

func (s *Scheduler) finished(f firing) {
	s.mu.Lock()
	delete(s.busy, f.job.Name)
	s.inflight--
	s.mu.Unlock()
}

// recordSkip writes a skipped row to the pending file: the database is in
// use by the run that made this one skip, which moves the row in when it
// finishes (or the next writer does).
func (s *Scheduler) recordSkip(f firing, why string) {
	now := s.Env.Clock.Now()
	e := &Entry{Job: f.job.Name, Scheduled: f.scheduled, Started: now, Finished: now, Status: StatusSkipped, Error: why,
		Args: map[string]any{"trigger": string(f.trigger)}}
	s.Env.Log.Warn("跳过 skipped", "job", f.job.Name, "scheduled", f.scheduled.In(s.Env.Config.Location).Format(time.DateTime), "reason", why)
	if err := AppendPending(s.Env.Config.Database, e); err != nil {
		s.Env.Log.Error("could not record the skipped run", "job", f.job.Name, "err", err)
	}
}

// work runs the queued runs one at a time.
func (s *Scheduler) work(ctx context.Context, queue <-chan firing, stopping <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	for f := range queue {
		select {
		case <-stopping:
			if f.trigger == TriggerSchedule {
				s.recordSkip(f, "the scheduler stopped before the run could start / 调度进程停止，未运行")
			}
		default:
			s.execute(ctx, f)
		}
		s.finished(f)
	}
}

// execute runs one firing; a panic outside the job (in the ledger code)
// is logged and the daemon goes on.
func (s *Scheduler) execute(ctx context.Context, f firing) {
	defer func() {
		if p := recover(); p != nil {
			s.Env.Log.Error("panic outside the job", "job", f.job.Name, "panic", fmt.Sprint(p))
		}
	}()
	s.Exec.Execute(ctx, f.job, f.trigger, f.scheduled, f.since)
}

// Previous is the latest occurrence of sched at or before t within the
// last 400 days (zero if none): the one occurrence a catch-up may run.
func Previous(sched cron.Schedule, t time.Time) time.Time {
	// Look back over growing windows, so that a schedule every second and
	// one a year both cost a few thousand steps at most.
	for _, back := range []time.Duration{time.Hour, 24 * time.Hour, 32 * 24 * time.Hour, 400 * 24 * time.Hour} {
		var last time.Time
		from := t.Add(-back)
		for n, at := 0, sched.Next(from); !at.IsZero() && !at.After(t) && n < 100000; n, at = n+1, sched.Next(at) {
			last = at
		}
		if !last.IsZero() {
			return last
		}
	}
	return time.Time{}
}

// Next lists the next n occurrences of sched after t.
func Next(sched cron.Schedule, t time.Time, n int) []time.Time {
	var out []time.Time
	for at := sched.Next(t); !at.IsZero() && len(out) < n; at = sched.Next(at) {
		out = append(out, at)
	}
	return out
}

// KillGrace is the second grace period: a job's process still running this
// long after it was sent SIGTERM (stop_grace having run out) is killed. As
// long as stop_grace, at least a second and at most 15 seconds: a run that
// obeys the signal rolls back within a second or two, and one that does
// not is stuck where no signal reaches it.
func KillGrace(stopGrace time.Duration) time.Duration {
	return min(max(stopGrace, time.Second), 15*time.Second)
}

// DaemonBusyError says another scheduler runs on the database.
type DaemonBusyError struct {
	Database string
	PID      int
}

func (e *DaemonBusyError) Error() string {
	who := "another incubeval scheduler"
	if e.PID > 0 {
		who += fmt.Sprintf(" (pid %d)", e.PID)
	}
	return fmt.Sprintf("%s is already running on %s; only one may run per database / 该数据库已有调度进程在运行，同一数据库只能运行一个调度进程", who, e.Database)
}

// DaemonLockPath is the scheduler's own lock file, beside the database's.
func DaemonLockPath(db string) string { return db + ".schedule.lock" }

// LockDaemon takes the scheduler's lock of the database (a second daemon
// gets a DaemonBusyError) and returns its release. It is not the
// database's lock, which the daemon takes only while a job runs.
func LockDaemon(db string) (release func(), err error) {
	path := DaemonLockPath(db)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	lk := flock.New(path)
	ok, err := lk.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		pid := 0
		if b, err := os.ReadFile(path); err == nil {
			pid, _ = store.ParseLockHolder(b)
		}
		return nil, &DaemonBusyError{Database: db, PID: pid}
	}
	_ = os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+" incubeval schedule\n"), 0o644)
	return func() {
		_ = os.WriteFile(path, nil, 0o644)
		_ = lk.Unlock()
	}, nil
}
