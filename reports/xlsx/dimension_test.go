package xlsx

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// bufSink collects a part as written, for tests of what stands before it.
type bufSink struct {
	bytes.Buffer
	closed bool
}

func (b *bufSink) close() error                 { b.closed = true; return nil }
func (b *bufSink) result() (*packedPart, error) { return &packedPart{}, nil }

// The used range is found whatever pieces a sheet arrives in, an element
// cut anywhere; a range set before streaming passes through untouched.
func TestDimensionFixerFindsTheUsedRange(t *testing.T) {
	var rows strings.Builder
	for r := 2; r <= 30; r++ {
		fmt.Fprintf(&rows, `<row r="%d" ht="15"><c r="B%d" t="inlineStr"><is><t>x &lt;c r="ZZ9"</t></is></c><c r="AB%d"><v>%d</v></c></row>`, r, r, r, r)
	}
	sheet := func(dim string) string {
		return `<?xml version="1.0"?><worksheet><sheetPr/><dimension ref="` + dim + `"/><sheetViews/><sheetData>` + rows.String() + `</sheetData></worksheet>`
	}
	for _, tt := range []struct {
		name, in, want string
	}{
		{"measured", sheet("A1"), sheet("B2:AB30")},
		{"set before streaming", sheet("A1:AB30"), sheet("A1:AB30")},
		{"empty", `<worksheet><dimension ref="A1"/><sheetData/></worksheet>`, `<worksheet><dimension ref="A1"/><sheetData/></worksheet>`},
	} {
		for _, piece := range []int{1, 2, 3, 7, 64, 1 << 20} {
			t.Run(fmt.Sprintf("%s/%d", tt.name, piece), func(t *testing.T) {
				sink := &bufSink{}
				d := &dimensionFixer{inner: sink}
				for in := []byte(tt.in); len(in) > 0; {
					k := min(piece, len(in))
					if _, err := d.Write(in[:k]); err != nil {
						t.Fatal(err)
					}
					in = in[k:]
				}
				if err := d.close(); err != nil {
					t.Fatal(err)
				}
				if got := sink.String(); got != tt.want || !sink.closed {
					t.Fatalf("got %s\nwant %s", got, tt.want)
				}
			})
		}
	}
}
