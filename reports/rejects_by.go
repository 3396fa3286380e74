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

// rejectsGrouped is the rejects view with grp, the district or carrier a
// reject goes back to (by), NULL when not known: a row whose carrier is
// not registered and that is not a registry row, a row without a carrier
// id, a file rejected whole. Whose row it is (carrier_id, district) is
// the view's; this only picks the column.
func rejectsGrouped(by string) string {
	if by == "" {
		return "rejects"
	}
	grp := "nullif(trim(district), '')"
	if by == RejectsByCarrier {
		grp = "CASE WHEN nullif(trim(district), '') IS NOT NULL THEN nullif(trim(carrier_id), '') END"
	}
	return "(SELECT *, " + grp + " AS grp FROM rejects)"
}

// WriteRejectsBy writes the rejects of one ingest batch as one workbook
// per submitting district (by = "district") or carrier ("carrier") into
// dir, so that each clerk gets only theirs: dir/退回清单-<district>.xlsx.
// Rejects whose district or carrier is not known (a carrier not in the
// registry, a file rejected whole) go to a workbook per file:
// dir/退回清单-文件<ingest id>-<file name>.xlsx. A batch without rejects
// writes nothing.
func WriteRejectsBy(ctx context.Context, db *sql.DB, batchID int64, dir, by string) ([]RejectsFile, error) {
	if by != RejectsByDistrict && by != RejectsByCarrier {
		return nil, fmt.Errorf("rejects by %q: district or carrier", by)
	}
	rows, err := db.QueryContext(ctx, `
		SELECT grp, CASE WHEN grp IS NULL THEN ingest_id END AS file_id, any_value(file_name), count(*)
		FROM `+rejectsGrouped(by)+` WHERE batch_id = ?
		GROUP BY ALL ORDER BY grp NULLS LAST, file_id`, batchID)
	if err != nil {
		return nil, err
	}
	type part struct {
		rejectsPart
		file  string
		count int
	}
	var parts []part
	for rows.Next() {
		var grp, file sql.NullString
		var id sql.NullInt64
		var p part
		if err := rows.Scan(&grp, &id, &file, &p.count); err != nil {
			rows.Close()
			return nil, err
		}
		p.by, p.group, p.ingestID, p.file = by, grp.String, id.Int64, file.String
		parts = append(parts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	var out []RejectsFile
	for _, p := range parts {
		name := ""
		switch {
		case p.group != "" && by == RejectsByCarrier:
			name, p.title = fileSafe(p.group), " — 载体 carrier "+p.group
		case p.group != "":
			name, p.title = fileSafe(p.group), " — "+p.group
		default:
			stem := strings.TrimSuffix(p.file, filepath.Ext(p.file))
			name = fmt.Sprintf("文件%d-%s", p.ingestID, fileSafe(stem))
			p.title = fmt.Sprintf(" — 文件 file #%d %s（报送单位不明 submitter not known）", p.ingestID, p.file)
		}
		base := "退回清单-" + name
		for i := 2; used[base]; i++ {
			base = fmt.Sprintf("退回清单-%s-%d", name, i)
		}
		used[base] = true
		path := filepath.Join(dir, base+".xlsx")
		n, err := writeRejects(ctx, db, batchID, p.rejectsPart, path)
		if err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, RejectsFile{Path: path, Group: p.group, File: p.file, Issues: n})
	}
	return out, nil
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
