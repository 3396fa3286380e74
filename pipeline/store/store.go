// Package store owns the DuckDB file: opening it (read-write behind a lock
// file, or read-only), start-up settings, schema migrations and views.
package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/marcboeker/go-duckdb"

	sqlfiles "github.com/incubeval/incubeval/sql"
)

// DefaultPath is the database used when neither --db nor INCUBEVAL_DB is set.
const DefaultPath = "incubeval.duckdb"

// Location is the bureau's time zone: every wall-clock time stored is in it.
var Location = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is linked in by the command
	}
	return loc
}

// BusyError says another process holds the database for writing.
type BusyError struct {
	Path   string
	PID    int    // 0 when unknown
	Holder string // what the holder said it is doing (Options.Holder); may be empty
}

func (e *BusyError) Error() string {
	who := "another incubeval process"
	switch {
	case e.PID > 0 && e.Holder != "":
		who += fmt.Sprintf(" (pid %d: %s)", e.PID, e.Holder)
	case e.PID > 0:
		who += fmt.Sprintf(" (pid %d)", e.PID)
	case e.Holder != "":
		who += fmt.Sprintf(" (%s)", e.Holder)
	}
	return fmt.Sprintf("%s is in use by %s; try again when it has finished / 数据库正被其他进程使用，请稍后重试", e.Path, who)
}

// MissingError says there is no database to open, and that none was
// created: the file does not exist and the caller may not create it
// (Options.NoCreate, a read-only open), or the folder meant to hold a new
// one does not exist.
type MissingError struct {
	Path   string
	Folder string // the missing folder; empty when the database file itself is missing
}

func (e *MissingError) Error() string {
	if e.Folder != "" {
		return fmt.Sprintf("数据库所在的文件夹 %s 不存在，未新建数据库；请先创建该文件夹，或用 --db 指定数据库 / "+
			"the folder %s does not exist, so no database was created at %s: create the folder first, or give the database with --db",
			e.Folder, e.Folder, e.Path)
	}
	return fmt.Sprintf("没有数据库 %s，未新建；请先用 incubeval ingest 导入数据，或用 --db 指定数据库 / "+
		"there is no database at %s, and none was created: load data with `incubeval ingest` first, or give the database with --db",
		e.Path, e.Path)
}

// Store is an open database.
type Store struct {
	DB       *sql.DB
	Path     string
	ReadOnly bool
	// Created says that Open made the database file: there was none at
	// Path. The command says so (a database made in the wrong folder
	// must not go unnoticed).
	Created bool
	lock    *flock.Flock
	opts    Options // for reopen
	// failed is the commit that failed (a full disk, an I/O error). The
	// DuckDB instance that saw it writes nothing more: no transaction
	// begins, Close neither checkpoints it nor publishes it (Reopen).
	failed error
	// damaged is set once an error passing through the Store says the
	// database file is damaged (Observe): a transaction's, a query's, the
	// command's own, the closing checkpoint's, the check of the copy. Such
	// a Store is never checkpointed and never published, whatever the
	// command does next: its copy would replace the last good snapshot,
	// which is what the restore advice points to. Reopen keeps it.
	damaged *CorruptError
	// published are called once Close has published the snapshot
	// (OnPublish).
	published []func()
}

// Options for Open.
type Options struct {
	ReadOnly bool
	// Threads caps DuckDB's worker threads; 0 leaves DuckDB's default.
	Threads int
	// Holder says who takes the writer's lock (e.g. "scheduler job
	// quarterly-sweep"); it is written into the lock file after the pid,
	// and a writer that finds the lock held reports it (BusyError.Holder).
	Holder string
	// NoCreate refuses to make a new database: when there is no file at
	// the path, Open returns a *MissingError and leaves nothing behind
	// (no database, no lock file). Commands that only make sense on data
	// already loaded (assess, publish) set it; those that bring data in
	// (ingest, run, demo, the scheduler's jobs) do not.
	NoCreate bool
}

// settings are applied to every connection; one place for all of them.
// Extension autoloading is off so that nothing is ever downloaded at run time.
var settings = []string{
	"SET autoinstall_known_extensions = false",
	"SET autoload_known_extensions = false",
}

