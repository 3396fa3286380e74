package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/marcboeker/go-duckdb"
)

// ReaderOptions configure OpenReader.
type ReaderOptions struct {
	// MemoryLimit is DuckDB's memory_limit (e.g. "2GB"); "" leaves
	// DuckDB's default. It cannot be changed once the database is open.
	MemoryLimit string
	// Threads caps DuckDB's worker threads; 0 leaves DuckDB's default.
	Threads int
}

// Reader is a database opened by OpenReader.
type Reader struct {
	*Store
	spill string // DuckDB's temporary folder, removed by Close
}

// ConfigError says a ReaderOptions value was refused by DuckDB.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// OpenReader opens the database file at path read-only for queries a
// person typed (`incubeval sql`). The settings are given to DuckDB when
// it opens the file, before any connection exists, and then locked
// (lock_configuration), so no statement can change them:
//
//   - access_mode READ_ONLY: nothing in the file can be changed;
//   - enable_external_access false: no file other than the database can be
//     read or written (read_text, glob, read_csv, COPY … TO, EXPORT,
//     ATTACH, INSTALL and LOAD of an extension file are refused);
//   - extension autoloading and autoinstalling off;
//   - temp_directory a private folder made for this reader and removed by
//     Close, so spilling never writes beside the database (DuckDB's
//     default, <file>.tmp, is also the name a writer publishes the
//     snapshot through).
func OpenReader(ctx context.Context, path string, opts ReaderOptions) (*Reader, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("没有数据库 %s：请先用 incubeval ingest 导入数据，或用 --db 指定数据库 / no database at %s (run `incubeval ingest` or `incubeval demo` first, or give the database with --db): %w", path, path, err)
	}
	spill, err := os.MkdirTemp("", "incubeval-sql-")
	if err != nil {
		return nil, fmt.Errorf("temporary folder: %w", err)
	}
	cfg := url.Values{}
	cfg.Set("access_mode", "READ_ONLY")
	cfg.Set("enable_external_access", "false")
	cfg.Set("autoinstall_known_extensions", "false")
	cfg.Set("autoload_known_extensions", "false")
	cfg.Set("temp_directory", spill)
	if opts.MemoryLimit != "" {
		cfg.Set("memory_limit", opts.MemoryLimit)
	}
	if opts.Threads > 0 {
		cfg.Set("threads", strconv.Itoa(opts.Threads))
	}
	// DuckDB applies a DSN's options when it creates the database, so the
	// lock does not depend on the order go-duckdb sets them in.
	cfg.Set("lock_configuration", "true")

	r := &Reader{Store: &Store{Path: path, ReadOnly: true}, spill: spill}
	connector, err := duckdb.NewConnector(path+"?"+cfg.Encode(), nil)
	if err != nil {
		os.RemoveAll(spill)
		if opts.MemoryLimit != "" && isConfigError(err, "memory_limit") {
			return nil, &ConfigError{fmt.Errorf("memory limit %q: %w", opts.MemoryLimit, err)}
		}
		return nil, r.explainOpenError(err)
	}
	r.DB = sql.OpenDB(connector)
	if err := r.DB.PingContext(ctx); err != nil {
		r.Close()
		return nil, r.explainOpenError(err)
	}
	return r, nil
}

// Close closes the database and removes its temporary folder.
func (r *Reader) Close() error {
	err := r.Store.Close()
	if r.spill != "" {
		os.RemoveAll(r.spill)
		r.spill = ""
	}
	return err
}

func isConfigError(err error, option string) bool {
	msg := err.Error()
	return strings.Contains(msg, "config") && strings.Contains(msg, option)
}
