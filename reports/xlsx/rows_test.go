package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestRowsWriteAsStreamWriter: rows written by Rows give the same workbook,
// byte for byte, as the same rows written by excelize's StreamWriter as
// *excelize.Cell (one a column, styled), for every kind of value and text
// the workbooks hold and the awkward ones they might.
//
// The rows are deflated as they are written, so the archive's bytes differ
// from the StreamWriter's: every part, unpacked (which checks its CRC), is
// the same, in the same order.
func TestRowsWriteAsStreamWriter(t *testing.T) {
	t.Run("one chunk", func(t *testing.T) { testRowsWriteAsStreamWriter(t, true) })
	t.Run("many chunks", func(t *testing.T) {
		defer func(chunk int) { rowsChunk = chunk }(rowsChunk)
		rowsChunk = 100
		testRowsWriteAsStreamWriter(t, true)
	})
	// A sheet whose size is not set is measured as it is saved: its rows
	// are inflated again and pass as bytes.
	t.Run("measured sheet", func(t *testing.T) {
		defer func(chunk int) { rowsChunk = chunk }(rowsChunk)
		rowsChunk = 100
		testRowsWriteAsStreamWriter(t, false)
	})
}

func testRowsWriteAsStreamWriter(t *testing.T, sized bool) {
	shanghai := time.FixedZone("CST", 8*3600)
	texts := []string{
		"", "中文名称", "plain ASCII", " leading", "trailing ", "\tx", "x\r", "two\nlines", "\n",
		`<&>"'`, "_x0041_", "_x005F_x0041_", "a_x", "_xZZZZ_", "bad \xff byte", "\uFFFE\uFFFF", "ctl \x01\x1f",
		"emoji 😀", "全角（括号）、标点。", strings.Repeat("长", 20000), strings.Repeat("a", 40000),
		strings.Repeat("😀", 20000), "逾期12天", "—", "￥1,000（元）", "\uFFFD literal", "del \x7f", "_", "x_", "a_xb",
		// Cut to 32,767 characters, the cut's own ends decide xml:space.
		strings.Repeat("a", 32766) + " b", strings.Repeat("a", 40000) + " ", " " + strings.Repeat("长", 32767) + "x",
	}
	values := []any{
		nil, 0, 1, -7, int64(12713), int64(-3), 0.0, -1.5, 123.456, 1e21, 1e-7, 99.99999999999, math.NaN(), math.Inf(1), math.Inf(-1),
		true, false,
		time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), time.Date(2024, 12, 31, 23, 59, 59, 500, time.UTC),
		time.Date(2025, 7, 1, 8, 30, 0, 0, shanghai), time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC),
		time.Date(1899, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, s := range texts {
		values = append(values, s)
	}
	const ncol = 5
	var rows [][]any
	var heights []float64
	for i := 0; i < len(values); i += 3 {
		row := make([]any, ncol)
		for j := range 3 {
			if i+j < len(values) {
				row[j] = values[i+j]
			}
		}
		row[3] = excelize.Cell{StyleID: 2, Value: values[(i+1)%len(values)]}
		row[4] = excelize.Cell{StyleID: 3}
		rows = append(rows, row)
		heights = append(heights, []float64{0, 27.5, excelize.MaxRowHeight, 13}[i%4])
	}
	styles := []int{1, 2, 3, 1, 2}

	write := func(own bool) []byte {
		t.Helper()
		f := New()
		defer f.Close()
		for range 3 {
			if _, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.NewSheet("数据"); err != nil {
			t.Fatal(err)
		}
		sw, err := f.NewStreamWriter("数据")
		if sized {
			sw, err = SizedStream(f, "数据", ncol, 1+len(rows))
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: 1, Value: "title"}}); err != nil {
			t.Fatal(err)
		}
		var o Options
		if own {
			rw := NewRows("数据")
			rw.Place(sw)
			for i, r := range rows {
				if err := rw.SetRow(i+2, r, styles, heights[i]); err != nil {
					t.Fatal(err)
				}
			}
			o.Rows = []*Rows{rw}
		} else {
			for i, r := range rows {
				cells := make([]any, len(r))
				for j, v := range r {
					if c, ok := v.(excelize.Cell); ok {
						cells[j] = &c
					} else {
						cells[j] = &excelize.Cell{StyleID: styles[j], Value: v}
					}
				}
				var opts []excelize.RowOpts
				if heights[i] > 0 {
					opts = append(opts, excelize.RowOpts{Height: heights[i]})
				}
				ref, _ := excelize.CoordinatesToCellName(1, i+2)
				if err := sw.SetRow(ref, cells, opts...); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := sw.MergeCell("A1", "E1"); err != nil {
			t.Fatal(err)
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := write(f, &buf, o); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	want, got := write(false), write(true)
	wantParts, gotParts := unzipParts(t, want), unzipParts(t, got)
	if len(wantParts) != len(gotParts) {
		t.Fatalf("%d parts, want %d", len(gotParts), len(wantParts))
	}
	for i, w := range wantParts {
		g := gotParts[i]
		if g.name != w.name {
			t.Fatalf("part %d is %s, want %s", i, g.name, w.name)
		}
		if !bytes.Equal(w.data, g.data) {
			for k := 0; k < min(len(w.data), len(g.data)); k++ {
				if w.data[k] != g.data[k] {
					lo := max(k-120, 0)
					t.Fatalf("%s differs first at byte %d:\nStreamWriter: %q\nRows:         %q", w.name, k, w.data[lo:min(k+120, len(w.data))], g.data[lo:min(k+120, len(g.data))])
				}
			}
			t.Fatalf("%s differs (lengths %d, %d)", w.name, len(w.data), len(g.data))
		}
	}
}

type unzipped struct {
	name string
	data []byte
}

// unzipParts unpacks every part of a workbook, in the archive's order;
// archive/zip checks each part's CRC-32 and size as it is read.
func unzipParts(t *testing.T, book []byte) []unzipped {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	var out []unzipped
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out = append(out, unzipped{f.Name, b})
	}
	return out
}

// TestCRC32Combine: the CRC of two pieces combined is the CRC of the whole,
// for every split of texts of many lengths.
func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 7, 8, 100, 1000, 4096, 1 << 20, 3<<20 + 5} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		whole := crc32.ChecksumIEEE(b)
		splits := []int{0, n / 2, n}
		for range 5 {
			splits = append(splits, rng.IntN(n+1))
		}
		for _, k := range splits {
			got := crc32Combine(crc32.ChecksumIEEE(b[:k]), crc32.ChecksumIEEE(b[k:]), uint64(n-k))
			if got != whole {
				t.Fatalf("length %d split at %d: %08x, want %08x", n, k, got, whole)
			}
		}
	}
}

