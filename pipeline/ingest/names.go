package ingest

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// PathText returns a file's path as the database stores it (file_name,
// source_path): text, which DuckDB requires to be valid UTF-8, whereas a
// Linux file name is any bytes. A name unpacked from a zip made on
// Chinese Windows is in GBK: 季度报表.csv arrives as the bytes BC BE B6 C8
// B1 A8 B1 ED. So each part of the path that is not UTF-8 is read as
// GB18030 when that reads it cleanly (x/text never fails: no U+FFFD, no
// private-use character, the same bytes when encoded back), and otherwise
// keeps its valid characters with the other bytes written \xNN. The file
// itself is still read, and moved, by its real path (FileResult.Path).
func PathText(path string) string {
	if utf8.ValidString(path) {
		return path
	}
	parts := strings.Split(path, string(filepath.Separator))
	for i, p := range parts {
		parts[i] = nameText(p)
	}
	return strings.Join(parts, string(filepath.Separator))
}

// nameText is PathText for one part of a path.
func nameText(name string) string {
	if utf8.ValidString(name) {
		return name
	}
	if s, ok := fromGB18030(name); ok {
		return s
	}
	return escapeInvalid(name)
}

func fromGB18030(b string) (string, bool) {
	s, err := simplifiedchinese.GB18030.NewDecoder().String(b)
	if err != nil || strings.ContainsRune(s, utf8.RuneError) || strings.IndexFunc(s, isPrivateUse) >= 0 {
		return "", false
	}
	if back, err := simplifiedchinese.GB18030.NewEncoder().String(s); err != nil || back != b {
		return "", false
	}
	return s, true
}

// isPrivateUse: GB18030 maps its user-defined areas there; a real name
// does not hold them, bytes that only happen to decode may.
func isPrivateUse(r rune) bool { return unicode.Is(unicode.Co, r) }

// escapeInvalid writes each byte that is not part of a valid UTF-8
// character as \xNN, as a terminal shows it.
func escapeInvalid(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, `\x%02x`, s[i])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// validText makes text from a file (a note quoting a header cell, a sheet
// name) safe to store: readers give valid UTF-8, but nothing is stored on
// that promise alone.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return escapeInvalid(s)
}
