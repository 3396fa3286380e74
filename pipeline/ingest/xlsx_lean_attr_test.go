package ingest

import "testing"

// An attribute value is XML text: a character reference in it (t="&#115;"
// is t="s") is what excelize's decoder reads. The lean reader must not read
// the raw bytes instead (a shared string's index as the cell's value), nor
// read a sheet excelize refuses (a bare & in an attribute, or in text
// between elements, which the lean reader otherwise passes over).
func TestLeanXLSXAttributeReferences(t *testing.T) {
	for _, sheet := range []string{
		sheetHead + `<sheetData><row r="1"><c r="A1" t="&#115;"><v>0</v></c></row></sheetData></worksheet>`,
		sheetHead + `<sheetData><row r="1"><c r="A1" t="&#x73;"><v>0</v></c></row></sheetData></worksheet>`,
		sheetHead + `<sheetData><row r="1" spans="&amp;"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
		`<worksheet A="&"></worksheet>`,
		`<worksheet><sheetData><row r="1">&</row></sheetData></worksheet>`,
		sheetHead + `<sheetData><row r="1"><c r="A1" t="s"><v>0</v>&nbsp;</c></row></sheetData></worksheet>`,
	} {
		data := withPart(t, seedWorkbook(t), "xl/worksheets/sheet1.xml", sheet)
		readBothWays(t, data)
	}
}
