package ingest

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/big"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/marcboeker/go-duckdb"
)

// rowSink takes the accepted rows of a load: DuckDB's appender, or an
// arrowSink.
type rowSink interface {
	AppendRow(args ...driver.Value) error
	Flush() error
	Close() error
}

// arrowSink collects rows into Arrow record batches that one INSERT …
// SELECT, running beside the caller from the first batch on, takes as
// they come. DuckDB's appender converts every value through cgo and
// writes the table on the caller's thread alone, after the rows; here
// DuckDB's threads convert and write the rows while the caller is still
// reading and checking the next ones, and appending a value to an Arrow
// builder costs a fraction of the appender's SetValue. The rows are the
// same, in the same order (insertion order is preserved).
//
// While the INSERT runs, the caller must not use the connection: the
// row_issues appender only fills its own chunks until it is flushed,
// after Close.
type arrowSink struct {
	ctx    context.Context
	conn   driver.Conn
	ar     *duckdb.Arrow
	table  string // schema.table, a name of ours
	view   string
	schema *arrow.Schema
	b      *array.RecordBuilder
	put    []func(driver.Value) error // per column: append a value to its builder
	inB    int                        // rows in the builder
	text   int                        // bytes of text in the builder
	sent   int                        // batches handed to the INSERT
	ch     chan arrow.Record          // batches for the INSERT; nil until it starts
	done   chan struct{}              // closed when the INSERT has returned
	abort  chan struct{}              // closed by Abort: the INSERT fails at its next batch
	err    error                      // the INSERT's, once done is closed
	closed bool
}

// sinkBatch is the rows of one Arrow batch: a row group's worth. DuckDB's
// threads take batches from the stream one at a time and each writes whole
// row groups; with smaller batches (8,192 rows) its batch insert merged
// them into row groups written a second time, and the blocks of the first
// writing stayed allocated: the 7.5 million rows of 16x the national
// history took a 356 MB database file instead of 173 MB.
const sinkBatch = 122880

// sinkText bounds the bytes of text a batch holds: a text column's Arrow
// offsets are 32-bit, and 122,880 rows of cells up to Excel's 32,767
// characters (a shared string repeated down a column of a small workbook,
// or ㍿ normalised to 株式会社) would overflow them after taking gigabytes
// (arrow/go checks them only in debug builds: they wrap). A batch is
// handed over once it holds this much.
var sinkText = 256 << 20 // a variable for tests

// newArrowSink makes a sink for table (schema.table, a name of ours, not
// of any input) on the driver connection dc, inside its transaction.
func newArrowSink(ctx context.Context, dc driver.Conn, table string) (*arrowSink, error) {
	ar, err := duckdb.NewArrowFromConn(dc)
	if err != nil {
		return nil, err
	}
	rdr, err := ar.QueryContext(ctx, "SELECT * FROM "+table+" LIMIT 0")
	if err != nil {
		return nil, fmt.Errorf("the columns of %s: %w", table, err)
	}
	schema := rdr.Schema()
	rdr.Release()
	s := &arrowSink{ctx: ctx, conn: dc, ar: ar, table: table, view: "incubeval_ingest_batch", schema: schema,
		b: array.NewRecordBuilder(memory.DefaultAllocator, schema)}
	for i, f := range schema.Fields() {
		put, err := putter(s.b.Field(i), f, &s.text)
		if err != nil {
			s.b.Release()
			return nil, fmt.Errorf("%s.%s: %w", table, f.Name, err)
		}
		s.put = append(s.put, put)
	}
	return s, nil
}

// putter returns what appends a value, as the loaders make them, to a
// builder of field f's type; a value of another Go type is an error, as
// the appender would make it.
func putter(fb array.Builder, f arrow.Field, text *int) (func(driver.Value) error, error) {
	bad := func(v driver.Value) error {
		return fmt.Errorf("column %s (%s): cannot take a %T", f.Name, f.Type, v)
	}
	switch b := fb.(type) {
	case *array.StringBuilder:
		return func(v driver.Value) error {
			switch x := v.(type) {
			case nil:
				b.AppendNull()
			case string:
				b.Append(x)
				*text += len(x)
			default:
				return bad(v)
			}
			return nil
		}, nil
	case *array.Int32Builder:
		return typed[int32](b, bad), nil
	case *array.Int64Builder:
		return func(v driver.Value) error {
			switch x := v.(type) {
			case nil:
				b.AppendNull()
			case int64:
				b.Append(x)
			case int32:
				b.Append(int64(x))
			default:
				return bad(v)
			}
			return nil
		}, nil
	case *array.Float64Builder:
		return typed[float64](b, bad), nil
	case *array.BooleanBuilder:
		return typed[bool](b, bad), nil
	case *array.Date32Builder:
		return func(v driver.Value) error {
			switch x := v.(type) {
			case nil:
				b.AppendNull()
			case time.Time:
				b.Append(arrow.Date32FromTime(x))
			default:
				return bad(v)
			}
			return nil
		}, nil
	case *array.TimestampBuilder:
		unit := f.Type.(*arrow.TimestampType).Unit
		return func(v driver.Value) error {
			switch x := v.(type) {
			case nil:
				b.AppendNull()
			case time.Time:
				ts, err := arrow.TimestampFromTime(x, unit)
				if err != nil {
					return err
				}
				b.Append(ts)
			default:
				return bad(v)
			}
			return nil
		}, nil
	case *array.Decimal128Builder:
		scale := f.Type.(*arrow.Decimal128Type).Scale
		return func(v driver.Value) error {
			switch x := v.(type) {
			case nil:
				b.AppendNull()
			case duckdb.Decimal:
				if x.Scale != uint8(scale) {
					return fmt.Errorf("column %s: a decimal of scale %d for a column of scale %d", f.Name, x.Scale, scale)
				}
				b.Append(decimal128.FromBigInt(new(big.Int).Set(x.Value)))
			default:
				return bad(v)
			}
			return nil
		}, nil
	}
	return nil, fmt.Errorf("no Arrow loading for type %s", f.Type)
}

