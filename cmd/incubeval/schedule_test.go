package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/pipeline/sample"
)

// The scheduler as a person runs it: the real binary, real signals, real
// lock files. The binary is built once for these tests.
var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func daemonBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "incubeval-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "incubeval")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// sharedDirs are folders made once for several tests (the demo database),
// removed by TestMain.
var sharedDirs []string

// TestMain removes the binary built for the scheduler tests, and the
// folders the tests shared.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	for _, d := range sharedDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// lockedBuffer is a daemon's stderr, read while it is written.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type daemon struct {
	t    *testing.T
	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan error
}

// startDaemon starts `incubeval schedule --config cfg` and waits until it
// says it has started.
func startDaemon(t *testing.T, cfg string, env ...string) *daemon {
	t.Helper()
	d := &daemon{t: t, logs: &lockedBuffer{}, done: make(chan error, 1)}
	d.cmd = exec.Command(daemonBinary(t), "schedule", "--config", cfg)
	d.cmd.Env = append(os.Environ(), env...)
	d.cmd.Stdout, d.cmd.Stderr = d.logs, d.logs
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			d.cmd.Process.Kill()
			<-d.done
		}
		if t.Failed() {
			t.Logf("daemon pid %d log:\n%s", d.cmd.Process.Pid, d.logs.String())
		}
	})
	d.waitLog("scheduler started")
	return d
}

// waitFor polls cond until it holds or the daemon exits; a minute at most.
func (d *daemon) waitFor(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			d.t.Fatalf("timed out waiting for %s", what)
		}
		if d.cmd.ProcessState != nil {
			d.t.Fatalf("the daemon exited while waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (d *daemon) waitLog(s string) {
	d.t.Helper()
	d.waitFor(fmt.Sprintf("%q in the log", s), func() bool { return strings.Contains(d.logs.String(), s) })
}

// stop sends SIGTERM and wants exit status 0.
func (d *daemon) stop() {
	d.t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		d.t.Fatal(err)
	}
	select {
	case err := <-d.done:
		if err != nil {
			d.t.Fatalf("daemon after SIGTERM: %v\n%s", err, d.logs.String())
		}
	case <-time.After(60 * time.Second):
		d.t.Fatal("the daemon did not stop after SIGTERM")
	}
	if !strings.Contains(d.logs.String(), "scheduler stopped") {
		d.t.Fatalf("no clean stop in the log:\n%s", d.logs.String())
	}
}

// incubeval runs the binary and returns its exit status and output
// (stdout and stderr together).
func incubeval(t *testing.T, args ...string) (int, string) {
	t.Helper()
	code, out, errb := incubeval3(t, args...)
	return code, out + errb
}

// query runs `incubeval --db db sql --format csv q` and returns stdout.
func query(t *testing.T, db, q string) (int, string) {
	t.Helper()
	code, out, errb := incubeval3(t, "--db", db, "sql", "--format", "csv", q)
	if code != exitOK {
		out += errb
	}
	return code, out
}

