package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// maxTitleRows is how many non-blank rows above the header are skipped as a
// form's title (SPEC §3: up to five).
const maxTitleRows = 5

// fileInfo is what reading a file learnt about it.
type fileInfo struct {
	Kind     Kind
	Format   string
	Encoding string
	Sheets   []string // sheets loaded
	Notes    []string // file-level warnings, bilingual
	RowsRead int
	// Header says a header of one of the kinds was recognised, even one
	// then refused (a required column missing, a column twice): the file
	// is meant as a report.
	Header bool
}

// sink receives each non-blank data row with the validator of its sheet;
// validating runs the validator at once, the streaming loader in workers.
type sink func(v *validator, sheet string, rowNo int, cells []string) error

// validating returns a sink that validates each row and passes it to emit.
func validating(emit func(*Row) error) sink {
	return func(v *validator, sheet string, rowNo int, cells []string) error {
		return emit(v.row(sheet, rowNo, cells))
	}
}

// readFile reads every sheet of t, recognises the header and passes each
// non-blank data row to out. The kind is taken from the first sheet with a
// recognised header unless only is set. headerOnly stops after the header
// (to learn the kind cheaply).
func readFile(ctx context.Context, t table, path string, only Kind, today time.Time, headerOnly bool, out sink) (*fileInfo, *FileError, error) {
	info := &fileInfo{Kind: only}
	var unmatched []string
	for _, sheet := range t.Sheets() {
		name := clipq(sheet) // for messages: a hand-made workbook's sheet name can be of any length
		// As stored: excelize gives UTF-8 (its XML parser refuses other
		// bytes), but nothing is stored on that promise alone.
		stored := validText(sheet)
		var (
			val     *validator
			titles  int
			skipped bool
		)
		err := t.Rows(sheet, func(rowNo int, cells []string) error {
			if rowNo%4096 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if blank(cells) {
				return nil
			}
			if val == nil {
				l := headerOf(cells, info.Kind)
				if l == nil {
					// A header of another kind in a later sheet: skip that sheet.
					if info.Kind != "" {
						if other := headerOf(cells, ""); other != nil {
							info.Notes = append(info.Notes, fmt.Sprintf("工作表「%s」是%s，与本文件的%s不同，已跳过，请单独报送 / sheet %q holds %s rows, not %s; skipped, send it as its own file",
								name, other.Spec.Kind.ZH(), info.Kind.ZH(), name, other.Spec.Kind, info.Kind))
							skipped = true
							return errStop
						}
					}
					titles++
					if titles > maxTitleRows {
						unmatched = append(unmatched, name)
						skipped = true
						return errStop
					}
					return nil
				}
				info.Header = true
				if len(l.Missing) > 0 {
					return fileErr(path, "missing_columns",
						fmt.Sprintf("%s缺少必需的列：%s", sheetZH(name), strings.Join(l.Missing, "、")),
						"%smissing required column(s): %s", sheetEN(name), strings.Join(l.Missing, ", "))
				}
				if len(l.Twice) > 0 {
					zh, en := l.duplicates()
					return fileErr(path, "duplicate_column",
						fmt.Sprintf("%s表头中同一项有不止一列：%s。无法确定以哪一列为准，本文件未导入；请只保留其中一列后重新报送", sheetZH(name), zh),
						"%sthe header has more than one column for the same field: %s; which one holds the right value cannot be known, so the file was not loaded: keep only one of them and resend", sheetEN(name), en)
				}
				if info.Kind == "" {
					info.Kind = l.Spec.Kind
				}
				if len(l.Extra) > 0 {
					info.Notes = append(info.Notes, fmt.Sprintf("%s以下列不属于%s，已忽略：%s / %signored column(s): %s",
						sheetZH(name), info.Kind.ZH(), someOf(l.Extra, "、", "列"), sheetEN(name), someOf(l.Extra, ", ", "")))
				}
				if ct, ok := t.(*csvTable); ok {
					l.Fields, l.Sep = len(cells), string(ct.comma)
					// A row reaches its last required cell: a line
					// inside a quoted cell with as many separators
					// looks like one (rowInCell).
					ct.rowSeps = 2
					for i, c := range l.Spec.Columns {
						if c.Required {
							ct.rowSeps = max(ct.rowSeps, l.Cells[i])
						}
					}
				}
				info.Sheets = append(info.Sheets, stored)
				val = newValidator(l, today)
				if headerOnly {
					return errStop
				}
				return nil
			}
			info.RowsRead++
			return out(val, stored, rowNo, cells)
		})
		if fe, ok := err.(*FileError); ok {
			return info, fe, nil
		}
		if err != nil && err != errStop {
			if ctx.Err() != nil {
				return info, nil, ctx.Err()
			}
			if _, isEmit := err.(emitError); isEmit {
				return info, nil, err
			}
			return info, fileErr(path, "damaged", "读取文件时出错，文件可能已损坏", "error while reading: %v", err), nil
		}
		if headerOnly && val != nil {
			return info, nil, nil
		}
		_ = skipped
	}
	if len(info.Sheets) == 0 {
		if info.Kind != "" {
			return info, fileErr(path, "unknown_header",
				fmt.Sprintf("找不到%s的表头（前 %d 行内），应包含：%s", info.Kind.ZH(), maxTitleRows+1, KnownHeaders(info.Kind)),
				"no %s header found in the first %d rows", info.Kind, maxTitleRows+1), nil
		}
		return info, fileErr(path, "unknown_header",
			"无法识别表头：前 6 行中没有载体名录、季度报表、事件、暂缓评价、专家评分、认定申请或创业人才推荐的表头（例如 载体编号、年度、季度、报送日期 …）",
			"unknown header: no registry, quarterly report, incident, deferral, expert score, application or nomination header in the first 6 rows (e.g. carrier_id, year, quarter, submitted_on …)"), nil
	}
	if len(unmatched) > 0 {
		info.Notes = append(info.Notes, fmt.Sprintf("工作表「%s」没有可识别的表头，已跳过 / sheet(s) %s have no recognised header; skipped",
			someOf(unmatched, "」「", "个工作表"), someOf(unmatched, ", ", "")))
	}
	if info.RowsRead == 0 && !headerOnly {
		return info, fileErr(path, "no_rows", "文件只有表头，没有数据行", "the file has a header but no data rows"), nil
	}
	return info, nil, nil
}

