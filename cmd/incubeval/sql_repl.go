package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/peterh/liner"

	"github.com/incubeval/incubeval/pipeline/store"
)

const (
	replPrompt   = "incubeval> "
	replContinue = "      ...> "
)

const replHelp = `Statements end with ';' and may span lines. Ctrl-C stops a running query
(or clears a half-typed one); Ctrl-D or .quit leaves.

.views            the views, with a line of description each
.schema NAME      one view's columns and their types
.format F         table | csv | json | ndjson | parquet | arrow | xlsx
.output FILE      write results to FILE (its extension picks the format);
.output           back to the screen
.timer on|off     print how long each statement took
.help             this text
.quit             leave (also .exit, Ctrl-D)
`

// errLineAborted is what a lineReader returns when Ctrl-C is pressed at
// the prompt.
var errLineAborted = errors.New("line aborted")

// lineReader is where the REPL reads its lines: liner on a terminal, a
// plain reader otherwise, a script in tests.
type lineReader interface {
	// Prompt returns one line, io.EOF at Ctrl-D, errLineAborted at Ctrl-C.
	Prompt(prompt string) (string, error)
	AppendHistory(line string)
}

// replSession is one REPL: the open snapshot (or database), the settings
// the dot commands change, and the statement being typed.
type replSession struct {
	a       *app
	o       sqlOptions
	named   []any
	st      *store.Reader
	conn    *sql.Conn
	opened  string // the snapshot that is open (snapshotID), to notice a newer one
	timer   bool
	pending strings.Builder
	// interrupts delivers Ctrl-C (SIGINT) while a statement runs.
	interrupts <-chan os.Signal
}

// runREPL is `incubeval sql` without a query on a terminal.
func (a *app) runREPL(ctx context.Context, o sqlOptions, named []any) error {
	// main cancels the command's context at the first Ctrl-C; here Ctrl-C
	// stops one statement, so the session has its own signal handling.
	ctx = context.WithoutCancel(ctx)
	o.interactive = true
	r := &replSession{a: a, o: o, named: named}
	if err := r.open(ctx); err != nil {
		return err
	}
	defer r.close()

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	r.interrupts = sigs

	var lr lineReader
	if isTerminal(a.stdout) {
		ln := liner.NewLiner()
		ln.SetCtrlCAborts(true)
		ln.SetMultiLineMode(true)
		hist := historyPath()
		readHistory(hist, ln)
		defer func() {
			if hist != "" {
				if err := a.saveHistory(hist, ln); err != nil {
					fmt.Fprintln(a.stderr, termSafeLines("incubeval: history not saved / 未保存历史记录: "+err.Error()))
				}
			}
			ln.Close()
		}()
		// SIGTERM at the prompt: put the terminal back before leaving.
		term := make(chan os.Signal, 1)
		signal.Notify(term, syscall.SIGTERM)
		defer signal.Stop(term)
		go func() {
			if _, ok := <-term; ok {
				ln.Close()
				os.Exit(128 + int(syscall.SIGTERM))
			}
		}()
		lr = linerReader{ln}
	} else {
		lr = &plainReader{in: a.stdin, prompt: a.stderr}
	}
	fmt.Fprintln(a.stderr, `Enter SQL ending with ";", .help for help, Ctrl-D to leave / 输入以分号结尾的查询，.help 查看帮助`)
	return r.loop(ctx, lr)
}

// loop reads lines until Ctrl-D or .quit.
func (r *replSession) loop(ctx context.Context, lr lineReader) error {
	for {
		prompt := replPrompt
		if r.pending.Len() > 0 {
			prompt = replContinue
		}
		line, err := lr.Prompt(prompt)
		switch {
		case errors.Is(err, errLineAborted):
			r.pending.Reset()
			continue
		case errors.Is(err, io.EOF):
			if r.pending.Len() > 0 {
				fmt.Fprintln(r.a.stderr, "(the unfinished statement was not run: it has no ';')")
			}
			return nil
		case err != nil:
			return err
		}
		if quit := r.line(ctx, line, lr); quit {
			return nil
		}
	}
}

// line handles one line: a dot command, or part of a statement; it runs
// every statement the line completes. It reports whether to leave.
func (r *replSession) line(ctx context.Context, line string, lr lineReader) (quit bool) {
	if r.pending.Len() == 0 && strings.HasPrefix(strings.TrimSpace(line), ".") {
		cmd := strings.TrimSpace(line)
		lr.AppendHistory(cmd)
		return r.dot(ctx, cmd)
	}
	if r.pending.Len() == 0 && strings.TrimSpace(line) == "" {
		return false
	}
	r.pending.WriteString(line)
	r.pending.WriteString("\n")
	statements, rest := splitStatements(r.pending.String())
	if len(statements) == 0 {
		return false
	}
	lr.AppendHistory(historyLine(r.pending.String()))
	r.pending.Reset()
	if strings.TrimSpace(rest) != "" {
		r.pending.WriteString(rest)
	}
	for _, s := range statements {
		if !r.statement(ctx, s) {
			break
		}
	}
	return false
}

