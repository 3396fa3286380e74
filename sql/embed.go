// Package sqlfiles embeds the project's SQL and reads it with one parser:
// schema migrations, applied in name order; the analyst views, re-created
// whenever their text changes; the steps of the yearly assessment; the
// statements on a year's stored results; and the named queries the
// reports run. The files are meant to be read by people as much as run by
// code.
//
// # Files and blocks
//
// A migration is a script: SQL run whole, in one transaction, with no
// header. Every other file is a head — comment lines and blank lines
// only, the file's description — and one or more named blocks:
//
//	-- name: NAME :KIND (TAG, TAG=VALUE)
//	-- The description: the comment lines right under the header.
//	SQL …
//
// by this grammar, line by line:
//
//	file    = script | head block { block }
//	script  = text without a header line
//	head    = { comment | blank }
//	block   = header { comment } body
//	header  = "-- name: " name " :" kind [ " (" tag { "," tag } ")" ]
//	name    = ( letter | "_" ) { letter | digit | "_" }    ASCII letters and digits
//	kind    = lower { lower }                              a–z
//	tag     = name [ "=" value ]                           spaces around a tag are allowed
//	value   = one or more printable characters, none of them a space, ",", "(", ")" or "="
//	body    = the lines up to the next header or the end, at least one of them SQL
//	comment = a line whose first non-space characters are "--"
//
// A header starts its line, with single spaces as shown (trailing spaces
// are ignored). A comment line whose text starts with "name:" in any case
// or spacing is taken for a header and must be a valid one, so that a
// misspelt header is an error, not a comment that joins its statements to
// the block above. A block's name is unique in its folder. Each folder
// allows some kinds, and each kind some tags:
//
//	folder       kinds         tags
//	migrations   (scripts)
//	views        view, macro   —
//	assess       exec          parallel: run on all of DuckDB's threads (see pipeline/assess);
//	                           then=NAME: after the block, pipeline/assess runs what it
//	                           compiles from the rubric (sums, points) or checks (unmatched,
//	                           rescore)
//	years        exec          parallel
//	reports      query, exec   —
//
// Errors name the file and line: sql/views/0010_inputs.sql:12: ….
// The embedded files are read once, at first use; one that breaks the
// grammar panics then, and the package's tests read every file.
//
// The queries of reports/ use named parameters ($batch_id), bound with
// sql.Named; Query looks one up by its block's name. Callers run them with
// Rows or Row (or Bind), which check that the names given are the names
// the query uses: go-duckdb binds a name the query lacks by position.
// The folder also holds the few statements that write without returning
// rows (the run ledger's updates), as :exec blocks run with Exec.
package sqlfiles

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"
)

//go:embed migrations/*.sql views/*.sql assess/*.sql years/*.sql reports/*.sql
var files embed.FS

// File is one embedded SQL file.
type File struct {
	Name   string  // base name, e.g. 0001_init.sql
	Text   string  // the whole text (a migration is run as it is)
	Blocks []Block // its named blocks in order; none in a migration
}

// Block returns f's block of the given name.
func (f File) Block(name string) (Block, bool) {
	for _, b := range f.Blocks {
		if b.Name == name {
			return b, true
		}
	}
	return Block{}, false
}

// Migrations returns the schema migrations in the order they are applied.
func Migrations() []File { return dir("migrations") }

// Views returns the view definitions in the order they are created.
func Views() []File { return dir("views") }

// Assessment returns the steps of the yearly assessment in the order they run.
func Assessment() []File { return dir("assess") }

// Years returns the statements that act on a year's stored results as a
// whole (removing an unpublished year's results).
func Years() []File { return dir("years") }

// Reports returns the files of the reports' named queries.
func Reports() []File { return dir("reports") }

// Query returns the SQL of the query block name of sql/reports.
func Query(name string) (string, error) {
	for _, f := range Reports() {
		if b, ok := f.Block(name); ok {
			return b.SQL, nil
		}
	}
	return "", fmt.Errorf("no query %q in sql/reports", name)
}

