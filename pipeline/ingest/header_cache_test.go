package ingest

import (
	"reflect"
	"testing"
)

// TestHeaderOfIsDetectHeader: a remembered row, a title and a row that
// names one column give what detectHeader gives, asked once or again.
func TestHeaderOfIsDetectHeader(t *testing.T) {
	var zh, en []string
	for _, c := range Specs[Quarterly].Columns {
		zh, en = append(zh, c.ZH), append(en, c.Name)
	}
	rows := [][]string{
		zh, en, append([]string{"", " "}, zh...),
		{"2025年第三季度季度报表（某孵化器）"},
		{"载体编号"},
		{"载体编号", "", "  "},
		{"载体编号", "运营主体统一社会信用代码"},
		{"carrier_id", "year", "quarter", "carrier_id"},
		{},
		nil,
	}
	for _, only := range append([]Kind{""}, Kinds...) {
		for _, row := range rows {
			want, _ := detectHeader([][]string{row}, only)
			for range 2 {
				got := headerOf(row, only)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%q as %q: headerOf %+v; detectHeader %+v", row, only, got, want)
				}
				if got != nil {
					got.Fields, got.Sep = 99, ";" // as readFile does for a CSV file
				}
			}
		}
	}
}
