package xlsx

import (
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
)

// packChunk is how much of a part one goroutine deflates at a time.
const packChunk = 1 << 20

// chunkPacker deflates each part in chunks on every core at once, as pgzip
// does: every chunk a deflate stream of its own ended by a sync flush, the
// part ended by an empty final block. Readers see one ordinary deflate
// stream; the chunks being cut at fixed offsets, the same bytes in give
// the same bytes out. The national assessment workbook's sheets are a few
// hundred megabytes of XML: this is what keeps its writing within seconds.
type chunkPacker struct {
	sem chan struct{} // bounds the chunks being deflated
}

func newChunkPacker() *chunkPacker {
	return &chunkPacker{sem: make(chan struct{}, runtime.GOMAXPROCS(0)+1)}
}

func (p *chunkPacker) open(name string) partSink {
	return &chunkSink{pk: p, part: packedPart{name: name}, buf: packBufs.Get().([]byte)}
}

type chunkSink struct {
	pk     *chunkPacker
	part   packedPart
	buf    []byte        // bytes not yet a full chunk
	chunks []chan packed // deflated chunks, in order
	closed bool
}

type packed struct {
	data []byte
	err  error
}

// Deflaters and chunk buffers are reused: each is a megabyte or so.
var (
	packDeflaters = sync.Pool{New: func() any {
		fw, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
		return fw
	}}
	packBufs = sync.Pool{New: func() any { return make([]byte, 0, packChunk) }}
)

// Write adds to the part; every full chunk goes to a goroutine.
func (s *chunkSink) Write(p []byte) (int, error) {
	s.part.crc = crc32.Update(s.part.crc, crc32.IEEETable, p)
	s.part.size += uint64(len(p))
	n := len(p)
	for len(p) > 0 {
		take := min(len(p), packChunk-len(s.buf))
		s.buf = append(s.buf, p[:take]...)
		p = p[take:]
		if len(s.buf) == packChunk {
			s.deflate(s.buf, false)
			s.buf = packBufs.Get().([]byte)
		}
	}
	return n, nil
}

// deflate compresses raw on a goroutine; its result is the part's next
// chunk. The last chunk ends the stream.
func (s *chunkSink) deflate(raw []byte, last bool) {
	out := make(chan packed, 1)
	s.chunks = append(s.chunks, out)
	s.pk.sem <- struct{}{}
	go func() {
		defer func() { <-s.pk.sem }()
		b := bytes.NewBuffer(make([]byte, 0, len(raw)/4)) // XML deflates to about a seventh
		fw := packDeflaters.Get().(*flate.Writer)
		fw.Reset(b)
		_, err := fw.Write(raw)
		if err == nil {
			if last {
				err = fw.Close() // the final block
			} else {
				err = fw.Flush() // a sync flush: the next chunk may follow
			}
		}
		packDeflaters.Put(fw)
		packBufs.Put(raw[:0])
		out <- packed{data: b.Bytes(), err: err}
	}()
}

// close deflates what is left, as the last chunk.
func (s *chunkSink) close() error {
	if !s.closed {
		s.closed = true
		s.deflate(s.buf, true)
		s.buf = nil
	}
	return nil
}

func (s *chunkSink) result() (*packedPart, error) {
	if err := s.close(); err != nil {
		return nil, err
	}
	var firstErr error
	for _, c := range s.chunks {
		r := <-c
		if r.err != nil && firstErr == nil {
			firstErr = r.err
		}
		s.part.data = append(s.part.data, r.data)
	}
	s.chunks = nil
	if firstErr != nil {
		return nil, firstErr
	}
	return &s.part, nil
}