// TestRowsWithoutTheirPart: rows whose sheet is not in the workbook fail
// the save rather than vanish.
func TestRowsWithoutTheirPart(t *testing.T) {
	f := New()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	rw := NewRows("Sheet1")
	rw.Place(sw)
	rw.part = "xl/worksheets/sheet9.xml"
	if err := rw.SetRow(1, []any{"x"}, []int{0}, 0); err != nil {
		t.Fatal(err)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := write(f, io.Discard, Options{Rows: []*Rows{rw}}); err == nil {
		t.Fatal("saved without the rows")
	}
}

// TestRowsInAnotherSheet: rows spliced into a sheet other than their own
// fail the save.
func TestRowsInAnotherSheet(t *testing.T) {
	f := New()
	defer f.Close()
	if _, err := f.NewSheet("B"); err != nil {
		t.Fatal(err)
	}
	var sws []*excelize.StreamWriter
	for _, sheet := range []string{"Sheet1", "B"} {
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			t.Fatal(err)
		}
		sws = append(sws, sw)
	}
	rw := NewRows("B")
	rw.Place(sws[0]) // Sheet1's part
	if err := rw.SetRow(1, []any{"x"}, []int{0}, 0); err != nil {
		t.Fatal(err)
	}
	for _, sw := range sws {
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	err := write(f, io.Discard, Options{Rows: []*Rows{rw}})
	if err == nil || !strings.Contains(err.Error(), "sheet B: its rows went into xl/worksheets/sheet1.xml") {
		t.Fatalf("saved with B's rows in Sheet1: %v", err)
	}
}

// BenchmarkRows writes rows shaped as 指标明细's: an id, a name, a level, an
// indicator, four numbers.
func BenchmarkRows(b *testing.B) {
	rw := NewRows("bench")
	vals := []any{int64(12), "CN-FH-000257", "武汉市洪山区领航雁滩现代农业科技企业孵化器", "国家级", "在孵企业数量（家）", 37.0, 30.0, 10.0, 10.0}
	styles := []int{3, 4, 5, 4, 5, 6, 6, 6, 7}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		vals[5] = float64(i%97) * 0.37
		if err := rw.SetRow(i+1, vals, styles, 0); err != nil {
			b.Fatal(err)
		}
	}
	rw.Discard()
}

