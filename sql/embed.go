// Package sqlfiles embeds the project's SQL: schema migrations, applied in
// name order, and the analyst views, re-created whenever their text changes.
// The files are meant to be read by people as much as run by code.
package sqlfiles

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed migrations/*.sql views/*.sql assess/*.sql years/*.sql
var files embed.FS

// File is one embedded SQL file.
type File struct {
	Name string // base name, e.g. 0001_init.sql
	Text string
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

// Find returns the file of files with the given base name.
func Find(files []File, name string) (File, bool) {
	for _, f := range files {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

func dir(name string) []File {
	entries, err := fs.ReadDir(files, name)
	if err != nil {
		panic(err) // embedded at build time; cannot fail at run time
	}
	var out []File
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := files.ReadFile(name + "/" + e.Name())
		if err != nil {
			panic(err)
		}
		out = append(out, File{Name: e.Name(), Text: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
