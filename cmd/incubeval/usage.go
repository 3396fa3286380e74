package main

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/incubeval/incubeval/pipeline/ingest"
	"github.com/incubeval/incubeval/pipeline/store"
)

// Usage errors in the clerk's language: every mistake in a command line
// exits 2 with a message in Chinese and English. cobra's and pflag's own
// messages ("requires at least 1 arg(s)", `strconv.ParseInt: parsing "x":
// invalid syntax`, `required flag(s) "year" not set`, "unknown command")
// are replaced here, in one place: flag errors through the root's
// FlagErrorFunc, argument counts through every command's Args (wrapArgs),
// required flags by the root's PersistentPreRunE (before cobra's own
// check), unknown commands by the root's Args.

// usage is a usage error (exit 2) saying zh in Chinese and en in English.
func usage(zh, en string) error { return usageError{errors.New(zh + " / " + en)} }

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// bilingual makes sure a usage error's message has its Chinese: messages
// written in English alone (cobra's, or a command's that forgot) get a
// Chinese lead.
func bilingual(msg string) string {
	if hasHan(msg) {
		return msg
	}
	return "命令行有误 / usage error: " + msg
}

// usageHint is printed under a usage error: the command's usage line and
// where its help is.
func usageHint(cmd *cobra.Command) string {
	if cmd == nil {
		return "帮助 Help: incubeval --help"
	}
	line := cmd.UseLine()
	if cmd.HasAvailableSubCommands() {
		line = cmd.CommandPath() + " <命令 command> [flags]"
	}
	return fmt.Sprintf("用法 Usage: %s\n帮助 Help: %s --help", line, cmd.CommandPath())
}

// valueError is what a flag value of ours (yearValue, rangeValue,
// enumValue) says is wrong with the value given; flagError names the flag
// and the value around it.
type valueError struct{ zh, en string }

func (e valueError) Error() string { return e.en }

// flagError turns pflag's errors into bilingual usage errors.
func flagError(cmd *cobra.Command, err error) error {
	var (
		notExist *pflag.NotExistError
		noValue  *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		name := "--" + notExist.GetSpecifiedName()
		if s := notExist.GetSpecifiedShortnames(); s != "" {
			name = "-" + notExist.GetSpecifiedName()
		}
		zh, en := "未知选项 "+name, "unknown flag "+name
		if near := nearestFlag(cmd, notExist.GetSpecifiedName()); near != "" && len(notExist.GetSpecifiedName()) > 2 {
			zh += "（是否想输入 --" + near + "？）"
			en += " (did you mean --" + near + "?)"
		}
		return usage(zh, en)
	case errors.As(err, &noValue):
		name := "--" + noValue.GetSpecifiedName()
		if noValue.GetSpecifiedShortnames() != "" {
			name = "-" + noValue.GetSpecifiedName()
		}
		if f := noValue.GetFlag(); f != nil {
			name = "--" + f.Name
		}
		return usage("选项 "+name+" 后面缺少值", name+" needs a value")
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		name, value := "--"+f.Name, invalid.GetValue()
		var ve valueError
		if !errors.As(err, &ve) {
			ve = typeError(f.Value.Type())
		}
		return usage(fmt.Sprintf("%s 的值「%s」%s", name, value, ve.zh), fmt.Sprintf("%s %s, not %q", name, ve.en, value))
	case errors.As(err, &syntax):
		return usage("选项写法有误："+syntax.GetSpecifiedFlag(), "bad flag syntax: "+syntax.GetSpecifiedFlag())
	}
	return usageError{errors.New(bilingual(err.Error()))}
}

// typeError says what a flag of pflag's own type takes.
func typeError(typ string) valueError {
	switch typ {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return valueError{"不是整数", "takes a whole number"}
	case "float32", "float64":
		return valueError{"不是数字", "takes a number"}
	case "duration":
		return valueError{"不是时长（如 30s、5m、1h）", "takes a duration (e.g. 30s, 5m, 1h)"}
	case "bool":
		return valueError{"只能是 true 或 false", "takes true or false"}
	}
	return valueError{"无效", "has an invalid value"}
}

