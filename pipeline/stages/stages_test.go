package stages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

const (
	registryCSV = "载体编号,载体名称,运营主体统一社会信用代码,运营主体名称,区县,载体类型,类别,级别,认定日期\n" +
		"LZ-ZC-0001,兰州青创众创空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31\n" +
		"LZ-FH-0001,七里河科技企业孵化器,91350100M000100Y43,七里河孵化管理有限公司,七里河区,孵化器,专业,省级,2018-06-01\n"
	// LZ-FH-0001's row is rejected (filed > incubating).
	quarterlyCSV = "载体编号,年度,季度,报送日期,在孵企业(团队)数,已备案在孵企业数,新入孵企业数,毕业企业数,退出企业数,培训辅导次数,培训人次,创业活动次数,在孵企业从业人数,在孵企业营收(万元),知识产权授权数,获得投融资金额(万元),获投融资企业数\n" +
		"LZ-ZC-0001,2025,3,2025-10-10,20,18,3,1,1,4,90,3,110,600,2,100,2\n" +
		"LZ-FH-0001,2025,3,2025-10-12,20,28,3,1,1,4,90,3,110,600,2,100,2\n"
)

// world is a new database, an inbox holding a registry and a quarterly
// file with one rejected row, and an empty out folder.
type world struct {
	st         *store.Store
	inbox, out string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "t.duckdb"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{st: st, inbox: filepath.Join(dir, "inbox"), out: filepath.Join(dir, "out")}
	os.MkdirAll(w.inbox, 0o755)
	os.WriteFile(filepath.Join(w.inbox, "registry.csv"), []byte(registryCSV), 0o644)
	os.WriteFile(filepath.Join(w.inbox, "q.csv"), []byte(quarterlyCSV), 0o644)
	return w
}

func (w *world) options() Options {
	return Options{Inbox: w.inbox, Out: w.out,
		Assess: assess.Options{Year: 2025, Today: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)}}
}

func (w *world) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.st.DB.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// record is a Reporter and a Ledger that keep what they are told.
type record struct {
	events []string
	args   map[string]any
	files  []string
	sums   map[string]string
}

func newRecord() *record { return &record{args: map[string]any{}, sums: map[string]string{}} }

func (r *record) Ingested(res *ingest.Result, err error) {
	r.events = append(r.events, fmt.Sprintf("ingested %v", err == nil))
}
func (r *record) RejectsWritten(w Rejects) {
	r.events = append(r.events, fmt.Sprintf("rejects %s %d", filepath.Base(w.Path), w.Issues))
}
func (r *record) Assessed(_ context.Context, _ *store.Store, o assess.Options, _ *assess.Result) error {
	r.events = append(r.events, fmt.Sprintf("assessed %d", o.Year))
	return nil
}
func (r *record) AssessmentWritten(info *reports.AssessmentInfo, final bool, _ time.Duration) {
	r.events = append(r.events, fmt.Sprintf("assessment %s final=%v", filepath.Base(info.Path), final))
}
func (r *record) FeedbackWritten(fb *reports.FeedbackInfo, _ time.Duration) {
	r.events = append(r.events, "feedback "+filepath.Base(fb.Dir))
}
func (r *record) Set(key string, v any) { r.args[key] = v }
func (r *record) Wrote(path, sum string) {
	r.files = append(r.files, path)
	if sum != "" {
		r.sums[path] = sum
	}
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// A year's run does its steps in order, and the ledger lists every file
// written, in that order, each with the SHA-256 of its bytes (a folder
// without one), beside the year, batch, assessment run and finality.
func TestYearDoesItsStepsInOrderAndRecordsEveryFile(t *testing.T) {
	w := newWorld(t)
	rec := newRecord()
	o := w.options()
	o.Feedback = true
	res, err := Year(context.Background(), w.st, o, rec, rec)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ingested true", "rejects rejects-batch-1.xlsx 1", "assessed 2025", "assessment assessment-2025.xlsx final=false", "feedback feedback-2025"}
	if !slices.Equal(rec.events, want) {
		t.Fatalf("steps %q, want %q", rec.events, want)
	}
	fb := FeedbackDir(w.out, 2025)
	wantFiles := []string{RejectsPath(w.out, 1), AssessmentPath(w.out, 2025), fb + string(filepath.Separator), filepath.Join(fb, "SHA256SUMS")}
	if !slices.Equal(rec.files, wantFiles) {
		t.Fatalf("files_written %q, want %q", rec.files, wantFiles)
	}
	for _, p := range wantFiles {
		if strings.HasSuffix(p, string(filepath.Separator)) {
			if rec.sums[p] != "" {
				t.Errorf("a folder has a hash: %s", p)
			}
			continue
		}
		if got := fileSHA256(t, p); rec.sums[p] != got {
			t.Errorf("%s: recorded %q, the file's is %s", p, rec.sums[p], got)
		}
	}
	if rec.args["year"] != 2025 || rec.args["batch"] != int64(1) || rec.args["assessment_run"] != res.Assessment.RunID ||
		rec.args["final"] != false || rec.args["feedback_workbooks"] != 2 {
		t.Fatalf("args %v", rec.args)
	}
	if res.Batch == nil || res.Batch.BatchID != 1 || res.Final {
		t.Fatalf("result %+v", res)
	}
}

// A batch that rejected nothing writes no rejects workbook: the same inbox
// again (already ingested) leaves batch 1's workbook as it was and makes
// none for batch 2 — a run never replaces an earlier batch's rejects.
func TestRejectsWorkbookOnlyForABatchThatRejected(t *testing.T) {
	w := newWorld(t)
	if _, err := Year(context.Background(), w.st, w.options(), newRecord(), newRecord()); err != nil {
		t.Fatal(err)
	}
	first := fileSHA256(t, RejectsPath(w.out, 1))
	rec := newRecord()
	if _, err := Year(context.Background(), w.st, w.options(), rec, rec); err != nil {
		t.Fatal(err)
	}
	for _, e := range rec.events {
		if strings.HasPrefix(e, "rejects") {
			t.Errorf("a batch without rejects wrote %s", e)
		}
	}
	if _, err := os.Stat(RejectsPath(w.out, 2)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("batch 2's rejects workbook: %v", err)
	}
	if got := fileSHA256(t, RejectsPath(w.out, 1)); got != first {
		t.Errorf("batch 1's rejects workbook was rewritten")
	}
	if slices.Contains(rec.files, RejectsPath(w.out, 1)) {
		t.Errorf("the second run lists batch 1's workbook: %q", rec.files)
	}
}

// With rejects by district, the batch's workbooks go into
// out/rejects-batch-N/, each listed with its hash.
func TestRejectsByDistrictGoIntoTheBatchFolder(t *testing.T) {
	w := newWorld(t)
	rec := newRecord()
	_, err := IngestInbox(context.Background(), w.st, Inbox{Path: w.inbox, Out: w.out, RejectsBy: reports.RejectsByDistrict}, rec, rec)
	if err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(RejectsDir(w.out, 1), "退回清单-七里河区.xlsx")
	if !slices.Equal(rec.files, []string{book}) || rec.sums[book] != fileSHA256(t, book) {
		t.Fatalf("files %q, sums %v", rec.files, rec.sums)
	}
	if !slices.Equal(rec.events, []string{"ingested true", "rejects rejects-batch-1 1"}) {
		t.Fatalf("steps %q", rec.events)
	}
}

// Final insists on a published year: one that is not is refused before
// anything is ingested or written.
func TestFinalIsRefusedBeforeAnythingWhenNotPublished(t *testing.T) {
	w := newWorld(t)
	rec := newRecord()
	o := w.options()
	o.Final = true
	_, err := Year(context.Background(), w.st, o, rec, rec)
	var np *NotPublishedError
	if !errors.As(err, &np) || np.Year != 2025 {
		t.Fatalf("err %v, want NotPublishedError", err)
	}
	if n := w.count(t, "store.ingests"); n != 0 || len(rec.events) != 0 || len(rec.files) != 0 {
		t.Fatalf("did something: %d ingests, steps %q, files %q", n, rec.events, rec.files)
	}
	if _, err := os.Stat(w.out); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("out: %v", err)
	}
}

