//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The demo's row in the run ledger lists what it wrote: the sample inbox,
// the rejects workbook and the assessment workbook.
func TestDemoLedgerRowListsTheFilesItWrote(t *testing.T) {
	dir := demoDatabase(t)
	db := filepath.Join(dir, "incubeval.duckdb")
	code, out, stderr := incubeval3(t, "--db", db, "sql", "--format", "csv", "SELECT files_written FROM runs WHERE job = 'demo'")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{filepath.Join(dir, "inbox") + "/", filepath.Join(dir, "rejects-batch-1.xlsx"), filepath.Join(dir, "assessment-2025.xlsx")} {
		if !strings.Contains(out, `""`+f+`""`) {
			t.Errorf("files_written has no %s: %s", f, out)
		}
	}
}

// Every command line demo prints as a hint runs as printed, pasted into a
// shell in the folder demo ran in (make demo: the project's folder), and
// reaches the demo's database — also with $INCUBEVAL_DB naming another.
func TestDemoHintsRunAsPrinted(t *testing.T) {
	demoDatabase(t)
	bin := daemonBinary(t)
	var hints []string
	for _, l := range strings.Split(demoOut, "\n") {
		if strings.HasPrefix(l, "  "+bin+" ") {
			hints = append(hints, strings.TrimSpace(l))
		}
	}
	if len(hints) != 4 {
		t.Fatalf("want 4 hints (rejected rows, explain a grade, explain an application, look at it), got %q in\n%s", hints, demoOut)
	}
	for _, h := range hints {
		cmd := exec.Command("sh", "-c", h)
		cmd.Env = append(os.Environ(), "INCUBEVAL_DB="+filepath.Join(t.TempDir(), "other.duckdb"))
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "-- snapshot of ") || strings.Contains(string(out), "(0 rows)") {
			t.Errorf("%s: %v\n%s", h, err, out)
		}
	}
}

// explain reads back the demo's planted eligibility results, those with
// nothing not met or nothing to review included (an empty list, which
// array_to_string makes NULL).
func TestDemoExplainsItsEligibilityPlants(t *testing.T) {
	db := filepath.Join(demoDatabase(t), "incubeval.duckdb")
	for _, c := range []struct {
		args      []string
		want, not string
	}{
		{[]string{"--application", "SQ2025-001"}, "符合条件 eligible", "待核实 to review:"},
		{[]string{"--application", "SQ2025-004"}, "待核实 to review: facilities", "不符合 not met:"},
		{[]string{"--carrier", "LZ-JD-0004", "--profile", "provincial_demo_base"}, "推荐 recommended", "不符合 not met:"},
		{[]string{"--carrier", "LZ-JD-0018", "--profile", "provincial_demo_base"}, "不符合 not met: utilization\n", "推荐 recommended"},
	} {
		args := append([]string{"--db", db, "explain", "--year", "2025"}, c.args...)
		code, out, stderr := incubeval3(t, args...)
		if code != exitOK || !strings.Contains(out, c.want) || strings.Contains(out, c.not) {
			t.Errorf("explain %v: exit %d, want %q and no %q\n%s%s", c.args, code, c.want, c.not, out, stderr)
		}
	}
}
