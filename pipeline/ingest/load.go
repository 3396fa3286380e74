// Package ingest reads submitted files (registry, quarterly reports,
// incidents, deferrals, expert scores, applications, nominations) from
// CSV, XLSX or Parquet, validates every row, and loads each file in its
// own transaction with every row accounted for: rows_read = rows_accepted
// + rows_rejected.
package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/marcboeker/go-duckdb"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Options for Ingest.
type Options struct {
	Kind    Kind      // force the kind instead of recognising it from the header
	Today   time.Time // anchors "not in the future"; zero means today in Asia/Shanghai
	Workers int       // parallel readers; 0 means GOMAXPROCS
	// OnFile is called once per file as soon as its fate is settled, in load order.
	OnFile func(FileResult)
	// OnPlan is called once with the number of files to process.
	OnPlan func(files int)
	// OnRead is called, from the parallel readers, as each file has been
	// read and validated (before loading); it must be safe for concurrent use.
	OnRead func(path string)
	// OnSkip is called, in load order, for a file that was read and found
	// not to be an input (a .txt without a recognised header).
	OnSkip func(Skip)
}

// Skip is a file that was not taken as an input, and why. Files in a
// folder are skipped by name (hidden files, Excel's lock files, other
// extensions); a .txt file is read, and skipped when it holds no
// recognised header (SPEC §10: a stray README.txt is not a rejected
// report).
type Skip struct {
	Path   string
	Reason string // hidden | excel_lock | not_input | not_a_table
	ZH, EN string // the reason, for the clerk
}

// skipFor says why a file found in a folder is not an input, or returns
// false when it is one (by its name).
func skipFor(path string) (Skip, bool) {
	base := filepath.Base(path)
	switch {
	case strings.HasPrefix(base, "~$"):
		return Skip{path, "excel_lock", "Excel 的锁定文件：对应的工作簿正在 Excel 中打开，请在 Excel 中关闭它",
			"Excel's lock file of an open workbook: close the workbook in Excel"}, true
	case strings.HasPrefix(base, "."):
		return Skip{path, "hidden", "隐藏文件", "a hidden file"}, true
	case !inputExt(path):
		return Skip{path, "not_input", "不是 .csv/.tsv/.txt/.xlsx/.xlsm/.parquet 文件", "not a .csv/.tsv/.txt/.xlsx/.xlsm/.parquet file"}, true
	}
	return Skip{}, false
}

// notATable is the skip of a .txt file that holds no recognised header:
// a note, a README, anything else saved as text.
func notATable(path string, fe *FileError) Skip {
	return Skip{path, "not_a_table",
		"不是报表：这个 .txt 文件中没有可识别的表头（" + fe.Rule + "），已跳过，未退回",
		"not a report: this .txt file holds no recognised header (" + fe.Rule + "); skipped, not rejected"}
}

// Status of a file in a batch.
const (
	StatusLoaded      = "loaded"       // every row accepted
	StatusPartial     = "partial"      // some rows rejected
	StatusAllRejected = "all_rejected" // every row rejected (the file is still logged)
	StatusDuplicate   = "duplicate"    // same bytes already ingested: nothing done
	StatusRejected    = "rejected"     // malformed: rejected whole, database unchanged
)

// FileResult is the fate of one file.
type FileResult struct {
	Path        string
	SHA256      string
	Kind        Kind
	Format      string
	Encoding    string
	Status      string
	IngestID    int64 // its ingest_log row; 0 for a duplicate
	RowsRead    int
	Accepted    int
	Rejected    int
	Warned      int
	Notes       []string
	Err         *FileError // for StatusRejected
	DuplicateOf int64      // for StatusDuplicate
	DuplicateAt time.Time
	// A retry (SPEC §10): the same bytes again, whose rows rejected only
	// for RetriedRules (unknown_carrier, banned_operator) were read again;
	// RowsRead is those rows, RetryOf the file's first ingest.
	RetryOf      int64
	RetriedRules []string
	// Of a retry's rows read again, NowRejected are now rejected for a
	// reason no later file removes, among NowRejectedRules (their
	// reasons, e.g. duplicate_key: a key another row of the file holds);
	// they need a corrected file and are not read again.
	NowRejected      int
	NowRejectedRules []string
	// A duplicate with rows still waiting for a retry: Blocked rows
	// rejected for BlockedRules that the registry still does not let in.
	Blocked      int
	BlockedRules []string
}

// Result of one batch.
type Result struct {
	BatchID int64
	Files   []FileResult // in load order
	Skipped []Skip       // files that are not inputs: in folders by name, then .txt files without a header
	// Phases: wall time spent reading, validating and archiving in
	// parallel, loading (append and checks) and committing.
	Phases struct{ Prepare, Load, Commit time.Duration }
}

// Totals adds up the rows of the files loaded.
func (r *Result) Totals() (read, accepted, rejected, warned int) {
	for _, f := range r.Files {
		read += f.RowsRead
		accepted += f.Accepted
		rejected += f.Rejected
		warned += f.Warned
	}
	return
}

// Retries counts the files whose rejected rows were read again.
func (r *Result) Retries() int {
	n := 0
	for _, f := range r.Files {
		if f.RetryOf > 0 {
			n++
		}
	}
	return n
}

