package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
)

// endless is /dev/zero as a reader, cancelling ctx after a few reads.
type endless struct {
	reads  int
	cancel func()
}

func (z *endless) Read(p []byte) (int, error) {
	z.reads++
	if z.reads == 3 && z.cancel != nil {
		z.cancel()
	}
	clear(p)
	return len(p), nil
}

// TestReadLimited: a read stops at the limit (a file that grows while read,
// or a device that never ends) and when the context is cancelled, and
// otherwise returns every byte with its SHA-256.
func TestReadLimited(t *testing.T) {
	t.Run("within the limit", func(t *testing.T) {
		text := strings.Repeat("载体编号,年度\n", 1000)
		data, sha, over, err := readLimited(context.Background(), strings.NewReader(text), 10, 1<<20)
		sum := sha256.Sum256([]byte(text))
		if err != nil || over || string(data) != text || sha != hex.EncodeToString(sum[:]) {
			t.Fatalf("over %v err %v, %d bytes", over, err, len(data))
		}
	})
	t.Run("exactly the limit", func(t *testing.T) {
		data, _, over, err := readLimited(context.Background(), bytes.NewReader(make([]byte, 1000)), 1000, 1000)
		if err != nil || over || len(data) != 1000 {
			t.Fatalf("over %v err %v, %d bytes", over, err, len(data))
		}
	})
	t.Run("grows past the limit", func(t *testing.T) {
		// The file said 10 bytes; it holds more than the limit.
		_, _, over, err := readLimited(context.Background(), io.LimitReader(&endless{}, 1<<20), 10, 64<<10)
		if err != nil || !over {
			t.Fatalf("over %v err %v; want refused as over the limit", over, err)
		}
	})
	t.Run("endless device", func(t *testing.T) {
		_, _, over, err := readLimited(context.Background(), &endless{}, 0, 3*readChunk)
		if err != nil || !over {
			t.Fatalf("over %v err %v; want refused as over the limit", over, err)
		}
	})
	t.Run("cancelled while reading", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		z := &endless{cancel: cancel}
		_, _, _, err := readLimited(ctx, z, 0, 1<<40)
		if !errors.Is(err, context.Canceled) || z.reads != 3 {
			t.Fatalf("err %v after %d reads; want context.Canceled after 3", err, z.reads)
		}
	})
}

// TestSheetCheckStopsWhenCancelled: reading a large sheet's XML to its end
// (up to a gigabyte inflated) stops when the context is cancelled.
func TestSheetCheckStopsWhenCancelled(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	w.Write([]byte("<worksheet><sheetData>" + strings.Repeat(`<row r="1"><c><v>1</v></c></row>`, 1000) + "</sheetData></worksheet>"))
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkSheetXML(context.Background(), zr.File[0]); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := checkSheetXML(ctx, zr.File[0]); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v; want context.Canceled", err)
	}
}
