package ingest_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incubeval/incubeval/pipeline/sample"
)

// The winning revision of a quarter is decided by one rule, stated in the
// view quarterly_report_revisions; ingest keeps a cache of it
// (store.quarterly_superseded) so that quarterly_winners need not order
// every revision. run() compares the two after every ingest (checkWinners).
// These tests feed it histories chosen to make the two part if they could:
// revisions on equal dates in other files and batches, in-file duplicates,
// rows rejected before their carrier is registered and read again by a
// retry (which counts as ingested with its file, not at the retry), and
// the same bytes sent twice.

// TestWinnersCacheFollowsTheRuleOverRandomHistories: seeded random
// sequences of quarterly files, batches, a late registry and retries.
func TestWinnersCacheFollowsTheRuleOverRandomHistories(t *testing.T) {
	var retries, ties, superseded int
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r, s, x := randomHistory(t, seed)
			retries, ties, superseded = retries+r, ties+s, superseded+x
		})
	}
	// The histories must have exercised what can set the cache and the
	// rule apart, or the agreement says little.
	if retries == 0 || ties == 0 || superseded == 0 {
		t.Fatalf("the histories held %d retries, %d revisions tied on submitted_on with another file's, %d superseded revisions; want some of each",
			retries, ties, superseded)
	}
}

// randomHistory ingests one seeded history, checking the cache against the
// rule after every ingest (run), and returns what it exercised.
func randomHistory(t *testing.T, seed uint64) (retries, ties, superseded int) {
	rng := rand.New(rand.NewPCG(seed, 0x13))
	st := mustOpen(t)
	dir := t.TempDir()
	// LZ-ZC-0001 and LZ-FH-0001 come with the registry; LZ-XX-9999 only
	// with a later file, so its rows are rejected until then and read
	// again when their file is sent again.
	carriers := []string{"LZ-ZC-0001", "LZ-FH-0001", "LZ-XX-9999"}
	registered := false
	late := registryHeader + strings.Replace(strings.Split(registryCSV, "\n")[1], "LZ-ZC-0001", "LZ-XX-9999", 1) + "\n"
	type quarter struct{ y, q int }
	quarters := []quarter{{2024, 4}, {2025, 1}, {2025, 2}, {2025, 3}}
	// A few dates per quarter, so that revisions tie on submitted_on.
	dates := func(q quarter) string {
		end := time.Date(q.y, time.Month(q.q*3)+1, 0, 0, 0, 0, 0, time.UTC)
		return end.AddDate(0, 0, []int{3, 9, 9, 14, 30}[rng.IntN(5)]).Format("2006-01-02")
	}
	var sent []string
	newFile := func(n int) string {
		var b strings.Builder
		b.WriteString(quarterlyHeader)
		for range 1 + rng.IntN(4) {
			q := quarters[rng.IntN(len(quarters))]
			b.WriteString(qrow(map[int]string{
				0: carriers[rng.IntN(len(carriers))], 1: fmt.Sprint(q.y), 2: fmt.Sprint(q.q), 3: dates(q),
				4: fmt.Sprint(20 + rng.IntN(50)), 5: "10",
			}))
		}
		return writeFile(t, dir, fmt.Sprintf("q%02d.csv", n), b.String())
	}
	registry := writeFile(t, dir, "registry.csv", registryCSV)
	if rng.IntN(2) == 0 {
		run(t, st, registry) // else the first files wait for it too
	}
	for step := range 14 {
		var batch []string
		switch k := rng.IntN(10); {
		case k < 5: // one new file
			batch = []string{newFile(step)}
		case k < 7: // several, in one load transaction
			for i := range 2 + rng.IntN(2) {
				batch = append(batch, newFile(100*step+i))
			}
		case k < 9 && len(sent) > 0: // the same bytes again: a retry, or nothing
			batch = []string{sent[rng.IntN(len(sent))]}
		default: // the registry (again), or the carrier registered late
			batch = []string{registry}
			if !registered && rng.IntN(2) == 0 {
				batch = append(batch, writeFile(t, dir, fmt.Sprintf("late%02d.csv", step), late))
				registered = true
			}
		}
		res := run(t, st, batch...)
		for _, f := range res.Files {
			if f.RetryOf != 0 {
				retries++
			}
		}
		sent = append(sent, batch...)
	}
	// Every file once more: every row rejected only for want of its
	// carrier's registry is read again.
	if !registered {
		run(t, st, writeFile(t, dir, "late.csv", late))
	}
	for _, f := range sent {
		if res := run(t, st, f); res.Files[0].RetryOf != 0 {
			retries++
		}
	}
	ties = count(t, st, `SELECT count(*) FROM quarterly_report_revisions a JOIN quarterly_report_revisions b
		USING (carrier_id, year, quarter, submitted_on) WHERE a.ingest_id < b.ingest_id`)
	superseded = count(t, st, "SELECT count(*) FROM store.quarterly_superseded")
	return retries, ties, superseded
}

// TestWinnersCacheFollowsTheRuleOverTheDemo: the demo's files one at a
// time in a shuffled order (quarterly files before the registry are
// rejected, then read again when sent again), then all of them again.
func TestWinnersCacheFollowsTheRuleOverTheDemo(t *testing.T) {
	inbox := filepath.Join(t.TempDir(), "inbox")
	if _, err := sample.Demo(inbox); err != nil {
		t.Fatal(err)
	}
	var files []string
	err := filepath.WalkDir(inbox, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(13, 2025))
	rng.Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
	st := mustOpen(t)
	retries := 0
	for range 2 {
		for _, f := range files {
			for _, r := range run(t, st, f).Files {
				if r.RetryOf != 0 {
					retries++
				}
			}
		}
	}
	if n := count(t, st, "SELECT count(*) FROM store.quarterly_superseded"); n == 0 || retries == 0 {
		t.Fatalf("%d superseded revisions and %d retries; the shuffled demo should have both", n, retries)
	}
}
