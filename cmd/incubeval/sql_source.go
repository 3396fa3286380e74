package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// openSQLSource opens, read-only and with DuckDB's external access off
// (store.OpenReader), what `incubeval sql` reads: the latest published
// snapshot (store/snapshot.go), so that a query never waits for nor blocks
// a writer; with live, or when there is no snapshot, or when the snapshot
// is older than the database and no writer is at work (something wrote
// without publishing), the database itself. When the database cannot be
// opened for any reason but a writer holding it (a damaged file), a
// published snapshot that opens is read instead; when the snapshot cannot
// be opened, the database. note is the line(s) for standard error saying
// which.
func (a *app) openSQLSource(ctx context.Context, live bool, opts store.ReaderOptions) (st *store.Reader, note string, err error) {
	return a.openSource(ctx, a.dbPath, live, opts)
}

// openSource is openSQLSource for the database at db: the reading commands
// (report, explain, template, jobs list|history) read it the same way, the
// jobs commands from the database their configuration names.
func (a *app) openSource(ctx context.Context, db string, live bool, opts store.ReaderOptions) (st *store.Reader, note string, err error) {
	openDB := func() (*store.Reader, error) { return store.OpenReader(ctx, db, opts) }
	openSnapshot := func() (*store.Reader, error) { return store.OpenReader(ctx, store.SnapshotPath(db), opts) }
	if !live {
		// A writer may publish between reading the sidecar and opening the
		// file; then the label would be of the previous snapshot, so look
		// again and retry once it is stable.
		for try := 0; try < 3; try++ {
			sn, rerr := store.ReadSnapshot(db)
			if rerr != nil {
				note = "-- no snapshot published yet; reading the database itself / 尚无快照，直接读取数据库"
				break
			}
			if !sn.Current(db) {
				pid, holder, busy := store.Writer(db)
				if !busy {
					note = "-- the " + sn.Label() + " is older than the database; reading the database itself / 快照已过期，直接读取数据库"
					break
				}
				note = fmt.Sprintf("-- %s (%s old); pid %d (%s) is writing a newer one / 正在写入新数据",
					sn.Label(), age(sn.Published), pid, orWriter(holder))
			} else {
				note = fmt.Sprintf("-- %s (%s old)", sn.Label(), age(sn.Published))
			}
			st, err = openSnapshot()
			if err != nil {
				if errors.Is(err, context.Canceled) {
					return nil, "", err
				}
				// The snapshot does not open; the database itself may.
				db, derr := openDB()
				var busy *store.BusyError
				if errors.As(derr, &busy) {
					fmt.Fprintln(a.stderr, "incubeval: the published snapshot cannot be opened ("+termSafe(oneLine(err))+"), and a writer holds the database / 快照无法打开，且数据库正在写入")
				}
				if derr != nil {
					return nil, "", derr
				}
				return db, "-- the published snapshot cannot be opened; reading the database itself / 快照无法打开，直接读取数据库\n" +
					"--   (" + oneLine(err) + ")", nil
			}
			if again, rerr := store.ReadSnapshot(db); rerr == nil && again.Published.Equal(sn.Published) && again.Size == sn.Size {
				return st, note, nil
			}
			st.Close()
			st = nil
		}
		if st != nil {
			return st, note, nil
		}
	}
	st, err = openDB()
	if err == nil {
		return st, note, nil
	}
	var busy *store.BusyError
	var cfg *store.ConfigError
	if errors.As(err, &busy) || errors.As(err, &cfg) || errors.Is(err, context.Canceled) {
		a.explainBusy(err, live)
		return nil, "", err
	}
	// The database does not open (damaged, unreadable): the last published
	// snapshot is the last good state a writer checked.
	if sn, rerr := store.ReadSnapshot(db); rerr == nil {
		if snap, serr := openSnapshot(); serr == nil {
			t := sn.Published.In(store.Location).Format("2006-01-02 15:04")
			return snap, fmt.Sprintf("-- the database cannot be opened; reading the %s (%s old) instead / 数据库无法打开，改为读取 %s 的快照\n--   (%s)",
				sn.Label(), age(sn.Published), t, oneLine(err)), nil
		}
	}
	return nil, "", err
}

// explainBusy says, before the BusyError itself, why a busy database stops
// this reader.
func (a *app) explainBusy(err error, live bool) {
	var busy *store.BusyError
	if !errors.As(err, &busy) {
		return
	}
	if live {
		fmt.Fprintln(a.stderr, "incubeval: --live reads the database itself, which a writer holds; without --live, sql reads the last published snapshot / 数据库正在写入；去掉 --live 可查询最近的快照")
	} else {
		fmt.Fprintln(a.stderr, "incubeval: no snapshot to read yet, and a writer holds the database / 尚无快照，且数据库正在写入")
	}
}

// oneLine is an error's message on one line, for a note.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// age is a duration as a person says it: 40s, 12 min, 3 h, 2 days.
func age(t time.Time) string {
	d := max(time.Since(t), 0)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

func orWriter(holder string) string {
	if holder == "" {
		return "another incubeval process"
	}
	return holder
}

// rereadOther is called when a query on the file at read (the database db
// or its snapshot) failed with an error saying the file is damaged: DuckDB
// checks a block only when a query reads it, so a file that opened may
// still fail this way. It says so in plain words and, when the other file
// is good and nothing of the result has gone out yet (wrote false), opens
// it to run the query again, saying on standard error which it reads: a
// damaged database gives way to its last good snapshot (every block of
// which is checked first, store.AsCorrupt), a damaged snapshot to the
// database itself (unless a writer holds it). Otherwise it returns the
// plain-words error.
func (a *app) rereadOther(ctx context.Context, db, read string, qerr error, wrote bool, opts store.ReaderOptions) (*store.Reader, error) {
	var other string
	var note string
	var plain error
	if read == db {
		ce := store.AsCorrupt(qerr, db)
		plain = ce
		if ce.Last != nil {
			other = store.SnapshotPath(db)
			note = fmt.Sprintf("-- the database file %s is damaged and cannot be read / 数据库文件已损坏，无法读取; reading the %s (%s old) instead / 改为读取 %s 的快照\n--   (%s)",
				db, ce.Last.Label(), age(ce.Last.Published), ce.Last.Published.In(store.Location).Format("2006-01-02 15:04"), oneLine(ce.Err))
		}
	} else {
		// The snapshot's CorruptError says the database is not concerned.
		plain = store.AsCorrupt(qerr, read)
		if _, _, busy := store.Writer(db); !busy {
			other = db
			note = "-- the published snapshot is damaged and cannot be read; reading the database itself / 快照文件已损坏，直接读取数据库\n--   (" + oneLine(qerr) + ")"
		}
	}
	switch {
	case other == "":
		return nil, plain
	case wrote:
		return nil, fmt.Errorf("%w; part of the result had already been written, so the query was not run again on %s / 部分结果已输出，未重新查询", plain, other)
	}
	st, err := store.OpenReader(ctx, other, opts)
	if err != nil {
		return nil, fmt.Errorf("%w; %s does not open either: %v", plain, other, err)
	}
	fmt.Fprintln(a.stderr, termSafeLines(note))
	return st, nil
}
