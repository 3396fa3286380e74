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
	width       int  // table format on a terminal: its width (0: not one)
	// stdinTerminal: standard input is a terminal, so no query means the REPL.
	stdinTerminal bool
}

func (a *app) sqlCommand() *cobra.Command {
	var o sqlOptions
	cmd := &cobra.Command{
		Use:   "sql [QUERY | VIEW]",
		Short: "只读 SQL 查询（表格、CSV、JSON、Parquet、Arrow、XLSX） — run a read-only SQL query over the views",
		Long: `在最近发布的快照上运行只读 SQL 查询（视图说明见 --schema），不等待也不阻塞写入进程；
只接受查询语句，不能修改任何内容。终端上不带查询时打开交互提示符。
Run a SQL query against the last published snapshot of the database
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
	enumFlag(f, &o.format, "format", sqlFormats, "输出格式 "+strings.Join(sqlFormats, "|")+" (default: table on a terminal, csv when piped)")
	f.StringVarP(&o.output, "output", "o", "", "写入文件而非标准输出 write to FILE instead of standard output")
	f.StringVarP(&o.file, "file", "f", "", "从文件读取查询 read the query from FILE.sql")
	f.StringArrayVar(&o.params, "param", nil, "绑定参数 bind $name to value (name=value; repeatable)")
	f.BoolVar(&o.safeCSV, "safe-csv", false, "csv：以 = + - @ 开头的单元格前加 ' csv: prefix cells starting with = + - @ with ' so spreadsheets do not run them")
	f.BoolVar(&o.schema, "schema", false, "列出视图及说明（或一个视图的列） list the views (or one VIEW's columns) with their descriptions")
	f.DurationVar(&o.timeout, "timeout", 0, "查询超时 stop the query after this long (e.g. 30s, 5m; 0 = no limit)")
	f.IntVar(&o.maxRows, "max-rows", 1000, "表格最多显示行数 table format: show at most N rows (0 = all)")
	f.StringVar(&o.memoryLimit, "memory-limit", "", "内存上限 DuckDB memory limit for the query (e.g. 2GB; arrow and parquet: "+arrowMemoryLimit+" unless given)")
	f.BoolVar(&o.live, "live", false, "直接读取数据库而非快照 read the database itself, not the last published snapshot (fails while a writer holds it)")
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
		return usage(fmt.Sprintf("--format 只能是 %s 之一，而不是「%s」", strings.Join(sqlFormats, "、"), o.format), fmt.Sprintf("--format must be one of %s, not %q", strings.Join(sqlFormats, ", "), o.format))
	}
	named, err := parseParams(o.params)
	if err != nil {
		return err
	}
	if o.maxRows < 0 {
		return usage("--max-rows 不能为负数", "--max-rows must be 0 or more")
	}
	if o.format == "parquet" && o.output == "" {
		return usage("--format parquet 需要 --output FILE", "--format parquet needs --output FILE")
	}
	if o.output == "" && (o.format == "arrow" || o.format == "xlsx") && isTerminal(a.stdout) {
		return usage(fmt.Sprintf("--format %s 是二进制格式：请加 --output FILE 或重定向标准输出", o.format), fmt.Sprintf("--format %s is binary: give --output FILE or redirect standard output", o.format))
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

// rereadAfterDamage is rereadOther for sql, with a connection pinned on
// the file it opens.
func (a *app) rereadAfterDamage(ctx context.Context, read string, qerr error, wrote bool, opts store.ReaderOptions) (*store.Reader, *sql.Conn, error) {
	st, err := a.rereadOther(ctx, a.dbPath, read, qerr, wrote, opts)
	if err != nil {
		return nil, nil, err
	}
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
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
		return nil, nil, "", usage("--memory-limit 无效："+o.memoryLimit, fmt.Sprintf("--memory-limit %s: %v", o.memoryLimit, err))
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
		return usage("--schema 只能输出 table、csv、json、ndjson 或 xlsx", "--schema prints table, csv, json, ndjson or xlsx")
	}
	if o.output == "" {
		o.width = a.width()
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
	if o.output == "" {
		o.width = a.width()
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	err = a.withOutput(o.output, func(w io.Writer) error {
		switch o.format {
		case "parquet", "arrow":
			return writeColumnar(ctx, conn, pq, named, o.format, !personIDAsked(query), w)
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
		if !personIDAsked(query) {
			res.maskColumns()
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
			return "", usage("--schema 不能与 -f 同用", "--schema does not take -f")
		}
		if len(args) == 1 {
			return args[0], nil
		}
		return "", nil
	case o.file != "" && len(args) == 1:
		return "", usage("查询和 -f FILE 只能给一个", "give a QUERY or -f FILE, not both")
	case o.file != "":
		b, err := readQueryFile(o.file)
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(string(b)) == "" {
			return "", usage(fmt.Sprintf("%s 中没有 SQL", o.file), fmt.Sprintf("%s holds no SQL", o.file))
		}
		return string(b), nil
	case len(args) == 1 && strings.TrimSpace(args[0]) != "":
		return args[0], nil
	case len(args) == 0 && o.stdinTerminal:
		return "", nil // the REPL
	default:
		return "", usage("请给出查询、-f FILE.sql 或 --schema", "give a QUERY, -f FILE.sql or --schema")
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
		return nil, usage(fmt.Sprintf("-f %s 不是普通文件", path), fmt.Sprintf("-f %s is not a regular file", path))
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
		return nil, usage(fmt.Sprintf("-f %s 有 %d 字节，查询文件最多 %d 字节", path, fi.Size(), maxQueryFile), fmt.Sprintf("-f %s is %d bytes; a query file holds at most %d", path, fi.Size(), maxQueryFile))
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
			return nil, usage(fmt.Sprintf("--param「%s」应写成 名称=值", p), fmt.Sprintf("--param %q: want name=value", p))
		}
		if seen[name] {
			return nil, usage(fmt.Sprintf("--param %s 给了两次", name), fmt.Sprintf("--param %s given twice", name))
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
