package ingest

import (
	"context"
	"database/sql/driver"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/marcboeker/go-duckdb"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Rows whose text adds up to more than a batch may hold before its
// 122,880 rows: the sink hands a batch over once its text reaches
// sinkText, before it outgrows the 32-bit offsets of an Arrow text column
// (arrow/go checks them only in debug builds: without the bound, 45,000
// rows of a 100,000-byte cell each, within Excel's 32,767 characters, made
// one batch of 4.5 GB whose offsets wrapped, and the load never ended).
// Here the bound is lowered to 1 MiB and the text is 40 MB, so that the
// test is light; every row and every byte is stored.
func TestArrowSinkWideText(t *testing.T) {
	if sinkText >= 1<<31-4*MaxCellChars {
		t.Fatalf("sinkText %d leaves a batch's text no room under 2 GiB", sinkText)
	}
	defer func(old int) { sinkText = old }(sinkText)
	sinkText = 1 << 20
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	const rows, wide = 4000, 10000
	big1 := strings.Repeat("长", wide/3+1)[:wide/3*3]
	var wantBytes int64
	err = conn.Raw(func(dc any) error {
		s, err := newArrowSink(ctx, dc.(driver.Conn), "store.registry")
		if err != nil {
			return err
		}
		defer s.Abort()
		vals := make([]driver.Value, len(s.schema.Fields()))
		first := true
		for i, f := range s.schema.Fields() {
			switch ty := f.Type.(type) {
			case *arrow.StringType:
				if first && f.Name != "sheet" {
					vals[i], first = big1, false
				} else {
					vals[i] = "x"
				}
			case *arrow.Int32Type:
				vals[i] = int32(1)
			case *arrow.Int64Type:
				vals[i] = int64(1)
			case *arrow.Float64Type:
				vals[i] = 1.0
			case *arrow.BooleanType:
				vals[i] = true
			case *arrow.Date32Type:
				vals[i] = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			case *arrow.Decimal128Type:
				vals[i] = duckdb.Decimal{Width: uint8(ty.Precision), Scale: uint8(ty.Scale), Value: big.NewInt(1)}
			default:
				t.Fatalf("%s: %s", f.Name, f.Type)
			}
		}
		for r := 0; r < rows; r++ {
			if err := s.AppendRow(vals...); err != nil {
				return err
			}
			wantBytes += int64(len(big1))
		}
		if err := s.Close(); err != nil {
			return err
		}
		if want := rows * (wide / 3 * 3) / sinkText; s.sent < want {
			t.Errorf("%d batches handed over for %d bytes of text, want at least %d", s.sent, wantBytes, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var n, total int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*), sum(strlen(carrier_id)) FROM store.registry").Scan(&n, &total); err != nil {
		t.Fatal(err)
	}
	if n != rows || total != wantBytes {
		t.Fatalf("%d rows of %d bytes stored, want %d of %d", n, total, rows, wantBytes)
	}
}
