package xlsx

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

// isWorksheetPart: xl/worksheets/sheetN.xml.
func isWorksheetPart(name string) bool {
	return strings.HasPrefix(name, "xl/worksheets/sheet") && strings.HasSuffix(name, ".xml")
}

// dimensionFixer stands before a worksheet part's sink and makes its
// <dimension ref> the sheet's used range. It reads the head of the part up
// to the dimension element: a range other than excelize's default "A1" was
// set on purpose, by a writer that knew the sheet's size (sizedStream), and
// the part passes through unchanged. Otherwise the part is held (in memory,
// or in a temporary file past spillAt) while the rows and cells in it are
// measured, and written with its real range when it ends.
type dimensionFixer struct {
	inner   partSink
	head    []byte // the part up to the decision
	decided bool
	collect bool // holding the part to measure it
	held    spool
	used    usedRange
	err     error
}

// sniffLimit: a head this long without a dimension element has none.
const sniffLimit = 64 << 10

var (
	dimensionOpen = []byte(`<dimension ref="`)
	sheetDataOpen = []byte(`<sheetData`)
)

func (d *dimensionFixer) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n := len(p)
	if !d.decided {
		// Undecided, the part so far is looked at; in the usual case the
		// first write holds the whole head and is not copied.
		buf := p
		if len(d.head) > 0 {
			d.head = append(d.head, p...)
			buf = d.head
		}
		if !d.decide(buf, false) {
			if len(d.head) == 0 {
				d.head = append(d.head, p...)
			}
			return n, nil
		}
		p, d.head = buf, nil
		if !d.collect {
			_, d.err = d.inner.Write(p)
			return n, d.err
		}
	} else if !d.collect {
		return d.inner.Write(p)
	}
	d.used.Write(p)
	if _, d.err = d.held.Write(p); d.err != nil {
		return 0, d.err
	}
	return n, nil
}

// appendPacked passes rows already deflated on to the sink, once the part
// is known to pass through unchanged (a sheet whose rows are measured
// needs their bytes).
func (d *dimensionFixer) appendPacked(data [][]byte, crc uint32, size uint64) bool {
	if d.err != nil || !d.decided || d.collect {
		return false
	}
	pa, ok := d.inner.(packedAppender)
	return ok && pa.appendPacked(data, crc, size)
}

// decide looks at the part's head for the dimension element; at the end of
// the part (final) it decides with what there is.
func (d *dimensionFixer) decide(head []byte, final bool) bool {
	i := bytes.Index(head, dimensionOpen)
	data := bytes.Index(head, sheetDataOpen)
	switch {
	case i >= 0 && (data < 0 || i < data):
		rest := head[i+len(dimensionOpen):]
		end := bytes.IndexByte(rest, '"')
		if end < 0 && !final {
			return false // the attribute goes on in the next write
		}
		d.decided = true
		d.collect = end >= 0 && string(rest[:end]) == "A1"
	case data >= 0 || final || len(head) > sniffLimit:
		d.decided = true // no dimension element: nothing to fix
	default:
		return false
	}
	return true
}

func (d *dimensionFixer) close() error {
	if d.err != nil {
		return d.err
	}
	if !d.decided {
		d.decide(d.head, true)
		p := d.head
		d.head = nil
		if !d.collect {
			if _, err := d.inner.Write(p); err != nil {
				return err
			}
			return d.inner.close()
		}
		d.used.Write(p)
		if _, err := d.held.Write(p); err != nil {
			return err
		}
	}
	if !d.collect {
		return d.inner.close()
	}
	defer d.held.discard()
	r, err := d.held.reader()
	if err != nil {
		return err
	}
	// The element is near the start: read up to it, replace its range,
	// copy the rest.
	var head []byte
	buf := make([]byte, 4096)
	for {
		if i := bytes.Index(head, dimensionOpen); i >= 0 {
			i += len(dimensionOpen)
			if end := bytes.IndexByte(head[i:], '"'); end >= 0 {
				fixed := append(append(append(make([]byte, 0, len(head)+16), head[:i]...), d.used.ref()...), head[i+end:]...)
				if _, err := d.inner.Write(fixed); err != nil {
					return err
				}
				break
			}
		}
		n, err := r.Read(buf)
		head = append(head, buf[:n]...)
		if err == io.EOF && n == 0 {
			return fmt.Errorf("worksheet: the dimension element is cut short")
		}
		if err != nil && err != io.EOF {
			return err
		}
	}
	if _, err := io.Copy(d.inner, r); err != nil {
		return err
	}
	return d.inner.close()
}

