//go:build unix

package ingest

import (
	"os"
	"syscall"
)

// openInput opens a file for reading without blocking (a FIFO opens at
// once instead of waiting for a writer) and without it becoming the
// controlling terminal; the caller then checks what was opened.
func openInput(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}
