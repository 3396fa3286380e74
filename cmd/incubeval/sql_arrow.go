package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/marcboeker/go-duckdb"
)

// subquery makes a single statement usable inside COPY (…) or CREATE … AS:
// no trailing semicolon, and a line break so a trailing -- comment cannot
// swallow the closing parenthesis.
func subquery(query string) string {
	q := strings.TrimSpace(query)
	for strings.HasSuffix(q, ";") {
		q = strings.TrimSpace(strings.TrimSuffix(q, ";"))
	}
	return q + "\n"
}

// writeParquet has DuckDB write the result itself. The caller has checked
// that the query is one read-only statement and that path is not the
// database.
func writeParquet(ctx context.Context, conn *sql.Conn, query string, params []any, path string) error {
	copyStmt := "COPY (" + subquery(query) + ") TO " + quoteLiteral(path+".tmp") + " (FORMAT parquet)"
	_, err := conn.ExecContext(ctx, copyStmt, params...)
	return err
}

const (
	// arrowResultTable holds a query's result while writeArrow pages
	// through it; arrowRowColumn numbers its rows from 0 in result order.
	arrowResultTable = "incubeval_arrow_result"
	arrowRowColumn   = "incubeval_arrow_row"
	// arrowPageRows is one page of the result: DuckDB's row group size, so
	// a page's range on arrowRowColumn skips every other row group by its
	// min/max instead of scanning the table.
	arrowPageRows = 122880
	// arrowMemoryLimit bounds DuckDB while it holds the result, unless
	// --memory-limit says otherwise: the temporary table spills to DuckDB's
	// temp directory beyond it.
	arrowMemoryLimit = "256MB"
)

// writeArrow writes the result as an Arrow IPC stream, one record batch at
// a time. go-duckdb v1.8.2 has no streaming result: its Arrow interface
// (like database/sql) gathers the whole result, in DuckDB and again in Go,
// before the first batch (1.5 GiB for 5 million rows), binds parameters by
// position only and cannot interrupt DuckDB. So the query runs through
// database/sql (named parameters, interruptible) into a temporary table
// numbered in result order, and the Arrow interface reads that table one
// page at a time into the same stream: memory is bounded by a page and by
// DuckDB's memory limit (limitMemory: none was given, so arrowMemoryLimit
// applies while the table is held).
func writeArrow(ctx context.Context, conn *sql.Conn, query string, params []any, statements int, interruptible, limitMemory bool, w io.Writer) error {
	if statements > 1 {
		// Only a single statement can be wrapped in CREATE … AS; a script
		// runs whole through the Arrow interface, which runs every
		// statement and returns the last one's result, gathered at once.
		if _, deadline := ctx.Deadline(); len(params) > 0 || deadline || interruptible {
			return usageError{fmt.Errorf("--format arrow with --param or --timeout takes one statement; the query has %d", statements)}
		}
		return arrowQuery(conn, func(_ driver.ExecerContext, ar *duckdb.Arrow) error {
			rdr, err := ar.QueryContext(ctx, query)
			if err != nil {
				return err
			}
			defer rdr.Release()
			iw := ipc.NewWriter(w, ipc.WithSchema(rdr.Schema()))
			if _, err := writeRecords(ctx, iw, rdr); err != nil {
				iw.Close()
				return err
			}
			return iw.Close()
		})
	}

	// DuckDB 1.1's RESET memory_limit leaves the buffer manager's limit
	// as it was, so the previous value is set back explicitly.
	restoreLimit := ""
	if limitMemory {
		var previous string
		if err := conn.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&previous); err != nil {
			return fmt.Errorf("arrow: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "SET memory_limit = "+quoteLiteral(arrowMemoryLimit)); err != nil {
			return fmt.Errorf("arrow: %w", err)
		}
		restoreLimit = "SET memory_limit = " + quoteLiteral(previous)
		defer func() {
			if limitMemory {
				conn.ExecContext(context.Background(), restoreLimit)
			}
		}()
	}
	// unbound lifts arrowMemoryLimit when DuckDB ran out of memory under
	// it and says whether to run the statement again: the query needs
	// more, so it runs with DuckDB's default limit rather than fail.
	unbound := func(err error, exec func(string) error) bool {
		if err == nil || !limitMemory || !strings.Contains(err.Error(), "Out of Memory") {
			return false
		}
		limitMemory = false
		return exec(restoreLimit) == nil
	}

	ctas := "CREATE OR REPLACE TEMP TABLE " + arrowResultTable + " AS SELECT row_number() OVER () - 1 AS " +
		arrowRowColumn + ", * FROM (" + subquery(query) + ")"
	execConn := func(q string) error { _, err := conn.ExecContext(ctx, q); return err }
	_, err := conn.ExecContext(ctx, ctas, params...)
	if unbound(err, execConn) {
		_, err = conn.ExecContext(ctx, ctas, params...)
	}
	defer conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp."+arrowResultTable)
	if err != nil {
		return err
	}
	return arrowQuery(conn, func(dc driver.ExecerContext, ar *duckdb.Arrow) error {
		// Inside conn.Raw the connection is the driver's alone.
		execDriver := func(q string) error { _, err := dc.ExecContext(ctx, q, nil); return err }
		var iw *ipc.Writer
		for first := 0; ; first += arrowPageRows {
			if err := ctx.Err(); err != nil {
				if iw != nil {
					iw.Close()
				}
				return err
			}
			page := fmt.Sprintf("SELECT * EXCLUDE (%s) FROM temp.%s WHERE %[1]s >= %[3]d AND %[1]s < %[4]d",
				arrowRowColumn, arrowResultTable, first, first+arrowPageRows)
			// A page is gathered whole before its first batch, so a
			// failed page has written nothing and can run again.
			rdr, err := ar.QueryContext(ctx, page)
			if unbound(err, execDriver) {
				rdr, err = ar.QueryContext(ctx, page)
			}
			if err != nil {
				if iw != nil {
					iw.Close()
				}
				return err
			}
			if iw == nil {
				iw = ipc.NewWriter(w, ipc.WithSchema(rdr.Schema()))
			}
			n, err := writeRecords(ctx, iw, rdr)
			rdr.Release()
			if err != nil {
				iw.Close()
				return err
			}
			if n < arrowPageRows {
				return iw.Close()
			}
		}
	})
}

// arrowQuery runs fn with the pinned connection's driver and go-duckdb's
// Arrow interface on it.
func arrowQuery(conn *sql.Conn, fn func(dc driver.ExecerContext, ar *duckdb.Arrow) error) error {
	return conn.Raw(func(dc any) error {
		driverConn, ok := dc.(driver.Conn)
		execer, ok2 := dc.(driver.ExecerContext)
		if !ok || !ok2 {
			return fmt.Errorf("arrow: not a driver connection")
		}
		ar, err := duckdb.NewArrowFromConn(driverConn)
		if err != nil {
			return fmt.Errorf("arrow: %w", err)
		}
		return fn(execer, ar)
	})
}

// writeRecords writes rdr's record batches to iw and returns how many rows
// they held; it stops between batches when ctx ends.
func writeRecords(ctx context.Context, iw *ipc.Writer, rdr array.RecordReader) (int, error) {
	n := 0
	for rdr.Next() {
		rec := rdr.Record()
		if err := iw.Write(rec); err != nil {
			return n, fmt.Errorf("arrow: %w", err)
		}
		n += int(rec.NumRows())
		if err := ctx.Err(); err != nil {
			return n, err
		}
	}
	return n, rdr.Err()
}
