package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// scriptReader plays lines as if typed; "^C" is Ctrl-C at the prompt, and
// the end of the script is Ctrl-D. onLine runs as a line is returned.
type scriptReader struct {
	lines   []string
	prompts []string
	history []string
	onLine  func(line string)
}

func (s *scriptReader) Prompt(p string) (string, error) {
	s.prompts = append(s.prompts, p)
	if len(s.lines) == 0 {
		return "", io.EOF
	}
	l := s.lines[0]
	s.lines = s.lines[1:]
	if l == "^C" {
		return "", errLineAborted
	}
	if s.onLine != nil {
		s.onLine(l)
	}
	return l, nil
}

func (s *scriptReader) AppendHistory(l string) { s.history = append(s.history, l) }

// replFor opens a REPL session on db writing to buffers.
func replFor(t *testing.T, db string) (*replSession, *bytes.Buffer, *bytes.Buffer, chan os.Signal) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, dbPath: db}
	r := &replSession{a: a, o: sqlOptions{format: "table", maxRows: 1000, interactive: true}}
	if err := r.open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.close)
	sigs := make(chan os.Signal, 1)
	r.interrupts = sigs
	return r, &out, &errb, sigs
}

// The REPL's line processing, driven with a scripted line reader (no
// pseudo-terminal package is in the module graph): multi-line statements
// ended by ';', several on a line, dot commands, Ctrl-C at the prompt,
// history.
func TestREPLLinesStatementsAndDotCommands(t *testing.T) {
	db := mustSQLDB(t)
	r, out, errb, _ := replFor(t, db)
	file := filepath.Join(t.TempDir(), "answer.csv")
	lr := &scriptReader{lines: []string{
		".format csv",
		"SELECT id, name",
		"FROM samples -- a comment; not the end",
		"WHERE id = 1;",
		"SELECT 'a;b' AS s; SELECT 2 AS two;",
		"SELECT 'never run'",
		"^C",
		".timer on",
		"SELECT 3 AS three;",
		".timer off",
		".output " + file,
		"SELECT count(*) AS n FROM samples;",
		".output",
		".format table",
		".schema assessments",
		".views",
		"CREATE TABLE x (a INT);",
		".nosuch",
		".help",
		".quit",
		"SELECT 'after quit';",
	}}
	if err := r.loop(context.Background(), lr); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"id,name\n1,城关区众创空间\n",
		"s\na;b\n",
		"two\n2\n",
		"three\n3\n",
		"assessments — ",
		"rank_overall",
		"carrier_history",
		".schema NAME",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("stdout lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "never run") || strings.Contains(got, "after quit") {
		t.Errorf("ran what it should not have:\n%s", got)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "n\n5\n" {
		t.Errorf(".output file: %q %v", b, err)
	}
	e := errb.String()
	for _, want := range []string{"Run Time: ", "nothing was changed", "unknown command .nosuch", "written to " + file} {
		if !strings.Contains(e, want) {
			t.Errorf("stderr lacks %q:\n%s", want, e)
		}
	}
	if strings.Count(e, "Run Time: ") != 1 {
		t.Errorf(".timer off did not stop the timer:\n%s", e)
	}
	wantPrompts := []string{replPrompt, replPrompt, replContinue, replContinue, replPrompt, replPrompt, replContinue}
	if diff := cmp.Diff(wantPrompts, lr.prompts[:len(wantPrompts)]); diff != "" {
		t.Errorf("prompts (-want +got)\n%s", diff)
	}
	// One history entry a statement, on one line, without the comment
	// that would swallow the rest when recalled.
	if want := "SELECT id, name FROM samples  WHERE id = 1;"; len(lr.history) < 2 || lr.history[1] != want {
		t.Errorf("history %q, want [1] = %q", lr.history, want)
	}
}

// Ctrl-C while a statement runs stops it (DuckDB is interrupted) and the
// session goes on with the next line.
func TestREPLCtrlCStopsTheRunningQuery(t *testing.T) {
	db := mustSQLDB(t)
	for _, format := range []string{"csv", "arrow"} {
		r, out, errb, sigs := replFor(t, db)
		long := "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3;"
		lr := &scriptReader{lines: []string{".format " + format, ".output " + filepath.Join(t.TempDir(), "x.out"), long, ".output", ".format csv", "SELECT 'still here' AS s;"}}
		lr.onLine = func(l string) {
			if l == long {
				go func() {
					time.Sleep(300 * time.Millisecond)
					sigs <- os.Interrupt
				}()
			}
		}
		t0 := time.Now()
		if err := r.loop(context.Background(), lr); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(t0); took > 10*time.Second {
			t.Errorf("%s: Ctrl-C took %s to stop the query", format, took)
		}
		if !strings.Contains(errb.String(), "query stopped (Ctrl-C)") || !strings.Contains(out.String(), "still here") {
			t.Errorf("%s: stdout %q stderr %q", format, out, errb)
		}
	}
}

func TestSplitStatements(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		rest string
	}{
		{"SELECT 1", nil, "SELECT 1"},
		{"SELECT 1;", []string{"SELECT 1;"}, ""},
		{"SELECT 1; SELECT 2;\n", []string{"SELECT 1;", "SELECT 2;"}, "\n"},
		{"SELECT ';' AS s", nil, "SELECT ';' AS s"},
		{"SELECT 'it''s;';", []string{"SELECT 'it''s;';"}, ""},
		{"SELECT \"a;b\" FROM t;", []string{"SELECT \"a;b\" FROM t;"}, ""},
		{"SELECT 1 -- no;\n", nil, "SELECT 1 -- no;\n"},
		{"SELECT /* ; */ 1;", []string{"SELECT /* ; */ 1;"}, ""},
		{"SELECT $$;$$;", []string{"SELECT $$;$$;"}, ""},
		{"SELECT $year;", []string{"SELECT $year;"}, ""},
		{";;", nil, ""},
		{"-- just a note;\n", nil, "-- just a note;\n"},
		{"SELECT 'open", nil, "SELECT 'open"},
	} {
		got, rest := splitStatements(c.in)
		if !cmp.Equal(c.want, got) || rest != c.rest {
			t.Errorf("splitStatements(%q) = %q, %q; want %q, %q", c.in, got, rest, c.want, c.rest)
		}
	}
}
