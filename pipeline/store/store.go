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

// Store is an open database.
type Store struct {
	DB       *sql.DB
	Path     string
	ReadOnly bool
	lock     *flock.Flock
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
}

// settings are applied to every connection; one place for all of them.
// Extension autoloading is off so that nothing is ever downloaded at run time.
var settings = []string{
	"SET autoinstall_known_extensions = false",
	"SET autoload_known_extensions = false",
}

// Open opens (creating if needed) the database at path. A read-write open
// takes the lock file <path>.lock first, applies pending migrations and
// refreshes the views.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		path = DefaultPath
	}
	s := &Store{Path: path, ReadOnly: opts.ReadOnly}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no database at %s (run `incubeval ingest` or `incubeval demo` first): %w", path, err)
		}
	} else {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		if err := s.takeLock(opts.Holder); err != nil {
			return nil, err
		}
	}
	dsn := path
	if opts.ReadOnly {
		dsn += "?access_mode=READ_ONLY"
	}
	extra := settings
	if opts.Threads > 0 {
		extra = append(append([]string{}, settings...), fmt.Sprintf("SET threads = %d", opts.Threads))
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
		s.unlock()
		return nil, s.explainOpenError(err)
	}
	s.DB = sql.OpenDB(connector)
	if err := s.DB.PingContext(ctx); err != nil {
		s.Close()
		return nil, s.explainOpenError(err)
	}
	if !opts.ReadOnly {
		if err := s.migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
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

// explainOpenError turns DuckDB's lock conflict into a BusyError.
func (s *Store) explainOpenError(err error) error {
	msg := err.Error()
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
// readers' snapshot (read-write only) and releases the lock.
func (s *Store) Close() error {
	var err error
	checkpointed := false
	if s.DB != nil {
		if !s.ReadOnly {
			t0 := time.Now()
			_, cperr := s.DB.Exec("CHECKPOINT")
			if os.Getenv("INCUBEVAL_TRACE") != "" {
				fmt.Fprintf(os.Stderr, "close checkpoint %.0f ms\n", time.Since(t0).Seconds()*1000)
			}
			checkpointed = cperr == nil
		}
		err = s.DB.Close()
		s.DB = nil
		// Readers' copy (snapshot.go), made while the lock is still held.
		if checkpointed && err == nil {
			err = s.publishSnapshot()
		}
	}
	s.unlock()
	return err
}

// Dir is the folder holding the database; the archive lives beside it.
func (s *Store) Dir() string { return filepath.Dir(s.Path) }

// migrate applies the embedded migrations not yet recorded, each in its own
// transaction, then re-creates the views if their text changed.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.DB.ExecContext(ctx, `
		CREATE SCHEMA IF NOT EXISTS store;
		CREATE TABLE IF NOT EXISTS store.schema_migrations (
			name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL);
		CREATE TABLE IF NOT EXISTS store.meta (key VARCHAR PRIMARY KEY, value VARCHAR)`); err != nil {
		return fmt.Errorf("create migration table: %w", err)
	}
	applied := map[string]bool{}
	rows, err := s.DB.QueryContext(ctx, "SELECT name FROM store.schema_migrations")
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		applied[n] = true
	}
	rows.Close()
	for _, m := range sqlfiles.Migrations() {
		if applied[m.Name] {
			continue
		}
		err := s.InTx(ctx, func(tx *sql.Conn) error {
			if _, err := tx.ExecContext(ctx, m.Text); err != nil {
				return err
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

func (s *Store) refreshViews(ctx context.Context) error {
	h := sha256.New()
	views := sqlfiles.Views()
	for _, v := range views {
		h.Write([]byte(v.Name))
		h.Write([]byte(v.Text))
	}
	sum := hex.EncodeToString(h.Sum(nil))
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
			if _, err := tx.ExecContext(ctx, v.Text); err != nil {
				return fmt.Errorf("view file %s: %w", v.Name, err)
			}
		}
		_, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO store.meta VALUES ('views_sha256', ?)", sum)
		return err
	})
}

// InTx runs fn on one pinned connection inside a transaction, committing if
// fn returns nil and rolling back otherwise.
func (s *Store) InTx(ctx context.Context, fn func(conn *sql.Conn) error) (err error) {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return ConnTx(ctx, conn, fn)
}

// ConnTx runs fn inside a transaction on a connection the caller pinned
// (temporary tables and settings belong to a connection).
func ConnTx(ctx context.Context, conn *sql.Conn, fn func(conn *sql.Conn) error) (err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			panic(p)
		}
		if err != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			return
		}
		if _, cerr := conn.ExecContext(ctx, "COMMIT"); cerr != nil {
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
			err = fmt.Errorf("commit: %w", cerr)
		}
	}()
	return fn(conn)
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
