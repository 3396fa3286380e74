package main

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// termText is text from a file or the database as printed on a terminal:
// cut after n characters with a marker giving its length, so that a long
// but accepted value (a name of 32,767 characters) prints as one line,
// then escaped by termSafe, so that it cannot fake output or move the cursor.
func termText(s string, n int) string {
	if len(s) > n { // bytes ≥ characters
		if total := utf8.RuneCountInString(s); total > n {
			cut := 0
			for range n {
				_, size := utf8.DecodeRuneInString(s[cut:])
				cut += size
			}
			s = fmt.Sprintf("%s…(共 %d 字 / %d characters)", s[:cut], total, total)
		}
	}
	return termSafe(s)
}

// Widths at which names are cut on a terminal.
const (
	termName = 60  // carrier and file names
	termWord = 30  // ids, districts, sheet names
	termNote = 600 // notes and messages, already clipped where stored
)

// safeError prints an error through termSafe: the errors of ingest name
// files, whose names come from submitters, and those of sql quote cells
// and the query. lines keeps line breaks (sql's caret under the query);
// otherwise the message prints on one line, so that a file name holding a
// line break cannot fake a line of output. It unwraps to the error itself.
type safeError struct {
	err   error
	lines bool
}

func (e safeError) Error() string {
	if e.lines {
		return termSafeLines(e.err.Error())
	}
	return termSafe(e.err.Error())
}
func (e safeError) Unwrap() error { return e.err }

// termSafeErr wraps err, when there is one, in a one-line safeError; a
// usage error stays one (exit 2).
func termSafeErr(err error) error { return wrapSafe(err, false) }

// termSafeErrLines is termSafeErr keeping line breaks.
func termSafeErrLines(err error) error { return wrapSafe(err, true) }

func wrapSafe(err error, lines bool) error {
	if err == nil {
		return nil
	}
	var usage usageError
	if errors.As(err, &usage) {
		return usageError{safeError{usage.error, lines}}
	}
	return safeError{err, lines}
}