// Count returns how many files ended with each status.
func (r *Result) Count(status string) int {
	n := 0
	for _, f := range r.Files {
		if f.Status == status {
			n++
		}
	}
	return n
}

// Files up to smallFile bytes are read and validated completely by the
// parallel readers, and their rows held until loaded, up to heldRows rows
// in all (a validated row takes about half a kilobyte); larger files, and
// files past that budget, are streamed into the database when their turn
// comes.
const smallFile = 8 << 20

var heldRows int64 = 200_000 // a variable for tests

// Limits of one grouped transaction of small files.
const (
	groupMaxRows  = 200_000
	groupMaxFiles = 4096
)

type prepared struct {
	idx      int
	path     string
	size     int64
	sha      string
	ext      string
	info     *fileInfo
	archive  string // path of the archived copy, relative to the database folder
	rows     []*Row // small files only
	streamed bool
	fe       *FileError
	skip     *Skip // a .txt file that is not a table: neither loaded nor rejected
	err      error
	kind     Kind       // read as this kind; empty: recognised from the header
	retry    *retryPlan // a retry: only these rows are read again
}

// retryPlan is what a retry reads again (SPEC §10): the rows of a file
// that its earlier ingests rejected only for reasons a later file can
// remove (view retryable_rejects).
type retryPlan struct {
	of    int64            // the file's first ingest
	rows  map[rowRef]int64 // each row to read again → the ingest that rejected it
	rules []string         // the reasons, for the messages
	met   int              // rows of the plan met while reading
}

// carrierRef is what loading needs of a registered carrier.
type carrierRef struct {
	uscc string // the operator
	cid  int32  // a number for this batch, for cheap sorting
}

type prior struct {
	id int64
	at time.Time
}

