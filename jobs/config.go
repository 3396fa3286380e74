package jobs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai and every CRON_TZ= on machines without a zoneinfo database

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/robfig/cron/v3"

	"github.com/incubeval/incubeval/pipeline/assess"
	"github.com/incubeval/incubeval/pipeline/eligibility"
	"github.com/incubeval/incubeval/pipeline/rubric"
	"github.com/incubeval/incubeval/pipeline/talent"
	"github.com/incubeval/incubeval/reports"
)

// DefaultConfigPath is the configuration `incubeval schedule` reads when
// --config is not given (a missing default file means built-in defaults).
const DefaultConfigPath = "incubeval.yaml"

// DefaultTimeZone is the bureau's: schedules without CRON_TZ= run on it.
const DefaultTimeZone = "Asia/Shanghai"

// Config is the scheduler's configuration file (YAML, read strictly: an
// unknown key is an error naming its line). Relative paths in the file are
// relative to the file's folder.
type Config struct {
	Database  string    `yaml:"database,omitempty"`   // the DuckDB file
	Inbox     string    `yaml:"inbox,omitempty"`      // where submissions arrive; default inbox/ beside the database
	Outbox    string    `yaml:"outbox,omitempty"`     // where workbooks are written; default outbox/ beside the database
	Processed string    `yaml:"processed,omitempty"`  // where swept files are moved; default processed/ beside the inbox
	TimeZone  string    `yaml:"timezone,omitempty"`   // default Asia/Shanghai
	LockWait  *Duration `yaml:"lock_wait,omitempty"`  // how long a job waits for a database held by someone else; default 10m
	LockRetry *Duration `yaml:"lock_retry,omitempty"` // how often it tries meanwhile; default 5s
	StopGrace *Duration `yaml:"stop_grace,omitempty"` // on SIGTERM, how long the running job may take to finish; default 2m
	LogFormat string    `yaml:"log_format,omitempty"` // text (default) or json
	LogLevel  string    `yaml:"log_level,omitempty"`  // debug, info (default), warn, error
	// RejectsBy splits a sweep's rejects workbook into one per submitting
	// district or carrier (reports.WriteRejectsBy); empty: one workbook.
	RejectsBy string `yaml:"rejects_by,omitempty"`

	Assessment  AssessmentConfig `yaml:"assessment,omitempty"`
	JobSettings JobsConfig       `yaml:"jobs,omitempty"`

	// Set by Load and Resolve, not read from the file.
	File     string             `yaml:"-"` // the file read; empty for built-in defaults
	Location *time.Location     `yaml:"-"`
	Rubric   *rubric.Normalized `yaml:"-"` // nil: the embedded default
	// Profiles are assessment.eligibility's, loaded and checked.
	Profiles []*eligibility.Profile `yaml:"-"`
	// Programme is assessment.talent's, loaded; nil when it is off.
	Programme *talent.Programme `yaml:"-"`
}

// AssessmentConfig is what the yearly jobs pass to the assessment.
type AssessmentConfig struct {
	// Year pins the assessment year; 0 (the default) means the latest year
	// whose window has ended by the run's date (in November: this year).
	Year        int    `yaml:"year,omitempty"`
	Window      string `yaml:"window,omitempty"`       // sep (default) or calendar
	Rubric      string `yaml:"rubric,omitempty"`       // rubric YAML replacing the embedded default
	BudgetYuan  int64  `yaml:"budget_yuan,omitempty"`  // annual funding budget; 0: the rubric's, if any
	Feedback    *bool  `yaml:"feedback,omitempty"`     // also write one feedback workbook per carrier; default true
	IngestInbox *bool  `yaml:"ingest_inbox,omitempty"` // yearly-assessment sweeps the inbox first (late Q3 reports); default true
	// Eligibility lists the carrier profiles (SPEC §8: an embedded one's
	// name, e.g. provincial_demo_base, or a YAML file) that
	// yearly-assessment checks after the assessment, each workbook beside
	// the assessment's. Empty: none.
	Eligibility []string `yaml:"eligibility,omitempty"`
	// Talent: yearly-assessment also decides the 百千万 selection (SPEC §9)
	// when the assessment year is a programme year, talent-Y.xlsx beside
	// the assessment's.
	Talent *bool `yaml:"talent,omitempty"`
	// TalentProgramme is the programme file; empty: the embedded seed 001.
	TalentProgramme string `yaml:"talent_programme,omitempty"`
}

