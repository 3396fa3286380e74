package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The checks that span rows — a key repeated within one file, a value more
// than 5× the carrier's previous quarter — are made in Go while rows stream
// past: the rows are in memory then, whereas DuckDB aggregates an
// uncommitted transaction's rows an order of magnitude slower than committed
// ones.

// duplicateKeys are the columns that identify a row within one file.
var duplicateKeys = map[Kind][]string{
	Registry:  {"carrier_id"},
	Quarterly: {"carrier_id", "year", "quarter"},
	Incidents: {"carrier_id", "occurred_on", "type"},
	Deferrals: {"carrier_id", "year"},
}

// spikeColumns are checked against the carrier's previous quarter.
var spikeColumns = []string{"incubating", "jobs", "revenue", "financing"}

type rowRef struct {
	sheet string
	row   int
}

// qrec is an accepted quarterly row as the spike check needs it.
type qrec struct {
	carrier  string
	qi       int // year*4 + quarter
	sub      time.Time
	ingestID int64
	rowRef
	vals [4]float64
}

// newer reports whether a wins over b by SPEC §3.2: later submitted_on,
// then ingested later.
func (a *qrec) newer(b *qrec) bool {
	if !a.sub.Equal(b.sub) {
		return a.sub.After(b.sub)
	}
	if a.ingestID != b.ingestID {
		return a.ingestID > b.ingestID
	}
	return a.row > b.row
}

type qkey struct {
	carrier string
	qi      int
}

type keyEntry struct {
	first rowRef
	more  []rowRef // later occurrences: the key is duplicated
	raw   string
	q     *qrec
}

func (e *keyEntry) refs() []rowRef { return append([]rowRef{e.first}, e.more...) }

// tracker follows the accepted rows of one load transaction.
type tracker struct {
	spec    *Spec
	keyIdx  []int
	spikeIx [4]int
	// current file
	fileID int64
	keys   map[string]*keyEntry
	order  []string // keys in first-seen order, for deterministic output
	// whole transaction
	dupDeletes map[int64][]string // ingest id → duplicated keys (encoded)
	recs       []*qrec            // accepted quarterly rows, duplicates excluded
	winners    map[qkey]*qrec
}

