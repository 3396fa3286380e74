package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/incubeval/incubeval/pipeline/idcard"
)

// Limits that keep a hostile or broken file from exhausting the machine.
const (
	MaxFileBytes     = 1 << 30 // 1 GiB on disk
	MaxUnzippedBytes = 1 << 30 // a workbook may inflate to 1 GiB at most
	maxZipEntries    = 10000
	maxZipRatio      = 200 // a part of over 10 MiB inflating over 200× is a zip bomb (sheet XML compresses ~10–30×)
	unzipXMLInMemory = 64 << 20
)

// table is a file opened for reading: one or more sheets of text cells.
type table interface {
	Sheets() []string
	// Rows calls fn for every row of a sheet in order, with its number as a
	// spreadsheet shows it (1-based; for Parquet the record number, with the
	// header as row 0). Blank rows are passed too; the caller skips them.
	Rows(sheet string, fn func(rowNo int, cells []string) error) error
	Close() error
}

// sniff says which format the bytes are, by content rather than by name.
func sniff(path string, data []byte) (string, *FileError) {
	switch {
	case len(data) == 0:
		return "", fileErr(path, "empty", "文件为空", "the file is empty")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return "xlsx", nil
	case isParquet(data):
		return "parquet", nil
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", fileErr(path, "not_spreadsheet", "这是旧版 .xls 或加密的工作簿，请在 Excel 中另存为 .xlsx（不设密码）后重新报送",
			"this is an old .xls or a password-protected workbook; save it as .xlsx without a password and send it again")
	case bytes.HasPrefix(data, []byte("%PDF")):
		return "", fileErr(path, "not_spreadsheet", "这是 PDF 文件，不是表格，请报送 .xlsx 或 .csv", "this is a PDF, not a spreadsheet; send .xlsx or .csv")
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return "", fileErr(path, "damaged", "文件扩展名是 .xlsx，但内容不是 Excel 工作簿（文件已损坏或改了扩展名），请重新导出后报送",
			"the name ends in .xlsx but the content is not an Excel workbook (damaged or renamed); export it again and resend")
	case ".parquet":
		return "", fileErr(path, "damaged", "文件扩展名是 .parquet，但内容不是 Parquet 文件", "the name ends in .parquet but the content is not Parquet")
	}
	return "csv", nil
}

// ---- CSV -------------------------------------------------------------------

// decodeText finds the encoding of a CSV file and returns its UTF-8 text.
// x/text decoders never fail, so GB18030 is accepted only when it decodes
// without replacement characters or control codes; anything else is refused
// rather than loaded as mojibake.
func decodeText(path string, data []byte) ([]byte, string, *FileError) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if !utf8.Valid(data) {
			return nil, "", badEncoding(path)
		}
		data = loneCRToLF(data, false)
		return data, "utf-8-bom", checkControl(path, data)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		// Excel's "Unicode text" export.
		enc, name := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"
		if data[0] == 0xFE {
			enc, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"
		}
		out, err := enc.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return nil, "", badEncoding(path)
		}
		out = loneCRToLF(out, true)
		return out, name, checkControl(path, out)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, "", fileErr(path, "not_spreadsheet", "文件含有二进制内容，不是表格或文本文件", "the file holds binary data; it is neither a spreadsheet nor a text file")
	}
	if utf8.Valid(data) {
		// Read in place: a copy would double a large file's footprint.
		data = loneCRToLF(data, false)
		return data, "utf-8", checkControl(path, data)
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return nil, "", badEncoding(path)
	}
	out = loneCRToLF(out, true)
	return out, "gb18030", checkControl(path, out)
}

// loneCRToLF turns a carriage return not followed by a line feed into a line
// feed. Old Mac files end lines with CR alone, and a spreadsheet breaks a
// row at one wherever it is; encoding/csv does not, and would read two
// records as one. In a quoted cell the CR becomes a line break in the cell,
// as a spreadsheet shows it. Text that is not owned (the file's own bytes,
// which are also archived and hashed) is copied before it is changed.
func loneCRToLF(text []byte, owned bool) []byte {
	i := loneCR(text, 0)
	if i < 0 {
		return text
	}
	if !owned {
		text = bytes.Clone(text)
	}
	for ; i >= 0; i = loneCR(text, i+1) {
		text[i] = '\n'
	}
	return text
}

