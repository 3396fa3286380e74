package reports

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// feedbackSheet is the one sheet of a feedback workbook.
const feedbackSheet = "评价反馈表"

// FeedbackOptions of the feedback workbooks.
type FeedbackOptions struct {
	// Final marks them 定稿 (final), for a published year; otherwise they
	// are marked 草稿 (draft), in the title and the document properties.
	Final bool
	// Workers write workbooks at once; ≤ 0: GOMAXPROCS.
	Workers int
}

// FeedbackInfo says what WriteFeedback wrote.
type FeedbackInfo struct {
	Dir     string
	Written int // workbooks
	// Sums is DIR/SHA256SUMS: every workbook's SHA-256 and name, as
	// sha256sum writes them (`sha256sum -c SHA256SUMS` checks the folder);
	// SumsSHA256 is that file's own, which the run ledger records. Empty
	// when nothing was written.
	Sums, SumsSHA256 string
}

// feedbackSums is the name of the checksum file of a feedback folder.
const feedbackSums = "SHA256SUMS"

// WriteFeedback writes one feedback workbook (评价反馈表) per graded carrier
// of year into dir, named <carrier_id>.xlsx (an id Windows could not use as
// a file name is made safe and given a short hash of itself), and the
// folder's SHA256SUMS. Everything is read with four set-based queries
// first; the workbooks are then written by o.Workers goroutines, each
// atomically. A cancelled ctx stops the writers with an error; files
// already written stay (and no SHA256SUMS is written). The returned info
// counts the workbooks written, also with an error.
func WriteFeedback(ctx context.Context, db *sql.DB, year int, dir string, o FeedbackOptions) (*FeedbackInfo, error) {
	info := &FeedbackInfo{Dir: dir}
	carriers, runs, err := readFeedback(ctx, db, year)
	if err != nil {
		return info, fmt.Errorf("read feedback data: %w", err)
	}
	tpl, err := newFeedbackTemplate()
	if err != nil {
		return info, fmt.Errorf("feedback template: %w", err)
	}
	ids := make([]string, len(carriers))
	for i, c := range carriers {
		ids[i] = c.ID
	}
	names, err := feedbackFileNames(ids)
	if err != nil {
		return info, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return info, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(len(carriers), 1))

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		written  atomic.Int64
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	sums := make([]string, len(carriers))
	jobs := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if ctx.Err() != nil {
					continue
				}
				c := carriers[i]
				sum, err := writeFeedbackBook(tpl, c, runs[c.RunID], year, o.Final, filepath.Join(dir, names[i]))
				if err != nil {
					once.Do(func() { firstErr = fmt.Errorf("feedback for %s: %w", c.ID, err); cancel() })
					continue
				}
				sums[i] = sum
				written.Add(1)
			}
		}()
	}
feed:
	for i := range carriers {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	info.Written = int(written.Load())
	if firstErr != nil {
		return info, firstErr
	}
	// Without a write error, only the caller can have cancelled.
	if err := parent.Err(); err != nil && info.Written < len(carriers) {
		return info, fmt.Errorf("feedback workbooks: %w", err)
	}
	if len(carriers) == 0 {
		return info, nil
	}
	if err := xlsx.SyncFiles(dir, names); err != nil {
		return info, fmt.Errorf("sync %s: %w", dir, err)
	}
	info.Sums = filepath.Join(dir, feedbackSums)
	if info.SumsSHA256, err = writeSums(info.Sums, names, sums); err != nil {
		return info, fmt.Errorf("write %s: %w", info.Sums, err)
	}
	return info, nil
}

// writeSums writes a sha256sum file, in name order, and returns its own
// SHA-256.
func writeSums(path string, names, sums []string) (string, error) {
	lines := make([]string, len(names))
	for i, n := range names {
		lines[i] = sums[i] + "  " + n + "\n"
	}
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[len(sums[0])+2:], b[len(sums[0])+2:]) })
	return xlsx.WriteAtomic(path, true, func(w io.Writer) error {
		_, err := io.WriteString(w, strings.Join(lines, ""))
		return err
	})
}

// feedbackCarrier is everything one feedback workbook shows, as the views hold it.
type feedbackCarrier struct {
	ID, Name, District, Kind, Level, Track string
	Operator, USCC                         string
	Score                                  float64
	Grade                                  string
	Reasons                                []string
	BelowPass                              sql.NullBool // the score was below the pass mark
	RankOverall, RankDistrict, RankGroup   int
	CountOverall, CountDistrict, CountGrp  int
	ScoreDelta                             sql.NullFloat64
	RankDelta                              sql.NullInt64
	Quarters                               int
	WindowStart, WindowEnd                 time.Time
	RunID                                  int64

	Action                            string
	EffectiveOn, Deadline, BannedTill sql.NullTime
	PreviousGradedYear                sql.NullInt64

	Tier                              string
	CapYuan, AmountYuan, UnscaledYuan int64
	RecoveryYuan                      int64
	Factor                            float64
	Scheme                            string // the scheme that scored it
	Indicators                        []feedbackIndicator
}

