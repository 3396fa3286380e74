package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/stages"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// sweep is the quarterly sweep: ingest the inbox, move what was read to the
// processed folder, and write the chase list (催报清单) of the quarter whose
// due date has just passed.
func sweep(ctx context.Context, env *Env, st *store.Store, r *Run) error {
	asOf := day(r.AsOf, env.Config.Location)
	y, q, err := dueQuarter(ctx, st.DB, asOf)
	if err != nil {
		return err
	}
	r.Set("quarter", fmt.Sprintf("%dQ%d", y, q))
	dir := filepath.Join(env.Config.Outbox, strconv.Itoa(y))
	if err := os.MkdirAll(env.Config.Inbox, 0o755); err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	// The same step as the yearly run's first (stages.IngestInbox).
	rep := &jobReport{env: env, r: r}
	in := stages.Inbox{Path: env.Config.Inbox, Out: dir, RejectsBy: env.Config.RejectsBy}
	if _, err := stages.IngestInbox(ctx, st, in, rep, r); err != nil {
		return rep.wrap(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("chase-%dQ%d.xlsx", y, q))
	info, err := reports.WriteChase(ctx, st.DB, y, q, asOf, path)
	if err != nil {
		return fmt.Errorf("the inbox was ingested, but writing the chase list %s failed: %w", path, err)
	}
	r.Wrote(info.Path, info.SHA256)
	r.Set("carriers_due", info.Due)
	r.Set("missing", info.Missing)
	r.Log.Info(fmt.Sprintf("催报清单 chase list %dQ%d: %d of %d carriers have not reported", y, q, info.Missing, info.Due),
		"path", info.Path, "missing", info.Missing, "due", info.Due)
	return nil
}

// dueQuarter is the latest quarter whose report was due before asOf (the
// due date is the views' due_on macro, SPEC §3.2: one place for the rule).
func dueQuarter(ctx context.Context, db *sql.DB, asOf time.Time) (year, quarter int, err error) {
	err = sqlfiles.Row(ctx, db, "chase_quarter", sql.Named("year", asOf.Year()), sql.Named("as_of", asOf)).Scan(&year, &quarter)
	if err != nil {
		return 0, 0, fmt.Errorf("quarter due before %s: %w", asOf.Format("2006-01-02"), err)
	}
	return year, quarter, nil
}

// jobReport is what a job says of the stage's steps (stages.Reporter):
// lines in its log; for the ingest step also the rows counted, a note for
// each file rejected whole, and the inbox emptied of what was read.
type jobReport struct {
	env          *Env
	r            *Run
	ingestFailed bool // the error the stage returns is the ingest's own
}

// wrap says which inbox an ingest that failed was reading; the other
// steps' errors say themselves what stays committed (stages.StepError).
func (j *jobReport) wrap(err error) error {
	if err != nil && j.ingestFailed {
		return fmt.Errorf("ingest %s: %w", j.env.Config.Inbox, err)
	}
	return err
}

// Ingested logs every file's fate and the batch's totals, and moves the
// files read to processed/<date>/.
func (j *jobReport) Ingested(res *ingest.Result, err error) {
	if err != nil {
		j.ingestFailed = true
		return
	}
	r, inbox := j.r, j.env.Config.Inbox
	read, acc, rej, warned := res.Totals()
	r.AddRows(int64(acc))
	var whole []string
	for _, fr := range res.Files {
		// As the database stores it: a name that is not UTF-8 (a GBK name
		// from a zip) cannot be bound into the ledger's text.
		name := ingest.PathText(relTo(inbox, fr.Path))
		switch fr.Status {
		case ingest.StatusRejected:
			whole = append(whole, fmt.Sprintf("%s: %s / %s", name, fr.Err.ZH, fr.Err.EN))
			r.Log.Warn("文件整体退回 file rejected whole", "file", name, "reason", fr.Err.EN)
		case ingest.StatusDuplicate:
			r.Log.Info("已导入过 already ingested", "file", name, "as", fr.DuplicateOf, "still_blocked", fr.Blocked)
		default:
			attrs := []any{"file", name, "kind", fr.Kind, "status", fr.Status,
				"read", fr.RowsRead, "accepted", fr.Accepted, "rejected", fr.Rejected, "warned", fr.Warned}
			if fr.RetryOf > 0 {
				// The rows rejected earlier only for unknown_carrier or
				// banned_operator, read again (SPEC §10).
				attrs = append(attrs, "retry_of", fr.RetryOf, "retried_for", strings.Join(fr.RetriedRules, ","))
				if fr.NowRejected > 0 {
					// Read again, and now rejected for a reason no later
					// file removes (duplicate_key): a corrected file is needed.
					attrs = append(attrs, "now_rejected", fr.NowRejected, "now_rejected_for", strings.Join(fr.NowRejectedRules, ","))
				}
			}
			r.Log.Info("导入 ingested", attrs...)
		}
	}
	for _, sk := range res.Skipped {
		// Not an input, left in the inbox: a note in the log, not in the
		// ledger (it is not a failure).
		r.Log.Info("跳过 skipped", "file", ingest.PathText(relTo(inbox, sk.Path)), "reason", sk.EN)
	}
	loaded := len(res.Files) - res.Count(ingest.StatusDuplicate) - res.Count(ingest.StatusRejected) - res.Retries()
	r.Log.Info(fmt.Sprintf("收件箱 inbox: %s: %d loaded, %d retried, %d already ingested, %d rejected whole; rows %d read = %d accepted + %d rejected",
		store.Plural(int64(len(res.Files)), "file", "files"), loaded, res.Retries(), res.Count(ingest.StatusDuplicate), len(whole), read, acc, rej),
		"batch", res.BatchID, "warned", warned)
	if len(whole) > 0 {
		r.Note("%d file(s) rejected whole, moved to processed/…/rejected: %s", len(whole), strings.Join(whole, "; "))
	}
	// What was read is committed: it leaves the inbox whatever the later
	// steps do.
	moveProcessed(j.env, r, res)
}

// RejectsWritten logs the batch's rejects workbook(s).
func (j *jobReport) RejectsWritten(w stages.Rejects) {
	j.r.Log.Info("退回清单 rejects workbook", "path", w.Path, "batch", w.Batch, "issues", w.Issues, "workbooks", max(1, len(w.Files)))
}

// Assessed logs what the assessment computed.
func (j *jobReport) Assessed(_ context.Context, _ *store.Store, opts assess.Options, res *assess.Result) error {
	j.r.Log.Info(fmt.Sprintf("评价 assessed %d (window %s to %s), computed %v, published kept %v", opts.Year,
		res.WindowStart.Format("2006-01-02"), res.WindowEnd.Format("2006-01-02"), res.Computed, res.Frozen),
		"assessment_run", res.RunID)
	return nil
}

// AssessmentWritten logs the assessment workbook.
func (j *jobReport) AssessmentWritten(info *reports.AssessmentInfo, final bool, _ time.Duration) {
	j.r.Log.Info("评价结果工作簿 assessment workbook", "path", info.Path, "ranked", info.RankedRows, "final", final, "sha256", info.SHA256)
}

// FeedbackWritten logs the feedback letters.
func (j *jobReport) FeedbackWritten(fb *reports.FeedbackInfo, _ time.Duration) {
	j.r.Log.Info("评价反馈表 feedback workbooks", "dir", fb.Dir, "carriers", fb.Written, "sha256sums", fb.SumsSHA256)
}

func relTo(base, path string) string {
	if rel, err := filepath.Rel(base, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return filepath.Base(path)
}

// moveProcessed moves every file the batch read out of the inbox into
// processed/<date>/ (keeping its folders; files rejected whole under
// rejected/), so that the inbox holds only what has not been read. The
// database keeps its own copy of each file by SHA-256 (archive/ beside it).
func moveProcessed(env *Env, r *Run, res *ingest.Result) {
	base := filepath.Join(env.Config.Processed, r.Started.In(env.Config.Location).Format("2006-01-02"))
	moved := 0
	for _, fr := range res.Files {
		rel := relTo(env.Config.Inbox, fr.Path)
		dst := filepath.Join(base, rel)
		if fr.Status == ingest.StatusRejected {
			dst = filepath.Join(base, "rejected", rel)
		}
		to, err := moveFile(fr.Path, dst)
		if err != nil {
			r.Log.Warn("could not move a processed file out of the inbox", "file", ingest.PathText(fr.Path), "err", err)
			r.Note("could not move %s to %s: %s", ingest.PathText(fr.Path), ingest.PathText(dst), ingest.PathText(err.Error()))
			continue
		}
		r.Log.Debug("moved", "from", fr.Path, "to", to)
		moved++
	}
	if moved > 0 {
		r.Set("moved", moved)
		r.Log.Info(fmt.Sprintf("已归档 moved %s to %s", store.Plural(int64(moved), "file", "files"), base))
	}
}

// moveFile renames src to dst (dst.1, dst.2 … if taken), copying across
// file systems.
func moveFile(src, dst string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", err
	}
	ext := filepath.Ext(dst)
	stem := strings.TrimSuffix(dst, ext)
	for i := 1; ; i++ {
		if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
			break
		}
		dst = fmt.Sprintf("%s.%d%s", stem, i, ext)
	}
	err := os.Rename(src, dst)
	if err == nil {
		return dst, nil
	}
	var le *os.LinkError
	if !errors.As(err, &le) || !errors.Is(le.Err, syscall.EXDEV) {
		return "", err
	}
	if err := copyFile(src, dst); err != nil {
		os.Remove(dst)
		return "", err
	}
	return dst, os.Remove(src)
}

// copyFile copies a regular file, or re-creates a symbolic link, at dst.
// Anything else found in the inbox (a FIFO, a device, a socket) is left
// where it is: opening a FIFO would block and reading a device such as
// /dev/zero would never end.
func copyFile(src, dst string) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file (%s); left in the inbox / 不是普通文件，未移动", src, fi.Mode().Type())
	}
	in, err := os.OpenFile(src, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer in.Close()
	if ifi, err := in.Stat(); err != nil || !ifi.Mode().IsRegular() {
		return fmt.Errorf("%s changed into something other than a regular file; left in the inbox / 文件已被替换，未移动", src)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
