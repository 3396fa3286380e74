package main

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"
)

// Every command's --help starts with its Chinese line: the Short starts
// with Chinese, as the root's does, and the help's headings and flags
// speak Chinese too. cobra's own help and completion commands included.
func TestEveryCommandsHelpHasChinese(t *testing.T) {
	root := (&app{}).rootCommand()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		t.Run(strings.Join(append([]string{"incubeval"}, path...), " "), func(t *testing.T) {
			first := []rune(strings.TrimSpace(c.Short))
			if len(first) == 0 || !unicode.Is(unicode.Han, first[0]) {
				t.Errorf("Short %q does not start with Chinese", c.Short)
			}
			code, out, stderr := runCLI(t, append(path, "--help")...)
			if code != exitOK || !strings.Contains(out, "用法 Usage:") || !strings.Contains(out, "显示帮助 help for") {
				t.Errorf("--help: exit %d\n%s%s", code, out, stderr)
			}
			if c.Long != "" && !hasHan(strings.SplitN(out, "\n", 2)[0]) {
				t.Errorf("--help: the first line has no Chinese:\n%s", out)
			}
		})
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

// Every mistake in a command line exits 2 with a message in Chinese and
// English, never cobra's or pflag's own words.
func TestBadCommandLinesExit2InBothLanguages(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	for _, c := range []struct {
		args   []string
		zh, en string
	}{
		{[]string{"bogus"}, "没有「bogus」这个命令", `unknown command "bogus"`},
		{[]string{"ingst", "x.csv"}, "是否想输入 ingest", "did you mean ingest?"},
		{[]string{"jobs", "bogus"}, "incubeval jobs 没有「bogus」这个命令", "the commands are history, list, run"},
		{[]string{"help", "bogus"}, "没有「bogus」这个命令", `unknown command "bogus"`},
		{[]string{"help", "jobs", "bogus"}, "incubeval jobs 没有「bogus」这个命令", `unknown command "bogus"`},
		{[]string{"ingest"}, "至少需要 1 个参数", "needs at least 1 argument, got 0"},
		{[]string{"sql", "SELECT", "1"}, "最多接受 1 个参数，收到 2 个", "takes at most 1 argument, got 2"},
		{[]string{"report", "2025"}, "不接受参数「2025」", `takes no arguments, not "2025"`},
		{[]string{"jobs", "run"}, "需要 1 个参数，收到 0 个", "takes 1 argument, got 0"},
		{[]string{"report"}, "缺少必填选项 --year、--out", "missing required flags --year, --out"},
		{[]string{"report", "--year", "2025"}, "缺少必填选项 --out", "missing required flag --out"},
		{[]string{"explain", "--year", "2025"}, "请给出 --carrier 或 --application 之一", "give --carrier ID or --application ID"},
		{[]string{"assess"}, "缺少必填选项 --year", "missing required flag --year"},
		{[]string{"publish"}, "缺少必填选项 --year", "missing required flag --year"},
		{[]string{"run", "--year", "2025"}, "缺少必填选项 --inbox、--out", "missing required flags --inbox, --out"},
		{[]string{"demo"}, "缺少必填选项 --out", "missing required flag --out"},
		{[]string{"template", "--year", "2025", "--out", "t.xlsx"}, "缺少必填选项 --quarter", "missing required flag --quarter"},
		{[]string{"report", "--year", "abc", "--out", "x"}, "--year 的值「abc」不是年度", `--year takes a year from 2000 to 9999 (e.g. 2025), not "abc"`},
		{[]string{"assess", "--year", "25"}, "--year 的值「25」不是年度", `not "25"`},
		{[]string{"template", "--year", "2025", "--quarter", "5", "--out", "t.xlsx"}, "不是季度", `--quarter takes a quarter: 1, 2, 3 or 4, not "5"`},
		{[]string{"template", "--year", "2025", "--quarter", "3", "--out", "t.csv"}, "--out 应以 .xlsx 结尾", "--out must end in .xlsx"},
		{[]string{"jobs", "history", "--limit", "ten"}, "--limit 的值「ten」不是整数", `--limit takes a whole number, not "ten"`},
		{[]string{"jobs", "list", "--next", "0"}, "--next 至少为 1", "--next must be at least 1"},
		{[]string{"jobs", "run", "--wait", "soon", "publish"}, "不是时长", "--wait takes a duration"},
		{[]string{"jobs", "run", "no-such-job"}, "没有「no-such-job」这个任务", `no job "no-such-job"`},
		{[]string{"assess", "--year", "2025", "--budget", "-5"}, "--budget 应为正数", "--budget must be a positive number"},
		{[]string{"assess", "--year", "2025", "--window", "fiscal"}, "--window 的值「fiscal」不是可选值之一：sep、calendar", "--window takes one of sep, calendar"},
		{[]string{"ingest", "--kind", "nonsense", "x.csv"}, "--kind 的值「nonsense」", "--kind takes one of registry, quarterly, incidents, deferrals, expert_scores, applications, nominations"},
		{[]string{"sql", "--format", "yaml", "SELECT 1"}, "--format 的值「yaml」", "--format takes one of table, csv"},
		{[]string{"sql", "--max-rows", "-1", "SELECT 1"}, "--max-rows 不能为负数", "--max-rows must be 0 or more"},
		{[]string{"report", "--yaer", "2025", "--out", "x"}, "未知选项 --yaer（是否想输入 --year？）", "unknown flag --yaer (did you mean --year?)"},
		{[]string{"--no-such-flag"}, "未知选项 --no-such-flag", "unknown flag --no-such-flag"},
		{[]string{"report", "-y", "2025"}, "未知选项 -y", "unknown flag -y"},
		{[]string{"assess", "--year"}, "选项 --year 后面缺少值", "--year needs a value"},
		{[]string{"schedule", "--log-format", "xml"}, "--log-format 只能是 text 或 json", "--log-format must be text or json"},
		{[]string{"explain", "--carrier", "X", "--year", "2025", "--force"}, "未知选项 --force", "unknown flag --force"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"--db", db}, c.args...)...)
			if code != exitUsage || !strings.Contains(stderr, c.zh) || !strings.Contains(stderr, c.en) {
				t.Errorf("exit %d, want %d with %q and %q:\n%s", code, exitUsage, c.zh, c.en, stderr)
			}
			for _, cobraWords := range []string{"arg(s)", "strconv.", "required flag(s)", "invalid argument", "flag needs an argument", "unknown flag:", "unknown shorthand flag", `for "incubeval`, "Run 'incubeval --help'"} {
				if strings.Contains(stderr, cobraWords) {
					t.Errorf("cobra's own words %q in:\n%s", cobraWords, stderr)
				}
			}
			if !strings.Contains(stderr, "用法 Usage: incubeval") || !strings.Contains(stderr, "--help") {
				t.Errorf("no usage line and help hint:\n%s", stderr)
			}
		})
	}
}

// A usage error that a command words in English only still reaches the
// clerk with a Chinese lead.
func TestUsageErrorsWithoutChineseGetIt(t *testing.T) {
	if got := bilingual("--foo must be positive"); !hasHan(got) || !strings.HasSuffix(got, "--foo must be positive") {
		t.Fatalf("%q", got)
	}
	if got := bilingual("--foo 应为正数 / --foo must be positive"); got != "--foo 应为正数 / --foo must be positive" {
		t.Fatalf("%q", got)
	}
}