// nearestFlag is the flag of cmd whose name is closest to name (at most
// two edits away), for "did you mean".
func nearestFlag(cmd *cobra.Command, name string) string {
	best, bestD := "", 3
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if d := editDistance(strings.ToLower(name), f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// cobra's messages for a wrong number of arguments (args.go).
var (
	reUnknownArg = regexp.MustCompile(`^unknown command "(.*)" for "`)
	reAtMost     = regexp.MustCompile(`^accepts at most (\d+) arg\(s\), received (\d+)`)
	reExactly    = regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)`)
	reAtLeast    = regexp.MustCompile(`^requires at least (\d+) arg\(s\), only received (\d+)`)
	reBetween    = regexp.MustCompile(`^accepts between (\d+) and (\d+) arg\(s\), received (\d+)`)
)

// wrapArgs turns cobra's argument-count errors into bilingual usage errors.
func wrapArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	if check == nil {
		return nil
	}
	return func(cmd *cobra.Command, args []string) error {
		err := check(cmd, args)
		var ue usageError
		if err == nil || errors.As(err, &ue) {
			return err
		}
		return argsError(cmd, args, err)
	}
}

// argsError says in both languages what cobra's argument check found.
func argsError(cmd *cobra.Command, args []string, err error) error {
	path := cmd.CommandPath()
	msg := err.Error()
	quoteHint := func() (string, string) {
		return "（含空格的值请用引号括起来）", " (put quotes around a value that holds spaces)"
	}
	if m := reUnknownArg.FindStringSubmatch(msg); m != nil {
		if cmd.HasAvailableSubCommands() {
			return unknownCommand(cmd, m[1])
		}
		return usage(fmt.Sprintf("%s 不接受参数「%s」（选项要写成 --名称 值，例如 --year 2025）", path, m[1]),
			fmt.Sprintf("%s takes no arguments, not %q (options are written --name value, e.g. --year 2025)", path, m[1]))
	}
	if m := reAtMost.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		zh, en := quoteHint()
		return usage(fmt.Sprintf("%s 最多接受 %s 个参数，收到 %s 个%s", path, m[1], m[2], zh),
			fmt.Sprintf("%s takes at most %s, got %s%s", path, plural(n, "argument", "arguments"), m[2], en))
	}
	if m := reExactly.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return usage(fmt.Sprintf("%s 需要 %s 个参数，收到 %s 个", path, m[1], m[2]),
			fmt.Sprintf("%s takes %s, got %s", path, plural(n, "argument", "arguments"), m[2]))
	}
	if m := reAtLeast.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return usage(fmt.Sprintf("%s 至少需要 %s 个参数，收到 %s 个", path, m[1], m[2]),
			fmt.Sprintf("%s needs at least %s, got %s", path, plural(n, "argument", "arguments"), m[2]))
	}
	if m := reBetween.FindStringSubmatch(msg); m != nil {
		return usage(fmt.Sprintf("%s 需要 %s 到 %s 个参数，收到 %s 个", path, m[1], m[2], m[3]),
			fmt.Sprintf("%s takes %s to %s arguments, got %s", path, m[1], m[2], m[3]))
	}
	return usageError{errors.New(bilingual(msg))}
}

// unknownCommand is the error for `incubeval bogus` (or `incubeval jobs
// bogus`), with the nearest commands.
func unknownCommand(cmd *cobra.Command, name string) error {
	zh := fmt.Sprintf("%s 没有「%s」这个命令", cmd.CommandPath(), name)
	en := fmt.Sprintf("unknown command %q for %s", name, cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		zh += "（是否想输入 " + strings.Join(s, "、") + "？）"
		en += " (did you mean " + strings.Join(s, ", ") + "?)"
	} else {
		var names []string
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				names = append(names, c.Name())
			}
		}
		zh += "；可用的命令：" + strings.Join(names, "、")
		en += "; the commands are " + strings.Join(names, ", ")
	}
	return usage(zh, en)
}

// requireFlags marks flags a command cannot run without (cobra's
// annotation); checkRequired says which are missing, in both languages.
func requireFlags(cmd *cobra.Command, names ...string) {
	for _, n := range names {
		if err := cmd.MarkFlagRequired(n); err != nil {
			panic(err) // a flag that does not exist: a mistake in this file's callers
		}
	}
}

func checkRequired(cmd *cobra.Command) error {
	var missing []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if v, ok := f.Annotations[cobra.BashCompOneRequiredFlag]; ok && len(v) > 0 && v[0] == "true" && !f.Changed {
			missing = append(missing, "--"+f.Name)
		}
	})
	if len(missing) == 0 {
		return nil
	}
	// In the order the usage line gives them (report --year Y --out DIR).
	at := func(f string) int {
		if i := strings.Index(cmd.Use+" ", f+" "); i >= 0 {
			return i
		}
		return len(cmd.Use)
	}
	sort.SliceStable(missing, func(i, j int) bool { return at(missing[i]) < at(missing[j]) })
	word := "flag"
	if len(missing) > 1 {
		word = "flags"
	}
	return usage("缺少必填选项 "+strings.Join(missing, "、"), "missing required "+word+" "+strings.Join(missing, ", "))
}

