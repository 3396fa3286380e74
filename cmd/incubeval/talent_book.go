package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// talentWorkbook writes DIR/talent-Y.xlsx from the stored decision and
// says where it is.
func (a *app) talentWorkbook(ctx context.Context, st *store.Store, year int, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	shown := filepath.Join(out, fmt.Sprintf("talent-%d.xlsx", year))
	path, err := outputPathFlag("--out", shown, a.dbPath)
	if err != nil {
		return err
	}
	info, err := reports.WriteTalent(ctx, st.DB, year, path)
	if err != nil {
		return err
	}
	a.ledger.wrote(info.Path, info.SHA256)
	fmt.Fprintf(a.stdout, "工作簿 Workbook: %s (%d nominations, %d on the 公示 list)\n", termSafe(shown), info.Nominations, info.Notice)
	return nil
}
