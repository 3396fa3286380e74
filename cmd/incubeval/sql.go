package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/store"
)

// sqlFormats are the output formats of `incubeval sql`, in the order the
// help lists them.
var sqlFormats = []string{"table", "csv", "json", "ndjson", "parquet", "arrow", "xlsx"}

// sqlOptions is the parsed command line of `incubeval sql`.
type sqlOptions struct {
	format      string
	output      string
	file        string
	params      []string
	safeCSV     bool
	schema      bool
	timeout     time.Duration
	maxRows     int
	memoryLimit string
	live        bool
	interactive bool // the REPL: Ctrl-C must be able to interrupt any format
	// stdinTerminal: standard input is a terminal, so no query means the REPL.
	stdinTerminal bool
}

func (a *app) sqlCommand() *cobra.Command {
	var o sqlOptions
	cmd := &cobra.Command{
		Use:   "sql [QUERY | VIEW]",
		Short: "Run a read-only SQL query over the views (table, CSV, JSON, Parquet, Arrow, XLSX)",
		Long: `Run a SQL query against the last published snapshot of the database
(every writer publishes one when it closes the database), so a query never
waits for the scheduler nor blocks it; the snapshot's time goes to standard
error. --live reads the database itself (read-only; refused while a writer
holds it). When the database cannot be opened, the last snapshot that opens
is read and standard error says so. Without a query on a terminal, an
interactive prompt opens.

Only queries (SELECT, WITH, FROM, DESCRIBE, SUMMARIZE, SHOW …) are
accepted: DuckDB's parser must read the whole text as queries, or it is
refused without being run (CREATE, INSERT, COPY, ATTACH, SET, PRAGMA, a
syntax error …), and nothing changes. DuckDB runs it read-only with its
external access off: no file but the database can be read or written. The
query is the argument, or the file given with -f (several statements: the
last one's result is printed). $name in the query is bound with --param
name=value.

--schema lists the views with a one-line description each; --schema VIEW
lists that view's columns. The descriptions are the comments in
sql/views/*.sql.

Formats: table (default on a terminal), csv (default when piped), json (one
array), ndjson (one object a line), parquet (needs --output), arrow (an
Arrow IPC stream), xlsx. Without --format, an --output file's extension
chooses the format. --output may not name the database or any of its files
(write-ahead log, snapshot, locks, ledger, archive), through any link.`,
		Example: `  incubeval sql "SELECT district, count(*) FROM carriers GROUP BY 1 ORDER BY 2 DESC"
  incubeval sql --format csv "SELECT * FROM rejects" > rejects.csv
  incubeval sql --param year=2025 -o grades.parquet "SELECT * FROM assessments WHERE year = \$year"
  incubeval sql -f question.sql --format xlsx -o answer.xlsx
  incubeval sql --schema assessments`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runSQL(cmd.Context(), o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "", strings.Join(sqlFormats, "|")+" (default: table on a terminal, csv when piped)")
	f.StringVarP(&o.output, "output", "o", "", "write to FILE instead of standard output")
	f.StringVarP(&o.file, "file", "f", "", "read the query from FILE.sql")
	f.StringArrayVar(&o.params, "param", nil, "bind $name to value (name=value; repeatable)")
	f.BoolVar(&o.safeCSV, "safe-csv", false, "csv: prefix cells starting with = + - @ with ' so spreadsheets do not run them")
	f.BoolVar(&o.schema, "schema", false, "list the views (or one VIEW's columns) with their descriptions")
	f.DurationVar(&o.timeout, "timeout", 0, "stop the query after this long (e.g. 30s, 5m; 0 = no limit)")
	f.IntVar(&o.maxRows, "max-rows", 1000, "table format: show at most N rows (0 = all)")
	f.StringVar(&o.memoryLimit, "memory-limit", "", "DuckDB memory limit for the query (e.g. 2GB; arrow and parquet: "+arrowMemoryLimit+" unless given)")
	f.BoolVar(&o.live, "live", false, "read the database itself, not the last published snapshot (fails while a writer holds it)")
	return cmd
}

func (a *app) runSQL(ctx context.Context, o sqlOptions, args []string) error {
	o.stdinTerminal = isTerminalReader(a.stdin)
	query, err := o.query(args)
	if err != nil {
		return err
	}
	if o.format == "" {
		o.format = formatFromExt(o.output)
	}
	if o.format == "" {
		o.format = "csv"
		if isTerminal(a.stdout) {
			o.format = "table"
		}
	}
	if !contains(sqlFormats, o.format) {
		return usageError{fmt.Errorf("--format must be one of %s, not %q", strings.Join(sqlFormats, ", "), o.format)}
	}
	named, err := parseParams(o.params)
	if err != nil {
		return err
	}
	if o.maxRows < 0 {
		return usageError{fmt.Errorf("--max-rows must be 0 or more")}
	}
	if o.format == "parquet" && o.output == "" {
		return usageError{fmt.Errorf("--format parquet needs --output FILE")}
	}
	if o.output == "" && (o.format == "arrow" || o.format == "xlsx") && isTerminal(a.stdout) {
		return usageError{fmt.Errorf("--format %s is binary: give --output FILE or redirect standard output", o.format)}
	}
	if o.output != "" {
		if _, err := outputPath(o.output, a.dbPath); err != nil {
			return err
		}
	}

	if query == "" && !o.schema {
		return a.runREPL(ctx, o, named)
	}
	// Arrow and Parquet hold the result in a temporary table, which spills
	// to disk beyond arrowMemoryLimit unless --memory-limit says otherwise;
	// a query that needs more memory than that runs again without it.
	limit := o.memoryLimit
	if limit == "" && (o.format == "arrow" || o.format == "parquet") && !o.schema {
		limit = arrowMemoryLimit
	}
	err = a.runSQLOnce(ctx, o, query, named, limit, true)
	if err != nil && limit != o.memoryLimit && strings.Contains(err.Error(), "Out of Memory") {
		err = a.runSQLOnce(ctx, o, query, named, o.memoryLimit, false)
	}
	return termSafeErrLines(err)
}

// runSQLOnce opens what sql reads with the memory limit given and runs the
// query (or the schema listing) on it. A query that finds the file it
// reads damaged runs again on the other one, when that is good
// (rereadAfterDamage).
func (a *app) runSQLOnce(ctx context.Context, o sqlOptions, query string, named []any, memoryLimit string, sayWhat bool) error {
	st, conn, note, err := a.openSQLConn(ctx, o, memoryLimit)
	if err != nil {
		return err
	}
	if sayWhat && note != "" {
		fmt.Fprintln(a.stderr, termSafeLines(note))
	}
	out := &countingWriter{w: a.stdout}
	run := func(conn *sql.Conn) error {
		saved := a.stdout
		a.stdout = out
		defer func() { a.stdout = saved }()
		if o.schema {
			return a.runSchema(ctx, conn, o, query)
		}
		return a.runQuery(ctx, conn, o, query, named)
	}
	err = run(conn)
	conn.Close()
	st.Close()
	if err == nil || !store.IsCorrupt(err) || ctx.Err() != nil {
		return err
	}
	st, conn, err = a.rereadAfterDamage(ctx, st.Path, err, out.n > 0, store.ReaderOptions{MemoryLimit: memoryLimit})
	if err != nil {
		return err
	}
	defer st.Close()
	defer conn.Close()
	return run(conn)
}

// rereadAfterDamage is called when a query on the file at read (the
// database or its snapshot) failed with an error saying the file is
// damaged: DuckDB checks a block only when a query reads it, so a file
// that opened may still fail this way. It says so in plain words and, when
// the other file is good and nothing of the result has gone out yet, opens
// it to run the query again, saying on standard error which it reads: a
// damaged database gives way to its last good snapshot (every block of
// which is checked first, store.AsCorrupt), a damaged snapshot to the
// database itself (unless a writer holds it). Otherwise it returns the
// plain-words error.
func (a *app) rereadAfterDamage(ctx context.Context, read string, qerr error, wrote bool, opts store.ReaderOptions) (*store.Reader, *sql.Conn, error) {
	var other string
	var note string
	var plain error
	if read == a.dbPath {
		ce := store.AsCorrupt(qerr, a.dbPath)
		plain = ce
		if ce.Last != nil {
			other = store.SnapshotPath(a.dbPath)
			note = fmt.Sprintf("-- the database file %s is damaged and cannot be read / 数据库文件已损坏，无法读取; reading the %s (%s old) instead / 改为读取 %s 的快照\n--   (%s)",
				a.dbPath, ce.Last.Label(), age(ce.Last.Published), ce.Last.Published.In(store.Location).Format("2006-01-02 15:04"), oneLine(ce.Err))
		}
	} else {
		// The snapshot's CorruptError says the database is not concerned.
		plain = store.AsCorrupt(qerr, read)
		if _, _, busy := store.Writer(a.dbPath); !busy {
			other = a.dbPath
			note = "-- the published snapshot is damaged and cannot be read; reading the database itself / 快照文件已损坏，直接读取数据库\n--   (" + oneLine(qerr) + ")"
		}
	}
	switch {
	case other == "":
		return nil, nil, plain
	case wrote:
		return nil, nil, fmt.Errorf("%w; part of the result had already been written, so the query was not run again on %s / 部分结果已输出，未重新查询", plain, other)
	}
	st, err := store.OpenReader(ctx, other, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("%w; %s does not open either: %v", plain, other, err)
	}
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	fmt.Fprintln(a.stderr, termSafeLines(note))
	return st, conn, nil
}

// countingWriter counts what went through it: whether any of a result has
// gone out.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// openSQLConn opens what sql reads (openSQLSource) with DuckDB's memory
// limit set (it cannot be changed once open) and pins one connection;
// note says what is read.
func (a *app) openSQLConn(ctx context.Context, o sqlOptions, memoryLimit string) (*store.Reader, *sql.Conn, string, error) {
	st, note, err := a.openSQLSource(ctx, o.live, store.ReaderOptions{MemoryLimit: memoryLimit})
	var cfg *store.ConfigError
	if errors.As(err, &cfg) {
		return nil, nil, "", usageError{fmt.Errorf("--memory-limit %s: %w", o.memoryLimit, err)}
	}
	if err != nil {
		return nil, nil, "", err
	}
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		st.Close()
		return nil, nil, "", err
	}
	return st, conn, note, nil
}