// Find returns the file of files with the given base name.
func Find(files []File, name string) (File, bool) {
	for _, f := range files {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

// folder says what the files of one folder may hold.
type folder struct {
	name    string
	scripts bool     // migrations: scripts only, no headers
	kinds   []string // the kinds its blocks may be
}

var folders = []folder{
	{name: "migrations", scripts: true},
	{name: "views", kinds: []string{"view", "macro"}},
	{name: "assess", kinds: []string{"exec"}},
	{name: "years", kinds: []string{"exec"}},
	{name: "reports", kinds: []string{"query", "exec"}},
}

// kindTags are the tags each kind allows, and whether they take a value.
var kindTags = map[string]map[string]bool{
	"view":  {},
	"macro": {},
	"exec":  {"parallel": false, "then": true},
	"query": {},
}

// loaded holds every folder's files, read and checked once.
var loaded = sync.OnceValues(func() (map[string][]File, error) { return load(files) })

func dir(name string) []File {
	all, err := loaded()
	if err != nil {
		panic(err) // embedded at build time; the package's tests read every file
	}
	return slices.Clone(all[name])
}

// load reads and checks the folders of fsys.
func load(fsys fs.FS) (map[string][]File, error) {
	out := map[string][]File{}
	for _, d := range folders {
		got, err := loadFolder(fsys, d)
		if err != nil {
			return nil, err
		}
		out[d.name] = got
	}
	return out, nil
}

func loadFolder(fsys fs.FS, d folder) ([]File, error) {
	entries, err := fs.ReadDir(fsys, d.name)
	if err != nil {
		return nil, err
	}
	var out []File
	names := map[string]string{} // block name → where it was first named
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(fsys, d.name+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		f := File{Name: e.Name(), Text: string(b)}
		path := "sql/" + d.name + "/" + f.Name
		if f.Blocks, err = Parse(path, f.Text); err != nil {
			return nil, err
		}
		if err := d.check(path, f, names); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// check holds f's blocks to what the folder allows; names gathers the
// folder's block names.
func (d folder) check(path string, f File, names map[string]string) error {
	if d.scripts {
		if len(f.Blocks) > 0 {
			return &SyntaxError{File: path, Line: f.Blocks[0].Line, Msg: "a migration is run whole: it has no -- name: headers"}
		}
		return nil
	}
	if len(f.Blocks) == 0 {
		return &SyntaxError{File: path, Line: 1, Msg: "no -- name: header: the statements of sql/" + d.name + " are in named blocks"}
	}
	for _, b := range f.Blocks {
		if !slices.Contains(d.kinds, b.Kind) {
			return &SyntaxError{File: path, Line: b.Line, Msg: fmt.Sprintf("block %s: kind :%s; sql/%s holds %s", b.Name, b.Kind, d.name, ":"+strings.Join(d.kinds, ", :"))}
		}
		for _, t := range b.Tags {
			takesValue, ok := kindTags[b.Kind][t.Name]
			switch {
			case !ok:
				return &SyntaxError{File: path, Line: b.Line, Msg: fmt.Sprintf("block %s: :%s has no tag %s", b.Name, b.Kind, t.Name)}
			case takesValue && t.Value == "":
				return &SyntaxError{File: path, Line: b.Line, Msg: fmt.Sprintf("block %s: tag %s takes a value: %s=…", b.Name, t.Name, t.Name)}
			case !takesValue && t.Value != "":
				return &SyntaxError{File: path, Line: b.Line, Msg: fmt.Sprintf("block %s: tag %s takes no value", b.Name, t.Name)}
			}
		}
		if prev, dup := names[b.Name]; dup {
			return &SyntaxError{File: path, Line: b.Line, Msg: fmt.Sprintf("block %s is already named at %s", b.Name, prev)}
		}
		names[b.Name] = b.Where()
	}
	return nil
}
