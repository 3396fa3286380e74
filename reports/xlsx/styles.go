package xlsx

import "github.com/xuri/excelize/v2"

// Styles are the plain styles of the simpler workbooks (template, chase
// list, rejects): a title, a wrapped note, the header row and the body.
type Styles struct{ Title, Note, Header, Body int }

// NewStyles adds the plain styles to f.
func NewStyles(f *excelize.File) (*Styles, error) {
	var s Styles
	var err error
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: "SimSun", Size: size, Bold: bold}
	}
	border := []excelize.Border{
		{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
	}
	if s.Title, err = f.NewStyle(&excelize.Style{Font: font(14, true)}); err != nil {
		return nil, err
	}
	if s.Note, err = f.NewStyle(&excelize.Style{Font: font(10, false), Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return nil, err
	}
	if s.Header, err = f.NewStyle(&excelize.Style{Font: font(10, true), Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Horizontal: "center", Vertical: "center"}}); err != nil {
		return nil, err
	}
	if s.Body, err = f.NewStyle(&excelize.Style{Font: font(10, false), Border: border,
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return nil, err
	}
	return &s, nil
}

// Title is a sheet's first row: the Chinese title large, the English smaller.
func Title(zh, en string) []excelize.RichTextRun {
	return []excelize.RichTextRun{
		{Text: zh, Font: &excelize.Font{Family: "SimSun", Size: 16, Bold: true}},
		{Text: "  " + en, Font: &excelize.Font{Family: "SimSun", Size: 11, Color: "595959"}},
	}
}
