package talent

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/incubeval/incubeval/pipeline/store"
)

// Reason codes of SPEC §9, in the order a nomination lists them.
var ReasonCodes = []string{"founded", "jobs", "jobs_stable", "revenue", "ip_count", "prospect", "influence",
	"clean_record", "unknown_group", "already_awarded", "duplicate", "higher_title", "quota_full"}

// Outcomes of a nomination.
const (
	Awarded     = "awarded"
	Recommended = "recommended"
	Waitlisted  = "waitlisted"
	Ineligible  = "ineligible"
)

// Options of a decision.
type Options struct {
	Year int
}

// Result says what a decision stored: the years decided (Year, then the
// later years already stored, which build on it) and the counts of Year.
type Result struct {
	Year    int
	Decided []int
	RunIDs  []int64
	// Nominations of Year, and their outcomes by title.
	Nominations int
	Outcomes    map[string]map[string]int // title → outcome → n
	Quota       []QuotaRow                // of Year
}

// QuotaRow is one row of talent_quota.
type QuotaRow struct {
	Title, Group                                     string
	Quota, AwardedBefore, AwardedThisYear, Remaining int
}

// OutsideError refuses a year that is not one of the programme's.
type OutsideError struct {
	Year  int
	Years []int
}

func (e *OutsideError) Error() string {
	ys := make([]string, len(e.Years))
	for i, y := range e.Years {
		ys[i] = fmt.Sprint(y)
	}
	return fmt.Sprintf("%d is not a year of the programme (%s): nothing is awarded / %d 年不在工程年度（%s）内，不评选",
		e.Year, strings.Join(ys, ", "), e.Year, strings.Join(ys, "、"))
}