func (d *dimensionFixer) result() (*packedPart, error) {
	if d.err != nil {
		return nil, d.err
	}
	return d.inner.result()
}

// usedRange measures the rows and cells of worksheet XML written to it, in
// pieces of any size: <row r="N"> and <c r="XN">.
type usedRange struct {
	minRow, maxRow, minCol, maxCol int
	carry                          []byte // an element cut by the end of the last write
}

var (
	rowOpen  = []byte(`<row r="`)
	cellOpen = []byte(`<c r="`)
)

func (u *usedRange) Write(p []byte) {
	if len(u.carry) > 0 {
		// The element begun in the last write ends at the next '>'.
		end := bytes.IndexByte(p, '>')
		if end < 0 {
			u.carry = append(u.carry, p...)
			return
		}
		u.carry = append(u.carry, p[:end+1]...)
		u.scan(u.carry)
		u.carry = u.carry[:0]
		p = p[end+1:]
	}
	if last := bytes.LastIndexByte(p, '<'); last >= 0 && bytes.IndexByte(p[last:], '>') < 0 {
		u.carry = append(u.carry, p[last:]...)
		p = p[:last]
	}
	u.scan(p)
}

func (u *usedRange) scan(b []byte) {
	for {
		i := bytes.IndexByte(b, '<')
		if i < 0 {
			return
		}
		b = b[i:]
		switch {
		case bytes.HasPrefix(b, rowOpen):
			b = b[len(rowOpen):]
			row, n := leadingInt(b)
			if n > 0 {
				u.addRow(row)
			}
		case bytes.HasPrefix(b, cellOpen):
			b = b[len(cellOpen):]
			col := 0
			k := 0
			for k < len(b) && b[k] >= 'A' && b[k] <= 'Z' {
				col = col*26 + int(b[k]-'A'+1)
				k++
			}
			row, n := leadingInt(b[k:])
			if k > 0 && n > 0 {
				u.addRow(row)
				u.addCol(col)
			}
		default:
			b = b[1:]
		}
	}
}

func leadingInt(b []byte) (v, n int) {
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		v = v*10 + int(b[n]-'0')
		n++
	}
	return v, n
}

func (u *usedRange) addRow(r int) {
	if u.minRow == 0 || r < u.minRow {
		u.minRow = r
	}
	u.maxRow = max(u.maxRow, r)
}

func (u *usedRange) addCol(c int) {
	if u.minCol == 0 || c < u.minCol {
		u.minCol = c
	}
	u.maxCol = max(u.maxCol, c)
}

// ref is the range as a reference: "A1:Y148", or "A1" for an empty sheet.
func (u *usedRange) ref() []byte {
	if u.maxRow == 0 {
		return []byte("A1")
	}
	minCol, maxCol := max(u.minCol, 1), max(u.maxCol, 1)
	a, _ := excelize.CoordinatesToCellName(minCol, u.minRow)
	b, _ := excelize.CoordinatesToCellName(maxCol, u.maxRow)
	if a == b {
		return []byte(a)
	}
	return []byte(a + ":" + b)
}

// spool holds bytes in memory, and past spillAt in a temporary file.
type spool struct {
	mem  bytes.Buffer
	file *os.File
}

const spillAt = 32 << 20

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) > spillAt {
		f, err := os.CreateTemp("", "incubeval-sheet-*.xml")
		if err != nil {
			return 0, fmt.Errorf("hold a worksheet: %w", err)
		}
		s.file = f
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			return 0, err
		}
		s.mem = bytes.Buffer{}
	}
	if s.file != nil {
		return s.file.Write(p)
	}
	return s.mem.Write(p)
}

// reader reads back what was written.
func (s *spool) reader() (io.Reader, error) {
	if s.file == nil {
		return &s.mem, nil
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return s.file, nil
}

func (s *spool) discard() {
	s.mem = bytes.Buffer{}
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
		s.file = nil
	}
}