// loneCR returns the index of the first CR at or after from that is not
// followed by LF, or -1.
func loneCR(text []byte, from int) int {
	for from < len(text) {
		j := bytes.IndexByte(text[from:], '\r')
		if j < 0 {
			return -1
		}
		i := from + j
		if i+1 >= len(text) || text[i+1] != '\n' {
			return i
		}
		from = i + 2
	}
	return -1
}

func badEncoding(path string) *FileError {
	return fileErr(path, "encoding", "无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030），请用 Excel 另存为“CSV UTF-8”或 .xlsx",
		"unknown text encoding (neither UTF-8 nor GBK/GB18030); save it from Excel as \"CSV UTF-8\" or .xlsx")
}

func checkControl(path string, text []byte) *FileError {
	// Eight bytes at a time: a word holding no byte below 0x20 and no
	// 0x7F (most of a file) is passed whole; a word with a line's end or
	// a tab is looked at byte by byte.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for i := 0; i < len(text); {
		end := len(text)
		if i+8 <= len(text) {
			w := binary.LittleEndian.Uint64(text[i:])
			del := w ^ 0x7F*ones
			if ((w-0x20*ones)&^w|(del-ones)&^del)&highs == 0 {
				i += 8
				continue
			}
			end = i + 8
		}
		for ; i < end; i++ {
			c := text[i]
			// Control codes are single bytes in UTF-8; no multi-byte rune holds one.
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7F {
				return fileErr(path, "not_spreadsheet", "文件含有控制字符，不是有效的文本表格",
					"the file holds control characters (byte offset %d); it is not a text table", i)
			}
		}
	}
	return nil
}

type csvTable struct {
	path  string // names the file in messages
	text  []byte
	comma rune
	// rowSeps is how many separators make a line inside a quoted cell
	// look like a row of its own (rowInCell): a row needs them to reach
	// its last required cell. 0 until the header is known.
	rowSeps int
}

// sniffComma picks the separator of the first non-blank line: comma, tab or
// semicolon, whichever occurs most outside quotes.
func sniffComma(text []byte) rune {
	head := text
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	for _, line := range strings.SplitN(string(head), "\n", 10) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		counts := map[rune]int{}
		inQuote := false
		for _, r := range line {
			if r == '"' {
				inQuote = !inQuote
			} else if !inQuote && (r == ',' || r == '\t' || r == ';') {
				counts[r]++
			}
		}
		best := ','
		for _, r := range []rune{'\t', ';'} {
			if counts[r] > counts[best] {
				best = r
			}
		}
		return best
	}
	return ','
}

func (t *csvTable) Sheets() []string { return []string{""} }
func (t *csvTable) Close() error     { return nil }

func (t *csvTable) Rows(_ string, fn func(int, []string) error) error {
	if bytes.IndexByte(t.text, '"') < 0 {
		return t.plainRows(fn)
	}
	return t.csvRows(fn)
}

// csvRows reads the file with encoding/csv, quotes and all.
func (t *csvTable) csvRows(fn func(int, []string) error) error {
	r := csv.NewReader(bytes.NewReader(t.text))
	r.Comma = t.comma
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	// LazyQuotes reads a quote inside an unquoted cell (兰州"青创"空间) as
	// itself. It also lets a quoted cell with a stray quote run on to the
	// next quote that looks closing, or to the end of the file, taking the
	// rows in between into the cell; so a record that spans lines, and the
	// last one, is checked (checkQuotes) before it is passed on. A file
	// without a quote has nothing to check, and a record on one line (all
	// but a few) costs a comparison.
	quotes := bytes.IndexByte(t.text, '"') >= 0
	size := int64(len(t.text))
	// encoding/csv skips empty lines, which a spreadsheet shows as rows, and
	// a quoted cell may span lines, which a spreadsheet shows as one row: so
	// a record's row is the previous one's plus the empty lines between them.
	n, end := 0, 0 // end: the last line of the previous record
	var from int64 // where the record's bytes begin (blank lines before it included)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		start, _ := r.FieldPos(0)
		n += 1 + max(0, start-end-1)
		last, _ := r.FieldPos(len(rec) - 1)
		end = last + strings.Count(rec[len(rec)-1], "\n")
		if quotes {
			to := r.InputOffset()
			if end > start || to == size {
				if fe := t.checkQuotes(t.text[from:to], start); fe != nil {
					return fe
				}
			}
			from = to
		}
		if err := fn(n, rec); err != nil {
			return err
		}
	}
}

