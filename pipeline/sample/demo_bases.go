package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// DemoBasesYear is the year of the provincial_demo_base recommendation
// (SPEC §8.3) the demo's planted demonstration bases are shaped for: the
// last year the demo assesses. Its window (sep) ends on E, 30 September;
// "the three years" are the windows of DemoBasesYear − 2 … DemoBasesYear.
const DemoBasesYear = demoLastAY

// PlantedBase is a municipal demonstration base (创业就业孵化示范基地) of
// the demo inbox and the outcome the provincial_demo_base profile (SPEC
// §8.3) must give it for DemoBasesYear once the demo is ingested and that
// year assessed. What is left to review is on_time_exit, as for every
// subject of that profile. The demo's other municipal bases are not_met.
type PlantedBase struct {
	ID      string
	Outcome string   // recommended | not_met
	Unmet   []string // the conditions not met, in the profile's order
	Plot    string   // what was planted
}

// basePlant is a planted base: a municipal demonstration base the demo
// draws anyway (outside Stories, recognised years before E − 3 years,
// with a report in every quarter from its recognition to 2025Q3, none of
// them revised or a bad row), reshaped into a large base that meets every
// condition, then changed by plant so that exactly the outcome of want
// follows. The reshaping draws from its own generator and keeps the
// quarters, the submission dates and the drawn activity (trainings,
// events, revenue, financing), so no other carrier's rows change.
//
// A large base: from first to last quarter the incubating enterprises grow
// along a line from incubating[0] to incubating[1] (± 2 a quarter),
// filed in the carrier's drawn ratio; 9.6–10.8 jobs an enterprise;
// graduated and exited spread evenly (± 1) over the quarters to the totals
// given; utilization 86–93% every quarter. E + 3 years is 30 September
// 2028.
type basePlant struct {
	want              PlantedBase
	incubating        [2]int
	graduated, exited int // on record
	// The registry's space, as the plot needs it (area, service area m²;
	// lease_end, zero: owned).
	area, serviceArea float64
	leaseEnd          time.Time
	plant             func(b *plantedBase) // nil: every condition met
}

// demoBases are the planted bases, in registry order.
var demoBases = []basePlant{
	// Every condition met with room to spare: recognised on 2015-11-08,
	// 14,512 m² with 12,602.6 of service area (87%), leased to the end of
	// 2032, utilization 86–93% in each of the three windows, 48 graduated
	// and 22 exits on record (success 0.69), about 60 incubating and 600
	// jobs in 2025Q3, about 12,300 万元 of revenue on record, no incident.
	// Its registry row is the one drawn.
	{want: PlantedBase{ID: "LZ-JD-0004", Outcome: "recommended",
		Plot: "a large base meeting every condition with room to spare: 14512 m² (87% service), lease to 2032-12-31, utilization 86–93%, 48 graduated / 22 exited, about 60 incubating and 600 jobs in 2025Q3"},
		incubating: [2]int{38, 62}, graduated: 48, exited: 22,
		area: 14512, serviceArea: 12602.6, leaseEnd: day(2032, 12, 31)},
	// As large, but 2024's window (2023Q4–2024Q3) reports 84, 83, 85 and
	// 84%: an average of 0.84, short of 0.85 in one of the three years;
	// 2023's and 2025's windows are 86–93%. Its registry row is the one
	// drawn.
	{want: PlantedBase{ID: "LZ-JD-0018", Outcome: "not_met", Unmet: []string{"utilization"},
		Plot: "utilization 84, 83, 85, 84% in 2024's window (2023Q4–2024Q3): average 0.84"},
		incubating: [2]int{30, 58}, graduated: 34, exited: 14,
		area: 19428, serviceArea: 15628.9, leaseEnd: day(2033, 4, 30),
		plant: func(b *plantedBase) {
			for i, rp := range b.window(2024) {
				rp.utilization = []int{84, 83, 85, 84}[i]
			}
		}},
	// As large, but 29 graduated and 21 exits on record: a success rate
	// of 29 / 50 = 0.58. The drawn service area (11,724.5 m², 60%) is
	// raised to 15,615.2 m² (80%), so that space is met.
	{want: PlantedBase{ID: "LZ-JD-0016", Outcome: "not_met", Unmet: []string{"success"},
		Plot: "29 graduated and 21 exited on record: success 29 / 50 = 0.58"},
		incubating: [2]int{32, 60}, graduated: 29, exited: 21,
		area: 19519, serviceArea: 15615.2, leaseEnd: day(2030, 8, 31)},
	// As large, but its space, owned as drawn, is leased instead until
	// 2028-09-29: one day short of E + 3 years (2028-09-30).
	{want: PlantedBase{ID: "LZ-JD-0021", Outcome: "not_met", Unmet: []string{"space"},
		Plot: "3379 m² (78% service) leased to 2028-09-29, one day before E + 3 years"},
		incubating: [2]int{26, 58}, graduated: 27, exited: 12,
		area: 3379, serviceArea: 2631.7, leaseEnd: day(2028, 9, 29)},
}