// feedbackIndicator is one line of the indicator table, as the views hold
// it: Target the line that earns full points (NULL where there is none),
// Met as indicator_scores says, and Median the median value of the
// indicator among the graded carriers of the carrier's ranking group and
// scheme (group_medians).
type feedbackIndicator struct {
	Code                   string
	Value, Target          sql.NullFloat64
	Weight, Points, Median float64
	Met                    bool
}

// feedbackRun is what the workbooks need of an assessment run: its grade
// thresholds (rubric_params; NULL for a run stored before they were kept
// whose rubric no longer reads) and its schemes with their indicators'
// names, units, sections and scoring (rubric_schemes, rubric_indicators).
type feedbackRun struct {
	ID                    int64
	Excellent, Good, Pass sql.NullFloat64
	Cutoff                sql.NullTime
	Computed              time.Time
	Schemes               map[string]*rubricScheme
	// Plain: the run scored as SPEC §4.2 does (plainSchemes); the letters
	// then show no scheme, section or scoring.
	Plain bool
}

// indicator is how the run labels indicator code of scheme.
func (r *feedbackRun) indicator(scheme, code string) rubricIndicator {
	if s := r.Schemes[scheme]; s != nil {
		for _, ind := range s.indicators {
			if ind.code == code {
				return ind
			}
		}
	}
	return rubricIndicator{code: code}
}

// stamp dates the workbooks as the assessment workbook is dated: the data
// cut-off, or when the run computed.
func (r *feedbackRun) stamp() time.Time {
	if r.Cutoff.Valid {
		return xlsx.Stamp(r.Cutoff.Time)
	}
	return xlsx.Stamp(r.Computed)
}

// readFeedback reads the graded carriers of year with their indicators, and
// the runs that graded them, in four queries.
func readFeedback(ctx context.Context, db *sql.DB, year int) ([]*feedbackCarrier, map[int64]*feedbackRun, error) {
	rows, err := sqlfiles.Rows(ctx, db, "feedback_carriers", sql.Named("year", year))
	if err != nil {
		return nil, nil, err
	}
	var carriers []*feedbackCarrier
	byID := map[string]*feedbackCarrier{}
	for rows.Next() {
		c := &feedbackCarrier{}
		var reasons string
		if err := rows.Scan(&c.ID, &c.Name, &c.District, &c.Kind, &c.Level, &c.Track,
			&c.Score, &c.Grade, &reasons, &c.BelowPass,
			&c.RankOverall, &c.RankDistrict, &c.RankGroup,
			&c.CountOverall, &c.CountDistrict, &c.CountGrp,
			&c.ScoreDelta, &c.RankDelta, &c.Quarters,
			&c.WindowStart, &c.WindowEnd, &c.RunID,
			&c.Operator, &c.USCC,
			&c.Action, &c.EffectiveOn, &c.Deadline, &c.BannedTill, &c.PreviousGradedYear,
			&c.Tier, &c.CapYuan, &c.Factor, &c.AmountYuan, &c.UnscaledYuan, &c.RecoveryYuan, &c.Scheme); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if reasons != "" {
			c.Reasons = strings.Split(reasons, ",")
		}
		carriers = append(carriers, c)
		byID[c.ID] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}

	rows, err = sqlfiles.Rows(ctx, db, "feedback_indicators", sql.Named("year", year))
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id string
		var ind feedbackIndicator
		if err := rows.Scan(&id, &ind.Code, &ind.Value, &ind.Target, &ind.Weight, &ind.Points, &ind.Median, &ind.Met); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if c := byID[id]; c != nil {
			c.Indicators = append(c.Indicators, ind)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}

	rows, err = sqlfiles.Rows(ctx, db, "feedback_runs", sql.Named("year", year))
	if err != nil {
		return nil, nil, err
	}
	runs := map[int64]*feedbackRun{}
	for rows.Next() {
		r := &feedbackRun{}
		if err := rows.Scan(&r.ID, &r.Excellent, &r.Good, &r.Pass, &r.Cutoff, &r.Computed); err != nil {
			rows.Close()
			return nil, nil, err
		}
		runs[r.ID] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for _, c := range carriers {
		if runs[c.RunID] == nil {
			runs[c.RunID] = &feedbackRun{ID: c.RunID}
		}
	}
	for _, r := range runs {
		schemes, err := readSchemes(ctx, db, r.ID)
		if err != nil {
			return nil, nil, err
		}
		r.Schemes = map[string]*rubricScheme{}
		for _, s := range schemes {
			r.Schemes[s.code] = s
		}
		r.Plain = plainSchemes(schemes, r.Pass.Valid, r.Excellent.Float64, r.Good.Float64, r.Pass.Float64)
	}
	return carriers, runs, nil
}

// feedbackFileNames turns carrier ids into file names that are safe on
// Windows (no reserved characters or device names, no trailing dot or space)
// and distinct even where Windows ignores case. An id that had to be changed,
// or that collides, gets a short hash of itself so that the name stays unique
// and stable.
func feedbackFileNames(ids []string) ([]string, error) {
	names := make([]string, len(ids))
	seen := map[string]int{}
	for i, id := range ids {
		base := fbSanitize(id)
		if base != id {
			base += "-" + fbShortHash(id)
		}
		names[i] = base
		seen[strings.ToLower(base)]++
	}
	taken := map[string]bool{}
	for i, id := range ids {
		if seen[strings.ToLower(names[i])] > 1 && !strings.HasSuffix(names[i], "-"+fbShortHash(id)) {
			names[i] += "-" + fbShortHash(id)
		}
		key := strings.ToLower(names[i])
		if taken[key] {
			return nil, fmt.Errorf("carrier ids %q and another map to the same file name %s.xlsx", id, names[i])
		}
		taken[key] = true
		names[i] += ".xlsx"
	}
	return names, nil
}

func fbShortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// fbWindowsReserved are device names Windows refuses as a file's base name.
var fbWindowsReserved = func() map[string]bool {
	m := map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true}
	for _, p := range []string{"COM", "LPT"} {
		for d := '0'; d <= '9'; d++ {
			m[p+string(d)] = true
		}
	}
	return m
}()