// plainRows reads a file without a quote as encoding/csv reads it, line
// by line: each line a record, its fields split at the separator, a
// line's end (LF, or CRLF) not part of its last field, an empty line no
// record but counted in the rows' numbers. Without quotes there is
// nothing else to it, and splitting costs a fraction of encoding/csv's
// general reading; the fields are slices of one string per line, as
// encoding/csv makes them, and the slice of fields is reused.
func (t *csvTable) plainRows(fn func(int, []string) error) error {
	sep := byte(t.comma) // sniffComma gives ',', '\t' or ';'
	text := t.text
	var rec []string
	for line := 1; len(text) > 0; line++ {
		end := bytes.IndexByte(text, '\n')
		var b []byte
		if end < 0 {
			b, text = text, nil
		} else {
			b, text = text[:end], text[end+1:]
		}
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
		if len(b) == 0 {
			continue
		}
		s := string(b)
		rec = rec[:0]
		for {
			i := strings.IndexByte(s, sep)
			if i < 0 {
				rec = append(rec, s)
				break
			}
			rec = append(rec, s[:i])
			s = s[i+1:]
		}
		if err := fn(line, rec); err != nil {
			return err
		}
	}
	return nil
}

// checkQuotes scans the bytes of one record, which begins on line (blank
// lines before it are skipped), as RFC 4180 reads them, and rejects the
// file when a quoted cell took in a line break without being well formed
// (a quote inside it not doubled, so that LazyQuotes read on to a later
// quote), or took in a line that looks like a row (rowInCell), or when a
// quoted cell is still open at the end of the file. A well-formed cell
// spanning lines (Excel's Alt+Enter) passes, and so does a stray quote in
// a quoted cell on one line ("兰州"青创"空间" is read as 兰州"青创"空间):
// no line is taken in.
func (t *csvTable) checkQuotes(rec []byte, line int) *FileError {
	sep := byte(t.comma) // sniffComma gives ',', '\t' or ';'
	b := rec
	for {
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		} else if len(b) > 1 && b[0] == '\r' && b[1] == '\n' {
			b = b[2:]
		} else {
			break
		}
	}
	for col := 1; ; col++ {
		if len(b) == 0 || b[0] != '"' {
			// An unquoted cell ends at the separator or the line's end,
			// whatever quotes it holds. (A byte loop rather than two
			// IndexByte calls, which would each scan to the end of a long
			// line for every cell.)
			i := 0
			for i < len(b) && b[i] != sep && b[i] != '\n' {
				i++
			}
			if i == len(b) || b[i] == '\n' {
				return nil // the record's last cell
			}
			b = b[i+1:]
			continue
		}
		cell := b[1:]
		opened, breaks, stray := line, 0, false
		i := 1
		for {
			j := bytes.IndexByte(b[i:], '"')
			if j < 0 {
				// Open to the end of the file: the last line's own line
				// break is not a line taken in.
				rest := bytes.TrimSuffix(b[i:], []byte("\n"))
				return quoteError(t.path, opened, col, cell, breaks+bytes.Count(rest, []byte("\n")), true)
			}
			breaks += bytes.Count(b[i:i+j], []byte("\n"))
			k := i + j + 1
			if k < len(b) && b[k] == '"' { // a doubled quote
				i = k + 1
				continue
			}
			if k < len(b) && b[k] != sep && b[k] != '\n' && b[k] != '\r' {
				stray = true
				i = k
				continue
			}
			// Closed before the separator or the line's end (after
			// loneCRToLF a CR is followed by LF).
			cell = b[1 : k-1]
			if k < len(b) && b[k] == sep {
				b = b[k+1:]
			} else {
				b = nil // the record's end
			}
			break
		}
		if breaks > 0 && stray {
			return quoteError(t.path, opened, col, cell, breaks, false)
		}
		if breaks > 0 && t.rowSeps > 0 {
			if fe := t.rowInCell(cell, opened, col); fe != nil {
				return fe
			}
		}
		line += breaks
		if b == nil {
			return nil
		}
	}
}