// JobsConfig names each job explicitly, so that a misspelt job is an
// unknown key with its line.
type JobsConfig struct {
	QuarterlySweep   *JobConfig `yaml:"quarterly-sweep,omitempty"`
	YearlyAssessment *JobConfig `yaml:"yearly-assessment,omitempty"`
	Publish          *JobConfig `yaml:"publish,omitempty"`
	DeadlineReminder *JobConfig `yaml:"deadline-reminder,omitempty"`
}

func (j *JobsConfig) byName(name string) *JobConfig {
	switch name {
	case JobQuarterlySweep:
		return j.QuarterlySweep
	case JobYearlyAssessment:
		return j.YearlyAssessment
	case JobPublish:
		return j.Publish
	case JobDeadlineReminder:
		return j.DeadlineReminder
	}
	return nil
}

// JobConfig overrides one job's schedule or turns it off.
type JobConfig struct {
	// Schedule is a cron expression: five fields (minute hour day-of-month
	// month day-of-week), or six with seconds first, or a descriptor
	// (@daily, @every 1h). CRON_TZ=Zone in front sets its time zone;
	// without it the config's timezone applies.
	Schedule string `yaml:"schedule,omitempty"`
	Enabled  *bool  `yaml:"enabled,omitempty"` // default true
}

// Defaults of the durations.
const (
	DefaultLockWait  = 10 * time.Minute
	DefaultLockRetry = 5 * time.Second
	DefaultStopGrace = 2 * time.Minute
)

// Duration is a YAML duration: 10m, 90s, 1h30m.
type Duration time.Duration

// D is the duration.
func (d *Duration) D() time.Duration { return time.Duration(*d) }

// UnmarshalYAML reads a duration, naming the line of a bad one.
func (d *Duration) UnmarshalYAML(n ast.Node) error {
	s, ok := n.(*ast.StringNode)
	var v time.Duration
	var err error
	if ok {
		v, err = time.ParseDuration(s.Value)
	}
	if !ok || err != nil || v < 0 {
		return &yaml.SyntaxError{Message: fmt.Sprintf("%s is not a duration (write e.g. 10m, 90s, 1h30m)", n.String()), Token: n.GetToken()}
	}
	*d = Duration(v)
	return nil
}

// maxConfigSize bounds a configuration file; a real one is a few hundred bytes.
const maxConfigSize = 1 << 20

// LoadConfig reads the configuration at path. When path is the default and
// no such file exists, it returns the built-in defaults (explicit = false
// says the caller did not name the file).
func LoadConfig(path string, explicit bool) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return &Config{}, nil
		}
		return nil, fmt.Errorf("配置文件 config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("%s: larger than %d bytes, not a configuration", path, maxConfigSize)
	}
	c, err := ParseConfig(data, path)
	if err != nil {
		return nil, err
	}
	c.File = path
	return c, nil
}

// ParseConfig parses a configuration strictly; name prefixes errors.
func ParseConfig(data []byte, name string) (cfg *Config, err error) {
	defer rubric.GuardYAML(name, &err)
	var c Config
	if strings.TrimSpace(string(data)) == "" {
		return &c, nil
	}
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		return nil, yamlError(name, err)
	}
	return &c, nil
}

// yamlError names the file, line and column of a go-yaml error.
func yamlError(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			return fmt.Errorf("%s:%d:%d: %s", name, tk.Position.Line, tk.Position.Column, ye.GetMessage())
		}
		return fmt.Errorf("%s: %s", name, ye.GetMessage())
	}
	return fmt.Errorf("%s: %w", name, err)
}

