package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incubeval/incubeval/pipeline/store"
)

// TestOpenCreatesOnlyWhenAllowed: a writer's open makes a new database only
// when allowed, only in a folder that exists, and says that it did
// (Store.Created); a refused open leaves nothing behind, not even the lock
// file.
func TestOpenCreatesOnlyWhenAllowed(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		rel         string // the database, relative to an empty folder
		opts        store.Options
		wantFolder  string // a *MissingError naming this folder (relative); "-": the file
		wantCreated bool
	}{
		{"new database in an existing folder", "x.duckdb", store.Options{}, "", true},
		{"no create", "x.duckdb", store.Options{NoCreate: true}, "-", false},
		{"read-only", "x.duckdb", store.Options{ReadOnly: true}, "-", false},
		{"missing folder", "no/such/x.duckdb", store.Options{}, "no/such", false},
		{"missing folder, no create", "no/such/x.duckdb", store.Options{NoCreate: true}, "-", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.rel)
			st, err := store.Open(ctx, path, tt.opts)
			var me *store.MissingError
			switch {
			case tt.wantFolder == "" && err != nil:
				t.Fatal(err)
			case tt.wantFolder == "":
				if st.Created != tt.wantCreated {
					t.Fatalf("Created = %v, want %v", st.Created, tt.wantCreated)
				}
				st.Close()
				// Opened again, it is no longer new.
				st, err = store.Open(ctx, path, store.Options{NoCreate: true})
				if err != nil || st.Created {
					t.Fatalf("reopen: %v, created %v", err, st != nil && st.Created)
				}
				st.Close()
				return
			case !errors.As(err, &me):
				t.Fatalf("got %v, want a MissingError", err)
			case tt.wantFolder == "-" && me.Folder != "":
				t.Fatalf("blamed the folder %s, want the file", me.Folder)
			case tt.wantFolder != "-" && me.Folder != filepath.Join(dir, tt.wantFolder):
				t.Fatalf("blamed folder %q, want %q", me.Folder, filepath.Join(dir, tt.wantFolder))
			}
			for _, w := range []string{path, "/", "未新建", "no"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message lacks %q: %s", w, err)
				}
			}
			left, _ := os.ReadDir(dir)
			if len(left) != 0 {
				t.Fatalf("a refused open left %v behind", left)
			}
		})
	}
}
