package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"sync"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// Thirteen thousand feedback workbooks differ only in their worksheet and
// document properties; the styles, theme, workbook and relationship parts are
// the same bytes every time. So the styles are built once, in a Template
// reopened for each carrier; the styles and theme parts — which excelize
// would otherwise decode on opening and encode again on saving, the larger
// part of a workbook's cost — are kept aside as bytes and put back just
// before saving; and each part that is the same as before is compressed
// only once (partCache).

// Parts of the template kept aside as bytes.
const (
	stylesPart = "xl/styles.xml"
	themePart  = "xl/theme/theme1.xml"
)

// Template is a blank workbook that many are made from, each opened from
// it, filled without new styles, and saved with Save.
type Template struct {
	data  []byte            // the workbook without the kept parts, uncompressed: quick to reopen
	kept  map[string][]byte // stylesPart and themePart
	parts *partCache
}

// NewTemplate makes a Template of f: its sheets, styles, column widths and
// page setup.
func NewTemplate(f *excelize.File) (*Template, error) {
	kept := map[string][]byte{}
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return &storeZip{zw: zip.NewWriter(w), kept: kept} })
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	if kept[stylesPart] == nil || kept[themePart] == nil {
		return nil, errors.New("template has no styles or theme part")
	}
	return &Template{data: buf.Bytes(), kept: kept, parts: &partCache{parts: map[string]*cachedPart{}}}, nil
}

// Open returns a fresh copy of the template.
func (t *Template) Open() (*excelize.File, error) {
	return excelize.OpenReader(bytes.NewReader(t.data))
}

// Save writes f, opened from the template and not restyled, to path, dated
// stamp (its document properties already dated: Props), unsynced (the
// caller syncs many at once: SyncFiles), and returns its SHA-256.
func (t *Template) Save(f *excelize.File, path string, stamp time.Time) (string, error) {
	// Without the parts in the zip, excelize opened empty styles and no
	// theme; nil makes it write the bytes stored here instead of encoding them.
	f.Styles, f.Theme = nil, nil
	for name, data := range t.kept {
		f.Pkg.Store(name, data)
	}
	return Save(f, path, Options{Stamp: stamp, pack: t.parts, Unsynced: true, Dated: true})
}

// storeZip writes every part uncompressed, except the parts kept aside.
type storeZip struct {
	zw   *zip.Writer
	kept map[string][]byte
}

func (z *storeZip) Create(name string) (io.Writer, error) {
	if name == stylesPart || name == themePart {
		return &keptPart{name: name, kept: z.kept}, nil
	}
	return z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
}

func (z *storeZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }
func (z *storeZip) Close() error           { return z.zw.Close() }

// keptPart collects a part's bytes into the kept map.
type keptPart struct {
	name string
	kept map[string][]byte
}

func (k *keptPart) Write(p []byte) (int, error) {
	k.kept[k.name] = append(k.kept[k.name], p...)
	return len(p), nil
}

// partCache holds the compressed form of the first version of each part
// seen; a later part with the same name and the same bytes is copied from it.
type partCache struct {
	mu    sync.Mutex
	parts map[string]*cachedPart
}

type cachedPart struct {
	raw, deflated []byte
	crc           uint32
}

func deflateWhole(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(raw)/4 + 64)
	w := packDeflaters.Get().(*flate.Writer)
	defer packDeflaters.Put(w)
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
func (c *partCache) part(name string, raw []byte) (*cachedPart, error) {
	c.mu.Lock()
	p := c.parts[name]
	c.mu.Unlock()
	if p != nil && bytes.Equal(p.raw, raw) {
		return p, nil
	}
	d, err := deflateWhole(raw)
	if err != nil {
		return nil, err
	}
	np := &cachedPart{deflated: d, crc: crc32.ChecksumIEEE(raw)}
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

// open makes partCache a packer: each part is held whole, then
// compressed through the cache.
func (c *partCache) open(name string) partSink {
	return &cachedSink{cache: c, name: name}
}

type cachedSink struct {
	cache *partCache
	name  string
	buf   bytes.Buffer
}

func (s *cachedSink) Write(p []byte) (int, error) { return s.buf.Write(p) }
func (s *cachedSink) close() error                { return nil }

func (s *cachedSink) result() (*packedPart, error) {
	raw := s.buf.Bytes()
	p, err := s.cache.part(s.name, raw)
	if err != nil {
		return nil, err
	}
	return &packedPart{name: s.name, crc: p.crc, size: uint64(len(raw)), data: [][]byte{p.deflated}}, nil
}