// Ingest loads the files and folders in paths into st.
func Ingest(ctx context.Context, st *store.Store, paths []string, opts Options) (*Result, error) {
	if opts.Today.IsZero() {
		n := store.Now()
		opts.Today = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	files, skipped, err := expand(paths)
	if err != nil {
		return nil, err
	}
	res := &Result{Skipped: skipped}
	if opts.OnPlan != nil {
		opts.OnPlan(len(files))
	}
	e := &engine{st: st, opts: opts, res: res, retried: map[string]bool{}}
	if err := e.loadState(ctx); err != nil {
		return nil, err
	}
	t0 := time.Now()
	preps := e.prepareAll(ctx, files)
	res.Phases.Prepare = time.Since(t0)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rank := map[Kind]int{}
	for i, k := range Kinds {
		rank[k] = i
	}
	sort.SliceStable(preps, func(i, j int) bool {
		ri, rj := len(Kinds), len(Kinds)
		if preps[i].info != nil && preps[i].fe == nil {
			ri = rank[preps[i].info.Kind]
		}
		if preps[j].info != nil && preps[j].fe == nil {
			rj = rank[preps[j].info.Kind]
		}
		if ri != rj {
			return ri < rj
		}
		return preps[i].idx < preps[j].idx
	})
	if err := e.write(ctx, preps); err != nil {
		return res, err
	}
	return res, nil
}

type engine struct {
	st        *store.Store
	opts      Options
	res       *Result
	nextID    int64
	batchID   int64
	seen      map[string]prior
	known     map[string]carrierRef // registered carriers
	bans      map[string][]ban      // operator USCC → bans
	names     []string              // carrier_id by carrierRef.cid
	batchSeen map[string]bool
	firstID   int64           // the first ingest id of this batch
	retried   map[string]bool // files whose retry was tried in this batch
	retryable map[int64]bool  // files (first ingest) with rows to retry; read once, when first needed
	dirs      sync.Map        // archive folders known to exist
	held      atomic.Int64    // rows read and held until loaded
	tmpSeq    atomic.Int64    // unique temporary names in the archive
}

func (e *engine) loadState(ctx context.Context) error {
	db := e.st.DB
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(ingest_id), 0) + 1, coalesce(max(batch_id), 0) + 1 FROM store.ingests").Scan(&e.nextID, &e.batchID); err != nil {
		return fmt.Errorf("read ingest ids: %w", err)
	}
	e.res.BatchID, e.firstID = e.batchID, e.nextID
	e.seen = map[string]prior{}
	e.batchSeen = map[string]bool{}
	// A file rejected whole is not "already ingested": the same bytes are
	// read again (and logged again), and a retry is not the file's first.
	rows, err := db.QueryContext(ctx, `SELECT sha256, min(ingest_id), min(ingested_at) FROM store.ingests
		WHERE status <> 'rejected' AND retry_of IS NULL GROUP BY sha256`)
	if err != nil {
		return fmt.Errorf("read ingest log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p prior
		var sha string
		if err := rows.Scan(&sha, &p.id, &p.at); err != nil {
			return err
		}
		e.seen[sha] = p
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := e.loadBans(ctx); err != nil {
		return err
	}
	return e.loadCarriers(ctx)
}

// ban is an operator's bar from (re-)recognition (SPEC §4.4).
type ban struct {
	from, until time.Time
	carrier     string
	action      string
}

func (e *engine) loadBans(ctx context.Context) error {
	rows, err := e.st.DB.QueryContext(ctx, "SELECT operator_uscc, banned_from, banned_until, carrier_id, action FROM bans WHERE operator_uscc IS NOT NULL")
	if err != nil {
		return fmt.Errorf("read bans: %w", err)
	}
	defer rows.Close()
	e.bans = map[string][]ban{}
	for rows.Next() {
		var op string
		var b ban
		if err := rows.Scan(&op, &b.from, &b.until, &b.carrier, &b.action); err != nil {
			return err
		}
		e.bans[op] = append(e.bans[op], b)
	}
	return rows.Err()
}

func (e *engine) loadCarriers(ctx context.Context) error {
	rows, err := e.st.DB.QueryContext(ctx, "SELECT carrier_id, operator_uscc FROM carriers ORDER BY carrier_id")
	if err != nil {
		return fmt.Errorf("read carriers: %w", err)
	}
	defer rows.Close()
	e.known, e.names = map[string]carrierRef{}, nil
	for rows.Next() {
		var id, op string
		if err := rows.Scan(&id, &op); err != nil {
			return err
		}
		e.known[id] = carrierRef{uscc: op, cid: int32(len(e.names))}
		e.names = append(e.names, id)
	}
	return rows.Err()
}

// expand turns the command line's files and folders into a file list:
// folders recursively, input extensions only, each file once.
func expand(paths []string) (files []string, skipped []Skip, err error) {
	seen := map[string]bool{}
	add := func(p string) {
		abs, err := filepath.Abs(p)
		if err != nil {
			abs = p
		}
		if !seen[abs] {
			seen[abs] = true
			files = append(files, p)
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("找不到 / cannot read %s: %w", p, err)
		}
		if !fi.IsDir() {
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if sk, skip := skipFor(path); skip {
				skipped = append(skipped, sk)
			} else {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("read folder %s: %w", p, err)
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	return files, skipped, nil
}

// prepareAll hashes and reads files in parallel.
func (e *engine) prepareAll(ctx context.Context, files []string) []*prepared {
	out := make([]*prepared, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < e.opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = e.prepare(ctx, i, files[i])
				if e.opts.OnRead != nil {
					e.opts.OnRead(files[i])
				}
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for i, p := range out {
		if p == nil {
			out[i] = &prepared{idx: i, path: files[i], err: ctx.Err()}
		}
	}
	return out
}

func (e *engine) prepare(ctx context.Context, idx int, path string) *prepared {
	p := &prepared{idx: idx, path: path, ext: strings.ToLower(filepath.Ext(path)), kind: e.opts.Kind}
	data, sha, fe, err := readInput(ctx, path)
	if fe != nil || err != nil {
		p.fe, p.err = fe, err
		p.notATable()
		return p
	}
	p.size, p.sha = int64(len(data)), sha
	if _, dup := e.seen[p.sha]; dup {
		return p // settled by the writer
	}
	p.streamed = len(data) > smallFile
	src := path
	if isParquet(data) {
		// DuckDB reads Parquet from a path: it is given the archived copy,
		// whose bytes are the ones just read and hashed, not the submitted
		// path, which may have been replaced since (by a FIFO, say) and may
		// hold glob characters. (So a rejected Parquet file stays archived.)
		if p.archive, p.err = e.archive(p, data, true); p.err != nil {
			return p
		}
		src = filepath.Join(e.st.Dir(), p.archive)
	}
	p.info, p.rows, p.fe, p.err = e.read(ctx, path, src, p.kind, data, p.streamed, nil)
	if p.notATable() {
		return p
	}
	if !p.streamed && p.fe == nil && e.held.Add(int64(len(p.rows))) > heldRows {
		p.rows, p.streamed = nil, true // over budget: read again on its turn
	}
	if p.fe == nil && p.err == nil && p.archive == "" {
		// Archived before loading, here where the reading is parallel.
		p.archive, p.err = e.archive(p, data, false)
	}
	return p
}

// notATable turns the whole-file rejection of a .txt file in which no
// header was recognised into a skip (SPEC §10): .txt is read as delimited
// text only when it holds a recognised header.
func (p *prepared) notATable() bool {
	if p.fe == nil || p.ext != ".txt" || p.info != nil && p.info.Header {
		return false
	}
	sk := notATable(p.path, p.fe)
	p.skip, p.fe, p.rows = &sk, nil, nil
	return true
}

// read opens data and reads it as kind (empty: recognised from the
// header). With headerOnly it only learns the kind; with out set, rows go
// to out instead of being validated and collected. path names the file in
// messages; src is where DuckDB reads a Parquet file.
func (e *engine) read(ctx context.Context, path, src string, kind Kind, data []byte, headerOnly bool, out sink) (*fileInfo, []*Row, *FileError, error) {
	t, format, enc, fe := open(ctx, e.st.DB, path, src, data)
	if fe != nil {
		return nil, nil, fe, nil
	}
	defer t.Close()
	var rows []*Row
	if out == nil {
		out = validating(func(r *Row) error { rows = append(rows, r); return nil })
	}
	info, fe, err := readFile(ctx, t, path, kind, e.opts.Today, headerOnly, out)
	if info != nil {
		info.Format, info.Encoding = format, enc
	}
	return info, rows, fe, err
}

// write settles every file in load order.
func (e *engine) write(ctx context.Context, preps []*prepared) error {
	var group []*prepared
	groupRows := 0
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		err := e.loadGroup(ctx, group)
		group, groupRows = nil, 0
		return err
	}
	for _, p := range preps {
		if p.err != nil {
			return p.err
		}
		if p.skip != nil {
			e.res.Skipped = append(e.res.Skipped, *p.skip)
			if e.opts.OnSkip != nil {
				e.opts.OnSkip(*p.skip)
			}
			continue
		}
		if e.settledEarly(p) {
			// Report it after the files before it, in load order.
			if err := flush(); err != nil {
				return err
			}
			if p.fe != nil {
				if err := e.rejectWhole(ctx, p, p.fe); err != nil {
					return err
				}
				continue
			}
			if done, err := e.retry(ctx, p); err != nil || done {
				if err != nil {
					return err
				}
				continue
			}
			e.settle(e.earlyResult(p))
			continue
		}
		if p.streamed {
			if err := flush(); err != nil {
				return err
			}
			if err := e.loadGroup(ctx, []*prepared{p}); err != nil {
				return err
			}
			continue
		}
		if len(group) > 0 && (group[0].info.Kind != p.info.Kind || groupRows+len(p.rows) > groupMaxRows || len(group) >= groupMaxFiles) {
			if err := flush(); err != nil {
				return err
			}
		}
		group = append(group, p)
		groupRows += len(p.rows)
	}
	return flush()
}

// settledEarly reports whether a file is rejected whole or a duplicate, so
// that it never reaches the database; other files are marked as seen.
func (e *engine) settledEarly(p *prepared) bool {
	if p.fe != nil {
		return true
	}
	if _, ok := e.seen[p.sha]; ok || e.batchSeen[p.sha] {
		return true
	}
	e.batchSeen[p.sha] = true
	return false
}

// earlyResult is the fate of a file whose bytes were ingested before.
func (e *engine) earlyResult(p *prepared) FileResult {
	pr := e.seen[p.sha] // the earlier file of this batch is loaded by now
	return FileResult{Path: p.path, SHA256: p.sha, Status: StatusDuplicate, DuplicateOf: pr.id, DuplicateAt: pr.at}
}

// rejectWhole records a file rejected whole (SPEC §10): a row in the
// ingest log, status rejected, with its rule and message, in a
// transaction of its own, so that the submitter hears of it through the
// rejects view and workbook; nothing else of the file is stored. What
// could not be learnt of the file (its bytes, its kind) stays NULL.
func (e *engine) rejectWhole(ctx context.Context, p *prepared, fe *FileError) error {
	fr := FileResult{Path: p.path, SHA256: p.sha, Status: StatusRejected, Err: fe}
	var kind, format, enc, sha, size, archive any
	if p.info != nil {
		fr.Kind, fr.Format, fr.Encoding = p.info.Kind, p.info.Format, p.info.Encoding
		if p.info.Kind != "" {
			kind = string(p.info.Kind)
		}
		if p.info.Format != "" {
			format = p.info.Format
		}
		if p.info.Encoding != "" {
			enc = p.info.Encoding
		}
	}
	if p.sha != "" {
		sha, size = p.sha, p.size
	}
	if p.archive != "" {
		archive = filepath.ToSlash(p.archive)
	}
	id, name := e.nextID, PathText(p.path)
	err := e.st.InTx(ctx, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, `INSERT INTO store.ingests (ingest_id, batch_id, file_name, source_path, archive_path,
			sha256, size_bytes, kind, format, encoding, rows_read, rows_accepted, rows_rejected, rows_warned,
			ingested_at, status, rule, message_zh, message_en)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, 'rejected', ?, ?, ?)`,
			id, e.batchID, filepath.Base(name), name, archive, sha, size, kind, format, enc,
			store.Now(), fe.Rule, validText(fe.ZH), validText(fe.EN))
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("ingest log of the rejected file %s: %w", name, err)
	}
	e.nextID++
	fr.IngestID = id
	e.settle(fr)
	return nil
}

func (e *engine) settle(fr FileResult) {
	e.res.Files = append(e.res.Files, fr)
	if e.opts.OnFile != nil {
		e.opts.OnFile(fr)
	}
}

// archive copies a file's bytes to archive/<sha[:2]>/<sha><ext> beside the
// database. A new copy is created in place, exclusively (a thousand small
// files cost the file system a name and a rename each otherwise); one
// already there is kept if it is a regular file of the right size, and
// replaced otherwise, unless fresh: a copy that DuckDB is to read is
// written anew, so that it holds the bytes just hashed whatever was there.
// A replacement is written under a unique temporary name and renamed (two
// files with the same bytes may be archived at once; either rename leaves
// the same copy).
func (e *engine) archive(p *prepared, data []byte, fresh bool) (string, error) {
	rel := filepath.Join("archive", p.sha[:2], p.sha+p.ext)
	dst := filepath.Join(e.st.Dir(), rel)
	dir := filepath.Dir(dst)
	if _, made := e.dirs.Load(dir); !made {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("archive: %w", err)
		}
		e.dirs.Store(dir, true)
	}
	if !fresh {
		done, err := archiveNew(dst, data)
		if err != nil {
			return "", fmt.Errorf("archive: %w", err)
		}
		if done {
			return rel, nil
		}
		if fi, err := os.Lstat(dst); err == nil && fi.Mode().IsRegular() && fi.Size() == int64(len(data)) {
			return rel, nil
		}
	}
	tmp := fmt.Sprintf("%s.%d.%d.tmp", dst, os.Getpid(), e.tmpSeq.Add(1))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	_, werr := f.Write(data)
	if err := errors.Join(werr, f.Close()); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("archive: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("archive: %w", err)
	}
	return rel, nil
}

// archiveNew writes a copy that is not there yet; false when a file of
// that name exists. A copy it could not finish is removed, unless another
// has taken its name meanwhile.
func archiveNew(dst string, data []byte) (bool, error) {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	fi, serr := f.Stat()
	_, werr := f.Write(data)
	if err := errors.Join(serr, werr, f.Close()); err != nil {
		if cur, lerr := os.Lstat(dst); serr == nil && lerr == nil && os.SameFile(fi, cur) {
			os.Remove(dst)
		}
		return false, err
	}
	return true, nil
}

// loadGroup loads files of one kind in one transaction. If the transaction
// fails and holds several files, each is retried alone so that one bad file
// cannot hold back the others; a file is never half loaded.
func (e *engine) loadGroup(ctx context.Context, group []*prepared) error {
	first := e.nextID
	ids := make([]int64, len(group))
	archives := make([]string, len(group))
	for i, p := range group {
		ids[i], archives[i] = first+int64(i), p.archive
	}
	var results []FileResult
	t0 := time.Now()
	var loaded time.Time
	err := e.st.InTx(ctx, func(conn *sql.Conn) error {
		var err error
		results, err = e.loadTx(ctx, conn, group, ids, archives)
		loaded = time.Now()
		return err
	})
	e.res.Phases.Load += loaded.Sub(t0)
	e.res.Phases.Commit += time.Since(loaded)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var fe *FileError
		if len(group) == 1 {
			if errors.As(err, &fe) {
				return e.rejectWhole(ctx, group[0], fe)
			}
			return fmt.Errorf("load %s: %w", group[0].path, err)
		}
		for _, p := range group {
			if err := e.loadGroup(ctx, []*prepared{p}); err != nil {
				return err
			}
		}
		return nil
	}
	e.nextID += int64(len(group))
	for i, r := range results {
		e.seen[group[i].sha] = prior{id: r.IngestID, at: store.Now()}
		group[i].rows = nil
		e.settle(r)
	}
	if group[0].info.Kind == Registry {
		return e.loadCarriers(ctx)
	}
	return nil
}

// reread reads a streamed file again, from its archived copy (written
// when it was first read: the same bytes, whatever became of the submitted
// path since), and checks it is the same file.
func (e *engine) reread(ctx context.Context, p *prepared) ([]byte, error) {
	data, sha, fe, err := readInput(ctx, filepath.Join(e.st.Dir(), p.archive))
	if err != nil {
		return nil, err
	}
	if fe != nil {
		return nil, fmt.Errorf("read the archived copy of %s: %s", p.path, fe.EN)
	}
	if sha != p.sha {
		return nil, fmt.Errorf("the archived copy %s of %s does not hold the bytes it is named after; remove it and ingest the file again", p.archive, p.path)
	}
	return data, nil
}

// loadTx appends the group's rows and issues, runs the set-based checks and
// writes the ingest log, all inside the caller's transaction.
func (e *engine) loadTx(ctx context.Context, conn *sql.Conn, group []*prepared, ids []int64, archives []string) ([]FileResult, error) {
	spec := Specs[group[0].info.Kind]
	table := strings.TrimPrefix(spec.Table, "store.")
	rowsRead := make([]int, len(group))
	hint := 0
	for _, p := range group {
		if p.streamed {
			hint += int(p.size / 64) // a quarterly CSV row is 70–100 bytes
		} else {
			hint += len(p.rows)
		}
	}
	tr := newTracer("ingest " + string(spec.Kind))
	track := newTracker(spec, e.known, e.names, hint)
	err := conn.Raw(func(dc any) error {
		rowsApp, err := newArrowSink(ctx, dc.(driver.Conn), "store."+table)
		if err != nil {
			return fmt.Errorf("loader %s: %w", table, err)
		}
		issueApp, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "store", "row_issues")
		if err != nil {
			rowsApp.Close()
			return fmt.Errorf("appender row_issues: %w", err)
		}
		defer func() {
			// A panic: database/sql discards this connection as it leaves
			// conn.Raw, so store.ConnTx's ROLLBACK would never reach it.
			// The INSERT is ended and the transaction rolled back here.
			if p := recover(); p != nil {
				rowsApp.Abort()
				_ = issueApp.Close()
				_, _ = dc.(driver.ExecerContext).ExecContext(context.WithoutCancel(ctx), "ROLLBACK", nil)
				panic(p)
			}
		}()
		w := &rowWriter{e: e, spec: spec, rows: rowsApp, issues: issueApp, vals: make([]driver.Value, 3+len(spec.Columns)), track: track}
		var loadErr error
		for i, p := range group {
			if i > 0 {
				if loadErr = w.finishFile(); loadErr != nil {
					break
				}
			}
			// A retry's rows count as ingested with the file they come
			// from (view ingest_order).
			w.ingestID, w.order, w.retry, w.count = ids[i], ids[i], p.retry, 0
			if p.retry != nil {
				w.order = p.retry.of
			}
			if p.streamed {
				loadErr = e.stream(ctx, p, w)
			} else {
				for _, r := range p.rows {
					if loadErr = w.add(r); loadErr != nil {
						break
					}
				}
			}
			rowsRead[i] = w.count
			if loadErr == nil && p.retry != nil && p.retry.met != len(p.retry.rows) {
				loadErr = fileErr(p.path, "retry_mismatch",
					fmt.Sprintf("本文件现在的读取结果与上次不同：要重新读取的 %d 行中只找到 %d 行；请报送更正后的文件", len(p.retry.rows), p.retry.met),
					"the file no longer reads as it did: of the %d rows to read again, %d were found; send a corrected file instead", len(p.retry.rows), p.retry.met)
			}
			if loadErr != nil {
				break
			}
		}
		if loadErr == nil {
			loadErr = w.finishFile()
		}
		errR, errI := rowsApp.Close(), issueApp.Close()
		return errors.Join(loadErr, errR, errI)
	})
	if err != nil {
		return nil, err
	}
	tr.step("rows appended")
	lo, hi := ids[0], ids[len(ids)-1]
	var issues map[int64][]Issue
	if spec.Kind == Quarterly {
		issues = track.quarterlyDuplicates()
		tr.step("duplicates in the batch")
		spikes, err := track.spikes(ctx, conn, lo)
		if err != nil {
			return nil, err
		}
		for id, is := range spikes {
			issues[id] = append(issues[id], is...)
		}
		tr.step("spikes")
		if err := track.supersede(ctx, conn); err != nil {
			return nil, err
		}
		tr.step("superseded revisions")
	}
	if err := track.deleteDuplicates(ctx, conn); err != nil {
		return nil, err
	}
	tr.step("duplicates deleted")
	if len(issues) > 0 {
		err := conn.Raw(func(dc any) error {
			app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "store", "row_issues")
			if err != nil {
				return err
			}
			w := &rowWriter{issues: app, spec: spec}
			for _, id := range ids {
				w.ingestID = id
				if err := w.addIssues(issues[id]); err != nil {
					app.Close()
					return err
				}
			}
			return app.Close()
		})
		if err != nil {
			return nil, fmt.Errorf("row issues: %w", err)
		}
	}
	tr.step("row issues")
	counts, err := countRows(ctx, conn, spec, lo, hi)
	if err != nil {
		return nil, err
	}
	tr.step("rows counted")
	now := store.Now()
	out := make([]FileResult, len(group))
	for i, p := range group {
		c := counts[ids[i]]
		fr := FileResult{Path: p.path, SHA256: p.sha, Kind: p.info.Kind, Format: p.info.Format, Encoding: p.info.Encoding,
			IngestID: ids[i], RowsRead: rowsRead[i], Accepted: c.accepted, Rejected: c.rejectedRows, Warned: c.warnedRows, Notes: p.info.Notes}
		if fr.Accepted+fr.Rejected != fr.RowsRead {
			return nil, fmt.Errorf("%s: row accounting broke: %d read, %d accepted, %d rejected", p.path, fr.RowsRead, fr.Accepted, fr.Rejected)
		}
		if p.retry != nil {
			fr.RetryOf, fr.RetriedRules = p.retry.of, p.retry.rules
		}
		switch {
		case fr.Rejected == 0:
			fr.Status = StatusLoaded
		case fr.Accepted == 0:
			fr.Status = StatusAllRejected
		default:
			fr.Status = StatusPartial
		}
		out[i] = fr
	}
	// The ingest log, one row per file, through an appender: thousands of
	// single-row INSERTs cost more than the files' own rows.
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "store", "ingests")
		if err != nil {
			return err
		}
		for i, p := range group {
			fr := out[i]
			var notes, sheets, enc, retryOf driver.Value
			if len(p.info.Notes) > 0 {
				notes = validText(strings.Join(p.info.Notes, "\n"))
			}
			if p.info.Format == "xlsx" {
				sheets = validText(strings.Join(p.info.Sheets, ", "))
			}
			if p.info.Encoding != "" {
				enc = p.info.Encoding
			}
			if p.retry != nil {
				retryOf = p.retry.of
			}
			// Stored as text (a GBK or broken file name would abort the
			// appender, and the batch with it); p.path is the file's.
			name := PathText(p.path)
			if err := app.AppendRow(fr.IngestID, e.batchID, filepath.Base(name), name, filepath.ToSlash(archives[i]), p.sha, p.size,
				string(p.info.Kind), p.info.Format, enc, sheets, int32(fr.RowsRead), int32(fr.Accepted), int32(fr.Rejected), int32(fr.Warned),
				now, fr.Status, notes, retryOf, nil, nil, nil); err != nil {
				app.Close()
				return fmt.Errorf("ingest log: %w", err)
			}
		}
		return app.Close()
	})
	if err != nil {
		return nil, err
	}
	tr.step("ingest log")
	for i, p := range group {
		if p.retry != nil {
			if err := settleRetry(ctx, conn, &out[i]); err != nil {
				return nil, err
			}
			if err := markRetried(conn, p.retry, ids[i]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// rawRow is a row read but not yet validated.
type rawRow struct {
	v     *validator
	sheet string
	rowNo int
	cells []string
}

// chunk is a run of rows validated by one worker; done delivers them.
type chunk struct {
	raw   []rawRow
	cells []string // the slab raw's cells are in
	done  chan []*Row
}

const chunkRows = 2048

// stream loads a large file in a pipeline: one goroutine reads rows, a
// worker per core validates chunks of them, and this goroutine appends the
// validated chunks in file order.
func (e *engine) stream(ctx context.Context, p *prepared, w *rowWriter) error {
	src := filepath.Join(e.st.Dir(), p.archive)
	var data []byte
	if p.info.Format == "parquet" {
		// DuckDB reads the archived copy itself; only its first bytes are
		// needed to know the format.
		data = []byte(parquetMagic)
	} else {
		var err error
		if data, err = e.reread(ctx, p); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *chunk)
	inOrder := make(chan *chunk, 2*e.opts.Workers+2)
	var wg sync.WaitGroup
	for i := 0; i < e.opts.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				// One allocation for the chunk's rows and one for their
				// values, instead of two a row.
				rows := make([]*Row, len(c.raw))
				slab := make([]Row, len(c.raw))
				n := 0
				if len(c.raw) > 0 {
					n = len(c.raw[0].v.layout.Spec.Columns)
				}
				vals := make([]driver.Value, n*len(c.raw))
				for i, r := range c.raw {
					if len(r.v.layout.Spec.Columns) != n {
						rows[i] = r.v.row(r.sheet, r.rowNo, r.cells)
						continue
					}
					rows[i] = r.v.rowIn(&slab[i], vals[i*n:(i+1)*n:(i+1)*n], r.sheet, r.rowNo, r.cells)
				}
				if namesCarrier(p.info.Kind) {
					// The registry does not change while a file loads:
					// its carriers are looked up here, in parallel.
					for _, r := range rows {
						if id, ok := r.Vals[0].(string); ok {
							r.carrier, r.known = e.known[id]
						}
					}
				}
				c.done <- rows
			}
		}()
	}
	var readErr error
	var fe *FileError
	go func() {
		defer close(inOrder)
		defer close(work)
		cur := &chunk{raw: make([]rawRow, 0, chunkRows), done: make(chan []*Row, 1)}
		send := func(c *chunk) error {
			select {
			case inOrder <- c:
			case <-ctx.Done():
				return emitError{ctx.Err()}
			}
			select {
			case work <- c:
			case <-ctx.Done():
				c.done <- nil // queued for the appender but never validated
				return emitError{ctx.Err()}
			}
			return nil
		}
		_, _, fe, readErr = e.read(ctx, p.path, src, p.kind, data, false, func(v *validator, sheet string, rowNo int, cells []string) error {
			// Readers may reuse the cells slice; the strings themselves are fresh.
			// Copied into the chunk's own slab of cells.
			if cap(cur.cells)-len(cur.cells) < len(cells) {
				cur.cells = make([]string, 0, max(chunkRows*len(cells), len(cells)))
			}
			at := len(cur.cells)
			cur.cells = append(cur.cells, cells...)
			cur.raw = append(cur.raw, rawRow{v, sheet, rowNo, cur.cells[at:len(cur.cells):len(cur.cells)]})
			if len(cur.raw) == chunkRows {
				if err := send(cur); err != nil {
					return err
				}
				cur = &chunk{raw: make([]rawRow, 0, chunkRows), done: make(chan []*Row, 1)}
			}
			return nil
		})
		if len(cur.raw) > 0 && fe == nil && readErr == nil {
			send(cur)
		}
	}()
	var addErr error
	n := 0
	for c := range inOrder {
		if addErr != nil {
			continue // drain; the workers finish their chunks into buffered channels
		}
		rows := <-c.done
		for _, r := range rows {
			if addErr = w.add(r); addErr != nil {
				cancel()
				break
			}
		}
		n += len(rows)
		if n >= 100_000 && addErr == nil {
			// The appender buffers in Go memory until flushed.
			addErr = w.rows.Flush()
			n = 0
		}
	}
	wg.Wait()
	if addErr != nil {
		return addErr
	}
	if fe != nil {
		return fe
	}
	return readErr
}

