package ingest

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// A small workbook is read here without excelize, which costs about a
// millisecond of CPU per file opening the package (workbook, relationships,
// content types, each decoded through reflection) and parsing cells one XML
// token at a time: most of the time of a folder of thousands of
// single-carrier workbooks. The lean reader gives exactly what excelize's
// row iterator gives with raw cell values, for the workbooks it knows how
// to read; anything else — a part of an unusual name or size, XML it does
// not fully understand, a construct whose meaning in excelize is not plain
// (rich text, a shared-string index out of range, rows out of order, "_x"
// escapes) — makes it decline, and the file is read by excelize as before,
// with excelize's results and messages. The workbook's own parts (which
// sheets, in which part) are interpreted by excelize itself: once for each
// distinct set of those parts, on a copy of the package whose sheets are
// stubs (leanMeta).

const (
	leanMaxPart  = 4 << 20  // a part larger than this is read by excelize
	leanMaxTotal = 16 << 20 // so is a workbook whose data parts inflate to more
	nsMain       = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
)

// leanTable is a workbook read whole by the lean reader.
type leanTable struct {
	sheets []string
	rows   map[string][]leanRow // by sheet name
}

// leanRow is a row that holds a <row> element; rows between are blank.
type leanRow struct {
	n     int
	cells []string
}

func (t *leanTable) Sheets() []string { return t.sheets }
func (t *leanTable) Close() error     { return nil }

// Rows yields every row number from 1 to the last row of the sheet, blank
// ones with no cells, as excelize's iterator does.
func (t *leanTable) Rows(sheet string, fn func(int, []string) error) error {
	rows, ok := t.rows[sheet]
	if !ok {
		return excelize.ErrSheetNotExist{SheetName: sheet}
	}
	n := 1
	for _, r := range rows {
		for ; n < r.n; n++ {
			if err := fn(n, nil); err != nil {
				return err
			}
		}
		if err := fn(n, r.cells); err != nil {
			return err
		}
		n++
	}
	return nil
}

// openLean reads a workbook whose zip has passed checkZip, or returns nil
// when it should be read by excelize.
func openLean(zr *zip.Reader) *leanTable {
	var (
		meta   [4][]byte // [Content_Types].xml, _rels/.rels, xl/workbook.xml, xl/_rels/workbook.xml.rels
		has    [4]bool
		sst    []byte
		hasSST bool
		sheets = map[string][]byte{}
		names  []string // worksheet parts, in zip order
		total  uint64
	)
	read := func(f *zip.File) ([]byte, bool) {
		if f.UncompressedSize64 > leanMaxPart {
			return nil, false
		}
		total += f.UncompressedSize64
		if total > leanMaxTotal {
			return nil, false
		}
		r, err := f.Open()
		if err != nil {
			return nil, false
		}
		defer r.Close()
		b := make([]byte, f.UncompressedSize64)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, false
		}
		// The checksum is checked at the end, and a part longer than its
		// header says is refused there.
		var one [1]byte
		if n, err := r.Read(one[:]); n != 0 || err != io.EOF {
			return nil, false
		}
		return b, true
	}
	for _, f := range zr.File {
		if !dataPart(f.Name) {
			continue
		}
		i := -1
		switch f.Name {
		case "[Content_Types].xml":
			i = 0
		case "_rels/.rels":
			i = 1
		case "xl/workbook.xml":
			i = 2
		case "xl/_rels/workbook.xml.rels":
			i = 3
		case "xl/sharedStrings.xml":
			if hasSST {
				return nil
			}
			b, ok := read(f)
			if !ok {
				return nil
			}
			sst, hasSST = b, true
			continue
		default:
			if !leanSheetPart(f.Name) || sheets[f.Name] != nil {
				return nil
			}
			b, ok := read(f)
			if !ok {
				return nil
			}
			if b == nil {
				b = []byte{}
			}
			sheets[f.Name] = b
			names = append(names, f.Name)
			continue
		}
		if has[i] {
			return nil
		}
		b, ok := read(f)
		if !ok {
			return nil
		}
		meta[i], has[i] = b, true
	}
	// Worksheets first: a damaged one is reported by the excelize path.
	parsed := make(map[string][]leanRaw, len(names))
	for _, name := range names {
		rows, ok := leanSheet(sheets[name])
		if !ok {
			return nil
		}
		parsed[name] = rows
	}
	m := leanMetaFor(meta, has, names)
	if m == nil {
		return nil
	}
	var strs []string
	if hasSST {
		var ok bool
		if strs, ok = leanSST(sst); !ok {
			return nil
		}
	}
	t := &leanTable{sheets: m.sheets, rows: make(map[string][]leanRow, len(m.sheets))}
	for i, s := range m.sheets {
		rows := parsed[m.parts[i]]
		out := make([]leanRow, len(rows))
		for j, r := range rows {
			cells, ok := r.values(strs)
			if !ok {
				return nil
			}
			out[j] = leanRow{n: r.n, cells: cells}
		}
		t.rows[s] = out
	}
	return t
}