// emitError wraps an error returned by the emit callback, so that it is
// not mistaken for a damaged file.
type emitError struct{ error }

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// maxListed is how many names (of ignored columns, skipped sheets) a note
// lists: a hand-made file can hold thousands.
const maxListed = 20

// someOf joins the first maxListed items with sep, and says how many there
// are when there are more: in Chinese when unit (列) is given.
func someOf(items []string, sep, unit string) string {
	if len(items) <= maxListed {
		return strings.Join(items, sep)
	}
	more := fmt.Sprintf(" … (%d in all)", len(items))
	if unit != "" {
		more = fmt.Sprintf(" …（共 %d %s）", len(items), unit)
	}
	return strings.Join(items[:maxListed], sep) + more
}

func sheetZH(sheet string) string {
	if sheet == "" {
		return ""
	}
	return "工作表「" + sheet + "」"
}

func sheetEN(sheet string) string {
	if sheet == "" {
		return ""
	}
	return "sheet " + sheet + ": "
}

// ReadAll opens a file's bytes and returns its rows; used by tests, fuzzing
// and the template round-trip. Rows keep their issues.
func ReadAll(ctx context.Context, db *sql.DB, path string, data []byte, only Kind, today time.Time) (*fileInfo, []*Row, error) {
	t, format, enc, fe := open(ctx, db, path, path, data)
	if fe != nil {
		return nil, nil, fe
	}
	defer t.Close()
	var rows []*Row
	info, fe, err := readFile(ctx, t, path, only, today, false, validating(func(r *Row) error {
		rows = append(rows, r)
		return nil
	}))
	if err != nil {
		return nil, nil, err
	}
	if fe != nil {
		return nil, nil, fe
	}
	info.Format, info.Encoding = format, enc
	return info, rows, nil
}
