package jobs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigIsReadStrictlyWithTheLine(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown key", "database: x.duckdb\nlock_wiat: 5m\n", "incubeval.yaml:2:1: unknown field \"lock_wiat\""},
		{"unknown job", "jobs:\n  quarterly-sweep:\n    schedule: \"0 2 16 1,4,7,10 *\"\n  yearly-assesment:\n    enabled: false\n", "incubeval.yaml:4:3: unknown field \"yearly-assesment\""},
		{"unknown job key", "jobs:\n  publish:\n    cron: \"0 18 30 11 *\"\n", "incubeval.yaml:3:5: unknown field \"cron\""},
		{"bad duration", "lock_wait: soon\n", "incubeval.yaml:1:12: soon is not a duration"},
		{"bad cron", "jobs:\n  publish:\n    schedule: \"0 18 31 13 *\"\n", "jobs.publish.schedule"},
		{"bad zone", "timezone: Asia/Lanzhou\n", "timezone \"Asia/Lanzhou\""},
		{"bad window", "assessment:\n  window: fiscal\n", "assessment.window must be sep or calendar"},
		{"processed inside the inbox", "inbox: in\nprocessed: in/done\n", "inside the inbox"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "incubeval.yaml")
			os.WriteFile(path, []byte(tc.yaml), 0o644)
			c, err := LoadConfig(path, true)
			if err == nil {
				err = c.Resolve("x.duckdb")
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestConfigDefaultsAndPaths(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "etc", "incubeval.yaml")
	os.MkdirAll(filepath.Dir(path), 0o755)
	os.WriteFile(path, []byte(`
database: ../data/incubeval.duckdb
processed: ../data/inbox/.processed
lock_wait: 90s
jobs:
  publish:
    enabled: false
  deadline-reminder:
    schedule: "CRON_TZ=Asia/Urumqi 30 8 * 11 *"
`), 0o644)
	c, err := LoadConfig(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Resolve("ignored.duckdb"); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if c.Database != filepath.Join(data, "incubeval.duckdb") || c.Inbox != filepath.Join(data, "inbox") ||
		c.Outbox != filepath.Join(data, "outbox") || c.Processed != filepath.Join(data, "inbox", ".processed") {
		t.Fatalf("paths: %+v", c)
	}
	if c.LockWait.D() != 90*time.Second || c.LockRetry.D() != DefaultLockRetry || c.StopGrace.D() != DefaultStopGrace || c.TimeZone != DefaultTimeZone {
		t.Fatalf("durations and zone: %v %v %v %s", c.LockWait.D(), c.LockRetry.D(), c.StopGrace.D(), c.TimeZone)
	}
	js, err := c.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, j := range js {
		names = append(names, j.Name+" "+j.Spec)
	}
	want := []string{
		"quarterly-sweep CRON_TZ=Asia/Shanghai 0 2 16 1,4,7,10 *",
		"yearly-assessment CRON_TZ=Asia/Shanghai 0 3 1 11 1",
		"deadline-reminder CRON_TZ=Asia/Urumqi 30 8 * 11 *",
	}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Fatalf("jobs:\n%s", strings.Join(names, "\n"))
	}
	// CRON_TZ is honoured: 08:30 in Urumqi is 10:30 in Shanghai.
	next := js[2].Schedule.Next(at(2026, 10, 31, 23, 0))
	if !next.Equal(at(2026, 11, 1, 10, 30)) {
		t.Fatalf("reminder next %s", next.In(shanghai))
	}

	// No file where the default is looked for: built-in defaults.
	c, err = LoadConfig(filepath.Join(dir, "missing.yaml"), false)
	if err != nil || c.File != "" {
		t.Fatalf("missing default config: %v %+v", err, c)
	}
	if _, err := LoadConfig(filepath.Join(dir, "missing.yaml"), true); err == nil {
		t.Fatal("a missing --config file is an error")
	}
}

func TestPreviousOccurrence(t *testing.T) {
	for _, tc := range []struct {
		spec string
		now  time.Time
		want time.Time
	}{
		{"0 2 16 1,4,7,10 *", at(2025, 5, 1, 8, 0), at(2025, 4, 16, 2, 0)},
		{"0 2 16 1,4,7,10 *", at(2025, 4, 16, 2, 0), at(2025, 4, 16, 2, 0)},
		{"0 3 1 11 1", at(2026, 3, 1, 0, 0), at(2025, 11, 24, 3, 0)},
		{"0 18 30 11 *", at(2026, 11, 30, 17, 59), at(2025, 11, 30, 18, 0)},
		{"* * * * * *", at(2025, 1, 1, 0, 0).Add(1500 * time.Millisecond), at(2025, 1, 1, 0, 0).Add(time.Second)},
		{"0 0 29 2 *", at(2027, 6, 1, 0, 0), time.Time{}}, // 29 February 2024 is more than 400 days back
	} {
		s, _, err := ParseSchedule(tc.spec, DefaultTimeZone)
		if err != nil {
			t.Fatal(err)
		}
		if got := Previous(s, tc.now); !got.Equal(tc.want) {
			t.Errorf("%s before %s: %s, want %s", tc.spec, tc.now, got.In(shanghai), tc.want)
		}
	}
}

// The yearly jobs work on the latest year whose window has ended: in
// November this year, in spring the year before.
func TestAssessmentYear(t *testing.T) {
	c := &Config{}
	if err := c.Resolve("x.duckdb"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		asOf time.Time
		want int
	}{
		{at(2026, 11, 1, 3, 0), 2026},
		{at(2026, 11, 30, 18, 0), 2026},
		{at(2026, 10, 1, 0, 0), 2026},
		{at(2026, 9, 30, 23, 0), 2025},
		{at(2027, 3, 1, 0, 0), 2026},
	} {
		if got := assessmentYear(c, tc.asOf); got != tc.want {
			t.Errorf("as of %s: %d, want %d", tc.asOf, got, tc.want)
		}
	}
	c.Assessment.Year = 2025
	if got := assessmentYear(c, at(2026, 11, 1, 3, 0)); got != 2025 {
		t.Errorf("pinned year: %d", got)
	}
}

// The example shipped in deploy/ is a valid configuration with the
// default schedules.
func TestDeployExampleConfig(t *testing.T) {
	c, err := LoadConfig(filepath.Join("..", "deploy", "incubeval.yaml"), true)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Resolve("x.duckdb"); err != nil {
		t.Fatal(err)
	}
	js, err := c.Jobs()
	if err != nil || len(js) != len(Catalog()) {
		t.Fatalf("jobs %v %v", js, err)
	}
	for i, d := range Catalog() {
		def, _, _ := ParseSchedule(d.DefaultSchedule, DefaultTimeZone)
		from := at(2025, 1, 1, 0, 0)
		for k := 0; k < 50; k++ {
			a, b := def.Next(from), js[i].Schedule.Next(from)
			if !a.Equal(b) {
				t.Fatalf("%s: example fires %s, default %s", d.Name, b, a)
			}
			from = a
		}
	}
	if c.Database != "/var/lib/incubeval/incubeval.duckdb" || c.LockWait.D() != 10*time.Minute {
		t.Fatalf("%+v", c)
	}
}

// A configuration file on which the YAML library panics is refused with a
// message naming the file.
func TestConfigWithAMalformedTagIsRefused(t *testing.T) {
	_, err := ParseConfig([]byte("database: x.duckdb\njobs:\n  !0 #00\n"), "bad.yaml")
	if err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Fatalf("%v", err)
	}
}
