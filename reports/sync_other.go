//go:build !(linux || darwin)

package reports

import (
	"os"
	"path/filepath"
)

// syncLetters puts the feedback letters just written on the disk, one
// fsync each, before their SHA256SUMS is written and its hash recorded.
func syncLetters(dir string, names []string) error {
	for _, n := range names {
		f, err := os.OpenFile(filepath.Join(dir, n), os.O_RDWR, 0)
		if err != nil {
			return err
		}
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