func incubeval3(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(daemonBinary(t), args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), out.String(), errb.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

func writeConfig(t *testing.T, dir, text string) string {
	t.Helper()
	p := filepath.Join(dir, "incubeval.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A second daemon on the same database refuses to start (exit 75); the
// first stops cleanly on SIGTERM.
func TestTwoDaemonsOnOneDatabase(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "database: data/incubeval.duckdb\n")
	first := startDaemon(t, cfg)
	code, out := incubeval(t, "schedule", "--config", cfg)
	want := fmt.Sprintf("another incubeval scheduler (pid %d) is already running on %s", first.cmd.Process.Pid, filepath.Join(dir, "data", "incubeval.duckdb"))
	if code != exitBusy || !strings.Contains(out, want) || !strings.Contains(out, "同一数据库只能运行一个调度进程") {
		t.Fatalf("second daemon: exit %d, want %d with %q:\n%s", code, exitBusy, want, out)
	}
	first.stop()
}

const (
	testRegistryCSV = "载体编号,载体名称,运营主体统一社会信用代码,运营主体名称,区县,载体类型,类别,级别,认定日期\n" +
		"LZ-ZC-0001,兰州青创众创空间,911100001000128855,兰州青创科技有限公司,城关区,众创空间,综合,市级,2019-03-31\n" +
		"LZ-FH-0001,七里河科技企业孵化器,91350100M000100Y43,七里河孵化管理有限公司,七里河区,孵化器,专业,省级,2018-06-01\n"
	testQuarterlyCSV = "载体编号,年度,季度,报送日期,在孵企业(团队)数,已备案在孵企业数,新入孵企业数,毕业企业数,退出企业数,培训辅导次数,培训人次,创业活动次数,在孵企业从业人数,在孵企业营收(万元),知识产权授权数,获得投融资金额(万元),获投融资企业数\n" +
		"LZ-ZC-0001,2025,3,2025-10-10,20,18,3,1,1,4,90,3,110,600,2,100,2\n"
)

// While a job holds the database a manual command exits 75 naming the
// job; SIGTERM past the grace period cancels the job, the ledger says so
// and the database is as it was; the next start catches the run up.
func TestManualCommandAndSIGTERMDuringAJob(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "incubeval.duckdb")
	inbox := filepath.Join(dir, "inbox")
	os.MkdirAll(inbox, 0o755)
	os.WriteFile(filepath.Join(inbox, "registry.csv"), []byte(testRegistryCSV), 0o644)
	os.WriteFile(filepath.Join(inbox, "quarterly.csv"), []byte(testQuarterlyCSV), 0o644)
	cfg := writeConfig(t, dir, `database: incubeval.duckdb
stop_grace: 300ms
jobs:
  quarterly-sweep:
    schedule: "* * * * * *"   # every second
  yearly-assessment: {enabled: false}
  publish: {enabled: false}
  deadline-reminder: {enabled: false}
`)
	release := filepath.Join(dir, "release")
	d := startDaemon(t, cfg, "INCUBEVAL_TEST_PAUSE_FILE="+release)
	// The sweep starts within a second and holds the database, paused.
	d.waitLog("test hook: paused")
	code, out := incubeval(t, "--db", db, "ingest", inbox)
	if code != exitBusy || !strings.Contains(out, "incubeval schedule, job quarterly-sweep / 调度任务 quarterly-sweep); try again") {
		t.Fatalf("manual ingest during the job: exit %d\n%s", code, out)
	}
	d.stop()

	code, out = query(t, db,
		"SELECT job, status, error LIKE '%stop_grace%' AS grace, json_extract_string(args, '$.trigger') AS via FROM runs WHERE status <> 'skipped' ORDER BY run_id")
	if code != exitOK || strings.TrimSpace(out) != "job,status,grace,via\nquarterly-sweep,failed,true,schedule" {
		t.Fatalf("ledger after SIGTERM: exit %d\n%s", code, out)
	}
	// Nothing of the cancelled run is in the database; the inbox is as it was.
	code, out = query(t, db, "SELECT (SELECT count(*) FROM ingest_log) AS files, (SELECT count(*) FROM runs WHERE status = 'running') AS running")
	if code != exitOK || !strings.HasSuffix(strings.TrimSpace(out), "\n0,0") {
		t.Fatalf("database after SIGTERM: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(inbox, "registry.csv")); err != nil {
		t.Fatalf("the inbox changed: %v", err)
	}

	// Started again (no pause): the interrupted sweep is caught up.
	os.WriteFile(release, nil, 0o644)
	d = startDaemon(t, cfg, "INCUBEVAL_TEST_PAUSE_FILE="+release)
	d.waitLog("status=caught_up")
	d.stop()
	code, out = query(t, db,
		"SELECT status, rows_ingested FROM runs WHERE json_extract_string(args, '$.trigger') = 'catch_up'")
	if code != exitOK || strings.TrimSpace(out) != "status,rows_ingested\ncaught_up,3" {
		t.Fatalf("catch-up: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "processed", time.Now().In(shanghai()).Format("2006-01-02"), "registry.csv")); err != nil {
		t.Fatalf("the caught-up sweep did not move the inbox: %v", err)
	}
}

func shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}

// The daemon with a seconds-level schedule over the demo inbox: the sweep,
// the yearly assessment, the publication and the reminder fall due in the
// same second and run in that order, leaving the chase list, the workbook
// set (final) and a ledger row each.
func TestDaemonEndToEndOverTheDemoInbox(t *testing.T) {
	dir := t.TempDir()
	if _, err := sample.Demo(filepath.Join(dir, "inbox")); err != nil {
		t.Fatal(err)
	}
	// Every job at one second of the minute, a few seconds from now.
	second := time.Now().Add(4 * time.Second).Second()
	spec := fmt.Sprintf("\"%d * * * * *\"", second)
	cfg := writeConfig(t, dir, `# end-to-end test
database: incubeval.duckdb
inbox: inbox
outbox: outbox
log_format: json
assessment:
  year: 2025   # the demo's data runs to 2025Q3
jobs:
  quarterly-sweep:   {schedule: `+spec+`}
  yearly-assessment: {schedule: `+spec+`}
  publish:           {schedule: `+spec+`}
  deadline-reminder: {schedule: `+spec+`}
`)
	d := startDaemon(t, cfg)
	d.waitFor("the four jobs", func() bool {
		return strings.Count(d.logs.String(), `"msg":"完成 done`) >= 4
	})
	d.stop()

	db := filepath.Join(dir, "incubeval.duckdb")
	code, out := query(t, db,
		"SELECT job, status, rows_ingested, scheduled_at IS NOT NULL AS scheduled, len(from_json(files_written, '[\"VARCHAR\"]')) AS files FROM runs ORDER BY run_id")
	want := `job,status,rows_ingested,scheduled,files
quarterly-sweep,ok,3595,true,2
yearly-assessment,ok,0,true,3
publish,ok,,true,3
deadline-reminder,ok,,true,`
	if code != exitOK || strings.TrimSpace(out) != want {
		t.Fatalf("ledger: exit %d\n%s\nwant\n%s", code, out, want)
	}
	chase, _ := filepath.Glob(filepath.Join(dir, "outbox", "*", "chase-*Q*.xlsx"))
	rejects, _ := filepath.Glob(filepath.Join(dir, "outbox", "*", "rejects-batch-1.xlsx"))
	feedback, _ := filepath.Glob(filepath.Join(dir, "outbox", "2025", "feedback-2025", "*.xlsx"))
	if len(chase) != 1 || len(rejects) != 1 || len(feedback) < 100 {
		t.Fatalf("outbox: chase %v, rejects %v, %d feedback workbooks", chase, rejects, len(feedback))
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "outbox", "2025", "assessment-2025.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	props, err := f.GetDocProps()
	if err != nil || !strings.Contains(props.Title, "定稿") {
		t.Fatalf("the published year's workbook is not marked final: %q %v", props.Title, err)
	}
	// The inbox was moved to processed/<date>/, keeping its folders.
	moved, _ := filepath.Glob(filepath.Join(dir, "processed", "*", "registry", "*.xlsx"))
	left, _ := filepath.Glob(filepath.Join(dir, "inbox", "*", "*.*"))
	if len(moved) != 1 || len(left) != 0 {
		t.Fatalf("processed %v, left in the inbox %v", moved, left)
	}
}

// A job's process that ignores SIGTERM (stuck where no signal reaches it,
// like a blocking open of a FIFO; here the test hook, made deaf) is killed
// after the second grace period; the daemon exits 0, and the run's row —
// once the next writer has moved in the daemon's word — says it was killed.
func TestDaemonKillsAJobThatIgnoresSIGTERM(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "incubeval.duckdb")
	cfg := writeConfig(t, dir, `database: incubeval.duckdb
stop_grace: 300ms
jobs:
  quarterly-sweep:
    schedule: "* * * * * *"   # every second
  yearly-assessment: {enabled: false}
  publish: {enabled: false}
  deadline-reminder: {enabled: false}
`)
	d := startDaemon(t, cfg, "INCUBEVAL_TEST_PAUSE_FILE="+filepath.Join(dir, "never"), "INCUBEVAL_TEST_PAUSE_DEAF=1")
	d.waitLog("test hook: paused")
	start := time.Now()
	d.stop() // exit 0, "scheduler stopped"
	if took := time.Since(start); took > 20*time.Second {
		t.Fatalf("the daemon took %s to stop", took)
	}
	logs := d.logs.String()
	if !strings.Contains(logs, "killing it (SIGKILL)") {
		t.Fatalf("no kill in the log:\n%s", logs)
	}
	// Any writer moves the daemon's word into the ledger.
	if code, out := incubeval(t, "jobs", "run", "deadline-reminder", "--config", cfg); code != exitOK {
		t.Fatalf("jobs run: exit %d\n%s", code, out)
	}
	code, out := query(t, db, "SELECT status, error FROM runs WHERE job = 'quarterly-sweep' AND status <> 'skipped'")
	want := "killed: the run did not finish within the scheduler's stop_grace 300ms, and its process (pid "
	if code != exitOK || strings.Count(out, "\n") != 2 || !strings.Contains(out, "failed,") || !strings.Contains(out, want) ||
		!strings.Contains(out, "did not end within 1s of SIGTERM, so it was killed (SIGKILL)") || !strings.Contains(out, "it had committed nothing before") {
		t.Fatalf("ledger: exit %d\n%s", code, out)
	}
	if code, out := query(t, db, "SELECT count(*) FROM runs WHERE status = 'running'"); code != exitOK || lastLine(out) != "0" {
		t.Fatalf("rows left running: %s", out)
	}
}