// writerSettings are added for a read-write open. DuckDB 1.1.2 checkpoints
// a database when it is closed, even one it has invalidated after a failed
// checkpoint (a full disk): that second checkpoint writes a new header over
// the half-written first one, and the file no longer opens ("Failed to
// load metadata pointer") or holds tables that disagree with their indexes.
// So the only checkpoint is Close's own, which is skipped after a failure;
// what was committed stays in the write-ahead log, which the next open
// replays.
var writerSettings = []string{
	"PRAGMA disable_checkpoint_on_shutdown",
}

// Open opens the database at path. A read-write open creates it when
// there is none (unless opts.NoCreate), in a folder that must exist: a
// folder is never created, and a missing one is a *MissingError naming
// it; it is made whole, migrated and checkpointed, before it appears at
// path (create). It takes the lock file <path>.lock first, applies pending
// migrations and refreshes the views; Store.Created says whether the file
// was made.
// A read-only open never creates anything. A file DuckDB cannot read gives
// a *CorruptError.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		path = DefaultPath
	}
	s := &Store{Path: path, ReadOnly: opts.ReadOnly, opts: opts}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, &MissingError{Path: path}
			}
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
	} else {
		// Looked at before the lock file is made, so that a refusal
		// leaves nothing behind.
		if _, err := s.missing(opts.NoCreate); err != nil {
			return nil, err
		}
		if err := s.takeLock(opts.Holder); err != nil {
			return nil, err
		}
		// Again under the lock: another writer may have made it meanwhile.
		created, err := s.missing(opts.NoCreate)
		if err == nil && created {
			created, err = s.create(ctx)
		}
		if err != nil {
			s.unlock()
			return nil, err
		}
		s.Created = created
	}
	err := s.connect(ctx)
	// A reader that found no writer at work may have the file itself open
	// for a query (`incubeval sql` when the snapshot is stale): DuckDB then
	// refuses us although we hold the writer's lock. Such a query is short;
	// wait for it a little before calling the database busy.
	var busy *BusyError
	for try := 0; !opts.ReadOnly && errors.As(err, &busy) && try < readerWaits; try++ {
		select {
		case <-ctx.Done():
		case <-time.After(readerWait):
		}
		err = s.connect(ctx)
	}
	if err != nil {
		s.unlock()
		return nil, err
	}
	if !opts.ReadOnly {
		if err := s.migrate(ctx); err != nil {
			s.closeDB()
			s.unlock()
			if isCorrupt(err) {
				return nil, newCorruptError(s.Path, err)
			}
			return nil, err
		}
	}
	return s, nil
}

// missing reports whether the database file is still to be made, and
// refuses when it may not be (noCreate) or its folder does not exist.
func (s *Store) missing(noCreate bool) (bool, error) {
	_, err := os.Stat(s.Path)
	switch {
	case err == nil:
		return false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("open %s: %w", s.Path, err)
	case noCreate:
		return false, &MissingError{Path: s.Path}
	}
	dir := filepath.Dir(s.Path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return false, &MissingError{Path: s.Path, Folder: dir}
	}
	return true, nil
}

