package xlsx

import (
	"testing"

	"github.com/xuri/excelize/v2"
)

// A row past Excel's last (1,048,576) is refused, as excelize's
// StreamWriter refuses it: written, it made a sheet Excel does not open
// whole, a list's rows quietly lost past the limit.
func TestRowsPastTheLastRow(t *testing.T) {
	w := NewRows("Sheet1")
	defer w.Discard()
	if err := w.SetRow(excelize.TotalRows, []any{"last"}, nil, 0); err != nil {
		t.Fatalf("the last row: %v", err)
	}
	if err := w.SetRow(excelize.TotalRows+1, []any{"past"}, nil, 0); err == nil {
		t.Fatal("a row past the last was taken")
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1048577", []any{"past"}); err == nil {
		t.Fatal("StreamWriter took a row past the last")
	}
}