// Resolve fills the defaults, makes paths absolute (relative to the config
// file's folder; the database given on the command line relative to the
// working directory), and checks everything a run will need: the time
// zone, every schedule, the rubric. dbFallback is used when the file names
// no database.
func (c *Config) Resolve(dbFallback string) error {
	base := "."
	if c.File != "" {
		base = filepath.Dir(c.File)
	}
	abs := func(p, def string) (string, error) {
		if p == "" {
			p = def
		} else if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		return filepath.Abs(p)
	}
	var err error
	if c.Database == "" {
		if c.Database, err = filepath.Abs(dbFallback); err != nil {
			return err
		}
	} else if c.Database, err = abs(c.Database, ""); err != nil {
		return err
	}
	dbDir := filepath.Dir(c.Database)
	if c.Inbox, err = abs(c.Inbox, filepath.Join(dbDir, "inbox")); err != nil {
		return err
	}
	if c.Outbox, err = abs(c.Outbox, filepath.Join(dbDir, "outbox")); err != nil {
		return err
	}
	if c.Processed, err = abs(c.Processed, filepath.Join(filepath.Dir(c.Inbox), "processed")); err != nil {
		return err
	}
	// The sweep reads the inbox recursively (skipping hidden folders): a
	// processed folder inside it would be read again at every sweep.
	if rel, err := filepath.Rel(c.Inbox, c.Processed); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		if rel == "." || !strings.HasPrefix(filepath.Base(strings.Split(rel, string(filepath.Separator))[0]), ".") {
			return fmt.Errorf("%sprocessed (%s) is inside the inbox (%s): the sweep would read it again; put it beside the inbox, or name it with a leading dot (.processed) / 已处理文件夹不能位于收件箱内", c.where(), c.Processed, c.Inbox)
		}
	}
	if c.TimeZone == "" {
		c.TimeZone = DefaultTimeZone
	}
	if c.Location, err = time.LoadLocation(c.TimeZone); err != nil {
		return fmt.Errorf("%stimezone %q: %w", c.where(), c.TimeZone, err)
	}
	for _, d := range []struct {
		p   **Duration
		def time.Duration
		key string
		min time.Duration
	}{
		{&c.LockWait, DefaultLockWait, "lock_wait", 0},
		{&c.LockRetry, DefaultLockRetry, "lock_retry", time.Millisecond},
		{&c.StopGrace, DefaultStopGrace, "stop_grace", 0},
	} {
		if *d.p == nil {
			v := Duration(d.def)
			*d.p = &v
		}
		if (*d.p).D() < d.min {
			return fmt.Errorf("%s%s %s must be at least %s", c.where(), d.key, (*d.p).D(), d.min)
		}
	}
	switch c.LogFormat {
	case "":
		c.LogFormat = "text"
	case "text", "json":
	default:
		return fmt.Errorf("%slog_format must be text or json, not %q", c.where(), c.LogFormat)
	}
	switch c.LogLevel {
	case "":
		c.LogLevel = "info"
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("%slog_level must be debug, info, warn or error, not %q", c.where(), c.LogLevel)
	}
	switch c.RejectsBy {
	case "", reports.RejectsByDistrict, reports.RejectsByCarrier:
	default:
		return fmt.Errorf("%srejects_by must be district or carrier, not %q", c.where(), c.RejectsBy)
	}
	a := &c.Assessment
	if a.Window == "" {
		a.Window = assess.WindowSep
	}
	if a.Window != assess.WindowSep && a.Window != assess.WindowCalendar {
		return fmt.Errorf("%sassessment.window must be sep or calendar, not %q", c.where(), a.Window)
	}
	if a.Year != 0 && (a.Year < 2000 || a.Year > 9999) {
		return fmt.Errorf("%sassessment.year %d is not a year", c.where(), a.Year)
	}
	if a.BudgetYuan < 0 {
		return fmt.Errorf("%sassessment.budget_yuan must not be negative", c.where())
	}
	if a.Rubric != "" {
		if a.Rubric, err = abs(a.Rubric, ""); err != nil {
			return err
		}
		if c.Rubric, err = rubric.LoadNormalizedFile(a.Rubric); err != nil {
			return err
		}
	}
	c.Programme = nil
	if a.Talent != nil && *a.Talent {
		c.Programme = talent.Default()
		if a.TalentProgramme != "" {
			if a.TalentProgramme, err = abs(a.TalentProgramme, ""); err != nil {
				return err
			}
			if c.Programme, err = talent.LoadFile(a.TalentProgramme); err != nil {
				return fmt.Errorf("%sassessment.talent_programme: %w", c.where(), err)
			}
		}
	} else if a.TalentProgramme != "" {
		return fmt.Errorf("%sassessment.talent_programme is set but assessment.talent is not true", c.where())
	}
	c.Profiles = nil
	for i, name := range a.Eligibility {
		var p *eligibility.Profile
		if _, ok := eligibility.EmbeddedYAML(name); ok {
			p, err = eligibility.Named(name)
		} else {
			if a.Eligibility[i], err = abs(name, ""); err != nil {
				return err
			}
			p, err = eligibility.LoadFile(a.Eligibility[i])
		}
		if err != nil {
			return fmt.Errorf("%sassessment.eligibility[%d]: %w", c.where(), i, err)
		}
		if p.Subjects != eligibility.Carriers {
			return fmt.Errorf("%sassessment.eligibility[%d]: %s checks %s; the yearly job re-checks registered carriers (run application profiles with incubeval eligibility) / 年度任务只复核在册载体", c.where(), i, p.Code, p.Subjects)
		}
		for _, q := range c.Profiles {
			if q.Code == p.Code {
				return fmt.Errorf("%sassessment.eligibility[%d]: profile %s twice", c.where(), i, p.Code)
			}
		}
		c.Profiles = append(c.Profiles, p)
	}
	if _, err := c.Jobs(); err != nil {
		return err
	}
	return nil
}