// runSchema lists the views, or one view's columns.
func (a *app) runSchema(ctx context.Context, conn *sql.Conn, o sqlOptions, view string) error {
	if o.format == "parquet" || o.format == "arrow" {
		return usageError{fmt.Errorf("--schema prints table, csv, json, ndjson or xlsx")}
	}
	return a.withOutput(o.output, func(w io.Writer) error {
		res, title, err := schemaResult(ctx, conn, view)
		if err != nil {
			return err
		}
		if title != "" && o.format == "table" {
			fmt.Fprintln(w, termSafe(title))
		}
		return writeResult(res, o, w)
	})
}

// runQuery checks that query only reads (parseQuery), runs it and writes
// its result in o.format to o.output or standard output. The row formats
// run the text as typed; arrow and parquet run it page by page
// (writeColumnar).
func (a *app) runQuery(ctx context.Context, conn *sql.Conn, o sqlOptions, query string, named []any) error {
	pq, err := parseQuery(ctx, conn, query)
	if err != nil {
		return err
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	err = a.withOutput(o.output, func(w io.Writer) error {
		switch o.format {
		case "parquet", "arrow":
			return writeColumnar(ctx, conn, pq, named, o.format, w)
		}
		rows, err := conn.QueryContext(ctx, pq.text, named...)
		if err != nil {
			return err
		}
		defer rows.Close()
		res, err := newRowsResult(rows)
		if err != nil {
			return err
		}
		return writeResult(res, o, w)
	})
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("the query was stopped after --timeout %s / 查询超时已停止", o.timeout)
	}
	return err
}

