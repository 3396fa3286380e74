package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/marcboeker/go-duckdb"
)

// The checks that span rows — a key repeated within one file, a value more
// than 5× the carrier's previous quarter — are made in Go while rows stream
// past: the rows are in memory then, whereas DuckDB aggregates an
// uncommitted transaction's rows an order of magnitude slower than committed
// ones.

// duplicateKeys are the columns that identify a row within one file. A key
// repeated in a file rejects every row that holds it (duplicate_key),
// accepted or rejected for other reasons: with two versions of a carrier,
// a quarter, an incident or a deferral in one file there is no telling
// which the carrier meant, and loading the one without an error of its
// own would choose for them. A row has a key when every key cell was read
// as a valid value (keyKnown); a blank or invalid year, quarter, date,
// type or carrier_id leaves it without one, so it is no row's twin.
var duplicateKeys = map[Kind][]string{
	Registry:  {"carrier_id"},
	Quarterly: {"carrier_id", "year", "quarter"},
	Incidents: {"carrier_id", "occurred_on", "type"},
	Deferrals: {"carrier_id", "year"},
	// A later file's score of the same key is a revision (view expert_scores).
	ExpertScores: {"carrier_id", "year", "item", "judge"},
	// A later file's application of the same id replaces it (view applications).
	Applications: {"application_id"},
	// Likewise a nomination's (view nominations).
	Nominations: {"nomination_id"},
}

// spikeColumns are checked against the carrier's previous quarter.
var spikeColumns = []string{"incubating", "jobs", "revenue", "financing"}

type rowRef struct {
	sheet string
	row   int
}

// qrec is an accepted quarterly row as the checks need it. It holds no
// pointers, so that half a million of them cost the collector nothing.
type qrec struct {
	cid      int32 // carrier, as numbered in engine.known
	qi       int32 // year*4 + quarter
	sub      int32 // submitted_on, days since 1970-01-01
	sheet    int32 // index into tracker.sheets
	row      int32
	dup      bool
	how      uint8 // keyAccepted; keyRejected or keySeed: not loaded, only its key counts
	old      bool  // committed before this transaction
	gone     bool  // old, and already recorded as superseded
	ingestID int64
	order    int64 // the file's place in ingest order: a retry's is its file's (view ingest_order)
	vals     [4]float64
}

func days(t time.Time) int32 { return int32(t.Unix() / 86400) }

// loaded reports whether the row is in the table and stays there.
func (a *qrec) loaded() bool { return !a.dup && a.how == keyAccepted }

// newer reports whether a wins over b by the rule of SPEC §3.2 as the view
// quarterly_report_revisions states it (sql/views/0010_inputs.sql): later
// submitted_on, then ingested later — a retried row counting as ingested
// with its file (view ingest_order; retry.go says why). It keeps the cache
// of that rule, store.quarterly_superseded; the tests check after every
// ingest that the cache and the view agree.
func (a *qrec) newer(b *qrec) bool {
	if a.sub != b.sub {
		return a.sub > b.sub
	}
	if a.order != b.order {
		return a.order > b.order
	}
	if a.ingestID != b.ingestID {
		return a.ingestID > b.ingestID
	}
	return a.row > b.row
}

// before orders by carrier (interned id), quarter, file, sheet, row.
func (a *qrec) before(b *qrec) bool {
	if a.cid != b.cid {
		return a.cid < b.cid
	}
	if a.qi != b.qi {
		return a.qi < b.qi
	}
	if a.ingestID != b.ingestID {
		return a.ingestID < b.ingestID
	}
	if a.sheet != b.sheet {
		return a.sheet < b.sheet // sheets are numbered in reading order
	}
	return a.row < b.row
}

// maxListedRows is how many rows a duplicate_key message names.
const maxListedRows = 10

// How a row's key is recorded: its row accepted (appended to the table),
// rejected for another reason, or (a retry) not read again.
const (
	keyAccepted uint8 = iota
	keyRejected
	keySeed
)

