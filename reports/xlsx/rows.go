package xlsx

import (
	"bytes"
	"compress/flate"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Rows are the data rows of a streamed sheet, written as excelize's
// StreamWriter.SetRow writes them, byte for byte, but at a fraction of its
// cost per cell (no cell struct, no reference string, no copies of the
// text), and by a goroutine of their own: excelize's writer is only used
// for the rows above them (title, note, header) and what follows the rows
// (merged cells, print setup). Save puts them into the sheet's part, before
// </sheetData>, wherever the stream writer left the sheet's other rows:
// after all of them, so the rows written here must come below those.
//
// A row is written as StreamWriter.SetRow writes a row of *excelize.Cell,
// one for each column, styled: a value is nil (an empty cell, styled), a
// string, an int or int64, a float64, a time.Time, a bool, or an
// excelize.Cell giving its own style. Rows is not safe for use by several
// goroutines at once; different Rows are.
type Rows struct {
	part   string // xl/worksheets/sheetN.xml
	sheet  string
	mem    []byte // the rows since the last full chunk
	packed packedRows
	cols   [][]byte // column letters, by column from 1
	last   int      // the last row written
	rowNum []byte   // its number, as every cell reference ends
	floats floatTexts
	done   bool // spliced into the part
}

// NewRows are rows of sheet, to be placed below those of a stream writer
// (Place); they may be written before the sheet is made.
func NewRows(sheet string) *Rows { return &Rows{sheet: sheet, mem: rowsBufs.Get().([]byte)[:0]} }

// Place puts the rows below those sw writes, in sw's sheet; the sheet must
// have been made by NewSheet (or be the first sheet), so that its part is
// named by its sheet id as excelize names it.
func (w *Rows) Place(sw *excelize.StreamWriter) {
	w.part = fmt.Sprintf("xl/worksheets/sheet%d.xml", sw.SheetID)
}

// SetRow writes row r (from 1, above any row written before) with vals in
// the columns from 1, each cell styled by styles[j] unless its value is an
// excelize.Cell; height > 0 sets the row's height.
func (w *Rows) SetRow(r int, vals []any, styles []int, height float64) error {
	if r <= w.last {
		return fmt.Errorf("sheet %s: row %d after row %d", w.sheet, r, w.last)
	}
	if r > excelize.TotalRows {
		return fmt.Errorf("sheet %s: row %d: %w", w.sheet, r, excelize.ErrMaxRows)
	}
	if height > excelize.MaxRowHeight {
		return excelize.ErrMaxRowHeight
	}
	w.last = r
	b := append(w.mem, `<row r="`...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, '"')
	if height > 0 {
		b = append(b, ` ht="`...)
		b = strconv.AppendFloat(b, height, 'f', -1, 64)
		b = append(b, `" customHeight="1"`...)
	}
	b = append(b, '>')
	w.rowNum = strconv.AppendInt(w.rowNum[:0], int64(r), 10)
	for j, v := range vals {
		s := 0
		if j < len(styles) {
			s = styles[j]
		}
		switch c := v.(type) {
		case excelize.Cell:
			if c.Formula != "" {
				return fmt.Errorf("sheet %s: a formula in row %d: not written by Rows", w.sheet, r)
			}
			s, v = c.StyleID, c.Value
		case *excelize.Cell:
			if c.Formula != "" {
				return fmt.Errorf("sheet %s: a formula in row %d: not written by Rows", w.sheet, r)
			}
			s, v = c.StyleID, c.Value
		}
		var err error
		if b, err = w.appendCell(b, j+1, r, s, v); err != nil {
			return err
		}
	}
	w.mem = append(b, `</row>`...)
	if len(w.mem) >= rowsChunk {
		w.endChunk()
	}
	return nil
}

// rowsChunk is how many bytes of rows make a chunk: the rows grow chunk by
// chunk, never copied to grow, and each full chunk is deflated at once, on
// a goroutine of its own, while the next rows are written. (A variable for
// the tests.)
var rowsChunk = 1 << 20

// endChunk hands the rows in memory to be deflated as the next chunk.
func (w *Rows) endChunk() {
	w.packed.add(w.mem)
	w.mem = rowsBufs.Get().([]byte)[:0]
}

// rowsBufs are the chunks' buffers, back from deflating.
var rowsBufs = sync.Pool{New: func() any { return make([]byte, 0, rowsChunk+rowsChunk/8) }}

// rowsSem bounds the chunks of every Rows being deflated at once.
var rowsSem = make(chan struct{}, runtime.GOMAXPROCS(0)+1)

// packedRows are rows deflated chunk by chunk as they are written: each
// chunk a deflate stream of its own ended by a sync flush (never final), as
// chunkPacker makes a part's. They are spliced into the sheet's part as
// they are, and the part's checksum combined with theirs.
type packedRows struct {
	crc    uint32 // of the rows' bytes
	size   uint64
	chunks deflating
}

// add deflates raw on a goroutine as the next chunk; raw is the chunk's
// until then (put back into rowsBufs).
func (p *packedRows) add(raw []byte) {
	if len(raw) == 0 {
		return
	}
	p.crc = crc32.Update(p.crc, crc32.IEEETable, raw)
	p.size += uint64(len(raw))
	p.chunks.add(rowsSem, &rowsBufs, raw, false)
}

// finish deflates the last rows and returns the chunks, in order.
func (w *Rows) finish() ([][]byte, error) {
	w.packed.add(w.mem)
	w.mem = nil
	return w.packed.chunks.wait()
}

// writeTo writes the rows to dst as they were written (inflated again):
// for a part that cannot take them deflated.
func (w *Rows) writeTo(dst io.Writer, data [][]byte) error {
	rs := make([]io.Reader, 0, len(data)+1)
	for _, d := range data {
		rs = append(rs, bytes.NewReader(d))
	}
	rs = append(rs, bytes.NewReader(finalEmptyBlock))
	r := flate.NewReader(io.MultiReader(rs...))
	defer r.Close()
	n, err := io.Copy(dst, r)
	if err == nil && uint64(n) != w.packed.size {
		err = fmt.Errorf("sheet %s: %d bytes of rows inflated, %d written", w.sheet, n, w.packed.size)
	}
	return err
}

// finalEmptyBlock ends a deflate stream of sync-flushed chunks: an empty
// stored block, marked final.
var finalEmptyBlock = []byte{0x01, 0x00, 0x00, 0xff, 0xff}

// appendCell appends <c> of column col, row r, style s, value v.
func (w *Rows) appendCell(b []byte, col, r, s int, v any) ([]byte, error) {
	for len(w.cols) <= col {
		name, err := excelize.ColumnNumberToName(len(w.cols) + 1)
		if err != nil {
			return b, err
		}
		w.cols = append(w.cols, []byte(name))
	}
	b = append(b, `<c r="`...)
	b = append(b, w.cols[col-1]...)
	b = append(b, w.rowNum...)
	b = append(b, '"')
	if s != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(s), 10)
		b = append(b, '"')
	}
	switch v := v.(type) {
	case nil:
		return append(b, `></c>`...), nil
	case string:
		return appendInlineStr(b, v), nil
	case []byte:
		return appendInlineStr(b, string(v)), nil
	case int:
		return appendNumber(b, strconv.AppendInt(nil, int64(v), 10)), nil
	case int64:
		return appendNumber(b, strconv.AppendInt(nil, v, 10)), nil
	case int32:
		return appendNumber(b, strconv.AppendInt(nil, int64(v), 10)), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return appendInlineStr(b, fmt.Sprint(v)), nil
		}
		b = append(b, `><v>`...)
		b = w.floats.append(b, v)
		return append(b, `</v></c>`...), nil
	case bool:
		b = append(b, ` t="b"><v>`...)
		if v {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
		return append(b, `</v></c>`...), nil
	case time.Time:
		if s == 0 {
			// excelize gives such a cell a date style of its own.
			return b, fmt.Errorf("sheet %s: a date without a style in row %d", w.sheet, r)
		}
		return appendTime(b, v), nil
	}
	return b, fmt.Errorf("sheet %s: row %d: a value of type %T is not written by Rows", w.sheet, r, v)
}