// DemoBases lists the demonstration bases planted for the
// provincial_demo_base profile, in registry order, with the outcome each
// must get for DemoBasesYear.
func DemoBases() []PlantedBase {
	out := make([]PlantedBase, len(demoBases))
	for i, db := range demoBases {
		p := db.want
		p.Unmet = slices.Clone(p.Unmet)
		out[i] = p
	}
	return out
}

func isPlantedBase(id string) bool {
	return slices.ContainsFunc(demoBases, func(db basePlant) bool { return db.want.ID == id })
}

// plantedBase is a base being planted: its registry row and its reports,
// in quarter order.
type plantedBase struct {
	c       *carrier
	reports []*report
}

// window is b's reports in the sep window of assessment year ay: Q4 of
// ay − 1 and Q1–Q3 of ay.
func (b *plantedBase) window(ay int) []*report {
	var out []*report
	for _, rp := range b.reports {
		if k := qkey(rp.year, rp.quarter); k >= qkey(ay-1, 4) && k <= qkey(ay, 3) {
			out = append(out, rp)
		}
	}
	return out
}

// plantBases reshapes the planted bases' reports and registry rows. It
// draws from its own generator, so that every other row stays as drawn.
func (d *demo) plantBases() error {
	r := rand.New(rand.NewPCG(DemoBasesYear, 0xba5e))
	for _, db := range demoBases {
		id := db.want.ID
		c := d.byID[id]
		switch {
		case c == nil:
			return fmt.Errorf("planted base %s: no such carrier", id)
		case c.kind != demoBase || c.level != municipal:
			return fmt.Errorf("planted base %s: not a municipal demonstration base", id)
		case isStory(id):
			return fmt.Errorf("planted base %s: a story carrier", id)
		case slices.ContainsFunc(revisions2025Q2, func(rv revision) bool { return rv.id == id }) || supplement2025Q2.id == id:
			return fmt.Errorf("planted base %s: revised in 2025Q2", id)
		}
		b := &plantedBase{c: c, reports: d.reports[id]}
		ry, rq := quarterOf(c.recognized)
		first := max(qkey(ry, rq), qkey(demoFirstYear, demoFirstQuarter))
		if len(b.reports) != qkey(demoLastYear, demoLastQuarter)-first+1 {
			return fmt.Errorf("planted base %s: %d quarters reported, want every one from its recognition", id, len(b.reports))
		}
		b.reshape(r, db)
		c.area, c.serviceArea, c.leaseEnd = db.area, db.serviceArea, db.leaseEnd
		if db.plant != nil {
			db.plant(b)
		}
	}
	return nil
}

// reshape makes b the large base of db (see basePlant).
func (b *plantedBase) reshape(r *rand.Rand, db basePlant) {
	n := len(b.reports)
	graduated, exited := spread(r, db.graduated, n), spread(r, db.exited, n)
	lo, hi := float64(db.incubating[0]), float64(db.incubating[1])
	prev := 0
	for i, rp := range b.reports {
		line := lo + (hi-lo)*float64(i)/float64(n-1)
		rp.incubating = int(math.Round(line)) + r.IntN(5) - 2
		rp.filed = min(rp.incubating, int(float64(rp.incubating)*b.c.filedRatio*between(r, 0.97, 1.03)))
		rp.graduated, rp.exited = graduated[i], exited[i]
		if i == 0 {
			rp.newEntrants = int(math.Round(float64(rp.incubating) * 0.25))
		} else {
			rp.newEntrants = max(0, rp.incubating-prev+rp.graduated+rp.exited)
		}
		prev = rp.incubating
		rp.jobs = int(math.Round(float64(rp.incubating) * between(r, 9.6, 10.8)))
		rp.financed = min(rp.financed, rp.incubating)
		rp.utilization = 86 + r.IntN(8)
	}
}

// spread splits total over n quarters: total / n each, one more in
// total % n of them, drawn.
func spread(r *rand.Rand, total, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = total / n
	}
	for _, i := range r.Perm(n)[:total%n] {
		out[i]++
	}
	return out
}
