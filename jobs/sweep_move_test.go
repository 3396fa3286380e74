package jobs

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
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