// fbSanitize replaces what Windows forbids in a file name with '_'.
func fbSanitize(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r < 0x20 || r == 0x7f || r == utf8.RuneError || strings.ContainsRune(`<>:"/\|?*`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	s := strings.TrimRight(b.String(), ". ")
	if s == "" {
		s = "_"
	}
	stem, _, _ := strings.Cut(s, ".")
	if fbWindowsReserved[strings.ToUpper(strings.TrimSpace(stem))] {
		s = "_" + s
	}
	// Keep room for the hash suffix and extension within common path limits.
	for len(s) > 150 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// feedbackStyles are the cell styles of one feedback workbook.
type feedbackStyles struct {
	title, subtitle, section, label, value, valueLarge, score, money, note int
	th, td, tdCenter, tdBold, points, weight, met, notMet                  int
	// num[format][bound]: the indicator value formats (indicatorFormat)
	// with no bound, "≥" or "≤" in front.
	num map[string][3]int
}

// fbNumFormats are the formats indicatorFormat gives.
var fbNumFormats = []string{xlsx.FmtCount, xlsx.FmtDecimal, xlsx.FmtHalves, xlsx.FmtRatio, xlsx.FmtGeneral}

func newFeedbackStyles(f *excelize.File) (*feedbackStyles, error) {
	var s feedbackStyles
	font := func(size float64, bold bool, color string) *excelize.Font {
		return &excelize.Font{Family: "SimSun", Size: size, Bold: bold, Color: color}
	}
	border := []excelize.Border{
		{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1},
	}
	left := &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "left"}
	center := &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"}
	right := &excelize.Alignment{Vertical: "center", Horizontal: "right"}
	fill := func(c string) excelize.Fill { return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}} }
	str := func(v string) *string { return &v }
	specs := []struct {
		id *int
		st excelize.Style
	}{
		{&s.title, excelize.Style{Font: font(16, true, ""), Alignment: center}},
		{&s.subtitle, excelize.Style{Font: font(10, false, ""), Alignment: center}},
		{&s.section, excelize.Style{Font: font(11, true, ""), Alignment: left, Fill: fill("DDEBF7"), Border: border}},
		{&s.label, excelize.Style{Font: font(10, true, ""), Alignment: left, Fill: fill("F2F2F2"), Border: border}},
		{&s.value, excelize.Style{Font: font(10, false, ""), Alignment: left, Border: border}},
		{&s.valueLarge, excelize.Style{Font: font(12, true, ""), Alignment: left, Border: border}},
		{&s.score, excelize.Style{Font: font(12, true, ""), Alignment: left, Border: border, NumFmt: 2}},
		{&s.money, excelize.Style{Font: font(10, false, ""), Alignment: left, Border: border, CustomNumFmt: str(`#,##0" 元 yuan"`)}},
		{&s.note, excelize.Style{Font: font(10, false, "595959"), Alignment: &excelize.Alignment{WrapText: true, Vertical: "top", Horizontal: "left"}}},
		{&s.th, excelize.Style{Font: font(10, true, ""), Alignment: center, Fill: fill("DDEBF7"), Border: border}},
		{&s.td, excelize.Style{Font: font(10, false, ""), Alignment: left, Border: border}},
		{&s.tdCenter, excelize.Style{Font: font(10, false, ""), Alignment: center, Border: border}},
		{&s.tdBold, excelize.Style{Font: font(10, true, ""), Alignment: center, Border: border, Fill: fill("F2F2F2")}},
		{&s.points, excelize.Style{Font: font(10, false, ""), Alignment: right, Border: border, NumFmt: 2}},
		{&s.weight, excelize.Style{Font: font(10, false, ""), Alignment: right, Border: border}},
		{&s.met, excelize.Style{Font: font(10, false, "1E7B34"), Alignment: center, Border: border}},
		{&s.notMet, excelize.Style{Font: font(10, false, "C00000"), Alignment: center, Border: border}},
	}
	for _, sp := range specs {
		id, err := f.NewStyle(&sp.st)
		if err != nil {
			return nil, err
		}
		*sp.id = id
	}
	s.num = map[string][3]int{}
	for _, nf := range fbNumFormats {
		var ids [3]int
		for j, prefix := range []string{"", `"≥"`, `"≤"`} {
			code := prefix + nf
			id, err := f.NewStyle(&excelize.Style{Font: font(10, false, ""), Alignment: right, Border: border, CustomNumFmt: &code})
			if err != nil {
				return nil, err
			}
			ids[j] = id
		}
		s.num[nf] = ids
	}
	return &s, nil
}

