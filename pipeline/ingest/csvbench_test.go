package ingest

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkCSVRows reads 468,000 quarterly rows (the national history's
// size) through csvTable.Rows alone: without a quote, and with a quoted
// 备注 on every row, one in ten of them spanning two lines, so that the
// check of quoted cells (checkQuotes) is measured where it runs.
func BenchmarkCSVRows(b *testing.B) {
	const n = 468000
	build := func(note func(i int) string) []byte {
		var s strings.Builder
		s.WriteString("载体编号,年度,季度,报送日期,在孵企业(团队)数,已备案在孵企业数,新入孵企业数,毕业企业数,退出企业数,培训辅导次数,培训人次,创业活动次数,在孵企业从业人数,在孵企业营收(万元),知识产权授权数,获得投融资金额(万元),获投融资企业数,场地使用率,备注\n")
		for i := range n {
			fmt.Fprintf(&s, "LZ-%06d,2025,%d,2025-10-10,20,18,3,1,1,4,90,3,110,600.5,2,100,2,0.85,%s\n", i%13000, i%4+1, note(i))
		}
		return []byte(s.String())
	}
	for _, c := range []struct {
		name string
		text []byte
	}{
		{"no quotes", build(func(int) string { return "" })},
		{"quoted notes", build(func(i int) string {
			if i%10 == 0 {
				return "\"第一行\n第二行\""
			}
			return "\"按时\""
		})},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			for b.Loop() {
				t := &csvTable{text: c.text, comma: ','}
				rows := 0
				if err := t.Rows("", func(int, []string) error { rows++; return nil }); err != nil || rows != n+1 {
					b.Fatal(rows, err)
				}
			}
		})
	}
}
