//go:build linux

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Faults as a bad day brings them: the disk fills up, or a file-size
// limit is reached, while a command writes. The real binary runs on a copy
// of the demo database; a test hook (INCUBEVAL_TEST_PAUSE) stops it at a
// chosen point — just after its run is recorded as started, or as it
// begins to close — and from there on its writes fail:
//
//   - fsize: the child's RLIMIT_FSIZE is lowered (prlimit) to the size the
//     files have at that moment, so no file may grow (EFBIG). Needs no
//     privilege: this variant always runs.
//   - tmpfs: the database lives on a small tmpfs, filled up at that moment
//     (ENOSPC). Only when the test may mount (root); the same cases run
//     under fsize everywhere.
//
// Then the database must be as it was before the command (or, for a
// failure at close, hold the committed work, with the ledger saying the
// snapshot was not published), the exit status must be 1, and the next
// command, without the fault, must work and store the same results as on
// an untouched copy.

// faultMethod makes writes fail from a point on.
type faultMethod struct {
	name string
	// dir returns a folder for the database.
	dir func(t *testing.T) string
	// inject makes the child's writes fail from now on; room is what may
	// still be written (the run ledger's note) at close.
	inject func(t *testing.T, dir string, pid int, atClose bool)
	// free lifts the fault for the next command.
	free func(t *testing.T, dir string)
}

var fsizeMethod = faultMethod{
	name: "fsize",
	dir:  func(t *testing.T) string { return t.TempDir() },
	inject: func(t *testing.T, dir string, pid int, atClose bool) {
		// Commit failures: not even the write-ahead log may grow. At close:
		// the log may (the note), the database may not (the checkpoint).
		db := filepath.Join(dir, store.DefaultPath)
		limit := fileSize(db + ".wal")
		if atClose {
			limit = fileSize(db)
		}
		if err := prlimitFSize(pid, uint64(limit)); err != nil {
			t.Fatalf("prlimit: %v", err)
		}
	},
	free: func(*testing.T, string) {}, // the limit was the child's
}