// Column widths: the header block pairs A:B label, C:D value, E:F label,
// G:I value; the indicator table uses B:C for the indicator's name.
// 101 units: A4 portrait, 0.4" margins, at full size.
var feedbackWidths = []float64{6, 15, 19, 12, 12, 8, 8, 12, 9}

// feedbackBook lays out one feedback sheet top to bottom in memory; write
// streams it into the workbook.
type feedbackBook struct {
	st      *feedbackStyles
	row     int
	rows    [][]any     // by row number; nil: an empty row
	heights []float64   // by row number: the height the row's text needs, or more
	merges  [][2]string // merged ranges
	// breakBefore is the row a page starts at (0: none).
	breakBefore int
}

// set puts v into column col of the current row with style; the cell is
// merged through column to when to > col (the merged cells take the style
// too, so that borders are drawn round the whole range).
func (b *feedbackBook) set(col, to int, v any, style int) {
	for len(b.rows) <= b.row {
		b.rows = append(b.rows, nil)
		b.heights = append(b.heights, 0)
	}
	if b.rows[b.row] == nil {
		b.rows[b.row] = make([]any, len(feedbackWidths))
	}
	cells := b.rows[b.row]
	cells[col-1] = excelize.Cell{StyleID: style, Value: v}
	for c := col + 1; c <= to; c++ {
		cells[c-1] = excelize.Cell{StyleID: style}
	}
	if to > col {
		first, _ := excelize.CoordinatesToCellName(col, b.row)
		last, _ := excelize.CoordinatesToCellName(to, b.row)
		b.merges = append(b.merges, [2]string{first, last})
	}
	// Rows are given the height their wrapped text needs: Excel does not
	// grow a row for text in merged cells.
	if text, ok := v.(string); ok && style != b.st.title && style != b.st.section {
		lineHeight := 13.5
		switch style {
		case b.st.valueLarge:
			lineHeight = 16
		}
		b.height(fbTextHeight(text, fbSpan(col, to), lineHeight))
	}
}

// height makes the current row at least h points high.
func (b *feedbackBook) height(h float64) {
	if b.row < len(b.heights) {
		b.heights[b.row] = max(b.heights[b.row], h)
	}
}

