package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/jobs"
	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
)

// Exit statuses of SPEC §6.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
	exitBusy  = 75 // EX_TEMPFAIL: the database is held by another writer
)

// usageError marks mistakes in the command line.
type usageError struct{ error }

// app carries what every command shares.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	dbPath         string
	failed         bool          // set by commands that finish but must exit 1
	stats          bool          // --stats: print wall time and peak memory at exit
	ledger         commandLedger // a writing command's row in the run ledger (jobs_ledger.go)
	tty            *os.File      // standard output when it is a terminal, for the tables' width
}

// width is the terminal's width for the tables, or 0 when standard output
// is not a terminal (termtable.go).
func (a *app) width() int { return terminalWidth(a.tty) }

// run is the whole command line, callable in-process by tests.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, ledger: commandLedger{argv: args}}
	if f, ok := stdout.(*os.File); ok && isTerminal(f) {
		a.tty = f
	}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	start := time.Now()
	cmd, err := root.ExecuteContextC(ctx)
	if cerr := a.ledger.finish(ctx, err, a.failed, stderr); cerr != nil && err == nil {
		err = fmt.Errorf("close %s: %w", a.dbPath, cerr)
	}
	if a.stats {
		printStats(a, start)
	}
	// A block DuckDB finds damaged while a command runs (after the open,
	// which says so itself) gets the same plain message. `sql` reads the
	// snapshot too and says which file it was reading.
	if ce := store.AsCorrupt(err, a.dbPath); ce != nil && a.ledger.name != "sql" {
		err = ce
	}
	if err == nil {
		if a.failed {
			return exitFail
		}
		return exitOK
	}
	var busy *store.BusyError
	var daemon *jobs.DaemonBusyError
	var usage usageError
	switch {
	case errors.As(err, &busy):
		fmt.Fprintln(stderr, "incubeval:", busy)
		return exitBusy
	case errors.As(err, &daemon):
		fmt.Fprintln(stderr, "incubeval:", daemon)
		return exitBusy
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, "incubeval:", termSafeLines(bilingual(err.Error())))
		fmt.Fprintln(stderr, termSafeLines(usageHint(cmd)))
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "incubeval: interrupted; nothing half-written was kept / 已中断")
		return exitFail
	default:
		fmt.Fprintln(stderr, "incubeval:", termSafeLines(err.Error()))
		return exitFail
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "incubeval",
		Short: "双创载体年度评价 — yearly evaluation of innovation and entrepreneurship carriers",
		Long: `双创载体年度评价：导入各载体的季度报表，计算年度考核结果，为主管部门生成工作簿。
incubeval ingests carriers' quarterly reports into a DuckDB file, computes the
yearly assessment and writes workbooks for officials.

数据库 The database is --db, or $INCUBEVAL_DB, or incubeval.duckdb in this folder.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// A word that is no command (incubeval bogus) is a usage error.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	def := os.Getenv("INCUBEVAL_DB")
	if def == "" {
		def = store.DefaultPath
	}
	root.PersistentFlags().StringVar(&a.dbPath, "db", def, "数据库文件 DuckDB database file (env INCUBEVAL_DB)")
	root.PersistentFlags().BoolVar(&a.stats, "stats", false, "print wall time and peak memory when done")
	_ = root.PersistentFlags().MarkHidden("stats")
	root.SetFlagErrorFunc(flagError)
	root.SetUsageTemplate(usageTemplate)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		a.ledger.name = cmd.Name()
		return checkRequired(cmd) // before cobra's own check, in both languages (usage.go)
	}
	root.AddCommand(a.ingestCommand(), a.sqlCommand(), a.demoCommand(), a.benchDataCommand(),
		a.assessCommand(), a.publishCommand(), a.explainCommand(), a.runCommand(),
		a.reportCommand(), a.templateCommand(), a.scheduleCommand(), a.jobsCommand(),
		a.unpublishCommand(), a.discardCommand(), a.upgradeCommand(), a.rubricCommand(), a.eligibilityCommand(), a.talentCommand())
	setUpCommands(root)
	return root
}

// openWrite opens the database for writing and records the command in the
// run ledger when it ends. The store stays open until then: run closes it
// (commands do not), after writing the ledger row. It never makes a new
// database: a command that works on stored data (assess, publish) finds
// none to work on, says so and leaves nothing behind.
func (a *app) openWrite(ctx context.Context) (*store.Store, error) {
	return a.ledger.open(ctx, a.dbPath, false)
}

// openCreate is openWrite for the commands that bring data in (ingest,
// run, demo): a database that does not exist yet is made, in a folder
// that must exist, and the command says so on standard error with the
// full path, so that one made in the wrong folder is noticed.
func (a *app) openCreate(ctx context.Context) (*store.Store, error) {
	st, err := a.ledger.open(ctx, a.dbPath, true)
	if err == nil && st.Created {
		p := st.Path
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		p = termSafe(ingest.PathText(p))
		fmt.Fprintf(a.stderr, "incubeval: created a new database at %s / 已新建数据库 %s\n", p, p)
	}
	return st, err
}

// self is how the user invoked this program, for hints they can paste.
func self() string {
	if len(os.Args) > 0 && strings.ContainsRune(os.Args[0], os.PathSeparator) {
		return os.Args[0]
	}
	return "incubeval"
}

// selfDB is self() followed by the --db of this run, for a command line a
// person can paste and reach the same database — always, even the default
// one: where $INCUBEVAL_DB is set (the README suggests it to analysts),
// a command without --db would read another database. Quoted for a POSIX
// shell and escaped for the terminal.
func (a *app) selfDB() string {
	s := shellQuote(self())
	if a.dbPath != "" {
		s += " --db " + shellQuote(a.dbPath)
	}
	return termSafe(s)
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and . _ - / + : , @ %.
func shellQuote(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r > 0x7f || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/+:,@%", r)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
