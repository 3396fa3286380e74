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
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/file"
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
	arrowMemoryLimit = "192MB"
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
func writeColumnar(ctx context.Context, conn *sql.Conn, pq *parsedQuery, params []any, format string, maskIDs bool, w io.Writer) error {
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
	if maskIDs { // personal data not asked for by name (sql_format.go)
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_columns()
			WHERE database_name = 'temp' AND table_name = ? AND lower(column_name) = ? AND data_type = 'VARCHAR'`,
			arrowResultTable, personIDColumn).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			if _, err := conn.ExecContext(ctx, "UPDATE temp."+arrowResultTable+" SET "+personIDColumn+" = mask_id("+personIDColumn+")"); err != nil {
				return err
			}
		}
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
	// goroutine writes the pages in order. At most two pages are held.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var sink recordSink
	pages := make(chan array.RecordReader)
	written := make(chan error, 1)
	startWriter := func() {
		go func() {
			var err error
			for rdr := range pages {
				if err != nil {
					rdr.Release()
					continue
				}
				t := time.Now()
				if err = sink.writePage(wctx, rdr); err != nil {
					cancel() // stop reading pages
				}
				tWrite += time.Since(t)
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

// recordSink is where writeColumnar's pages go, in order.
type recordSink interface {
	// writePage writes one page's record batches, stopping between
	// batches when ctx ends, and releases rdr (also on failure).
	writePage(ctx context.Context, rdr array.RecordReader) error
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
	arrowProps := pqarrow.DefaultWriterProps()
	// struct{ io.Writer }: the Parquet writers close what they are given
	// when it is an io.Closer, and the file belongs to withOutput.
	w = struct{ io.Writer }{w}
	if !flat(schema) {
		fw, err := pqarrow.NewFileWriter(schema, w, props, arrowProps)
		if err != nil {
			return nil, fmt.Errorf("parquet: %w (cast the column, e.g. to VARCHAR)", err)
		}
		return &parquetSink{schema: schema, fw: fw}, nil
	}
	psc, err := pqarrow.ToParquet(schema, props, arrowProps)
	if err != nil {
		return nil, fmt.Errorf("parquet: %w (cast the column, e.g. to VARCHAR)", err)
	}
	pw := file.NewParquetWriter(w, psc.Root(), file.WithWriterProps(props))
	return &parquetSink{schema: schema, pw: pw, arrowProps: arrowProps}, nil
}

// flat reports whether no column of schema is nested (a list, struct or
// map): one Parquet column a field, each value at definition level 0 or 1.
func flat(schema *arrow.Schema) bool {
	for _, f := range schema.Fields() {
		switch f.Type.ID() {
		case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.LIST_VIEW, arrow.LARGE_LIST_VIEW,
			arrow.STRUCT, arrow.MAP, arrow.DENSE_UNION, arrow.SPARSE_UNION, arrow.EXTENSION, arrow.RUN_END_ENCODED:
			return false
		}
	}
	return true
}

// ipcSink writes each record batch to the stream as it comes.
type ipcSink struct{ w *ipc.Writer }

func (s *ipcSink) writePage(ctx context.Context, rdr array.RecordReader) error {
	defer rdr.Release()
	for rdr.Next() {
		if err := s.w.Write(rdr.Record()); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return rdr.Err()
}

func (s *ipcSink) close() error { return s.w.Close() }
func (s *ipcSink) abort()       { s.w.Close() }

// parquetSink writes one row group a page. The Parquet writer keeps
// pointers into the values it was given (a column's min and max) until
// the row group is closed, so DuckDB's memory behind a page is released
// only after that.
//
// With only flat columns (the views' results), the columns of a row group
// are encoded in parallel (pw: a buffered row group, one column writer a
// column, each writing to its own buffer). Nested columns need arrow/go's
// level builder, which only its FileWriter drives, one column after the
// other (fw); the page is then copied into Go memory first, because fw
// closes a row group only when the next one starts.
type parquetSink struct {
	schema     *arrow.Schema
	pw         *file.Writer
	arrowProps pqarrow.ArrowWriterProperties
	fw         *pqarrow.FileWriter
}

func (s *parquetSink) writePage(ctx context.Context, rdr array.RecordReader) error {
	var page []arrow.Record
	defer func() {
		for _, r := range page {
			r.Release()
		}
		rdr.Release()
	}()
	for rdr.Next() {
		rec := rdr.Record()
		rec.Retain()
		page = append(page, rec)
	}
	if err := rdr.Err(); err != nil || len(page) == 0 {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.pw != nil {
		return s.writeColumns(ctx, page)
	}
	rec, err := concatenate(s.schema, page)
	if err != nil {
		return err
	}
	defer rec.Release()
	if err := s.fw.Write(rec); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

// writeColumns writes page as one row group, its columns encoded in
// parallel, and closes the row group.
func (s *parquetSink) writeColumns(ctx context.Context, page []arrow.Record) error {
	rgw := s.pw.AppendBufferedRowGroup()
	n := s.schema.NumFields()
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				errs[c] = s.writeColumn(ctx, rgw, c, page)
			}
		}()
	}
	for c := 0; c < n; c++ {
		next <- c
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		rgw.Close()
		return fmt.Errorf("parquet: %w", err)
	}
	if err := rgw.Close(); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

// writeColumn writes column c of every record of page to its column
// writer; a flat value is defined (1) or null (0). A text column that
// repeats is handed over dictionary-encoded (textDictionary).
func (s *parquetSink) writeColumn(ctx context.Context, rgw file.BufferedRowGroupWriter, c int, page []arrow.Record) error {
	cw, err := rgw.Column(c)
	if err != nil {
		return err
	}
	actx := pqarrow.NewArrowWriteContext(ctx, &s.arrowProps)
	nullable := s.schema.Field(c).Nullable
	var def []int16
	write := func(arr arrow.Array) error {
		levels := []int16(nil)
		if cw.LevelInfo().DefLevel > 0 {
			def = slices.Grow(def[:0], arr.Len())[:arr.Len()]
			for k := range def {
				def[k] = 0
				if arr.IsValid(k) {
					def[k] = 1
				}
			}
			levels = def
		}
		if err := pqarrow.WriteArrowToColumn(actx, cw, arr, levels, nil, nullable); err != nil {
			return fmt.Errorf("column %s: %w", s.schema.Field(c).Name, err)
		}
		return nil
	}
	if s.schema.Field(c).Type.ID() == arrow.STRING && s.pw.Properties().DictionaryEnabledFor(cw.Descr().Path()) {
		if dict := textDictionary(page, c); dict != nil {
			defer dict.Release()
			return write(dict)
		}
	}
	for _, rec := range page {
		if err := write(rec.Column(c)); err != nil {
			return err
		}
	}
	return nil
}

// textDictionary dictionary-encodes text column c of page, or returns nil
// when its values mostly differ (then a dictionary would not be kept).
// arrow/go hashes each text value it is given through an interface, which
// was half the cost of writing Parquet; given a dictionary array, it
// writes the indices and hashes only the dictionary.
func textDictionary(page []arrow.Record, c int) arrow.Array {
	rows := 0
	for _, rec := range page {
		rows += int(rec.NumRows())
	}
	mem := memory.DefaultAllocator
	indices := array.NewInt32Builder(mem)
	defer indices.Release()
	values := array.NewStringBuilder(mem)
	defer values.Release()
	indices.Reserve(rows)
	seen := make(map[string]int32, 1024)
	for _, rec := range page {
		col, ok := rec.Column(c).(*array.String)
		if !ok {
			return nil
		}
		for k := 0; k < col.Len(); k++ {
			if col.IsNull(k) {
				indices.AppendNull()
				continue
			}
			v := col.Value(k) // points into DuckDB's memory: the map goes before it does
			id, ok := seen[v]
			if !ok {
				if len(seen) > rows/2 {
					return nil
				}
				id = int32(len(seen))
				seen[v] = id
				values.Append(v)
			}
			indices.UnsafeAppend(id)
		}
	}
	idx, dict := indices.NewArray(), values.NewArray()
	defer idx.Release()
	defer dict.Release()
	return array.NewDictionaryArray(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, idx, dict)
}

// concatenate copies the record batches of page into one record in Go
// memory.
func concatenate(schema *arrow.Schema, page []arrow.Record) (arrow.Record, error) {
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i := range cols {
		parts := make([]arrow.Array, len(page))
		for k, rec := range page {
			parts[k] = rec.Column(i)
		}
		col, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return nil, fmt.Errorf("parquet: column %s: %w", schema.Field(i).Name, err)
		}
		cols[i] = col
	}
	return array.NewRecord(schema, cols, int64(cols[0].Len())), nil
}

func (s *parquetSink) close() error {
	if s.pw != nil {
		return s.pw.Close()
	}
	return s.fw.Close()
}

func (s *parquetSink) abort() { s.close() }

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
