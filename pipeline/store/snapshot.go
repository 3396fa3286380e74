package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// DuckDB lets one process write a file or many read it, never both. So that
// analysts can query while the scheduler writes, every writer that closes
// the database publishes a copy of it, <db>.snapshot, which readers open
// read-only instead. The copy is made after the closing CHECKPOINT, with the
// database closed (no write-ahead log left) and the writer's lock still
// held, written to a temporary name and renamed into place: a reader sees
// the previous snapshot or the new one, never half of one.
//
// Beside it, <db>.snapshot.json (Snapshot) says when it was made and what
// it holds, and records the database file as it was copied, so a reader
// can tell whether the snapshot is still the latest state.

// SnapshotPath is the published read-only copy of the database at db.
func SnapshotPath(db string) string { return db + ".snapshot" }

// SnapshotInfoPath is the sidecar describing SnapshotPath(db).
func SnapshotInfoPath(db string) string { return db + ".snapshot.json" }

// Snapshot describes a published snapshot.
type Snapshot struct {
	Published time.Time `json:"published"`    // when it was made, in Asia/Shanghai
	By        string    `json:"by,omitempty"` // the writer's lock-file line: "pid what"
	// The latest rows it holds: the run ledger (store.runs), the
	// assessment runs and the ingest batches; 0 when there are none.
	Run           int64  `json:"run,omitempty"`
	RunJob        string `json:"run_job,omitempty"`
	AssessmentRun int64  `json:"assessment_run,omitempty"`
	IngestBatch   int64  `json:"ingest_batch,omitempty"`
	Size          int64  `json:"size"` // bytes of the snapshot file
	// Database is the database file as it was copied.
	Database FileStamp `json:"database"`
	// Took is how long publishing took, for the benchmark.
	Took time.Duration `json:"took_ns"`
}

// FileStamp identifies a version of a file well enough to notice a write.
type FileStamp struct {
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified"`
}

func stampOf(fi os.FileInfo) FileStamp {
	return FileStamp{Size: fi.Size(), Modified: fi.ModTime()}
}

// Equal reports whether two stamps are of the same file version.
func (f FileStamp) Equal(g FileStamp) bool {
	return f.Size == g.Size && f.Modified.Equal(g.Modified)
}

// Label is the line `incubeval sql` prints: when, and the latest run.
func (sn *Snapshot) Label() string {
	s := "snapshot of " + sn.Published.In(Location).Format("2006-01-02 15:04")
	if h := sn.holds(); h != "" {
		s += ", " + h
	}
	return s
}

// holds names the latest run and assessment run in the snapshot.
func (sn *Snapshot) holds() string {
	var parts []string
	switch {
	case sn.Run > 0 && sn.RunJob != "":
		parts = append(parts, fmt.Sprintf("run %d (%s)", sn.Run, sn.RunJob))
	case sn.Run > 0:
		parts = append(parts, fmt.Sprintf("run %d", sn.Run))
	}
	if sn.AssessmentRun > 0 {
		parts = append(parts, fmt.Sprintf("assessment run %d", sn.AssessmentRun))
	}
	return strings.Join(parts, ", ")
}

// publishSnapshot copies the closed, checkpointed database to its snapshot.
// The caller holds the writer's lock. Nothing is copied when the database
// file is the one the current snapshot was made from.
func (s *Store) publishSnapshot() error {
	t0 := time.Now()
	if fi, err := os.Stat(s.Path + ".wal"); err == nil && fi.Size() > 0 {
		return fmt.Errorf("publish snapshot: %s.wal is left after the checkpoint; the snapshot was not updated", s.Path)
	}
	src, err := os.Open(s.Path)
	if err != nil {
		return fmt.Errorf("publish snapshot: %w", err)
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return fmt.Errorf("publish snapshot: %w", err)
	}
	stamp := stampOf(fi)
	snapPath := SnapshotPath(s.Path)
	if old, err := ReadSnapshot(s.Path); err == nil && old.Database.Equal(stamp) {
		if sfi, err := os.Stat(snapPath); err == nil && sfi.Size() == old.Size {
			return nil
		}
	}

	// Only writers publish, behind the lock, so one temporary name suffices.
	tmp := snapPath + ".tmp"
	defer os.Remove(tmp)
	dst, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("publish snapshot: %w", err)
	}
	// File to file: copy_file_range, so the kernel copies (or shares) extents.
	n, err := io.Copy(dst, src)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("publish snapshot: copy %s: %w", s.Path, err)
	}
	sn := &Snapshot{Published: time.Now().In(Location).Truncate(time.Second), Size: n, Database: stamp}
	if s.lock != nil {
		if b, err := os.ReadFile(s.lock.Path()); err == nil {
			pid, holder := ParseLockHolder(b)
			if pid > 0 {
				sn.By = fmt.Sprintf("%d %s", pid, holder)
			}
		}
	}
	// Before anyone is pointed at the copy: every block of it is checked
	// against its checksum (verify.go), and opening it reads what it holds
	// and proves DuckDB can open it. A copy found damaged tells whether the
	// database is: the checks run on the database file too.
	var checked time.Duration
	if err := sn.check(tmp, &checked); err != nil {
		if !isCorrupt(err) {
			return fmt.Errorf("publish snapshot: the copy does not open: %w", err)
		}
		if derr := (&Snapshot{}).check(s.Path, nil); derr != nil && isCorrupt(derr) {
			return fmt.Errorf("publish snapshot: the database is damaged: %w", derr)
		}
		return &CopyDamagedError{Err: err}
	}
	if err := os.Rename(tmp, snapPath); err != nil {
		return fmt.Errorf("publish snapshot: %w", err)
	}
	sn.Took = time.Since(t0)
	b, err := json.MarshalIndent(sn, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(SnapshotInfoPath(s.Path), append(b, '\n')); err != nil {
		return fmt.Errorf("publish snapshot: %w", err)
	}
	syncDir(filepath.Dir(s.Path))
	if os.Getenv("INCUBEVAL_TRACE") != "" {
		fmt.Fprintf(os.Stderr, "publish snapshot %.0f ms (%d bytes; its blocks checked in %.0f ms)\n", sn.Took.Seconds()*1000, n, checked.Seconds()*1000)
	}
	return nil
}

