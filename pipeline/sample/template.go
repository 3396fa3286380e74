package sample

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// quarterTemplate writes one-row quarterly workbooks fast. excelize renders
// the workbook once with placeholder values; every file then reuses the
// compressed parts that never change and fills in the two that do (the
// sheet and the shared strings). Rendering each file with excelize costs
// about 2 ms of CPU, which is most of the 13,000-file benchmark.
type quarterTemplate struct {
	entries []templateEntry
}

type templateEntry struct {
	header zip.FileHeader
	raw    []byte   // compressed content of an unchanging part
	parts  []string // literal text of a filled part, around its slots
	slots  []int    // what goes between parts[i] and parts[i+1]: a column, or slotTitle
	filled bool     // parts/slots are used instead of raw
}

// slotTitle marks the title's place; column slots are 0…len(header)-1.
const slotTitle = -1

// Placeholders written into the template: numbers no real value takes, and
// two tokens for the strings.
const (
	placeholderBase  = 987600 // column j holds placeholderBase + j
	placeholderTitle = "@@TITLE@@"
	placeholderID    = "@@ID@@"
)

func newQuarterTemplate() (*quarterTemplate, error) {
	s := &sheet{name: "季度报表", dateFormat: "yyyy-mm-dd", widths: quarterlyWidths}
	s.add(placeholderTitle)
	s.add(toAny(quarterlyHeaderZh)...)
	row := make([]any, len(quarterlyHeaderZh))
	for j := range row {
		row[j] = placeholderBase + j
	}
	row[colCarrier] = placeholderID
	row[colSubmitted] = excelDate(placeholderBase + colSubmitted)
	s.add(row...)
	data, err := (&book{title: "季度报表", sheets: []*sheet{s}}).render()
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	t := &quarterTemplate{}
	seen := map[int]int{}
	for _, f := range zr.File {
		e := templateEntry{header: f.FileHeader}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", f.Name, err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", f.Name, err)
		}
		if e.parts, e.slots = splitSlots(string(content)); len(e.slots) > 0 {
			e.filled = true
			for _, sl := range e.slots {
				seen[sl]++
			}
		} else {
			rr, err := f.OpenRaw()
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", f.Name, err)
			}
			if e.raw, err = io.ReadAll(rr); err != nil {
				return nil, fmt.Errorf("template %s: %w", f.Name, err)
			}
		}
		t.entries = append(t.entries, e)
	}
	// Every placeholder must appear exactly once, or excelize changed how it
	// writes cells and the template would silently drop a value.
	for sl := slotTitle; sl < len(quarterlyHeaderZh); sl++ {
		if seen[sl] != 1 {
			return nil, fmt.Errorf("template: placeholder %d found %d times", sl, seen[sl])
		}
	}
	return t, nil
}

// splitSlots cuts text at its placeholders.
func splitSlots(text string) (parts []string, slots []int) {
	type hit struct{ at, n, slot int }
	var hits []hit
	find := func(token string, slot int) {
		for from := 0; ; {
			i := strings.Index(text[from:], token)
			if i < 0 {
				return
			}
			hits = append(hits, hit{from + i, len(token), slot})
			from += i + len(token)
		}
	}
	find(placeholderTitle, slotTitle)
	find(placeholderID, colCarrier)
	for j := range quarterlyHeaderZh {
		if j != colCarrier {
			find("<v>"+strconv.Itoa(placeholderBase+j)+"</v>", j)
		}
	}
	if len(hits) == 0 {
		return nil, nil
	}
	sort.Slice(hits, func(a, b int) bool { return hits[a].at < hits[b].at })
	last := 0
	for _, h := range hits {
		parts = append(parts, text[last:h.at])
		slots = append(slots, h.slot)
		last = h.at + h.n
	}
	return append(parts, text[last:]), slots
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// render returns the workbook of one report.
func (t *quarterTemplate) render(rp *report, title string) ([]byte, error) {
	cells := sheetStyle{}.cells(rp, 0)
	values := make([]string, len(cells))
	for j, v := range cells {
		switch v := v.(type) {
		case string:
			values[j] = xmlEscaper.Replace(v)
		case int:
			values[j] = "<v>" + strconv.Itoa(v) + "</v>"
		case float64:
			values[j] = "<v>" + strconv.FormatFloat(v, 'f', -1, 64) + "</v>"
		case excelDate:
			values[j] = "<v>" + strconv.FormatFloat(float64(v), 'f', -1, 64) + "</v>"
		default:
			return nil, fmt.Errorf("template: column %d has no value", j+1)
		}
	}
	title = xmlEscaper.Replace(title)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range t.entries {
		e := &t.entries[i]
		if !e.filled {
			h := e.header
			w, err := zw.CreateRaw(&h)
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(e.raw); err != nil {
				return nil, err
			}
			continue
		}
		// Stored, not deflated: compressing two small parts per file would
		// double the cost of the benchmark, and readers accept both.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.header.Name, Method: zip.Store})
		if err != nil {
			return nil, err
		}
		for k, part := range e.parts {
			if _, err := io.WriteString(w, part); err != nil {
				return nil, err
			}
			if k == len(e.slots) {
				break
			}
			v := title
			if e.slots[k] != slotTitle {
				v = values[e.slots[k]]
			}
			if _, err := io.WriteString(w, v); err != nil {
				return nil, err
			}
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
