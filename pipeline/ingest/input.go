package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
)

// maxFileBytes is MaxFileBytes, a variable so that a test can lower it.
var maxFileBytes int64 = MaxFileBytes

// readChunk is how much is read between two looks at the context, so that
// SIGTERM stops the read of a large file within a fraction of a second.
const readChunk = 4 << 20

// readInput reads a submitted file whole and returns its bytes and their
// SHA-256. Only a regular file is read (a link to one is fine): the path is
// looked at first, then opened without blocking (a FIFO would otherwise wait
// forever for a writer, holding the writer's lock) and without becoming a
// controlling terminal, and the opened descriptor is looked at again, since
// the path may have been replaced in between. A device reports size 0 and
// would never end (/dev/zero), so the read also goes through a limit: a file
// that grows past MaxFileBytes while read is refused too. A FileError rejects
// the file; err is the context's, when it was cancelled.
func readInput(ctx context.Context, path string) (data []byte, sha string, fe *FileError, err error) {
	readErr := func(err error) *FileError {
		return fileErr(path, "read_error", "无法读取文件", "cannot read the file: %v", err)
	}
	// The same checks before opening (a FIFO must not be opened at all) and
	// on the opened descriptor (the path may have been replaced between).
	check := func(fi os.FileInfo) *FileError {
		switch {
		case !fi.Mode().IsRegular():
			return notRegular(path, fi.Mode())
		case fi.Size() > maxFileBytes:
			return tooLarge(path)
		}
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, "", readErr(err), nil
	}
	if fe := check(fi); fe != nil {
		return nil, "", fe, nil
	}
	f, err := openInput(path)
	if err != nil {
		return nil, "", readErr(err), nil
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, "", readErr(err), nil
	}
	if fe := check(fi); fe != nil {
		return nil, "", fe, nil
	}
	data, sha, over, err := readLimited(ctx, f, fi.Size(), maxFileBytes)
	switch {
	case ctx.Err() != nil:
		return nil, "", nil, ctx.Err()
	case err != nil:
		return nil, "", readErr(err), nil
	case over:
		return nil, "", tooLarge(path), nil
	}
	return data, sha, nil, nil
}

// readLimited reads r to its end, or until more than limit bytes, hashing
// as it goes and looking at ctx between chunks. size is what the file said
// it holds, to allocate once.
func readLimited(ctx context.Context, r io.Reader, size, limit int64) (data []byte, sha string, over bool, err error) {
	// One byte more than the file holds, so that reading to its end needs
	// no second allocation; at most limit+1, to see a file that grew.
	data = make([]byte, 0, min(max(size, 0), limit)+1)
	r = io.LimitReader(r, limit+1)
	h := sha256.New()
	for {
		if err := ctx.Err(); err != nil {
			return nil, "", false, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew: let append find room
		}
		n, err := r.Read(data[len(data):min(cap(data), len(data)+readChunk)])
		h.Write(data[len(data) : len(data)+n])
		data = data[:len(data)+n]
		if int64(len(data)) > limit {
			return nil, "", true, nil
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", false, err
		}
	}
	return data, hex.EncodeToString(h.Sum(nil)), false, nil
}

func tooLarge(path string) *FileError {
	return fileErr(path, "too_large", "文件超过 1 GiB，请拆分后报送", "the file is larger than 1 GiB; split it")
}

// notRegular rejects what is not a regular file: a device, a FIFO, a socket
// or a folder, reached by its own name or through a link.
func notRegular(path string, mode fs.FileMode) *FileError {
	zh, en := "特殊文件", "a special file"
	switch {
	case mode.IsDir():
		zh, en = "文件夹", "a folder"
	case mode&fs.ModeNamedPipe != 0:
		zh, en = "命名管道（FIFO）", "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		zh, en = "套接字（socket）", "a socket"
	case mode&fs.ModeDevice != 0:
		zh, en = "设备文件（如 /dev/zero）", "a device (such as /dev/zero)"
	}
	if li, err := os.Lstat(path); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		zh, en = "指向"+zh+"的链接", "a link to "+en
	}
	return fileErr(path, "not_regular", "这不是普通文件，而是"+zh+"，不能作为报表读取；请报送 .xlsx、.csv 或 .parquet 文件本身",
		"this is %s, not a regular file, and is not read: only regular files are inputs; send the .xlsx, .csv or .parquet file itself", en)
}
