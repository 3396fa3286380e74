package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSweepSkipsAStrayReadme: a README.txt in the inbox is skipped (a line
// in the log), not rejected: the sweep ends ok without a note (exit 0),
// and the file stays in the inbox.
func TestSweepSkipsAStrayReadme(t *testing.T) {
	env, logs := oneOff(t, at(2025, 10, 16, 2, 0))
	cfg := env.Config
	os.MkdirAll(cfg.Inbox, 0o755)
	os.WriteFile(filepath.Join(cfg.Inbox, "载体名录.csv"), []byte(registryCSV), 0o644)
	os.WriteFile(filepath.Join(cfg.Inbox, "README.txt"), []byte("季度报表请放在这里 / put the reports here\n"), 0o644)
	e := NewRunner(env).Execute(context.Background(), catalogJob(t, env, JobQuarterlySweep), TriggerManual, time.Time{}, time.Time{})
	if e.Status != StatusOK || e.Error != "" {
		t.Fatalf("sweep: %s %q", e.Status, e.Error)
	}
	if !strings.Contains(logs.String(), "README.txt") || !strings.Contains(logs.String(), "not a report") {
		t.Fatalf("the log does not say README.txt was skipped:\n%s", logs.String())
	}
	if _, err := os.Stat(filepath.Join(cfg.Inbox, "README.txt")); err != nil {
		t.Fatalf("README.txt left the inbox: %v", err)
	}
}

// TestSweepRejectsByDistrict: with rejects_by: district the sweep writes one
// rejects workbook per district into outbox/<year>/rejects-batch-N/, a file
// rejected whole in one of its own, and lists them in the ledger.
func TestSweepRejectsByDistrict(t *testing.T) {
	env, _ := oneOff(t, at(2025, 10, 16, 2, 0))
	cfg := env.Config
	cfg.RejectsBy = "district"
	os.MkdirAll(cfg.Inbox, 0o755)
	os.WriteFile(filepath.Join(cfg.Inbox, "载体名录.csv"), []byte(registryCSV), 0o644)
	os.WriteFile(filepath.Join(cfg.Inbox, "季度报表.csv"), []byte(quarterlyCSV), 0o644)
	os.WriteFile(filepath.Join(cfg.Inbox, "broken.xlsx"), []byte("not a workbook"), 0o644)
	e := NewRunner(env).Execute(context.Background(), catalogJob(t, env, JobQuarterlySweep), TriggerManual, time.Time{}, time.Time{})
	if e.Status != StatusOK {
		t.Fatalf("sweep: %s %q", e.Status, e.Error)
	}
	var got []string
	for _, f := range e.Files {
		if strings.Contains(f, "rejects-batch-") {
			rel, _ := filepath.Rel(cfg.Outbox, f)
			got = append(got, rel)
		}
	}
	want := []string{"2025/rejects-batch-1/退回清单-七里河区.xlsx", "2025/rejects-batch-1/退回清单-文件3-broken.xlsx"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rejects workbooks %q, want %q", got, want)
	}
	bad := &Config{RejectsBy: "county"}
	if err := bad.Resolve(filepath.Join(t.TempDir(), "x.duckdb")); err == nil || !strings.Contains(err.Error(), "rejects_by") {
		t.Fatalf("rejects_by: county: %v", err)
	}
}
