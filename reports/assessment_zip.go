package reports

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"runtime"
	"sync"

	"github.com/xuri/excelize/v2"
)

// asmZipChunk is how much of a part one goroutine deflates at a time.
const asmZipChunk = 1 << 20

// asmZip is the workbook's zip writer. excelize hands it the parts one after
// another; the national workbook's sheets are a few hundred megabytes of
// XML, so each part is deflated in chunks on every core at once, as pgzip
// does: every chunk a deflate stream of its own ended by a sync flush, the
// part ended by an empty final block. Readers see one ordinary deflate stream.
type asmZip struct {
	zw   *zip.Writer
	part *asmZipPart
	sem  chan struct{} // bounds the chunks in flight
}

type asmZipPart struct {
	name   string
	crc    uint32
	size   uint64
	buf    []byte          // bytes not yet a full chunk
	chunks []chan asmChunk // deflated chunks, in order
}

type asmChunk struct {
	data []byte
	err  error
}

func newAsmZip(w io.Writer) excelize.ZipWriter {
	return &asmZip{zw: zip.NewWriter(w), sem: make(chan struct{}, runtime.GOMAXPROCS(0)+1)}
}

// Create ends the part being written and starts the next.
func (z *asmZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	z.part = &asmZipPart{name: name, buf: asmChunkBufs.Get().([]byte)}
	return z, nil
}

// Write adds to the current part; every full chunk goes to a goroutine.
func (z *asmZip) Write(p []byte) (int, error) {
	part := z.part
	if part == nil {
		return 0, errors.New("zip: write before create")
	}
	part.crc = crc32.Update(part.crc, crc32.IEEETable, p)
	part.size += uint64(len(p))
	n := len(p)
	for len(p) > 0 {
		take := min(len(p), asmZipChunk-len(part.buf))
		part.buf = append(part.buf, p[:take]...)
		p = p[take:]
		if len(part.buf) == asmZipChunk {
			z.deflate(part.buf)
			part.buf = asmChunkBufs.Get().([]byte)
		}
	}
	return n, nil
}

// Deflaters and chunk buffers are reused: each is a megabyte or so.
var (
	asmDeflaters = sync.Pool{New: func() any {
		fw, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
		return fw
	}}
	asmChunkBufs = sync.Pool{New: func() any { return make([]byte, 0, asmZipChunk) }}
)

// deflate compresses raw on a goroutine; its result is the part's next chunk.
func (z *asmZip) deflate(raw []byte) {
	out := make(chan asmChunk, 1)
	z.part.chunks = append(z.part.chunks, out)
	z.sem <- struct{}{}
	go func() {
		defer func() { <-z.sem }()
		var b bytes.Buffer
		fw := asmDeflaters.Get().(*flate.Writer)
		fw.Reset(&b)
		_, err := fw.Write(raw)
		if err == nil {
			err = fw.Flush() // a sync flush: the next chunk may follow
		}
		asmDeflaters.Put(fw)
		asmChunkBufs.Put(raw[:0])
		out <- asmChunk{data: b.Bytes(), err: err}
	}()
}

// finish writes the current part: its chunks in order, then the final block.
func (z *asmZip) finish() error {
	part := z.part
	if part == nil {
		return nil
	}
	z.part = nil
	if len(part.buf) > 0 || len(part.chunks) == 0 {
		z.part = part
		z.deflate(part.buf)
		z.part = nil
	} else {
		asmChunkBufs.Put(part.buf)
	}
	var data [][]byte
	var compressed uint64
	var firstErr error
	for _, c := range part.chunks {
		r := <-c
		if r.err != nil && firstErr == nil {
			firstErr = r.err
		}
		data = append(data, r.data)
		compressed += uint64(len(r.data))
	}
	if firstErr != nil {
		return firstErr
	}
	var end bytes.Buffer
	fw, err := flate.NewWriter(&end, flate.BestSpeed)
	if err != nil {
		return err
	}
	if err := fw.Close(); err != nil { // an empty final block
		return err
	}
	data = append(data, end.Bytes())
	compressed += uint64(end.Len())
	w, err := z.zw.CreateRaw(&zip.FileHeader{
		Name: part.name, Method: zip.Deflate, CRC32: part.crc,
		CompressedSize64: compressed, UncompressedSize64: part.size,
	})
	if err != nil {
		return err
	}
	for _, d := range data {
		if _, err := w.Write(d); err != nil {
			return err
		}
	}
	return nil
}

// AddFS is not used by excelize's save.
func (z *asmZip) AddFS(fs.FS) error { return errors.New("assessment workbook: AddFS not supported") }

// Close writes the last part and the zip directory.
func (z *asmZip) Close() error {
	if err := z.finish(); err != nil {
		_ = z.zw.Close()
		return err
	}
	return z.zw.Close()
}
