package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"

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

// arrowResultTable holds a query's result for the Arrow interface when
// database/sql must run the query itself (see writeArrow).
const arrowResultTable = "incubeval_arrow_result"

// writeArrow writes the result as an Arrow IPC stream, one record batch at
// a time, through go-duckdb's Arrow interface on the pinned connection.
func writeArrow(ctx context.Context, conn *sql.Conn, query string, params []any, statements int, interruptible bool, w io.Writer) error {
	_, deadline := ctx.Deadline()
	if len(params) > 0 || deadline || interruptible {
		// go-duckdb v1.8.2's Arrow interface binds by position, not by
		// name, and does not interrupt DuckDB when the context ends. So a
		// query with $name parameters, a --timeout or in the REPL (Ctrl-C)
		// runs through database/sql (which does both) into a temporary
		// table (in memory, spilling to DuckDB's temp directory), and
		// Arrow reads that table.
		if statements > 1 {
			return usageError{fmt.Errorf("--format arrow with --param or --timeout takes one statement; the query has %d", statements)}
		}
		ctas := "CREATE OR REPLACE TEMP TABLE " + arrowResultTable + " AS (" + subquery(query) + ")"
		if _, err := conn.ExecContext(ctx, ctas, params...); err != nil {
			return err
		}
		defer conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp."+arrowResultTable)
		query = "SELECT * FROM temp." + arrowResultTable
	}
	return conn.Raw(func(dc any) error {
		driverConn, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("arrow: not a driver connection")
		}
		ar, err := duckdb.NewArrowFromConn(driverConn)
		if err != nil {
			return fmt.Errorf("arrow: %w", err)
		}
		rdr, err := ar.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rdr.Release()
		iw := ipc.NewWriter(w, ipc.WithSchema(rdr.Schema()))
		for rdr.Next() {
			if err := iw.Write(rdr.Record()); err != nil {
				iw.Close()
				return fmt.Errorf("arrow: %w", err)
			}
			if err := ctx.Err(); err != nil {
				iw.Close()
				return err
			}
		}
		if err := rdr.Err(); err != nil {
			iw.Close()
			return err
		}
		return iw.Close()
	})
}