// rowHook, when a test sets it, is called as each row is taken.
var rowHook func()

// rowWriter appends validated rows, applying the checks that depend on the
// database (known carrier), and their issues.
type rowWriter struct {
	e        *engine
	track    *tracker
	spec     *Spec
	rows     rowSink
	issues   *duckdb.Appender
	ingestID int64
	order    int64      // the file's place in ingest order (view ingest_order)
	retry    *retryPlan // a retry: only its rows are taken
	vals     []driver.Value
	count    int // rows of the current file taken
}

func (w *rowWriter) add(r *Row) error {
	if pl := w.retry; pl != nil {
		ref := rowRef{r.Sheet, r.RowNo}
		if _, again := pl.rows[ref]; !again {
			// Not read again, but its key still counts: a row read again
			// repeating it is a duplicate, as it was the first time.
			w.track.seed(w.ingestID, r)
			return nil
		}
		pl.met++
	}
	w.count++
	var cid int32
	// Checked on rejected rows too, so that the clerk sees every problem at once.
	if id, ok := r.Vals[0].(string); ok && namesCarrier(w.spec.Kind) {
		c, known := r.carrier, r.known
		if !known {
			c, known = w.e.known[id]
		}
		cid = c.cid
		if !known {
			col := &w.spec.Columns[0]
			r.Errors = append(r.Errors, Issue{Sheet: r.Sheet, Row: r.RowNo, Column: col.Name, Raw: id, Rule: "unknown_carrier", Severity: "error",
				ZH: col.Label() + "：载体编号「" + clipq(id) + "」不在载体名录中，请核对编号或先报送载体名录",
				EN: col.Name + ": " + clipq(id) + " is not in the registry; check the id or submit the registry first"})
		}
	}
	if w.spec.Kind == Registry {
		w.checkBan(r)
	}
	if len(r.Errors) > 0 || len(r.Warnings) > 0 {
		w.whose(r)
	}
	if r.Rejected() {
		w.track.reject(w.ingestID, r) // its key still counts: a twin accepted is a duplicate
		return w.addIssues(r.Errors)
	}
	var sheet driver.Value
	if r.Sheet != "" {
		sheet = r.Sheet
	}
	w.vals[0], w.vals[1], w.vals[2] = w.ingestID, sheet, int32(r.RowNo)
	copy(w.vals[3:], r.Vals)
	if err := w.rows.AppendRow(w.vals...); err != nil {
		return fmt.Errorf("append row %d: %w", r.RowNo, err)
	}
	w.track.accept(w.ingestID, w.order, r, cid)
	if rowHook != nil {
		rowHook()
	}
	return w.addIssues(r.Warnings)
}

