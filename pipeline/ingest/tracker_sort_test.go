package ingest

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// sortQrecs gives the order sorting the whole slice by cmpQrec gives: on
// random records (carriers, quarters, files, sheets and rows repeated in
// every way but the whole key), in any starting order.
func TestSortQrecsIsTheSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 16))
	for round := range 300 {
		n := r.IntN(2000)
		if round < 5 {
			n = round // empty, one, tiny
		}
		seen := map[[5]int64]bool{}
		recs := make([]qrec, 0, n)
		for len(recs) < n {
			q := qrec{cid: int32(r.IntN(1 + r.IntN(60))), qi: int32(8000 + r.IntN(40)), ingestID: int64(1 + r.IntN(4)),
				sheet: int32(r.IntN(3)), row: int32(2 + r.IntN(300)), sub: int32(r.IntN(9000))}
			k := [5]int64{int64(q.cid), int64(q.qi), q.ingestID, int64(q.sheet), int64(q.row)}
			if seen[k] {
				continue
			}
			seen[k] = true
			recs = append(recs, q)
		}
		want := slices.Clone(recs)
		slices.SortFunc(want, cmpQrec)
		got := slices.Clone(recs)
		sortQrecs(got)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d, %d records: sortQrecs differs from the whole sort", round, n)
		}
	}
}
