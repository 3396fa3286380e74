package jobs

import "time"

// Clock is the scheduler's time: the real one in the daemon, a fake one in
// tests that drive the loop through a year in milliseconds. Everything the
// scheduler waits for — the next occurrence, the lock retry, the grace
// period — goes through it.
type Clock interface {
	Now() time.Time
	// After delivers the time on the channel once d has passed.
	After(d time.Duration) <-chan time.Time
}

// RealClock is the machine's clock.
type RealClock struct{}

func (RealClock) Now() time.Time                         { return time.Now() }
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