// rowInCell rejects a well-formed quoted cell, opened on line in column
// col, one of whose later lines holds t.rowSeps separators or more: it
// looks like a row of its own, taken in because two stray quotes paired up
// (one left open in a cell, another standing alone at the end of a later
// line); RFC 4180, and a spreadsheet, would read them as one cell. A cell
// spanning lines in earnest (Alt+Enter) rarely holds that many separators
// on one line; it is refused with the same message, naming the line.
func (t *csvTable) rowInCell(cell []byte, line, col int) *FileError {
	first := bytes.IndexByte(cell, '\n')
	for n, rest := line+1, cell[first+1:]; ; n++ {
		l := rest
		if j := bytes.IndexByte(rest, '\n'); j >= 0 {
			l, rest = rest[:j], rest[j+1:]
		} else {
			rest = nil
		}
		if seps := bytes.Count(l, []byte{byte(t.comma)}); seps >= t.rowSeps {
			zh, en := quoteWhere(line, col, cell)
			closed := line + bytes.Count(cell, []byte("\n"))
			return fileErr(t.path, "unclosed_quote",
				zh+fmt.Sprintf("到第 %d 行才闭合，而第 %d 行有 %d 个分隔符，像是完整的一行数据被并入了这一格；请删除或补全引号后重新报送（若这一格确实跨行，请去掉其中的分隔符）", closed, n, seps),
				"%s closes only on line %d, and line %d inside that cell holds %d separators, like a whole row read into the cell; remove the quote or close it, then resend (if the cell really spans those lines, remove its separators)",
				en, closed, n, seps)
		}
		if rest == nil {
			return nil
		}
	}
}

// quoteWhere names, for a message, the quote opened on line in column col
// and the start of the cell's text (its first line, cut at 20 characters,
// an ID number in it masked: the file may be a nominations file, and its
// kind is not known yet).
func quoteWhere(line, col int, text []byte) (zh, en string) {
	name, _ := excelize.ColumnNumberToName(col)
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	cell := strings.TrimSuffix(string(text[:min(len(text), 200)]), "\r")
	if utf8.RuneCountInString(cell) > 20 {
		cell = string([]rune(cell)[:20]) + "…"
	}
	cell = idcard.Redact(cell)
	if strings.TrimSpace(cell) == "" {
		return fmt.Sprintf("文件第 %d 行 %s 列的引号", line, name), fmt.Sprintf("the quote opened on line %d, column %s", line, name)
	}
	return fmt.Sprintf("文件第 %d 行 %s 列（以「%s」开头）的引号", line, name, cell),
		fmt.Sprintf("the quote opened on line %d, column %s (the cell starting %q)", line, name, cell)
}

// quoteError rejects a file whose quote opened on line, in column col of
// that line, is not closed properly; taken is how many lines it took in.
func quoteError(path string, line, col int, text []byte, taken int, eof bool) *FileError {
	zhWhere, enWhere := quoteWhere(line, col, text)
	switch {
	case eof && taken == 0:
		return fileErr(path, "unclosed_quote", zhWhere+"直到文件末尾都没有闭合，引号后这一行的内容（包括分隔符）都会被读成一格；请删除或补全引号后重新报送",
			"%s is never closed before the end of the file, so everything after it on that line, separators included, would be read as one cell; remove the quote or close it, then resend", enWhere)
	case eof:
		return fileErr(path, "unclosed_quote", zhWhere+fmt.Sprintf("直到文件末尾都没有闭合，后面 %d 行都被并入了这一格；请删除或补全引号后重新报送", taken),
			"%s is never closed before the end of the file, so the next %d line(s) were read into that cell; remove the quote or close it, then resend", enWhere, taken)
	}
	return fileErr(path, "unclosed_quote", zhWhere+fmt.Sprintf("没有正确闭合，后面 %d 行被并入了这一格；请删除或补全引号（格内的引号要写成两个：\"\"）后重新报送", taken),
		"%s is never closed properly, so the next %d line(s) were read into that cell; remove the quote or close it (a quote inside a quoted cell is written twice: \"\"), then resend", enWhere, taken)
}

// ---- XLSX ------------------------------------------------------------------

// checkZip refuses archives that would inflate beyond the limits before
// excelize sees them (excelize inflates a zip bomb happily).
func checkZip(path string, data []byte) (*zip.Reader, *FileError) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fileErr(path, "damaged", "工作簿已损坏或不完整（可能未传完），请重新保存后报送",
			"the workbook is damaged or truncated (%v); save it again and resend", err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, fileErr(path, "zip_bomb", "工作簿内部文件过多，疑似恶意文件，已整体拒收", "the workbook has %d parts; refused as a possible zip bomb", len(zr.File))
	}
	var total uint64
	hasWorkbook := false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > maxZipRatio && f.UncompressedSize64 > 10<<20 {
			return nil, fileErr(path, "zip_bomb", "工作簿解压比例异常，疑似压缩炸弹，已整体拒收",
				"part %s inflates %d×; refused as a possible zip bomb", f.Name, f.UncompressedSize64/f.CompressedSize64)
		}
		if strings.EqualFold(f.Name, "xl/workbook.xml") {
			hasWorkbook = true
		}
	}
	if total > MaxUnzippedBytes {
		return nil, fileErr(path, "zip_bomb", "工作簿解压后超过 1 GiB，疑似压缩炸弹，已整体拒收",
			"the workbook inflates to %d bytes (limit 1 GiB); refused as a possible zip bomb", total)
	}
	if !hasWorkbook {
		return nil, fileErr(path, "not_spreadsheet", "这是压缩包或 Word 等文件，不是 Excel 工作簿", "this is a zip archive or another Office document, not an Excel workbook")
	}
	return zr, nil
}

