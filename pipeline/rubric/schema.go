package rubric

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// FileError is a problem at a place in a rubric file.
type FileError struct {
	File   string
	Line   int // 1-based; 0 if unknown
	Column int // 1-based; 0 if unknown
	Msg    string
	Err    error // the go-yaml error, if it came from go-yaml
}

func (e *FileError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	if e.Column == 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

func (e *FileError) Unwrap() error { return e.Err }

// GuardYAML turns a panic of the YAML library on a hostile file (go-yaml
// v1.19.2 dereferences nil on some malformed tags, found by fuzzing) into
// a FileError, so that a bad file is refused with a message: deferred by
// every function that reads a file with go-yaml.
func GuardYAML(name string, err *error) {
	if p := recover(); p != nil {
		*err = &FileError{File: name, Msg: fmt.Sprintf("文件无法按 YAML 读取 / not readable as YAML (%v)", p)}
	}
}

// yamlError turns a go-yaml error into a FileError with its line and column.
func yamlError(name string, err error) error {
	fe := &FileError{File: name, Msg: err.Error(), Err: err}
	var ye yaml.Error
	if errors.As(err, &ye) {
		fe.Msg = ye.GetMessage()
		tk := ye.GetToken()
		if tk != nil && tk.Position != nil {
			fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
		}
		// go-yaml words a type error in Go terms; an administrator reads YAML.
		var te *yaml.TypeError
		if errors.As(err, &te) && tk != nil && te.DstType != nil {
			got := strconv.Quote(tk.Value)
			if te.SrcType != nil && (te.SrcType.Kind() == reflect.Slice || te.SrcType.Kind() == reflect.Map) {
				got = kindName(te.SrcType)
			}
			fe.Msg = fmt.Sprintf("%s is not %s", got, kindName(te.DstType))
		}
	}
	return fe
}

// kindName says in YAML terms what a value of type t is written as.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.String:
		return "text"
	case reflect.Struct, reflect.Map:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	}
	return "a " + t.String()
}

// checkSchema walks the parsed file against Rubric's type. It reports what the
// decoder lets through silently: a missing or empty required key (one without
// omitempty) and a fraction or out-of-range number in an integer field, which
// go-yaml truncates. It returns the top-level keys present.
func checkSchema(data []byte, name string) (map[string]bool, error) {
	return checkSchemaOf(data, name, "rubric", reflect.TypeFor[Rubric]())
}

// checkSchemaOf is checkSchema against the type t of a rubric file.
func checkSchemaOf(data []byte, name, what string, t reflect.Type) (map[string]bool, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, err)
	}
	var docs []ast.Node
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d.Body)
		}
	}
	switch {
	case len(docs) == 0:
		return nil, &FileError{File: name, Msg: "empty " + what}
	case len(docs) > 1:
		return nil, &FileError{File: name, Msg: "more than one yaml document; a " + what + " is one"}
	}
	w := schemaWalker{file: name}
	w.walk(docs[0], t, "")
	if w.err != nil {
		return nil, w.err
	}
	present := map[string]bool{}
	for _, mv := range mappingValues(docs[0]) {
		present[keyOf(mv)] = true
	}
	return present, nil
}

type schemaWalker struct {
	file string
	err  error // the first problem, in file order
}

func (w *schemaWalker) fail(n ast.Node, format string, args ...any) {
	if w.err != nil {
		return
	}
	fe := &FileError{File: w.file, Msg: fmt.Sprintf(format, args...)}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
	}
	w.err = fe
}