// statement runs one statement; it reports whether to go on with the
// next one on the same line (not after an error or Ctrl-C).
func (r *replSession) statement(ctx context.Context, query string) bool {
	if err := r.refresh(ctx); err != nil {
		fmt.Fprintln(r.a.stderr, err)
		return false
	}
	o := r.o
	if o.format == "parquet" && o.output == "" {
		fmt.Fprintln(r.a.stderr, "parquet needs a file: .output FILE.parquet first")
		return false
	}
	if o.output == "" && (o.format == "arrow" || o.format == "xlsx") {
		fmt.Fprintf(r.a.stderr, "%s is binary: .output FILE first\n", o.format)
		return false
	}
	// Drop a Ctrl-C pressed between statements: it was not for this one.
	select {
	case <-r.interrupts:
	default:
	}
	qctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		select {
		case <-r.interrupts:
			cancel()
		case <-done:
		}
	}()
	t0 := time.Now()
	out := &countingWriter{w: r.a.stdout}
	saved := r.a.stdout
	r.a.stdout = out
	err := r.a.runQuery(qctx, r.conn, o, query, r.named)
	if err != nil && qctx.Err() == nil && store.IsCorrupt(err) {
		// The file read is damaged: the session moves to the other one
		// (the last good snapshot, or the database) if it is good.
		st, conn, rerr := r.a.rereadAfterDamage(qctx, r.st.Path, err, out.n > 0, store.ReaderOptions{MemoryLimit: r.o.memoryLimit})
		if err = rerr; rerr == nil {
			r.close()
			r.st, r.conn, r.opened = st, conn, snapshotID(r.a.dbPath)
			err = r.a.runQuery(qctx, r.conn, o, query, r.named)
		}
	}
	r.a.stdout = saved
	close(done)
	interrupted := qctx.Err() != nil
	cancel()
	switch {
	case err != nil && interrupted:
		fmt.Fprintln(r.a.stderr, "query stopped (Ctrl-C) / 查询已取消")
		return false
	case err != nil:
		fmt.Fprintln(r.a.stderr, termSafeLines(err.Error()))
		return false
	}
	if r.timer {
		fmt.Fprintf(r.a.stderr, "Run Time: %.3f s\n", time.Since(t0).Seconds())
	}
	if o.output != "" {
		fmt.Fprintf(r.a.stderr, "written to %s\n", termSafe(o.output))
	}
	return true
}

// dot runs a dot command.
func (r *replSession) dot(ctx context.Context, cmd string) (quit bool) {
	name, arg, _ := strings.Cut(cmd, " ")
	arg = strings.TrimSpace(arg)
	out := r.a.stderr
	switch name {
	case ".quit", ".exit", ".q":
		return true
	case ".help", ".h":
		fmt.Fprint(r.a.stdout, replHelp)
	case ".views", ".tables":
		r.schema(ctx, "")
	case ".schema":
		r.schema(ctx, arg)
	case ".format", ".mode":
		if !contains(sqlFormats, arg) {
			fmt.Fprintf(out, ".format takes one of %s\n", strings.Join(sqlFormats, ", "))
			return false
		}
		r.o.format = arg
	case ".output", ".o":
		if arg == "" {
			r.o.output = ""
			if !contains([]string{"table", "csv", "json", "ndjson"}, r.o.format) {
				r.o.format = "table"
			}
			return false
		}
		if _, err := outputPath(arg, r.a.dbPath); err != nil {
			fmt.Fprintln(out, termSafeLines(err.Error()))
			return false
		}
		r.o.output = arg
		if f := formatFromExt(arg); f != "" {
			r.o.format = f
		}
		fmt.Fprintf(out, "results go to %s as %s\n", termSafe(arg), r.o.format)
	case ".timer":
		switch arg {
		case "on":
			r.timer = true
		case "off":
			r.timer = false
		default:
			fmt.Fprintln(out, ".timer on|off")
		}
	default:
		fmt.Fprintf(out, "unknown command %s; .help lists them\n", name)
	}
	return false
}

// schema prints the views (view == "") or one view's columns, on the
// screen unless the format is text and .output is set.
func (r *replSession) schema(ctx context.Context, view string) {
	if err := r.refresh(ctx); err != nil {
		fmt.Fprintln(r.a.stderr, err)
		return
	}
	o := r.o
	if !contains([]string{"table", "csv", "json", "ndjson"}, o.format) {
		o.format, o.output = "table", ""
	}
	if err := r.a.runSchema(ctx, r.conn, o, view); err != nil {
		fmt.Fprintln(r.a.stderr, termSafeLines(err.Error()))
	}
}

// open opens what sql reads (the latest snapshot, or the database).
func (r *replSession) open(ctx context.Context) error {
	r.opened = snapshotID(r.a.dbPath)
	st, conn, note, err := r.a.openSQLConn(ctx, r.o, r.o.memoryLimit)
	if err != nil {
		return termSafeErrLines(err)
	}
	if note != "" {
		fmt.Fprintln(r.a.stderr, termSafeLines(note))
	}
	r.st, r.conn = st, conn
	return nil
}