// plural is "1 run", "2 runs" (store.Plural).
func plural(n int, one, many string) string { return store.Plural(int64(n), one, many) }

// yearValue is --year: a year from 2000 to 9999.
type yearValue struct{ p *int }

func (v yearValue) String() string { return strconv.Itoa(*v.p) }
func (v yearValue) Type() string   { return "int" }
func (v yearValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 2000 || n > 9999 {
		return valueError{"不是年度：应为 2000–9999 之间的四位数，例如 2025", "takes a year from 2000 to 9999 (e.g. 2025)"}
	}
	*v.p = n
	return nil
}

// yearFlag defines --year on cmd.
func yearFlag(cmd *cobra.Command, p *int, help string) {
	cmd.Flags().Var(yearValue{p}, "year", help)
}

// quarterValue is --quarter: 1–4, also written Q3.
type quarterValue struct{ p *int }

func (v quarterValue) String() string { return strconv.Itoa(*v.p) }
func (v quarterValue) Type() string   { return "int" }
func (v quarterValue) Set(s string) error {
	t := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "Q")
	n, err := strconv.Atoi(t)
	if err != nil || n < 1 || n > 4 {
		return valueError{"不是季度：应为 1、2、3 或 4", "takes a quarter: 1, 2, 3 or 4"}
	}
	*v.p = n
	return nil
}

// enumValue is a flag that takes one of a few words.
type enumValue struct {
	p       *string
	choices []string
}

func (v enumValue) String() string { return *v.p }
func (v enumValue) Type() string   { return "string" }
func (v enumValue) Set(s string) error {
	for _, c := range v.choices {
		if s == c {
			*v.p = s
			return nil
		}
	}
	return valueError{"不是可选值之一：" + strings.Join(v.choices, "、"), "takes one of " + strings.Join(v.choices, ", ")}
}

// enumFlag defines a flag on fs taking one of choices.
func enumFlag(fs *pflag.FlagSet, p *string, name string, choices []string, help string) {
	fs.Var(enumValue{p, choices}, name, help)
}

// usageTemplate is cobra's usage template with headings in both languages.
const usageTemplate = `用法 Usage:{{if and .Runnable (not .HasAvailableSubCommands)}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if gt (len .Aliases) 0}}

别名 Aliases:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

示例 Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

命令 Commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

选项 Flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

全局选项 Global flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

各命令的说明 For a command's help: {{.CommandPath}} [command] --help{{end}}
`

// setUpCommands gives every command of the tree the clerk's language:
// bilingual argument errors, a bilingual -h flag, and Chinese lines for
// cobra's own help and completion commands.
func setUpCommands(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Args = wrapArgs(c.Args)
		if c.Flags().Lookup("help") == nil {
			c.Flags().BoolP("help", "h", false, "显示帮助 help for "+c.Name())
		}
		switch {
		case c.Name() == "help" && c.Parent() == root:
			c.Short = "显示命令的帮助 — help about any command"
			// `incubeval help bogus` is a usage error too, not the root's help.
			c.Run = nil
			c.RunE = func(c *cobra.Command, args []string) error {
				target, rest, err := c.Root().Find(args)
				switch {
				case err != nil || target == nil:
					return unknownCommand(c.Root(), strings.Join(args, " "))
				case len(rest) > 0:
					return unknownCommand(target, rest[0])
				}
				return target.Help()
			}
		case c.Name() == "completion" && c.Parent() == root:
			c.Short = "生成命令行补全脚本 — generate the autocompletion script for a shell"
		case c.HasParent() && c.Parent().Name() == "completion":
			c.Short = "生成 " + c.Name() + " 的补全脚本 — " + c.Short
		}
		// A Long written in English alone opens with the Short's Chinese.
		if c.Long != "" && !hasHan(strings.SplitN(c.Long, "\n", 2)[0]) {
			if zh, _, ok := strings.Cut(c.Short, " — "); ok && hasHan(zh) {
				c.Long = zh + "\n" + c.Long
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}

// ingestKinds are the kinds --kind takes, in the order SPEC lists them
// (ingest.Kinds: §3's four, then §7's expert scores, §8.1's applications
// and §9's nominations).
func ingestKinds() []string {
	kinds := make([]string, len(ingest.Kinds))
	for i, k := range ingest.Kinds {
		kinds[i] = string(k)
	}
	return kinds
}
