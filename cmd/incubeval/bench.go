package main

import (
	"fmt"
	"path/filepath"
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
	cmd := &cobra.Command{
		Use:    "bench-data --out DIR",
		Short:  "Write the national-scale benchmark inputs",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("--out DIR is required")}
			}
			start := time.Now()
			reg, q, err := sample.National(filepath.Join(out, "history"), carriers, 2016, 4, 2025, 3)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "history: %s, %s (%.1fs)\n", reg, q, time.Since(start).Seconds())
			start = time.Now()
			files, err := sample.QuarterXLSX(filepath.Join(out, "quarter"), carriers, 2025, 3)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "quarter: %s and %d workbooks (%.1fs)\n", files[0], len(files)-1, time.Since(start).Seconds())
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "folder to write into")
	cmd.Flags().IntVar(&carriers, "carriers", 13000, "number of carriers")
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
