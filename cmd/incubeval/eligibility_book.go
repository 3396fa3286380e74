package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// eligibilityBookPath is DIR/eligibility-NAME-Y.xlsx.
func eligibilityBookPath(out, profile string, year int) string {
	return filepath.Join(out, fmt.Sprintf("eligibility-%s-%d.xlsx", profile, year))
}

// eligibilityWorkbook writes DIR/eligibility-NAME-Y.xlsx from the stored
// run and says where it is.
func (a *app) eligibilityWorkbook(ctx context.Context, st *store.Store, profile string, year int, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	shown := eligibilityBookPath(out, profile, year)
	path, err := outputPathFlag("--out", shown, a.dbPath)
	if err != nil {
		return err
	}
	info, err := reports.WriteEligibility(ctx, st.DB, profile, year, path)
	if err != nil {
		return err
	}
	a.ledger.wrote(info.Path, info.SHA256)
	fmt.Fprintf(a.stdout, "工作簿 Workbook: %s (%d subjects, %d on the 公示 list, %d checklist rows)\n",
		termSafe(shown), info.Subjects, info.Eligible, info.ToReview)
	return nil
}
