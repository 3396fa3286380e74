// Package xlsx is the kit every workbook of incubeval is made with: how a
// workbook is written (byte for byte the same for the same content, whole
// or not at all), its number formats, the one display-width model of its
// text, its print setup and the plain styles of the simpler workbooks.
// It knows nothing of the assessment: the workbooks (reports/assessment,
// feedback, chase, template, rejects) put the named result sets of
// sql/reports into cells with it.
package xlsx

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Every workbook incubeval writes is saved through Save (or, to a
// writer, Write), so that three things hold for all of them:
//
//   - Each worksheet declares its used range in <dimension ref>. excelize
//     leaves "A1" there, and readers that trust it (openpyxl read_only,
//     some ETL tools) then see one cell per sheet. A sheet streamed with
//     its size known sets it before streaming (SizedStream); for any other
//     sheet the zip writer finds the range from the sheet's cells.
//   - The same content gives the same bytes: the parts are written in a
//     fixed order ([Content_Types].xml first, then by name — excelize
//     writes streamed sheets in map order), every entry and the document
//     properties dated by the workbook's stamp (its data cut-off), never
//     the clock.
//   - The file appears whole or not at all (a temporary file beside it,
//     synced, then renamed), and its SHA-256 is returned, so that a
//     published workbook can be checked against the run ledger.

// Options say how a workbook is saved.
type Options struct {
	// Stamp dates the workbook: its data cut-off (the latest ingest the
	// numbers come from). Zero leaves the document properties as set and
	// dates the zip entries 1980-01-01, the zip format's first day.
	Stamp time.Time
	// Unsynced leaves the file to the caller to sync, with others at once
	// (SyncFiles): thousands of feedback letters.
	Unsynced bool
	// Dated says the document properties already carry the stamp
	// (Props): they need not be read back to be dated.
	Dated bool
	// Rows are sheets' rows written beside excelize (NewRows): each goes
	// into its sheet's part, and is discarded once there.
	Rows []*Rows
	// pack compresses the parts; nil deflates them in chunks on every core.
	pack packer
}

// Save writes f to path as described above and returns the file's
// SHA-256 (hex).
func Save(f *excelize.File, path string, o Options) (string, error) {
	return WriteAtomic(path, !o.Unsynced, func(w io.Writer) error { return write(f, w, o) })
}

// WriteAtomic writes path through write: to a temporary file beside it,
// synced (unless the caller syncs it later) — a hash recorded in the ledger
// names bytes that are on the disk — then renamed. It returns the SHA-256
// of what was written.
func WriteAtomic(path string, sync bool, write func(io.Writer) error) (string, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	if err := write(io.MultiWriter(tmp, h)); err != nil {
		tmp.Close()
		return "", err
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return "", err
		}
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// FileSHA256 is the SHA-256 (hex) of a file already written, for the run
// ledger of a workbook whose writer does not report it.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Write writes f to w as every incubeval workbook is written: each
// sheet's used range declared, parts in a fixed order, dated stamp (zero:
// not dated). For a workbook written to a stream (`sql --output x.xlsx`).
func Write(f *excelize.File, w io.Writer, stamp time.Time) error {
	return write(f, w, Options{Stamp: stamp})
}

func write(f *excelize.File, w io.Writer, o Options) error {
	if !o.Stamp.IsZero() && !o.Dated {
		p, err := f.GetDocProps()
		if err != nil {
			return fmt.Errorf("document properties: %w", err)
		}
		p.Created = o.Stamp.UTC().Format(time.RFC3339)
		p.Modified = p.Created
		if err := f.SetDocProps(p); err != nil {
			return fmt.Errorf("document properties: %w", err)
		}
	}
	pk := o.pack
	if pk == nil {
		pk = newChunkPacker()
	}
	rows := map[string]*Rows{}
	for _, r := range o.Rows {
		if r.part == "" {
			return fmt.Errorf("sheet %s: its rows were never placed in the sheet", r.sheet)
		}
		rows[r.part] = r
	}
	// The archive goes straight to w: excelize would have it built in a
	// buffer of its own (the whole workbook, grown by doubling) and then
	// copied to w. Its buffer stays empty; that nothing went into it is
	// checked.
	var held countingWriter
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		return &bookZip{w: w, stamp: o.Stamp, pack: pk, rows: rows}
	})
	if err := f.Write(&held); err != nil {
		return err
	}
	if held > 0 {
		return fmt.Errorf("workbook: %d bytes written outside the archive", int64(held))
	}
	for _, r := range o.Rows {
		if !r.done {
			return fmt.Errorf("sheet %s: its rows found no part %s", r.sheet, r.part)
		}
	}
	return nil
}

