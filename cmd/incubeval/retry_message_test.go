package main

import (
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/ingest"
)

// TestRetryMessagesSayTheReason: a file ingested again says what its rows
// wait for — the registry for unknown_carrier, the ban's end for
// banned_operator, never the other — and a retry says which rows read
// again are now rejected for a reason no later file removes.
func TestRetryMessagesSayTheReason(t *testing.T) {
	tests := []struct {
		fr        ingest.FileResult
		want, not []string
	}{
		{ingest.FileResult{Path: "r.csv", Status: ingest.StatusDuplicate, DuplicateOf: 3, Blocked: 1, BlockedRules: []string{"banned_operator"}},
			[]string{"1 row rejected for banned_operator still cannot be accepted: have the ban lifted first", "请先待禁令解除"},
			[]string{"registry", "名录"}},
		{ingest.FileResult{Path: "q.csv", Status: ingest.StatusDuplicate, DuplicateOf: 3, Blocked: 2, BlockedRules: []string{"unknown_carrier"}},
			[]string{"2 rows rejected for unknown_carrier still cannot be accepted: load the registry first", "请先导入载体名录"},
			[]string{"ban", "禁令"}},
		{ingest.FileResult{Path: "r.csv", Status: ingest.StatusAllRejected, Kind: ingest.Registry, IngestID: 5, RetryOf: 3, RowsRead: 1, Rejected: 1,
			RetriedRules: []string{"banned_operator"}, NowRejected: 1, NowRejectedRules: []string{"duplicate_key"}},
			[]string{"0 now accepted + 1 still rejected", "1 row read again is now rejected for duplicate_key: send a corrected file", "现因「同一文件中重复」退回"},
			[]string{"ban lifted", "still cannot be accepted"}},
	}
	for _, tt := range tests {
		var b strings.Builder
		printFile(&b, tt.fr)
		out := b.String()
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("missing %q in:\n%s", w, out)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(out, n) {
				t.Errorf("%q should not be in:\n%s", n, out)
			}
		}
	}
}
