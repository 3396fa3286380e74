package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// What a full disk, a failed write or a damaged file does to a command,
// and the errors that say so. DuckDB 1.1.2, as measured on a small tmpfs
// and under RLIMIT_FSIZE:
//
//   - A COMMIT whose write-ahead log write fails is undone by DuckDB (the
//     log is cut back to where the transaction began); the transaction's
//     rows are gone from memory and from the file. ConnTx reports it as a
//     CommitError and marks the Store failed, so nothing else is written
//     through that instance and it is closed without a checkpoint.
//   - A large COMMIT that DuckDB turns into a checkpoint, or a CHECKPOINT,
//     that fails invalidates the instance (a FATAL error): the file still
//     holds the previous checkpoint and the log what was committed since,
//     unless the instance is checkpointed again as it closes — which
//     DuckDB does by default and which, after the half-written first
//     attempt, leaves a file that does not open (writerSettings).
//   - Opening a file with a write-ahead log replays it, without needing
//     disk space (no checkpoint at open).

// CommitError is a COMMIT that failed (a full disk, an I/O error): the
// transaction was rolled back and nothing of it is kept.
type CommitError struct{ Err error }

func (e *CommitError) Error() string {
	return "commit: " + e.Err.Error() + " — nothing of this transaction was kept / 提交失败，本事务未保存"
}

func (e *CommitError) Unwrap() error { return e.Err }

// UnpublishedError says a writer's work is committed but the readers'
// snapshot was not published when it closed: the checkpoint failed (the
// work is then in the write-ahead log, which the next open replays) or
// the copy did.
type UnpublishedError struct {
	Database     string
	Checkpointed bool  // false: the checkpoint itself failed
	Err          error // the checkpoint's or the copy's error; a *CorruptError when Damaged
	// Damaged: the checkpoint or the check of the copy found the database
	// file damaged; nothing was published and the last good snapshot is
	// the one to restore.
	Damaged bool
	NoteErr error // recording the note (CloseNoting) failed too
}

func (e *UnpublishedError) Error() string {
	var b strings.Builder
	if e.Damaged {
		fmt.Fprintf(&b, "the readers' snapshot was not published: %v", e.Err)
		if e.NoteErr != nil {
			fmt.Fprintf(&b, "; the run ledger could not be told either: %v", e.NoteErr)
		}
		return b.String()
	}
	var ce *CommitError
	switch {
	case errors.As(e.Err, &ce):
		fmt.Fprintf(&b, "the work is committed, but a commit after it failed (%v), so the database was closed without a checkpoint (what was committed is in the write-ahead log %s.wal, which the next open replays) and the readers' snapshot was not published", e.Err, e.Database)
	case e.Checkpointed:
		fmt.Fprintf(&b, "the work is committed, but the readers' snapshot %s was not published (%v)", SnapshotPath(e.Database), e.Err)
	default:
		fmt.Fprintf(&b, "the work is committed (in the write-ahead log %s.wal, which the next open replays), but the database could not be checkpointed (%v), so the readers' snapshot was not published", e.Database, e.Err)
	}
	b.WriteString("; `incubeval sql` reads the database itself until the next writer publishes one / 已保存，但只读快照未能发布，在下次写入发布快照前 sql 直接读取数据库")
	if e.NoteErr != nil {
		fmt.Fprintf(&b, "; the run ledger could not be told either: %v", e.NoteErr)
	}
	return b.String()
}

func (e *UnpublishedError) Unwrap() error { return e.Err }

// Note is the line the run ledger keeps for it.
func (e *UnpublishedError) Note() string {
	if e.Damaged {
		return "the database file was found damaged as the run closed it: the run's work is in the damaged file only, and the readers' snapshot was not published (the last good one stays) / 关闭数据库时发现文件已损坏，只读快照未发布（保留上一个完好的快照）"
	}
	what := "the snapshot could not be copied"
	var ce *CommitError
	switch {
	case errors.As(e.Err, &ce):
		what = "a commit after the run's work failed, so the database was not checkpointed (what was committed is in its write-ahead log)"
	case !e.Checkpointed:
		what = "the database could not be checkpointed (what was committed is in its write-ahead log)"
	}
	return fmt.Sprintf("the readers' snapshot was not published: %s: %v; `incubeval sql` reads the database itself until the next writer publishes one / 只读快照未能发布，sql 暂时直接读取数据库", what, e.Err)
}

// isFatal recognises an error after which DuckDB refuses every statement.
func isFatal(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "FATAL Error") || strings.Contains(msg, "database has been invalidated")
}

// A hook for the tests that fail or kill a run at a chosen point (a full
// disk from then on, SIGKILL): INCUBEVAL_TEST_PAUSE=commit:N stops the
// process after its N-th commit (a new database's migrations count),
// INCUBEVAL_TEST_PAUSE=create once a new database is built but before it
// is put in place, INCUBEVAL_TEST_PAUSE=close as a writer begins to close,
// saying so on standard error, until the file named by
// INCUBEVAL_TEST_PAUSE_RELEASE exists (for ever if it is not set).
var (
	pauseAt = os.Getenv("INCUBEVAL_TEST_PAUSE")
	commits atomic.Int64
)

func afterCommit() {
	if strings.HasPrefix(pauseAt, "commit:") {
		testPause(fmt.Sprintf("commit:%d", commits.Add(1)))
	}
}

func testPause(point string) {
	if point != pauseAt {
		return
	}
	release := os.Getenv("INCUBEVAL_TEST_PAUSE_RELEASE")
	fmt.Fprintf(os.Stderr, "test hook: paused at %s (pid %d)\n", point, os.Getpid())
	for {
		if release != "" {
			if _, err := os.Stat(release); err == nil {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}
