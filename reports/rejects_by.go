package reports

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// How WriteRejectsBy splits a batch's rejects.
const (
	RejectsByDistrict = "district"
	RejectsByCarrier  = "carrier"
)

// RejectsFile is one workbook written by WriteRejectsBy.
type RejectsFile struct {
	Path   string
	Group  string // the district or carrier; empty for the rejects of one file whose submitter is not known
	File   string // for those: the file's name
	Issues int
}

// WriteRejectsBy writes the rejects of one ingest batch as one workbook
// per submitting district (by = "district") or carrier ("carrier") into
// dir, so that each clerk gets only theirs: dir/退回清单-<district>.xlsx.
// Rejects whose district or carrier is not known (a carrier not in the
// registry, a file rejected whole) go to a workbook per file:
// dir/退回清单-文件<ingest id>-<file name>.xlsx. A batch without rejects
// writes nothing. The workbooks are written from one reading of the
// rejects (query rejects_workbooks, sql/reports/rejects.sql).
func WriteRejectsBy(ctx context.Context, db *sql.DB, batchID int64, dir, by string) ([]RejectsFile, error) {
	if by != RejectsByDistrict && by != RejectsByCarrier {
		return nil, fmt.Errorf("rejects by %q: district or carrier", by)
	}
	rs, err := queryRejects(ctx, db, batchID, by)
	if err != nil {
		return nil, err
	}
	defer rs.close()
	used := map[string]bool{}
	var out []RejectsFile
	for {
		first, err := rs.peek()
		if err != nil {
			return out, err
		}
		if first == nil {
			return out, nil
		}
		// A workbook of one group (part), or of the rejects of one file
		// (fileID) whose group is not known.
		group := first.part.String
		name, title := "", ""
		switch {
		case group != "" && by == RejectsByCarrier:
			name, title = fileSafe(group), " — 载体 carrier "+group
		case group != "":
			name, title = fileSafe(group), " — "+group
		default:
			stem := strings.TrimSuffix(first.file, filepath.Ext(first.file))
			name = fmt.Sprintf("文件%d-%s", first.fileID.Int64, fileSafe(stem))
			title = fmt.Sprintf(" — 文件 file #%d %s（报送单位不明 submitter not known）", first.fileID.Int64, first.file)
		}
		base := "退回清单-" + name
		for i := 2; used[base]; i++ {
			base = fmt.Sprintf("退回清单-%s-%d", name, i)
		}
		used[base] = true
		path := filepath.Join(dir, base+".xlsx")
		file := first.file
		n, err := writeRejects(ctx, db, batchID, rs, title, path)
		if err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, RejectsFile{Path: path, Group: group, File: file, Issues: n})
	}
}

// fileSafe makes a district, carrier id or file name, which come from the
// submitters, a safe part of a file name: no folder separators, control
// or format characters, nor the characters Windows refuses; no leading
// dot; at most 60 characters.
func fileSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimLeft(strings.TrimSpace(s), ".")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60])
	}
	if s == "" {
		s = "_"
	}
	return s
}
