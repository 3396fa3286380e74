package reports_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports"
	"github.com/incubeval/incubeval/reports/xlsxtest"
)

// minPrintPoints is the smallest text an official should have to read on
// paper: font size × the scale the sheet is fitted to its paper at.
const minPrintPoints = 8

// checkPrints fails for every sheet of the workbook at path whose smallest
// text prints under minPrintPoints.
func checkPrints(t *testing.T, path string) []xlsxtest.Print {
	t.Helper()
	ps, err := xlsxtest.PrintedSheets(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Effective < minPrintPoints {
			t.Errorf("%s / %s prints at %.1f pt: %.0f pt of columns on %s (%.0f pt wide) at %.0f%%, smallest font %.0f pt at %s",
				filepath.Base(path), p.Sheet, p.Effective, p.WidthPt, p.Paper, p.Printable, p.Scale*100, p.MinFont, p.MinCell)
		}
	}
	return ps
}

// Every printed page of every workbook is at 8 points or more.
func TestWorkbooksPrintAtLeast8pt(t *testing.T) {
	st := demoStore(t)
	for _, w := range workbookWriters {
		t.Run(w.name, func(t *testing.T) {
			for p := range w.write(t, st.DB, t.TempDir()) {
				if filepath.Ext(p) != ".xlsx" {
					continue
				}
				checkPrints(t, p)
			}
		})
	}
}

// What prints of the assessment workbook: the columns an official reads,
// on the paper chosen, and the indicator detail's heading only.
func TestAssessmentPrintLayout(t *testing.T) {
	st := demoStore(t)
	_, f := writeDemoAssessment(t, st.DB, reports.AssessmentOptions{})
	path := f.Path
	ps := checkPrints(t, path)
	want := map[string]struct {
		paper string
		cols  int // printed columns
		rows  int // printed rows; 0: every row
	}{
		"概览":    {"A4 landscape", 9, 0},
		"排名":    {"A3 landscape", 14, 0},
		"限期整改":  {"A4 landscape", 12, 0},
		"摘牌与撤销": {"A4 landscape", 10, 0},
		"资助":    {"A4 landscape", 14, 0},
		"数据报送":  {"A4 landscape", 11, 0},
		"指标明细":  {"A4 landscape", 9, 3},
		"说明":    {"A4 landscape", 9, 0},
	}
	for _, p := range ps {
		w, ok := want[p.Sheet]
		if !ok {
			t.Errorf("sheet %s not expected", p.Sheet)
			continue
		}
		if p.Paper != w.paper || p.Area.Col1 != 1 || p.Area.Col2 != w.cols || (w.rows > 0 && p.Area.Row2 != w.rows) {
			t.Errorf("%s prints %v on %s, want %d columns (rows to %d) on %s", p.Sheet, p.Area, p.Paper, w.cols, w.rows, w.paper)
		}
		// The charts print whole, within the page's width.
		for _, d := range p.Drawings {
			if !d.Inside(p.Area) {
				t.Errorf("%s: a chart spans %v, outside the print area %v", p.Sheet, d, p.Area)
			}
		}
		if p.Sheet == "概览" && len(p.Drawings) != 3 {
			t.Errorf("概览 has %d charts, want 3", len(p.Drawings))
		}
	}
}

// Long names, operators and reasons wrap within capped columns: the list
// sheets still print at 8 points or more.
func TestAssessmentPrintLayoutHoldsWhateverTheNames(t *testing.T) {
	st := demoStore(t)
	p := filepath.Join(t.TempDir(), "long.xlsx")
	long := func(s string) string { return strings.Repeat(s, 1+60/max(1, len([]rune(s)))) }
	if err := reports.WriteAssessmentLists(context.Background(), st.DB, demoYear, p, long); err != nil {
		t.Fatal(err)
	}
	ps := checkPrints(t, p)
	if len(ps) != 5 {
		t.Fatalf("%d sheets", len(ps))
	}
}

