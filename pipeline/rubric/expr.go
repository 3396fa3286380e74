package rubric

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Value expressions of a version 2 rubric (SPEC §7, "Values"): what an
// indicator measures, over S, the window quarters the carrier reported.
// They are parsed here into a small typed tree — names and functions from
// fixed lists — and compiled into SQL by CompileSQL; the text a bureau
// writes is never pasted into a statement.
//
//	expr    := term { ("+" | "-") term }
//	term    := unary { ("*" | "/") unary }
//	unary   := "-" unary | primary
//	primary := number | name | name "(" [ expr { "," expr } ] ")" | "(" expr ")"
//
// Names: the registry columns area_m2, service_area_m2, workstations and
// staff. Functions: sum, avg, min, max and last of a quarterly column;
// quarters(), on_time() and reporting(); expert(ITEM); coalesce(a, …),
// least(a, b) and greatest(a, b).

// Expr is a parsed value expression.
type Expr interface {
	// String prints the expression back in its canonical form.
	String() string
	pos() int
}

// Num is a decimal literal, kept as written (digits and at most one point).
type Num struct {
	Text string
	At   int
}

// Agg is an aggregate of a quarterly column over S: sum, avg, min, max, last.
type Agg struct {
	Fn, Column string
	At         int
}

// Count is quarters(), on_time() or reporting().
type Count struct {
	Fn string
	At int
}

// Registry is a registry column of the carrier.
type Registry struct {
	Column string
	At     int
}

// Expert is expert(ITEM): the carrier's expert score for ITEM in the year.
type Expert struct {
	Item string
	At   int
}

// Binary is a + b, a - b, a * b or a / b.
type Binary struct {
	Op   byte
	L, R Expr
	At   int
}

// Neg is -x.
type Neg struct {
	X  Expr
	At int
}

// Call is coalesce(a, …), least(a, b) or greatest(a, b).
type Call struct {
	Fn   string
	Args []Expr
	At   int
}

func (n *Num) pos() int      { return n.At }
func (n *Agg) pos() int      { return n.At }
func (n *Count) pos() int    { return n.At }
func (n *Registry) pos() int { return n.At }
func (n *Expert) pos() int   { return n.At }
func (n *Binary) pos() int   { return n.At }
func (n *Neg) pos() int      { return n.At }
func (n *Call) pos() int     { return n.At }

func (n *Num) String() string      { return n.Text }
func (n *Agg) String() string      { return n.Fn + "(" + n.Column + ")" }
func (n *Count) String() string    { return n.Fn + "()" }
func (n *Registry) String() string { return n.Column }
func (n *Expert) String() string   { return "expert(" + n.Item + ")" }
func (n *Neg) String() string      { return "-" + wrap(n.X, 3) }
func (n *Binary) String() string {
	p := prec(n.Op)
	// The right side of - and / keeps its parentheses at equal precedence.
	rp := p
	if n.Op == '-' || n.Op == '/' {
		rp++
	}
	return wrap(n.L, p) + " " + string(n.Op) + " " + wrap(n.R, rp)
}
func (n *Call) String() string {
	parts := make([]string, len(n.Args))
	for i, a := range n.Args {
		parts[i] = a.String()
	}
	return n.Fn + "(" + strings.Join(parts, ", ") + ")"
}

func prec(op byte) int {
	if op == '*' || op == '/' {
		return 2
	}
	return 1
}

// wrap prints x, in parentheses when it binds less tightly than min.
func wrap(x Expr, min int) string {
	if b, ok := x.(*Binary); ok && prec(b.Op) < min {
		return "(" + b.String() + ")"
	}
	if _, ok := x.(*Neg); ok && min > 2 {
		return "(" + x.String() + ")"
	}
	return x.String()
}

// QuarterlyColumns are the columns of SPEC §3.2 an aggregate may read.
var QuarterlyColumns = []string{"incubating", "filed", "new_entrants", "graduated", "exited", "trainings",
	"trainees", "events", "jobs", "revenue", "ip_granted", "financing", "financed", "utilization"}

// RegistryColumns are the registry columns an expression may name.
var RegistryColumns = []string{"area_m2", "service_area_m2", "workstations", "staff"}

