package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/ingest"
)

// TestRuleUnclosedQuote: a quoted cell that takes in line breaks must be
// well formed (RFC 4180: inner quotes doubled, closed before the separator
// or the line's end) and hold no line that looks like a row; otherwise the
// rows it swallowed would vanish into one cell, so the file is rejected
// whole (unclosed_quote), naming the line where the quote opened and how
// many lines it took in. A well-formed cell spanning lines (Excel's
// Alt+Enter) and quotes that take in no line are read as before.
func TestRuleUnclosedQuote(t *testing.T) {
	head := strings.TrimSuffix(quarterlyHeader, "\n")
	// row is a valid quarterly row of carrier LZ-ZC-0001 for a quarter of
	// 2024 (distinct keys), without its line end.
	row := func(quarter int, over map[int]string) string {
		o := map[int]string{1: "2024", 2: fmt.Sprint(quarter), 3: "2025-01-10"}
		for k, v := range over {
			o[k] = v
		}
		return strings.TrimSuffix(qrow(o), "\n")
	}
	lines := func(ls ...string) string { return strings.Join(ls, "\n") + "\n" }
	tests := []struct {
		name, content string
		rows          int      // rows read and accepted, when loaded
		says          []string // in the rejection's messages, when rejected
	}{
		// The tester's file: rows 4 and 5 vanished into row 3's 备注.
		{"stray quote in an ignored cell swallows the next rows",
			lines(head+",备注", row(1, nil)+",", row(2, nil)+`,"含孵化器`, row(3, nil)+",", row(4, nil)+`,"二期"`),
			0, []string{"文件第 3 行 S 列（以「含孵化器」开头）的引号没有正确闭合，后面 2 行被并入了这一格", "the quote opened on line 3, column S", "so the next 2 line(s) were read into that cell"}},
		// Rows 4 and 5 survived only inside row 3's rejected value.
		{"unclosed quote in a number runs to the end of the file",
			lines(head, row(1, nil), row(2, map[int]string{4: `"20`}), row(3, nil), row(4, nil)),
			0, []string{"文件第 3 行 E 列（以「20,18,3,1,1,4,90,3,1…」开头）的引号直到文件末尾都没有闭合，后面 2 行都被并入了这一格", "never closed before the end of the file, so the next 2 line(s)"}},
		{"CRLF lines", strings.ReplaceAll(lines(head+",备注", row(1, nil)+",", row(2, nil)+`,"含孵化器`, row(3, nil)+",", row(4, nil)+`,"二期"`), "\n", "\r\n"),
			0, []string{"文件第 3 行 S 列", "后面 2 行被并入"}},
		{"lone CR lines count as lines", strings.ReplaceAll(lines(head+",备注", row(1, nil)+",", row(2, nil)+`,"含孵化器`, row(3, nil)+",", row(4, nil)+`,"二期"`), "\n", "\r"),
			0, []string{"文件第 3 行 S 列", "后面 2 行被并入"}},
		{"blank lines and a good multi-line cell before it count as lines",
			lines(head+",备注", row(1, nil)+`,"第一行`, `第二行"`, "", row(2, nil)+",", row(3, nil)+`,"含"孵化器`, row(4, nil)+`,"x"`),
			0, []string{"文件第 6 行 S 列（以「含\"孵化器」开头）", "后面 1 行被并入"}},
		{"stray quote before the line break", lines(head+",备注", row(1, nil)+`,"含"孵化器`, `二期",`),
			0, []string{"文件第 2 行 S 列", "后面 1 行被并入"}},
		{"tab-separated", strings.ReplaceAll(lines(head+",备注", row(1, nil)+`,"含孵化器`, row(2, nil)+`,"二期"`), ",", "\t"),
			0, []string{"文件第 2 行 S 列", "后面 1 行被并入"}},
		{"unclosed quote on the last line, with its line end", lines(head+",备注", row(1, nil)+",", row(2, nil)+`,"二期`),
			0, []string{"文件第 3 行 S 列（以「二期」开头）的引号直到文件末尾都没有闭合，引号后这一行的内容（包括分隔符）都会被读成一格"}},
		{"unclosed quote on the last line, no line end", head + "\n" + row(1, nil) + "\n" + row(2, map[int]string{16: `"2`}),
			0, []string{"文件第 3 行 Q 列", "everything after it on that line, separators included"}},
		{"a quoted header cell left open", lines(head+`,"备注`, row(1, nil)+",", row(2, nil)+","),
			0, []string{"文件第 1 行 S 列", "后面 2 行都被并入"}},

		// Two stray quotes pair up into a well-formed cell: a line inside
		// it looks like a row (it has the separators a row needs to reach
		// its last required cell), so it is not taken in silently.
		{"a quote left open and a lone quote at the end of a later row",
			lines(head+",备注", row(1, nil)+",", row(2, nil)+`,"含孵化器`, row(3, nil)+`,"`, row(4, nil)+","),
			0, []string{"文件第 3 行 S 列（以「含孵化器」开头）的引号到第 4 行才闭合，而第 4 行有 18 个分隔符，像是完整的一行数据被并入了这一格",
				"closes only on line 4, and line 4 inside that cell holds 18 separators"}},
		{"the same without the rows' trailing separator", lines(head+",备注", row(1, nil), row(2, nil)+`,"含孵化器`, row(3, nil), row(4, nil)+`,"`),
			0, []string{"到第 5 行才闭合，而第 4 行有 17 个分隔符"}},
		{"registry: rows without their optional columns",
			registryHeader + "LZ-ZC-0001,兰州青创众创空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31,,,,,,,\"否\n" +
				"LZ-ZC-0002,兰州青创众创空间二期,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31\n" +
				"LZ-ZC-0003,兰州青创众创空间三期,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31,\"\n",
			0, []string{"文件第 2 行 P 列（以「否」开头）的引号到第 4 行才闭合，而第 3 行有 8 个分隔符"}},
		{"deferrals: a reason left open swallows a row", "载体编号,年度,原因\nLZ-ZC-0001,2024,\"场地改造\nLZ-FH-0001,2024,\"\n",
			0, []string{"文件第 2 行 C 列（以「场地改造」开头）的引号到第 3 行才闭合，而第 3 行有 2 个分隔符"}},

		// Well formed: read as before.
		{"a cell spanning lines with a few separators", lines(head+",备注", row(1, nil)+`,"第一行`, `含,逗号,的第二行"`, row(2, nil)+","),
			2, nil},
		{"a cell spanning lines (Alt+Enter) with doubled quotes", lines(head+",备注", row(1, nil)+`,"第一行`, `含""孵化器""`, `"`, row(2, nil)+`,"a,b"`, row(3, nil)+`,""""`),
			3, nil},
		{"a cell spanning lines in the middle of a row", lines(strings.Replace(head, ",", ",备注,", 1),
			strings.Replace(row(1, nil), ",", ",\"a\n\nb\",", 1), strings.Replace(row(2, nil), ",", ",,", 1)),
			2, nil},
		{"a quote left open on the last line after quotes inside an unquoted cell", lines(head+",备注", row(1, nil)+`,兰州"青创"空间`, row(2, nil)+`,"`),
			0, []string{"文件第 3 行 S 列的引号直到文件末尾都没有闭合"}},
		{"quotes inside an unquoted cell, no quote left open", lines(head+",备注", row(1, nil)+`,兰州"青创"空间`, row(2, nil)+`,5"`),
			2, nil},
		{"a stray quote in a quoted cell on one line takes in nothing", lines(head+",备注", row(1, nil)+`,"兰州"青创"空间"`, row(2, nil)+",x"),
			2, nil},
		{"a CR inside a quoted cell (a line break in the cell)", head + ",备注\n" + row(1, nil) + ",\"a\rb\"\n" + row(2, nil) + "\n",
			2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustOpen(t)
			loadRegistry(t, st)
			dir := t.TempDir()
			bad := writeFile(t, dir, "q.csv", tt.content)
			before, _ := st.TableCounts(context.Background())
			res, err := ingest.Ingest(context.Background(), st, []string{bad}, ingest.Options{Today: today})
			if err != nil {
				t.Fatal(err)
			}
			f := res.Files[0]
			if tt.says == nil {
				checkAccounting(t, st, res)
				if f.Status != ingest.StatusLoaded || f.RowsRead != tt.rows {
					t.Fatalf("want %d rows loaded, got %+v %v", tt.rows, f, f.Err)
				}
				return
			}
			if f.Status != ingest.StatusRejected || f.Err.Rule != "unclosed_quote" {
				t.Fatalf("want the file rejected whole (unclosed_quote), got %+v %v", f, f.Err)
			}
			for _, s := range tt.says {
				if !strings.Contains(f.Err.ZH+"\n"+f.Err.EN, s) {
					t.Errorf("the messages do not say %q:\n%s\n%s", s, f.Err.ZH, f.Err.EN)
				}
			}
			checkRejectedWhole(t, st, before, res)
		})
	}
}