// soffice is LibreOffice's command, or "" with the reason the render checks
// are skipped.
func soffice(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// renderPDF converts a workbook to PDF with LibreOffice, into dir.
func renderPDF(t *testing.T, office, path, dir string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, office, "-env:UserInstallation=file://"+t.TempDir(), "--headless", "--norestore",
		"--convert-to", "pdf", "--outdir", dir, path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), ".xlsx")+".pdf")
	if fi, err := os.Stat(pdf); err != nil || fi.Size() < 10_000 {
		t.Fatalf("no PDF (%v)\n%s", err, out)
	}
	return pdf
}

// pagesBySheet counts a rendered workbook's pages by the sheet name the
// footer prints (&A), with poppler's pdftotext; nil if it is missing.
func pagesBySheet(t *testing.T, pdf string, sheets []string) map[string]int {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Logf("pdftotext (poppler-utils) is not installed: pages are not counted by sheet")
		return nil
	}
	out, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	footer := regexp.MustCompile(`第 \d+ 页 / 共 \d+ 页`)
	pages := map[string]int{}
	for _, page := range strings.Split(string(out), "\f") {
		lines := strings.Split(strings.TrimRight(page, "\n "), "\n")
		last := lines[len(lines)-1]
		if !footer.MatchString(last) {
			continue
		}
		name := strings.TrimSpace(footer.Split(last, 2)[0])
		for _, s := range sheets {
			if name == s {
				pages[s]++
			}
		}
	}
	return pages
}