// CopyDamagedError says the copy made for the snapshot failed its check
// while the database file passed the same check: the copy, not the
// database, is damaged (a bad write on the way). Nothing was published.
type CopyDamagedError struct{ Err error }

func (e *CopyDamagedError) Error() string {
	return fmt.Sprintf("publish snapshot: the copy was damaged as it was written, though the database file itself checks out (%v); the snapshot was not updated", e.Err)
}

func (e *CopyDamagedError) Unwrap() error { return e.Err }

// check proves the database file at path good enough to be read in place
// of the database: every block matches its checksum, DuckDB opens it, and
// it answers readLatest (which fills in sn). The block check runs beside
// DuckDB's open, on another core; its verdict comes first. took, if not
// nil, receives how long the block check took.
func (sn *Snapshot) check(path string, took *time.Duration) error {
	verified := make(chan error, 1)
	go func() {
		t0 := time.Now()
		err := verifyBlocks(path)
		if took != nil {
			*took = time.Since(t0)
		}
		verified <- err
	}()
	err := sn.readLatest(path)
	if verr := <-verified; verr != nil {
		return verr
	}
	return err
}

// readLatest fills in the latest ledger run, assessment run and ingest
// batch held by the database file at path. A table that is missing (an
// old schema) leaves its field zero.
func (sn *Snapshot) readLatest(path string) error {
	ctx := context.Background()
	st, err := Open(ctx, path, Options{ReadOnly: true, Threads: 1})
	if err != nil {
		return err
	}
	defer st.Close()
	var job sql.NullString
	queries := []struct {
		q    string
		dest []any
	}{
		{"SELECT run_id, job FROM store.runs ORDER BY run_id DESC LIMIT 1", []any{&sn.Run, &job}},
		{"SELECT coalesce(max(run_id), 0) FROM store.assessment_runs", []any{&sn.AssessmentRun}},
		{"SELECT coalesce(max(batch_id), 0) FROM store.ingests", []any{&sn.IngestBatch}},
	}
	for _, q := range queries {
		err := st.DB.QueryRowContext(ctx, q.q).Scan(q.dest...)
		if err != nil && !errors.Is(err, sql.ErrNoRows) && !isMissingTable(err) {
			return err
		}
	}
	sn.RunJob = job.String
	return nil
}

func isMissingTable(err error) bool {
	return strings.Contains(err.Error(), "Catalog Error") && strings.Contains(err.Error(), "does not exist")
}

// ReadSnapshot reads the sidecar of db's snapshot. It fails with an error
// wrapping os.ErrNotExist when no snapshot has been published.
func ReadSnapshot(db string) (*Snapshot, error) {
	b, err := os.ReadFile(SnapshotInfoPath(db))
	if err != nil {
		return nil, err
	}
	var sn Snapshot
	if err := json.Unmarshal(b, &sn); err != nil {
		return nil, fmt.Errorf("%s: %w", SnapshotInfoPath(db), err)
	}
	if _, err := os.Stat(SnapshotPath(db)); err != nil {
		return nil, err
	}
	return &sn, nil
}

// Current reports whether the snapshot is of the database file as it is
// now: the same size and modification time, and no write-ahead log.
func (sn *Snapshot) Current(db string) bool {
	fi, err := os.Stat(db)
	if err != nil || !stampOf(fi).Equal(sn.Database) {
		return false
	}
	if wal, err := os.Stat(db + ".wal"); err == nil && wal.Size() > 0 {
		return false
	}
	return true
}

// Writer says whether a writer holds db's lock, by trying the lock: a
// shared lock on <db>.lock, taken without waiting and released at once,
// is refused while a writer holds it. pid and holder are what the writer
// wrote in the file (a pid alone says nothing: a stale file may name a
// process that has since ended, or a new process that reused the number).
// The lock file is opened read-only and never created. A writer that tries
// its lock in the same instant retries (takeLock), so asking never turns
// a writer away.
func Writer(db string) (pid int, holder string, ok bool) {
	path := db + ".lock"
	lk := flock.New(path, flock.SetFlag(os.O_RDONLY))
	free, err := lk.TryRLock()
	if err != nil {
		return 0, "", false // no lock file: no writer has ever opened db
	}
	if free {
		_ = lk.Unlock()
		return 0, "", false
	}
	if b, err := os.ReadFile(path); err == nil {
		pid, holder = ParseLockHolder(b)
	}
	return pid, holder, true
}

// writeFileAtomic writes b to path through path.tmp and a rename.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// syncDir makes the renames in dir durable; best effort.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
