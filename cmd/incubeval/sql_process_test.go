package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// TestSQLProcesses runs `incubeval sql` as real processes beside a
// writer: DuckDB's file locks are per process, so one process cannot stand
// in for a writer and a reader. The binary is built once for the subtests.
func TestSQLProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "incubeval")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("SnapshotWhileAssessWrites", func(t *testing.T) { testSQLSnapshotWhileAssessWrites(t, bin) })
	t.Run("LiveWhileWriterHoldsTheDatabase", func(t *testing.T) { testSQLLiveWhileWriterHolds(t, bin) })
	t.Run("REPLOverPseudoTerminal", func(t *testing.T) { testREPLOverPTY(t, bin) })
	t.Run("REPLHistoryLinkedToTheDatabase", func(t *testing.T) { testREPLHistoryLinkedToTheDatabase(t, bin) })
}

// testREPLHistoryLinkedToTheDatabase: a history file that is a link to the
// database (or its snapshot) is not written through; a FIFO as the history
// file does not block the prompt.
func testREPLHistoryLinkedToTheDatabase(t *testing.T, bin string) {
	db := mustSQLDB(t)
	sum := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%x", sha256.Sum256(b))
	}
	dir := t.TempDir()
	for _, target := range []string{db, store.SnapshotPath(db)} {
		before := sum(target)
		hist := filepath.Join(dir, "hist-"+filepath.Base(target))
		if err := os.Symlink(target, hist); err != nil {
			t.Fatal(err)
		}
		p := startPTY(t, bin, []string{"INCUBEVAL_HISTORY=" + hist}, "--db", db, "sql")
		p.expect(replPrompt)
		p.send("SELECT 'x' AS y;\r")
		p.expect(replPrompt)
		p.send(".quit\r")
		p.expect("history not saved")
		p.exit()
		if after := sum(target); after != before {
			t.Fatalf("the REPL's history was written over %s", target)
		}
	}
	fifo := filepath.Join(dir, "fifo-history")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	p := startPTY(t, bin, []string{"INCUBEVAL_HISTORY=" + fifo}, "--db", db, "sql")
	p.expect(replPrompt) // not blocked opening the FIFO
	p.send(".quit\r")
	p.exit()
}

// exe runs the binary and returns its exit status, stdout and stderr.
func exe(bin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "INCUBEVAL_DB=")
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	case err != nil:
		return -1, out.String(), err.Error()
	}
	return 0, out.String(), errb.String()
}

// testSQLSnapshotWhileAssessWrites: a writer runs `assess --force`
// three times while four `incubeval sql` processes query in a loop. Every
// query succeeds and sees one consistent state (the same count of 2025
// results, and an assessment run that is finished); afterwards the
// snapshot holds the writer's last run.
func testSQLSnapshotWhileAssessWrites(t *testing.T, bin string) {
	dir := t.TempDir()
	if code, out, errs := exe(bin, "demo", "--out", dir); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errs)
	}
	db := filepath.Join(dir, "incubeval.duckdb")
	const q = "SELECT (SELECT count(*) FROM assessments WHERE year = 2025) || '/' || (SELECT max(run_id) FROM store.assessment_runs)"
	code, out, errs := exe(bin, "--db", db, "sql", "--format", "csv", q)
	if code != 0 || !strings.Contains(errs, "-- snapshot of ") {
		t.Fatalf("sql before: exit %d %q %s", code, out, errs)
	}
	count, run, _ := strings.Cut(lastLine(out), "/")
	var run0 int
	fmt.Sscanf(run, "%d", &run0)
	if count == "" || count == "0" || run0 == 0 {
		t.Fatalf("demo results: %q", out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const writes = 3
	writerDone := make(chan error, 1)
	go func() {
		for i := 0; i < writes; i++ {
			if code, out, errs := exe(bin, "--db", db, "assess", "--year", "2025", "--force"); code != 0 {
				writerDone <- fmt.Errorf("assess %d: exit %d\n%s%s", i, code, out, errs)
				return
			}
		}
		writerDone <- nil
	}()

	type seen struct {
		queries int
		runs    map[int]bool
		err     error
	}
	results := make(chan seen, 4)
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		go func() {
			s := seen{runs: map[int]bool{}}
			defer func() { results <- s }()
			for {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				default:
				}
				code, out, errs := exe(bin, "--db", db, "sql", "--format", "csv", q)
				if code != 0 {
					s.err = fmt.Errorf("query %d: exit %d: %s", s.queries, code, errs)
					return
				}
				c, r, _ := strings.Cut(lastLine(out), "/")
				if c != count {
					s.err = fmt.Errorf("query %d saw %s results for 2025, want %s (%q)", s.queries, c, count, out)
					return
				}
				var run int
				fmt.Sscanf(r, "%d", &run)
				s.runs[run] = true
				s.queries++
			}
		}()
	}
	werr := <-writerDone
	close(stop)
	total := 0
	for r := 0; r < 4; r++ {
		s := <-results
		if s.err != nil {
			t.Error(s.err)
		}
		total += s.queries
	}
	if werr != nil {
		t.Fatal(werr)
	}
	if total < 4 {
		t.Fatalf("only %d queries ran while the writer worked", total)
	}
	code, out, errs = exe(bin, "--db", db, "sql", "--format", "csv", q)
	if code != 0 || lastLine(out) != fmt.Sprintf("%s/%d", count, run0+writes) {
		t.Fatalf("after the writer: exit %d %q, want %s/%d (%s)", code, out, count, run0+writes, errs)
	}
	t.Logf("%d queries during %d assess runs", total, writes)
}