// floatTexts remembers how recent numbers print: a sheet's weights,
// targets and points repeat row after row, and formatting a float64 (the
// shortest digits that read back the same) costs several times a look-up.
type floatTexts [256]struct {
	bits uint64
	n    uint8 // 0: empty
	text [23]byte
}

// append appends x as strconv.FormatFloat(x, 'f', -1, 64) writes it.
func (t *floatTexts) append(b []byte, x float64) []byte {
	bits := math.Float64bits(x)
	e := &t[(bits^bits>>17^bits>>31^bits>>47)&0xff]
	if e.n > 0 && e.bits == bits {
		return append(b, e.text[:e.n]...)
	}
	start := len(b)
	b = strconv.AppendFloat(b, x, 'f', -1, 64)
	if n := len(b) - start; n <= len(e.text) {
		e.bits, e.n = bits, uint8(n)
		copy(e.text[:], b[start:])
	}
	return b
}

// appendNumber ends a cell holding a number already formatted.
func appendNumber(b, num []byte) []byte {
	b = append(b, `><v>`...)
	b = append(b, num...)
	return append(b, `</v></c>`...)
}

// appendTime ends a cell holding t as excelize does: an Excel serial of
// the wall time (the 1900 date system), or the RFC 3339 text of a time
// before 1900.
func appendTime(b []byte, t time.Time) []byte {
	_, offset := t.In(t.Location()).Zone()
	t = t.Add(time.Duration(offset) * time.Second)
	x := excelTime(t)
	if x > 0 {
		return appendNumber(b, strconv.AppendFloat(nil, x, 'f', -1, 64))
	}
	b = append(b, ` t="inlineStr"><is><t>`...)
	b = append(b, t.Format(time.RFC3339Nano)...)
	return append(b, `</t></is></c>`...)
}

