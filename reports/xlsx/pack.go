package xlsx

import (
	"bytes"
	"hash/crc32"
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/flate"
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
	buf    []byte    // bytes not yet a full chunk
	chunks deflating // deflated chunks, in order
	closed bool
}

type packed struct {
	data []byte
	err  error
}

// deflating are chunks being deflated, each on a goroutine, in order.
type deflating []chan packed

// add deflates raw on a goroutine, once sem lets it, as the next chunk;
// raw is the chunk's until then, and then goes back to bufs.
func (d *deflating) add(sem chan struct{}, bufs *sync.Pool, raw []byte, last bool) {
	out := make(chan packed, 1)
	*d = append(*d, out)
	sem <- struct{}{}
	go func() {
		defer func() { <-sem }()
		out <- deflateChunk(raw, last)
		bufs.Put(raw[:0])
	}()
}

// ready adds a chunk already deflated.
func (d *deflating) ready(data []byte) {
	out := make(chan packed, 1)
	out <- packed{data: data}
	*d = append(*d, out)
}

// wait returns the deflated chunks, in order, once all are.
func (d *deflating) wait() ([][]byte, error) {
	data := make([][]byte, 0, len(*d))
	var firstErr error
	for _, c := range *d {
		r := <-c
		if r.err != nil && firstErr == nil {
			firstErr = r.err
		}
		data = append(data, r.data)
	}
	*d = nil
	return data, firstErr
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
			s.chunks.add(s.pk.sem, &packBufs, s.buf, false)
			s.buf = packBufs.Get().([]byte)
		}
	}
	return n, nil
}

// deflateChunk deflates raw as a stream of its own, ended by a sync flush
// (the next chunk may follow) or, last, by the final block.
func deflateChunk(raw []byte, last bool) packed {
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
	return packed{data: b.Bytes(), err: err}
}

// appendPacked puts rows already deflated (sync-flushed, not final) after
// what was written: what is held is deflated as a chunk first.
func (s *chunkSink) appendPacked(data [][]byte, crc uint32, size uint64) bool {
	if s.closed {
		return false
	}
	if len(s.buf) > 0 {
		s.chunks.add(s.pk.sem, &packBufs, s.buf, false)
		s.buf = packBufs.Get().([]byte)
	}
	for _, d := range data {
		s.chunks.ready(d)
	}
	s.part.crc = crc32Combine(s.part.crc, crc, size)
	s.part.size += size
	return true
}

// close deflates what is left, as the last chunk.
func (s *chunkSink) close() error {
	if !s.closed {
		s.closed = true
		s.chunks.add(s.pk.sem, &packBufs, s.buf, true) // the last chunk ends the stream
		s.buf = nil
	}
	return nil
}

func (s *chunkSink) result() (*packedPart, error) {
	if err := s.close(); err != nil {
		return nil, err
	}
	data, err := s.chunks.wait()
	if err != nil {
		return nil, err
	}
	s.part.data = append(s.part.data, data...)
	return &s.part, nil
}

// crc32Combine is the CRC-32 (IEEE) of a then b, from a's CRC, b's and b's
// length, as zlib's crc32_combine computes it: a's CRC is advanced over
// lenB zero bytes by squaring the operator of one zero bit.
func crc32Combine(crcA, crcB uint32, lenB uint64) uint32 {
	if lenB == 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = 0xedb88320 // the reversed polynomial: one zero bit
	row := uint32(1)
	for i := 1; i < 32; i++ {
		odd[i] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	for {
		gf2Square(&even, &odd) // one zero byte, then more
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for i := range 32 {
		square[i] = gf2Times(mat, mat[i])
	}
}