// query returns the SQL to run: the argument or the -f file; with --schema,
// the argument is a view name.
func (o sqlOptions) query(args []string) (string, error) {
	switch {
	case o.schema:
		if o.file != "" {
			return "", usageError{errors.New("--schema does not take -f")}
		}
		if len(args) == 1 {
			return args[0], nil
		}
		return "", nil
	case o.file != "" && len(args) == 1:
		return "", usageError{errors.New("give a QUERY or -f FILE, not both")}
	case o.file != "":
		b, err := readQueryFile(o.file)
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(string(b)) == "" {
			return "", usageError{fmt.Errorf("%s holds no SQL", o.file)}
		}
		return string(b), nil
	case len(args) == 1 && strings.TrimSpace(args[0]) != "":
		return args[0], nil
	case len(args) == 0 && o.stdinTerminal:
		return "", nil // the REPL
	default:
		return "", usageError{errors.New("give a QUERY, -f FILE.sql or --schema")}
	}
}

// maxQueryFile bounds a -f file: a query, not a data file.
const maxQueryFile = 16 << 20

// readQueryFile reads a -f file: a regular file (not a FIFO or a device,
// which could block or never end) of at most maxQueryFile bytes.
func readQueryFile(path string) ([]byte, error) {
	// Stat before opening: opening a FIFO blocks until someone writes.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, usageError{fmt.Errorf("-f %s is not a regular file", path)}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if fi.Size() > maxQueryFile {
		return nil, usageError{fmt.Errorf("-f %s is %d bytes; a query file holds at most %d", path, fi.Size(), maxQueryFile)}
	}
	return io.ReadAll(io.LimitReader(f, maxQueryFile+1))
}

// parseParams turns name=value pairs into named arguments for $name.
func parseParams(params []string) ([]any, error) {
	var out []any
	seen := map[string]bool{}
	for _, p := range params {
		name, value, ok := strings.Cut(p, "=")
		name = strings.TrimPrefix(strings.TrimSpace(name), "$")
		if !ok || name == "" {
			return nil, usageError{fmt.Errorf("--param %q: want name=value", p)}
		}
		if seen[name] {
			return nil, usageError{fmt.Errorf("--param %s given twice", name)}
		}
		seen[name] = true
		out = append(out, sql.Named(name, paramValue(value)))
	}
	return out, nil
}

// paramValue types a --param value: DuckDB infers a parameter's type from
// the query in a SELECT, but inside CREATE … AS (arrow and parquet) it
// takes the value's own type, so a number must be bound as a number.
// Anything else is text; $x::DATE casts explicitly.
func paramValue(s string) any {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "xXnN") {
		return f
	}
	switch strings.ToLower(s) {
	case "true":
		return true
	case "false":
		return false
	}
	return s
}

// formatFromExt guesses the format from an --output file's extension.
func formatFromExt(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".json":
		return "json"
	case ".ndjson", ".jsonl":
		return "ndjson"
	case ".parquet":
		return "parquet"
	case ".arrow", ".arrows", ".ipc":
		return "arrow"
	case ".xlsx":
		return "xlsx"
	case ".txt":
		return "table"
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