// leanSheetPart reports whether a part is named as a worksheet is:
// xl/worksheets/sheet<digits>.xml.
func leanSheetPart(name string) bool {
	num, ok := strings.CutPrefix(name, "xl/worksheets/sheet")
	if !ok {
		return false
	}
	num, ok = strings.CutSuffix(num, ".xml")
	if !ok || num == "" || len(num) > 6 {
		return false
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return false
		}
	}
	return true
}

// ---- the workbook's own parts, as excelize reads them -------------------

// leanMeta is what excelize makes of a workbook's own parts: its sheets in
// order, and the worksheet part each is read from.
type leanMeta struct {
	sheets []string
	parts  []string
}

var (
	leanMetaMu    sync.Mutex
	leanMetaCache = map[string]*leanMeta{} // nil: excelize does not read them plainly
)

const leanMetaCacheMax = 1024

// leanMetaFor interprets the parts through excelize, on a package of those
// parts and stub worksheets that each hold their part's name; the answer
// is kept for packages with the same parts (the thousands of files one
// program writes share them byte for byte).
func leanMetaFor(meta [4][]byte, has [4]bool, sheetParts []string) *leanMeta {
	var key strings.Builder
	for i, b := range meta {
		if has[i] {
			key.WriteString(strconv.Itoa(len(b)))
			key.WriteByte(':')
			key.Write(b)
		}
		key.WriteByte(';')
	}
	for _, name := range sheetParts {
		key.WriteString(name)
		key.WriteByte(';')
	}
	k := key.String()
	leanMetaMu.Lock()
	m, ok := leanMetaCache[k]
	leanMetaMu.Unlock()
	if ok {
		return m
	}
	m = leanMetaOf(meta, has, sheetParts)
	leanMetaMu.Lock()
	if len(leanMetaCache) < leanMetaCacheMax {
		leanMetaCache[k] = m
	}
	leanMetaMu.Unlock()
	return m
}

var metaNames = [4]string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}

func leanMetaOf(meta [4][]byte, has [4]bool, sheetParts []string) *leanMeta {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, b []byte) bool {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			return false
		}
		_, err = w.Write(b)
		return err == nil
	}
	for i, b := range meta {
		if has[i] && !put(metaNames[i], b) {
			return nil
		}
	}
	for _, name := range sheetParts {
		stub := `<worksheet xmlns="` + nsMain + `"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>` +
			name + `</t></is></c></row></sheetData></worksheet>`
		if !put(name, []byte(stub)) {
			return nil
		}
	}
	if zw.Close() != nil {
		return nil
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()), excelize.Options{
		UnzipSizeLimit:    MaxUnzippedBytes,
		UnzipXMLSizeLimit: unzipXMLInMemory,
	})
	if err != nil {
		return nil
	}
	defer f.Close()
	m := &leanMeta{}
	for _, s := range f.GetSheetList() {
		for _, prev := range m.sheets {
			if strings.EqualFold(prev, s) {
				return nil // excelize picks either sheet's part at random
			}
		}
		rows, err := f.Rows(s)
		if err != nil {
			return nil
		}
		if !rows.Next() {
			rows.Close()
			return nil
		}
		cells, err := rows.Columns(rawCells)
		rows.Close()
		if err != nil || len(cells) != 1 || !leanSheetPart(cells[0]) {
			return nil
		}
		m.sheets, m.parts = append(m.sheets, s), append(m.parts, cells[0])
	}
	return m
}