// Stamp turns a stored Asia/Shanghai wall time (a TIMESTAMP column, as
// ingested_at and data_cutoff are) into the instant it names.
func Stamp(wall time.Time) time.Time {
	if wall.IsZero() {
		return wall
	}
	return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(), store.Location)
}

// Props are the document properties of a workbook of ours, dated
// stamp (zero: Save dates them).
func Props(f *excelize.File, title, status string, stamp time.Time) error {
	p := &excelize.DocProperties{
		Title: title, Creator: "incubeval", LastModifiedBy: "incubeval",
		ContentStatus: status, Category: status, Language: "zh-CN",
	}
	if !stamp.IsZero() {
		p.Created = stamp.UTC().Format(time.RFC3339)
		p.Modified = p.Created
	}
	return f.SetDocProps(p)
}

// SizedStream is a stream writer for a sheet whose size is known before its
// rows are written: the used range (lastCol × lastRow) goes into the sheet
// first, since the stream writer writes the sheet's head at once.
func SizedStream(f *excelize.File, sheet string, lastCol, lastRow int) (*excelize.StreamWriter, error) {
	ref, err := excelize.CoordinatesToCellName(max(lastCol, 1), max(lastRow, 1))
	if err != nil {
		return nil, err
	}
	if ref != "A1" {
		ref = "A1:" + ref
	}
	if err := f.SetSheetDimension(sheet, ref); err != nil {
		return nil, err
	}
	return f.NewStreamWriter(sheet)
}

// bookZip is the excelize.ZipWriter of every workbook: parts are packed as
// they come and written, in a fixed order and dated, at Close.
type bookZip struct {
	w     io.Writer
	stamp time.Time
	pack  packer
	rows  map[string]*Rows // by part
	// workbook.xml and its relationships, kept when rows are spliced:
	// Close checks that each went to its own sheet.
	workbook, workbookRels []byte
	cur                    partSink
	parts                  []partSink
}

func (z *bookZip) Create(name string) (io.Writer, error) {
	if err := z.end(); err != nil {
		return nil, err
	}
	s := z.pack.open(name)
	switch {
	case isWorksheetPart(name):
		s = &dimensionFixer{inner: s}
	case name == contentTypesPart:
		s = &contentTypesSorter{inner: s}
	}
	if r, ok := z.rows[name]; ok {
		s = &rowsSplicer{inner: s, rows: r}
	}
	switch {
	case len(z.rows) == 0:
	case name == workbookPart:
		s = &teeSink{partSink: s, copy: &z.workbook}
	case name == workbookRelsPart:
		s = &teeSink{partSink: s, copy: &z.workbookRels}
	}
	z.cur = s
	z.parts = append(z.parts, s)
	return s, nil
}

// end ends the part being written.
func (z *bookZip) end() error {
	if z.cur == nil {
		return nil
	}
	s := z.cur
	z.cur = nil
	return s.close()
}

// AddFS is not used by excelize's save.
func (z *bookZip) AddFS(fs.FS) error { return errors.New("workbook: AddFS not supported") }

