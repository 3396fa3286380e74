package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

// A database an older version wrote (here: its views' hash and one
// migration's record taken away, as an older version leaves them) is not
// read by report or explain, which say to run upgrade; upgrade brings it
// up to date and they read it.
func TestReadersAskForUpgradeOfAnOlderDatabase(t *testing.T) {
	db := demoDB(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.ExecContext(ctx, "UPDATE store.meta SET value = 'older' WHERE key = 'views_sha256'"); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckVersion(ctx); err == nil {
		t.Fatal("CheckVersion finds the database current")
	}
	// Closing publishes the snapshot the readers read; a writer would
	// have refreshed the views first, so close without opening again.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	for _, args := range [][]string{
		{"report", "--year", "2025", "--out", out},
		{"explain", "--carrier", "LZ-ZC-0007", "--year", "2025"},
	} {
		code, stdout, stderr := runCLI(t, append([]string{"--db", db}, args...)...)
		if code != exitFail || !strings.Contains(stderr, "upgrade") || !strings.Contains(stderr, "older incubeval") || !strings.Contains(stderr, "尚未升级") {
			t.Fatalf("%v on an older database: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
	if code, stdout, stderr := runCLI(t, "--db", db, "upgrade"); code != exitOK || !strings.Contains(stdout, "up to date") {
		t.Fatalf("upgrade: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, "--db", db, "report", "--year", "2025", "--out", out); code != exitOK {
		t.Fatalf("report after upgrade: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "--db", filepath.Join(t.TempDir(), "none.duckdb"), "upgrade"); code != exitFail || !strings.Contains(stderr, "none was created") {
		t.Fatalf("upgrade of nothing: exit %d %s", code, stderr)
	}
}
