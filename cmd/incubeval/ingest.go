package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

func (a *app) ingestCommand() *cobra.Command {
	var kind, rejectsOut, rejectsBy string
	cmd := &cobra.Command{
		Use:   "ingest PATH...",
		Short: "导入载体名录、季度报表、事件、暂缓、专家评分、认定申请和创业人才推荐文件 — load registry, quarterly, incident, deferral, expert score, application and nomination files (CSV, XLSX, Parquet; folders recursively)",
		Long: `导入报送文件（CSV、XLSX、Parquet；文件夹逐层读取）。每个文件按 SHA-256 归档、逐行校验、
单独提交；同样的文件再次导入不重复加载。有错误的行被退回，附中英文说明，可用
--rejects-out 写成退回清单发回报送单位；加 --rejects-by district（或 carrier）时
--rejects-out 是文件夹，每个区县（或载体）一份退回清单。整体退回的文件也记入
ingest_log 和退回清单。同样的文件再次导入时，仅因载体不在名录中（unknown_carrier）
或运营主体禁止申报（banned_operator）而退回的行会重新读取（重试），单独记为一次导入。
Load input files into the database. Each file is archived by its SHA-256,
validated row by row and loaded in its own transaction; the same bytes twice
are a reported no-op. Rows with errors are rejected and kept in the view
'rejects' with a bilingual message; --rejects-out writes them as a workbook
to send back to the submitter; with --rejects-by district (or carrier),
--rejects-out is a folder that gets one workbook per submitting district
(or carrier): 退回清单-<district>.xlsx, and 退回清单-文件<N>-<file>.xlsx for
the rejects of a file whose district is not known (a carrier not in the
registry, a file rejected whole).

The same bytes ingested again are "already ingested", except that rows
rejected only because their carrier was not yet in the registry
(unknown_carrier) or its operator was banned (banned_operator) are read
again, if the registry now lets any of them in: a retry, logged as its own
ingest (retry_of).

Exit status: 0 when every file was read (even if some rows were rejected),
1 when a file was rejected whole, 75 when another process holds the database.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k := ingest.Kind(kind)
			if kind != "" {
				if _, ok := ingest.Specs[k]; !ok {
					return usageError{fmt.Errorf("--kind must be one of %s, not %q", strings.Join(ingestKinds(), ", "), kind)}
				}
			}
			if rejectsBy != "" && rejectsOut == "" {
				return usageError{fmt.Errorf("--rejects-by 需要 --rejects-out 文件夹 / --rejects-by needs --rejects-out DIR, the folder for the workbooks")}
			}
			if err := checkInputs(args); err != nil {
				return err
			}
			// Where the rejects go is checked before anything is loaded: a
			// workbook written over the database would lose the batch.
			switch {
			case rejectsOut != "" && rejectsBy != "":
				if err := outputFolder("--rejects-out", rejectsOut, a.dbPath, "退回清单-*.xlsx"); err != nil {
					return err
				}
			case rejectsOut != "":
				resolved, err := outputFile("--rejects-out", rejectsOut, a.dbPath)
				if err != nil {
					return err
				}
				rejectsOut = resolved
			}
			st, err := a.openCreate(cmd.Context())
			if err != nil {
				return err
			}
			// closed by run, after the ledger row (openWrite)
			res, err := a.ingest(cmd.Context(), st, args, ingest.Options{Kind: k})
			if err != nil {
				return err
			}
			if rejectsOut != "" && rejectsBy != "" {
				return a.writeRejectsBy(cmd.Context(), st, res, rejectsOut, rejectsBy)
			}
			if rejectsOut != "" {
				n, err := writeRejects(cmd.Context(), st.DB, res.BatchID, rejectsOut)
				if err != nil {
					return a.loadedButFailed(res, "写退回清单 "+rejectsOut, "writing the rejects workbook "+rejectsOut, "", a.rejectsElsewhere(res.BatchID), err)
				}
				fmt.Fprintf(a.stdout, "退回清单 Rejects workbook: %s (%s)\n", termSafe(rejectsOut), plural(n, "issue", "issues"))
			}
			return nil
		},
	}
	enumFlag(cmd.Flags(), &kind, "kind", ingestKinds(), "按此类型读取所有文件 treat every file as this kind: "+strings.Join(ingestKinds(), "|"))
	cmd.Flags().StringVar(&rejectsOut, "rejects-out", "", "把本批退回的行和整体退回的文件写成退回清单 write this batch's rejected rows and files to FILE.xlsx (with --rejects-by: into the folder DIR)")
	enumFlag(cmd.Flags(), &rejectsBy, "rejects-by", []string{reports.RejectsByDistrict, reports.RejectsByCarrier},
		"按区县或载体分别写退回清单 one rejects workbook per submitting district or carrier: district|carrier")
	return cmd
}

// writeRejectsBy writes the batch's rejects as one workbook per district
// or carrier into dir and lists them.
func (a *app) writeRejectsBy(ctx context.Context, st *store.Store, res *ingest.Result, dir, by string) error {
	files, err := reports.WriteRejectsBy(ctx, st.DB, res.BatchID, dir, by)
	if err != nil {
		return a.loadedButFailed(res, "写退回清单到 "+dir, "writing the rejects workbooks into "+dir, "", a.rejectsElsewhere(res.BatchID), err)
	}
	if len(files) == 0 {
		fmt.Fprintf(a.stdout, "退回清单 Rejects workbooks: none, nothing was rejected in batch %d / 本批次没有退回\n", res.BatchID)
		return nil
	}
	printRejectsBy(a.stdout, dir, by, files)
	return nil
}

// printRejectsBy lists the rejects workbooks written one per district or
// carrier into dir.
func printRejectsBy(w io.Writer, dir, by string, files []reports.RejectsFile) {
	n := 0
	for _, f := range files {
		n += f.Issues
	}
	fmt.Fprintf(w, "退回清单 Rejects workbooks: %s (%s, one per %s; %s)\n", termSafe(dir),
		plural(len(files), "workbook", "workbooks"), by, plural(n, "issue", "issues"))
	for _, f := range files {
		fmt.Fprintf(w, "  %s (%d)\n", displayName(f.Path), f.Issues)
	}
}

// checkInputs looks at every path to ingest before the database is
// opened, so that a mistyped path makes no database and no ledger row.
func checkInputs(paths []string) error {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return termSafeErr(fmt.Errorf("找不到 / cannot read %s: %w", ingest.PathText(p), err))
		}
	}
	return nil
}

// ingest runs a batch with a progress bar on a terminal and prints one line
// per file and a total.
func (a *app) ingest(ctx context.Context, st *store.Store, paths []string, opts ingest.Options) (*ingest.Result, error) {
	done := a.ingestProgress(ctx, &opts)
	res, err := ingest.Ingest(ctx, st, paths, opts)
	return res, done(res, err)
}

// ingestProgress sets the batch's callbacks — a progress bar on a
// terminal when several files are read, else one line per file as its
// fate is settled — and returns done, which is given the batch's outcome,
// prints the rest (the lines held back behind the bar, the files skipped,
// the total and where the rejected rows are) and returns the batch's
// error made safe for the terminal.
func (a *app) ingestProgress(ctx context.Context, opts *ingest.Options) (done func(*ingest.Result, error) error) {
	var (
		progress         *mpb.Progress
		loadBar, readBar *mpb.Bar
	)
	if isTerminal(a.stderr) {
		opts.OnPlan = func(n int) {
			if n < 2 {
				return
			}
			progress = mpb.NewWithContext(ctx, mpb.WithOutput(a.stderr), mpb.WithWidth(40))
			newBar := func(name string) *mpb.Bar {
				return progress.AddBar(int64(n),
					mpb.PrependDecorators(decor.Name(name, decor.WC{W: 6, C: decor.DindentRight}), decor.CountersNoUnit("%d/%d files")),
					mpb.AppendDecorators(decor.Percentage(), decor.Name(" "), decor.AverageETA(decor.ET_STYLE_GO)))
			}
			readBar, loadBar = newBar("read"), newBar("load")
		}
		opts.OnRead = func(string) {
			if readBar != nil {
				readBar.Increment()
			}
		}
	}
	var lines []ingest.FileResult
	opts.OnSkip = func(ingest.Skip) {
		if loadBar != nil {
			loadBar.Increment()
		}
	}
	opts.OnFile = func(fr ingest.FileResult) {
		if loadBar != nil {
			loadBar.Increment()
		} else {
			printFile(a.stdout, fr)
		}
		lines = append(lines, fr)
	}
	return func(res *ingest.Result, err error) error {
		err = termSafeErr(err)
		if progress != nil {
			if err != nil {
				readBar.Abort(false)
				loadBar.Abort(false)
			}
			progress.Wait()
			for _, fr := range lines {
				printFile(a.stdout, fr)
			}
		}
		if err != nil {
			return err
		}
		for _, s := range res.Skipped {
			fmt.Fprintf(a.stdout, "  skip      %s: %s / %s\n", displayName(s.Path), s.ZH, s.EN)
		}
		read, acc, rej, warn := res.Totals()
		retried := ""
		if n := res.Retries(); n > 0 {
			retried = fmt.Sprintf(", %d retried", n)
		}
		fmt.Fprintf(a.stdout, "合计 Total: %s: %d loaded%s, %d already ingested, %d rejected whole; rows %d read = %d accepted + %d rejected; %d warned\n",
			plural(len(res.Files), "file", "files"), len(res.Files)-res.Count(ingest.StatusDuplicate)-res.Count(ingest.StatusRejected)-res.Retries(), retried,
			res.Count(ingest.StatusDuplicate), res.Count(ingest.StatusRejected), read, acc, rej, warn)
		if rej > 0 || res.Count(ingest.StatusRejected) > 0 {
			fmt.Fprintf(a.stdout, "退回的行 Rejected rows (or ingest --rejects-out FILE.xlsx):\n  %s sql \"SELECT file_name, sheet, row_no, column_name, raw_value, message_zh FROM rejects WHERE batch_id = %d\"\n", a.selfDB(), res.BatchID)
		}
		if res.Count(ingest.StatusRejected) > 0 {
			a.failed = true
		}
		if a.stats {
			ph := res.Phases
			fmt.Fprintf(a.stderr, "stats: read+validate+archive %.2fs, load %.2fs, commit %.2fs\n",
				ph.Prepare.Seconds(), ph.Load.Seconds(), ph.Commit.Seconds())
		}
		return nil
	}
}

// printFile prints one file's fate. The file name, notes and messages come
// from the submitter (a name may hold a line break or an escape sequence
// faking a line of this output): they go through termSafe. A name that is
// not UTF-8 is printed as ingest_log stores it (a GBK name decoded).
func printFile(w io.Writer, fr ingest.FileResult) {
	name := displayName(fr.Path)
	switch {
	case fr.Status == ingest.StatusRejected:
		fmt.Fprintf(w, "  REJECTED  %s [#%d]\n            %s\n            %s\n", name, fr.IngestID, termText(fr.Err.ZH, termNote), termText(fr.Err.EN, termNote))
	case fr.Status == ingest.StatusDuplicate:
		when := ""
		if !fr.DuplicateAt.IsZero() {
			when = " on " + fr.DuplicateAt.Format("2006-01-02 15:04")
		}
		if fr.DuplicateOf > 0 {
			fmt.Fprintf(w, "  same      %s: already ingested as #%d%s; nothing to do / 已导入过，未重复导入\n", name, fr.DuplicateOf, when)
		} else {
			fmt.Fprintf(w, "  same      %s: same bytes as another file in this batch; nothing to do / 与本批另一文件相同\n", name)
		}
		if fr.Blocked > 0 {
			en, zh := blockedAdvice(fr.BlockedRules)
			fmt.Fprintf(w, "            %s rejected for %s still cannot be accepted: %s first, then this file again / "+
				"因%s退回的 %d 行仍无法接收：请先%s，再重新导入本文件\n",
				plural(fr.Blocked, "row", "rows"), strings.Join(fr.BlockedRules, ", "), en, rulesZH(fr.BlockedRules), fr.Blocked, zh)
		}
		for _, n := range fr.Notes {
			fmt.Fprintf(w, "            note: %s\n", termText(n, termNote))
		}
	case fr.RetryOf > 0:
		warn := ""
		if fr.Warned > 0 {
			warn = fmt.Sprintf(", %d warned", fr.Warned)
		}
		fmt.Fprintf(w, "  retried   %s [%s #%d, retry of #%d]: 重试 retried %s rejected earlier for %s: %d now accepted + %d still rejected%s / "+
			"重新读取因%s退回的 %d 行：%d 行已接收，%d 行仍退回\n",
			name, fr.Kind, fr.IngestID, fr.RetryOf, plural(fr.RowsRead, "row", "rows"), strings.Join(fr.RetriedRules, ", "), fr.Accepted, fr.Rejected, warn,
			rulesZH(fr.RetriedRules), fr.RowsRead, fr.Accepted, fr.Rejected)
		if fr.NowRejected > 0 {
			// Rejected again for a reason no later file removes (a key
			// another row of the file holds): not read again.
			fmt.Fprintf(w, "            %s read again %s now rejected for %s: send a corrected file / "+
				"重新读取的 %d 行现因%s退回，请报送更正后的文件\n",
				plural(fr.NowRejected, "row", "rows"), map[bool]string{true: "is", false: "are"}[fr.NowRejected == 1],
				strings.Join(fr.NowRejectedRules, ", "), fr.NowRejected, rulesZH(fr.NowRejectedRules))
		}
	default:
		warn := ""
		if fr.Warned > 0 {
			warn = fmt.Sprintf(", %d warned", fr.Warned)
		}
		fmt.Fprintf(w, "  %-9s %s [%s #%d]: %d read = %d accepted + %d rejected%s\n",
			fr.Status, name, fr.Kind, fr.IngestID, fr.RowsRead, fr.Accepted, fr.Rejected, warn)
		for _, n := range fr.Notes {
			fmt.Fprintf(w, "            note: %s\n", termText(n, termNote))
		}
	}
}

// ruleZH names the reasons a retry is about, for the clerk.
var ruleZH = map[string]string{"unknown_carrier": "载体不在名录中", "banned_operator": "运营主体禁止申报"}

func rulesZH(rules []string) string {
	zh := make([]string, len(rules))
	for i, r := range rules {
		n := ruleZH[r]
		if n == "" {
			n, _ = ingest.RuleName(r, false)
		}
		zh[i] = "「" + n + "」"
	}
	return strings.Join(zh, "、")
}

// blockedAdvice says what lets rows waiting for a retry in: for each of
// their reasons, what removes it — and no other.
func blockedAdvice(rules []string) (en, zh string) {
	var ens, zhs []string
	for _, r := range rules {
		switch r {
		case "unknown_carrier":
			ens, zhs = append(ens, "load the registry"), append(zhs, "导入载体名录")
		case "banned_operator":
			ens, zhs = append(ens, "have the ban lifted"), append(zhs, "待禁令解除")
		}
	}
	if len(ens) == 0 { // not reached: only those two are retried
		return "remove the reason", "消除退回原因"
	}
	return strings.Join(ens, " and "), strings.Join(zhs, "并")
}

// displayName is a file's path as printed: relative to the working folder
// when under it, as the database stores it, escaped for the terminal.
func displayName(path string) string {
	name := path
	if rel, err := filepath.Rel(".", path); err == nil && !strings.HasPrefix(rel, "..") {
		name = rel
	}
	return termSafe(ingest.PathText(name))
}

// loadedButFailed is the error of a command whose batch was loaded and
// committed before a later step failed: the message says first that the
// rows are in, so that nobody loads the files again or thinks them lost,
// then what failed (whatZH, whatEN) and what was not done or what to do
// (nextZH, nextEN; may be empty).
func (a *app) loadedButFailed(res *ingest.Result, whatZH, whatEN, nextZH, nextEN string, err error) error {
	read, acc, rej, _ := res.Totals()
	files := len(res.Files) - res.Count(ingest.StatusDuplicate) - res.Count(ingest.StatusRejected)
	return termSafeErr(fmt.Errorf("批次 %d 已导入并提交（%d 个文件，%d 行 = %d 行接收 + %d 行退回），数据已保存；只是%s 时失败%s / "+
		"batch %d was loaded and committed (%s; rows %d read = %d accepted + %d rejected) and stays loaded; only %s failed: %w.%s",
		res.BatchID, files, read, acc, rej, whatZH, nextZH, res.BatchID, plural(files, "file", "files"), read, acc, rej, whatEN, err, nextEN))
}

// rejectsElsewhere says, after the rejects workbook of a batch could not
// be written, how to get the rejects another way.
func (a *app) rejectsElsewhere(batch int64) string {
	return fmt.Sprintf(" The rejects are in the view rejects: %s sql -o rejects.xlsx \"SELECT * FROM rejects WHERE batch_id = %d\"", a.selfDB(), batch)
}

// writeRejects writes ingest's rejects workbook; a test makes it fail after
// the batch was committed (a disk that fills up between the two).
var writeRejects = reports.WriteRejects