func (c *Config) where() string {
	if c.File == "" {
		return ""
	}
	return c.File + ": "
}

// feedback reports whether the yearly jobs write the per-carrier workbooks.
func (a AssessmentConfig) feedback() bool { return a.Feedback == nil || *a.Feedback }

func (a AssessmentConfig) ingestInbox() bool { return a.IngestInbox == nil || *a.IngestInbox }

// Jobs returns the enabled jobs, in catalog order, with their schedules.
func (c *Config) Jobs() ([]*Job, error) {
	loc := c.TimeZone
	if loc == "" {
		loc = DefaultTimeZone
	}
	var out []*Job
	for _, d := range Catalog() {
		spec := d.DefaultSchedule
		if jc := c.JobSettings.byName(d.Name); jc != nil {
			if jc.Enabled != nil && !*jc.Enabled {
				continue
			}
			if jc.Schedule != "" {
				spec = jc.Schedule
			}
		}
		sched, full, err := ParseSchedule(spec, loc)
		if err != nil {
			return nil, fmt.Errorf("%sjobs.%s.schedule: %w", c.where(), d.Name, err)
		}
		out = append(out, &Job{Name: d.Name, Spec: full, Schedule: sched, Run: d.Run, About: d.About})
	}
	return out, nil
}

// specParser reads standard five-field cron expressions, an optional
// seconds field in front (six fields), descriptors and CRON_TZ=.
var specParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses spec with robfig/cron, in the time zone tz unless the
// spec names its own with CRON_TZ= (or TZ=). It returns the spec as run.
func ParseSchedule(spec, tz string) (cron.Schedule, string, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, "", fmt.Errorf("empty schedule")
	}
	if !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") {
		spec = "CRON_TZ=" + tz + " " + spec
	}
	s, err := specParser.Parse(spec)
	if err != nil {
		return nil, "", fmt.Errorf("%q: %w", spec, err)
	}
	return s, spec, nil
}
