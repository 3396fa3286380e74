//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/jedib0t/go-pretty/v6/text"
)

// onTerminal runs the binary with its output on a pseudo-terminal cols
// wide and returns what it printed (line ends as the program wrote them).
func onTerminal(t *testing.T, cols uint16, env []string, args ...string) string {
	t.Helper()
	master, slave, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	ws := struct{ rows, cols, x, y uint16 }{40, cols, 0, 0}
	if err := ioctl(master, syscall.TIOCSWINSZ, unsafe.Pointer(&ws)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard
	defer cancel()
	cmd := exec.CommandContext(ctx, daemonBinary(t), args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.Env = append(append(os.Environ(), "INCUBEVAL_DB=", "COLUMNS="), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	var out bytes.Buffer
	_, rerr := io.Copy(&out, master) // EIO once the child has closed the terminal
	var pe *os.PathError
	if rerr != nil && !(errors.As(rerr, &pe) && errors.Is(pe.Err, syscall.EIO)) {
		t.Fatal(rerr)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out.String())
	}
	return strings.ReplaceAll(out.String(), "\r\n", "\n")
}

// widestTableLine is the widest line of box drawing in s, in cells.
func widestTableLine(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.ContainsAny(l, "│┌└├") {
			w = max(w, text.StringWidthWithoutEscSequences(l))
		}
	}
	return w
}

// The tables printed on a terminal — jobs history, sql's table format,
// explain, assess's top ten — fit its width (asked of the terminal, or
// $COLUMNS); piped, they print whole.
func TestTerminalTablesFitTheWidth(t *testing.T) {
	db := copyDemo(t, t.TempDir())
	long := "SELECT 'LZ-ZC-0007' AS carrier_id, repeat('兰州汇川青年众创空间 ', 12) AS name, 'a long note about what happened to this run' AS note, 42 AS n"
	for _, c := range []struct {
		name string
		cols uint16
		env  []string
		args []string
	}{
		{"jobs history", 80, nil, []string{"--db", db, "jobs", "history", "--config", os.DevNull}},
		{"jobs list", 90, nil, []string{"--db", db, "jobs", "list", "--config", os.DevNull}},
		{"sql", 70, nil, []string{"--db", db, "sql", long}},
		{"sql, an odd width", 67, nil, []string{"--db", db, "sql", "SELECT carrier_id, name, district, kind, level, score, grade FROM assessments WHERE year = 2025 ORDER BY rank_overall LIMIT 5"}},
		{"sql $COLUMNS", 160, []string{"COLUMNS=60"}, []string{"--db", db, "sql", long}},
		{"sql --schema", 100, nil, []string{"--db", db, "sql", "--schema"}},
		{"explain", 72, nil, []string{"--db", db, "explain", "--carrier", "LZ-ZC-0023", "--year", "2025"}},
		{"assess", 64, nil, []string{"--db", db, "assess", "--year", "2025", "--force"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := onTerminal(t, c.cols, c.env, c.args...)
			width := int(c.cols)
			if len(c.env) > 0 {
				width = 60
			}
			if w := widestTableLine(out); w == 0 || w > width {
				t.Errorf("widest table line %d cells on a terminal %d wide:\n%s", w, width, out)
			}
		})
	}
	// Piped, the same query prints whole.
	code, out, _ := incubeval3(t, "--db", db, "sql", "--format", "table", long)
	if w := widestTableLine(out); code != exitOK || w < 200 {
		t.Errorf("piped table: exit %d, widest line %d:\n%s", code, w, out)
	}
}
