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
	"errors"
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
	lock     *DaemonLock
	lost     chan struct{} // closed when another daemon holds the lock (holdLock)
	lostErr  error
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
//
// The lock is checked at each wake-up and before each run (holdLock): a
// daemon whose lock file was removed or replaced, and taken by another
// daemon, runs nothing more and returns a *DaemonBusyError (Lost).
func (s *Scheduler) Run(ctx context.Context) error {
	lock, err := LockDaemon(s.Env.Config.Database)
	if err != nil {
		return err
	}
	defer lock.Release()
	clock, log := s.Env.Clock, s.Env.Log
	s.mu.Lock()
	s.busy = map[string]bool{}
	s.lock = lock
	s.lost = make(chan struct{})
	s.lostErr = nil
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
		case <-s.lost:
			s.setWaiting(false)
			break loop
		case <-timer:
		}
		s.setWaiting(false)
		if s.holdLock() != nil {
			break loop
		}
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
	lostErr := s.lockLost()
	if lostErr != nil {
		log.Error("调度锁已被其他调度进程持有 stopping: another scheduler holds the schedule lock; no new runs", "err", lostErr.Error())
	} else {
		log.Info("收到停止信号 stopping: no new runs; the running job may finish", "stop_grace", s.Grace.String())
	}
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
	return lostErr
}

// holdLock checks that this daemon still holds the schedule lock at its
// path (DaemonLock.Check). When another daemon holds the file now at the
// path, it says why, makes the loop stop, and returns the error.
func (s *Scheduler) holdLock() error {
	if err := s.lockLost(); err != nil {
		return err
	}
	retaken, err := s.lock.Check()
	if err == nil {
		if retaken {
			s.Env.Log.Warn("调度锁文件被删除或替换，已重新加锁 the schedule lock file was removed or replaced; this scheduler locked the file now at its path",
				"lock", s.lock.Path(), "pid", os.Getpid())
		}
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lostErr == nil {
		s.lostErr = err
		close(s.lost)
	}
	return s.lostErr
}

// lockLost is the error that stopped the daemon for its lock, or nil.
func (s *Scheduler) lockLost() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lostErr
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
			if err := s.holdLock(); err != nil {
				if f.trigger == TriggerSchedule {
					s.recordSkip(f, "not run by this scheduler: "+err.Error())
				}
				break
			}
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
	// Lost: this daemon held the lock, but its file was removed or
	// replaced, and the other daemon holds the file now at the path.
	Lost bool
}

func (e *DaemonBusyError) Error() string {
	who := "another incubeval scheduler"
	if e.PID > 0 {
		who += fmt.Sprintf(" (pid %d)", e.PID)
	}
	if e.Lost {
		return fmt.Sprintf("the scheduler's lock file %s was removed or replaced, and %s now holds it; this scheduler stops, so that only one runs jobs on %s / 调度锁文件被删除或替换，另一调度进程已持有，本进程退出",
			DaemonLockPath(e.Database), who, e.Database)
	}
	return fmt.Sprintf("%s is already running on %s; only one may run per database / 该数据库已有调度进程在运行，同一数据库只能运行一个调度进程", who, e.Database)
}

// DaemonLockPath is the scheduler's own lock file, beside the database's.
func DaemonLockPath(db string) string { return db + ".schedule.lock" }

// DaemonLock is the scheduler's lock of a database: an flock on
// <db>.schedule.lock. It is not the database's lock, which the daemon
// takes only while a job runs.
//
// An flock is on an inode, not a name: once the file is removed (or
// replaced), a second daemon creates a new file under the same name and
// locks it as if no daemon ran. So a daemon checks, at each wake-up and
// before each run, that the name still gives the inode it holds (Check).
type DaemonLock struct {
	db string
	mu sync.Mutex
	lk *flock.Flock
}

// LockDaemon takes the scheduler's lock of the database; a second daemon
// gets a DaemonBusyError.
func LockDaemon(db string) (*DaemonLock, error) {
	path := DaemonLockPath(db)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	lk, err := lockFileAt(db, path)
	if err != nil {
		return nil, err
	}
	return &DaemonLock{db: db, lk: lk}, nil
}

// Path is the lock file's name.
func (d *DaemonLock) Path() string { return DaemonLockPath(d.db) }

// Check reports whether this daemon still holds the lock file its path
// names (stat of the path against fstat of the locked file). If the file
// was removed or replaced, it locks the file now at the path, creating it
// if it is missing, and says so (retaken); if another daemon holds that
// one, it returns a *DaemonBusyError with Lost set, and this daemon must
// run nothing more.
func (d *DaemonLock) Check() (retaken bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lk == nil {
		return false, errors.New("the schedule lock was released")
	}
	path := d.Path()
	held, herr := d.lk.Stat()
	now, nerr := os.Stat(path)
	if herr == nil && nerr == nil && os.SameFile(held, now) {
		return false, nil
	}
	lk, err := lockFileAt(d.db, path)
	if err != nil {
		var busy *DaemonBusyError
		if errors.As(err, &busy) {
			busy.Lost = true
		}
		return false, err
	}
	_ = d.lk.Unlock() // the old inode, which no name leads to any more
	d.lk = lk
	return true, nil
}

// Release lets the lock go, emptying the file (the pid in it) only if the
// path still names it.
func (d *DaemonLock) Release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lk == nil {
		return
	}
	if held, err := d.lk.Stat(); err == nil {
		if now, err := os.Stat(d.Path()); err == nil && os.SameFile(held, now) {
			_ = os.WriteFile(d.Path(), nil, 0o644)
		}
	}
	_ = d.lk.Unlock()
	d.lk = nil
}

// lockFileAt takes an exclusive flock on the file at path (creating it),
// making sure the lock is on the file the path names once locked (it may
// have been removed or replaced between the open and the lock), and
// writes our pid in it.
func lockFileAt(db, path string) (*flock.Flock, error) {
	for try := 0; try < 5; try++ {
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
		held, herr := lk.Stat()
		now, nerr := os.Stat(path)
		if herr == nil && nerr == nil && os.SameFile(held, now) {
			_ = os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+" incubeval schedule\n"), 0o644)
			return lk, nil
		}
		_ = lk.Unlock()
	}
	return nil, fmt.Errorf("lock %s: the file was removed or replaced each time it was locked", path)
}