// TestUnclosedQuoteInAStreamedFile: a file too large to be held is loaded
// while it is read; a quote left open near its end rejects it whole all
// the same, and nothing of the rows appended before is kept.
func TestUnclosedQuoteInAStreamedFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 9 MB file")
	}
	st := mustOpen(t)
	loadRegistry(t, st)
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(quarterlyHeader, "\n") + ",备注\n")
	for i := 0; b.Len() < 9<<20; i++ {
		// Distinct carrier ids: unknown ones are rejected rows, which
		// is all this needs (rows appended before the fault).
		fmt.Fprintf(&b, "LZ-%07d,2024,1,2025-01-10,20,18,3,1,1,4,90,3,110,600,2,100,2,85%%,\n", i)
	}
	b.WriteString(strings.TrimSuffix(qrow(nil), "\n") + ",\"含孵化器\n" + qrow(map[int]string{2: "2"}))
	path := writeFile(t, t.TempDir(), "big.csv", b.String())
	before, _ := st.TableCounts(context.Background())
	res, err := ingest.Ingest(context.Background(), st, []string{path}, ingest.Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Files[0]; f.Status != ingest.StatusRejected || f.Err.Rule != "unclosed_quote" || !strings.Contains(f.Err.EN, "the next 1 line(s)") {
		t.Fatalf("want the file rejected whole (unclosed_quote), got %+v %v", f, f.Err)
	}
	checkRejectedWhole(t, st, before, res)
}