// ---- XML -----------------------------------------------------------------

// xmlPlain reports whether a part is UTF-8 XML that encoding/xml reads
// without surprises: no control characters, no CR (which it rewrites), no
// non-characters, no DOCTYPE, comment, CDATA or processing instruction but
// the declaration, and no strict-conformance namespaces (which excelize
// rewrites before decoding).
func xmlPlain(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' {
			return false
		}
	}
	return utf8.Valid(b) && !bytes.Contains(b, []byte("\xEF\xBF\xBE")) && !bytes.Contains(b, []byte("\xEF\xBF\xBF")) &&
		!bytes.Contains(b, []byte("<!")) && bytes.LastIndex(b, []byte("<?")) <= 0 && !bytes.Contains(b, []byte("purl.oclc.org"))
}

type xattr struct{ name, val []byte }

// xlex is a strict XML tokenizer over a part's bytes: elements must nest,
// names are ASCII, attribute values are quoted. bad is set, and EOF given,
// at anything else.
type xlex struct {
	b      []byte
	i      int
	stack  [][]byte
	closed bool // the root element has ended
	bad    bool
	// The current token.
	end   bool // an end tag (a self-closing element gives a start, then an end)
	eof   bool
	name  []byte
	attrs []xattr
	text  []byte // character data before the next tag
	self  bool
}

func newXlex(b []byte) *xlex {
	x := &xlex{b: b}
	if !xmlPlain(b) {
		x.bad = true
		return x
	}
	if bytes.HasPrefix(b, []byte("<?xml")) {
		j := bytes.Index(b, []byte("?>"))
		if j < 0 || !x.declaration(b[5:j]) {
			x.bad = true
			return x
		}
		x.i = j + 2
	}
	return x
}