// excelTime is excelize's timeToExcelTime for the 1900 date system,
// step for step, so that every serial has the same digits.
func excelTime(t time.Time) float64 {
	const (
		dayNanoseconds = 24 * time.Hour
		maxDuration    = 290 * 364 * dayNanoseconds
	)
	var (
		excelMinTime1900      = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
		excelBuggyPeriodStart = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
	)
	date := excelMinTime1900
	if t.Before(date) {
		return 0
	}
	tt, diff, result := t, t.Sub(date), 0.0
	for diff >= maxDuration {
		result += float64(maxDuration / dayNanoseconds)
		tt = tt.Add(-maxDuration)
		diff = tt.Sub(date)
	}
	rem := diff % dayNanoseconds
	result += float64(diff-rem)/float64(dayNanoseconds) + float64(rem)/float64(dayNanoseconds)
	if t.After(excelBuggyPeriodStart) {
		result++
	}
	return result
}

// appendInlineStr ends a cell holding s as an inline string, as excelize's
// setInlineStr and writeCell do: cut to Excel's 32,767 characters, XML-
// escaped (line breaks kept), _xHHHH_ escaped, xml:space="preserve" when
// it starts or ends with white space.
func appendInlineStr(b []byte, s string) []byte {
	if len(s) > excelize.TotalCellChars {
		// Cut first: the cut text's own ends decide xml:space, as in
		// excelize's trimCellValue.
		s = cutCellText(s)
	}
	b = append(b, ` t="inlineStr"><is><t`...)
	if s != "" && (isXMLSpace(s[0]) || isXMLSpace(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	if plainText(s) {
		b = append(b, s...)
	} else {
		b = append(b, escapeCellText(s)...)
	}
	return append(b, `</t></is></c>`...)
}

func isXMLSpace(c byte) bool { return c == 9 || c == 10 || c == 13 || c == 32 }

// plainText says s is written as it is: short enough, nothing to escape,
// no _x in it. Past ASCII only invalid UTF-8 and U+FFFE, U+FFFF are
// escaped (all three-byte runes from U+FFC0 on are sent to escapeCellText,
// which decides exactly).
func plainText(s string) bool {
	if len(s) > excelize.TotalCellChars {
		return false
	}
	wide := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			wide = true
		case asciiEscaped[c]:
			return false
		case c == '_' && i+1 < len(s) && s[i+1] == 'x':
			return false
		}
	}
	return !wide || (utf8.ValidString(s) && !strings.Contains(s, "\xef\xbf"))
}

// asciiEscaped are the ASCII bytes XML escapes in text (line feeds are
// kept): the quotes, &, <, > and the control characters.
var asciiEscaped = func() (t [utf8.RuneSelf]bool) {
	for c := range byte(0x20) {
		t[c] = c != '\n'
	}
	for _, c := range `"'&<>` {
		t[c] = true
	}
	return t
}()

// escapeCellText is excelize's trimCellValue(s, true) for a string
// plainText refuses.
func escapeCellText(s string) string {
	s = cutCellText(s)
	if s != "" {
		var buf strings.Builder
		_ = xml.EscapeText(&buf, []byte(s))
		s = strings.ReplaceAll(buf.String(), "&#xA;", "\n")
	}
	return bstrMarshal(s)
}

