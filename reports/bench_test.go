package reports_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/store"
	"github.com/incubeval/incubeval/reports"
)

// BenchmarkAssessmentWorkbook writes assessment-2025.xlsx for the generated
// national-scale data (13,000 carriers, 2016Q4–2025Q3, as `make bench`
// uses): about 12,000 ranked carriers and 135,000 indicator rows. The goal
// is under 3 s and a peak resident memory under 500 MiB.
//
// Reported: cells written per workbook, cells/s, and peak-RSS-MiB, the
// process's peak resident memory while writing (reset before the loop
// through /proc/self/clear_refs, so the database build does not count).
func BenchmarkAssessmentWorkbook(b *testing.B) {
	ctx := context.Background()
	dbPath := nationalDB(b)
	b.Run("national", func(b *testing.B) {
		// A fresh process state as `incubeval report` has it: the database
		// opened, nothing cached.
		st, err := store.Open(ctx, dbPath, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		out := filepath.Join(b.TempDir(), "assessment-2025.xlsx")
		runtime.GC()
		debug.FreeOSMemory()
		asmResetPeakRSS()
		b.ReportAllocs()
		b.ResetTimer()
		var info *reports.AssessmentInfo
		for i := 0; i < b.N; i++ {
			if info, err = reports.WriteAssessment(ctx, st.DB, 2025, out, reports.AssessmentOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		peak := asmPeakRSS()
		cells := asmCountCells(b, out)
		if fi, err := os.Stat(out); err == nil {
			b.ReportMetric(float64(fi.Size())/(1<<20), "file-MiB")
		}
		b.ReportMetric(float64(info.RankedRows), "ranked")
		b.ReportMetric(float64(info.IndicatorRows), "indicator-rows")
		b.ReportMetric(float64(cells), "cells")
		b.ReportMetric(float64(cells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
		if peak > 0 {
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
		}
	})
}

// asmCountCells counts the non-empty cells of every sheet.
func asmCountCells(b *testing.B, path string) int {
	f, err := excelize.OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	n := 0
	for _, sh := range f.GetSheetList() {
		rows, err := f.Rows(sh)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range cols {
				if c != "" {
					n++
				}
			}
		}
		rows.Close()
	}
	return n
}

// asmResetPeakRSS resets the kernel's high-water mark of resident memory
// (Linux ≥ 4.0); elsewhere asmPeakRSS reports nothing.
func asmResetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// asmPeakRSS reads VmHWM from /proc/self/status, in bytes; 0 if unknown.
func asmPeakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
