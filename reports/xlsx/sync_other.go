//go:build !(linux || darwin)

package xlsx

import (
	"os"
	"path/filepath"
)

// SyncFiles puts the files names of dir, just written unsynced
// (Options.Unsynced), on the disk, one fsync each.
func SyncFiles(dir string, names []string) error {
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
