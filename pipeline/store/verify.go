package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// DuckDB checks a block against its checksum only when it reads the block,
// so a database that opens and answers a few queries may still hold a
// damaged block that no query has touched yet. Before a copy is published
// as the readers' snapshot, and before a snapshot is named as the last
// good one, verifyBlocks reads every block of the file and checks it the
// way DuckDB 1.1 does (src/common/checksum.cpp, single_file_block_manager):
//
//   - the main header (bytes 0–4095) and the two database headers (4096 and
//     8192) each start with the checksum of the rest of their 4 KiB;
//   - the active database header (the higher iteration) gives the number of
//     blocks and their size; block i starts at 12288 + i × size, and its
//     first 8 bytes are the checksum of the other size − 8; free blocks at
//     the end are cut off the file after the header is written (which
//     still counts them), so the blocks checked are those the file holds;
//   - the checksum of n bytes is 5381 XOR, over each 8-byte little-endian
//     word w, w × 0xbf58476d1ce4e5b9 (n is a multiple of 8 here).
//
// Free blocks within the file are checked too: DuckDB leaves a freed block
// as it last wrote it, checksum included. What this cannot see: a file cut
// exactly at a block boundary (found when DuckDB needs a missing block),
// and a block DuckDB itself wrote wrongly, checksum and all. Reading 40 MB this way takes about 10 ms where a
// query reading every column of every table takes 60–110 ms, and it covers
// what such a query would not reach (indexes, metadata, free lists).

const (
	headerSize       = 4096
	blocksStart      = 3 * headerSize
	storageVersion   = 64 // DuckDB 0.10–1.1's storage format
	checksumMultiple = 0xbf58476d1ce4e5b9
)

// CorruptBlockError is a block (or header) whose content does not match
// its checksum, or a file cut short. Its message uses DuckDB's words, so
// that it reads like, and is classified as, DuckDB's own error.
type CorruptBlockError struct {
	Path   string
	Offset int64  // where the block or header starts
	Stored uint64 // the checksum in the file
	Got    uint64 // the checksum of its content
	Short  bool   // the file ends before the last block
}

func (e *CorruptBlockError) Error() string {
	if e.Short {
		return fmt.Sprintf("Could not read enough bytes from file %q: it ends before its last block at location %d", e.Path, e.Offset)
	}
	return fmt.Sprintf("Corrupt database file: computed checksum %d does not match stored checksum %d in block at location %d of %s",
		e.Got, e.Stored, e.Offset, e.Path)
}

// checksum is DuckDB's checksum of b (len(b) a multiple of 8), four words
// at a time (XOR does not mind the order).
func checksum(b []byte) uint64 {
	var s0, s1, s2, s3 uint64
	i := 0
	for ; i+32 <= len(b); i += 32 {
		w := b[i : i+32 : i+32]
		s0 ^= binary.LittleEndian.Uint64(w[0:]) * checksumMultiple
		s1 ^= binary.LittleEndian.Uint64(w[8:]) * checksumMultiple
		s2 ^= binary.LittleEndian.Uint64(w[16:]) * checksumMultiple
		s3 ^= binary.LittleEndian.Uint64(w[24:]) * checksumMultiple
	}
	for ; i+8 <= len(b); i += 8 {
		s0 ^= binary.LittleEndian.Uint64(b[i:]) * checksumMultiple
	}
	return 5381 ^ s0 ^ s1 ^ s2 ^ s3
}

// verifyBlocks checks every header and block of the DuckDB file at path
// against its checksum (see above). A file in a storage format this check
// does not know is refused: a new DuckDB must bring its check along.
func verifyBlocks(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	head := make([]byte, blocksStart)
	if _, err := io.ReadFull(f, head); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return &CorruptBlockError{Path: path, Short: true}
		}
		return err
	}
	for off := 0; off < blocksStart; off += headerSize {
		h := head[off : off+headerSize]
		if stored, got := binary.LittleEndian.Uint64(h), checksum(h[8:]); stored != got {
			return &CorruptBlockError{Path: path, Offset: int64(off), Stored: stored, Got: got}
		}
	}
	if string(head[8:12]) != "DUCK" {
		return fmt.Errorf("%s: The file is not a valid DuckDB database file", path)
	}
	if v := binary.LittleEndian.Uint64(head[12:]); v != storageVersion {
		return fmt.Errorf("%s: storage version %d, which the block check knows nothing of (it knows %d); the snapshot is not published until it does", path, v, storageVersion)
	}
	// The database headers: iteration, meta block, free list, block count,
	// block size, each 8 bytes after the checksum.
	var count, size uint64
	var iteration uint64
	for i, off := range []int{headerSize, 2 * headerSize} {
		h := head[off+8:]
		if it := binary.LittleEndian.Uint64(h); i == 0 || it > iteration {
			iteration, count, size = it, binary.LittleEndian.Uint64(h[24:]), binary.LittleEndian.Uint64(h[32:])
		}
	}
	if size < 2*headerSize || size > 1<<30 || size%8 != 0 {
		return fmt.Errorf("%s: Corrupt database file: its header gives blocks of %d bytes", path, size)
	}
	// Free blocks at the end of the file are cut off after the header is
	// written, which still counts them: the blocks to check are those the
	// header counts and the file holds. A file that ends inside a block
	// was cut short.
	inFile := uint64(fi.Size()-blocksStart) / size
	if uint64(fi.Size()-blocksStart)%size != 0 {
		return &CorruptBlockError{Path: path, Offset: int64(blocksStart) + int64(inFile*size), Short: true}
	}
	count = min(count, inFile)
	// Blocks are read a few MiB at a time.
	per := max(1, int((8<<20)/size))
	buf := make([]byte, per*int(size))
	for first := uint64(0); first < count; first += uint64(per) {
		n := min(uint64(per), count-first)
		off := int64(blocksStart) + int64(first)*int64(size)
		chunk := buf[:n*size]
		if _, err := f.ReadAt(chunk, off); err != nil {
			if errors.Is(err, io.EOF) {
				return &CorruptBlockError{Path: path, Offset: off, Short: true}
			}
			return err
		}
		for i := uint64(0); i < n; i++ {
			b := chunk[i*size : (i+1)*size]
			if stored, got := binary.LittleEndian.Uint64(b), checksum(b[8:]); stored != got {
				return &CorruptBlockError{Path: path, Offset: off + int64(i*size), Stored: stored, Got: got}
			}
		}
	}
	return nil
}
