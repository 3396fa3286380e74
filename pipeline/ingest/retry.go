package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/marcboeker/go-duckdb"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Retries (SPEC §10): a file whose rows were rejected for a reason a later
// file can remove — unknown_carrier, the registry not yet loaded;
// banned_operator, a ban since lifted — is ingested again as it is, the
// same bytes, with no flag to learn. Its other rows are not read again:
// they were accepted, or rejected for reasons of their own (duplicate_key
// among them, also beside unknown_carrier). Their keys still count: a row
// read again whose key another row of the file holds, accepted or not, is
// a duplicate, as on the first reading, so a retry loads no twin. The
// retry is an ingest of its own (ingest_log.retry_of = the file's first
// ingest, rows_read = the rows read again), and store.retried_rows marks each
// earlier rejection it read again, so that the rejects view lists a row
// under its latest reading only and no row is both accepted and rejected.
// The rows a retry would read are the view retryable_rejects: the rule of
// which reasons a later file can remove lives there.
//
// "Ingested last" (SPEC §3.2) for a retried row: it counts as ingested
// with the file it comes from (view ingest_order), not at the retry, so
// that loading in the wrong order and retrying gives what loading in the
// right order would have given: a revision of the same date sent after
// that file still wins over it.

// errNothingRetried rolls a retry back when none of the rows read again
// would be accepted and each would still be retryable: nothing would
// change, and the file stays "already ingested", with the rows still
// waiting said in its line.
var errNothingRetried = errors.New("no row read again was accepted")

// settleRetry finds, inside the retry's transaction (its ingest log row
// written), which of the rows read again are now rejected for a reason no
// later file removes (not in retryable_rejects): a key another row of the
// file holds (duplicate_key) — a state the earlier rule, which counted
// only accepted rows towards a duplicated key, could leave. Such a retry
// is kept even if it accepted nothing: the rows leave retryable_rejects
// under their latest reading, and the clerk is told they need a corrected
// file, instead of their waiting for ever behind a registry or a ban that
// is no longer the reason. A retry that accepted nothing and changed no
// row's reasons is rolled back (errNothingRetried).
func settleRetry(ctx context.Context, conn *sql.Conn, fr *FileResult) error {
	var n int
	var rules string
	err := conn.QueryRowContext(ctx, `
		SELECT count(DISTINCT (coalesce(i.sheet, ''), i.row_no)), coalesce(string_agg(DISTINCT i.rule, ',' ORDER BY i.rule), '')
		FROM store.row_issues i
		ANTI JOIN (SELECT ingest_id, sheet, row_no FROM retryable_rejects WHERE ingest_id = ?) r
		       ON r.row_no = i.row_no AND coalesce(r.sheet, '') = coalesce(i.sheet, '')
		WHERE i.ingest_id = ? AND i.severity = 'error'`, fr.IngestID, fr.IngestID).Scan(&n, &rules)
	if err != nil {
		return fmt.Errorf("rows read again, now rejected: %w", err)
	}
	if fr.Accepted == 0 && n == 0 {
		return errNothingRetried // nothing would change: roll back
	}
	if n > 0 {
		fr.NowRejected, fr.NowRejectedRules = n, strings.Split(rules, ",")
	}
	return nil
}

// retry settles, for a file whose bytes were ingested before this batch,
// a retry of its rows rejected only for unknown_carrier or banned_operator,
// in a transaction of its own. It reports whether it settled the file;
// false leaves it a duplicate ("already ingested").
func (e *engine) retry(ctx context.Context, p *prepared) (bool, error) {
	pr, ok := e.seen[p.sha]
	if !ok || pr.id >= e.firstID || e.retried[p.sha] {
		return false, nil // new in this batch, or tried already
	}
	e.retried[p.sha] = true
	if e.retryable == nil {
		// Which files have rows to retry, asked once a batch: a folder of
		// files ingested before must not cost a query each.
		if err := e.loadRetryable(ctx); err != nil {
			return false, err
		}
	}
	if !e.retryable[pr.id] {
		return false, nil
	}
	plan, kind, err := e.planRetry(ctx, pr.id)
	if err != nil || plan == nil {
		return false, err
	}
	dup := e.earlyResult(p)
	q, fe, err := e.prepareRetry(ctx, p, kind, plan)
	if err == nil && fe == nil {
		var fr FileResult
		if fr, err = e.loadRetry(ctx, q); err == nil {
			e.settle(fr)
			return true, nil
		}
	}
	var loadFE *FileError
	if fe == nil && errors.As(err, &loadFE) {
		fe = loadFE
	}
	switch {
	case ctx.Err() != nil:
		return true, ctx.Err()
	case errors.Is(err, errNothingRetried):
		// Read again, every row still rejected only for the reasons it
		// waits for (no registry yet, a ban in force): say so.
		dup.Blocked, dup.BlockedRules = len(plan.rows), plan.rules
	case fe != nil:
		// Not read again: the reason is the file, not the registry or a
		// ban, so the rows are not said to wait for those.
		var zh []string
		for _, r := range plan.rules {
			n, _ := RuleName(r, false)
			zh = append(zh, "「"+n+"」")
		}
		dup.Notes = append(dup.Notes, fmt.Sprintf("未能重试因%s退回的 %d 行 / %s rejected for %s not retried: %s / %s",
			strings.Join(zh, "、"), len(plan.rows), store.Plural(int64(len(plan.rows)), "row", "rows"), strings.Join(plan.rules, ", "), fe.ZH, fe.EN))
	default:
		return true, fmt.Errorf("retry %s: %w", PathText(p.path), err)
	}
	e.settle(dup)
	return true, nil
}

