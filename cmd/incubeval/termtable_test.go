package main

import (
	"strings"
	"testing"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

func sampleTable(width int) *termTable {
	tw := newTermTable(width)
	tw.AppendHeader(table.Row{"编号 run", "任务 job", "说明 error / note", "文件 files"})
	tw.AppendRow(table.Row{1, "yearly-assessment", strings.Repeat("数据库正被其他进程使用，请稍后重试 ", 4), "assessment-2025.xlsx\nfeedback-2025/"})
	tw.AppendRow(table.Row{2, "quarterly-sweep", "ok", ""})
	tw.AppendFooter(table.Row{"合计 total", "", "", "2"})
	return tw
}

func maxLineWidth(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, text.StringWidthWithoutEscSequences(l))
	}
	return w
}

// A table on a terminal fits its width: wide columns wrap (a cell's own
// lines kept), and when even narrow columns cannot fit, every line is cut
// at the width with "…". Without a width (piped output) it prints whole.
func TestTablesFitTheTerminalWidth(t *testing.T) {
	whole := sampleTable(0).Render()
	plain := table.NewWriter()
	plain.SetStyle(table.StyleLight)
	plain.Style().Format.Header = text.FormatDefault
	plain.Style().Format.Footer = text.FormatDefault
	plain.AppendHeader(table.Row{"编号 run", "任务 job", "说明 error / note", "文件 files"})
	plain.AppendRow(table.Row{1, "yearly-assessment", strings.Repeat("数据库正被其他进程使用，请稍后重试 ", 4), "assessment-2025.xlsx\nfeedback-2025/"})
	plain.AppendRow(table.Row{2, "quarterly-sweep", "ok", ""})
	plain.AppendFooter(table.Row{"合计 total", "", "", "2"})
	if whole != plain.Render() {
		t.Fatalf("without a width the table changed:\n%s\nwant\n%s", whole, plain.Render())
	}
	if maxLineWidth(whole) <= 100 {
		t.Fatalf("the sample is too narrow to test: %d", maxLineWidth(whole))
	}
	for _, width := range []int{100, 81, 80, 61, 60, 47, 45} {
		got := sampleTable(width).Render()
		if w := maxLineWidth(got); w > width {
			t.Errorf("width %d: a line of %d cells:\n%s", width, w, got)
		}
		if strings.Contains(got, "…") {
			t.Errorf("width %d: cut where wrapping fits:\n%s", width, got)
		}
		if strings.Count(got, "数据库正") != 4 || !strings.Contains(got, "ok") {
			t.Errorf("width %d: text lost:\n%s", width, got)
		}
	}
	// Four columns of at least 6 cells need 37: narrower, lines are cut.
	got := sampleTable(30).Render()
	if w := maxLineWidth(got); w > 30 || !strings.Contains(got, "…") {
		t.Errorf("width 30: widest line %d, want ≤ 30 and cut with …:\n%s", w, got)
	}
}

// A line breaks at spaces where it can, inside a word where it must, and
// never past the width — also with Chinese (two cells a character) at an
// odd width.
func TestWrapLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"兰州城关区源创众创空间", 7, "兰州城\n关区源\n创众创\n空间"},
		{"兰州城关区源创众创空间", 8, "兰州城关\n区源创众\n创空间"},
		{"argv=demo --out demo, pid=720", 12, "argv=demo\n--out demo,\npid=720"},
		{"yearly-assessment", 8, "yearly-a\nssessmen\nt"},
		{"short", 8, "short"},
		{"a  b", 1, "a  b"},
	} {
		got := wrapLine(c.in, c.n)
		if got != c.want {
			t.Errorf("wrapLine(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
		if c.n >= 2 {
			for _, l := range strings.Split(got, "\n") {
				if w := text.StringWidthWithoutEscSequences(l); w > c.n {
					t.Errorf("wrapLine(%q, %d): line %q is %d cells", c.in, c.n, l, w)
				}
			}
		}
	}
}
