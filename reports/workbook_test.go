package reports_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports"
	"github.com/incubeval/incubeval/reports/xlsxtest"
)

// workbookWriter writes one kind of workbook of the demo database into dir
// and returns the files written, with the SHA-256 the writer reported
// (empty where it reports none).
type workbookWriter struct {
	name  string
	write func(t *testing.T, db *sql.DB, dir string) map[string]string
}

var workbookWriters = []workbookWriter{
	{"assessment", func(t *testing.T, db *sql.DB, dir string) map[string]string {
		info, err := reports.WriteAssessment(context.Background(), db, demoYear, filepath.Join(dir, "assessment-2025.xlsx"), reports.AssessmentOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{info.Path: info.SHA256}
	}},
	{"feedback", func(t *testing.T, db *sql.DB, dir string) map[string]string {
		fb, err := reports.WriteFeedback(context.Background(), db, demoYear, filepath.Join(dir, "feedback-2025"), reports.FeedbackOptions{})
		if err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(fb.Dir, "*.xlsx"))
		if len(files) == 0 || len(files) != fb.Written {
			t.Fatalf("%d feedback workbooks, WriteFeedback says %d", len(files), fb.Written)
		}
		out := map[string]string{fb.Sums: fb.SumsSHA256}
		for _, p := range files {
			out[p] = ""
		}
		return out
	}},
	{"template", func(t *testing.T, db *sql.DB, dir string) map[string]string {
		p := filepath.Join(dir, "template.xlsx")
		if err := reports.WriteTemplate(context.Background(), db, demoYear, 3, p); err != nil {
			t.Fatal(err)
		}
		return map[string]string{p: ""}
	}},
	{"template without a database", func(t *testing.T, _ *sql.DB, dir string) map[string]string {
		p := filepath.Join(dir, "template-empty.xlsx")
		if err := reports.WriteTemplate(context.Background(), nil, demoYear, 4, p); err != nil {
			t.Fatal(err)
		}
		return map[string]string{p: ""}
	}},
	{"chase list", func(t *testing.T, db *sql.DB, dir string) map[string]string {
		info, err := reports.WriteChase(context.Background(), db, demoYear, 3, time.Date(2025, 10, 20, 0, 0, 0, 0, time.UTC), filepath.Join(dir, "chase.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{info.Path: info.SHA256}
	}},
	{"eligibility", func(t *testing.T, db *sql.DB, dir string) map[string]string {
		info, err := reports.WriteEligibility(context.Background(), db, "provincial_demo_base", demoYear, filepath.Join(dir, "eligibility-provincial_demo_base-2025.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{info.Path: info.SHA256}
	}},
	{"talent", func(t *testing.T, _ *sql.DB, dir string) map[string]string {
		// The demo has no nominations: the talent tests' database, 2021 and
		// 2022 decided.
		info, err := reports.WriteTalent(context.Background(), talentStore(t).DB, 2022, filepath.Join(dir, "talent-2022.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{info.Path: info.SHA256}
	}},
	{"rejects", func(t *testing.T, db *sql.DB, dir string) map[string]string {
		var batch int64
		if err := db.QueryRow("SELECT max(batch_id) FROM rejects").Scan(&batch); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "rejects.xlsx")
		if n, err := reports.WriteRejects(context.Background(), db, batch, p); err != nil || n == 0 {
			t.Fatalf("WriteRejects = %d, %v; the demo has rejects", n, err)
		}
		return map[string]string{p: ""}
	}},
}

// Every workbook declares each sheet's real used range: a reader that
// trusts <dimension ref> (openpyxl's read_only mode) sees every row, not
// one cell per sheet as with excelize's default "A1".
func TestEveryWorkbookDeclaresItsUsedRange(t *testing.T) {
	st := demoStore(t)
	for _, w := range workbookWriters {
		t.Run(w.name, func(t *testing.T) {
			for p := range w.write(t, st.DB, t.TempDir()) {
				if filepath.Ext(p) != ".xlsx" {
					continue
				}
				if err := xlsxtest.CheckDimensions(p); err != nil {
					t.Errorf("%s:\n%v", filepath.Base(p), err)
				}
			}
		})
	}
	// Exactly the rows there are: the title, the note, the header and one
	// row per graded carrier, 14 columns and 11 indicators wide.
	p := workbookWriters[0].write(t, st.DB, t.TempDir())
	for path := range p {
		b, err := xlsxtest.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		got, err := b.Dimension("排名")
		if err != nil {
			t.Fatal(err)
		}
		graded := asmCount(t, st.DB, "SELECT count(*) FROM assessments WHERE year = ? AND outcome = 'graded'", demoYear)
		if want := fmt.Sprintf("A1:Y%d", 3+graded); got != want {
			t.Errorf("排名 declares %q, want %q", got, want)
		}
	}
}

// The same database gives the same bytes, so that a workbook's SHA-256
// means something; the SHA-256 a writer reports is the file's.
func TestEveryWorkbookIsByteIdentical(t *testing.T) {
	st := demoStore(t)
	for _, w := range workbookWriters {
		t.Run(w.name, func(t *testing.T) {
			a, b := t.TempDir(), t.TempDir()
			first := w.write(t, st.DB, a)
			w.write(t, st.DB, b)
			for p, sum := range first {
				x, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				rel, _ := filepath.Rel(a, p)
				y, err := os.ReadFile(filepath.Join(b, rel))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(x, y) {
					t.Errorf("%s differs between two writes of the same database", rel)
				}
				if h := sha256.Sum256(x); sum != "" && sum != hex.EncodeToString(h[:]) {
					t.Errorf("%s: reported SHA-256 %s, the file's is %x", rel, sum, h)
				}
			}
		})
	}
}

// A workbook is dated by its data cut-off: the document properties and
// every zip entry; another cut-off gives other bytes.
func TestAssessmentIsDatedByTheDataCutoff(t *testing.T) {
	st := demoStore(t)
	ctx := context.Background()
	write := func(name string) ([]byte, string) {
		p := filepath.Join(t.TempDir(), name)
		if _, err := reports.WriteAssessment(ctx, st.DB, demoYear, p, reports.AssessmentOptions{}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return data, p
	}
	before, _ := write("before.xlsx")
	if _, err := st.DB.Exec(`UPDATE store.assessment_runs SET data_cutoff = TIMESTAMP '2025-11-18 09:30:00'
		WHERE run_id = (SELECT max(run_id) FROM assessments WHERE year = ?)`, demoYear); err != nil {
		t.Fatal(err)
	}
	after, p := write("after.xlsx")
	if bytes.Equal(before, after) {
		t.Fatal("another data cut-off gave the same bytes")
	}
	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	// 09:30 in Lanzhou (Asia/Shanghai) is 01:30 UTC.
	if props.Created != "2025-11-18T01:30:00Z" || props.Modified != props.Created {
		t.Errorf("properties dated %s / %s, want the cut-off 2025-11-18T01:30:00Z", props.Created, props.Modified)
	}
	zr, err := zip.NewReader(bytes.NewReader(after), int64(len(after)))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range zr.File {
		m := e.Modified
		if m.Year() != 2025 || m.Month() != 11 || m.Day() != 18 || m.Hour() != 9 || m.Minute() != 30 {
			t.Errorf("%s dated %v, want the cut-off's wall time 2025-11-18 09:30", e.Name, m)
		}
		if i == 0 && e.Name != "[Content_Types].xml" {
			t.Errorf("first part %s, want [Content_Types].xml", e.Name)
		}
	}
}

// Feedback letters say 草稿 (draft) until the year is published and the
// letters are written --final: in the title and in the properties.
func TestFeedbackIsMarkedDraftUntilFinal(t *testing.T) {
	st := demoStore(t)
	for _, tt := range []struct {
		final          bool
		mark, notMark  string
		statusContains string
	}{
		{false, "（草稿）", "定稿", "草稿"},
		{true, "（定稿）", "草稿", "定稿"},
	} {
		t.Run(tt.mark, func(t *testing.T) {
			dir := t.TempDir()
			fb, err := reports.WriteFeedback(context.Background(), st.DB, demoYear, dir, reports.FeedbackOptions{Final: tt.final})
			if err != nil || fb.Written == 0 {
				t.Fatalf("WriteFeedback = %+v, %v", fb, err)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
			for _, p := range files[:3] {
				rows := feedbackCells(t, p)
				title := fbCell(rows[0], 0)
				if !strings.Contains(title, tt.mark) || strings.Contains(title, tt.notMark) {
					t.Errorf("%s: title %q, want %s", filepath.Base(p), title, tt.mark)
				}
				f, err := excelize.OpenFile(p)
				if err != nil {
					t.Fatal(err)
				}
				props, _ := f.GetDocProps()
				f.Close()
				if !strings.Contains(props.Title, tt.mark) || !strings.Contains(props.ContentStatus, tt.statusContains) {
					t.Errorf("%s: properties %q / %q, want %s", filepath.Base(p), props.Title, props.ContentStatus, tt.statusContains)
				}
			}
		})
	}
}

// SHA256SUMS lists every feedback workbook with its SHA-256, as sha256sum
// -c reads it; its own SHA-256 is what the ledger records.
func TestFeedbackSumsListEveryWorkbook(t *testing.T) {
	st := demoStore(t)
	dir := t.TempDir()
	fb, err := reports.WriteFeedback(context.Background(), st.DB, demoYear, dir, reports.FeedbackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(fb.Sums)
	if err != nil {
		t.Fatal(err)
	}
	if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != fb.SumsSHA256 {
		t.Errorf("SumsSHA256 %s, the file's is %x", fb.SumsSHA256, h)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != fb.Written {
		t.Fatalf("%d lines for %d workbooks", len(lines), fb.Written)
	}
	prev := ""
	for _, l := range lines {
		sum, name, ok := strings.Cut(l, "  ")
		if !ok || name <= prev {
			t.Fatalf("line %q: want \"<sha256>  <name>\", in name order", l)
		}
		prev = name
		content, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(content); hex.EncodeToString(h[:]) != sum {
			t.Errorf("%s: listed %s, is %x", name, sum, h)
		}
	}
}