// declaration checks <?xml version="1.0" encoding="UTF-8" standalone="…"?>.
func (x *xlex) declaration(b []byte) bool {
	if len(b) == 0 || !isSpace(b[0]) {
		return false
	}
	attrs, rest, ok := parseAttrs(b, nil)
	if !ok || len(bytes.TrimLeft(rest, " \t\n")) != 0 {
		return false
	}
	for _, a := range attrs {
		v := string(a.val)
		switch string(a.name) {
		case "version":
			if v != "1.0" {
				return false
			}
		case "encoding":
			if !strings.EqualFold(v, "utf-8") {
				return false
			}
		case "standalone":
		default:
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

func isNameByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		return true
	case c >= '0' && c <= '9', c == '-', c == '.':
		return !first
	}
	return false
}

// scanName reads a name (an optional prefix and a local part) at b[0:].
func scanName(b []byte) int {
	i, colon := 0, false
	for i < len(b) {
		c := b[i]
		if c == ':' {
			if colon || i == 0 || i+1 >= len(b) || !isNameByte(b[i+1], true) {
				return 0
			}
			colon = true
			i++
			continue
		}
		if !isNameByte(c, i == 0 || b[i-1] == ':') {
			break
		}
		i++
	}
	return i
}

// parseAttrs reads attributes until '>' or "/>" (left in rest).
func parseAttrs(b []byte, attrs []xattr) ([]xattr, []byte, bool) {
	for {
		j := 0
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if j == len(b) || b[j] == '>' || b[j] == '/' {
			return attrs, b[j:], true
		}
		if j == 0 {
			return nil, nil, false // attributes are separated by space
		}
		b = b[j:]
		n := scanName(b)
		if n == 0 {
			return nil, nil, false
		}
		name := b[:n]
		b = bytes.TrimLeft(b[n:], " \t\n")
		if len(b) == 0 || b[0] != '=' {
			return nil, nil, false
		}
		b = bytes.TrimLeft(b[1:], " \t\n")
		if len(b) == 0 || b[0] != '"' && b[0] != '\'' {
			return nil, nil, false
		}
		q := bytes.IndexByte(b[1:], b[0])
		if q < 0 {
			return nil, nil, false
		}
		val := b[1 : 1+q]
		// A reference in a value (t="&#115;" is t="s") is left to
		// excelize's decoder: the values here are read as their bytes.
		if bytes.IndexByte(val, '<') >= 0 || bytes.IndexByte(val, '&') >= 0 {
			return nil, nil, false
		}
		attrs = append(attrs, xattr{name, val})
		b = b[2+q:]
	}
}

// next moves to the next tag; x.text is the character data before it.
func (x *xlex) next() bool {
	if x.bad {
		x.eof = true
		return false
	}
	if x.self {
		x.self, x.end = false, true
		x.text = nil
		x.stack = x.stack[:len(x.stack)-1]
		if len(x.stack) == 0 {
			x.closed = true
		}
		return true
	}
	j := bytes.IndexByte(x.b[x.i:], '<')
	if j < 0 {
		x.text = x.b[x.i:]
		x.i = len(x.b)
		if len(x.stack) > 0 || len(bytes.TrimLeft(x.text, " \t\n")) > 0 {
			x.bad = true
		}
		x.eof = true
		return false
	}
	x.text = x.b[x.i : x.i+j]
	if len(x.stack) == 0 && len(bytes.TrimLeft(x.text, " \t\n")) > 0 {
		return x.fail()
	}
	// Text the caller passes over is still decoded by excelize, which
	// refuses a reference it cannot read (a bare &, &nbsp;).
	if bytes.IndexByte(x.text, '&') >= 0 {
		if _, ok := unescapeXML(x.text); !ok {
			return x.fail()
		}
	}
	b := x.b[x.i+j+1:]
	if len(b) > 0 && b[0] == '/' {
		n := scanName(b[1:])
		if n == 0 || len(x.stack) == 0 || !bytes.Equal(b[1:1+n], x.stack[len(x.stack)-1]) {
			return x.fail()
		}
		x.name = b[1 : 1+n]
		rest := bytes.TrimLeft(b[1+n:], " \t\n")
		if len(rest) == 0 || rest[0] != '>' {
			return x.fail()
		}
		x.i = len(x.b) - len(rest) + 1
		x.end = true
		x.stack = x.stack[:len(x.stack)-1]
		if len(x.stack) == 0 {
			x.closed = true
		}
		return true
	}
	if x.closed {
		return x.fail() // a second root
	}
	n := scanName(b)
	if n == 0 {
		return x.fail()
	}
	x.name = b[:n]
	attrs, rest, ok := parseAttrs(b[n:], x.attrs[:0])
	if !ok || len(rest) == 0 {
		return x.fail()
	}
	x.attrs = attrs
	if rest[0] == '/' {
		if len(rest) < 2 || rest[1] != '>' {
			return x.fail()
		}
		x.self = true
		rest = rest[1:]
	}
	x.i = len(x.b) - len(rest) + 1
	x.end = false
	x.stack = append(x.stack, x.name)
	return true
}

func (x *xlex) fail() bool {
	x.bad, x.eof = true, true
	return false
}

func (x *xlex) depth() int { return len(x.stack) }

// local is a name without its prefix, as encoding/xml matches names.
func local(name []byte) string {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return string(name)
}

func isLocal(name []byte, want string) bool {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return string(name) == want
}

// skip reads to the end of the element just started.
func (x *xlex) skip() bool {
	d := x.depth()
	for x.next() {
		if x.end && x.depth() < d {
			return true
		}
	}
	return false
}

// textOf reads the element just started, which must hold only text, and
// returns its decoded text.
func (x *xlex) textOf() (string, bool) {
	var sb []byte
	for x.next() {
		if len(x.text) > 0 {
			sb = append(sb, x.text...)
		}
		if !x.end {
			return "", false
		}
		return unescapeXML(sb)
	}
	return "", false
}

// unescapeXML decodes the predefined entities and character references, as
// encoding/xml does; anything else is refused.
func unescapeXML(b []byte) (string, bool) {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b), true
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			out = append(out, b...)
			break
		}
		out = append(out, b[:i]...)
		b = b[i+1:]
		j := bytes.IndexByte(b, ';')
		if j <= 0 || j > 10 {
			return "", false
		}
		ent := string(b[:j])
		b = b[j+1:]
		switch ent {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "apos":
			out = append(out, '\'')
		case "quot":
			out = append(out, '"')
		default:
			if ent[0] != '#' || len(ent) < 2 {
				return "", false
			}
			var n uint64
			var err error
			if ent[1] == 'x' {
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			} else {
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			}
			r := rune(n)
			if err != nil || !(r == 0x09 || r == 0x0A || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
				return "", false
			}
			out = utf8.AppendRune(out, r)
		}
	}
	return string(out), true
}