// headerLines simulates how a header cell wraps in a column width wide
// (CJK characters two units, words unbroken where they fit) and returns
// its lines, or an error for a word broken inside or a bracket stranded at
// a line's start or end.
func headerLines(cell string, width float64) (int, error) {
	avail := width - 1.5
	n := 0
	for _, line := range strings.Split(cell, "\n") {
		var cur []rune
		used := 0.0
		flush := func() error {
			s := strings.TrimSpace(string(cur))
			if strings.HasPrefix(s, "）") || strings.HasPrefix(s, ")") || strings.HasSuffix(s, "（") || strings.HasSuffix(s, "(") {
				return fmt.Errorf("%q wraps into %q", line, s)
			}
			n++
			cur, used = nil, 0
			return nil
		}
		for _, word := range strings.SplitAfter(line, " ") {
			for _, r := range word {
				if r < 0x2E80 {
					continue
				}
				// CJK: every character a place to break.
				word = strings.ReplaceAll(word, string(r), " "+string(r)+" ")
			}
			for _, part := range strings.Fields(word) {
				w := 0.0
				for _, r := range part {
					if r >= 0x2E80 {
						w += 2
					} else {
						w++
					}
				}
				if w > avail {
					return 0, fmt.Errorf("%q does not fit a column %.1f wide", part, width)
				}
				sep := 0.0
				if used > 0 && part[0] < 0x80 && len(cur) > 0 && cur[len(cur)-1] < 0x80 {
					sep = 1
				}
				if used+sep+w > avail {
					if err := flush(); err != nil {
						return 0, err
					}
					sep = 0
				}
				if sep > 0 {
					cur = append(cur, ' ')
				}
				cur = append(cur, []rune(part)...)
				used += sep + w
			}
		}
		if err := flush(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// Header cells fit their columns: no English word broken, no bracket
// stranded, and the header row tall enough for every line.
func TestHeadersFitTheirColumns(t *testing.T) {
	st := demoStore(t)
	dir := t.TempDir()
	var books []string
	for _, w := range workbookWriters {
		if w.name == "assessment" || w.name == "chase list" || w.name == "template" {
			for p := range w.write(t, st.DB, dir) {
				books = append(books, p)
			}
		}
	}
	for _, p := range books {
		f, err := excelize.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, sheet := range f.GetSheetList() {
			switch sheet {
			case "概览", "说明", "按区县汇总", "在册载体", "填报说明":
				continue // not a list under a header in row 3
			}
			rows, err := f.GetRows(sheet)
			if err != nil || len(rows) < 3 {
				t.Fatalf("%s: %d rows, %v", sheet, len(rows), err)
			}
			height, err := f.GetRowHeight(sheet, 3)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range rows[2] {
				col, _ := excelize.ColumnNumberToName(i + 1)
				width, err := f.GetColWidth(sheet, col)
				if err != nil {
					t.Fatal(err)
				}
				lines, err := headerLines(h, width)
				if err != nil {
					t.Errorf("%s / %s %s: %v", filepath.Base(p), sheet, col, err)
					continue
				}
				if need := float64(lines) * 12.5; height < need {
					t.Errorf("%s / %s %s: header %q takes %d lines, the row is %.0f pt high", filepath.Base(p), sheet, col, h, lines, height)
				}
			}
		}
		f.Close()
	}
}

// Numbers, dates and codes fit their columns on paper: a number that does
// not fit prints as ### and a code (统一社会信用代码) runs into its
// neighbours. Widths are counted as Excel counts them (a digit or Latin
// letter one unit, a CJK character two), with 15% to spare for the
// fallback font of a machine without SimSun (LibreOffice on Linux draws
// digits in DejaVu Serif, about 14% wider than Arial's). Cells that wrap
// and long names are exempt: they grow downwards.
func TestNumbersAndCodesFitTheirColumns(t *testing.T) {
	st := demoStore(t)
	dir := t.TempDir()
	checked := 0
	for _, w := range workbookWriters {
		for p := range w.write(t, st.DB, dir) {
			if !strings.HasSuffix(p, ".xlsx") || strings.Contains(p, "feedback") && !strings.HasSuffix(p, "LZ-FH-0001.xlsx") {
				continue
			}
			f, err := excelize.OpenFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, sheet := range f.GetSheetList() {
				rows, err := f.Rows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				r := 0
				for rows.Next() {
					r++
					cols, err := rows.Columns()
					if err != nil {
						t.Fatal(err)
					}
					for c, v := range cols {
						if v == "" || r < 3 {
							continue
						}
						cell, _ := excelize.CoordinatesToCellName(c+1, r)
						// A cell of several lines (the eligibility workbook's
						// values, one a line) needs its widest line.
						if lines := strings.Split(cols[c], "\n"); len(lines) > 1 {
							v = ""
							for _, line := range lines {
								if len([]rune(line)) > len([]rune(v)) {
									v = line
								}
							}
						}
						isNumber := numberText.MatchString(v)
						isCode := len(v) >= 15 && len(v) <= 20 && strings.IndexFunc(v, func(r rune) bool { return r > 0x7f || r == ' ' }) < 0
						if !isNumber && !isCode {
							continue
						}
						if merged, _ := f.GetMergeCells(sheet); inMerge(merged, c+1, r) {
							continue
						}
						col, _ := excelize.ColumnNumberToName(c + 1)
						width, _ := f.GetColWidth(sheet, col)
						need := float64(len([]rune(v)))*1.15 + 0.5
						checked++
						if need > width {
							t.Errorf("%s / %s %s: %q needs %.1f units, the column is %.1f wide", filepath.Base(p), sheet, cell, v, need, width)
						}
					}
				}
				rows.Close()
			}
			f.Close()
		}
	}
	if checked < 1000 {
		t.Fatalf("checked only %d cells", checked)
	}
}

// numberText is a number or date as a format shows it: 1,241, +0.38,
// 30.3%, 606.50, 2028-12-31.
var numberText = regexp.MustCompile(`^[+\-]?[0-9][0-9,]*(\.[0-9]+)?%?$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

func inMerge(merged []excelize.MergeCell, col, row int) bool {
	for _, m := range merged {
		c1, r1, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
		if col >= c1 && col <= c2 && row >= r1 && row <= r2 {
			return true
		}
	}
	return false
}
