package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// termTable is a go-pretty table in the style of every table incubeval
// prints (light box lines, headers as written), that fits the terminal it
// is printed on: given a width, its widest columns are wrapped until the
// table fits, and when even narrow columns cannot fit, each line is cut at
// the width with a marker (…). With width 0 (output piped or redirected,
// or a terminal of unknown width) it renders as it always did.
type termTable struct {
	table.Writer
	width   int
	natural []int       // each column's longest line, in display cells
	limit   map[int]int // a column's own wrap width (0: none), before fitting
}

// newTermTable returns a table that fits width display cells (0: any).
func newTermTable(width int) *termTable {
	tw := table.NewWriter()
	tw.SetStyle(table.StyleLight)
	tw.Style().Format.Header = text.FormatDefault
	tw.Style().Format.Footer = text.FormatDefault
	return &termTable{Writer: tw, width: width, limit: map[int]int{}}
}

// wrapColumn wraps column col (from 0) at n display cells whatever the
// terminal (the description of a view).
func (t *termTable) wrapColumn(col, n int) { t.limit[col] = n }

func (t *termTable) measure(row table.Row) {
	for i, v := range row {
		for len(t.natural) <= i {
			t.natural = append(t.natural, 0)
		}
		if w := text.LongestLineLen(fmt.Sprint(v)); w > t.natural[i] {
			t.natural[i] = w
		}
	}
}

func (t *termTable) AppendHeader(row table.Row, c ...table.RowConfig) {
	t.measure(row)
	t.Writer.AppendHeader(row, c...)
}

func (t *termTable) AppendRow(row table.Row, c ...table.RowConfig) {
	t.measure(row)
	t.Writer.AppendRow(row, c...)
}

func (t *termTable) AppendFooter(row table.Row, c ...table.RowConfig) {
	t.measure(row)
	t.Writer.AppendFooter(row, c...)
}

func (t *termTable) Render() string {
	t.fit()
	return t.Writer.Render()
}

// minColumn is the narrowest a column is wrapped to while fitting: three
// Chinese characters, a short word. Below it, lines are cut instead: a
// column of two characters a line is no longer read.
const minColumn = 6

// fit sets each column's wrap width so that the rendered lines are at
// most t.width cells: the widest columns are narrowed first, all to the
// same width (the largest that fits), never below minColumn or the
// column's own width; if that is not enough, every line is cut at the
// width and ends in "…".
func (t *termTable) fit() {
	want := make([]int, len(t.natural))
	for i, w := range t.natural {
		want[i] = w
		if l := t.limit[i]; l > 0 && l < w {
			want[i] = l
		}
	}
	wrapAt := map[int]int{}
	for i, l := range t.limit {
		if l > 0 && i < len(t.natural) && l < t.natural[i] {
			wrapAt[i] = l
		}
	}
	// Light style: a border each side, one space of padding each side of
	// a cell, one line between cells.
	chrome := 3*len(want) + 1
	if t.width > 0 && sum(want)+chrome > t.width {
		avail := t.width - chrome
		floor := make([]int, len(want))
		for i, w := range want {
			floor[i] = min(w, minColumn)
		}
		capped := func(c int) int {
			n := 0
			for i, w := range want {
				n += max(floor[i], min(w, c))
			}
			return n
		}
		if sum(floor) > avail {
			for i, w := range want {
				if floor[i] < w {
					wrapAt[i] = floor[i]
				}
			}
			t.Style().Size.WidthMax = t.width
			t.Style().Box.UnfinishedRow = "…"
		} else {
			// The largest common width c the wide columns can keep.
			lo, hi := 0, maxOf(want)
			for lo < hi {
				c := (lo + hi + 1) / 2
				if capped(c) <= avail {
					lo = c
				} else {
					hi = c - 1
				}
			}
			for i, w := range want {
				if c := max(floor[i], lo); c < w {
					wrapAt[i] = c
				}
			}
		}
	}
	var cc []table.ColumnConfig
	for i := range want {
		if n, ok := wrapAt[i]; ok {
			cc = append(cc, table.ColumnConfig{Number: i + 1, WidthMax: n, WidthMaxEnforcer: wrapLines})
		}
	}
	if len(cc) > 0 {
		t.SetColumnConfigs(cc)
	}
}

// wrapLines wraps each line of s at n display cells, at spaces where it
// can. (go-pretty's WrapSoft would join the lines of a cell, and lets a
// line of Chinese, two cells a character, run one cell past an odd n.)
func wrapLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = wrapLine(l, n)
	}
	return strings.Join(lines, "\n")
}

// wrapLine breaks one line into lines of at most n display cells: between
// words where it can, inside a word longer than a line where it must.
func wrapLine(s string, n int) string {
	if n < 2 || text.StringWidthWithoutEscSequences(s) <= n {
		return s
	}
	var out []string
	var cur strings.Builder
	width := 0
	flush := func() {
		out = append(out, strings.TrimRight(cur.String(), " "))
		cur.Reset()
		width = 0
	}
	for _, word := range strings.SplitAfter(s, " ") {
		if w := text.StringWidthWithoutEscSequences(strings.TrimRight(word, " ")); width > 0 && width+w > n {
			flush()
		}
		for _, r := range word {
			rw := text.RuneWidth(r)
			switch {
			case r == ' ' && width == 0:
				continue // no line starts with the space it broke at
			case r != ' ' && width+rw > n:
				flush()
			}
			cur.WriteRune(r)
			width += rw
		}
	}
	if cur.Len() > 0 {
		flush()
	}
	return strings.Join(out, "\n")
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// widthOf is terminalWidth of w, when w is a file.
func widthOf(w io.Writer) int {
	f, _ := w.(*os.File)
	return terminalWidth(f)
}

// terminalWidth is the width in display cells of the terminal f is, or 0
// when f is not a terminal (output piped or redirected: tables print
// whole) or its width is unknown. $COLUMNS, when set, wins over what the
// terminal says (ioctl TIOCGWINSZ).
func terminalWidth(f *os.File) int {
	if f == nil || !isTerminal(f) {
		return 0
	}
	if c, err := strconv.Atoi(strings.TrimSpace(os.Getenv("COLUMNS"))); err == nil && c > 0 {
		return c
	}
	return windowWidth(f)
}
