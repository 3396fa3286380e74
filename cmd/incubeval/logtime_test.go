package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The daemon's log says its times in Asia/Shanghai (+08:00), like
// everything else incubeval prints, also on a machine whose zone is UTC.
func TestDaemonLogTimesAreInShanghai(t *testing.T) {
	saved := time.Local
	time.Local = time.UTC // a server in UTC
	defer func() { time.Local = saved }()
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		newLogger(&buf, format, "info").Info("调度进程已启动 scheduler started")
		line := buf.String()
		var when string
		if format == "json" {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			when, _ = rec["time"].(string)
		} else {
			f := strings.Fields(line)
			when = strings.TrimPrefix(f[0], "time=")
		}
		at, err := time.Parse(time.RFC3339Nano, when)
		if err != nil {
			t.Fatalf("%s: time %q: %v\n%s", format, when, err, line)
		}
		if _, off := at.Zone(); off != 8*3600 {
			t.Errorf("%s: time %q is not in Asia/Shanghai (+08:00):\n%s", format, when, line)
		}
	}
}
