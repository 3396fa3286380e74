package jobs

import (
	"context"
	"errors"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/store"
)

// The default calendar, driven through 2025 with a fake clock: every
// occurrence runs once, on time, and nothing else runs (a new database
// catches nothing up).
func TestAYearOfTheDefaultSchedules(t *testing.T) {
	h := newHarness(t, at(2025, 1, 1, 0, 0))
	h.start()
	h.runUntil(at(2026, 1, 1, 0, 0))
	h.stop()

	var want []row
	for _, m := range []time.Month{1, 4, 7, 10} {
		want = append(want, row{JobQuarterlySweep, at(2025, m, 16, 2, 0), StatusOK, "schedule"})
	}
	// 1 November 2025 is a Saturday; then the Mondays of November.
	for _, d := range []int{1, 3, 10, 17, 24} {
		want = append(want, row{JobYearlyAssessment, at(2025, 11, d, 3, 0), StatusOK, "schedule"})
	}
	for d := 1; d <= 30; d++ {
		want = append(want, row{JobDeadlineReminder, at(2025, 11, d, 9, 0), StatusOK, "schedule"})
	}
	want = append(want, row{JobPublish, at(2025, 11, 30, 18, 0), StatusOK, "schedule"})
	sort.SliceStable(want, func(i, j int) bool { return want[i].scheduled.Before(want[j].scheduled) })

	es := h.ledger()
	if diff := cmp.Diff(want, rowsOf(es), cmp.AllowUnexported(row{})); diff != "" {
		t.Fatalf("ledger (-want +got):\n%s", diff)
	}
	for _, e := range es {
		if !e.Started.Equal(e.Scheduled) || e.Finished.IsZero() || e.Pending {
			t.Errorf("%s %s: started %s, finished %s, pending %v", e.Job, e.Scheduled, e.Started, e.Finished, e.Pending)
		}
	}
	// Each body ran once per row, for its occurrence.
	calls := h.callsOf()
	if len(calls) != len(want) {
		t.Fatalf("%d calls, want %d", len(calls), len(want))
	}
	for i, c := range calls {
		if c.job != want[i].job || !c.asOf.Equal(want[i].scheduled) {
			t.Errorf("call %d: %s as of %s, want %s as of %s", i, c.job, c.asOf, want[i].job, want[i].scheduled)
		}
	}
}

// A daemon stopped over an occurrence runs it once at the next start
// (caught_up); starting again runs nothing twice; after a long gap each
// job runs once, for its latest occurrence only.
func TestCatchUpAfterAGapRunsEachMissedJobOnce(t *testing.T) {
	h := newHarness(t, at(2025, 1, 1, 0, 0))
	h.start()
	h.runUntil(at(2025, 3, 1, 0, 0))
	h.stop()
	// The machine is down from March to May: the April sweep is missed.
	h.clock.set(at(2025, 5, 1, 8, 0))
	h.start()
	h.stop()
	want := []row{
		{JobQuarterlySweep, at(2025, 1, 16, 2, 0), StatusOK, "schedule"},
		{JobQuarterlySweep, at(2025, 4, 16, 2, 0), StatusCaughtUp, "catch_up"},
	}
	if diff := cmp.Diff(want, rowsOf(h.ledger()), cmp.AllowUnexported(row{})); diff != "" {
		t.Fatalf("after the first gap (-want +got):\n%s", diff)
	}
	// Started again at once: the April sweep is done, nothing runs.
	h.start()
	h.stop()
	if n := len(h.ledger()); n != 2 {
		t.Fatalf("a second start ran again: %d rows", n)
	}
	h.start()
	h.runUntil(at(2025, 7, 20, 0, 0))
	h.stop()
	want = append(want, row{JobQuarterlySweep, at(2025, 7, 16, 2, 0), StatusOK, "schedule"})

	// Down from July 2025 to 5 December 2026: October 2025, all of
	// November 2025 and four sweeps of 2026 are missed. Each job runs once,
	// for its latest occurrence, in catalog order.
	h.clock.set(at(2026, 12, 5, 12, 0))
	h.start()
	h.stop()
	want = append(want,
		row{JobQuarterlySweep, at(2026, 10, 16, 2, 0), StatusCaughtUp, "catch_up"},
		row{JobYearlyAssessment, at(2026, 11, 30, 3, 0), StatusCaughtUp, "catch_up"},
		row{JobPublish, at(2026, 11, 30, 18, 0), StatusCaughtUp, "catch_up"},
		row{JobDeadlineReminder, at(2026, 11, 30, 9, 0), StatusCaughtUp, "catch_up"},
	)
	if diff := cmp.Diff(want, rowsOf(h.ledger()), cmp.AllowUnexported(row{})); diff != "" {
		t.Fatalf("after the long gap (-want +got):\n%s", diff)
	}
	// A catch-up works on the occurrence it stands for: publish of 2026.
	calls := h.callsOf()
	last := calls[len(calls)-2]
	if last.job != JobPublish || assessmentYear(h.env.Config, last.asOf) != 2026 {
		t.Fatalf("publish caught up as of %s (year %d)", last.asOf, assessmentYear(h.env.Config, last.asOf))
	}
}

