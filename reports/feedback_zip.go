package reports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"
)

// Thirteen thousand feedback workbooks differ only in their worksheet and
// document properties; the styles, theme, workbook and relationship parts are
// the same bytes every time. So the styles are built once, in a template
// reopened for each carrier; the styles and theme parts — which excelize
// would otherwise decode on opening and encode again on saving, the larger
// part of a workbook's cost — are kept aside as bytes and put back just
// before saving; and each part that is the same as before is compressed
// only once (fbPartCache).

// Parts of the template kept aside as bytes.
const (
	fbStylesPart = "xl/styles.xml"
	fbThemePart  = "xl/theme/theme1.xml"
)

// feedbackTemplate is a blank feedback workbook: the sheet, its styles,
// column widths and page setup.
type feedbackTemplate struct {
	data  []byte            // the workbook without the kept parts, uncompressed: quick to reopen
	kept  map[string][]byte // fbStylesPart and fbThemePart
	st    *feedbackStyles
	parts *fbPartCache
}

func newFeedbackTemplate() (*feedbackTemplate, error) {
	f := newBook()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", feedbackSheet); err != nil {
		return nil, err
	}
	st, err := newFeedbackStyles(f)
	if err != nil {
		return nil, err
	}
	for i, w := range feedbackWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(feedbackSheet, col, col, w); err != nil {
			return nil, err
		}
	}
	if err := feedbackPageSetup(f); err != nil {
		return nil, err
	}
	kept := map[string][]byte{}
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return &fbStoreZip{zw: zip.NewWriter(w), kept: kept} })
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	if kept[fbStylesPart] == nil || kept[fbThemePart] == nil {
		return nil, errors.New("template has no styles or theme part")
	}
	return &feedbackTemplate{data: buf.Bytes(), kept: kept, st: st, parts: &fbPartCache{parts: map[string]*fbCachedPart{}}}, nil
}

// open returns a fresh copy of the template.
func (t *feedbackTemplate) open() (*excelize.File, error) {
	f, err := excelize.OpenReader(bytes.NewReader(t.data))
	if err != nil {
		return nil, err
	}
	return f, nil
}

// save writes f, opened from the template and not restyled, to path, dated
// stamp, and returns its SHA-256.
func (t *feedbackTemplate) save(f *excelize.File, path string, stamp time.Time) (string, error) {
	// Without the parts in the zip, excelize opened empty styles and no
	// theme; nil makes it write the bytes stored here instead of encoding them.
	f.Styles, f.Theme = nil, nil
	for name, data := range t.kept {
		f.Pkg.Store(name, data)
	}
	return saveWorkbook(f, path, bookOptions{stamp: stamp, pack: t.parts, unsynced: true, dated: true})
}

// fbStoreZip writes every part uncompressed, except the parts kept aside.
type fbStoreZip struct {
	zw   *zip.Writer
	kept map[string][]byte
}

func (z *fbStoreZip) Create(name string) (io.Writer, error) {
	if name == fbStylesPart || name == fbThemePart {
		return &fbKeptPart{name: name, kept: z.kept}, nil
	}
	return z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
}

func (z *fbStoreZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }
func (z *fbStoreZip) Close() error           { return z.zw.Close() }

// fbKeptPart collects a part's bytes into the kept map.
type fbKeptPart struct {
	name string
	kept map[string][]byte
}

func (k *fbKeptPart) Write(p []byte) (int, error) {
	k.kept[k.name] = append(k.kept[k.name], p...)
	return len(p), nil
}

// fbPartCache holds the compressed form of the first version of each part
// seen; a later part with the same name and the same bytes is copied from it.
type fbPartCache struct {
	mu    sync.Mutex
	parts map[string]*fbCachedPart
}

type fbCachedPart struct {
	raw, deflated []byte
	crc           uint32
}

// fbDeflaters are reused: a flate writer holds about a megabyte of tables.
var fbDeflaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

func fbDeflate(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(raw)/4 + 64)
	w := fbDeflaters.Get().(*flate.Writer)
	defer fbDeflaters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// part returns name's bytes compressed, from the cache when they are the
// same as the first version seen.
func (c *fbPartCache) part(name string, raw []byte) (*fbCachedPart, error) {
	c.mu.Lock()
	p := c.parts[name]
	c.mu.Unlock()
	if p != nil && bytes.Equal(p.raw, raw) {
		return p, nil
	}
	d, err := fbDeflate(raw)
	if err != nil {
		return nil, err
	}
	np := &fbCachedPart{deflated: d, crc: crc32.ChecksumIEEE(raw)}
	if p == nil {
		np.raw = bytes.Clone(raw)
		c.mu.Lock()
		if c.parts[name] == nil {
			c.parts[name] = np
		}
		c.mu.Unlock()
	}
	return np, nil
}

// open makes fbPartCache a packer: each part is held whole, then
// compressed through the cache.
func (c *fbPartCache) open(name string) partSink {
	return &fbCachedSink{cache: c, name: name}
}

type fbCachedSink struct {
	cache *fbPartCache
	name  string
	buf   bytes.Buffer
}

func (s *fbCachedSink) Write(p []byte) (int, error) { return s.buf.Write(p) }
func (s *fbCachedSink) close() error                { return nil }

func (s *fbCachedSink) result() (*packedPart, error) {
	raw := s.buf.Bytes()
	p, err := s.cache.part(s.name, raw)
	if err != nil {
		return nil, err
	}
	return &packedPart{name: s.name, crc: p.crc, size: uint64(len(raw)), data: [][]byte{p.deflated}}, nil
}