func (r *replSession) close() {
	if r.conn != nil {
		r.conn.Close()
	}
	if r.st != nil {
		r.st.Close()
	}
	r.conn, r.st = nil, nil
}

// refresh moves the session to a snapshot published since it opened, so
// each statement reads the latest results.
func (r *replSession) refresh(ctx context.Context) error {
	if r.o.live || snapshotID(r.a.dbPath) == r.opened {
		return nil
	}
	r.close()
	return r.open(ctx)
}

// snapshotID names the published snapshot of db ("" if none).
func snapshotID(db string) string {
	sn, err := store.ReadSnapshot(db)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %d", sn.Published.Format(time.RFC3339Nano), sn.Size)
}

// historyPath is the REPL's history file: $INCUBEVAL_HISTORY, else
// $XDG_STATE_HOME/incubeval/history, else ~/.incubeval_history.
func historyPath() string {
	if p := os.Getenv("INCUBEVAL_HISTORY"); p != "" {
		return p
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "incubeval", "history")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".incubeval_history")
}

// linerReader adapts liner to lineReader.
type linerReader struct{ ln *liner.State }

func (l linerReader) Prompt(p string) (string, error) {
	s, err := l.ln.Prompt(p)
	if errors.Is(err, liner.ErrPromptAborted) {
		return "", errLineAborted
	}
	return s, err
}

func (l linerReader) AppendHistory(s string) { l.ln.AppendHistory(s) }

// plainReader reads lines without editing, for a terminal whose output is
// redirected (liner needs both ends to be a terminal).
type plainReader struct {
	in     io.Reader
	prompt io.Writer
	buf    []byte
}

func (p *plainReader) Prompt(prompt string) (string, error) {
	fmt.Fprint(p.prompt, prompt)
	for {
		if i := strings.IndexByte(string(p.buf), '\n'); i >= 0 {
			line := string(p.buf[:i])
			p.buf = p.buf[i+1:]
			return strings.TrimSuffix(line, "\r"), nil
		}
		chunk := make([]byte, 4096)
		n, err := p.in.Read(chunk)
		p.buf = append(p.buf, chunk[:n]...)
		if err != nil {
			if len(p.buf) > 0 {
				line := string(p.buf)
				p.buf = nil
				return line, nil
			}
			return "", err
		}
	}
}

func (p *plainReader) AppendHistory(string) {}

// splitStatements cuts text after each ';' that is outside quotes and
// comments. It returns the complete statements (without empty ones) and
// the text after the last ';'.
func splitStatements(text string) (statements []string, rest string) {
	start := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\'' || c == '"':
			j := strings.IndexByte(text[i+1:], c)
			if j < 0 {
				return statements, text[start:]
			}
			i += j + 1
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				return statements, text[start:]
			}
			i += j
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			j := strings.Index(text[i+2:], "*/")
			if j < 0 {
				return statements, text[start:]
			}
			i += j + 3
		case c == '$' && strings.HasPrefix(text[i:], "$$"):
			j := strings.Index(text[i+2:], "$$")
			if j < 0 {
				return statements, text[start:]
			}
			i += j + 3
		case c == ';':
			if s := strings.TrimSpace(text[start : i+1]); s != ";" && !onlyComments(s) {
				statements = append(statements, s)
			}
			start = i + 1
		}
	}
	return statements, text[start:]
}

// historyLine puts a statement typed over several lines on one line for
// the history file (one entry a line): line comments are dropped, since
// they would swallow the rest, and line breaks become spaces, also inside
// quotes.
func historyLine(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			end := len(text)
			if j := strings.IndexByte(text[i+1:], c); j >= 0 {
				end = i + j + 2
			}
			b.WriteString(strings.NewReplacer("\r\n", " ", "\n", " ").Replace(text[i:end]))
			i = end - 1
			continue
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				i = len(text)
				continue
			}
			i += j
			c = '\n'
		}
		if c == '\n' || c == '\r' {
			c = ' '
		}
		b.WriteByte(c)
	}
	return strings.TrimSpace(b.String())
}

// onlyComments reports whether a statement is nothing but comments and
// the ';'.
func onlyComments(s string) bool {
	for _, l := range strings.Split(strings.TrimSuffix(s, ";"), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "--") {
			return false
		}
	}
	return true
}

// isTerminalReader reports whether r is a terminal.
func isTerminalReader(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// readHistory loads the history file if it is a regular file (a FIFO put
// there would block the prompt; a device would never end).
func readHistory(path string, ln *liner.State) {
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() > 16<<20 {
		return
	}
	_, _ = ln.ReadHistory(f)
}

// saveHistory writes the history as --output writes a result: checked
// against the database and its files (a link planted as the history file
// must not truncate the database), through a new file renamed into place.
func (a *app) saveHistory(path string, ln *liner.State) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return a.withOutputMode(path, 0o600, func(w io.Writer) error {
		_, err := ln.WriteHistory(w)
		return err
	})
}
