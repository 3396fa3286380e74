package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/sample"
)

// benchDataCommand writes the generated national-scale inputs used by
// `make bench`. Hidden: it is for measuring, not for users.
func (a *app) benchDataCommand() *cobra.Command {
	var out string
	var carriers int
	var historyOnly bool
	cmd := &cobra.Command{
		Use:    "bench-data --out DIR",
		Short:  "生成全国规模的基准测试数据 — write the national-scale benchmark inputs",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			reg, q, err := sample.National(filepath.Join(out, "history"), carriers, 2016, 4, 2025, 3)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "history: %s, %s (%.1fs)\n", reg, q, time.Since(start).Seconds())
			if historyOnly {
				return nil
			}
			n, err := splitByQuarter(q, filepath.Join(out, "by-quarter"))
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "by-quarter: %d files\n", n)
			start = time.Now()
			files, err := sample.QuarterXLSX(filepath.Join(out, "quarter"), carriers, 2025, 3)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "quarter: %s and %d workbooks (%.1fs)\n", files[0], len(files)-1, time.Since(start).Seconds())
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "输出文件夹（必填） folder to write into (required)")
	cmd.Flags().IntVar(&carriers, "carriers", 13000, "载体数 number of carriers")
	cmd.Flags().BoolVar(&historyOnly, "history-only", false, "只生成 history/（规模测试用） only history/, for the scale runs")
	requireFlags(cmd, "out")
	return cmd
}

// printStats reports wall time and peak resident memory of this process,
// for `make bench` (the --stats flag).
func printStats(a *app, start time.Time) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Fprintf(a.stderr, "stats: wall %.2fs, cpu user %.2fs sys %.2fs, peak RSS %d MiB\n",
		time.Since(start).Seconds(),
		time.Duration(ru.Utime.Nano()).Seconds(), time.Duration(ru.Stime.Nano()).Seconds(),
		ru.Maxrss/1024)
}

// splitByQuarter writes the history CSV again as one file per quarter, the
// way a province forwards its quarterly collections.
func splitByQuarter(src, dir string) (int, error) {
	data, err := os.ReadFile(src)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	files := map[string]*strings.Builder{}
	var order []string
	for _, line := range lines[1:] {
		f := strings.SplitN(line, ",", 4)
		key := f[1] + "Q" + f[2]
		b := files[key]
		if b == nil {
			b = &strings.Builder{}
			b.WriteString(lines[0] + "\n")
			files[key] = b
			order = append(order, key)
		}
		b.WriteString(line + "\n")
	}
	for _, k := range order {
		if err := os.WriteFile(filepath.Join(dir, "quarterly-"+k+".csv"), []byte(files[k].String()), 0o644); err != nil {
			return 0, err
		}
	}
	return len(order), nil
}
