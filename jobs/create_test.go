package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFirstJobMakesTheDatabaseAndSaysSo: a fresh installation starts with no
// database; the first job makes it in the configured folder and says so in
// the daemon's log, the next finds it. A configured folder that does not
// exist is not made: the run fails, naming it, and nothing is created.
func TestFirstJobMakesTheDatabaseAndSaysSo(t *testing.T) {
	env, logs := oneOff(t, at(2025, 11, 3, 9, 0))
	job := catalogJob(t, env, JobQuarterlySweep) // a job that brings data in
	e := NewRunner(env).Execute(context.Background(), job, TriggerManual, time.Time{}, time.Time{})
	if e.Status != StatusOK {
		t.Fatalf("first run: %s %q", e.Status, e.Error)
	}
	if n := strings.Count(logs.String(), "created a new database"); n != 1 || !strings.Contains(logs.String(), env.Config.Database) {
		t.Fatalf("the log says %d times that it created the database:\n%s", n, logs.String())
	}
	NewRunner(env).Execute(context.Background(), job, TriggerManual, time.Time{}, time.Time{})
	if n := strings.Count(logs.String(), "created a new database"); n != 1 {
		t.Fatalf("the second run said it created the database too:\n%s", logs.String())
	}

	env, logs = oneOff(t, at(2025, 11, 3, 9, 0))
	root := filepath.Dir(filepath.Dir(env.Config.Database))
	env.Config.Database = filepath.Join(root, "typo", "incubeval.duckdb")
	e = NewRunner(env).Execute(context.Background(), job, TriggerManual, time.Time{}, time.Time{})
	if e.Status != StatusFailed || !strings.Contains(e.Error, filepath.Join(root, "typo")) || !strings.Contains(e.Error, "不存在") {
		t.Fatalf("run in a missing folder: %s %q", e.Status, e.Error)
	}
	if _, err := os.Stat(filepath.Join(root, "typo")); err == nil {
		t.Fatal("the missing folder was made")
	}
}