var (
	aggregates = []string{"sum", "avg", "min", "max", "last"}
	counts     = []string{"quarters", "on_time", "reporting"}
	itemCode   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// MaxExprLen bounds an expression's text; a rubric is written by a person.
const MaxExprLen = 2000

// maxDepth bounds nesting, so that a hostile file cannot exhaust the stack.
const maxDepth = 50

// ExprError is a mistake in an expression: Col is the 1-based column (in
// characters) in the expression's text.
type ExprError struct {
	Col int
	Msg string
}

func (e *ExprError) Error() string { return fmt.Sprintf("column %d: %s", e.Col, e.Msg) }

// Env is what an expression may name: the bare names (read as Registry
// nodes: a column of the subject) and whether the quarterly aggregates,
// the counts and expert(ITEM) are there. The rubric's values are read in
// RubricEnv; an eligibility profile's conditions (pipeline/eligibility) in
// environments of their own.
type Env struct {
	Names      []string
	Aggregates bool // sum, avg, min, max, last of a quarterly column
	Counts     bool // quarters(), on_time(), reporting()
	Expert     bool // expert(ITEM)
}

// RubricEnv is a rubric's value expressions' (SPEC §7, "Values").
var RubricEnv = Env{Names: RegistryColumns, Aggregates: true, Counts: true, Expert: true}

// ParseExpr parses a value expression of a rubric (RubricEnv).
func ParseExpr(text string) (Expr, error) { return ParseExprIn(text, RubricEnv) }

// ParseExprIn parses an expression that may name what env allows.
func ParseExprIn(text string, env Env) (Expr, error) {
	if len(text) > MaxExprLen {
		return nil, &ExprError{Col: 1, Msg: fmt.Sprintf("the expression is %d bytes long; at most %d", len(text), MaxExprLen)}
	}
	if !utf8.ValidString(text) {
		return nil, &ExprError{Col: 1, Msg: "the expression is not valid UTF-8"}
	}
	p := &exprParser{src: text, env: env}
	p.next()
	x, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.errorf(p.tok.at, "unexpected %s after a complete expression", p.tok.describe())
	}
	return x, nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tName
	tOp // + - * / ( ) ,
	tBad
)

type token struct {
	kind tokKind
	text string
	at   int // byte offset
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "the end"
	case tNum:
		return "number " + t.text
	case tName:
		return "name " + t.text
	}
	return fmt.Sprintf("%q", t.text)
}

type exprParser struct {
	src string
	off int
	tok token
	env Env
}

func (p *exprParser) col(at int) int { return utf8.RuneCountInString(p.src[:at]) + 1 }

func (p *exprParser) errorf(at int, format string, args ...any) error {
	return &ExprError{Col: p.col(at), Msg: fmt.Sprintf(format, args...)}
}

func (p *exprParser) next() {
	for p.off < len(p.src) && (p.src[p.off] == ' ' || p.src[p.off] == '\t' || p.src[p.off] == '\n' || p.src[p.off] == '\r') {
		p.off++
	}
	start := p.off
	if p.off >= len(p.src) {
		p.tok = token{tEOF, "", start}
		return
	}
	c := p.src[p.off]
	switch {
	case c >= '0' && c <= '9' || c == '.':
		dots := 0
		for p.off < len(p.src) && (p.src[p.off] >= '0' && p.src[p.off] <= '9' || p.src[p.off] == '.') {
			if p.src[p.off] == '.' {
				dots++
			}
			p.off++
		}
		text := p.src[start:p.off]
		kind := tNum
		whole, frac, _ := strings.Cut(text, ".")
		if dots > 1 || whole == "" || strings.HasSuffix(text, ".") || len(whole) > 18 || len(frac) > 10 {
			kind = tBad
		}
		p.tok = token{kind, text, start}
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_':
		for p.off < len(p.src) {
			d := p.src[p.off]
			if !(d >= 'a' && d <= 'z' || d >= 'A' && d <= 'Z' || d == '_' || d >= '0' && d <= '9') {
				break
			}
			p.off++
		}
		p.tok = token{tName, p.src[start:p.off], start}
	case strings.IndexByte("+-*/(),", c) >= 0:
		p.off++
		p.tok = token{tOp, string(c), start}
	default:
		_, size := utf8.DecodeRuneInString(p.src[p.off:])
		p.off += size
		p.tok = token{tBad, p.src[start:p.off], start}
	}
}

