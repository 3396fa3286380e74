package jobs

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// fakeClock is a Clock that moves only when the test says so.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	return ch
}

// pending is the number of timers not yet fired.
func (c *fakeClock) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// earliest is the first pending timer's time (zero if none).
func (c *fakeClock) earliest() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	var e time.Time
	for _, t := range c.timers {
		if e.IsZero() || t.at.Before(e) {
			e = t.at
		}
	}
	return e
}

// set moves the clock to t and fires every timer due by then.
func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(t) {
			kept = append(kept, tm)
		} else {
			tm.ch <- t
		}
	}
	c.timers = kept
}

// clear forgets the timers of a scheduler that has stopped.
func (c *fakeClock) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timers = nil
}

// bodyCall is one execution of a job body.
type bodyCall struct {
	job  string
	asOf time.Time
}

// harness runs the scheduler over a real database with a fake clock and
// job bodies that record their calls.
type harness struct {
	t      *testing.T
	clock  *fakeClock
	env    *Env
	jobs   []*Job
	grace  time.Duration
	logs   *syncBuffer
	mu     sync.Mutex
	calls  []bodyCall
	s      *Scheduler
	cancel context.CancelFunc
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var shanghai = store.Location

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, shanghai)
}

// newHarness sets up a new database, the catalog's jobs with their default
// schedules and recording bodies, and the clock at start.
func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	cfg := &Config{Database: filepath.Join(t.TempDir(), "sched.duckdb")}
	if err := cfg.Resolve(""); err != nil {
		t.Fatal(err)
	}
	lw, lr := Duration(time.Minute), Duration(10*time.Second)
	cfg.LockWait, cfg.LockRetry = &lw, &lr
	h := &harness{t: t, clock: &fakeClock{now: start}, grace: 30 * time.Second, logs: &syncBuffer{}}
	h.env = &Env{Config: cfg, Clock: h.clock, Log: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	js, err := cfg.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range js {
		j.Run = h.record(nil)
	}
	h.jobs = js
	t.Cleanup(func() {
		if h.cancel != nil {
			// A test that failed midway: stop without waiting for ever.
			h.cancel()
			select {
			case <-h.done:
			case <-time.After(5 * time.Second):
			}
		}
		if t.Failed() {
			t.Logf("scheduler log:\n%s", h.logs.String())
		}
	})
	return h
}

// record is a job body that records its call, then does f (if any).
func (h *harness) record(f Func) Func {
	return func(ctx context.Context, env *Env, st *store.Store, r *Run) error {
		h.mu.Lock()
		h.calls = append(h.calls, bodyCall{r.Job, r.AsOf})
		h.mu.Unlock()
		if f != nil {
			return f(ctx, env, st, r)
		}
		return nil
	}
}

func (h *harness) callsOf() []bodyCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bodyCall(nil), h.calls...)
}

// start runs the daemon and waits until its start-up catch-up is done.
func (h *harness) start() {
	h.t.Helper()
	h.s = &Scheduler{Env: h.env, Jobs: h.jobs, Runner: NewRunner(h.env), Grace: h.grace}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.done = make(chan error, 1)
	go func() { h.done <- h.s.Run(ctx) }()
	h.waitIdle()
}

// stop sends the stop signal and waits for Run to return.
func (h *harness) stop() {
	h.t.Helper()
	h.cancel()
	if err := <-h.done; err != nil {
		h.t.Fatalf("Run: %v", err)
	}
	h.cancel = nil
	h.clock.clear()
}

// waitFor polls cond (real time) until it holds; it gives up after 20 s.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (h *harness) waits() int {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	return h.s.waits
}

// waitIdle waits until nothing is queued or running and the loop waits.
func (h *harness) waitIdle() {
	h.t.Helper()
	h.waitFor("the scheduler to be idle", h.s.idle)
}

// runUntil moves the clock from timer to timer up to t, letting the
// scheduler finish what falls due at each.
func (h *harness) runUntil(t time.Time) {
	h.t.Helper()
	for {
		h.waitIdle()
		next := h.clock.earliest()
		if next.IsZero() || next.After(t) {
			h.clock.set(t)
			return
		}
		w := h.waits()
		h.clock.set(next)
		h.waitFor("the loop to wait again", func() bool { return h.waits() > w })
	}
}

// ledger reads store.runs plus the pending file, oldest first.
func (h *harness) ledger() []Entry {
	h.t.Helper()
	st, err := store.Open(context.Background(), h.env.Config.Database, store.Options{ReadOnly: true})
	if err != nil {
		h.t.Fatal(err)
	}
	defer st.Close()
	es, err := History(context.Background(), st.DB, "", 0)
	if err != nil {
		h.t.Fatal(err)
	}
	pending, err := ReadPending(h.env.Config.Database)
	if err != nil {
		h.t.Fatal(err)
	}
	es = append(es, pending...)
	sort.SliceStable(es, func(i, j int) bool {
		if !es[i].Started.Equal(es[j].Started) {
			return es[i].Started.Before(es[j].Started)
		}
		return es[i].RunID < es[j].RunID
	})
	return es
}

// row is what the tests compare of a ledger entry.
type row struct {
	job       string
	scheduled time.Time
	status    string
	trigger   string
}

func rowsOf(es []Entry) []row {
	var out []row
	for _, e := range es {
		trig, _ := e.Args["trigger"].(string)
		out = append(out, row{e.Job, e.Scheduled.In(shanghai), e.Status, trig})
	}
	return out
}