// ---- shared strings and rich text -----------------------------------------

// leanSST reads xl/sharedStrings.xml as excelize's Decode into xlsxSST does,
// refusing anything that decoding would reject.
func leanSST(b []byte) ([]string, bool) {
	x := newXlex(b)
	if !x.next() || x.end || string(x.name) != "sst" {
		return nil, false
	}
	ns := false
	for _, a := range x.attrs {
		switch {
		case string(a.name) == "xmlns":
			ns = string(a.val) == nsMain
		case isLocal(a.name, "count"), isLocal(a.name, "uniqueCount"):
			if !intAttr(a.val) {
				return nil, false
			}
		}
	}
	if !ns {
		return nil, false
	}
	var out []string
	for x.next() {
		if x.end {
			if x.depth() == 0 {
				break
			}
			continue
		}
		if !isLocal(x.name, "si") {
			if !x.skip() {
				return nil, false
			}
			continue
		}
		s, ok := x.stringItem()
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	if x.bad || x.next() || x.bad {
		return nil, false
	}
	return out, true
}

// stringItem reads an <si> or <is> element just started, as xlsxSI.String
// gives it: the text of its <t>. Rich text runs and "_x" escapes are left
// to excelize; phonetic properties are checked as decoding checks them.
func (x *xlex) stringItem() (string, bool) {
	d := x.depth()
	var s string
	seenT := false
	for x.next() {
		if x.end {
			if x.depth() < d {
				if strings.Contains(s, "_x") {
					return "", false
				}
				return s, true
			}
			continue
		}
		switch local(x.name) {
		case "t":
			if seenT {
				return "", false
			}
			seenT = true
			var ok bool
			if s, ok = x.textOf(); !ok {
				return "", false
			}
		case "phoneticPr":
			for _, a := range x.attrs {
				if isLocal(a.name, "fontId") && !intAttr(a.val) {
					return "", false
				}
			}
			if !x.skip() {
				return "", false
			}
		case "r", "rPh":
			return "", false
		default:
			if !x.skip() {
				return "", false
			}
		}
	}
	return "", false
}

// intAttr reports whether encoding/xml decodes the value into an int.
func intAttr(v []byte) bool {
	if len(v) == 0 {
		return true
	}
	_, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
	return err == nil
}

func boolAttr(v []byte) bool {
	if len(v) == 0 {
		return true
	}
	_, err := strconv.ParseBool(strings.TrimSpace(string(v)))
	return err == nil
}

// ---- worksheets ----------------------------------------------------------

// leanCell is a cell as the sheet holds it, before shared strings are
// looked up.
type leanCell struct {
	col     int
	t       string
	v       string
	formula bool
	inline  *string // <is>
}

type leanRaw struct {
	n     int
	cells []leanCell
}

// values gives the row's cells as excelize's Rows.Columns does with raw
// values: a cell's column from its reference, blanks between, and a cell
// without a value left out unless it holds a formula.
func (r leanRaw) values(sst []string) ([]string, bool) {
	var out []string
	for _, c := range r.cells {
		var v string
		switch c.t {
		case "s":
			if c.v != "" {
				i, err := strconv.Atoi(c.v)
				if err != nil || i < 0 || i >= len(sst) || !digits(c.v) {
					return nil, false
				}
				v = sst[i]
			}
		case "inlineStr":
			if c.inline != nil {
				v = *c.inline
			} else {
				v = c.v
			}
		default:
			v = c.v
		}
		if v == "" && !c.formula {
			continue
		}
		for len(out) < c.col-1 {
			out = append(out, "")
		}
		out = append(out, v)
	}
	return out, true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// leanSheet reads a worksheet's rows, or refuses the sheet.
func leanSheet(b []byte) ([]leanRaw, bool) {
	x := newXlex(b)
	if !x.next() || x.end || string(x.name) != "worksheet" {
		return nil, false
	}
	var rows []leanRaw
	seenData := false
	for x.next() {
		if x.end {
			continue
		}
		switch local(x.name) {
		case "row":
			return nil, false // a row outside sheetData
		case "sheetData":
			if seenData || x.depth() != 2 {
				return nil, false
			}
			seenData = true
			var ok bool
			if rows, ok = x.sheetData(); !ok {
				return nil, false
			}
		}
	}
	if x.bad || !x.closed {
		return nil, false
	}
	return rows, true
}

func (x *xlex) sheetData() ([]leanRaw, bool) {
	var rows []leanRaw
	prev := 0
	for x.next() {
		if x.end {
			return rows, true // </sheetData>
		}
		if !isLocal(x.name, "row") {
			return nil, false
		}
		n := 0
		for _, a := range x.attrs {
			if isLocal(a.name, "r") {
				if n != 0 || len(a.name) != 1 {
					return nil, false
				}
				v, err := strconv.Atoi(string(a.val))
				if err != nil || v <= prev || v > excelize.TotalRows || !digits(string(a.val)) {
					return nil, false
				}
				n = v
			}
		}
		if n == 0 {
			return nil, false
		}
		prev = n
		r := leanRaw{n: n}
		if !x.row(&r) {
			return nil, false
		}
		rows = append(rows, r)
	}
	return nil, false
}

func (x *xlex) row(r *leanRaw) bool {
	for x.next() {
		if x.end {
			return true // </row>
		}
		if !isLocal(x.name, "c") {
			return false
		}
		var c leanCell
		ref := ""
		nr, ns, nt := 0, 0, 0
		for _, a := range x.attrs {
			switch local(a.name) {
			case "r":
				ref, nr = string(a.val), nr+1
			case "s":
				if _, err := strconv.ParseInt(string(a.val), 10, 64); err != nil {
					return false
				}
				ns++
			case "t":
				c.t, nt = string(a.val), nt+1
			}
		}
		if nr != 1 || ns > 1 || nt > 1 {
			return false
		}
		col, ok := cellColumn(ref, r.n)
		if !ok || len(r.cells) > 0 && col <= r.cells[len(r.cells)-1].col {
			return false
		}
		c.col = col
		if !x.cell(&c) {
			return false
		}
		r.cells = append(r.cells, c)
	}
	return false
}

// cellColumn reads a reference such as AB12 in row n.
func cellColumn(ref string, n int) (int, bool) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		i++
	}
	if i == 0 || i > 3 || !digits(ref[i:]) || ref[i] == '0' {
		return 0, false
	}
	row, err := strconv.Atoi(ref[i:])
	if err != nil || row != n {
		return 0, false
	}
	col := 0
	for _, c := range ref[:i] {
		col = col*26 + int(c-'A'+1)
	}
	return col, col <= excelize.MaxColumns
}

func (x *xlex) cell(c *leanCell) bool {
	seenV, seenF, seenIS := false, false, false
	for x.next() {
		if x.end {
			return true // </c>
		}
		switch local(x.name) {
		case "v":
			if seenV {
				return false
			}
			seenV = true
			var ok bool
			if c.v, ok = x.textOf(); !ok {
				return false
			}
		case "f":
			if seenF {
				return false
			}
			seenF, c.formula = true, true
			for _, a := range x.attrs {
				switch local(a.name) {
				case "aca", "dt2D", "dtr", "del1", "del2", "ca", "bx":
					if !boolAttr(a.val) {
						return false
					}
				case "si":
					if !intAttr(a.val) {
						return false
					}
				}
			}
			if _, ok := x.textOf(); !ok {
				return false
			}
		case "is":
			if seenIS {
				return false
			}
			seenIS = true
			s, ok := x.stringItem()
			if !ok {
				return false
			}
			c.inline = &s
		default:
			return false
		}
	}
	return false
}