func (p *exprParser) expr(depth int) (Expr, error) {
	if depth > maxDepth {
		return nil, p.errorf(p.tok.at, "the expression nests more than %d deep", maxDepth)
	}
	x, err := p.term(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tOp && (p.tok.text == "+" || p.tok.text == "-") {
		op, at := p.tok.text[0], p.tok.at
		p.next()
		y, err := p.term(depth)
		if err != nil {
			return nil, err
		}
		x = &Binary{Op: op, L: x, R: y, At: at}
	}
	return x, nil
}

func (p *exprParser) term(depth int) (Expr, error) {
	x, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tOp && (p.tok.text == "*" || p.tok.text == "/") {
		op, at := p.tok.text[0], p.tok.at
		p.next()
		y, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		x = &Binary{Op: op, L: x, R: y, At: at}
	}
	return x, nil
}

func (p *exprParser) unary(depth int) (Expr, error) {
	if p.tok.kind == tOp && p.tok.text == "-" {
		at := p.tok.at
		p.next()
		if depth > maxDepth {
			return nil, p.errorf(at, "the expression nests more than %d deep", maxDepth)
		}
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Neg{X: x, At: at}, nil
	}
	return p.primary(depth)
}

func (p *exprParser) primary(depth int) (Expr, error) {
	t := p.tok
	switch t.kind {
	case tNum:
		p.next()
		return &Num{Text: t.text, At: t.at}, nil
	case tBad:
		if t.text != "" && (t.text[0] >= '0' && t.text[0] <= '9' || t.text[0] == '.') {
			return nil, p.errorf(t.at, "%q is not a number (write digits with at most one point, e.g. 0.15; at most 18 digits before it and 10 after)", t.text)
		}
		return nil, p.errorf(t.at, "unexpected character %q", t.text)
	case tOp:
		if t.text == "(" {
			p.next()
			x, err := p.expr(depth + 1)
			if err != nil {
				return nil, err
			}
			if p.tok.kind != tOp || p.tok.text != ")" {
				return nil, p.errorf(p.tok.at, "expected \")\" to close the \"(\" at column %d, found %s", p.col(t.at), p.tok.describe())
			}
			p.next()
			return x, nil
		}
		return nil, p.errorf(t.at, "expected a number, a name or \"(\", found %s", t.describe())
	case tEOF:
		return nil, p.errorf(t.at, "the expression ends where a value is expected")
	}
	// A name, perhaps called.
	name := t.text
	p.next()
	if p.tok.kind != tOp || p.tok.text != "(" {
		if contains(p.env.Names, name) {
			return &Registry{Column: name, At: t.at}, nil
		}
		if p.env.Aggregates && contains(QuarterlyColumns, name) {
			return nil, p.errorf(t.at, "%s is a quarterly column: say how the quarters combine, e.g. sum(%s) or last(%s)", name, name, name)
		}
		if contains(p.functions(), name) {
			return nil, p.errorf(t.at, "%s is a function: write %s(…)", name, name)
		}
		return nil, p.errorf(t.at, "unknown name %q; the names are the columns %s, and the functions %s", name,
			strings.Join(p.env.Names, ", "), strings.Join(p.functionNames(), ", "))
	}
	if !contains(p.functions(), name) {
		return nil, p.errorf(t.at, "unknown function %q; the functions are %s", name, strings.Join(p.functionNames(), ", "))
	}
	open := p.tok.at
	p.next()
	switch {
	case contains(aggregates, name):
		if p.tok.kind != tName {
			return nil, p.errorf(p.tok.at, "%s takes a quarterly column (%s), found %s", name, strings.Join(QuarterlyColumns, ", "), p.tok.describe())
		}
		col := p.tok.text
		if !contains(QuarterlyColumns, col) {
			return nil, p.errorf(p.tok.at, "unknown quarterly column %q; the columns are %s", col, strings.Join(QuarterlyColumns, ", "))
		}
		p.next()
		if err := p.close(name, open); err != nil {
			return nil, err
		}
		return &Agg{Fn: name, Column: col, At: t.at}, nil
	case contains(counts, name):
		if err := p.close(name, open); err != nil {
			return nil, err
		}
		return &Count{Fn: name, At: t.at}, nil
	case name == "expert":
		if p.tok.kind != tName || !itemCode.MatchString(p.tok.text) {
			return nil, p.errorf(p.tok.at, "expert takes an item code ([a-z][a-z0-9_]*, as in the expert score file), found %s", p.tok.describe())
		}
		item := p.tok.text
		p.next()
		if err := p.close(name, open); err != nil {
			return nil, err
		}
		return &Expert{Item: item, At: t.at}, nil
	case name == "coalesce" || name == "least" || name == "greatest":
		var args []Expr
		for {
			a, err := p.expr(depth + 1)
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.tok.kind == tOp && p.tok.text == "," {
				p.next()
				continue
			}
			break
		}
		if err := p.close(name, open); err != nil {
			return nil, err
		}
		if name != "coalesce" && len(args) != 2 {
			return nil, p.errorf(t.at, "%s takes two values, not %d", name, len(args))
		}
		if name == "coalesce" && len(args) < 2 {
			return nil, p.errorf(t.at, "coalesce takes two values or more")
		}
		return &Call{Fn: name, Args: args, At: t.at}, nil
	}
	return nil, p.errorf(t.at, "unknown function %q; the functions are %s", name, strings.Join(p.functionNames(), ", "))
}

// close expects the ")" of a call to fn opened at open.
func (p *exprParser) close(fn string, open int) error {
	if p.tok.kind == tOp && p.tok.text == ")" {
		p.next()
		return nil
	}
	if p.tok.kind == tOp && p.tok.text == "," {
		return p.errorf(p.tok.at, "%s takes one argument", fn)
	}
	return p.errorf(p.tok.at, "expected \")\" to close %s( at column %d, found %s", fn, p.col(open)-len(fn), p.tok.describe())
}

// functions are the function names p.env allows.
func (p *exprParser) functions() []string {
	var out []string
	if p.env.Aggregates {
		out = append(out, aggregates...)
	}
	if p.env.Counts {
		out = append(out, counts...)
	}
	if p.env.Expert {
		out = append(out, "expert")
	}
	return append(out, "coalesce", "least", "greatest")
}

// functionNames are the functions p.env allows, as an error lists them.
func (p *exprParser) functionNames() []string {
	var out []string
	for _, f := range p.functions() {
		switch {
		case contains(aggregates, f):
			out = append(out, f+"(column)")
		case contains(counts, f):
			out = append(out, f+"()")
		case f == "expert":
			out = append(out, "expert(item)")
		case f == "coalesce":
			out = append(out, "coalesce(a, b, …)")
		default:
			out = append(out, f+"(a, b)")
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Walk calls f for x and every expression inside it, depth first.
func Walk(x Expr, f func(Expr)) {
	f(x)
	switch n := x.(type) {
	case *Binary:
		Walk(n.L, f)
		Walk(n.R, f)
	case *Neg:
		Walk(n.X, f)
	case *Call:
		for _, a := range n.Args {
			Walk(a, f)
		}
	}
}

// ExpertItems lists the expert items x reads, in order of appearance.
func ExpertItems(x Expr) []string {
	var items []string
	Walk(x, func(e Expr) {
		if n, ok := e.(*Expert); ok && !contains(items, n.Item) {
			items = append(items, n.Item)
		}
	})
	return items
}

// SQLNames says how CompileSQL names what an expression reads: the SQL of
// an aggregate of a quarterly column over the carrier's window quarters,
// of a count, of a registry column and of an expert score. Each must be a
// complete SQL expression of a numeric type, NULL where blank.
type SQLNames interface {
	Aggregate(fn, column string) string
	Count(fn string) string
	Registry(column string) string
	Expert(item string) string
}

// CompileSQL writes x as a SQL expression of DOUBLE values, from the tree
// alone: literals are re-printed from their checked digits and names come
// from names, so nothing of the rubric's text reaches SQL as written. Blank
// propagates through arithmetic; a division by zero is blank; least and
// greatest of a blank are blank (DuckDB's own skip NULLs). snap, if not
// "", names the SQL macro applied to every arithmetic result (the
// assessment's rounds it to 10 decimal places, so that 0.1 + 0.2 is 0.3 and
// 0.9 / 0.3 is 3, as in decimal).
func CompileSQL(x Expr, names SQLNames, snap string) string {
	wrap := func(s string) string {
		if snap == "" {
			return s
		}
		return snap + s
	}
	switch n := x.(type) {
	case *Num:
		return "CAST(" + n.Text + " AS DOUBLE)"
	case *Agg:
		return names.Aggregate(n.Fn, n.Column)
	case *Count:
		return names.Count(n.Fn)
	case *Registry:
		return names.Registry(n.Column)
	case *Expert:
		return names.Expert(n.Item)
	case *Neg:
		return "(-" + CompileSQL(n.X, names, snap) + ")"
	case *Binary:
		l, r := CompileSQL(n.L, names, snap), CompileSQL(n.R, names, snap)
		if n.Op == '/' {
			return wrap("(" + l + " / NULLIF(" + r + ", 0))")
		}
		return wrap("(" + l + " " + string(n.Op) + " " + r + ")")
	case *Call:
		args := make([]string, len(n.Args))
		for i, a := range n.Args {
			args[i] = CompileSQL(a, names, snap)
		}
		if n.Fn == "coalesce" {
			return "coalesce(" + strings.Join(args, ", ") + ")"
		}
		return "(CASE WHEN (" + args[0] + ") IS NULL OR (" + args[1] + ") IS NULL THEN NULL ELSE " +
			n.Fn + "(" + args[0] + ", " + args[1] + ") END)"
	}
	panic(fmt.Sprintf("rubric: unknown expression node %T", x))
}
