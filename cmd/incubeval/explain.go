package main

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/spf13/cobra"

	"github.com/incubeval/incubeval/pipeline/store"
)

func (a *app) explainCommand() *cobra.Command {
	var carrier string
	var year int
	cmd := &cobra.Command{
		Use:   "explain --carrier ID --year Y",
		Short: "Show how a carrier's grade was made: indicators, points and the source rows used",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if carrier == "" || year == 0 {
				return usageError{fmt.Errorf("--carrier and --year are required")}
			}
			st, err := store.Open(cmd.Context(), a.dbPath, store.Options{ReadOnly: true})
			if err != nil {
				return err
			}
			defer st.Close()
			db := st.DB
			w := a.stdout
			var (
				name, outcome                     string
				grade, reasons, action, reason    sql.NullString
				score                             any
				rank                              sql.NullInt64
				deadline, banned, level, district sql.NullString
				amount, recovery                  sql.NullInt64
			)
			err = db.QueryRowContext(cmd.Context(), `
				SELECT a.name, a.outcome, a.grade, array_to_string(a.reasons, ', '), a.score, a.rank_overall,
				       d.action, d.reason, CAST(d.deadline AS VARCHAR), CAST(d.banned_until AS VARCHAR), a.level, a.district,
				       f.amount_yuan, f.recovery_yuan
				FROM assessments a
				LEFT JOIN decisions d USING (year, carrier_id)
				LEFT JOIN funding f USING (year, carrier_id)
				WHERE a.year = ? AND a.carrier_id = ?`, year, carrier).Scan(
				&name, &outcome, &grade, &reasons, &score, &rank, &action, &reason, &deadline, &banned, &level, &district, &amount, &recovery)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%s has no result in %d (not registered, recognized after the window, removed earlier, or the year not assessed) / 无此载体该年度结果", carrier, year)
			}
			if err != nil {
				return err
			}
			var ws, we string
			if err := db.QueryRowContext(cmd.Context(), "SELECT CAST(window_start AS VARCHAR), CAST(window_end AS VARCHAR) FROM assessments WHERE year = ? LIMIT 1", year).Scan(&ws, &we); err != nil {
				return err
			}
			// Names and sources come from submitted files: cut and escaped for the terminal.
			fmt.Fprintf(w, "%s %s — %d (window %s to %s), %s, %s\n", termText(carrier, termWord), termText(name, termName), year, ws, we,
				termText(district.String, termWord), termText(level.String, termWord))
			if outcome != "graded" {
				fmt.Fprintf(w, "  outcome: %s (%s)\n", outcome, map[string]string{"not_assessed": "新认定不参评", "deferred": "暂缓评价"}[outcome])
				if action.Valid { // revoked for false data all the same (SPEC §4.7)
					fmt.Fprintf(w, "  decision: %s (%s), operator banned until %s; to recover %s yuan\n",
						termSafe(action.String), termText(reason.String, termNote), banned.String, thousands(recovery.Int64))
				}
				return nil
			}
			fmt.Fprintf(w, "  score %s, grade %s %s, rank %d", store.Fixed(score), gradeZH[grade.String], grade.String, rank.Int64)
			if reasons.String != "" {
				fmt.Fprintf(w, ", reasons: %s", termText(reasons.String, termNote))
			}
			fmt.Fprintf(w, "\n  decision: %s (%s)", termSafe(action.String), termText(reason.String, termNote))
			if deadline.Valid {
				fmt.Fprintf(w, ", rectify by %s", deadline.String)
			}
			if banned.Valid {
				fmt.Fprintf(w, ", operator banned until %s", banned.String)
			}
			fmt.Fprintf(w, "; funding %s yuan", thousands(amount.Int64))
			if recovery.Int64 > 0 {
				fmt.Fprintf(w, ", to recover %s yuan", thousands(recovery.Int64))
			}
			fmt.Fprintln(w)

			rows, err := db.QueryContext(cmd.Context(), `SELECT indicator, value, target, weight, points FROM indicator_scores
				WHERE year = ? AND carrier_id = ? ORDER BY ord`, year, carrier)
			if err != nil {
				return err
			}
			tw := table.NewWriter()
			tw.SetStyle(table.StyleLight)
			tw.Style().Format.Header = text.FormatDefault
			tw.AppendHeader(table.Row{"indicator", "value", "target", "weight", "points"})
			for rows.Next() {
				var ind string
				var value, weight float64
				var target sql.NullFloat64
				var points any
				if err := rows.Scan(&ind, &value, &target, &weight, &points); err != nil {
					rows.Close()
					return err
				}
				t := ""
				if target.Valid {
					t = trimFloat(target.Float64)
				}
				tw.AppendRow(table.Row{termText(ind, termName), trimFloat(value), t, trimFloat(weight), store.Fixed(points)})
			}
			rows.Close()
			tw.Style().Format.Footer = text.FormatDefault
			tw.AppendFooter(table.Row{"score 得分", "", "", "", store.Fixed(score)})
			fmt.Fprintln(w, tw.Render())

			rows, err = db.QueryContext(cmd.Context(), `
				WITH w AS (SELECT window_start, window_end FROM assessments WHERE year = ? AND carrier_id = ?)
				SELECT q.year, q.quarter, CAST(q.submitted_on AS VARCHAR), CAST(q.due_on AS VARCHAR), q.on_time, q.revisions,
				       l.file_name, coalesce(q.sheet, ''), q.row_no
				FROM quarterly_reports q JOIN ingest_log l USING (ingest_id), w
				WHERE q.carrier_id = ? AND make_date(q.year, q.quarter * 3, 1) BETWEEN w.window_start AND w.window_end
				ORDER BY q.year, q.quarter`, year, carrier, carrier)
			if err != nil {
				return err
			}
			defer rows.Close()
			tw = table.NewWriter()
			tw.SetStyle(table.StyleLight)
			tw.Style().Format.Header = text.FormatDefault
			tw.AppendHeader(table.Row{"quarter", "submitted", "due", "on time", "revisions", "source file", "sheet", "row"})
			n := 0
			for rows.Next() {
				var y, q, revs, row int
				var sub, due, file, sheet string
				var onTime bool
				if err := rows.Scan(&y, &q, &sub, &due, &onTime, &revs, &file, &sheet, &row); err != nil {
					return err
				}
				ot := "yes"
				if !onTime {
					ot = "late"
				}
				tw.AppendRow(table.Row{fmt.Sprintf("%dQ%d", y, q), sub, due, ot, revs, termText(file, termName), termText(sheet, termWord), row})
				n++
			}
			fmt.Fprintf(w, "Quarters used (winning revisions), %d of 4:\n", n)
			if n > 0 {
				fmt.Fprintln(w, tw.Render())
			}
			return rows.Err()
		},
	}
	cmd.Flags().StringVar(&carrier, "carrier", "", "carrier id (载体编号)")
	cmd.Flags().IntVar(&year, "year", 0, "assessment year")
	return cmd
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.4f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
