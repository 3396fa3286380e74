//go:build unix

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// windowWidth asks the terminal f for its width (TIOCGWINSZ); 0 if it
// does not say.
func windowWidth(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