// typed appends a value of Go type T, or NULL for nil, to b.
func typed[T any](b interface {
	Append(T)
	AppendNull()
}, bad func(driver.Value) error) func(driver.Value) error {
	return func(v driver.Value) error {
		switch x := v.(type) {
		case nil:
			b.AppendNull()
		case T:
			b.Append(x)
		default:
			return bad(v)
		}
		return nil
	}
}

func (s *arrowSink) AppendRow(args ...driver.Value) error {
	if len(args) != len(s.put) {
		return fmt.Errorf("%s: %d values for %d columns", s.table, len(args), len(s.put))
	}
	for i, v := range args {
		if err := s.put[i](v); err != nil {
			return err
		}
	}
	s.inB++
	if s.inB == sinkBatch || s.text >= sinkText {
		return s.Flush()
	}
	return nil
}

// Flush hands the rows collected so far to the INSERT, starting it.
func (s *arrowSink) Flush() error {
	if s.inB == 0 {
		return nil
	}
	rec := s.b.NewRecord()
	s.inB, s.text = 0, 0
	if s.ch == nil {
		if err := s.start(); err != nil {
			rec.Release()
			return err
		}
	}
	select {
	case s.ch <- rec:
		s.sent++
		return nil
	case <-s.done:
		rec.Release()
		if s.err != nil {
			return s.err
		}
		return fmt.Errorf("%s: the insert ended before its rows", s.table)
	}
}

// start registers the stream of batches and runs the INSERT from it.
func (s *arrowSink) start() error {
	s.ch, s.done, s.abort = make(chan arrow.Record, 4), make(chan struct{}), make(chan struct{})
	rdr := &batches{schema: s.schema, ch: s.ch, ctx: s.ctx, abort: s.abort}
	release, err := s.ar.RegisterView(rdr, s.view)
	if err != nil {
		close(s.done)
		s.err = fmt.Errorf("%s: register the rows: %w", s.table, err)
		return s.err
	}
	go func() {
		defer close(s.done)
		defer release()
		defer rdr.drop()
		_, err := s.conn.(driver.ExecerContext).ExecContext(s.ctx, "INSERT INTO "+s.table+" SELECT * FROM "+s.view, nil)
		if err != nil {
			s.err = fmt.Errorf("%s: insert: %w", s.table, err)
		}
	}()
	return nil
}

// Close hands over what is left, waits for the INSERT, and removes the
// view of the stream.
func (s *arrowSink) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.Flush()
	s.b.Release()
	if s.ch == nil {
		return err
	}
	close(s.ch)
	<-s.done
	for r := range s.ch { // batches the INSERT never took (it failed)
		r.Release()
	}
	if err == nil {
		err = s.err
	}
	if _, errDrop := s.conn.(driver.ExecerContext).ExecContext(s.ctx, "DROP VIEW IF EXISTS "+s.view, nil); err == nil && errDrop != nil {
		err = fmt.Errorf("%s: %w", s.table, errDrop)
	}
	return err
}

// errSinkAborted fails the INSERT of a sink its caller abandoned.
var errSinkAborted = errors.New("the load was abandoned")

// Abort ends a sink its caller will not Close (it panicked): a running
// INSERT fails at its next batch and is waited for, so that the
// connection is free again for the ROLLBACK (store.ConnTx rolls back as
// a panic passes) and whatever the connection runs next; waiting for
// batches that never came, it held the connection for good. After Close
// it does nothing.
func (s *arrowSink) Abort() {
	if s.closed {
		return
	}
	s.closed = true
	s.b.Release()
	if s.ch == nil {
		return
	}
	close(s.abort)
	<-s.done
	for {
		select {
		case r := <-s.ch:
			r.Release()
		default:
			// The view goes with the transaction's rollback, if not here.
			_, _ = s.conn.(driver.ExecerContext).ExecContext(context.WithoutCancel(s.ctx), "DROP VIEW IF EXISTS "+s.view, nil)
			return
		}
	}
}

// batches is the RecordReader the INSERT reads: the batches sent on ch,
// each let go as the reader moves past it. DuckDB's Arrow scan holds its
// own reference while it converts one, and never releases the stream
// itself (go-duckdb's release frees only the struct), so nothing here
// waits for that to free the rows.
type batches struct {
	schema *arrow.Schema
	ch     <-chan arrow.Record
	ctx    context.Context
	abort  <-chan struct{}
	cur    arrow.Record
	err    error
	refs   atomic.Int64 // the reader's own references, unused
}

func (b *batches) Retain()               { b.refs.Add(1) }
func (b *batches) Release()              { b.refs.Add(-1) }
func (b *batches) Schema() *arrow.Schema { return b.schema }
func (b *batches) Record() arrow.Record  { return b.cur }
func (b *batches) Err() error            { return b.err }

// Next waits for the next batch; the channel closed is the end of the
// rows, a cancelled context an error that fails the INSERT.
func (b *batches) Next() bool {
	b.drop()
	select {
	case r, ok := <-b.ch:
		if !ok {
			return false
		}
		b.cur = r
		return true
	case <-b.ctx.Done():
		b.err = b.ctx.Err()
		return false
	case <-b.abort:
		b.err = errSinkAborted
		return false
	}
}

// drop lets go of the batch read last.
func (b *batches) drop() {
	if b.cur != nil {
		b.cur.Release()
		b.cur = nil
	}
}