// create makes a new database at s.Path in one step, under the writer's
// lock: it is built beside it (creatingPath) — migrated, its views made,
// checkpointed and closed — and then linked into place, which never
// replaces a file that appeared at s.Path meanwhile (then that one is
// opened, and created is false). A process killed before the link leaves
// no database; one killed after it leaves a whole one. Built in place,
// the new schema and everything in it would be in the write-ahead log
// only until the first checkpoint, and a kill before that left a log that
// DuckDB 1.1.2 cannot replay (see ensureSchema): the file never opened
// again.
func (s *Store) create(ctx context.Context) (created bool, err error) {
	tmp := creatingPath(s.Path)
	// Left by a creator killed before its link; no one else builds it
	// while we hold the lock.
	removeDatabaseFiles(tmp)
	b := &Store{Path: tmp, opts: s.opts}
	err = b.connect(ctx)
	if err == nil {
		err = b.migrate(ctx)
		if err == nil {
			_, err = b.DB.ExecContext(ctx, "CHECKPOINT")
		}
		if cerr := b.closeDB(); err == nil {
			err = cerr
		}
	}
	if fi, serr := os.Stat(tmp + ".wal"); err == nil && serr == nil && fi.Size() > 0 {
		err = fmt.Errorf("%s.wal is left after the checkpoint", tmp)
	}
	if err != nil {
		removeDatabaseFiles(tmp)
		return false, fmt.Errorf("create %s: %w", s.Path, err)
	}
	testPause("create")
	// A log left by a database that was removed belongs to no database:
	// replayed into the new one it would bring back part of the old one,
	// or fail. DuckDB deletes it when it makes a file itself.
	if err := os.Remove(s.Path + ".wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		removeDatabaseFiles(tmp)
		return false, fmt.Errorf("create %s: %w", s.Path, err)
	}
	created, err = true, os.Link(tmp, s.Path)
	switch {
	case errors.Is(err, fs.ErrExist):
		// Put there by something that does not take our lock (a copy
		// restored by hand): it is opened as it is.
		created, err = false, nil
	case err != nil:
		// A file system without hard links (FAT, some network shares):
		// rename, after a last look, under the lock.
		if _, serr := os.Lstat(s.Path); serr == nil {
			created, err = false, nil
		} else {
			err = os.Rename(tmp, s.Path)
		}
	}
	removeDatabaseFiles(tmp)
	if err != nil {
		return false, fmt.Errorf("create %s: %w", s.Path, err)
	}
	syncDir(filepath.Dir(s.Path))
	return created, nil
}

// creatingPath is where create builds the database for path.
func creatingPath(path string) string { return path + ".creating" }

// removeDatabaseFiles removes the DuckDB file at path, its write-ahead
// log and its spill folder.
func removeDatabaseFiles(path string) {
	os.Remove(path)
	os.Remove(path + ".wal")
	os.RemoveAll(path + ".tmp")
}

// readerWaits × readerWait is how long a writer waits for a reader that
// has the database file itself open.
const (
	readerWaits = 20
	readerWait  = 50 * time.Millisecond
)