type keyRef struct {
	rowRef
	seed bool // not read again by this retry: named in the message, not rejected again
}

type keyEntry struct {
	refs   []keyRef // every occurrence, in file order; more than one: the key is duplicated
	raw    string
	loaded bool // an occurrence was appended to the table
}

// tracker follows the accepted rows of one load transaction. Quarterly rows,
// which come by the hundred thousand, are kept in a slice and sorted once:
// duplicates then sit side by side and a carrier's previous quarter comes
// just before, which is far cheaper than hash maps of that size. The other
// kinds are small and use a map per file.
type tracker struct {
	spec    *Spec
	keyIdx  []int
	spikeIx [4]int
	recs    []qrec   // quarterly
	names   []string // carrier id by cid
	sheets  []string // sheet names by index
	sheetIx map[string]int32
	cids    map[string]carrierRef
	// carriers not registered, numbered after the registered ones (their
	// rows are rejected, but their keys count)
	unknown map[string]int32
	// other kinds, current file
	fileID int64
	keys   map[string]*keyEntry
	order  []string
	// ingest id → duplicated keys (encoded as the DELETE compares them)
	dupDeletes map[int64][]string
	// committed quarterly rows of the quarters this transaction touches and
	// of the quarters before them (read by spikes, used by supersede)
	old []qrec
}

func newTracker(spec *Spec, known map[string]carrierRef, names []string, sizeHint int) *tracker {
	t := &tracker{spec: spec, dupDeletes: map[int64][]string{}, cids: known, names: names, sheetIx: map[string]int32{}}
	if spec.Kind == Quarterly {
		t.recs = make([]qrec, 0, sizeHint)
	}
	for _, k := range duplicateKeys[spec.Kind] {
		t.keyIdx = append(t.keyIdx, spec.colIndex(k))
	}
	if spec.Kind == Quarterly {
		for i, c := range spikeColumns {
			t.spikeIx[i] = spec.colIndex(c)
		}
	}
	return t
}

func keyText(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case int32:
		return strconv.Itoa(int(x))
	case time.Time:
		return x.Format("2006-01-02")
	}
	return fmt.Sprint(v)
}

func (t *tracker) sheetIndex(name string) int32 {
	if n := len(t.sheets); n > 0 && t.sheets[n-1] == name {
		return int32(n - 1)
	}
	ix, ok := t.sheetIx[name]
	if !ok {
		ix = int32(len(t.sheets))
		t.sheets = append(t.sheets, name)
		t.sheetIx[name] = ix
	}
	return ix
}

func (t *tracker) ref(q *qrec) rowRef { return rowRef{t.sheets[q.sheet], int(q.row)} }

// sortQrecs sorts recs by cmpQrec: counted into buckets by carrier
// first (carriers are numbered densely), then each bucket, tens of rows,
// sorted alone, and the records moved once into their places. The order
// is strict (no two records share carrier, quarter, file, sheet and row),
// so the result is the one sorting the whole slice gives, in a fraction
// of the time (half a million records of 72 bytes).
func sortQrecs(recs []qrec) {
	if len(recs) < 2 {
		return
	}
	var ncid int32
	for i := range recs {
		if recs[i].cid < 0 {
			slices.SortFunc(recs, cmpQrec) // never: carriers are numbered from 0
			return
		}
		ncid = max(ncid, recs[i].cid+1)
	}
	start := make([]int32, ncid+1)
	for i := range recs {
		start[recs[i].cid+1]++
	}
	for c := int32(1); c <= ncid; c++ {
		start[c] += start[c-1]
	}
	perm := make([]int32, len(recs)) // perm[k]: the record that goes to place k
	next := slices.Clone(start[:ncid])
	for i := range recs {
		c := recs[i].cid
		perm[next[c]] = int32(i)
		next[c]++
	}
	for c := int32(0); c < ncid; c++ {
		if b := perm[start[c]:start[c+1]]; len(b) > 1 {
			slices.SortFunc(b, func(x, y int32) int { return cmpQrecAt(&recs[x], &recs[y]) })
		}
	}
	// Move each record to its place, following the permutation's cycles.
	for k := range perm {
		if perm[k] < 0 || int(perm[k]) == k {
			continue
		}
		tmp := recs[k]
		at := k
		for {
			from := int(perm[at])
			perm[at] = -1
			if from == k {
				recs[at] = tmp
				break
			}
			recs[at] = recs[from]
			at = from
		}
	}
}

