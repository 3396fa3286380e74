package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// CorruptError says a database file, or its readers' snapshot, cannot be
// read: DuckDB finds it damaged.
type CorruptError struct {
	Path     string // the damaged file
	Database string // the database it is, or is the snapshot of
	Snapshot bool   // Path is the readers' snapshot of Database
	Err      error  // DuckDB's error
	// For a damaged database: its last snapshot, if one opens (Last), or
	// why none can be offered.
	Last    *Snapshot
	LastErr error
}

func (e *CorruptError) Error() string {
	var b strings.Builder
	if e.Snapshot {
		fmt.Fprintf(&b, "the readers' snapshot %s is damaged and cannot be read / 只读快照文件已损坏 (%v). ", e.Path, e.Err)
		fmt.Fprintf(&b, "The database %s itself is not concerned: the next command that writes (ingest, assess, publish, run, a scheduled job) publishes a new snapshot; "+
			"until then remove the damaged one (rm %s %s), and `incubeval sql` reads the database itself / 数据库本身不受影响，下一次写入会重新发布快照；可先删除损坏的快照",
			e.Database, e.Path, SnapshotInfoPath(e.Database))
		return b.String()
	}
	fmt.Fprintf(&b, "the database file %s is damaged and cannot be read / 数据库文件已损坏，无法读取 (%v). ", e.Path, e.Err)
	snap := SnapshotPath(e.Database)
	switch {
	case e.Last != nil:
		fmt.Fprintf(&b, "The last good snapshot is %s, published %s", snap, e.Last.Published.In(Location).Format("2006-01-02 15:04"))
		if h := e.Last.holds(); h != "" {
			fmt.Fprintf(&b, " (%s)", h)
		}
		b.WriteString(". ")
		fmt.Fprintf(&b, "To restore it, with no incubeval command or scheduler running: mv %s %s.damaged (and %s.wal, if there is one), then cp %s %s; "+
			"what was done after the snapshot was published must be done again (the run ledger of the restored file ends where it stopped) / "+
			"恢复方法：停止所有 incubeval 进程，将损坏的文件改名保留，再把快照复制回数据库文件；快照之后的工作需重新执行",
			e.Database, e.Database, e.Database, snap, e.Database)
	case e.LastErr != nil && !errors.Is(e.LastErr, os.ErrNotExist):
		fmt.Fprintf(&b, "Its snapshot %s cannot be used either (%v): restore the database from a backup / 快照也无法使用，请从备份恢复", snap, e.LastErr)
	default:
		fmt.Fprintf(&b, "There is no snapshot (%s) to restore: restore the database from a backup / 没有可用的快照，请从备份恢复", snap)
	}
	return b.String()
}

func (e *CorruptError) Unwrap() error { return e.Err }

// LogReplayError says the database does not open because DuckDB cannot
// replay its write-ahead log, <db>.wal: what was committed since the
// database was last checkpointed (by a writer closing it). The database
// file is not damaged as far as its checksums tell (Checked), or it would
// be a *CorruptError: set aside, the log gives way to the database as it
// was at that checkpoint.
type LogReplayError struct {
	Database string
	Err      error // DuckDB's error
	// Checked: every block of the database file matches its checksum
	// (verifyBlocks). False when the check could not be made.
	Checked bool
}

func (e *LogReplayError) Error() string {
	var b strings.Builder
	wal := e.Database + ".wal"
	fmt.Fprintf(&b, "数据库 %s 无法打开：其预写日志 %s 无法重放 / the database %s does not open: DuckDB cannot replay its write-ahead log %s (%v). ",
		e.Database, wal, e.Database, wal, e.Err)
	if e.Checked {
		b.WriteString("The database file itself checks out (every block matches its checksum). ")
	}
	fmt.Fprintf(&b, "The log holds what was committed after the database was last closed properly. "+
		"To open the database as it was then, with no incubeval command or scheduler running: mv %s %s.unreplayable (keep that file: it shows what could not be replayed); "+
		"what was done after that must be done again (the run ledger ends there) / "+
		"处理方法：停止所有 incubeval 进程，将预写日志改名保留，数据库即回到上次正常关闭时的状态；之后的工作需重新执行",
		wal, wal)
	return b.String()
}

func (e *LogReplayError) Unwrap() error { return e.Err }

// newCorruptError describes the damaged file at path: the database (with
// its last snapshot, checked by opening it) or a snapshot.
func newCorruptError(path string, err error) *CorruptError {
	e := &CorruptError{Path: path, Database: path, Err: err}
	if db, ok := strings.CutSuffix(path, ".snapshot"); ok {
		if _, serr := os.Stat(db); serr == nil {
			e.Database, e.Snapshot = db, true
			return e
		}
	}
	sn, serr := ReadSnapshot(path)
	if serr == nil {
		// Checking every block and opening it proves it is good, and
		// reads what it holds.
		serr = sn.check(SnapshotPath(path), nil)
	}
	if serr != nil {
		e.LastErr = serr
	} else {
		e.Last = sn
	}
	return e
}

// AsCorrupt returns err as a *CorruptError of the database at db when
// DuckDB's message says a file is damaged (a block read while a command
// ran, after the database had opened), or nil.
func AsCorrupt(err error, db string) *CorruptError {
	if err == nil {
		return nil
	}
	var ce *CorruptError
	if errors.As(err, &ce) {
		return ce
	}
	if !isCorrupt(err) {
		return nil
	}
	return newCorruptError(db, err)
}

// IsCorrupt reports whether err says a database file is damaged: a
// *CorruptError, or DuckDB's words for a file it cannot read (isCorrupt).
func IsCorrupt(err error) bool {
	var ce *CorruptError
	return err != nil && (errors.As(err, &ce) || isCorrupt(err))
}

// isCorrupt recognises DuckDB's messages for a file it cannot read: its
// header is not a database's, a block's checksum is wrong, the file is
// cut short, or the metadata it points to is not there.
func isCorrupt(err error) bool {
	var cd *CopyDamagedError
	var cb *CorruptBlockError
	var lr *LogReplayError
	switch {
	case errors.As(err, &cd):
		return false // the copy, not the file it was made from
	case errors.As(err, &lr):
		return false // the log, not the file; its blocks were checked
	case errors.As(err, &cb):
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"not a valid DuckDB database file",
		"Corrupt database file",
		"Could not read enough bytes from file",
		"Failed to load metadata pointer",
		"Failed to deserialize",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