// Close writes the parts: [Content_Types].xml first (readers look for it
// there), then by name.
func (z *bookZip) Close() error {
	if err := z.end(); err != nil {
		return err
	}
	if err := checkRowsParts(z.rows, z.workbook, z.workbookRels); err != nil {
		return err
	}
	packed := make([]*packedPart, len(z.parts))
	var firstErr error
	for i, s := range z.parts {
		p, err := s.result()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		packed[i] = p
	}
	if firstErr != nil {
		return firstErr
	}
	slices.SortFunc(packed, func(a, b *packedPart) int {
		switch {
		case a.name == b.name:
			return 0
		case a.name == contentTypesPart:
			return -1
		case b.name == contentTypesPart:
			return 1
		case a.name < b.name:
			return -1
		}
		return 1
	})
	date, clock := dosTime(z.stamp)
	zw := zip.NewWriter(z.w)
	for i, p := range packed {
		var size uint64
		for _, d := range p.data {
			size += uint64(len(d))
		}
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: p.name, Method: zip.Deflate, CRC32: p.crc,
			CompressedSize64: size, UncompressedSize64: p.size,
			ModifiedDate: date, ModifiedTime: clock,
		})
		if err != nil {
			return err
		}
		for _, d := range p.data {
			if _, err := w.Write(d); err != nil {
				return err
			}
		}
		packed[i] = nil // written: its bytes can go
	}
	return zw.Close()
}

const contentTypesPart = "[Content_Types].xml"

// contentTypesSorter puts the <Default> elements of [Content_Types].xml in
// extension order: excelize adds the image types from a map, in any order.
type contentTypesSorter struct {
	inner partSink
	buf   bytes.Buffer
}

var contentTypeDefault = regexp.MustCompile(`<Default [^>]*?(/>|>\s*</Default>)`)

func (c *contentTypesSorter) Write(p []byte) (int, error) { return c.buf.Write(p) }

func (c *contentTypesSorter) close() error {
	data := c.buf.Bytes()
	slots := contentTypeDefault.FindAllIndex(data, -1)
	elems := make([][]byte, len(slots))
	for i, s := range slots {
		elems[i] = data[s[0]:s[1]]
	}
	slices.SortStableFunc(elems, bytes.Compare)
	var out bytes.Buffer
	prev := 0
	for i, s := range slots {
		out.Write(data[prev:s[0]])
		out.Write(elems[i])
		prev = s[1]
	}
	out.Write(data[prev:])
	if _, err := c.inner.Write(out.Bytes()); err != nil {
		return err
	}
	return c.inner.close()
}

func (c *contentTypesSorter) result() (*packedPart, error) { return c.inner.result() }

// dosTime is t as the zip format's MS-DOS date and time, in Asia/Shanghai
// wall time (what unzip lists); the zero time is 1980-01-01 00:00.
func dosTime(t time.Time) (date, clock uint16) {
	if t.IsZero() {
		return 1<<5 | 1, 0
	}
	t = t.In(store.Location)
	if t.Year() < 1980 {
		return 1<<5 | 1, 0
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, clock
}

// packedPart is one zip entry, compressed.
type packedPart struct {
	name string
	crc  uint32
	size uint64   // uncompressed
	data [][]byte // one raw deflate stream, in pieces
}

// packer compresses the parts of one workbook.
type packer interface {
	open(name string) partSink
}

// partSink takes one part's bytes; close says they are all there, result
// waits for the part compressed.
type partSink interface {
	io.Writer
	close() error
	result() (*packedPart, error)
}

// New is a new workbook whose Normal font is Arial 10. Column widths
// are measured in the Normal font's digit width; excelize's Calibri 11 is
// 7 pixels wide in Excel but is replaced by a wider font wherever Calibri
// is missing (LibreOffice on Linux: DejaVu Sans, a third wider), which
// shrinks a sheet fitted to the page. Arial 10 is also 7 pixels in Excel,
// and LibreOffice has a font of the same metrics (Liberation Sans), so a
// sheet laid out to print at 8 points does so in both. Every cell of ours
// names its own font (SimSun); this one only sets the measure.
func New() *excelize.File {
	f := excelize.NewFile()
	if err := f.SetDefaultFont("Arial"); err == nil && f.Styles != nil && f.Styles.Fonts != nil && len(f.Styles.Fonts.Font) > 0 {
		font := f.Styles.Fonts.Font[0]
		if font.Sz != nil {
			ten := 10.0
			font.Sz.Val = &ten
		}
		font.Scheme = nil // not the theme's font (Calibri)
	}
	return f
}

// countingWriter counts what is written to it.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
