//go:build unix

package eligibility_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/eligibility"
)

// TestLoadFileSpecial: --profile naming a FIFO, a device or a folder —
// directly or through a link — is refused at once (SPEC §10: only regular
// files are read), never waited on: a FIFO without a writer would hold the
// command (and the scheduler reading assessment.eligibility) forever.
func TestLoadFileSpecial(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "profile.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder.yaml")
	os.Mkdir(folder, 0o755)
	for _, path := range []string{fifo, link, "/dev/zero", folder} {
		done := make(chan error, 1)
		go func() {
			_, err := eligibility.LoadFile(path)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s: %v; want it refused as not a regular file", path, err)
			}
		case <-time.After(5 * time.Second):
			// Release the reader, then fail.
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
			t.Fatalf("%s: LoadFile still waiting after 5 s", path)
		}
	}
}
