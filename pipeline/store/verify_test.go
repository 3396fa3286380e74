package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// The block check reads every header and block against its checksum as
// DuckDB does: a good file passes (also after many checkpoints, with free
// blocks), and one byte changed anywhere in a header or block, or a file
// cut short, is found, at the right place.
func TestVerifyBlocksFindsEveryDamagedBlock(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "v.duckdb")
	st, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE u AS SELECT range AS x, md5(range::VARCHAR) AS s FROM range(300000)",
		"CHECKPOINT",
		"DELETE FROM u WHERE x % 3 = 0", // frees blocks at the next checkpoints
		"CHECKPOINT",
		"CREATE TABLE w AS SELECT range AS y FROM range(1000)",
	} {
		if _, err := st.DB.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyBlocks(db); err != nil {
		t.Fatalf("a good file: %v", err)
	}
	blocks := (len(good) - blocksStart) / 262144
	if blocks < 4 {
		t.Fatalf("only %d blocks: the test wants several", blocks)
	}
	bad := filepath.Join(t.TempDir(), "bad.duckdb")
	places := []int64{100, headerSize + 50, 2*headerSize + 20}
	for i := 0; i < blocks; i++ {
		places = append(places, blocksStart+int64(i)*262144+8+int64(i*4099%262000))
	}
	for _, at := range places {
		b := append([]byte(nil), good...)
		b[at] ^= 0x40
		if err := os.WriteFile(bad, b, 0o644); err != nil {
			t.Fatal(err)
		}
		err := verifyBlocks(bad)
		var cb *CorruptBlockError
		if !errors.As(err, &cb) || cb.Short || at < cb.Offset || at >= cb.Offset+262144 || !isCorrupt(err) {
			t.Errorf("byte %d changed: %v", at, err)
		}
	}
	// Cut short, in the middle of a block.
	if err := os.WriteFile(bad, good[:len(good)-1000], 0o644); err != nil {
		t.Fatal(err)
	}
	var cb *CorruptBlockError
	if err := verifyBlocks(bad); !errors.As(err, &cb) || !cb.Short || !isCorrupt(err) {
		t.Errorf("cut short: %v", err)
	}
	// Not a database at all.
	if err := os.WriteFile(bad, make([]byte, 20000), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := verifyBlocks(bad); err == nil || !isCorrupt(err) {
		t.Errorf("zeros: %v", err)
	}
}