// TestFloatTexts: a remembered number prints as strconv prints it, the
// same number again or another in its slot.
func TestFloatTexts(t *testing.T) {
	var ft floatTexts
	xs := []float64{0, -0.0, 1, 0.1, 0.37, 12.5, 99.99999999999, 1e21, 1e-7, 123456789.123456789, -3.25, 1e300, 5e-324}
	for i := range 5000 {
		xs = append(xs, float64(i%97)*0.37, float64(i)/7, float64(i*i)*1.0001)
	}
	for round := range 2 {
		for _, x := range xs {
			want := strconv.FormatFloat(x, 'f', -1, 64)
			if got := string(ft.append(nil, x)); got != want {
				t.Fatalf("round %d: %v prints %q, want %q", round, x, got, want)
			}
		}
	}
}

// shortWriter fails once it has taken n bytes, as a full disk does.
type shortWriter struct{ n int }

var errDiskFull = errors.New("no space left on device")

func (w *shortWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

// TestSaveFailsOnAFullDisk: the archive goes straight to its file, so a
// write that fails anywhere in it — in the first part, in the deflated
// rows, in the directory at the end — fails the save with that error;
// Save then leaves no file behind.
func TestSaveFailsOnAFullDisk(t *testing.T) {
	defer func(chunk int) { rowsChunk = chunk }(rowsChunk)
	rowsChunk = 100
	book := func() (*excelize.File, Options) {
		f := New()
		sw, err := SizedStream(f, "Sheet1", 3, 2000)
		if err != nil {
			t.Fatal(err)
		}
		rw := NewRows("Sheet1")
		rw.Place(sw)
		for r := 1; r <= 2000; r++ {
			if err := rw.SetRow(r, []any{r, "载体 " + strconv.Itoa(r*7919), float64(r) / 3}, []int{0, 0, 0}, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
		return f, Options{Rows: []*Rows{rw}}
	}
	f, o := book()
	var whole bytes.Buffer
	if err := write(f, &whole, o); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, n := range []int{0, 100, whole.Len() / 2, whole.Len() - 30} {
		f, o := book()
		err := write(f, &shortWriter{n: n}, o)
		f.Close()
		if !errors.Is(err, errDiskFull) {
			t.Fatalf("a disk full after %d of %d bytes: %v", n, whole.Len(), err)
		}
	}
	// Save: nothing is left where the workbook or its temporary file were.
	dir := t.TempDir()
	f, o = book()
	defer f.Close()
	if _, err := WriteAtomic(filepath.Join(dir, "b.xlsx"), false, func(w io.Writer) error {
		return write(f, io.MultiWriter(w, &shortWriter{n: whole.Len() / 2}), o)
	}); !errors.Is(err, errDiskFull) {
		t.Fatalf("WriteAtomic: %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}
