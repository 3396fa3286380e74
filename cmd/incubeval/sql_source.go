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
	openDB := func() (*store.Reader, error) { return store.OpenReader(ctx, a.dbPath, opts) }
	openSnapshot := func() (*store.Reader, error) { return store.OpenReader(ctx, store.SnapshotPath(a.dbPath), opts) }
	if !live {
		// A writer may publish between reading the sidecar and opening the
		// file; then the label would be of the previous snapshot, so look
		// again and retry once it is stable.
		for try := 0; try < 3; try++ {
			sn, rerr := store.ReadSnapshot(a.dbPath)
			if rerr != nil {
				note = "-- no snapshot published yet; reading the database itself / 尚无快照，直接读取数据库"
				break
			}
			if !sn.Current(a.dbPath) {
				pid, holder, busy := store.Writer(a.dbPath)
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
			if again, rerr := store.ReadSnapshot(a.dbPath); rerr == nil && again.Published.Equal(sn.Published) && again.Size == sn.Size {
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
	if sn, rerr := store.ReadSnapshot(a.dbPath); rerr == nil {
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
