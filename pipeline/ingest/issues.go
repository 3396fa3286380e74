package ingest

import "fmt"

// Issue is one thing wrong with a row (severity error: the row is rejected)
// or worth a second look (warning: the row is accepted and flagged).
type Issue struct {
	Sheet    string
	Row      int
	Column   string // English column name; empty for whole-row rules
	Raw      string
	Rule     string
	Severity string // error | warning
	ZH, EN   string
	// Whose row it is, so that rejects go back to the district or carrier
	// that sent them: the row's carrier_id as read, and for a registry row
	// its own district. Empty when unknown.
	Carrier, District string
}

func (i Issue) String() string {
	loc := fmt.Sprintf("row %d", i.Row)
	if i.Sheet != "" {
		loc = i.Sheet + " " + loc
	}
	if i.Column != "" {
		loc += " " + i.Column
	}
	return fmt.Sprintf("%s [%s] %s / %s", loc, i.Rule, i.ZH, i.EN)
}

// FileError rejects a whole file; nothing of it is loaded.
type FileError struct {
	Path   string
	Rule   string // not_spreadsheet, damaged, zip_bomb, encoding, unclosed_quote, unknown_header, missing_columns, duplicate_column, empty, no_rows, too_large, read_error, not_regular
	ZH, EN string
}

func (e *FileError) Error() string {
	return fmt.Sprintf("%s: %s / %s", e.Path, e.ZH, e.EN)
}

// fileErr builds a FileError; its messages are clipped, as they may quote
// a sheet name or a reader's error holding a cell.
func fileErr(path, rule, zh, en string, args ...any) *FileError {
	return &FileError{Path: path, Rule: rule, ZH: Clip(zh, MaxRawChars), EN: Clip(fmt.Sprintf(en, args...), MaxRawChars)}
}