// The workbooks are draft until the year is published and final once it
// is, without being asked (as the yearly job writes them); Final then
// passes.
func TestWorkbooksAreFinalOncePublished(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	o := w.options()
	if _, err := Year(ctx, w.st, o, newRecord(), newRecord()); err != nil {
		t.Fatal(err)
	}
	if _, err := assess.Publish(ctx, w.st, 2025, o.Assess.Today); err != nil {
		t.Fatal(err)
	}
	for _, final := range []bool{false, true} {
		rec := newRecord()
		o.Final = final
		res, err := Year(ctx, w.st, o, rec, rec)
		if err != nil || !res.Final || rec.args["final"] != true {
			t.Fatalf("Final %v: %v, result final %v, args %v", final, err, res != nil && res.Final, rec.args)
		}
		f, err := excelize.OpenFile(AssessmentPath(w.out, 2025))
		if err != nil {
			t.Fatal(err)
		}
		props, _ := f.GetDocProps()
		f.Close()
		if !strings.Contains(props.Title+props.ContentStatus, "定稿") {
			t.Errorf("Final %v: the published year's workbook is %q / %q", final, props.Title, props.ContentStatus)
		}
	}
}

// A step that fails says what stays committed: the batch, and the
// results once stored.
func TestStepErrorSaysWhatStays(t *testing.T) {
	ctx := context.Background()
	t.Run("rejects", func(t *testing.T) {
		w := newWorld(t)
		os.MkdirAll(RejectsPath(w.out, 1), 0o755) // cannot be written
		_, err := Year(ctx, w.st, w.options(), newRecord(), newRecord())
		var se *StepError
		if !errors.As(err, &se) || se.Step != StepRejects || se.Batch == nil || se.Assessed != nil ||
			!strings.HasPrefix(err.Error(), "the inbox was ingested (batch 1), but writing the rejects workbook ") {
			t.Fatalf("%v", err)
		}
		if n := w.count(t, "store.assessment_runs"); n != 0 {
			t.Fatalf("assessed after the rejects failed: %d runs", n)
		}
	})
	t.Run("assessment workbook", func(t *testing.T) {
		w := newWorld(t)
		os.MkdirAll(AssessmentPath(w.out, 2025), 0o755)
		_, err := Year(ctx, w.st, w.options(), newRecord(), newRecord())
		var se *StepError
		if !errors.As(err, &se) || se.Step != StepAssessmentWorkbook || se.Batch == nil || se.Assessed == nil ||
			!strings.HasPrefix(err.Error(), "the inbox was ingested (batch 1) and the results of 2025 are stored (assessment run 1), but writing ") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("assess, nothing ingested", func(t *testing.T) {
		w := newWorld(t)
		o := w.options()
		o.Inbox = t.TempDir() // empty: nothing committed, nothing to assess
		_, err := Year(ctx, w.st, o, newRecord(), newRecord())
		var se *StepError
		var none *assess.NoDataError
		if !errors.As(err, &se) || se.Step != StepAssess || se.Batch != nil || !errors.As(err, &none) ||
			!strings.HasPrefix(err.Error(), "assess 2025 failed: ") {
			t.Fatalf("%v", err)
		}
	})
}