// loadRetryable reads which files have rows a retry would read again.
func (e *engine) loadRetryable(ctx context.Context) error {
	rows, err := e.st.DB.QueryContext(ctx, "SELECT DISTINCT file_ingest_id FROM retryable_rejects")
	if err != nil {
		return fmt.Errorf("files to retry: %w", err)
	}
	defer rows.Close()
	e.retryable = map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		e.retryable[id] = true
	}
	return rows.Err()
}

// planRetry reads which rows of the file first ingested as id are to be
// read again, and the kind the file was read as; nil when none.
func (e *engine) planRetry(ctx context.Context, id int64) (*retryPlan, Kind, error) {
	rows, err := e.st.DB.QueryContext(ctx, `
		SELECT ingest_id, coalesce(sheet, ''), row_no, array_to_string(rules, ',')
		FROM retryable_rejects WHERE file_ingest_id = ?`, id)
	if err != nil {
		return nil, "", fmt.Errorf("rows to retry: %w", err)
	}
	defer rows.Close()
	plan := &retryPlan{of: id, rows: map[rowRef]int64{}}
	rules := map[string]bool{}
	for rows.Next() {
		var ref rowRef
		var by int64
		var rs string
		if err := rows.Scan(&by, &ref.sheet, &ref.row, &rs); err != nil {
			return nil, "", err
		}
		plan.rows[ref] = by
		for _, r := range strings.Split(rs, ",") {
			rules[r] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if len(plan.rows) == 0 {
		return nil, "", nil
	}
	for r := range rules {
		plan.rules = append(plan.rules, r)
	}
	slices.Sort(plan.rules)
	var kind string
	if err := e.st.DB.QueryRowContext(ctx, "SELECT kind FROM store.ingests WHERE ingest_id = ?", id).Scan(&kind); err != nil {
		return nil, "", fmt.Errorf("kind of ingest %d: %w", id, err)
	}
	return plan, Kind(kind), nil
}

// prepareRetry reads the file again (the bytes just hashed: a file
// changed since is not retried), as the kind it was first read as, and
// makes sure its copy is in the archive.
func (e *engine) prepareRetry(ctx context.Context, p *prepared, kind Kind, plan *retryPlan) (*prepared, *FileError, error) {
	data, sha, fe, err := readInput(ctx, p.path)
	if fe != nil || err != nil {
		return nil, fe, err
	}
	if sha != p.sha {
		return nil, fileErr(p.path, "changed", "文件在导入过程中被修改", "the file changed while it was being ingested; ingest it again"), nil
	}
	q := &prepared{idx: p.idx, path: p.path, size: int64(len(data)), sha: sha, ext: p.ext, kind: kind, retry: plan, streamed: len(data) > smallFile}
	src := p.path
	if isParquet(data) {
		if q.archive, err = e.archive(q, data, true); err != nil {
			return nil, nil, err
		}
		src = filepath.Join(e.st.Dir(), q.archive)
	}
	q.info, q.rows, q.fe, err = e.read(ctx, p.path, src, kind, data, q.streamed, nil)
	if q.fe != nil || err != nil {
		return nil, q.fe, err
	}
	if q.archive == "" {
		if q.archive, err = e.archive(q, data, false); err != nil {
			return nil, nil, err
		}
	}
	if int64(len(q.rows)) > heldRows {
		q.rows, q.streamed = nil, true // over the memory budget: streamed from the archive
	}
	return q, nil, nil
}

// loadRetry loads a retry in a transaction of its own.
func (e *engine) loadRetry(ctx context.Context, q *prepared) (FileResult, error) {
	id := e.nextID
	var res []FileResult
	err := e.st.InTx(ctx, func(conn *sql.Conn) error {
		var err error
		res, err = e.loadTx(ctx, conn, []*prepared{q}, []int64{id}, []string{q.archive})
		return err
	})
	if err != nil {
		return FileResult{}, err
	}
	e.nextID++
	if q.info.Kind == Registry {
		return res[0], e.loadCarriers(ctx)
	}
	return res[0], nil
}

// markRetried records that the retry id read again the rows of its plan.
func markRetried(conn *sql.Conn, plan *retryPlan, id int64) error {
	refs := make([]rowRef, 0, len(plan.rows))
	for ref := range plan.rows {
		refs = append(refs, ref)
	}
	slices.SortFunc(refs, func(a, b rowRef) int {
		if c := strings.Compare(a.sheet, b.sheet); c != 0 {
			return c
		}
		return a.row - b.row
	})
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "store", "retried_rows")
		if err != nil {
			return fmt.Errorf("retried rows: %w", err)
		}
		for _, ref := range refs {
			var sheet driver.Value
			if ref.sheet != "" {
				sheet = ref.sheet
			}
			if err := app.AppendRow(plan.rows[ref], sheet, int32(ref.row), id); err != nil {
				app.Close()
				return fmt.Errorf("retried rows: %w", err)
			}
		}
		return app.Close()
	})
}
