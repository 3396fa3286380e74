package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// publish and discard on a terminal show what they act on and ask: y, yes
// or 是 confirms; anything else does nothing (exit 1). The built binary on
// a pseudo-terminal, over copies of the demo database.
func TestPublishAndDiscardAskOnATerminal(t *testing.T) {
	bin := daemonBinary(t)
	published := func(db string) string {
		t.Helper()
		code, out, errs := exe(bin, "--db", db, "sql", "--live", "--format", "csv", "SELECT count(*) FROM published_years")
		if code != 0 {
			t.Fatalf("sql: exit %d %s%s", code, out, errs)
		}
		return lastLine(out)
	}
	for _, c := range []struct {
		answer string
		code   int
		done   string
	}{
		{"y", exitOK, "已发布 Published 2025"},
		{"是", exitOK, "已发布 Published 2025"},
		{"n", exitFail, "not confirmed: nothing was frozen"},
		{"", exitFail, "not confirmed: nothing was frozen"},
	} {
		t.Run("publish answered "+c.answer, func(t *testing.T) {
			db := copyDemo(t, t.TempDir())
			p := startPTY(t, bin, nil, "--db", db, "publish", "--year", "2025")
			p.expect("To publish (freeze): 2025")
			p.expect("graded (优秀 excellent")
			p.expect("decisions: 保留 keep")
			p.expect("Publish 2025? [y/N]")
			p.send(c.answer + "\r")
			p.expect(c.done)
			if code := p.exit(); code != c.code {
				t.Fatalf("exit %d, want %d", code, c.code)
			}
			want := "0"
			if c.code == exitOK {
				want = "1"
			}
			if got := published(db); got != want {
				t.Errorf("%s years published, want %s", got, want)
			}
		})
	}
	// publish > file.txt on a terminal: the question is on the terminal,
	// and so is what it freezes (also in the file).
	t.Run("publish with its output in a file", func(t *testing.T) {
		db := copyDemo(t, t.TempDir())
		out, err := os.Create(filepath.Join(t.TempDir(), "publish.txt"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		p := startPTYOut(t, bin, out, nil, "--db", db, "publish", "--year", "2025")
		p.expect("To publish (freeze): 2025")
		p.expect("decisions: 保留 keep")
		p.expect("Publish 2025? [y/N]")
		p.send("n\r")
		p.expect("not confirmed")
		if code := p.exit(); code != exitFail {
			t.Fatalf("exit %d", code)
		}
		if data, _ := os.ReadFile(out.Name()); !strings.Contains(string(data), "To publish (freeze): 2025") {
			t.Errorf("the file lacks the summary:\n%s", data)
		}
	})
	t.Run("discard answered no, then yes", func(t *testing.T) {
		db := copyDemo(t, t.TempDir())
		count := func() string {
			_, out, _ := exe(bin, "--db", db, "sql", "--live", "--format", "csv", "SELECT count(*) FROM assessments WHERE year = 2025")
			return lastLine(out)
		}
		before := count()
		p := startPTY(t, bin, nil, "--db", db, "discard", "--year", "2025")
		p.expect("To remove: the stored results of 2025")
		p.expect("Remove the results of 2025? [y/N]")
		p.send("no\r")
		p.expect("nothing was removed")
		if code := p.exit(); code != exitFail || count() != before {
			t.Fatalf("discard answered no: exit %d, %s rows of 2025 (were %s)", code, count(), before)
		}
		p = startPTY(t, bin, nil, "--db", db, "discard", "--year", "2025")
		p.expect("[y/N]")
		p.send("是\r")
		p.expect("Removed the stored results of 2025")
		if code := p.exit(); code != exitOK || count() != "0" {
			t.Fatalf("discard answered 是: exit %d, %s rows of 2025 left", code, count())
		}
	})
}
