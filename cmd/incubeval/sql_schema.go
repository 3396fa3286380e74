package main

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	sqlfiles "github.com/incubeval/incubeval/sql"
)

// viewDoc is a view's description from its `-- name: X :view` block in
// sql/views/*.sql: the comment lines right under the header.
type viewDoc struct {
	Name  string
	Order int    // position in the files, for listing in reading order
	Text  string // the whole comment, joined into one line
}

// Summary is the description's first sentence.
func (d viewDoc) Summary() string {
	t := d.Text
	if t == "" {
		return ""
	}
	for _, sep := range []string{". ", "; "} {
		if i := strings.Index(t, sep); i >= 0 {
			t = t[:i+1]
		}
	}
	return strings.TrimSuffix(strings.TrimSuffix(t, ";"), ".") + "."
}

// viewDocs are the descriptions of the embedded views; one source for
// --schema and the database.
func viewDocs() map[string]viewDoc {
	docs := map[string]viewDoc{}
	for _, f := range sqlfiles.Views() {
		for _, b := range f.Blocks {
			if b.Kind == "view" {
				docs[b.Name] = viewDoc{Name: b.Name, Order: len(docs), Text: b.Description()}
			}
		}
	}
	return docs
}

// schemaResult lists the views (view, description, columns), or with a
// view name that view's columns (column, type) under its description.
func schemaResult(ctx context.Context, conn *sql.Conn, view string) (res result, title string, err error) {
	docs := viewDocs()
	rows, err := conn.QueryContext(ctx, `
		SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c
		JOIN information_schema.tables t USING (table_catalog, table_schema, table_name)
		WHERE t.table_type = 'VIEW' AND c.table_schema = 'main' AND c.table_catalog = current_database()
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, "", fmt.Errorf("read schema: %w", err)
	}
	defer rows.Close()
	type column struct{ name, typ string }
	cols := map[string][]column{}
	var names []string
	for rows.Next() {
		var t, c, ty string
		if err := rows.Scan(&t, &c, &ty); err != nil {
			return nil, "", err
		}
		if _, ok := cols[t]; !ok {
			names = append(names, t)
		}
		cols[t] = append(cols[t], column{c, ty})
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if view != "" {
		cs, ok := cols[view]
		if !ok {
			return nil, "", usage(fmt.Sprintf("没有视图「%s」；incubeval sql --schema 列出所有视图", view), fmt.Sprintf("no view %q; `incubeval sql --schema` lists them", view))
		}
		res := &sliceResult{cols: []string{"column", "type"}}
		for _, c := range cs {
			res.rows = append(res.rows, []any{c.name, c.typ})
		}
		return res, view + " — " + docs[view].Text, nil
	}
	// Documented views in the files' order, then any others by name.
	sort.SliceStable(names, func(i, j int) bool {
		di, iok := docs[names[i]]
		dj, jok := docs[names[j]]
		switch {
		case iok && jok:
			return di.Order < dj.Order
		case iok != jok:
			return iok
		}
		return names[i] < names[j]
	})
	list := &sliceResult{cols: []string{"view", "description", "columns"}, widthMax: []int{0, 50, 60}}
	for _, n := range names {
		desc := ""
		if d, ok := docs[n]; ok {
			desc = d.Summary()
		}
		var cn []string
		for _, c := range cols[n] {
			cn = append(cn, c.name)
		}
		list.rows = append(list.rows, []any{n, desc, strings.Join(cn, ", ")})
	}
	return list, "", nil
}
