package ingest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incubeval/incubeval/pipeline/ingest"
)

// TestOnlyRegularFilesAreRead: a FIFO, a link to a device, a socket and a
// link to a folder named like inputs are each rejected whole at once with a
// message, alone or in a folder; the other files of the batch load, and the
// database is as it would be without the bad one. A link to a regular file
// is read.
func TestOnlyRegularFilesAreRead(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		rule string
		says string
	}{
		{"fifo", func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, "not_regular", "FIFO"},
		{"link to /dev/zero", func(t *testing.T, p string) {
			if _, err := os.Stat("/dev/zero"); err != nil {
				t.Skip("no /dev/zero")
			}
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Fatal(err)
			}
		}, "not_regular", "a link to a device"},
		{"socket", func(t *testing.T, p string) {
			l, err := net.Listen("unix", p)
			if err != nil {
				t.Skip("no unix sockets here:", err)
			}
			t.Cleanup(func() { l.Close() })
		}, "not_regular", "socket"},
		{"link to a folder", func(t *testing.T, p string) {
			if err := os.Symlink(t.TempDir(), p); err != nil {
				t.Fatal(err)
			}
		}, "not_regular", "folder"},
		{"link to a regular file", func(t *testing.T, p string) {
			target := writeFile(t, t.TempDir(), "real.csv", quarterlyHeader+qrow(map[int]string{0: "LZ-FH-0001"}))
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
		}, "", ""},
	}
	for _, tt := range tests {
		for _, how := range []string{"named", "in a folder"} {
			t.Run(tt.name+"/"+how, func(t *testing.T) {
				st := mustOpen(t)
				loadRegistry(t, st)
				dir := t.TempDir()
				bad := filepath.Join(dir, "upload.csv")
				tt.make(t, bad)
				good := writeFile(t, t.TempDir(), "good.csv", quarterlyHeader+qrow(nil))
				paths := []string{bad, good}
				if how == "in a folder" {
					paths = []string{dir, good}
				}
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				type out struct {
					res *ingest.Result
					err error
				}
				done := make(chan out, 1)
				go func() {
					res, err := ingest.Ingest(ctx, st, paths, ingest.Options{Today: today})
					done <- out{res, err}
				}()
				var res *ingest.Result
				select {
				case o := <-done:
					if o.err != nil {
						t.Fatal(o.err)
					}
					res = o.res
				case <-ctx.Done():
					t.Fatalf("ingest hangs on %s", tt.name)
				}
				checkAccounting(t, st, res)
				if len(res.Files) != 2 {
					t.Fatalf("want 2 files, got %+v", res.Files)
				}
				var fr ingest.FileResult
				for _, f := range res.Files {
					if f.Path == bad {
						fr = f
					} else if f.Status != ingest.StatusLoaded {
						t.Fatalf("the good file: %+v", f)
					}
				}
				if tt.rule == "" {
					if fr.Status != ingest.StatusLoaded || fr.Accepted != 1 {
						t.Fatalf("a link to a regular file: %+v", fr)
					}
					return
				}
				if fr.Status != ingest.StatusRejected || fr.Err == nil || fr.Err.Rule != tt.rule ||
					!strings.Contains(fr.Err.EN, tt.says) || !strings.Contains(fr.Err.ZH, "不是普通文件") {
					t.Fatalf("want rejected whole (%s, %q), got %+v %+v", tt.rule, tt.says, fr, fr.Err)
				}
				// The database holds the good file only, as without the bad one.
				alone := mustOpen(t)
				loadRegistry(t, alone)
				run(t, alone, good)
				want, _ := alone.TableCounts(context.Background())
				checkRejectedWhole(t, st, want, res)
			})
		}
	}
}

// TestFileOverLimitRefused: a file over the size limit is refused at once,
// rejected whole; the rest of the batch loads.
func TestFileOverLimitRefused(t *testing.T) {
	defer ingest.SetMaxFileBytes(1000)()
	st := mustOpen(t)
	loadRegistry(t, st)
	dir := t.TempDir()
	big := writeFile(t, dir, "big.csv", quarterlyHeader+strings.Repeat(qrow(nil), 20))
	good := writeFile(t, dir, "good.csv", quarterlyHeader+qrow(nil))
	res := run(t, st, big, good)
	for _, f := range res.Files {
		if f.Path == big && (f.Status != ingest.StatusRejected || f.Err.Rule != "too_large") || f.Path == good && f.Status != ingest.StatusLoaded {
			t.Fatalf("%+v", f)
		}
	}
}

// TestLoadsTheBytesItRead: what is loaded is what was read and hashed,
// whatever becomes of the submitted path afterwards. Every golden input is
// streamed (read a second time when its turn comes) from a folder whose
// name holds glob characters, and replaced by a FIFO as soon as it has been
// read: Parquet and the second read come from the archived copy, so the
// result is the golden one.
func TestLoadsTheBytesItRead(t *testing.T) {
	defer ingest.SetHeldRows(1)()
	cases, _ := filepath.Glob("testdata/golden/*")
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "批次[1]*")
			entries, err := os.ReadDir(filepath.Join(dir, "input"))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(dir, "input", e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, in, e.Name(), string(data))
			}
			st := mustOpen(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := ingest.Ingest(ctx, st, []string{in}, ingest.Options{Today: today, OnRead: func(path string) {
					if err := os.Remove(path); err != nil {
						t.Error(err)
					}
					if err := syscall.Mkfifo(path, 0o644); err != nil {
						t.Error(err)
					}
				}})
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-ctx.Done():
				t.Fatal("ingest hangs on a file replaced by a FIFO")
			}
			want, err := os.ReadFile(filepath.Join(dir, "want.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), dump(t, st.DB)); diff != "" {
				t.Errorf("(-golden +got):\n%s", diff)
			}
		})
	}
}

// TestArchivedCopyIsRegular: a FIFO where a file's archived copy goes
// (the archive is read again: by DuckDB for Parquet, for the second read
// of a streamed file) is replaced by the copy, not read.
func TestArchivedCopyIsRegular(t *testing.T) {
	defer ingest.SetHeldRows(1)()
	for _, dir := range []string{"testdata/golden/parquet", "testdata/golden/csv_utf8"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			st := mustOpen(t)
			entries, _ := os.ReadDir(filepath.Join(dir, "input"))
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(dir, "input", e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(data)
				sha := hex.EncodeToString(sum[:])
				fifo := filepath.Join(st.Dir(), "archive", sha[:2], sha+filepath.Ext(e.Name()))
				os.MkdirAll(filepath.Dir(fifo), 0o755)
				if err := syscall.Mkfifo(fifo, 0o644); err != nil {
					t.Skip("no FIFOs here:", err)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := ingest.Ingest(ctx, st, []string{filepath.Join(dir, "input")}, ingest.Options{Today: today})
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-ctx.Done():
				t.Fatal("ingest hangs on a FIFO in the archive")
			}
			want, _ := os.ReadFile(filepath.Join(dir, "want.txt"))
			got := dump(t, st.DB)
			// The file names are those of the golden folder; nothing else differs.
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("(-golden +got):\n%s", diff)
			}
		})
	}
}
