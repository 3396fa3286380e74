package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/marcboeker/go-duckdb"
)

const (
	// arrowResultTable holds a query's result while writeColumnar pages
	// through it; arrowRowColumn numbers its rows from 0 in result order.
	arrowResultTable = "incubeval_arrow_result"
	arrowRowColumn   = "incubeval_arrow_row"
	// arrowPageRows is one page of the result: DuckDB's row group size, so
	// a page's range on arrowRowColumn skips every other row group by its
	// min/max instead of scanning the table. A Parquet file gets one row
	// group a page.
	arrowPageRows = 122880
	// arrowMemoryLimit bounds DuckDB for arrow and parquet unless
	// --memory-limit says otherwise: the temporary table spills to DuckDB's
	// temp directory beyond it.
	arrowMemoryLimit = "256MB"
)

// writeColumnar writes the result of pq as an Arrow IPC stream (format
// "arrow") or a Parquet file ("parquet"), one record batch at a time.
//
// go-duckdb v1.8.2 has no streaming result: its Arrow interface (like
// database/sql) gathers the whole result, in DuckDB and again in Go,
// before the first batch (1.5 GiB for 5 million rows), binds parameters by
// position only and cannot interrupt DuckDB. So the query runs through
// database/sql (named parameters, interruptible) into a temporary table
// numbered in result order, and the Arrow interface reads that table one
// page at a time: memory is bounded by a page and by DuckDB's memory limit.
//
// The statement that fills the table is built from the parsed form of the
// query, never from the text typed: DuckDB prints the syntax tree back
// (regenerate), the text is wrapped, and the wrapped statement is parsed
// again to check that it is one SELECT whose FROM holds exactly the
// query's tree. A script's earlier statements run first, the same way.
// The writers are DuckDB's Arrow export and arrow/go's: DuckDB's own
// COPY … TO cannot write with external access off.
func writeColumnar(ctx context.Context, conn *sql.Conn, pq *parsedQuery, params []any, format string, w io.Writer) error {
	last := len(pq.statements) - 1
	for _, stmt := range pq.statements[:last] {
		text, err := regenerate(ctx, conn, stmt)
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, text, params...); err != nil {
			return err
		}
	}
	fill, err := fillStatement(ctx, conn, pq.statements[last])
	if err != nil {
		return err
	}
	t0 := time.Now()
	_, err = conn.ExecContext(ctx, fill, params...)
	defer conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp."+arrowResultTable)
	if err != nil {
		return err
	}
	var rows int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM temp."+arrowResultTable).Scan(&rows); err != nil {
		return err
	}
	tFill := time.Since(t0)
	var tRead, tWrite time.Duration
	defer func() {
		if os.Getenv("INCUBEVAL_TRACE") != "" {
			fmt.Fprintf(os.Stderr, "sql %s: %d rows; fill the table %.0f ms, read pages %.0f ms, write %.0f ms (alongside)\n",
				format, rows, tFill.Seconds()*1000, tRead.Seconds()*1000, tWrite.Seconds()*1000)
		}
	}()

	// DuckDB reads the next page while the previous one is written: one
	// goroutine writes the pages in order, and releases each.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var sink recordSink
	pages := make(chan array.RecordReader, 1)
	written := make(chan error, 1)
	startWriter := func() {
		go func() {
			var err error
			for rdr := range pages {
				if err == nil {
					t := time.Now()
					err = writePage(wctx, sink, rdr)
					tWrite += time.Since(t)
					if err != nil {
						cancel() // stop reading pages
					}
				}
				rdr.Release()
			}
			written <- err
		}()
	}
	readErr := arrowQuery(conn, func(ar *duckdb.Arrow) error {
		for first := int64(0); first == 0 || first < rows; first += arrowPageRows {
			if err := wctx.Err(); err != nil {
				return err
			}
			page := fmt.Sprintf("SELECT * EXCLUDE (%s) FROM temp.%s WHERE %[1]s >= %[3]d AND %[1]s < %[4]d",
				arrowRowColumn, arrowResultTable, first, first+arrowPageRows)
			t := time.Now()
			rdr, err := ar.QueryContext(wctx, page)
			tRead += time.Since(t)
			if err != nil {
				return err
			}
			if sink == nil {
				if sink, err = newRecordSink(format, rdr.Schema(), w); err != nil {
					rdr.Release()
					return err
				}
				startWriter()
			}
			pages <- rdr
		}
		return nil
	})
	if sink == nil {
		return readErr
	}
	close(pages)
	writeErr := <-written
	if err := errors.Join(readErr, writeErr); err != nil {
		sink.abort()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if writeErr != nil {
			return writeErr // the reading stopped because of it
		}
		return readErr
	}
	return sink.close()
}