// cutCellText cuts s to Excel's 32,767 characters (UTF-16 units), as
// excelize's truncateUTF16Units does.
func cutCellText(s string) string {
	units := 0
	for i, r := range s {
		if units += utf16.RuneLen(r); units > excelize.TotalCellChars {
			return s[:i]
		}
	}
	return s
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal is excelize's: it escapes text that reads as an _xHHHH_
// escape, so that readers do not decode it.
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// Discard frees what the rows hold; Save does once it has written them.
// (A chunk still being deflated is dropped when it is.)
func (w *Rows) Discard() {
	w.mem, w.packed = nil, packedRows{}
}

// rowsSplicer stands before a worksheet part's sink and writes the rows
// held for the part just before its </sheetData>.
type rowsSplicer struct {
	inner partSink
	rows  *Rows
	tail  []byte // the end of the last write: a cut </sheetData>
	err   error
}

var sheetDataClose = []byte(`</sheetData>`)

func (s *rowsSplicer) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n := len(p)
	if s.rows.done {
		_, s.err = s.inner.Write(p)
		return n, s.err
	}
	buf := p
	if len(s.tail) > 0 {
		buf = append(s.tail, p...)
		s.tail = nil
	}
	if i := bytes.Index(buf, sheetDataClose); i >= 0 {
		if _, s.err = s.inner.Write(buf[:i]); s.err != nil {
			return 0, s.err
		}
		if s.err = s.splice(); s.err != nil {
			return 0, s.err
		}
		_, s.err = s.inner.Write(buf[i:])
		return n, s.err
	}
	// Hold back what could be the start of </sheetData>.
	keep := min(len(buf), len(sheetDataClose)-1)
	s.tail = append([]byte(nil), buf[len(buf)-keep:]...)
	_, s.err = s.inner.Write(buf[:len(buf)-keep])
	return n, s.err
}

func (s *rowsSplicer) splice() error {
	s.rows.done = true
	defer s.rows.Discard()
	data, err := s.rows.finish()
	if err != nil {
		return err
	}
	if pa, ok := s.inner.(packedAppender); ok && pa.appendPacked(data, s.rows.packed.crc, s.rows.packed.size) {
		return nil
	}
	return s.rows.writeTo(s.inner, data)
}

// packedAppender is a part's sink that can take bytes already deflated (a
// sync-flushed, non-final deflate stream of size bytes with checksum crc)
// after those written so far; false: they must be written as bytes.
type packedAppender interface {
	appendPacked(data [][]byte, crc uint32, size uint64) bool
}

func (s *rowsSplicer) close() error {
	if s.err != nil {
		return s.err
	}
	if len(s.tail) > 0 {
		if _, err := s.inner.Write(s.tail); err != nil {
			return err
		}
		s.tail = nil
	}
	if !s.rows.done {
		return fmt.Errorf("sheet %s: %s has no </sheetData> to put its rows before", s.rows.sheet, s.rows.part)
	}
	return s.inner.close()
}

func (s *rowsSplicer) result() (*packedPart, error) {
	if s.err != nil {
		return nil, s.err
	}
	return s.inner.result()
}

const (
	workbookPart     = "xl/workbook.xml"
	workbookRelsPart = "xl/_rels/workbook.xml.rels"
)

// teeSink keeps a copy of a part as it passes.
type teeSink struct {
	partSink
	copy *[]byte
}

func (t *teeSink) Write(p []byte) (int, error) {
	*t.copy = append(*t.copy, p...)
	return t.partSink.Write(p)
}

// checkRowsParts checks, from the workbook and its relationships, that
// each sheet's rows went into that sheet's part: Place names the part by
// the sheet's id, as excelize names a new sheet's.
func checkRowsParts(rows map[string]*Rows, workbook, rels []byte) error {
	if len(rows) == 0 {
		return nil
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(workbook, &wb); err != nil {
		return fmt.Errorf("read %s: %w", workbookPart, err)
	}
	var rs struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(rels, &rs); err != nil {
		return fmt.Errorf("read %s: %w", workbookRelsPart, err)
	}
	target := map[string]string{}
	for _, r := range rs.Rel {
		t := strings.TrimPrefix(r.Target, "/")
		if !strings.HasPrefix(t, "xl/") {
			t = "xl/" + t
		}
		target[r.ID] = t
	}
	part := map[string]string{}
	for _, s := range wb.Sheets {
		part[s.Name] = target[s.ID]
	}
	for p, r := range rows {
		if part[r.sheet] != p {
			return fmt.Errorf("sheet %s: its rows went into %s, the sheet is %q", r.sheet, p, part[r.sheet])
		}
	}
	return nil
}
