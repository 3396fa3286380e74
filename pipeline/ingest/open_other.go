//go:build !unix

package ingest

import "os"

// openInput opens a file for reading; the caller then checks what was
// opened. (Systems without FIFOs and terminal devices need no flags.)
func openInput(path string) (*os.File, error) {
	return os.Open(path)
}