func cmpQrecAt(a, b *qrec) int {
	switch {
	case a.before(b):
		return -1
	case b.before(a):
		return 1
	}
	return 0
}

func cmpQrec(a, b qrec) int { return cmpQrecAt(&a, &b) }

func toFloat(v driver.Value) float64 {
	switch x := v.(type) {
	case int32:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// keySep joins key parts; not NUL, because strings are bound as C strings.
const keySep = "\x1f"

// accept records an accepted row of file ingestID, whose place in ingest
// order is order; cid numbers its carrier.
func (t *tracker) accept(ingestID, order int64, r *Row, cid int32) {
	if t.spec.Kind == Quarterly {
		q := qrec{cid: cid, qi: r.Vals[1].(int32)*4 + r.Vals[2].(int32),
			sub: days(r.Vals[3].(time.Time)), ingestID: ingestID, order: order, sheet: t.sheetIndex(r.Sheet), row: int32(r.RowNo)}
		for i, ix := range t.spikeIx {
			q.vals[i] = toFloat(r.Vals[ix])
		}
		t.recs = append(t.recs, q)
		return
	}
	t.key(ingestID, r, keyAccepted)
}

// reject records the key, if it has one, of a row of file ingestID
// rejected for other reasons: a row accepted with the same key is its
// twin, and both are rejected duplicate_key.
func (t *tracker) reject(ingestID int64, r *Row) { t.note(ingestID, r, keyRejected) }

// seed records, for a retry (file ingestID), the key of a row of the file
// not read again — accepted by an earlier ingest, or rejected for reasons
// a retry does not remove: a row read again with the same key is a
// duplicate, rejected as it was, or would have been, the first time. (A
// row accepted before with such a twin, under the earlier rule that
// counted accepted rows only, stays.)
func (t *tracker) seed(ingestID int64, r *Row) { t.note(ingestID, r, keySeed) }

func (t *tracker) note(ingestID int64, r *Row, how uint8) {
	if !t.keyKnown(r) {
		return
	}
	if t.spec.Kind != Quarterly {
		t.key(ingestID, r, how)
		return
	}
	t.recs = append(t.recs, qrec{cid: t.carrier(r.Vals[0].(string)), qi: r.Vals[1].(int32)*4 + r.Vals[2].(int32),
		ingestID: ingestID, sheet: t.sheetIndex(r.Sheet), row: int32(r.RowNo), how: how})
}

// keyKnown reports whether every key cell of the row was read as a valid
// value. A cell blank, invalid (year, year_range, quarter, date, enum,
// too_long), or not read at all (extra_fields, summary_row) leaves the
// row without a key. Rules that keep the value (quarter_future,
// date_future, unknown_carrier) do not.
func (t *tracker) keyKnown(r *Row) bool {
	for _, ix := range t.keyIdx {
		if r.Vals[ix] == nil {
			return false
		}
	}
	return true
}

// carrier numbers a carrier for sorting: the registered ones as loading
// does, the others after them.
func (t *tracker) carrier(id string) int32 {
	if c, ok := t.cids[id]; ok {
		return c.cid
	}
	if cid, ok := t.unknown[id]; ok {
		return cid
	}
	if t.unknown == nil {
		t.unknown = map[string]int32{}
		t.names = slices.Clip(t.names) // appended to below: never into the engine's array
	}
	cid := int32(len(t.names))
	t.names = append(t.names, id)
	t.unknown[id] = cid
	return cid
}

// key records the key of a row of file ingestID (small kinds).
func (t *tracker) key(ingestID int64, r *Row, how uint8) {
	if ingestID != t.fileID {
		t.fileID = ingestID
		t.keys = map[string]*keyEntry{}
		t.order = t.order[:0]
	}
	parts := make([]string, len(t.keyIdx))
	for i, ix := range t.keyIdx {
		parts[i] = keyText(r.Vals[ix])
	}
	k := strings.Join(parts, keySep)
	e := t.keys[k]
	if e == nil {
		e = &keyEntry{raw: parts[0]}
		t.keys[k] = e
		t.order = append(t.order, k)
	}
	e.refs = append(e.refs, keyRef{rowRef{r.Sheet, r.RowNo}, how == keySeed})
	if how == keyAccepted {
		e.loaded = true
	}
}

// duplicateIssues rejects every occurrence of a key repeated in one file:
// with two versions of a quarter in one file there is no telling which the
// carrier meant, so neither is loaded and the clerk keeps one. seed(i)
// reports a row a retry did not read again: named, not rejected again.
func (t *tracker) duplicateIssues(raw string, refs []rowRef, seed func(i int) bool) []Issue {
	var zh, en []string
	for _, ix := range t.keyIdx {
		zh = append(zh, t.spec.Columns[ix].ZH)
		en = append(en, t.spec.Columns[ix].Name)
	}
	// At most maxListedRows rows are named: every occurrence carries the
	// message, so a list of them all grows with the square of their number
	// (20,000 copies of one row made a 5 GB database).
	at := make([]string, 0, min(len(refs), maxListedRows))
	for _, ref := range refs[:min(len(refs), maxListedRows)] {
		a := strconv.Itoa(ref.row)
		if ref.sheet != "" {
			a = clipq(ref.sheet) + "!" + a
		}
		at = append(at, a)
	}
	where, whereZH := strings.Join(at, ", "), strings.Join(at, ", ")
	if len(refs) > maxListedRows {
		where += fmt.Sprintf(", … (%d in all)", len(refs))
		whereZH += fmt.Sprintf(" …，共 %d 行", len(refs))
	}
	issues := make([]Issue, 0, len(refs))
	for i, ref := range refs {
		if seed(i) {
			continue
		}
		issues = append(issues, Issue{Sheet: ref.sheet, Row: ref.row, Column: t.spec.Columns[t.keyIdx[0]].Name, Raw: raw,
			Rule: "duplicate_key", Severity: "error", Carrier: raw, // every key starts with carrier_id, or is an application's or a nomination's id
			ZH: fmt.Sprintf("同一%s在本文件中出现 %d 次（第 %s 行），无法确定以哪一行为准，请只保留一行后重新报送", strings.Join(zh, "+"), len(refs), whereZH),
			EN: fmt.Sprintf("the same %s occurs %d times in this file (rows %s); keep one row and resend", strings.Join(en, "+"), len(refs), where)})
	}
	return issues
}

// finishFile returns the duplicate issues of the file just written (small
// kinds; quarterly duplicates are found when the transaction's rows are
// sorted). The rows are deleted after the appenders close.
func (t *tracker) finishFile() []Issue {
	if t.keys == nil {
		return nil
	}
	var issues []Issue
	for _, k := range t.order {
		e := t.keys[k]
		if len(e.refs) < 2 {
			continue
		}
		if e.loaded {
			t.dupDeletes[t.fileID] = append(t.dupDeletes[t.fileID], k)
		}
		refs := make([]rowRef, len(e.refs))
		for i, r := range e.refs {
			refs[i] = r.rowRef
		}
		issues = append(issues, t.duplicateIssues(e.raw, refs, func(i int) bool { return e.refs[i].seed })...)
	}
	t.keys, t.order, t.fileID = nil, nil, 0
	return issues
}

// quarterlyDuplicates sorts the transaction's quarterly rows and returns,
// per file, the issues of keys repeated within a file.
func (t *tracker) quarterlyDuplicates() map[int64][]Issue {
	sortQrecs(t.recs)
	out := map[int64][]Issue{}
	for i := 0; i < len(t.recs); {
		j := i + 1
		for j < len(t.recs) && t.recs[j].cid == t.recs[i].cid && t.recs[j].qi == t.recs[i].qi && t.recs[j].ingestID == t.recs[i].ingestID {
			j++
		}
		if j-i > 1 {
			refs := make([]rowRef, 0, j-i)
			loaded := false
			for k := i; k < j; k++ {
				loaded = loaded || t.recs[k].loaded()
				t.recs[k].dup = true
				refs = append(refs, t.ref(&t.recs[k]))
			}
			r := &t.recs[i]
			carrier := t.names[r.cid]
			if loaded {
				y, q := int(r.qi-1)/4, int(r.qi-1)%4+1
				t.dupDeletes[r.ingestID] = append(t.dupDeletes[r.ingestID], carrier+keySep+strconv.Itoa(y)+keySep+strconv.Itoa(q))
			}
			group := t.recs[i:j]
			out[r.ingestID] = append(out[r.ingestID], t.duplicateIssues(carrier, refs, func(k int) bool { return group[k].how == keySeed })...)
		}
		i = j
	}
	return out
}

// deleteDuplicates removes the rows of duplicated keys appended earlier in
// the transaction.
func (t *tracker) deleteDuplicates(ctx context.Context, conn *sql.Conn) error {
	ids := make([]int64, 0, len(t.dupDeletes))
	for id := range t.dupDeletes {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	keyCols := make([]string, len(t.keyIdx))
	for i, ix := range t.keyIdx {
		keyCols[i] = "CAST(" + t.spec.Columns[ix].Name + " AS VARCHAR)"
	}
	keyExpr := strings.Join(keyCols, " || chr(31) || ")
	for _, id := range ids {
		keys := t.dupDeletes[id]
		args := make([]any, 0, len(keys)+1)
		args = append(args, id)
		marks := make([]string, len(keys))
		for i, k := range keys {
			marks[i] = "?"
			args = append(args, k)
		}
		q := fmt.Sprintf("DELETE FROM %s WHERE ingest_id = ? AND %s IN (%s)", t.spec.Table, keyExpr, strings.Join(marks, ", "))
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("delete duplicates: %w", err)
		}
	}
	return nil
}

// winners reduces rows sorted by (carrier, quarter) to the winning
// revision of each carrier's quarter, skipping rows not loaded (rejected
// duplicates, rows rejected for other reasons, a retry's seeds).
func winners(recs []qrec) []*qrec {
	var out []*qrec
	for i := range recs {
		r := &recs[i]
		if !r.loaded() {
			continue
		}
		if n := len(out); n > 0 && out[n-1].cid == r.cid && out[n-1].qi == r.qi {
			if r.newer(out[n-1]) {
				out[n-1] = r
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// spikes compares every accepted quarterly row with the winning revision of
// the carrier's previous quarter — from this transaction or from committed
// data — and returns, per file, a warning per column that rose over 5×.
// It expects quarterlyDuplicates to have sorted and marked the rows.
func (t *tracker) spikes(ctx context.Context, conn *sql.Conn, firstID int64) (map[int64][]Issue, error) {
	if t.spec.Kind != Quarterly || len(t.recs) == 0 {
		return nil, nil
	}
	// Committed rows, only for the quarters needed: the previous quarter
	// (spikes) and the quarter itself (revisions it supersedes).
	need := map[int]bool{}
	for i := range t.recs {
		if t.recs[i].loaded() {
			need[int(t.recs[i].qi)-1] = true
			need[int(t.recs[i].qi)] = true
		}
	}
	if len(need) == 0 {
		return nil, nil
	}
	qis := make([]string, 0, len(need))
	loY, hiY := 1<<30, 0
	for qi := range need {
		qis = append(qis, strconv.Itoa(qi))
		loY, hiY = min(loY, (qi-1)/4), max(hiY, (qi-1)/4)
	}
	sort.Strings(qis)
	old, err := t.committed(ctx, conn, fmt.Sprintf(`
		SELECT q.carrier_id, (q.year * 4 + q.quarter)::INTEGER AS qi, date_diff('day', DATE '1970-01-01', q.submitted_on)::INTEGER,
		       q.ingest_id::BIGINT, o.file_order::BIGINT, q.row_no::INTEGER,
		       q.incubating::INTEGER, q.jobs::INTEGER, q.revenue::DOUBLE, q.financing::DOUBLE, s.ingest_id IS NOT NULL
		FROM store.quarterly q
		JOIN ingest_order o ON o.ingest_id = q.ingest_id
		LEFT JOIN store.quarterly_superseded s
		       ON s.ingest_id = q.ingest_id AND s.carrier_id = q.carrier_id AND s.year = q.year AND s.quarter = q.quarter
		WHERE q.ingest_id < %d AND q.year * 4 + q.quarter IN (%s)
		  AND q.year BETWEEN %d AND %d -- implied by the quarters; lets the scan skip other years' row groups`, firstID, strings.Join(qis, ","), loY, hiY))
	if err != nil {
		return nil, fmt.Errorf("previous quarters: %w", err)
	}
	sortQrecs(old)
	t.old = old
	// Merge the winners of both, by (carrier, quarter). (Rows already
	// superseded never win: a later revision beat them.)
	a, b := winners(t.recs), winners(old)
	wins := make([]*qrec, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0:
			wins, a = append(wins, a[0]), a[1:]
		case len(a) == 0:
			wins, b = append(wins, b[0]), b[1:]
		case a[0].cid == b[0].cid && a[0].qi == b[0].qi:
			w := a[0]
			if b[0].newer(w) {
				w = b[0]
			}
			wins, a, b = append(wins, w), a[1:], b[1:]
		case a[0].before(b[0]):
			wins, a = append(wins, a[0]), a[1:]
		default:
			wins, b = append(wins, b[0]), b[1:]
		}
	}
	byFile := map[int64][]Issue{}
	w := 0
	for i := range t.recs {
		r := &t.recs[i]
		if !r.loaded() {
			continue
		}
		// Rows are sorted, so the previous quarter's winner only moves forward.
		for w < len(wins) && (wins[w].cid < r.cid || wins[w].cid == r.cid && wins[w].qi < r.qi-1) {
			w++
		}
		if w == len(wins) || wins[w].cid != r.cid || wins[w].qi != r.qi-1 {
			continue
		}
		p := wins[w]
		for i, col := range spikeColumns {
			if p.vals[i] > 0 && r.vals[i] > 5*p.vals[i] {
				c := &t.spec.Columns[t.spikeIx[i]]
				cur, was := spikeText(c, r.vals[i]), spikeText(c, p.vals[i])
				ref := t.ref(r)
				byFile[r.ingestID] = append(byFile[r.ingestID], Issue{Sheet: ref.sheet, Row: ref.row, Column: col, Raw: cur, Rule: "spike_5x", Severity: "warning", Carrier: t.names[r.cid],
					ZH: fmt.Sprintf("%s：由上季度的 %s 增至 %s，超过 5 倍，请核实", c.Label(), was, cur),
					EN: fmt.Sprintf("%s: rose from %s last quarter to %s, more than 5×; please check", col, was, cur)})
			}
		}
	}
	return byFile, nil
}

func spikeText(c *Column, v float64) string {
	if c.Type == tMoney {
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// committed reads the committed quarterly rows query selects, through
// DuckDB's Arrow interface: a province's files by quarter each read the
// previous quarter's rows, hundreds of thousands of them, which
// database/sql's row-by-row Scan took seconds over.
func (t *tracker) committed(ctx context.Context, conn *sql.Conn, query string) ([]qrec, error) {
	var old []qrec
	err := conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		rdr, err := ar.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rdr.Release()
		for rdr.Next() {
			rec := rdr.Record()
			cols := rec.Columns()
			carrier, ok0 := cols[0].(*array.String)
			qi, ok1 := cols[1].(*array.Int32)
			sub, ok2 := cols[2].(*array.Int32)
			ing, ok3 := cols[3].(*array.Int64)
			ord, ok4 := cols[4].(*array.Int64)
			row, ok5 := cols[5].(*array.Int32)
			inc, ok6 := cols[6].(*array.Int32)
			jobs, ok7 := cols[7].(*array.Int32)
			rev, ok8 := cols[8].(*array.Float64)
			fin, ok9 := cols[9].(*array.Float64)
			gone, ok10 := cols[10].(*array.Boolean)
			if !(ok0 && ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8 && ok9 && ok10) {
				return fmt.Errorf("unexpected column types %v", rec.Schema())
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				c, ok := t.cids[carrier.Value(i)]
				if !ok {
					continue // a committed row always names a registered carrier
				}
				old = append(old, qrec{cid: c.cid, qi: qi.Value(i), sub: sub.Value(i), ingestID: ing.Value(i), order: ord.Value(i),
					row: row.Value(i), vals: [4]float64{float64(inc.Value(i)), float64(jobs.Value(i)), rev.Value(i), fin.Value(i)},
					gone: gone.Value(i), old: true})
			}
		}
		return rdr.Err()
	})
	return old, err
}

// supersede records, in store.quarterly_superseded, every revision that
// stopped winning in this transaction: new rows that lose to an earlier
// revision (submitted later), and earlier winners that a new row beats. The
// view quarterly_winners then finds the winning revisions without comparing
// all of them (the rule itself is quarterly_report_revisions'). It expects
// spikes to have read the committed rows.
func (t *tracker) supersede(ctx context.Context, conn *sql.Conn) error {
	if t.spec.Kind != Quarterly || len(t.recs) == 0 {
		return nil
	}
	loaded := 0
	for i := range t.recs {
		if t.recs[i].loaded() {
			loaded++
		}
	}
	if loaded == 0 {
		return nil
	}
	// Both are sorted (quarterlyDuplicates, spikes): merged, they are.
	all := make([]qrec, 0, loaded+len(t.old))
	a, b := t.recs, t.old
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(a) > 0 && !a[0].loaded():
			a = a[1:]
		case len(b) > 0 && b[0].gone:
			b = b[1:]
		case len(b) == 0 || len(a) > 0 && a[0].before(&b[0]):
			all, a = append(all, a[0]), a[1:]
		default:
			all, b = append(all, b[0]), b[1:]
		}
	}
	var losers []*qrec
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].cid == all[i].cid && all[j].qi == all[i].qi {
			j++
		}
		if j-i > 1 {
			w := i
			for k := i + 1; k < j; k++ {
				if all[k].newer(&all[w]) {
					w = k
				}
			}
			for k := i; k < j; k++ {
				if k != w {
					losers = append(losers, &all[k])
				}
			}
		}
		i = j
	}
	const batch = 500
	for len(losers) > 0 {
		n := min(batch, len(losers))
		var b strings.Builder
		b.WriteString("INSERT INTO store.quarterly_superseded VALUES ")
		args := make([]any, 0, 5*n)
		for i, r := range losers[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, r.ingestID, r.row, t.names[r.cid], (r.qi-1)/4, (r.qi-1)%4+1)
		}
		if _, err := conn.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("superseded revisions: %w", err)
		}
		losers = losers[n:]
	}
	return nil
}