// connect opens a DuckDB instance on the file (the lock, for a writer, is
// already held).
func (s *Store) connect(ctx context.Context) error {
	dsn := s.Path
	if s.ReadOnly {
		dsn += "?access_mode=READ_ONLY"
	}
	extra := append([]string{}, settings...)
	if !s.ReadOnly {
		extra = append(extra, writerSettings...)
	}
	if s.opts.Threads > 0 {
		extra = append(extra, fmt.Sprintf("SET threads = %d", s.opts.Threads))
	}
	connector, err := duckdb.NewConnector(dsn, func(ex driver.ExecerContext) error {
		for _, q := range extra {
			if _, err := ex.ExecContext(ctx, q, nil); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		return s.explainOpenError(err)
	}
	s.DB = sql.OpenDB(connector)
	if err := s.DB.PingContext(ctx); err != nil {
		s.closeDB()
		return s.explainOpenError(err)
	}
	return nil
}

// closeDB closes the DuckDB instance without a checkpoint (see
// writerSettings): what was committed since the last checkpoint stays in
// the write-ahead log.
func (s *Store) closeDB() error {
	if s.DB == nil {
		return nil
	}
	err := s.DB.Close()
	s.DB = nil
	return err
}

// Failed is the commit that failed in this Store (a *CommitError), or nil.
func (s *Store) Failed() error { return s.failed }

// Observe notes err, an error of work done through s that did not pass
// through InTx (a query on s.DB, a command's final error): if it says the
// database file is damaged, s is marked so (see damaged). It returns err,
// so that `return st.Observe(err)` reads naturally.
func (s *Store) Observe(err error) error {
	if err == nil || s.ReadOnly || s.damaged != nil {
		return err
	}
	var ce *CorruptError
	if errors.As(err, &ce) {
		if !ce.Snapshot && ce.Database == s.Path {
			s.damaged = ce
		}
		return err
	}
	if isCorrupt(err) {
		s.damaged = newCorruptError(s.Path, err)
	}
	return err
}

// Damaged describes the damage s has seen (Observe), or is nil.
func (s *Store) Damaged() *CorruptError { return s.damaged }

// OnPublish has f called when Close has published the readers' snapshot
// (or found it current), while the writer's lock is still held; not when
// nothing was published. What was moved into the database from a file
// beside it (the run ledger's pending rows) is let go only then: should
// the database turn out damaged, the restored snapshot lacks it.
func (s *Store) OnPublish(f func()) { s.published = append(s.published, f) }

// fail marks the Store as failed by err.
func (s *Store) fail(err error) {
	if s.failed == nil {
		s.failed = err
	}
}

// Reopen replaces a DuckDB instance that saw a failed commit (or any
// instance) by a new one on the same file, under the lock still held:
// DuckDB replays the write-ahead log, so the new instance holds exactly
// what was committed before the failure, and nothing of the failed
// transaction. The run ledger uses it to record a failed run.
func (s *Store) Reopen(ctx context.Context) error {
	if s.ReadOnly {
		return errors.New("reopen: the database is open read-only")
	}
	_ = s.closeDB()
	s.failed = nil
	if err := s.connect(ctx); err != nil {
		s.Observe(err)
		s.fail(err)
		return fmt.Errorf("reopen %s: %w", s.Path, err)
	}
	return nil
}

// lockRetries × lockRetryDelay is how long takeLock waits out a reader's
// momentary shared lock.
const (
	lockRetries    = 5
	lockRetryDelay = 20 * time.Millisecond
)

// takeLock takes the writer's lock file and records our pid (and what we
// are doing) in it, so that the next writer can say who holds it.
func (s *Store) takeLock(holder string) error {
	lockPath := s.Path + ".lock"
	s.lock = flock.New(lockPath)
	ok, err := s.lock.TryLock()
	// A reader asking whether a writer is at work (Writer) holds a shared
	// lock for an instant; try again for a while before calling it busy.
	for try := 0; err == nil && !ok && try < lockRetries; try++ {
		time.Sleep(lockRetryDelay)
		ok, err = s.lock.TryLock()
	}
	if err != nil {
		return fmt.Errorf("lock %s: %w", lockPath, err)
	}
	if !ok {
		busy := &BusyError{Path: s.Path}
		if b, err := os.ReadFile(lockPath); err == nil {
			busy.PID, busy.Holder = ParseLockHolder(b)
		}
		s.lock = nil
		return busy
	}
	// The lock is on the inode, so rewriting the content keeps it.
	line := strconv.Itoa(os.Getpid())
	if holder = strings.Join(strings.Fields(holder), " "); holder != "" {
		line += " " + holder
	}
	_ = os.WriteFile(lockPath, []byte(line+"\n"), 0o644)
	return nil
}

// ParseLockHolder reads a lock file's content: the pid, then optionally
// what the holder is doing.
func ParseLockHolder(b []byte) (pid int, holder string) {
	first, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	p, rest, _ := strings.Cut(strings.TrimSpace(first), " ")
	pid, _ = strconv.Atoi(p)
	return pid, strings.TrimSpace(rest)
}

func (s *Store) unlock() {
	if s.lock != nil {
		_ = os.WriteFile(s.lock.Path(), nil, 0o644)
		_ = s.lock.Unlock()
		s.lock = nil
	}
}

var lockPID = regexp.MustCompile(`PID (\d+)`)

// explainOpenError turns DuckDB's lock conflict into a BusyError and a
// file it cannot read into a CorruptError.
func (s *Store) explainOpenError(err error) error {
	var ce *CorruptError
	if errors.As(err, &ce) {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "Failure while replaying WAL file") {
		// Damage in the file itself comes first: it needs the restore.
		verr := verifyBlocks(s.Path)
		if verr != nil && isCorrupt(verr) {
			return newCorruptError(s.Path, verr)
		}
		return &LogReplayError{Database: s.Path, Err: err, Checked: verr == nil}
	}
	if isCorrupt(err) {
		return newCorruptError(s.Path, err)
	}
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		pid := 0
		if m := lockPID.FindStringSubmatch(msg); m != nil {
			pid, _ = strconv.Atoi(m[1])
		}
		return &BusyError{Path: s.Path, PID: pid}
	}
	return fmt.Errorf("open %s: %w", s.Path, err)
}

// Close checkpoints (read-write only), closes the database, publishes the
// readers' snapshot (read-write only) and releases the lock. After a
// failed commit, or once the database was seen damaged, it does neither:
// see CloseNoting.
func (s *Store) Close() error { return s.CloseNoting(context.Background(), nil, nil) }

// NoteFunc records, through st (the database reopened, the writer's lock
// still held), that the readers' snapshot was not published.
type NoteFunc func(ctx context.Context, st *Store, why *UnpublishedError) error

// CloseNoting is Close for a writer that keeps a record of its run; runErr
// is the run's own error (nil on success), which the Store observes first.
//
// When the work is committed but the snapshot could not be published (the
// checkpoint or the copy failed: a full disk), it reopens the database,
// calls note, and closes it again without publishing, all before the lock
// is released, so the record says so before anyone else can write; then
// it returns the *UnpublishedError.
//
// A Store whose commit failed is closed without a checkpoint and without
// publishing; Close returns nil when the failure was the run's error, and
// an UnpublishedError, noted as above, when the run succeeded (a later
// commit, its ledger row's, failed). A Store that has seen the database
// damaged is closed without a checkpoint and without publishing, and Close
// returns the *CorruptError (the last good snapshot stays as it was); when
// the damage is found as it closes (by the checkpoint or the check of the
// copy), note is called first, with an UnpublishedError wrapping it.
func (s *Store) CloseNoting(ctx context.Context, runErr error, note NoteFunc) error {
	defer s.unlock()
	if s.ReadOnly {
		if s.DB == nil {
			return nil
		}
		return s.closeDB()
	}
	s.Observe(runErr)
	if s.damaged != nil {
		// What DuckDB holds of a damaged file must not be checkpointed,
		// nor the file copied over the last good snapshot.
		_ = s.closeDB()
		return s.damaged
	}
	if s.failed != nil || s.DB == nil {
		_ = s.closeDB()
		if runErr != nil || s.failed == nil {
			return nil // the failed commit was the run's own error; or closed already
		}
		// The run's work is committed, but a commit after it (its ledger
		// row) failed: nothing is checkpointed, nothing published, and
		// the run says so like any other unpublished close.
		why := &UnpublishedError{Database: s.Path, Err: s.failed}
		if note != nil {
			why.NoteErr = s.noteUnpublished(ctx, note, why)
		}
		return why
	}
	testPause("close")
	t0 := time.Now()
	_, cperr := s.DB.Exec("CHECKPOINT")
	if os.Getenv("INCUBEVAL_TRACE") != "" {
		fmt.Fprintf(os.Stderr, "close checkpoint %.0f ms\n", time.Since(t0).Seconds()*1000)
	}
	s.Observe(cperr)
	err := s.closeDB()
	var why *UnpublishedError
	switch {
	case cperr != nil:
		why = &UnpublishedError{Database: s.Path, Err: cperr}
	case err != nil:
		return err
	default:
		// Readers' copy (snapshot.go), made while the lock is still held.
		if perr := s.publishSnapshot(); perr != nil {
			s.Observe(perr)
			why = &UnpublishedError{Database: s.Path, Checkpointed: true, Err: perr}
		}
	}
	if why == nil {
		for _, f := range s.published {
			f()
		}
		return nil
	}
	if s.damaged != nil {
		why.Damaged, why.Err = true, s.damaged
	}
	if note != nil {
		why.NoteErr = s.noteUnpublished(ctx, note, why)
	}
	return why
}

// noteUnpublished reopens the database to let note record why, then closes
// it, checkpointing only if the first checkpoint had worked and nothing
// was found damaged (another attempt on a full disk would only fail
// again; the note is committed in the write-ahead log either way). When
// the database does not reopen, note is still called: the run ledger then
// writes to its pending file.
func (s *Store) noteUnpublished(ctx context.Context, note NoteFunc, why *UnpublishedError) error {
	rerr := s.Reopen(ctx)
	nerr := note(ctx, s, why)
	if rerr == nil && why.Checkpointed && s.failed == nil && s.damaged == nil {
		_, _ = s.DB.Exec("CHECKPOINT")
	}
	return errors.Join(rerr, nerr, s.closeDB())
}

// Dir is the folder holding the database; the archive lives beside it.
func (s *Store) Dir() string { return filepath.Dir(s.Path) }

// migrate applies the embedded migrations not yet recorded, each in its own
// transaction (with its fill, if it has one: fill.go), then re-creates the
// views if their text changed.
func (s *Store) migrate(ctx context.Context) error {
	if err := s.ensureSchema(ctx); err != nil {
		return err
	}
	if _, err := s.DB.ExecContext(ctx, `
		CREATE TABLE IF NOT EXISTS store.schema_migrations (
			name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL);
		CREATE TABLE IF NOT EXISTS store.meta (key VARCHAR PRIMARY KEY, value VARCHAR)`); err != nil {
		return fmt.Errorf("create migration table: %w", err)
	}
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	for _, m := range sqlfiles.Migrations() {
		if applied[m.Name] {
			continue
		}
		err := s.InTx(ctx, func(tx *sql.Conn) error {
			if _, err := tx.ExecContext(ctx, m.Text); err != nil {
				return err
			}
			if fill := migrationFills[m.Name]; fill != nil {
				if err := fill(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO store.schema_migrations VALUES (?, ?)", m.Name, Now())
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return s.refreshViews(ctx)
}

// ensureSchema creates the schema store, if it is not there yet, and
// checkpoints it at once. DuckDB 1.1.2 cannot replay a write-ahead log
// that creates a schema and then a type in it (migration 0008's ENUMs):
// the first pass of its replay, meant only to read the log, already
// creates the types, before any schema exists, and the database does not
// open ("Schema with name store does not exist"). Once the schema is in
// the file, a log that creates types in it replays. A new database is
// built whole before it is put in place (create); this covers a file that
// exists but holds nothing yet (an empty DuckDB file, or one whose log
// was set aside because it could not be replayed).
func (s *Store) ensureSchema(ctx context.Context) error {
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_schemas()
		WHERE database_name = current_database() AND schema_name = 'store'`).Scan(&n); err != nil {
		return fmt.Errorf("look for schema store: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := s.DB.ExecContext(ctx, "CREATE SCHEMA store"); err != nil {
		return fmt.Errorf("create schema store: %w", err)
	}
	if _, err := s.DB.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint schema store: %w", err)
	}
	return nil
}

// refreshViews re-creates the views of sql/views, block by block, when
// the files' text is not that of the hash in store.meta.
func (s *Store) refreshViews(ctx context.Context) error {
	views := sqlfiles.Views()
	sum := viewsSHA256()
	var have string
	err := s.DB.QueryRowContext(ctx, "SELECT value FROM store.meta WHERE key = 'views_sha256'").Scan(&have)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read views hash: %w", err)
	}
	if have == sum {
		return nil
	}
	return s.InTx(ctx, func(tx *sql.Conn) error {
		for _, v := range views {
			for _, b := range v.Blocks {
				if _, err := tx.ExecContext(ctx, b.SQL); err != nil {
					return fmt.Errorf("view %s (%s): %w", b.Name, b.Where(), err)
				}
			}
		}
		_, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO store.meta VALUES ('views_sha256', ?)", sum)
		return err
	})
}

// viewsSHA256 is the hash of the embedded views' text, kept in store.meta
// by the writer that created them.
func viewsSHA256() string {
	h := sha256.New()
	for _, v := range sqlfiles.Views() {
		h.Write([]byte(v.Name))
		h.Write([]byte(v.Text))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// OutdatedError says a database was last written by an older incubeval:
// migrations or views of this version are not in it yet. A reader cannot
// apply them (it opens the file read-only); any writing command does.
type OutdatedError struct {
	Path    string
	Pending []string // migrations not applied; empty when only the views differ
}

func (e *OutdatedError) Error() string {
	what := "its views"
	if len(e.Pending) > 0 {
		what = "migrations " + strings.Join(e.Pending, ", ")
	}
	return fmt.Sprintf("数据库 %s 由旧版本的 incubeval 写入，尚未升级到本版本；请先运行 incubeval --db %s upgrade（任何写入命令也会先升级），再读取 / "+
		"the database %s was last written by an older incubeval and lacks this version's %s: run 'incubeval --db %s upgrade' first (any command that writes upgrades it too), then read it",
		e.Path, e.Path, e.Path, what, e.Path)
}

// appliedMigrations are the names recorded in store.schema_migrations.
func (s *Store) appliedMigrations(ctx context.Context) (map[string]bool, error) {
	applied := map[string]bool{}
	rows, err := s.DB.QueryContext(ctx, "SELECT name FROM store.schema_migrations")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		applied[n] = true
	}
	return applied, rows.Err()
}

// CheckVersion reports, as *OutdatedError, a database (or snapshot) whose
// migrations or views are older than this version's, so that a reader
// says so instead of failing on a missing table or column.
func (s *Store) CheckVersion(ctx context.Context) error {
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return &OutdatedError{Path: s.Path, Pending: []string{"(all)"}}
	}
	var pending []string
	for _, m := range sqlfiles.Migrations() {
		if !applied[m.Name] {
			pending = append(pending, m.Name)
		}
	}
	var have string
	_ = s.DB.QueryRowContext(ctx, "SELECT value FROM store.meta WHERE key = 'views_sha256'").Scan(&have)
	if len(pending) > 0 || have != viewsSHA256() {
		return &OutdatedError{Path: s.Path, Pending: pending}
	}
	return nil
}

// InTx runs fn on one pinned connection inside a transaction, committing if
// fn returns nil and rolling back otherwise.
func (s *Store) InTx(ctx context.Context, fn func(conn *sql.Conn) error) (err error) {
	if s.failed != nil {
		return s.refuse()
	}
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return s.ConnTx(ctx, conn, fn)
}

// ConnTx runs fn inside a transaction on a connection the caller pinned
// (temporary tables and settings belong to a connection). A COMMIT that
// fails is rolled back, the connection is discarded (the pool never hands
// it out again) and the Store is marked failed: it begins no other
// transaction, and Close does not checkpoint what DuckDB holds in memory.
func (s *Store) ConnTx(ctx context.Context, conn *sql.Conn, fn func(conn *sql.Conn) error) (err error) {
	if s.failed != nil {
		return s.refuse()
	}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		s.noteFatal(err)
		return s.Observe(err)
	}
	defer func() {
		if p := recover(); p != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			panic(p)
		}
		if err != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			s.noteFatal(err)
			s.Observe(err)
			return
		}
		// Work that is done is committed even if ctx was cancelled
		// meanwhile: a COMMIT is not to be interrupted half-way.
		if _, cerr := conn.ExecContext(context.WithoutCancel(ctx), "COMMIT"); cerr != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			err = &CommitError{Err: cerr}
			s.fail(err)
			s.Observe(err)
			return
		}
		afterCommit()
	}()
	return fn(conn)
}

// Exec runs one statement that writes, in its own transaction (so that a
// failed commit marks the Store as InTx does).
func (s *Store) Exec(ctx context.Context, query string, args ...any) error {
	return s.InTx(ctx, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, query, args...)
		return err
	})
}

// noteFatal marks the Store failed when DuckDB has invalidated the
// database (a FATAL error, e.g. a checkpoint at commit that failed): every
// later statement would fail, and its memory must not be checkpointed.
func (s *Store) noteFatal(err error) {
	if isFatal(err) {
		s.fail(&CommitError{Err: err})
	}
}

func (s *Store) refuse() error {
	return fmt.Errorf("not written: an earlier commit failed in this run (%w)", s.failed)
}

// Now is the current wall time in Asia/Shanghai, without a zone, to the
// microsecond (DuckDB's TIMESTAMP resolution).
func Now() time.Time {
	t := time.Now().In(Location).Truncate(time.Microsecond)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// TableCounts returns the row count of every base table, for tests and
// checks that a failed operation left the database as it was.
func (s *Store) TableCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM "+n).Scan(&c); err != nil {
			return nil, err
		}
		out[n] = c
	}
	return out, nil
}