// namesCarrier reports whether a kind's rows are about a registered
// carrier, named by their first column (carrier_id): such a row naming a
// carrier not in the registry is rejected (unknown_carrier). Registry rows
// are the registrations themselves, an application comes from an
// applicant that is not a carrier yet (SPEC §8.1), and a nomination names
// a person (SPEC §9).
func namesCarrier(k Kind) bool { return k != Registry && k != Applications && k != Nominations }

// whose marks a row's issues with its carrier — an application's with
// its application_id, a nomination's with its nomination_id — and the
// district of a row that has its own (registry, applications,
// nominations), so that its rejects can go back to whoever sent it.
func (w *rowWriter) whose(r *Row) {
	carrier, _ := r.Vals[0].(string)
	district := ""
	if !namesCarrier(w.spec.Kind) {
		district, _ = r.Vals[w.spec.colIndex("district")].(string)
	}
	carrier, district = Clip(carrier, 200), Clip(district, 200)
	for i := range r.Errors {
		r.Errors[i].Carrier, r.Errors[i].District = carrier, district
	}
	for i := range r.Warnings {
		r.Warnings[i].Carrier, r.Warnings[i].District = carrier, district
	}
}

// checkBan rejects a registry row that would recognize a carrier of a
// banned operator during the ban (SPEC §4.4, §4.7 "The ban"); carriers the
// operator had recognized before keep their status, so a row recognized
// before the ban passes.
func (w *rowWriter) checkBan(r *Row) {
	op, ok1 := r.Vals[w.spec.colIndex("operator_uscc")].(string)
	rec, ok2 := r.Vals[w.spec.colIndex("recognized_on")].(time.Time)
	if !ok1 || !ok2 {
		return
	}
	for _, b := range w.e.bans[op] {
		if rec.Before(b.from) || rec.After(b.until) {
			continue
		}
		c := &w.spec.Columns[w.spec.colIndex("recognized_on")]
		what := map[string]string{"delist": "摘牌", "revoke": "撤销"}[b.action]
		r.Errors = append(r.Errors, Issue{Sheet: r.Sheet, Row: r.RowNo, Column: c.Name, Raw: dateStr(rec), Rule: "banned_operator", Severity: "error",
			ZH: fmt.Sprintf("%s：运营主体 %s 因载体 %s 被%s，%s 前不得申报认定", c.Label(), op, b.carrier, what, dateStr(b.until)),
			EN: fmt.Sprintf("%s: operator %s is banned from recognition until %s (%s of %s)", c.Name, op, dateStr(b.until), b.action, b.carrier)})
		return
	}
}

// finishFile settles the in-file duplicates of the file just written.
func (w *rowWriter) finishFile() error {
	return w.addIssues(w.track.finishFile())
}

func (w *rowWriter) addIssues(issues []Issue) error {
	for _, is := range issues {
		is = w.spec.shield(is)
		var sheet, col, raw, carrier, district driver.Value
		if is.Sheet != "" {
			sheet = is.Sheet
		}
		if is.Column != "" {
			col = is.Column
		}
		if is.Raw != "" {
			raw = Clip(is.Raw, MaxRawChars) // every issue, whoever made it
		}
		if is.Carrier != "" {
			carrier = is.Carrier
		}
		if is.District != "" {
			district = is.District
		}
		if err := w.issues.AppendRow(w.ingestID, sheet, int32(is.Row), col, raw, is.Rule, is.Severity, Clip(is.ZH, 2*MaxRawChars), Clip(is.EN, 2*MaxRawChars),
			carrier, district); err != nil {
			return fmt.Errorf("append issue: %w", err)
		}
	}
	return nil
}