// Run decides year opts.Year of the programme and stores it, with every
// later year already stored decided again after it (their quotas and
// once-only rule build on it): all of it, in one transaction, or nothing.
func Run(ctx context.Context, st *store.Store, p *Programme, opts Options) (*Result, error) {
	if !p.InYears(opts.Year) {
		return nil, &OutsideError{Year: opts.Year, Years: p.Years}
	}
	res := &Result{Year: opts.Year, Outcomes: map[string]map[string]int{}}
	years := []int{opts.Year}
	rows, err := st.DB.QueryContext(ctx, "SELECT DISTINCT year FROM store.talent_runs WHERE year > ? ORDER BY year", opts.Year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			rows.Close()
			return nil, err
		}
		if p.InYears(y) {
			years = append(years, y)
		}
	}
	rows.Close()
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	defer conn.ExecContext(context.Background(), dropTemps)
	err = st.ConnTx(ctx, conn, func(conn *sql.Conn) error {
		if err := loadProgramme(ctx, conn, p); err != nil {
			return err
		}
		for _, y := range years {
			id, err := decide(ctx, conn, p, y)
			if err != nil {
				return fmt.Errorf("talent %d: %w", y, err)
			}
			res.Decided = append(res.Decided, y)
			res.RunIDs = append(res.RunIDs, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, summarize(ctx, st.DB, res)
}

const dropTemps = `DROP TABLE IF EXISTS t_criteria; DROP TABLE IF EXISTS t_groups; DROP TABLE IF EXISTS t_noms;
	DROP TABLE IF EXISTS t_prior; DROP TABLE IF EXISTS t_base; DROP TABLE IF EXISTS t_star; DROP TABLE IF EXISTS t_rising;
	DROP TABLE IF EXISTS t_final`

// loadProgramme writes the programme's criteria and quota groups into
// temporary tables (values as parameters: nothing of the file's text is
// SQL).
func loadProgramme(ctx context.Context, conn *sql.Conn, p *Programme) error {
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE t_criteria (
		title VARCHAR, title_rank INTEGER, founded_years INTEGER, min_jobs INTEGER, jobs_stable BOOLEAN,
		min_revenue DECIMAL(18,2), min_ip INTEGER, prospect BOOLEAN, influence BOOLEAN, clean BOOLEAN);
		CREATE OR REPLACE TEMP TABLE t_groups (title VARCHAR, ord INTEGER, name VARCHAR, quota INTEGER)`); err != nil {
		return err
	}
	for i, t := range Titles {
		c := p.Criteria[t]
		if _, err := conn.ExecContext(ctx, `INSERT INTO t_criteria VALUES (?, ?, ?, ?, ?, CAST(? AS DECIMAL(18,2)), ?, ?, ?, ?)`,
			t, len(Titles)-i, c.FoundedWithinYears, c.MinJobs, c.JobsStable, fmt.Sprintf("%.2f", c.MinRevenue), c.MinIPCount,
			c.Prospect, c.Influence, c.CleanRecord); err != nil {
			return err
		}
	}
	for _, g := range []struct {
		title string
		gs    []Group
	}{{Rising, p.Districts}, {Star, p.Categories}} {
		for i, x := range g.gs {
			if _, err := conn.ExecContext(ctx, `INSERT INTO t_groups VALUES (?, ?, ?, ?)`, g.title, i+1, x.Name, x.Quota); err != nil {
				return err
			}
		}
	}
	_, err := conn.ExecContext(ctx, `INSERT INTO t_groups VALUES ('master', 1, 'city', NULL)`)
	return err
}

// rankOrder is SPEC §9's ranking: contest score, jobs, revenue (all
// descending), then the nomination id.
const rankOrder = "contest_score DESC, jobs DESC, revenue DESC, nomination_id"

// decide decides year y and stores it as a new run; it returns the run id.
func decide(ctx context.Context, conn *sql.Conn, p *Programme, y int) (int64, error) {
	d := p.SelectionDay(y)
	var runID int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(run_id), 0) + 1 FROM store.talent_runs").Scan(&runID); err != nil {
		return 0, err
	}
	steps := []struct{ name, sql string }{
		// The year's nominations (winning revisions), each in its group.
		{"nominations", `CREATE OR REPLACE TEMP TABLE t_noms AS
			SELECT n.nomination_id, n.person, n.person_id, n.enterprise, n.title, n.founded_on, n.jobs, n.jobs_stable,
			       CAST(n.revenue AS DECIMAL(18,6)) AS revenue, n.ip_count, n.clean_record, n.prospect, n.influence,
			       CAST(n.contest_score AS DECIMAL(5,2)) AS contest_score, n.district, n.category,
			       CASE n.title WHEN 'rising' THEN n.district WHEN 'star' THEN n.category ELSE 'city' END AS quota_group
			FROM nominations n WHERE n.year = $year`},
		// Awards stored for earlier years (their latest decisions).
		{"prior", `CREATE OR REPLACE TEMP TABLE t_prior AS
			SELECT t.person_id, t.title, t.quota_group
			FROM store.talent_results t
			JOIN (SELECT year, max(run_id) AS run_id FROM store.talent_runs WHERE year < $year GROUP BY year) r USING (run_id)
			WHERE t.outcome = 'awarded'`},
		// The criteria on the selection day, the group, the once-only rule and
		// duplicates: every reason a nomination is not eligible.
		{"criteria", `CREATE OR REPLACE TEMP TABLE t_base AS
			SELECT n.*, list_filter([
			         CASE WHEN NOT (n.founded_on > CAST($day::DATE - to_years(c.founded_years) AS DATE)) THEN 'founded' END,
			         CASE WHEN n.jobs < c.min_jobs THEN 'jobs' END,
			         CASE WHEN c.jobs_stable AND NOT n.jobs_stable THEN 'jobs_stable' END,
			         CASE WHEN n.revenue < c.min_revenue THEN 'revenue' END,
			         CASE WHEN n.ip_count < c.min_ip THEN 'ip_count' END,
			         CASE WHEN c.prospect AND NOT n.prospect THEN 'prospect' END,
			         CASE WHEN c.influence AND NOT n.influence THEN 'influence' END,
			         CASE WHEN c.clean AND NOT n.clean_record THEN 'clean_record' END,
			         CASE WHEN g.name IS NULL THEN 'unknown_group' END,
			         CASE WHEN EXISTS (SELECT 1 FROM t_prior p JOIN t_criteria pc ON pc.title = p.title
			                           WHERE p.person_id = n.person_id AND pc.title_rank >= c.title_rank) THEN 'already_awarded' END,
			         CASE WHEN n.dup > 1 THEN 'duplicate' END
			       ], x -> x IS NOT NULL) AS reasons
			FROM (SELECT *, row_number() OVER (PARTITION BY person_id, title ORDER BY ` + rankOrder + `) AS dup FROM t_noms) n
			JOIN t_criteria c USING (title)
			LEFT JOIN t_groups g ON g.title = n.title AND g.name = n.quota_group`},
		// 创业新秀 by category, then 新锐创客 by district: the eligible ranked,
		// awarded while the group's remaining quota lasts.
		{"star", selectSQL("t_star", "t_base", "star")},
		// A person awarded 创业新秀 this year is not 新锐创客 this year.
		{"higher title", `CREATE OR REPLACE TEMP TABLE t_final AS
			SELECT b.* REPLACE (CASE WHEN b.title = 'rising' AND b.person_id IN (SELECT person_id FROM t_star WHERE awarded)
			                         THEN list_append(b.reasons, 'higher_title') ELSE b.reasons END AS reasons)
			FROM t_base b`},
		{"rising", selectSQL("t_rising", "t_final", "rising")},
		{"results", `INSERT INTO store.talent_results
			SELECT $run, b.nomination_id, b.person, b.person_id, b.enterprise, b.title, b.quota_group,
			       CASE WHEN len(b.reasons) > 0 THEN 'ineligible'
			            WHEN b.title = 'master' THEN 'recommended'
			            WHEN s.awarded THEN 'awarded'
			            ELSE 'waitlisted' END,
			       CASE WHEN len(b.reasons) > 0 THEN NULL
			            WHEN b.title = 'master' THEN m.rnk
			            ELSE s.rnk END,
			       CASE WHEN len(b.reasons) > 0 THEN b.reasons
			            WHEN b.title <> 'master' AND NOT s.awarded THEN ['quota_full']
			            ELSE []::VARCHAR[] END,
			       b.district, b.category, b.contest_score, b.jobs, b.revenue, b.ip_count
			FROM t_final b
			LEFT JOIN (SELECT * FROM t_star UNION ALL SELECT * FROM t_rising) s USING (nomination_id)
			LEFT JOIN (SELECT nomination_id, row_number() OVER (ORDER BY ` + rankOrder + `) AS rnk
			           FROM t_final WHERE title = 'master' AND len(reasons) = 0) m USING (nomination_id)`},
		{"quota", `INSERT INTO store.talent_quota
			SELECT $run, g.title, g.ord, g.name, g.quota, coalesce(b.n, 0), coalesce(t.n, 0),
			       g.quota - coalesce(b.n, 0) - coalesce(t.n, 0)
			FROM t_groups g
			LEFT JOIN (SELECT title, quota_group, count(*) AS n FROM t_prior GROUP BY ALL) b
			       ON b.title = g.title AND b.quota_group = g.name
			LEFT JOIN (SELECT title, quota_group, count(*) AS n FROM store.talent_results
			           WHERE run_id = $run AND outcome = 'awarded' GROUP BY ALL) t
			       ON t.title = g.title AND t.quota_group = g.name
			WHERE g.title IN ('rising', 'star')`},
	}
	args := []any{sql.Named("year", y), sql.Named("day", d.Format("2006-01-02")), sql.Named("run", runID)}
	for _, s := range steps {
		q := s.sql
		var used []any
		for _, a := range args {
			if strings.Contains(q, "$"+a.(sql.NamedArg).Name) {
				used = append(used, a)
			}
		}
		if _, err := conn.ExecContext(ctx, q, used...); err != nil {
			return 0, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO store.talent_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		runID, y, store.Now(), d, p.Code, p.NameZH, p.SHA256, string(p.Text)); err != nil {
		return 0, err
	}
	return runID, nil
}

// selectSQL ranks the eligible nominations of title (one of Titles: a
// constant, never text of a file) in each group of table from, and marks
// those within the group's remaining quota (quota − awarded in the earlier
// years) awarded, into table t.
func selectSQL(t, from, title string) string {
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE %s AS
		SELECT e.nomination_id, e.person_id, e.rnk,
		       e.rnk <= greatest(g.quota - coalesce(b.n, 0), 0) AS awarded
		FROM (SELECT *, row_number() OVER (PARTITION BY quota_group ORDER BY %s) AS rnk
		      FROM %s WHERE title = '%s' AND len(reasons) = 0) e
		JOIN t_groups g ON g.title = '%s' AND g.name = e.quota_group
		LEFT JOIN (SELECT quota_group, count(*) AS n FROM t_prior WHERE title = '%s' GROUP BY ALL) b
		       ON b.quota_group = e.quota_group`, t, rankOrder, from, title, title, title)
}

// summarize fills the counts of res.Year from the views.
func summarize(ctx context.Context, db *sql.DB, res *Result) error {
	rows, err := db.QueryContext(ctx, `SELECT title, outcome, count(*) FROM talent_results WHERE year = ? GROUP BY ALL`, res.Year)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t, o string
		var n int
		if err := rows.Scan(&t, &o, &n); err != nil {
			rows.Close()
			return err
		}
		if res.Outcomes[t] == nil {
			res.Outcomes[t] = map[string]int{}
		}
		res.Outcomes[t][o] = n
		res.Nominations += n
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT title, quota_group, quota, awarded_before, awarded_this_year, remaining
		FROM talent_quota WHERE year = ? ORDER BY title DESC, ord`, res.Year)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var q QuotaRow
		if err := rows.Scan(&q.Title, &q.Group, &q.Quota, &q.AwardedBefore, &q.AwardedThisYear, &q.Remaining); err != nil {
			return err
		}
		res.Quota = append(res.Quota, q)
	}
	return rows.Err()
}

// DecidedAt is when year y was last decided (zero if never).
func DecidedAt(ctx context.Context, db *sql.DB, y int) (time.Time, error) {
	var t sql.NullTime
	err := db.QueryRowContext(ctx, "SELECT max(decided_at) FROM talent_runs WHERE year = ?", y).Scan(&t)
	return t.Time, err
}
