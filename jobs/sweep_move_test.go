package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// TestCopyFileLeavesWhatIsNotARegularFile defends the sweep's move across
// file systems: a FIFO or a link to a device in the inbox is neither
// opened (a FIFO blocks) nor read (a device never ends), only reported.
func TestCopyFileLeavesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "upload.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.csv")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	regular := filepath.Join(dir, "ok.csv")
	if err := os.WriteFile(regular, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- copyFile(fifo, filepath.Join(out, "upload.csv")) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a FIFO was copied")
		}
	case <-ctx.Done():
		t.Fatal("copyFile blocked on a FIFO")
	}
	if _, err := os.Lstat(filepath.Join(out, "upload.csv")); err == nil {
		t.Error("a FIFO left a file behind in processed/")
	}

	// A link is re-created as a link, never followed into /dev/zero.
	if err := copyFile(zero, filepath.Join(out, "zero.csv")); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(filepath.Join(out, "zero.csv")); err != nil || target != "/dev/zero" {
		t.Errorf("link copied as %q, %v; want a link to /dev/zero", target, err)
	}

	if err := copyFile(regular, filepath.Join(out, "ok.csv")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "ok.csv")); err != nil || string(b) != "a,b\n1,2\n" {
		t.Errorf("regular file copied as %q, %v", b, err)
	}
}

// TestSweepRecordsANameThatIsNotUTF8: a file rejected whole whose name is
// not UTF-8 (raw GBK bytes from a zip unpacked elsewhere) is named in the
// ledger's note as text, and the run's outcome reaches the database.
func TestSweepRecordsANameThatIsNotUTF8(t *testing.T) {
	env, _ := oneOff(t, at(2025, 10, 16, 2, 0))
	cfg := env.Config
	os.MkdirAll(cfg.Inbox, 0o755)
	os.WriteFile(filepath.Join(cfg.Inbox, "载体名录.csv"), []byte(registryCSV), 0o644)
	gbk := "\xbc\xbe\xb6\xc8\xb1\xa8\xb1\xed" // 季度报表 in GBK
	os.WriteFile(filepath.Join(cfg.Inbox, gbk+".xlsx"), []byte("not a workbook"), 0o644)
	os.WriteFile(filepath.Join(cfg.Inbox, "bad\xff.xlsx"), []byte("not a workbook either"), 0o644)

	e := NewRunner(env).Execute(context.Background(), catalogJob(t, env, JobQuarterlySweep), TriggerManual, time.Time{}, time.Time{})
	if e.Status != StatusOK || !strings.Contains(e.Error, "季度报表.xlsx") || !strings.Contains(e.Error, `bad\xff.xlsx`) {
		t.Fatalf("sweep: %s %q", e.Status, e.Error)
	}
	if pending, err := ReadPending(cfg.Database); err != nil || len(pending) > 0 {
		t.Fatalf("the outcome did not reach the database: pending %+v %v", pending, err)
	}
	st, err := store.Open(context.Background(), cfg.Database, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	es, err := History(context.Background(), st.DB, JobQuarterlySweep, 0)
	if err != nil || len(es) != 1 || !strings.Contains(es[0].Error, "季度报表.xlsx") {
		t.Fatalf("history %+v %v", es, err)
	}
}
