package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// openSQLSource opens, read-only, what `incubeval sql` reads: the latest
// published snapshot (store/snapshot.go), so that a query never waits for
// nor blocks a writer; with live, or when there is no snapshot, or when the
// snapshot is older than the database and no writer is at work (something
// wrote without publishing), the database itself. note is the line for
// standard error saying which.
func (a *app) openSQLSource(ctx context.Context, live bool) (st *store.Store, note string, err error) {
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
			st, err = store.Open(ctx, store.SnapshotPath(a.dbPath), store.Options{ReadOnly: true})
			if err != nil {
				return nil, "", err
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
	st, err = store.Open(ctx, a.dbPath, store.Options{ReadOnly: true})
	var busy *store.BusyError
	if errors.As(err, &busy) {
		if live {
			fmt.Fprintln(a.stderr, "incubeval: --live reads the database itself, which a writer holds; without --live, sql reads the last published snapshot / 数据库正在写入；去掉 --live 可查询最近的快照")
		} else {
			fmt.Fprintln(a.stderr, "incubeval: no snapshot to read yet, and a writer holds the database / 尚无快照，且数据库正在写入")
		}
	}
	if err != nil {
		return nil, "", err
	}
	return st, note, nil
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