func newTracker(spec *Spec) *tracker {
	t := &tracker{spec: spec, dupDeletes: map[int64][]string{}, winners: map[qkey]*qrec{}}
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

func toFloat(v driver.Value) float64 {
	switch x := v.(type) {
	case int32:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// accept records an accepted row of file ingestID.
func (t *tracker) accept(ingestID int64, r *Row) {
	if ingestID != t.fileID {
		t.fileID = ingestID
		t.keys = map[string]*keyEntry{}
		t.order = t.order[:0]
	}
	parts := make([]string, len(t.keyIdx))
	for i, ix := range t.keyIdx {
		parts[i] = keyText(r.Vals[ix])
	}
	k := strings.Join(parts, "\x1f") // not NUL: strings are bound as C strings
	e := t.keys[k]
	if e != nil {
		e.more = append(e.more, rowRef{r.Sheet, r.RowNo})
		return
	}
	e = &keyEntry{raw: parts[0], first: rowRef{r.Sheet, r.RowNo}}
	t.keys[k] = e
	t.order = append(t.order, k)
	if t.spec.Kind == Quarterly {
		q := &qrec{carrier: parts[0], qi: int(r.Vals[1].(int32))*4 + int(r.Vals[2].(int32)),
			sub: r.Vals[3].(time.Time), ingestID: ingestID, rowRef: rowRef{r.Sheet, r.RowNo}}
		for i, ix := range t.spikeIx {
			q.vals[i] = toFloat(r.Vals[ix])
		}
		e.q = q
	}
}

// finishFile rejects every occurrence of a key repeated in the current
// file: with two versions of a quarter in one file there is no telling
// which the carrier meant, so neither is loaded and the clerk keeps one.
// It returns the issues; the rows are deleted after the appenders close.
func (t *tracker) finishFile() []Issue {
	var issues []Issue
	if t.keys == nil {
		return nil
	}
	var zh, en []string
	for _, ix := range t.keyIdx {
		zh = append(zh, t.spec.Columns[ix].ZH)
		en = append(en, t.spec.Columns[ix].Name)
	}
	for _, k := range t.order {
		e := t.keys[k]
		if len(e.more) == 0 {
			if e.q != nil {
				t.recs = append(t.recs, e.q)
				w := t.winners[qkey{e.q.carrier, e.q.qi}]
				if w == nil || e.q.newer(w) {
					t.winners[qkey{e.q.carrier, e.q.qi}] = e.q
				}
			}
			continue
		}
		t.dupDeletes[t.fileID] = append(t.dupDeletes[t.fileID], k)
		var at []string
		refs := e.refs()
		for _, ref := range refs {
			if ref.sheet != "" {
				at = append(at, ref.sheet+"!"+strconv.Itoa(ref.row))
			} else {
				at = append(at, strconv.Itoa(ref.row))
			}
		}
		where := strings.Join(at, ", ")
		for _, ref := range refs {
			issues = append(issues, Issue{Sheet: ref.sheet, Row: ref.row, Column: t.spec.Columns[t.keyIdx[0]].Name, Raw: e.raw,
				Rule: "duplicate_key", Severity: "error",
				ZH: fmt.Sprintf("同一%s在本文件中出现 %d 次（第 %s 行），无法确定以哪一行为准，请只保留一行后重新报送", strings.Join(zh, "+"), len(refs), where),
				EN: fmt.Sprintf("the same %s occurs %d times in this file (rows %s); keep one row and resend", strings.Join(en, "+"), len(refs), where)})
		}
	}
	t.keys, t.order, t.fileID = nil, nil, 0
	return issues
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

// spikes compares every accepted quarterly row with the winning revision of
// the carrier's previous quarter — from this transaction or from committed
// data — and returns a warning per column that rose more than 5×.
func (t *tracker) spikes(ctx context.Context, conn *sql.Conn, firstID int64) (map[int64][]Issue, error) {
	if t.spec.Kind != Quarterly || len(t.recs) == 0 {
		return nil, nil
	}
	// Previous quarters not decided within the transaction: ask the
	// committed rows, only for the quarters needed.
	need := map[int]bool{}
	for _, r := range t.recs {
		need[r.qi-1] = true
	}
	qis := make([]string, 0, len(need))
	for qi := range need {
		qis = append(qis, strconv.Itoa(qi))
	}
	sort.Strings(qis)
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`
		SELECT carrier_id, year * 4 + quarter, submitted_on, ingest_id, row_no, incubating, jobs, revenue, financing
		FROM store.quarterly WHERE ingest_id < ? AND year * 4 + quarter IN (%s)`, strings.Join(qis, ",")), firstID)
	if err != nil {
		return nil, fmt.Errorf("previous quarters: %w", err)
	}
	prev := map[qkey]*qrec{}
	for rows.Next() {
		q := &qrec{}
		var inc, jobs int32
		if err := rows.Scan(&q.carrier, &q.qi, &q.sub, &q.ingestID, &q.row, &inc, &jobs, &q.vals[2], &q.vals[3]); err != nil {
			rows.Close()
			return nil, err
		}
		q.vals[0], q.vals[1] = float64(inc), float64(jobs)
		k := qkey{q.carrier, q.qi}
		if w := prev[k]; w == nil || q.newer(w) {
			prev[k] = q
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k, w := range t.winners {
		if p := prev[k]; p == nil || w.newer(p) {
			prev[k] = w
		}
	}
	byFile := map[int64][]Issue{}
	for _, r := range t.recs {
		p := prev[qkey{r.carrier, r.qi - 1}]
		if p == nil {
			continue
		}
		for i, col := range spikeColumns {
			if p.vals[i] > 0 && r.vals[i] > 5*p.vals[i] {
				c := &t.spec.Columns[t.spikeIx[i]]
				cur, was := spikeText(c, r.vals[i]), spikeText(c, p.vals[i])
				is := Issue{Sheet: r.sheet, Row: r.row, Column: col, Raw: cur, Rule: "spike_5x", Severity: "warning",
					ZH: fmt.Sprintf("%s：由上季度的 %s 增至 %s，超过 5 倍，请核实", c.Label(), was, cur),
					EN: fmt.Sprintf("%s: rose from %s last quarter to %s, more than 5×; please check", col, was, cur)}
				byFile[r.ingestID] = append(byFile[r.ingestID], is)
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