// testSQLLiveWhileWriterHolds: while this process holds the
// database for writing, `sql` in another process answers from the
// snapshot, and `sql --live` exits 75 with a sentence a person reads.
func testSQLLiveWhileWriterHolds(t *testing.T, bin string) {
	db := mustSQLDB(t)
	w, err := store.Open(context.Background(), db, store.Options{Holder: "incubeval assess"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.DB.Exec("INSERT INTO samples (id) VALUES (6)"); err != nil {
		t.Fatal(err)
	}
	code, out, errs := exe(bin, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM samples")
	if code != 0 || lastLine(out) != "5" || !strings.Contains(errs, "is writing a newer one") {
		t.Fatalf("snapshot during a write: exit %d %q %s", code, out, errs)
	}
	code, _, errs = exe(bin, "--db", db, "sql", "--live", "SELECT count(*) FROM samples")
	if code != exitBusy || !strings.Contains(errs, "--live reads the database itself") || !strings.Contains(errs, "in use by") {
		t.Fatalf("--live during a write: exit %d %s", code, errs)
	}
	w.Close()
	code, out, errs = exe(bin, "--db", db, "sql", "--format", "csv", "SELECT count(*) FROM samples")
	if code != 0 || lastLine(out) != "6" {
		t.Fatalf("after the write: exit %d %q %s", code, out, errs)
	}
}

// ptySession is the binary running on a pseudo-terminal, as a person at a
// keyboard would use it.
type ptySession struct {
	t      *testing.T
	cmd    *exec.Cmd
	master *os.File
	mu     sync.Mutex
	out    bytes.Buffer
	seen   int // output before this offset has been matched already
}

func startPTY(t *testing.T, bin string, env []string, args ...string) *ptySession {
	t.Helper()
	return startPTYOut(t, bin, nil, env, args...)
}

// startPTYOut is startPTY with standard output sent to stdout instead (nil:
// the terminal too), as a shell's "> file" does.
func startPTYOut(t *testing.T, bin string, stdout *os.File, env []string, args ...string) *ptySession {
	t.Helper()
	master, slave, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	p := &ptySession{t: t, master: master}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = slave, slave, slave
	if stdout != nil {
		p.cmd.Stdout = stdout
	}
	p.cmd.Env = append(append(os.Environ(), "TERM=xterm", "INCUBEVAL_DB="), env...)
	p.cmd.SysProcAttr = ptyAttr()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
		master.Close()
	})
	return p
}

// expect waits for s in the output after what was matched before.
func (p *ptySession) expect(s string) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		out := p.out.String()
		p.mu.Unlock()
		if i := strings.Index(out[p.seen:], s); i >= 0 {
			p.seen += i + len(s)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.t.Fatalf("no %q in the terminal after 15 s; it shows:\n%s", s, p.out.String()[p.seen:])
}

func (p *ptySession) send(s string) {
	p.t.Helper()
	if _, err := p.master.Write([]byte(s)); err != nil {
		p.t.Fatal(err)
	}
}

// exit waits for the process to end and returns its exit status.
func (p *ptySession) exit() int {
	p.t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(15 * time.Second):
		p.t.Fatal("the REPL did not exit")
	}
	return -1
}

// testREPLOverPTY: the REPL on a real (pseudo-)terminal: line editing
// through liner, a statement over two lines, .schema, Ctrl-C on a long
// query returns to the prompt, Ctrl-D leaves, and the history file brings
// the last statement back with the Up arrow in the next session.
func testREPLOverPTY(t *testing.T, bin string) {
	db := mustSQLDB(t)
	hist := filepath.Join(t.TempDir(), "history")
	env := []string{"INCUBEVAL_HISTORY=" + hist}
	p := startPTY(t, bin, env, "--db", db, "sql")
	p.expect("-- snapshot of ")
	p.expect(replPrompt)
	p.send(".schema assessments\r")
	p.expect("rank_overall")
	p.expect(replPrompt)
	p.send("SELECT 40 +\r")
	p.expect(replContinue)
	p.send("2 AS answer;\r")
	p.expect("42")
	p.expect(replPrompt)
	p.send("SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3;\r")
	time.Sleep(700 * time.Millisecond)
	t0 := time.Now()
	p.send("\x03") // Ctrl-C
	p.expect("query stopped (Ctrl-C)")
	if took := time.Since(t0); took > 5*time.Second {
		t.Errorf("Ctrl-C took %s", took)
	}
	p.expect(replPrompt)
	p.send("SELECT 'alive' AS s;\r")
	p.expect("alive")
	p.expect(replPrompt)
	p.send("\x04") // Ctrl-D
	if code := p.exit(); code != 0 {
		t.Fatalf("Ctrl-D: exit %d", code)
	}
	b, err := os.ReadFile(hist)
	if err != nil || !strings.Contains(string(b), ".schema assessments\n") || !strings.Contains(string(b), "SELECT 40 + 2 AS answer;\n") {
		t.Fatalf("history file: %q %v", b, err)
	}

	p = startPTY(t, bin, env, "--db", db, "sql")
	p.expect(replPrompt)
	p.send("\x1b[A\r") // Up, Enter: the last statement again
	p.expect("alive")
	p.expect(replPrompt)
	p.send(".quit\r")
	if code := p.exit(); code != 0 {
		t.Fatalf(".quit: exit %d", code)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