// tmpfsMethod is nil where mounting is not allowed.
func tmpfsMethod(t *testing.T) *faultMethod {
	probe := t.TempDir()
	if os.Geteuid() != 0 || exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe).Run() != nil {
		return nil
	}
	exec.Command("umount", probe).Run()
	return &faultMethod{
		name: "tmpfs",
		dir: func(t *testing.T) string {
			d := t.TempDir()
			if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", d).CombinedOutput(); err != nil {
				t.Fatalf("mount: %v %s", err, out)
			}
			t.Cleanup(func() { exec.Command("umount", "-l", d).Run() })
			return d
		},
		inject: func(t *testing.T, dir string, _ int, atClose bool) {
			// At close, room for the ledger's note but not for a checkpoint.
			room := int64(0)
			if atClose {
				room = 128 << 10
			}
			fillDisk(t, dir, room)
		},
		free: func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "fill")); err != nil {
				t.Fatal(err)
			}
		},
	}
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// prlimitFSize sets another process's RLIMIT_FSIZE (prlimit(2); allowed on
// a process of the same user).
func prlimitFSize(pid int, limit uint64) error {
	lim := syscall.Rlimit{Cur: limit, Max: limit}
	_, _, errno := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, uintptr(pid), uintptr(syscall.RLIMIT_FSIZE),
		uintptr(unsafe.Pointer(&lim)), 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// fillDisk takes all the free space of dir's file system but room bytes.
func fillDisk(t *testing.T, dir string, room int64) {
	t.Helper()
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		t.Fatal(err)
	}
	free := int64(fs.Bavail) * fs.Bsize
	f, err := os.Create(filepath.Join(dir, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n := free - room; n > 0 {
		if err := syscall.Fallocate(int(f.Fd()), 0, 0, n); err != nil {
			t.Fatalf("fallocate %d: %v", n, err)
		}
	}
}

// pausedRun is the binary stopped at a test-hook point.
type pausedRun struct {
	cmd     *exec.Cmd
	release string
	stdout  bytes.Buffer
	stderr  *lockedBuffer
	done    chan error
}

// startPaused starts the binary with the pause hook at point and waits
// until it stops there.
func startPaused(t *testing.T, point string, args ...string) *pausedRun {
	t.Helper()
	p := &pausedRun{release: filepath.Join(t.TempDir(), "release"), stderr: &lockedBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(daemonBinary(t), args...)
	p.cmd.Env = append(os.Environ(), "INCUBEVAL_DB=", "INCUBEVAL_TEST_PAUSE="+point, "INCUBEVAL_TEST_PAUSE_RELEASE="+p.release)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(p.stderr.String(), "test hook: paused at "+point) {
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("%v ended before the pause at %s: %v\n%s%s", args, point, err, &p.stdout, p.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v did not pause at %s:\n%s", args, point, p.stderr.String())
		}
	}
	return p
}

// finish lets the run go on and returns its exit status and output.
func (p *pausedRun) finish(t *testing.T) (int, string) {
	t.Helper()
	if err := os.WriteFile(p.release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-p.done:
	case <-time.After(90 * time.Second):
		t.Fatalf("the run did not end:\n%s", p.stderr.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, p.stdout.String() + p.stderr.String()
}

// openCounted opens db read-only (the caller closes it) and returns it
// with the row count of every table but the run ledger, as "table=n"
// lines in order.
func openCounted(t *testing.T, db string) (*store.Store, []string) {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open %s: %v", db, err)
	}
	counts, err := st.TableCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for name, n := range counts {
		if name != "store.runs" {
			lines = append(lines, fmt.Sprintf("%s=%d", name, n))
		}
	}
	sort.Strings(lines)
	return st, lines
}

// fingerprint is what a command's failure must leave as it was: the row
// count of every table but the run ledger, and the content of the results
// and the ingest log (no timestamps).
func fingerprint(t *testing.T, db string) string {
	t.Helper()
	ctx := context.Background()
	st, lines := openCounted(t, db)
	defer st.Close()
	for _, q := range []string{
		"SELECT md5(string_agg(concat_ws('|', year, carrier_id, run_id, outcome, score, grade, rank_overall, rank_district, published), ',' ORDER BY year, carrier_id)) FROM assessments",
		"SELECT md5(string_agg(concat_ws('|', year, carrier_id, action, deadline, reason), ',' ORDER BY year, carrier_id)) FROM decisions",
		"SELECT md5(string_agg(concat_ws('|', ingest_id, batch_id, file_name, rows_read, rows_accepted, rows_rejected), ',' ORDER BY ingest_id)) FROM ingest_log",
		"SELECT string_agg(run_id || ':' || requested_year || ':' || forced, ',' ORDER BY run_id) FROM store.assessment_runs",
		"SELECT coalesce(string_agg(year || ':' || run_id, ',' ORDER BY year), '') FROM store.published_years",
		"SELECT coalesce(md5(string_agg(concat_ws('|', run_id, subject_id, outcome, unmet, to_review), ',' ORDER BY run_id, subject_id)), '') FROM store.eligibility_results",
		"SELECT coalesce(md5(string_agg(concat_ws('|', run_id, nomination_id, outcome, rank_in_group, reasons), ',' ORDER BY run_id, nomination_id)), '') FROM store.talent_results",
	} {
		var v *string
		if err := st.DB.QueryRowContext(ctx, q).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if v != nil {
			lines = append(lines, *v)
		} else {
			lines = append(lines, "-")
		}
	}
	return strings.Join(lines, "\n")
}

// ledger is the run ledger, one "job status error" line per row.
func ledger(t *testing.T, db string) []string {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB.Query("SELECT job, status, coalesce(error, '') FROM store.runs ORDER BY run_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var job, status, msg string
		if err := rows.Scan(&job, &status, &msg); err != nil {
			t.Fatal(err)
		}
		out = append(out, job+" "+status+" "+msg)
	}
	return out
}

var (
	demoOnce sync.Once
	demoPath string
	demoOut  string // what demo printed
	demoErr  error
)

// demoDatabase is a database made by `demo --out` (once per test binary);
// copyDemo copies it, with its snapshot, into dir.
func demoDatabase(t *testing.T) string {
	t.Helper()
	bin := daemonBinary(t)
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "incubeval-demo-")
		if err != nil {
			demoErr = err
			return
		}
		sharedDirs = append(sharedDirs, dir)
		out, err := exec.Command(bin, "demo", "--out", dir).CombinedOutput()
		if err != nil {
			demoErr = fmt.Errorf("demo: %v\n%s", err, out)
		}
		demoOut = string(out)
		demoPath = dir
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoPath
}

func copyDemo(t *testing.T, dir string) string {
	t.Helper()
	src := demoDatabase(t)
	for _, name := range []string{store.DefaultPath, store.DefaultPath + ".snapshot", store.DefaultPath + ".snapshot.json"} {
		copyFile(t, filepath.Join(src, name), filepath.Join(dir, name))
	}
	return filepath.Join(dir, store.DefaultPath)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	fi, _ := in.Stat()
	os.Chtimes(to, fi.ModTime(), fi.ModTime()) // the snapshot's sidecar records it
}

// faultCase is a command and the point its writes start failing.
type faultCase struct {
	name  string
	setup func(t *testing.T, dir string) // before the command, on the copy
	args  func(db string) []string
	// atClose: the fault starts as the command closes the database, its
	// work committed; otherwise just after its run is recorded as started.
	atClose bool
}

func faultCases(t *testing.T) []faultCase {
	// A resubmitted district file (the same rows, one more line break):
	// new bytes, so its rows load again as revisions.
	resub := filepath.Join(t.TempDir(), "西固区季度报表-更正.csv")
	b, err := os.ReadFile(filepath.Join(demoDatabase(t), "inbox", "quarterly", "西固区季度报表.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(resub, append(b, '\r', '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	// Its copy under archive/, already there: the ingest skips that write,
	// so the first write to fail is the load's commit.
	sum := sha256.Sum256(append(b, '\r', '\n'))
	sha := hex.EncodeToString(sum[:])
	archived := func(t *testing.T, dir string) {
		p := filepath.Join(dir, "archive", sha[:2], sha+".csv")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		copyFile(t, resub, p)
	}
	return []faultCase{
		// The first write to fail is the file's copy under archive/.
		{name: "ingest", args: func(db string) []string { return []string{"--db", db, "ingest", resub} }},
		{name: "ingest-load", setup: archived, args: func(db string) []string { return []string{"--db", db, "ingest", resub} }},
		{name: "assess", args: func(db string) []string { return []string{"--db", db, "assess", "--year", "2025", "--force"} }},
		{name: "publish", args: func(db string) []string { return []string{"--db", db, "publish", "--year", "2025", "--yes"} }},
		{name: "eligibility", args: func(db string) []string {
			return []string{"--db", db, "eligibility", "--profile", "municipal_maker_space", "--year", "2025"}
		}},
		{name: "talent", args: func(db string) []string { return []string{"--db", db, "talent", "--year", "2023"} }},
		{name: "assess-close", atClose: true, args: func(db string) []string {
			return []string{"--db", db, "assess", "--year", "2025", "--force"}
		}},
		{name: "ingest-close", atClose: true, args: func(db string) []string { return []string{"--db", db, "ingest", resub} }},
	}
}

// TestWriteFaults injects a failing write into ingest, assess, publish,
// eligibility, talent and the snapshot's publication at close, under RLIMIT_FSIZE and (as root) on
// a full tmpfs.
func TestWriteFaults(t *testing.T) {
	methods := []faultMethod{fsizeMethod}
	if m := tmpfsMethod(t); m != nil {
		methods = append(methods, *m)
	} else {
		t.Log("tmpfs: cannot mount here (not root); the fsize variant covers every case")
	}
	for _, c := range faultCases(t) {
		// The command on an untouched copy: what the next command after a
		// fault must store (and, at close, what the fault left).
		ref := copyDemo(t, t.TempDir())
		before := fingerprint(t, ref)
		if code, out := incubeval(t, c.args(ref)...); code != exitOK {
			t.Fatalf("%s on an untouched copy: exit %d\n%s", c.name, code, out)
		}
		want := fingerprint(t, ref)
		if want == before {
			t.Fatalf("%s changed nothing on an untouched copy", c.name)
		}
		for _, m := range methods {
			t.Run(c.name+"/"+m.name, func(t *testing.T) {
				db := copyDemo(t, m.dir(t))
				if c.setup != nil {
					c.setup(t, filepath.Dir(db))
				}
				point := "commit:1" // the run's start is recorded: the first commit
				if c.atClose {
					point = "close"
				}
				p := startPaused(t, point, c.args(db)...)
				m.inject(t, filepath.Dir(db), p.cmd.Process.Pid, c.atClose)
				code, out := p.finish(t)
				if code != exitFail {
					t.Fatalf("exit %d, want 1:\n%s", code, out)
				}
				m.free(t, filepath.Dir(db))
				got := fingerprint(t, db)
				// On a full tmpfs a tiny commit (publish) may still fit in
				// the log's last page: then the failure comes at close, and
				// the outcome must be that one's, consistently.
				committed := c.atClose || (m.name == "tmpfs" && strings.Contains(out, "the work is committed"))
				notedLater := false
				if committed {
					// The work is committed; the snapshot was not published,
					// and the ledger says so, in a row that says ok.
					if got != want {
						t.Errorf("after a failure at close the work must be committed:\n%s\nwant\n%s", got, want)
					}
					if !strings.Contains(out, "the work is committed") || !strings.Contains(out, "snapshot") {
						t.Errorf("message:\n%s", out)
					}
					runs := ledger(t, db)
					last := runs[len(runs)-1]
					// On a full tmpfs the failed checkpoint may take the
					// last free page, so that the note fits neither in the
					// log's last page nor in the pending file (whether it
					// does depends on where the log ends): then the row says
					// ok without it, and the next writer adds it (checked
					// below), as the README says.
					notedLater = m.name == "tmpfs" && strings.Contains(out, "runs-pending.jsonl: no space left on device")
					if !strings.HasPrefix(last, c.args("")[2]+" ok ") || !strings.Contains(last, "the readers' snapshot was not published") && !notedLater {
						t.Errorf("ledger row %q, want ok with the note", last)
					}
					code, sqlOut, sqlErr := incubeval3(t, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM store.assessment_runs")
					if code != exitOK || !strings.Contains(sqlErr, "reading the database itself") {
						t.Errorf("sql after the unpublished close: exit %d %s%s", code, sqlOut, sqlErr)
					}
				} else if got != before {
					t.Errorf("after the failed %s the database is not as before:\n%s\nwant\n%s\n%s", c.name, got, before, out)
				}
				// The next command, without the fault.
				if code, out := incubeval(t, c.args(db)...); code != exitOK {
					t.Fatalf("the next %s: exit %d\n%s", c.name, code, out)
				}
				if committed {
					// Again: ingest finds the file already ingested, assess a
					// new run. Only the snapshot is checked here.
					if sn, err := store.ReadSnapshot(db); err != nil || !sn.Current(db) {
						t.Errorf("the next writer did not publish a current snapshot: %v", err)
					}
				} else if got := fingerprint(t, db); got != want {
					t.Errorf("the next %s stored other results than on an untouched copy:\n%s\nwant\n%s", c.name, got, want)
				}
				runs := ledger(t, db)
				for _, r := range runs {
					if strings.Contains(r, " running ") {
						t.Errorf("a row is left running: %q", r)
					}
				}
				faulty := runs[len(runs)-2]
				if !committed && !strings.HasPrefix(faulty, c.args("")[2]+" failed ") {
					t.Errorf("the failed run's row: %q", faulty)
				}
				if notedLater && (!strings.Contains(faulty, "the readers' snapshot was not published") || !strings.Contains(faulty, "added by the next writer")) {
					t.Errorf("the next writer did not add the note to the run's row: %q", faulty)
				}
				t.Logf("%s (%s): exit %d: %s\n  ledger: %s", c.name, m.name, code, firstLine(errorLine(out), 300), firstLine(faulty, 300))
			})
		}
	}
}

// errorLine is the command's "incubeval: …" line.
func errorLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "incubeval: ") {
			return l
		}
	}
	return ""
}

// The readers' snapshot cannot be copied at close (here something is in
// the way of its temporary file): the work is committed, the command
// exits 1 saying so, the ledger's row is ok with the note, and the next
// writer publishes the snapshot.
func TestSnapshotNotPublished(t *testing.T) {
	db := copyDemo(t, t.TempDir())
	block := store.SnapshotPath(db) + ".tmp"
	if err := os.MkdirAll(filepath.Join(block, "in-the-way"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out := incubeval(t, "--db", db, "publish", "--year", "2025", "--yes")
	if code != exitFail || !strings.Contains(out, "the work is committed, but the readers' snapshot "+store.SnapshotPath(db)+" was not published") {
		t.Fatalf("publish: exit %d\n%s", code, out)
	}
	runs := ledger(t, db)
	if last := runs[len(runs)-1]; !strings.HasPrefix(last, "publish ok the readers' snapshot was not published: the snapshot could not be copied") {
		t.Fatalf("ledger row %q", last)
	}
	code, stdout, stderr := incubeval3(t, "--db", db, "sql", "--format", "csv", "SELECT string_agg(year::VARCHAR, ',') FROM store.published_years")
	if code != exitOK || lastLine(stdout) != "2025" || !strings.Contains(stderr, "reading the database itself") {
		t.Fatalf("sql: exit %d %s%s", code, stdout, stderr)
	}
	os.RemoveAll(block)
	if code, out := incubeval(t, "--db", db, "publish", "--year", "2025", "--yes"); code != exitOK {
		t.Fatalf("next publish: exit %d\n%s", code, out)
	}
	if sn, err := store.ReadSnapshot(db); err != nil || !sn.Current(db) {
		t.Fatalf("no current snapshot after the next writer: %v", err)
	}
}

// A command killed (SIGKILL) in the middle of an ingest, after some of its
// files were committed: the next writer marks its row failed and says what
// it had committed — exactly what store.ingests holds of its batch.
func TestKilledIngestSaysWhatItCommitted(t *testing.T) {
	inbox := filepath.Join(demoDatabase(t), "inbox")
	db := filepath.Join(t.TempDir(), store.DefaultPath)
	st, err := store.Open(context.Background(), db, store.Options{}) // migrated, so that its commits come first
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	// Commits: the run's start, the registry, the quarterly files; then
	// the incidents and deferrals would follow.
	p := startPaused(t, "commit:3", "--db", db, "ingest", inbox)
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
	if code, out := incubeval(t, "--db", db, "ingest", inbox); code != exitOK {
		t.Fatalf("the next ingest: exit %d\n%s", code, out)
	}
	st, err = store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var files, rows, kinds int
	if err := st.DB.QueryRow("SELECT count(*), sum(rows_accepted), count(DISTINCT kind) FROM store.ingests WHERE batch_id = 1").Scan(&files, &rows, &kinds); err != nil {
		t.Fatal(err)
	}
	if files == 0 || kinds != 2 {
		t.Fatalf("the killed ingest committed %d files of %d kinds; want the registry and the quarterly files", files, kinds)
	}
	var status, msg string
	var n int
	if err := st.DB.QueryRow("SELECT status, error, rows_ingested FROM store.runs WHERE run_id = 1").Scan(&status, &msg, &n); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("before that it had committed %d files (%d rows, ingest batch 1)", files, rows)
	if status != "failed" || !strings.HasPrefix(msg, "interrupted: ") || !strings.Contains(msg, want) || n != rows {
		t.Fatalf("killed run: %s %q rows %d\nwant failed, %q, %d rows", status, msg, n, want, rows)
	}
	t.Logf("killed ingest's row: %s, %d rows: %s", status, n, msg)
	var all int
	st.DB.QueryRow("SELECT count(*) FROM store.ingests").Scan(&all)
	if all != 17 {
		t.Fatalf("after the next ingest: %d files, want the 17 of the inbox", all)
	}
}

// The exit status and the ledger row agree when a run's close cannot
// publish the snapshot, however little can still be written:
//
//   - nothing at all (RLIMIT_FSIZE of 64 bytes from the close on: neither
//     the checkpoint, nor the note in the write-ahead log, nor the pending
//     file can be written): exit 1, the row says ok without the note until
//     the next writer, which adds it before publishing anything;
//   - the run's ledger row itself cannot be committed (the write-ahead log
//     may not grow after the assessment's commit): the run succeeded, but
//     nothing was checkpointed or published, so it exits 1 and its row
//     (through the pending file) says ok with that note — it used to exit
//     0 with a row saying ok and no note.
func TestLedgerAgreesWithTheExitStatusWhenTheCloseCannotPublish(t *testing.T) {
	for _, c := range []struct {
		name, point, note string
		limit             func(db string) uint64
	}{
		{"nothing fits at close", "close", "added by the next writer",
			func(string) uint64 { return 64 }},
		{"the ledger row's commit fails", "commit:2", "a commit after the run's work failed",
			func(db string) uint64 { return uint64(fileSize(db + ".wal")) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := copyDemo(t, t.TempDir())
			args := []string{"--db", db, "assess", "--year", "2025", "--force"}
			p := startPaused(t, c.point, args...)
			if err := prlimitFSize(p.cmd.Process.Pid, c.limit(db)); err != nil {
				t.Fatalf("prlimit: %v", err)
			}
			code, out := p.finish(t)
			if code != exitFail || !strings.Contains(out, "the readers' snapshot was not published") {
				t.Fatalf("exit %d, want 1:\n%s", code, out)
			}
			// The next writer: the failed close's row says so before
			// anything else, then this run's row.
			if code, out := incubeval(t, args...); code != exitOK {
				t.Fatalf("the next assess: exit %d\n%s", code, out)
			}
			runs := ledger(t, db)
			if len(runs) != 3 || !strings.HasPrefix(runs[1], "assess ok the readers' snapshot was not published") ||
				!strings.Contains(runs[1], c.note) || runs[2] != "assess ok " {
				t.Fatalf("ledger:\n%s", strings.Join(runs, "\n"))
			}
			if sn, err := store.ReadSnapshot(db); err != nil || !sn.Current(db) || sn.Run != 3 {
				t.Fatalf("snapshot after the next writer: %+v %v", sn, err)
			}
			t.Logf("exit %d: %s\n  ledger: %s", code, firstLine(errorLine(out), 300), firstLine(runs[1], 300))
		})
	}
}
