package sqlfiles

import (
	"fmt"
	"strings"
	"unicode"
)

// Block is one named block of a file: its header, its description and
// its SQL.
type Block struct {
	Name string
	Kind string   // view, macro, exec, query (what the folder allows)
	Tags []Tag    // in the header's order
	Doc  []string // the comment lines right under the header, without "--"
	SQL  string   // the rest, up to the next header: one statement or more
	File string   // the file, as errors name it (sql/views/0010_inputs.sql)
	Line int      // the header's line, from 1
}

// Tag is one tag of a header: (parallel) or (name=value).
type Tag struct {
	Name  string
	Value string // empty for a tag without "="
}

// Tag reports whether b's header carries the tag name, and its value.
func (b Block) Tag(name string) (value string, ok bool) {
	for _, t := range b.Tags {
		if t.Name == name {
			return t.Value, true
		}
	}
	return "", false
}

// Description is the block's description as one line.
func (b Block) Description() string { return strings.Join(b.Doc, " ") }

// Where names the block's header for a message: file:line.
func (b Block) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

// SyntaxError says what is wrong with a file, and where.
type SyntaxError struct {
	File string // as given to Parse
	Line int    // from 1
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Parse reads the text of the file named file (the name is for messages)
// by the grammar of the package comment. A script — a file without
// headers — has no blocks.
func Parse(file, text string) ([]Block, error) {
	errAt := func(line int, format string, args ...any) error {
		return &SyntaxError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if strings.ContainsRune(text, 0) {
		return nil, errAt(1+strings.Count(text[:strings.IndexByte(text, 0)], "\n"), "a NUL byte")
	}
	lines := strings.Split(text, "\n")
	var blocks []Block
	seen := map[string]int{}
	var body []string // the current block's lines after its description
	inDoc := false
	finish := func() error {
		if len(blocks) == 0 {
			return nil
		}
		b := &blocks[len(blocks)-1]
		b.SQL = strings.TrimSpace(strings.Join(body, "\n"))
		if !hasStatement(body) {
			return errAt(b.Line, "block %s has no SQL under its header", b.Name)
		}
		return nil
	}
	for i, line := range lines {
		n := i + 1
		if isHeaderLike(line) {
			if len(blocks) == 0 {
				if j := firstStatement(lines[:i]); j >= 0 {
					return nil, errAt(j+1, "SQL before the first header (a file with headers holds statements only in its blocks)")
				}
			}
			if err := finish(); err != nil {
				return nil, err
			}
			b, msg := parseHeader(strings.TrimRight(line, " \t\r"))
			if msg != "" {
				return nil, errAt(n, "%s: %q", msg, line)
			}
			if prev, dup := seen[b.Name]; dup {
				return nil, errAt(n, "block %s is already named on line %d", b.Name, prev)
			}
			seen[b.Name] = n
			b.File, b.Line = file, n
			blocks = append(blocks, b)
			body, inDoc = nil, true
			continue
		}
		if len(blocks) == 0 {
			continue // the head
		}
		if inDoc {
			if c, ok := comment(line); ok {
				blocks[len(blocks)-1].Doc = append(blocks[len(blocks)-1].Doc, c)
				continue
			}
			inDoc = false
		}
		body = append(body, line)
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return blocks, nil
}

// isHeaderLike says whether a line means to be a header: a comment whose
// text starts with "name:" in any case and spacing. parseHeader then
// holds it to the exact form, so that a misspelt header is an error rather
// than a comment that silently joins its block to the one above.
func isHeaderLike(line string) bool {
	c, ok := comment(line)
	return ok && len(c) >= 5 && strings.EqualFold(c[:5], "name:")
}

// comment returns the text of a comment line: "--" at the start (after
// any spaces), without it and the spaces around the text.
func comment(line string) (string, bool) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "--") {
		return "", false
	}
	return strings.TrimSpace(t[2:]), true
}

// hasStatement says whether lines hold anything but comments and blanks.
func hasStatement(lines []string) bool { return firstStatement(lines) >= 0 }

// firstStatement is the index of the first line of lines that is neither
// a comment nor blank, or -1.
func firstStatement(lines []string) int {
	for i, l := range lines {
		if _, ok := comment(l); !ok && strings.TrimSpace(l) != "" {
			return i
		}
	}
	return -1
}

// parseHeader reads `-- name: X :kind (tag, tag=value)`; msg says what is
// wrong with it.
func parseHeader(line string) (b Block, msg string) {
	const prefix = "-- name: "
	if !strings.HasPrefix(line, prefix) {
		return b, `a header is "-- name: NAME :KIND", at the start of the line`
	}
	rest := line[len(prefix):]
	name, rest, _ := strings.Cut(rest, " ")
	if !isName(name) {
		return b, fmt.Sprintf("name %q: letters, digits and _, not starting with a digit", name)
	}
	b.Name = name
	kind, rest, _ := strings.Cut(rest, " ")
	if !strings.HasPrefix(kind, ":") || !isKind(kind[1:]) {
		return b, fmt.Sprintf(`block %s: the kind after the name is ":" and lower-case letters, e.g. ":view"`, name)
	}
	b.Kind = kind[1:]
	if rest == "" {
		return b, ""
	}
	if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
		return b, fmt.Sprintf("block %s: after the kind only tags, in parentheses: (tag, tag=value)", name)
	}
	list := rest[1 : len(rest)-1]
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		tn, tv, hasValue := strings.Cut(t, "=")
		if !isName(tn) {
			return b, fmt.Sprintf("block %s: tag %q: a name, or name=value", name, t)
		}
		if hasValue && !isValue(tv) {
			return b, fmt.Sprintf("block %s: tag %s: the value after = is one word, without spaces, commas, parentheses or =", name, tn)
		}
		if _, dup := b.Tag(tn); dup {
			return b, fmt.Sprintf("block %s: tag %s given twice", name, tn)
		}
		b.Tags = append(b.Tags, Tag{Name: tn, Value: tv})
	}
	return b, ""
}

func isName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func isKind(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func isValue(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || strings.ContainsRune(",()=", r) {
			return false
		}
	}
	return true
}