// A new database, or a daemon started for the first time, does not run
// history: catch-up looks back only to the first start on this database.
func TestFirstStartCatchesNothingUp(t *testing.T) {
	h := newHarness(t, at(2025, 12, 5, 12, 0))
	h.start()
	h.stop()
	if es := h.ledger(); len(es) != 0 {
		t.Fatalf("a first start ran %v", rowsOf(es))
	}
	// Stopped over the January sweep: that one is caught up.
	h.clock.set(at(2026, 1, 20, 12, 0))
	h.start()
	h.stop()
	want := []row{{JobQuarterlySweep, at(2026, 1, 16, 2, 0), StatusCaughtUp, "catch_up"}}
	if diff := cmp.Diff(want, rowsOf(h.ledger()), cmp.AllowUnexported(row{})); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func everyMinute(t *testing.T, name string, f Func) *Job {
	t.Helper()
	sched, spec, err := ParseSchedule("* * * * *", DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	return &Job{Name: name, Spec: spec, Schedule: sched, Run: f}
}

// An occurrence that finds the previous run of its job still going is
// skipped and recorded, not run twice.
func TestSkipIfStillRunning(t *testing.T) {
	h := newHarness(t, at(2025, 3, 1, 0, 0).Add(30*time.Second))
	started, release := make(chan struct{}, 4), make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	h.jobs = []*Job{everyMinute(t, "slow", h.record(func(ctx context.Context, _ *Env, _ *store.Store, _ *Run) error {
		started <- struct{}{}
		<-release
		return nil
	}))}
	h.start()
	w := h.waits()
	h.clock.set(at(2025, 3, 1, 0, 1))
	<-started
	h.waitFor("the loop to wait again", func() bool { return h.waits() > w })
	for _, m := range []int{2, 3} {
		w := h.waits()
		h.clock.set(at(2025, 3, 1, 0, m))
		h.waitFor("the loop to wait again", func() bool { return h.waits() > w })
	}
	once.Do(func() { close(release) })
	h.waitIdle()
	h.stop()
	want := []row{
		{"slow", at(2025, 3, 1, 0, 1), StatusOK, "schedule"},
		{"slow", at(2025, 3, 1, 0, 2), StatusSkipped, "schedule"},
		{"slow", at(2025, 3, 1, 0, 3), StatusSkipped, "schedule"},
	}
	es := h.ledger()
	if diff := cmp.Diff(want, rowsOf(es), cmp.AllowUnexported(row{})); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	for _, e := range es[1:] {
		if !strings.Contains(e.Error, "still running") || e.Pending {
			t.Errorf("skipped row: %q (pending %v)", e.Error, e.Pending)
		}
	}
	if n := len(h.callsOf()); n != 1 {
		t.Fatalf("the job ran %d times", n)
	}
}

// A panic is a failed row with the stack; the daemon goes on, and a job
// that returns an error is a failed row with the error.
func TestPanicAndFailureAreFailedRowsAndTheDaemonGoesOn(t *testing.T) {
	h := newHarness(t, at(2025, 3, 1, 0, 0).Add(30*time.Second))
	n := 0
	h.jobs = []*Job{everyMinute(t, "flaky", h.record(func(context.Context, *Env, *store.Store, *Run) error {
		n++
		switch n {
		case 1:
			panic("boom")
		case 2:
			return errors.New("no luck")
		}
		return nil
	}))}
	h.start()
	h.runUntil(at(2025, 3, 1, 0, 3))
	h.stop()
	want := []row{
		{"flaky", at(2025, 3, 1, 0, 1), StatusFailed, "schedule"},
		{"flaky", at(2025, 3, 1, 0, 2), StatusFailed, "schedule"},
		{"flaky", at(2025, 3, 1, 0, 3), StatusOK, "schedule"},
	}
	es := h.ledger()
	if diff := cmp.Diff(want, rowsOf(es), cmp.AllowUnexported(row{})); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if e := es[0].Error; !strings.HasPrefix(e, "panic: boom") || !strings.Contains(e, "goroutine") || !strings.Contains(e, "scheduler_test.go") {
		t.Fatalf("panic row error %q: want the panic and its stack", e)
	}
	if es[1].Error != "no luck" {
		t.Fatalf("failed row error %q", es[1].Error)
	}
}

// A job that finds the database held by a manual command waits lock_wait,
// then is skipped with the holder's pid; the row waits in the pending file
// until the next writer moves it into runs.
func TestDatabaseHeldByACommandIsSkippedWithItsPID(t *testing.T) {
	h := newHarness(t, at(2025, 3, 1, 0, 30))
	sched, spec, _ := ParseSchedule("0 * * * *", DefaultTimeZone)
	h.jobs = []*Job{{Name: "hourly", Spec: spec, Schedule: sched, Run: h.record(nil)}}
	h.start()
	held, err := store.Open(context.Background(), h.env.Config.Database, store.Options{Holder: "incubeval run"})
	if err != nil {
		t.Fatal(err)
	}
	w := h.waits()
	h.clock.set(at(2025, 3, 1, 1, 0))
	h.waitFor("the loop to wait again", func() bool { return h.waits() > w })
	// The job retries every lock_retry (10 s) for lock_wait (1 min).
	for !h.s.idle() {
		if h.clock.pending() >= 2 {
			h.clock.set(h.clock.earliest())
		}
		time.Sleep(time.Millisecond)
	}
	pending, err := ReadPending(h.env.Config.Database)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending %v %v", pending, err)
	}
	e := pending[0]
	wantErr := "held by pid " + strconv.Itoa(os.Getpid()) + " (incubeval run) for longer than lock_wait 1m0s"
	if e.Status != StatusSkipped || !strings.Contains(e.Error, wantErr) || !e.Finished.Equal(at(2025, 3, 1, 1, 1)) {
		t.Fatalf("skipped row %+v; want error containing %q", e, wantErr)
	}
	if len(h.callsOf()) != 0 {
		t.Fatal("the job ran without the database")
	}
	held.Close()
	h.runUntil(at(2025, 3, 1, 2, 0))
	h.stop()
	want := []row{
		{"hourly", at(2025, 3, 1, 1, 0), StatusSkipped, "schedule"},
		{"hourly", at(2025, 3, 1, 2, 0), StatusOK, "schedule"},
	}
	es := h.ledger()
	if diff := cmp.Diff(want, rowsOf(es), cmp.AllowUnexported(row{})); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if es[0].Pending {
		t.Fatal("the skipped row was not moved into runs by the next run")
	}
}

// On a stop signal a running job may finish within the grace period; past
// it, it is cancelled, recorded failed, and the next start catches it up.
func TestStopLetsTheRunFinishOrCancelsItAfterTheGrace(t *testing.T) {
	for _, finish := range []bool{true, false} {
		t.Run(map[bool]string{true: "finishes", false: "cancelled"}[finish], func(t *testing.T) {
			h := newHarness(t, at(2025, 3, 1, 0, 0).Add(30*time.Second))
			started, release := make(chan struct{}, 1), make(chan struct{})
			var once sync.Once
			t.Cleanup(func() { once.Do(func() { close(release) }) })
			h.jobs = []*Job{everyMinute(t, "long", h.record(func(ctx context.Context, _ *Env, _ *store.Store, _ *Run) error {
				started <- struct{}{}
				select {
				case <-release:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}))}
			h.start()
			h.clock.set(at(2025, 3, 1, 0, 1))
			<-started
			before := h.clock.pending() // the loop's next wake-up
			h.cancel()
			if finish {
				once.Do(func() { close(release) })
			} else {
				h.waitFor("the grace timer", func() bool { return h.clock.pending() > before })
				h.clock.set(at(2025, 3, 1, 0, 1).Add(h.grace))
			}
			if err := <-h.done; err != nil {
				t.Fatal(err)
			}
			h.cancel = nil
			h.clock.clear()
			es := h.ledger()
			if len(es) != 1 {
				t.Fatalf("rows %v", rowsOf(es))
			}
			if finish {
				if es[0].Status != StatusOK {
					t.Fatalf("finished within the grace: %+v", es[0])
				}
				return
			}
			if es[0].Status != StatusFailed || !strings.Contains(es[0].Error, "stop_grace 30s") || !strings.Contains(es[0].Error, "context canceled") {
				t.Fatalf("cancelled run: %+v", es[0])
			}
			// The next start, a little later, runs the interrupted occurrence once.
			once.Do(func() { close(release) })
			h.clock.set(at(2025, 3, 1, 0, 1).Add(45 * time.Second))
			h.start()
			h.stop()
			want := []row{
				{"long", at(2025, 3, 1, 0, 1), StatusFailed, "schedule"},
				{"long", at(2025, 3, 1, 0, 1), StatusCaughtUp, "catch_up"},
			}
			if diff := cmp.Diff(want, rowsOf(h.ledger()), cmp.AllowUnexported(row{})); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A second daemon on the same database refuses to start.
func TestOneDaemonPerDatabase(t *testing.T) {
	h := newHarness(t, at(2025, 3, 1, 0, 0))
	h.start()
	s2 := &Scheduler{Env: h.env, Jobs: h.jobs, Runner: NewRunner(h.env)}
	err := s2.Run(context.Background())
	var busy *DaemonBusyError
	if !errors.As(err, &busy) || busy.PID != os.Getpid() {
		t.Fatalf("second daemon: %v", err)
	}
	h.stop()
}

// An flock is on the file, not its name: with the schedule lock file
// removed, a second daemon locks a new file of the same name. The first
// notices at its next wake-up that the name no longer leads to its lock,
// finds the other daemon holding the new file, and stops (a DaemonBusyError,
// Lost) without running anything: the occurrence runs once, by the second.
// Removed with no other daemon about, or replaced by a file nobody locks,
// the lock is taken again at the path, and the daemon goes on.
func TestRemovedScheduleLockLeavesOneDaemonRunning(t *testing.T) {
	h := newHarness(t, at(2025, 3, 1, 0, 0))
	h.start()
	lockPath := DaemonLockPath(h.env.Config.Database)
	pidIn := func() string {
		b, _ := os.ReadFile(lockPath)
		return strings.TrimSpace(string(b))
	}

	// Removed, nobody else: re-created and locked at the wake-up for the
	// April sweep, which runs.
	if err := os.Remove(lockPath); err != nil {
		t.Fatal(err)
	}
	h.runUntil(at(2025, 4, 20, 0, 0))
	if got := pidIn(); got != strconv.Itoa(os.Getpid())+" incubeval schedule" {
		t.Fatalf("lock file after the wake-up: %q", got)
	}
	if _, err := LockDaemon(h.env.Config.Database); err == nil {
		t.Fatal("a second daemon could lock the re-created file")
	}
	// Replaced by a file nobody locks (an editor's save): taken again.
	if err := os.Remove(lockPath); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lockPath, []byte("junk\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.runUntil(at(2025, 7, 20, 0, 0))
	if got := pidIn(); got != strconv.Itoa(os.Getpid())+" incubeval schedule" {
		t.Fatalf("lock file after the replacement: %q", got)
	}

	// Removed, and a second daemon starts meanwhile.
	if err := os.Remove(lockPath); err != nil {
		t.Fatal(err)
	}
	second := &Scheduler{Env: h.env, Jobs: h.jobs, Runner: NewRunner(h.env), Grace: h.grace}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	done2 := make(chan error, 1)
	go func() { done2 <- second.Run(ctx2) }()
	h.waitFor("the second daemon to be idle", second.idle)
	h.waitIdle()
	// The October sweep falls due for both.
	h.clock.set(at(2025, 10, 16, 2, 0))
	var err error
	select {
	case err = <-h.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the first daemon did not stop")
	}
	h.cancel = nil
	var busy *DaemonBusyError
	if !errors.As(err, &busy) || !busy.Lost || !strings.Contains(err.Error(), "was removed or replaced") {
		t.Fatalf("first daemon: %v", err)
	}
	h.waitFor("the second daemon to run the sweep", func() bool { return len(h.callsOf()) == 3 })
	h.waitFor("the second daemon to be idle", second.idle)
	cancel2()
	if err := <-done2; err != nil {
		t.Fatalf("second daemon: %v", err)
	}
	h.clock.clear()
	want := []row{
		{JobQuarterlySweep, at(2025, 4, 16, 2, 0), StatusOK, "schedule"},
		{JobQuarterlySweep, at(2025, 7, 16, 2, 0), StatusOK, "schedule"},
		{JobQuarterlySweep, at(2025, 10, 16, 2, 0), StatusOK, "schedule"},
	}
	if diff := cmp.Diff(want, rowsOf(h.ledger()), cmp.AllowUnexported(row{})); diff != "" {
		t.Fatalf("ledger (-want +got):\n%s", diff)
	}
	if !strings.Contains(h.logs.String(), "another scheduler holds the schedule lock") {
		t.Errorf("the first daemon did not say why it stopped:\n%s", h.logs.String())
	}
}