// fillStatement builds, from the syntax tree of one query, the statement
// that stores its result in arrowResultTable, each row numbered in result
// order.
func fillStatement(ctx context.Context, conn *sql.Conn, stmt json.RawMessage) (string, error) {
	text, err := regenerate(ctx, conn, stmt)
	if err != nil {
		return "", err
	}
	// A line break before ")": a -- comment cannot swallow it (the printer
	// writes none, but the check below would catch it anyway).
	numbered := "SELECT row_number() OVER () - 1 AS " + arrowRowColumn + ", * FROM (\n" + text + "\n)"
	check, err := parseQuery(ctx, conn, numbered)
	if err != nil || len(check.statements) != 1 || !sameTree(subqueryOf(check.statements[0]), stmt) {
		return "", errNotRegenerated
	}
	return "CREATE OR REPLACE TEMP TABLE " + arrowResultTable + " AS " + numbered, nil
}

// recordSink is where writeColumnar's record batches go, a page at a
// time: the records of a page stay valid until endPage returns.
type recordSink interface {
	write(rec arrow.Record) error
	endPage() error
	close() error // finish the file
	abort()       // give up (the file is removed by withOutput)
}

func newRecordSink(format string, schema *arrow.Schema, w io.Writer) (recordSink, error) {
	if format == "arrow" {
		return &ipcSink{w: ipc.NewWriter(w, ipc.WithSchema(schema))}, nil
	}
	opts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Snappy), // as DuckDB's own writer
		parquet.WithStoreDecimalAsInteger(true),         // DECIMAL(≤18) as INT32/INT64, as DuckDB does
		parquet.WithCreatedBy("incubeval"),
	}
	// A dictionary pays for text, dates and small integers, which repeat;
	// wide numbers (ids, amounts, times) seldom do, and hashing every
	// value of them would cost more than the writing.
	for _, f := range schema.Fields() {
		switch f.Type.ID() {
		case arrow.INT64, arrow.UINT64, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128, arrow.DECIMAL256,
			arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION:
			opts = append(opts, parquet.WithDictionaryFor(f.Name, false))
		}
	}
	props := parquet.NewWriterProperties(opts...)
	// struct{ io.Writer }: the Parquet writer closes what it is given when
	// it is an io.Closer, and the file belongs to withOutput.
	fw, err := pqarrow.NewFileWriter(schema, struct{ io.Writer }{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, fmt.Errorf("parquet: %w (cast the column, e.g. to VARCHAR)", err)
	}
	return &parquetSink{fw: fw, schema: schema}, nil
}

// ipcSink writes each record batch to the stream as it comes.
type ipcSink struct{ w *ipc.Writer }

func (s *ipcSink) write(rec arrow.Record) error { return s.w.Write(rec) }
func (s *ipcSink) endPage() error               { return nil }
func (s *ipcSink) close() error                 { return s.w.Close() }
func (s *ipcSink) abort()                       { s.w.Close() }

// parquetSink writes one row group a page. The Parquet writer keeps
// pointers into the values it was given (a column's min and max) until
// the row group is closed, after DuckDB's memory behind a page is freed;
// so a page is first copied into Go memory, whole.
type parquetSink struct {
	fw     *pqarrow.FileWriter
	schema *arrow.Schema
	page   []arrow.Record
}

func (s *parquetSink) write(rec arrow.Record) error {
	rec.Retain()
	s.page = append(s.page, rec)
	return nil
}

func (s *parquetSink) endPage() error {
	defer s.release()
	if len(s.page) == 0 {
		return nil
	}
	cols := make([]arrow.Array, s.schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i := range cols {
		parts := make([]arrow.Array, len(s.page))
		for k, rec := range s.page {
			parts[k] = rec.Column(i)
		}
		col, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return fmt.Errorf("parquet: column %s: %w", s.schema.Field(i).Name, err)
		}
		cols[i] = col
	}
	rec := array.NewRecord(s.schema, cols, int64(cols[0].Len()))
	defer rec.Release()
	if err := s.fw.Write(rec); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

func (s *parquetSink) release() {
	for _, r := range s.page {
		r.Release()
	}
	s.page = s.page[:0]
}

func (s *parquetSink) close() error { return s.fw.Close() }
func (s *parquetSink) abort()       { s.release(); s.fw.Close() }

// writePage writes one page's record batches to sink; it stops between
// batches when ctx ends.
func writePage(ctx context.Context, sink recordSink, rdr array.RecordReader) error {
	for rdr.Next() {
		if err := sink.write(rdr.Record()); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := rdr.Err(); err != nil {
		return err
	}
	return sink.endPage()
}

// arrowQuery runs fn with go-duckdb's Arrow interface on the pinned
// connection (inside conn.Raw the connection is the driver's alone).
func arrowQuery(conn *sql.Conn, fn func(ar *duckdb.Arrow) error) error {
	return conn.Raw(func(dc any) error {
		driverConn, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("arrow: not a driver connection")
		}
		ar, err := duckdb.NewArrowFromConn(driverConn)
		if err != nil {
			return fmt.Errorf("arrow: %w", err)
		}
		return fn(ar)
	})
}
