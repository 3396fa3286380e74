package xlsx

import (
	"testing"
	"unicode"
)

// TestIsWideFastPath: the block IsWide answers without the Han table is
// all Han.
func TestIsWideFastPath(t *testing.T) {
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		if !unicode.Is(unicode.Han, r) {
			t.Fatalf("%U is not Han", r)
		}
	}
}