// dataParts reports whether a workbook part is needed to read cell values.
// excelize parses every part it is given — styles, theme, calculation chain,
// and inflates images and charts — none of which raw values need.
func dataPart(name string) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	switch n {
	case "[content_types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedstrings.xml":
		return true
	}
	return strings.HasPrefix(n, "xl/worksheets/") && !strings.HasPrefix(n, "xl/worksheets/_rels/")
}

// checkSheetXML reads a worksheet part to its end and checks that every
// element closes. excelize's row iterator stops quietly at malformed XML, so
// a sheet cut off in the middle would otherwise lose its last rows unseen.
// A sheet may inflate to a gigabyte: ctx is looked at as it goes (the
// caller reports the context's error, not the damaged file, when it ends).
func checkSheetXML(ctx context.Context, f *zip.File) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	d := xml.NewDecoder(r)
	depth := 0
	for n := 0; ; n++ {
		if n%(1<<16) == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		tok, err := d.RawToken()
		if err == io.EOF {
			if depth != 0 {
				return fmt.Errorf("%s ends inside an element", f.Name)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", f.Name, err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// dataOnly copies the parts needed for values into a new archive, still
// compressed, so that opening a workbook costs what its data costs.
func dataOnly(ctx context.Context, zr *zip.Reader, size int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(size)
	w := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if !dataPart(f.Name) {
			continue
		}
		if strings.HasPrefix(strings.ToLower(f.Name), "xl/worksheets/") {
			if err := checkSheetXML(ctx, f); err != nil {
				return nil, err
			}
		}
		r, err := f.OpenRaw()
		if err != nil {
			return nil, err
		}
		hdr := f.FileHeader
		dst, err := w.CreateRaw(&hdr)
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(dst, r); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type xlsxTable struct {
	f *excelize.File
}

var rawCells = excelize.Options{RawCellValue: true}

func openXLSX(ctx context.Context, path string, data []byte) (table, *FileError) {
	zr, fe := checkZip(path, data)
	if fe != nil {
		return nil, fe
	}
	if t := openLean(zr); t != nil {
		return t, nil
	}
	return openExcelize(ctx, path, zr, len(data))
}

// openExcelize opens a workbook through excelize, given only its data parts.
func openExcelize(ctx context.Context, path string, zr *zip.Reader, size int) (table, *FileError) {
	slim, err := dataOnly(ctx, zr, size)
	if err != nil {
		return nil, fileErr(path, "damaged", "工作簿已损坏或不完整（可能未传完），请重新保存后报送",
			"the workbook is damaged or truncated (%v); save it again and resend", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(slim), excelize.Options{
		UnzipSizeLimit:    MaxUnzippedBytes,
		UnzipXMLSizeLimit: unzipXMLInMemory,
	})
	if err != nil {
		return nil, fileErr(path, "damaged", "无法打开工作簿（文件损坏或格式不对），请重新保存为 .xlsx 后报送",
			"cannot open the workbook (%v); save it again as .xlsx and resend", err)
	}
	return &xlsxTable{f: f}, nil
}

func (t *xlsxTable) Sheets() []string { return t.f.GetSheetList() }
func (t *xlsxTable) Close() error     { return t.f.Close() }

func (t *xlsxTable) Rows(sheet string, fn func(int, []string) error) error {
	rows, err := t.f.Rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	// excelize's iterator yields a (blank) row for every row number, so
	// counting Next calls gives the row number Excel shows.
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(rawCells)
		if err != nil {
			return err
		}
		if err := fn(n, cells); err != nil {
			return err
		}
	}
	return rows.Error()
}

// ---- Parquet ---------------------------------------------------------------

// parquetTable reads through DuckDB's own reader, every column cast to text
// so that one validation path serves all formats.
type parquetTable struct {
	ctx  context.Context
	db   *sql.DB
	src  string // the file DuckDB reads
	cols []string
}

func openParquet(ctx context.Context, db *sql.DB, path, src string) (table, *FileError) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM read_parquet(?) LIMIT 0", src)
	if err != nil {
		return nil, fileErr(path, "damaged", "Parquet 文件已损坏或无法读取", "cannot read the Parquet file: %v", trimDuck(err))
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		return nil, fileErr(path, "damaged", "Parquet 文件已损坏或无法读取", "cannot read the Parquet file: %v", trimDuck(err))
	}
	return &parquetTable{ctx: ctx, db: db, src: src, cols: cols}, nil
}

func trimDuck(err error) string {
	s := err.Error()
	if i := strings.Index(s, "\n"); i > 0 {
		s = s[:i]
	}
	return s
}

func (t *parquetTable) Sheets() []string { return []string{""} }
func (t *parquetTable) Close() error     { return nil }

// parquetBatch is how many rows of a Parquet file one query reads: DuckDB
// hands a query's whole result over at once, so a file read in one query
// was held whole, as text, beside the rows being loaded (the national
// history, 468,000 rows, took the ingest past 500 MiB). (A variable for the
// tests.)
var parquetBatch = 1 << 17

func (t *parquetTable) Rows(_ string, fn func(int, []string) error) error {
	if err := fn(0, t.cols); err != nil {
		return err
	}
	// The rows are read a batch at a time by their place in the file
	// (file_row_number, which DuckDB reads from the file's row groups),
	// unless the file has a column of that name: then all at once.
	batched := true
	for _, c := range t.cols {
		if strings.EqualFold(c, "file_row_number") {
			batched = false
		}
	}
	vals := make([]sql.NullString, len(t.cols))
	var place int64 // the row's file_row_number, when batched
	ptrs := make([]any, 0, len(t.cols)+1)
	if batched {
		ptrs = append(ptrs, &place)
	}
	for i := range vals {
		ptrs = append(ptrs, &vals[i])
	}
	cells := make([]string, len(t.cols))
	n := 1
	read := func(q string, args ...any) error {
		rows, err := t.db.QueryContext(t.ctx, q, args...)
		if err != nil {
			return fmt.Errorf("read parquet: %s", trimDuck(err))
		}
		defer rows.Close()
		for ; rows.Next(); n++ {
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			// Rows come in the file's order (DuckDB keeps a scan's
			// order); were one out of it, its record number would be
			// wrong, and with it which revision wins.
			if batched && place != int64(n-1) {
				return fmt.Errorf("read parquet: record %d came where record %d was expected", place+1, n)
			}
			for i, v := range vals {
				cells[i] = v.String
			}
			if err := fn(n, cells); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	if !batched {
		return read("SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet(?)", t.src)
	}
	var total int64
	if err := t.db.QueryRowContext(t.ctx, "SELECT count(*) FROM read_parquet(?)", t.src).Scan(&total); err != nil {
		return fmt.Errorf("read parquet: %s", trimDuck(err))
	}
	for from := int64(0); from < total; from += int64(parquetBatch) {
		to := from + int64(parquetBatch)
		if err := read(`SELECT file_row_number, CAST(COLUMNS(* EXCLUDE (file_row_number)) AS VARCHAR)
FROM read_parquet(?, file_row_number = true)
WHERE file_row_number >= ? AND file_row_number < ?`, t.src, from, to); err != nil {
			return err
		}
		if int64(n-1) != min(to, total) {
			return fmt.Errorf("read parquet: %d records read of the first %d (the file changed while it was read?)", n-1, min(to, total))
		}
	}
	return nil
}

const parquetMagic = "PAR1"

func isParquet(data []byte) bool { return bytes.HasPrefix(data, []byte(parquetMagic)) }

// open turns bytes into a table, or a whole-file rejection. path names the
// file in messages; DuckDB reads a Parquet file from src.
func open(ctx context.Context, db *sql.DB, path, src string, data []byte) (table, string, string, *FileError) {
	format, fe := sniff(path, data)
	if fe != nil {
		return nil, "", "", fe
	}
	switch format {
	case "xlsx":
		t, fe := openXLSX(ctx, path, data)
		return t, format, "", fe
	case "parquet":
		t, fe := openParquet(ctx, db, path, src)
		return t, format, "", fe
	}
	text, enc, fe := decodeText(path, data)
	if fe != nil {
		return nil, "", "", fe
	}
	return &csvTable{path: path, text: text, comma: sniffComma(text)}, format, enc, nil
}

// inputExt reports whether a file found while walking a folder is an input.
func inputExt(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet":
		return true
	}
	return false
}

var errStop = errors.New("stop")
