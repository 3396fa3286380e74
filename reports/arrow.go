package reports

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/marcboeker/go-duckdb"

	sqlfiles "github.com/incubeval/incubeval/sql"
)

// arrowRows runs the query block name of sql/reports, whose only parameter
// is $year, through go-duckdb's Arrow interface on a connection of its own
// (an Arrow connection must not be shared), and hands each record batch to
// fn. Read column by column, a large result costs no allocation per value,
// where database/sql makes and converts one or more for every one; the
// batches are DuckDB's memory, valid only inside fn (arrowText copies a
// string out).
func arrowRows(ctx context.Context, db *sql.DB, name string, year int, fn func(arrow.Record) error) error {
	q, _, err := sqlfiles.Bind(name, sql.Named("year", year)) // checks that $year is its one parameter
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return errors.New("arrow: not a driver connection")
		}
		ar, err := duckdb.NewArrowFromConn(c)
		if err != nil {
			return fmt.Errorf("arrow: %w", err)
		}
		rr, err := ar.QueryContext(ctx, q, year)
		if err != nil {
			return err
		}
		defer rr.Release()
		for rr.Next() {
			if err := fn(rr.Record()); err != nil {
				return err
			}
		}
		return rr.Err()
	})
}

// arrowInt reads row i of an integer column; ok is false for NULL.
func arrowInt(col arrow.Array, i int) (v int64, ok bool, err error) {
	if col.IsNull(i) {
		return 0, false, nil
	}
	switch c := col.(type) {
	case *array.Int8:
		return int64(c.Value(i)), true, nil
	case *array.Int16:
		return int64(c.Value(i)), true, nil
	case *array.Int32:
		return int64(c.Value(i)), true, nil
	case *array.Int64:
		return c.Value(i), true, nil
	case *array.Uint8:
		return int64(c.Value(i)), true, nil
	case *array.Uint16:
		return int64(c.Value(i)), true, nil
	case *array.Uint32:
		return int64(c.Value(i)), true, nil
	}
	return 0, false, fmt.Errorf("arrow: column of %s read as an integer", col.DataType())
}

// arrowFloat reads row i of a DOUBLE column; ok is false for NULL.
func arrowFloat(col arrow.Array, i int) (v float64, ok bool, err error) {
	if col.IsNull(i) {
		return 0, false, nil
	}
	if c, is := col.(*array.Float64); is {
		return c.Value(i), true, nil
	}
	return 0, false, fmt.Errorf("arrow: column of %s read as a DOUBLE", col.DataType())
}

// arrowBool reads row i of a BOOLEAN column; ok is false for NULL.
func arrowBool(col arrow.Array, i int) (v, ok bool, err error) {
	if col.IsNull(i) {
		return false, false, nil
	}
	if c, is := col.(*array.Boolean); is {
		return c.Value(i), true, nil
	}
	return false, false, fmt.Errorf("arrow: column of %s read as a BOOLEAN", col.DataType())
}

// arrowDate reads row i of a DATE column as go-duckdb's database/sql
// driver gives it: midnight UTC; not valid for NULL.
func arrowDate(col arrow.Array, i int) (sql.NullTime, error) {
	if col.IsNull(i) {
		return sql.NullTime{}, nil
	}
	if c, is := col.(*array.Date32); is {
		d := int(c.Value(i))
		return sql.NullTime{Time: time.Date(1970, 1, 1+d, 0, 0, 0, 0, time.UTC), Valid: true}, nil
	}
	return sql.NullTime{}, fmt.Errorf("arrow: column of %s read as a DATE", col.DataType())
}

// arrowText reads row i of a VARCHAR column, not NULL (as a scan into a
// string would refuse it), into a string of Go's own (the batch is freed
// after): the last one read, when the value is the same (*last is the
// column's last string).
func arrowText(col arrow.Array, i int, last *string) (string, error) {
	if col.IsNull(i) {
		return "", fmt.Errorf("arrow: NULL read as a VARCHAR")
	}
	var s string
	switch c := col.(type) {
	case *array.String:
		s = c.Value(i)
	case *array.LargeString:
		s = c.Value(i)
	case *array.StringView:
		s = c.Value(i)
	default:
		return "", fmt.Errorf("arrow: column of %s read as a VARCHAR", col.DataType())
	}
	if s != *last {
		*last = strings.Clone(s)
	}
	return *last, nil
}