func (w *schemaWalker) walk(n ast.Node, t reflect.Type, path string) {
	n = unwrap(n)
	if n == nil || w.err != nil {
		return
	}
	if _, ok := n.(*ast.AliasNode); ok {
		return // the anchor it names is checked where it is defined
	}
	if t.Kind() == reflect.Pointer {
		if _, null := n.(*ast.NullNode); null {
			return
		}
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		values := mappingValues(n)
		got := map[string]ast.Node{}
		merged := false
		for _, mv := range values {
			k := keyOf(mv)
			merged = merged || k == "<<"
			got[k] = mv.Value
		}
		for i := range t.NumField() {
			sf := t.Field(i)
			key, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
			v, ok := got[key]
			optional := strings.Contains(opts, "omitempty")
			switch {
			case !ok && !optional && !merged:
				w.fail(firstKey(n, values), "%smissing key %q", at(path), key)
			case ok && !optional && isNull(v):
				w.fail(valueNode(values, key), "%s%s: no value", at(path), key)
			case ok:
				w.walk(v, sf.Type, join(path, key))
			}
		}
	case reflect.Slice:
		if seq, ok := n.(*ast.SequenceNode); ok {
			for i, v := range seq.Values {
				w.walk(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			}
		}
	case reflect.Map:
		for _, mv := range mappingValues(n) {
			w.walk(mv.Value, t.Elem(), join(path, keyOf(mv)))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		switch v := n.(type) {
		case *ast.FloatNode:
			if v.Value != math.Trunc(v.Value) {
				w.fail(n, "%s: %v is not a whole number", path, v.Value)
			} else if math.Abs(v.Value) > 1<<53 {
				w.fail(n, "%s: %v is out of range", path, v.Value)
			}
		case *ast.InfinityNode, *ast.NanNode:
			w.fail(n, "%s: %s is not a whole number", path, n.String())
		}
	}
}

// mappingValues returns the key–value pairs of a mapping node, nil otherwise.
func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch m := unwrap(n).(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

// firstKey is where a mapping starts, for errors about the whole mapping.
func firstKey(n ast.Node, values []*ast.MappingValueNode) ast.Node {
	if len(values) > 0 {
		return values[0].Key
	}
	return n
}

func valueNode(values []*ast.MappingValueNode, key string) ast.Node {
	for _, mv := range values {
		if keyOf(mv) == key {
			return mv
		}
	}
	return nil
}

func keyOf(mv *ast.MappingValueNode) string {
	if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
		return "<<"
	}
	if tk := mv.Key.GetToken(); tk != nil {
		return tk.Value
	}
	return mv.Key.String()
}

// unwrap looks through anchors and tags to the value they mark.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

func isNull(n ast.Node) bool {
	_, ok := unwrap(n).(*ast.NullNode)
	return ok || n == nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func at(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}

// Strict YAML files of other kinds (eligibility profiles) are read with the
// rubric's checks and messages.

// YAMLError is a go-yaml error as a FileError with its line and column.
func YAMLError(name string, err error) error { return yamlError(name, err) }

// CheckSchema reports what go-yaml lets through silently in a file of type
// t (see checkSchema) and returns the top-level keys present. what names
// the kind of file ("profile").
func CheckSchema(data []byte, name, what string, t reflect.Type) (map[string]bool, error) {
	return checkSchemaOf(data, name, what, t)
}

// ExprFileError places an expression's error at path (a YAML path such as
// $.conditions[0].all[1].value) in the parsed file.
func ExprFileError(name string, file *ast.File, path, what string, err error) error {
	return exprFileError(name, file, path, what, err)
}

// MaxAliasExpansion bounds the values a YAML file's aliases stand for,
// counted as if each were written out. go-yaml copies what an alias names
// as it decodes, so a few hundred bytes of aliases naming ten of the one
// before ("billion laughs") decode into billions of values: every byte of
// memory, for as long as it takes, whatever the context says. A hand-
// written file's aliases stand for a few dozen values.
const MaxAliasExpansion = 10000

// CheckAliases refuses a parsed YAML file whose aliases stand for more
// than MaxAliasExpansion values, at the alias that goes over; call it
// before decoding.
func CheckAliases(file *ast.File, name string) error {
	anchors := map[string]int{}
	expanded := 0
	var over ast.Node
	// size counts the values under n, an alias as what it names.
	var size func(n ast.Node) int
	size = func(n ast.Node) int {
		if n == nil || over != nil {
			return 0
		}
		switch n := n.(type) {
		case *ast.DocumentNode:
			return size(n.Body)
		case *ast.TagNode:
			return size(n.Value)
		case *ast.MappingKeyNode:
			return size(n.Value)
		case *ast.AnchorNode:
			s := size(n.Value)
			if n.Name != nil && n.Name.GetToken() != nil {
				anchors[n.Name.GetToken().Value] = s
			}
			return s
		case *ast.AliasNode:
			s := 1
			if n.Value != nil && n.Value.GetToken() != nil {
				if a, ok := anchors[n.Value.GetToken().Value]; ok {
					s = a
				}
			}
			if expanded += s; expanded > MaxAliasExpansion {
				over = n
			}
			return s
		case *ast.MappingNode:
			s := 1
			for _, v := range n.Values {
				s = min(s+size(v), math.MaxInt32)
			}
			return s
		case *ast.MappingValueNode:
			return min(1+size(n.Key)+size(n.Value), math.MaxInt32)
		case *ast.SequenceNode:
			s := 1
			for _, v := range n.Values {
				s = min(s+size(v), math.MaxInt32)
			}
			return s
		}
		return 1
	}
	for _, doc := range file.Docs {
		size(doc)
	}
	if over == nil {
		return nil
	}
	fe := &FileError{File: name, Msg: fmt.Sprintf("its aliases (*name) stand for more than %d values written out; write the values themselves / 别名（*name）展开后过大，请直接写出各项", MaxAliasExpansion)}
	if tk := over.GetToken(); tk != nil && tk.Position != nil {
		fe.Line, fe.Column = tk.Position.Line, tk.Position.Column
	}
	return fe
}