// write streams the sheet into f.
func (b *feedbackBook) write(f *excelize.File) error {
	if b.breakBefore > 0 {
		// On the worksheet before it is streamed: the stream writer copies it.
		if err := f.InsertPageBreak(feedbackSheet, "A"+strconv.Itoa(b.breakBefore)); err != nil {
			return err
		}
	}
	sw, err := xlsx.SizedStream(f, feedbackSheet, len(feedbackWidths), len(b.rows)-1)
	if err != nil {
		return err
	}
	for r, cells := range b.rows {
		if cells == nil {
			continue
		}
		var opts []excelize.RowOpts
		if b.heights[r] > 0 {
			opts = append(opts, excelize.RowOpts{Height: xlsx.FitHeight(b.heights[r])})
		}
		if err := sw.SetRow("A"+strconv.Itoa(r), cells, opts...); err != nil {
			return err
		}
	}
	for _, m := range b.merges {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// pair writes "label | value" into the left half (A:B, C:D) or, with
// wide, across the row (A:B, C:I).
func (b *feedbackBook) pair(labelText string, v any, style int, wide bool) {
	b.set(1, 2, labelText, b.st.label)
	if wide {
		b.set(3, 9, v, style)
	} else {
		b.set(3, 4, v, style)
	}
}

// pair2 writes the right-hand "label | value" (E:F, G:I).
func (b *feedbackBook) pair2(labelText string, v any, style int) {
	b.set(5, 6, labelText, b.st.label)
	b.set(7, 9, v, style)
}

func (b *feedbackBook) section(text string) {
	b.row++
	b.set(1, 9, text, b.st.section)
	b.height(20)
}

// fbTextHeight estimates the height in points of text wrapped in a cell width
// character widths wide: a CJK character is about two widths at 10 points
// in SimSun, any other about one.
//
// It is not xlsx.TextWidth, the workbooks' one width model, on purpose:
// it counts every rune from U+2E80 up (emoji and half-width forms too) as
// 1.9 wide, and the letters' row heights were laid out with it. Counting
// with xlsx.TextWidth (two for a CJK character) changed the row heights of
// 29 of the demo's 148 letters, and this restructuring keeps every
// workbook byte for byte; moving the letters to the one model is a layout
// change of its own (and TestFeedbackRendersOnTwoPages to re-check).
func fbTextHeight(text string, width float64, lineHeight float64) float64 {
	lines := 0
	for _, para := range strings.Split(text, "\n") {
		w := 0.0
		for _, r := range para {
			if r >= 0x2E80 {
				w += 1.9
			} else {
				w++
			}
		}
		lines += max(1, int(math.Ceil(w/(width-1))))
	}
	return float64(lines)*lineHeight + 4
}

func fbDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// fbBilingual joins a Chinese and an English label, English beneath.
func fbBilingual(zh, en string) string { return zh + "\n" + en }

func fbCodeLabel(zh, en map[string]string, code string) string {
	return fbBilingual(label(zh, code), label(en, code))
}

// writeFeedbackBook writes the feedback workbook of one carrier to path,
// marked draft or final, and returns its SHA-256.
func writeFeedbackBook(t *feedbackTemplate, c *feedbackCarrier, run *feedbackRun, year int, final bool, path string) (string, error) {
	f, err := t.Open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	st := t.st
	b := &feedbackBook{st: st}

	// Title.
	b.row = 1
	markZH, markEN, status := "（草稿）", " (draft)", "草稿 Draft"
	if final {
		markZH, markEN, status = "（定稿）", " (final)", "定稿 Final"
	}
	titleZH := fmt.Sprintf("%d年度双创载体绩效评价反馈表%s", year, markZH)
	titleEN := fmt.Sprintf("Assessment feedback %d%s", year, markEN)
	b.set(1, 9, xlsx.Title(titleZH, titleEN), st.title)
	b.height(30)
	b.row++
	b.set(1, 9, fmt.Sprintf("考核期 Assessment window：%s — %s　　报送季度 Quarters reported：%d / 4",
		fbDate(c.WindowStart), fbDate(c.WindowEnd), c.Quarters), st.subtitle)
	b.height(18)

	// The carrier.
	b.section("一、载体基本情况 Carrier")
	b.row++
	b.pair(fbBilingual("载体名称", "Carrier"), c.Name, st.valueLarge, true)
	b.row++
	b.pair(fbBilingual("载体编号", "Carrier ID"), c.ID, st.value, false)
	b.pair2(fbBilingual("所在区县", "District"), c.District, st.value)
	b.row++
	b.pair(fbBilingual("运营主体", "Operator"), c.Operator, st.value, true)
	b.row++
	b.pair(fbBilingual("统一社会信用代码", "Credit code (USCC)"), c.USCC, st.value, false)
	b.pair2(fbBilingual("载体类型", "Kind"), fbCodeLabel(kindZH, kindEN, c.Kind), st.value)
	b.row++
	b.pair(fbBilingual("认定级别", "Level"), fbCodeLabel(levelZH, levelEN, c.Level), st.value, false)
	b.pair2(fbBilingual("载体类别", "Track"), fbCodeLabel(trackZH, trackEN, c.Track), st.value)

	// The result.
	group := label(kindZH, c.Kind) + "·" + label(trackZH, c.Track)
	b.section("二、评价结果 Result")
	b.row++
	b.pair(fbBilingual("综合得分", "Score"), c.Score, st.score, false)
	b.pair2(fbBilingual("评价等级", "Grade"), label(gradeZH, c.Grade)+" "+label(gradeEN, c.Grade), st.valueLarge)
	b.row++
	b.pair(fbBilingual("全市排名", "Rank in the city"), fbRank(c.RankOverall, c.CountOverall), st.value, false)
	b.pair2(fbBilingual("区县排名", "Rank in the district"), fbRank(c.RankDistrict, c.CountDistrict), st.value)
	b.row++
	b.pair(fbBilingual("同类排名", "Rank in the group"), fbRank(c.RankGroup, c.CountGrp)+"\n（"+group+"）", st.value, false)
	b.pair2(fbBilingual("较上年", "Against last year"), fbDelta(c.ScoreDelta, c.RankDelta), st.value)

	// Why.
	b.section("三、评价说明 Reasons")
	b.row++
	reasons := fbReasons(c, run)
	b.set(1, 9, reasons, st.value)

	// What follows.
	b.section("四、处理决定与资助 Decision and funding")
	b.row++
	b.pair(fbBilingual("处理决定", "Decision"), fbCodeLabel(actionZH, actionEN, c.Action), st.valueLarge, false)
	if c.EffectiveOn.Valid {
		b.pair2(fbBilingual("决定日期", "Decided on"), fbBilingual(fbDate(c.EffectiveOn.Time), c.EffectiveOn.Time.Format("2006-01-02")), st.value)
	} else {
		b.pair2(fbBilingual("决定日期", "Decided on"), "—", st.value)
	}
	if detail := fbDecision(c); detail != "" {
		b.row++
		labelText := fbBilingual("处理说明", "What it means")
		if c.Action == "rectify" && c.Deadline.Valid {
			labelText = fbBilingual("整改期限", "Deadline")
		}
		b.pair(labelText, detail, st.value, true)
	}
	b.row++
	b.pair(fbBilingual("资助类别", "Funding tier"), fbCodeLabel(tierZH, tierEN, c.Tier), st.value, false)
	b.pair2(fbBilingual("资助金额", "Subsidy"), c.AmountYuan, st.money)
	b.row++
	calc := fmt.Sprintf("资助上限 %s 元 × %s等级系数 %s", xlsx.Thousands(c.CapYuan), label(gradeZH, c.Grade), fbNumber(c.Factor))
	calcEN := fmt.Sprintf("Cap %s yuan × factor %s for grade %s", xlsx.Thousands(c.CapYuan), fbNumber(c.Factor), strings.ToLower(label(gradeEN, c.Grade)))
	if c.UnscaledYuan != c.AmountYuan {
		calc += fmt.Sprintf(" = %s 元，按年度预算等比例调整为 %s 元", xlsx.Thousands(c.UnscaledYuan), xlsx.Thousands(c.AmountYuan))
		calcEN += fmt.Sprintf(" = %s yuan, scaled to the annual budget: %s yuan", xlsx.Thousands(c.UnscaledYuan), xlsx.Thousands(c.AmountYuan))
	}
	if c.Action == "delist" || c.Action == "revoke" {
		calc += "；摘牌或撤销认定的载体不予资助"
		calcEN += "; delisted or revoked carriers receive nothing"
	}
	calc = fbBilingual(calc, calcEN)
	b.pair(fbBilingual("计算方法", "How it is set"), calc, st.value, true)
	if c.RecoveryYuan > 0 {
		b.row++
		b.pair(fbBilingual("追回资助", "To be recovered"), c.RecoveryYuan, st.money, false)
		b.pair2(fbBilingual("追回范围", "Covers"), fbBilingual(fmt.Sprintf("%d、%d年度资助", year-1, year), fmt.Sprintf("subsidies for %d and %d", year-1, year)), st.value)
	}

	// The indicators, on the second page: the first holds the result and
	// what follows from it. One page would print below 8 points.
	b.breakBefore = b.row + 1
	scheme := run.Schemes[c.Scheme]
	if run.Plain || scheme == nil {
		b.section("五、指标得分 Indicators")
	} else {
		b.section(fmt.Sprintf("五、指标得分 Indicators（评分方案 Scheme：%s %s）", scheme.zh, scheme.en))
	}
	b.row++
	for _, h := range []struct {
		from, to int
		text     string
	}{
		{1, 1, "序号\nNo."}, {2, 3, "指标\nIndicator"}, {4, 4, "本单位数值\nValue"}, {5, 5, "目标值\nTarget"},
		{6, 6, "权重\nWeight"}, {7, 7, "得分\nPoints"}, {8, 8, "同类中位数\nGroup median"}, {9, 9, "是否达标\nTarget met"},
	} {
		b.set(h.from, h.to, h.text, st.th)
	}
	met := 0
	var weights float64
	section := ""
	for i, ind := range c.Indicators {
		def := run.indicator(c.Scheme, ind.Code)
		if def.section != "" && def.section != section && !run.Plain {
			b.row++
			b.set(1, 9, def.section, st.label)
		}
		section = def.section
		b.row++
		nameZH, nameEN := def.zh, def.en
		if nameZH == "" {
			nameZH, nameEN = ind.Code, ind.Code
		}
		if def.unit != "" && def.unit != "ratio" {
			nameZH += "（" + def.unit + "）"
		}
		if def.unit == "万元" {
			nameEN += " (10,000 yuan)"
		}
		bound := 1
		if def.direction == rubric.BandLower || def.score == scoreBand {
			bound = 2
		}
		format := indicatorFormat(ind.Code, def.unit, def.expr)
		b.set(1, 1, i+1, st.tdCenter)
		b.set(2, 3, bonusName(nameZH, nameEN, def.bonus, "\n"), st.td)
		if ind.Value.Valid {
			b.set(4, 4, ind.Value.Float64, st.num[format][0])
		} else {
			b.set(4, 4, "—", st.tdCenter)
		}
		switch {
		case ind.Target.Valid:
			b.set(5, 5, ind.Target.Float64, st.num[format][bound])
		case def.score == scoreSteps:
			b.set(5, 5, "阶梯\nSteps", st.tdCenter)
		default:
			b.set(5, 5, "—", st.tdCenter)
		}
		b.set(6, 6, ind.Weight, st.weight)
		b.set(7, 7, ind.Points, st.points)
		b.set(8, 8, ind.Median, st.num[format][0])
		if ind.Met {
			met++
			b.set(9, 9, "达标\nMet", st.met)
		} else {
			b.set(9, 9, "未达标\nNot met", st.notMet)
		}
		if !def.bonus {
			weights += ind.Weight
		}
	}
	b.row++
	b.set(1, 5, "合计 Total", st.tdBold)
	b.set(6, 6, weights, st.weight)
	b.set(7, 7, c.Score, st.points)
	b.set(8, 8, nil, st.td)
	b.set(9, 9, fmt.Sprintf("%d / %d", met, len(c.Indicators)), st.tdCenter)
	b.height(20)
	b.row++
	note := fmt.Sprintf("同类：%d年度参评的全部%s载体，共 %d 家；中位数为其本项指标数值的中位数。目标值按认定级别（%s）确定；“≤”表示不高于该值为达标。"+
		"\nGroup: the %d graded carriers of %d of the same kind and track; the median is of their values of the indicator. Targets depend on the level of recognition; \"≤\" means at most.",
		year, group, c.CountGrp, label(levelZH, c.Level), c.CountGrp, year)
	if !run.Plain && scheme != nil {
		note = fbSchemeNote(scheme, year, group, c)
	}
	b.set(1, 9, note, st.note)

	// Provenance.
	b.row += 2
	cutoff := "—"
	if run.Cutoff.Valid {
		cutoff = run.Cutoff.Time.Format("2006-01-02 15:04")
	}
	prov := fmt.Sprintf("本表数值均取自%d年度评价结果（评价批次 %d，数据截至 %s）。如对评价结果有疑问，请与所在区县科技主管部门联系。"+
		"\nAll figures are taken from the %d assessment results (run %d, data cut-off %s). Questions about this result: please contact your district's science and technology bureau.",
		year, run.ID, cutoff, year, run.ID, cutoff)
	b.set(1, 9, prov, st.note)
	// '&' starts a footer code; a literal one is doubled.
	safeID := strings.ReplaceAll(c.ID, "&", "&&")
	if err := f.SetHeaderFooter(feedbackSheet, &excelize.HeaderFooterOptions{
		OddFooter: fmt.Sprintf("&L&9评价反馈表 Assessment feedback · %d · %s&R&9第 &P 页 / 共 &N 页 Page &P of &N", year, safeID),
	}); err != nil {
		return "", err
	}
	if err := b.write(f); err != nil {
		return "", err
	}
	stamp := run.stamp()
	if err := xlsx.Props(f, fmt.Sprintf("%s %s %s", titleZH, titleEN, c.ID), status, stamp); err != nil {
		return "", err
	}
	return t.Save(f, path, stamp)
}

func fbSpan(from, to int) float64 {
	var w float64
	for _, x := range feedbackWidths[from-1 : to] {
		w += x
	}
	return w
}

func fbRank(rank, of int) string {
	if rank == 0 {
		return "—"
	}
	return fbBilingual(fmt.Sprintf("第 %d 名 / 共 %d 家", rank, of), fmt.Sprintf("No. %d of %d", rank, of))
}

func fbDelta(score sql.NullFloat64, rank sql.NullInt64) string {
	if !score.Valid {
		return fbBilingual("上年未参评", "Not graded last year")
	}
	zh := fmt.Sprintf("得分 %+.2f", score.Float64)
	en := fmt.Sprintf("Score %+.2f", score.Float64)
	if rank.Valid {
		switch r := rank.Int64; {
		case r > 0:
			zh += fmt.Sprintf("，名次上升 %d 位", r)
			en += fmt.Sprintf(", up %d places", r)
		case r < 0:
			zh += fmt.Sprintf("，名次下降 %d 位", -r)
			en += fmt.Sprintf(", down %d places", -r)
		default:
			zh += "，名次不变"
			en += ", same rank"
		}
	}
	return fbBilingual(zh, en)
}

// fbReasons explains the grade: the recorded reasons; or, when there are
// none, the score against the run's pass mark (below_pass) or against the
// threshold of the grade it reached.
func fbReasons(c *feedbackCarrier, run *feedbackRun) string {
	var zh, en []string
	for _, code := range c.Reasons {
		zh = append(zh, reasonLabel(code))
		en = append(en, reasonLabelEN(code))
	}
	grade := label(gradeZH, c.Grade)
	gradeE := strings.ToLower(label(gradeEN, c.Grade))
	if len(c.Reasons) > 0 {
		return fbBilingual(
			fmt.Sprintf("评价等级为%s，原因：%s。", grade, strings.Join(zh, "；")),
			fmt.Sprintf("Graded %s because: %s.", gradeE, strings.Join(en, "; ")))
	}
	// The thresholds of the carrier's scheme, or the run's.
	excellent, good, pass := run.Excellent, run.Good, run.Pass
	if s := run.Schemes[c.Scheme]; s != nil && s.pass.Valid {
		excellent, good, pass = s.excellent, s.good, s.pass
	}
	if c.BelowPass.Bool {
		if !pass.Valid {
			return fbBilingual(
				fmt.Sprintf("综合得分 %.2f 分，低于合格线，评价等级为不合格。", c.Score),
				fmt.Sprintf("The score of %.2f is below the pass mark: graded fail.", c.Score))
		}
		return fbBilingual(
			fmt.Sprintf("综合得分 %.2f 分，低于合格线 %s 分，评价等级为不合格。", c.Score, fbNumber(pass.Float64)),
			fmt.Sprintf("The score of %.2f is below the pass mark of %s: graded fail.", c.Score, fbNumber(pass.Float64)))
	}
	var mark sql.NullFloat64
	switch c.Grade {
	case "excellent":
		mark = excellent
	case "good":
		mark = good
	case "pass":
		mark = pass
	}
	if !mark.Valid {
		return fbBilingual(
			fmt.Sprintf("综合得分 %.2f 分，评价等级为%s。", c.Score, grade),
			fmt.Sprintf("The score of %.2f: graded %s.", c.Score, gradeE))
	}
	return fbBilingual(
		fmt.Sprintf("综合得分 %.2f 分，达到%s线 %s 分，评价等级为%s。", c.Score, grade, fbNumber(mark.Float64), grade),
		fmt.Sprintf("The score of %.2f reaches the %s mark of %s: graded %s.", c.Score, gradeE, fbNumber(mark.Float64), gradeE))
}

// fbSchemeNote is the note beneath the indicators of a letter whose
// carrier was scored by a scheme of its own: the group, how to read the
// targets, the scheme's grade thresholds and bonus cap.
func fbSchemeNote(s *rubricScheme, year int, group string, c *feedbackCarrier) string {
	zh := fmt.Sprintf("同类：%d年度按评分方案“%s”参评的全部%s载体，共 %d 家；中位数为其本项指标数值的中位数。"+
		"目标值为得满分所需的数值：线性计分按认定级别（%s）确定，“≤”表示不高于该值为达标，阶梯和按量计分为得满分的门槛；相对最优计分无目标值（—）。",
		year, s.zh, group, c.CountGrp, label(levelZH, c.Level))
	en := fmt.Sprintf("Group: the %d graded carriers of %d of the same kind and track scored by the scheme %s; the median is of their values of the indicator. "+
		"The target is the value that earns full points (by level for linear scoring; \"≤\" means at most); relative scoring has none (—).",
		c.CountGrp, year, s.en)
	if gz, ge := s.grades(); gz != "" {
		zh += "本方案等级线：" + gz + "。"
		en += " Grades: " + ge + "."
	}
	if s.bonusCap > 0 {
		zh += fmt.Sprintf("标有［加分项］的指标另计，合计最高 %s 分，不计入权重合计。", fbNumber(s.bonusCap))
		en += fmt.Sprintf(" Bonus items add at most %s points and are not in the total weight.", fbNumber(s.bonusCap))
	}
	return fbBilingual(zh, en)
}

// fbDecision says what the decision means for the carrier and its operator.
func fbDecision(c *feedbackCarrier) string {
	date := func(t sql.NullTime) (string, string) {
		if !t.Valid {
			return "—", "—"
		}
		return fbDate(t.Time), t.Time.Format("2006-01-02")
	}
	switch c.Action {
	case "rectify":
		zh, en := date(c.Deadline)
		return fbBilingual(
			fmt.Sprintf("予以通报，请于%s前完成整改。连续两年评价不合格的将予以摘牌。", zh),
			fmt.Sprintf("Rectify by %s. A carrier failing two years in a row is delisted.", en))
	case "delist":
		zh, en := date(c.BannedTill)
		prev := "上一"
		prevEN := "the previous"
		if c.PreviousGradedYear.Valid {
			prev = fmt.Sprintf("%d", c.PreviousGradedYear.Int64)
			prevEN = prev
		}
		return fbBilingual(
			fmt.Sprintf("%s年度、本年度连续两年评价不合格，予以摘牌，取消市级各类创业创新载体资格；运营主体在%s前不得申报市级各类创业创新载体。", prev, zh),
			fmt.Sprintf("Failed in %s and this year: delisted, and every municipal designation is revoked; the operator may not apply for any municipal carrier designation until %s.", prevEN, en))
	case "revoke":
		zh, en := date(c.BannedTill)
		return fbBilingual(
			fmt.Sprintf("提供虚假材料，撤销认定；运营主体在%s前不得申报市级各类创业创新载体，已拨付的资助予以追回。", zh),
			fmt.Sprintf("False data: the designation is revoked; the operator may not apply for any municipal carrier designation until %s, and subsidies paid are recovered.", en))
	}
	return ""
}

// fbNumber prints a factor or threshold without trailing zeros.
func fbNumber(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", x), "0"), ".")
}

// feedbackTemplate is a blank feedback workbook (xlsx.Template): the
// sheet, its styles, column widths and page setup — A4 portrait, fitted
// to the page's width (at full size), two pages: the result, the decision
// and the funding on the first, the indicators on the second.
type feedbackTemplate struct {
	*xlsx.Template
	st *feedbackStyles
}

func newFeedbackTemplate() (*feedbackTemplate, error) {
	f := xlsx.New()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", feedbackSheet); err != nil {
		return nil, err
	}
	st, err := newFeedbackStyles(f)
	if err != nil {
		return nil, err
	}
	for i, w := range feedbackWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(feedbackSheet, col, col, w); err != nil {
			return nil, err
		}
	}
	page := xlsx.Page{Paper: xlsx.A4, Portrait: true,
		Margins: &xlsx.Margins{Left: 0.4, Right: 0.4, Top: 0.5, Bottom: 0.6, Header: 0.3, Footer: 0.3, Centred: true}}
	if err := page.Apply(f, feedbackSheet); err != nil {
		return nil, err
	}
	t, err := xlsx.NewTemplate(f)
	if err != nil {
		return nil, err
	}
	return &feedbackTemplate{Template: t, st: st}, nil
}
