package sample

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/incubeval/incubeval/pipeline/uscc"
)

// DemoApplicationsYear is the year of the demo's applications file: the
// last year the demo assesses. Its applications are the subjects of the
// municipal_maker_space profile (SPEC §8.2) for that year.
const DemoApplicationsYear = demoLastAY

// demoApplicationsPath is the demo's applications file.
const demoApplicationsPath = "applications/认定申请2025.xlsx"

// PlantedApplication is an application of the demo inbox and the outcome
// the municipal_maker_space profile (SPEC §8.2) must give it for
// DemoApplicationsYear once the demo is ingested and that year assessed
// (the bans come from the assessment's decisions).
type PlantedApplication struct {
	ID       string
	Outcome  string   // eligible | priority | review | not_met
	Unmet    []string // the conditions not met, in the profile's order
	ToReview []string // the conditions to review
	Plot     string   // what was planted
}

// demoApplication is a planted application: the all-met
// MakerSpaceApplication of its date, named for the demo and changed by
// plant so that exactly the outcome of want follows.
type demoApplication struct {
	want     PlantedApplication
	applied  [3]int
	district string
	name     string // the space's name; the operator's is made from brand
	brand    string
	// operatorOf names a demo carrier whose operator applies: its USCC,
	// name, district and founding date are the application's.
	operatorOf string
	plant      func(a *Application)
}

// demoApplications are the rows of 认定申请2025.xlsx, in file order. Each
// differs from an application that meets everything by what its plot says,
// and every boundary it sits on is one side of the profile's (inclusive)
// threshold: D is applied_on, and "D ± n years" the same calendar day.
var demoApplications = []demoApplication{
	// All met, with room to spare; run by a university, on its own
	// campus (no lease).
	{want: PlantedApplication{ID: "SQ2025-001", Outcome: "eligible", Plot: "every condition met with room to spare, run by a university, owned"},
		applied: [3]int{2025, 3, 18}, district: "安宁区", name: "陇原理工学院大学生创客众创空间",
		plant: func(a *Application) {
			a.OperatorName, a.OperatorType, a.OperatorUSCC = "陇原理工学院", "university", usccOf("陇原理工学院", '1', '2', "620105")
			a.FoundedOn, a.LeaseEnd = day(1958, 9, 1), time.Time{}
		}},
	// All met, each number on its threshold: founded exactly D − 1 year,
	// operating exactly D − 12 months, a specialized space of exactly
	// 1000 m², 20 workstations, 800 m² of service area (0.80), lease to
	// exactly D + 3 years, 10 incubated, 3 staff.
	{want: PlantedApplication{ID: "SQ2025-002", Outcome: "eligible", Plot: "every number on its threshold (inclusive), specialized"},
		applied: [3]int{2025, 4, 21}, district: "兰州高新区", name: "兰州智谷新材料众创空间", brand: "智谷新材",
		plant: func(a *Application) {
			d := a.AppliedOn
			a.Track = "specialized"
			a.FoundedOn, a.OperatingSince = d.AddDate(-1, 0, 0), d.AddDate(0, -12, 0)
			a.Area, a.ServiceArea, a.Workstations, a.LeaseEnd = 1000, 800, 20, d.AddDate(3, 0, 0)
			a.Incubated, a.Staff = 10, 3
		}},
	// All met, and invested: 优先认定.
	{want: PlantedApplication{ID: "SQ2025-003", Outcome: "priority", Plot: "every condition met and invested 是"},
		applied: [3]int{2025, 5, 12}, district: "七里河区", name: "七里河区丝路数字经济众创空间", brand: "丝路数创",
		plant: func(a *Application) { a.Invested = true }},
	// Facilities not declared: the site visit decides.
	{want: PlantedApplication{ID: "SQ2025-004", Outcome: "review", ToReview: []string{"facilities"}, Plot: "facilities 否: review"},
		applied: [3]int{2025, 5, 26}, district: "安宁区", name: "安宁区桃海青年众创空间", brand: "桃海",
		plant: func(a *Application) { a.Facilities = false }},
	// A virtual space of 100 m², 8 workstations and no lease: space is met
	// by virtual alone.
	{want: PlantedApplication{ID: "SQ2025-005", Outcome: "eligible", Plot: "virtual space of 100 m², 8 workstations, no lease: space met"},
		applied: [3]int{2025, 6, 9}, district: "榆中县", name: "榆中县云端农产品电商众创空间", brand: "云端",
		plant: func(a *Application) {
			a.Virtual = true
			a.Area, a.ServiceArea, a.Workstations, a.LeaseEnd = 100, 60, 8, time.Time{}
		}},
	// Operator founded D − 1 year + 1 day; the space itself opened exactly
	// D − 12 months, under the parent company.
	{want: PlantedApplication{ID: "SQ2025-006", Outcome: "not_met", Unmet: []string{"operator"}, Plot: "operator founded one day less than a year before D"},
		applied: [3]int{2025, 6, 23}, district: "西固区", name: "西固区石化装备众创空间", brand: "河口",
		plant: func(a *Application) {
			d := a.AppliedOn
			a.FoundedOn, a.OperatingSince = d.AddDate(-1, 0, 1), d.AddDate(0, -12, 0)
		}},
	{want: PlantedApplication{ID: "SQ2025-007", Outcome: "not_met", Unmet: []string{"space"}, Plot: "comprehensive, 499 m²"},
		applied: [3]int{2025, 7, 7}, district: "红古区", name: "红古区海石湾创客众创空间", brand: "海石湾",
		plant: func(a *Application) { a.Area, a.ServiceArea, a.Workstations = 499, 420, 40 }},
	{want: PlantedApplication{ID: "SQ2025-008", Outcome: "not_met", Unmet: []string{"space"}, Plot: "specialized, 999 m², run by an institute"},
		applied: [3]int{2025, 7, 21}, district: "兰州高新区", name: "兰州中医药创新众创空间", brand: "陇药",
		plant: func(a *Application) {
			a.OperatorName, a.OperatorType, a.OperatorUSCC = "甘肃省陇药科学研究院", "institute", usccOf("甘肃省陇药科学研究院", '1', '2', "620171")
			a.Track, a.Area, a.ServiceArea, a.Workstations = "specialized", 999, 850, 80
		}},
	{want: PlantedApplication{ID: "SQ2025-009", Outcome: "not_met", Unmet: []string{"space"}, Plot: "19 workstations"},
		applied: [3]int{2025, 8, 4}, district: "永登县", name: "永登县苦水玫瑰众创空间", brand: "苦水",
		plant: func(a *Application) { a.Workstations = 19 }},
	{want: PlantedApplication{ID: "SQ2025-010", Outcome: "not_met", Unmet: []string{"space"}, Plot: "service area 790 of 1000 m² (0.79)"},
		applied: [3]int{2025, 8, 18}, district: "皋兰县", name: "皋兰县什川梨园众创空间", brand: "什川",
		plant: func(a *Application) { a.Area, a.ServiceArea = 1000, 790 }},
	{want: PlantedApplication{ID: "SQ2025-011", Outcome: "not_met", Unmet: []string{"space"}, Plot: "lease ends one day before D + 3 years"},
		applied: [3]int{2025, 9, 1}, district: "城关区", name: "兰州白塔山文化创意众创空间", brand: "白塔山",
		plant: func(a *Application) { a.LeaseEnd = a.AppliedOn.AddDate(3, 0, -1) }},
	{want: PlantedApplication{ID: "SQ2025-012", Outcome: "not_met", Unmet: []string{"incubated"}, Plot: "9 enterprises incubated"},
		applied: [3]int{2025, 9, 15}, district: "七里河区", name: "七里河区西津青年众创空间", brand: "西津",
		plant: func(a *Application) { a.Incubated = 9 }},
	{want: PlantedApplication{ID: "SQ2025-013", Outcome: "not_met", Unmet: []string{"staff"}, Plot: "2 staff"},
		applied: [3]int{2025, 9, 29}, district: "安宁区", name: "安宁区十里店大学生众创空间", brand: "十里店",
		plant: func(a *Application) { a.Staff = 2 }},
	{want: PlantedApplication{ID: "SQ2025-014", Outcome: "not_met", Unmet: []string{"specialized_operator"}, Plot: "specialized track, operator_type other (an association)"},
		applied: [3]int{2025, 10, 13}, district: "城关区", name: "兰州软件信息专业众创空间", brand: "软协",
		plant: func(a *Application) {
			a.OperatorName, a.OperatorType, a.OperatorUSCC = "兰州市软件行业协会", "other", usccOf("兰州市软件行业协会", '5', '1', "620102")
			a.Track, a.Area, a.ServiceArea, a.Workstations = "specialized", 1500, 1200, 90
		}},
	// The operator of LZ-ZC-0007, delisted by the 2025 decisions (story
	// fails_twice): banned from 30 November 2025 to 31 December 2028. The
	// application comes in December, after the decisions; the same
	// operator's LZ-FH-0006 has no incident.
	{want: PlantedApplication{ID: "SQ2025-015", Outcome: "not_met", Unmet: []string{"not_banned"}, Plot: "operator of LZ-ZC-0007, delisted in 2025: banned on D"},
		applied: [3]int{2025, 12, 8}, operatorOf: "LZ-ZC-0007", name: "黄河之滨创客众创空间"},
	// The operator of LZ-ZC-0023, 列入经营异常名录 on 2025-03-12 (story
	// veto), within 1 January 2024 … D; it is not banned (rectify in 2025).
	{want: PlantedApplication{ID: "SQ2025-016", Outcome: "not_met", Unmet: []string{"record"}, Plot: "operator of LZ-ZC-0023, abnormal_operation_list on 2025-03-12"},
		applied: [3]int{2025, 9, 22}, operatorOf: "LZ-ZC-0023", name: "金城关青年创业众创空间"},
}

// DemoApplications lists the applications Demo writes, in file order, with
// the outcome each must get (for the eligibility engine's tests).
func DemoApplications() []PlantedApplication {
	out := make([]PlantedApplication, len(demoApplications))
	for i, da := range demoApplications {
		p := da.want
		p.Unmet, p.ToReview = slices.Clone(p.Unmet), slices.Clone(p.ToReview)
		out[i] = p
	}
	return out
}

// planApplications writes 认定申请2025.xlsx.
func (d *demo) planApplications() error {
	apps, err := d.applications()
	if err != nil {
		return err
	}
	s := &sheet{name: "认定申请", dateFormat: "yyyy-mm-dd",
		widths: []float64{12, 30, 22, 30, 10, 10, 10, 6, 12, 12, 12, 10, 10, 8, 12, 10, 8, 8, 8, 8, 8, 8, 8, 8}}
	s.add(fmt.Sprintf("%d年兰州市市级众创空间认定申请汇总表", DemoApplicationsYear))
	s.add(toAny(applicationsHeaderZh)...)
	for _, a := range apps {
		s.add(a.cells()...)
	}
	d.files = append(d.files, demoFile{path: demoApplicationsPath, book: &book{
		path: demoApplicationsPath, title: fmt.Sprintf("%d年市级众创空间认定申请", DemoApplicationsYear), sheets: []*sheet{s},
	}})
	return nil
}

// applications makes the rows of demoApplications. It draws from its own
// generator, so that the files planned before it stay as they were.
func (d *demo) applications() ([]Application, error) {
	r := rand.New(rand.NewPCG(DemoApplicationsYear, 0x5a5e0e))
	names, codes := map[string]bool{}, map[string]bool{}
	for _, c := range d.carriers {
		names[c.name], codes[c.uscc] = true, true
	}
	var out []Application
	for _, da := range demoApplications {
		a := MakerSpaceApplication(da.want.ID, day(da.applied[0], da.applied[1], da.applied[2]))
		a.Name, a.District = da.name, da.district
		if da.operatorOf != "" {
			c := d.byID[da.operatorOf]
			if c == nil {
				return nil, fmt.Errorf("application %s: no carrier %s", da.want.ID, da.operatorOf)
			}
			a.OperatorUSCC, a.OperatorName, a.District = c.uscc, c.operator, c.district
			if !c.founded.IsZero() {
				a.FoundedOn = c.founded
			}
		} else {
			a.OperatorName = "兰州" + da.brand + pick(r, industries) + pick(r, companyForms)
			for {
				code, err := uscc.Complete('9', '1', divisionOf(a.District), usccBody(r))
				if err != nil {
					return nil, fmt.Errorf("application %s: operator code: %w", da.want.ID, err)
				}
				if !codes[code] {
					a.OperatorUSCC = code
					break
				}
			}
		}
		if da.plant != nil {
			da.plant(&a)
		}
		// Only the applicants planted as a carrier's operator share
		// anything with the registry.
		if names[a.Name] || codes[a.OperatorUSCC] && da.operatorOf == "" {
			return nil, fmt.Errorf("application %s: name %s or operator %s is taken", da.want.ID, a.Name, a.OperatorUSCC)
		}
		names[a.Name], codes[a.OperatorUSCC] = true, true
		out = append(out, a)
	}
	return out, nil
}

// divisionOf is the administrative division code of a demo district.
func divisionOf(district string) string {
	for _, l := range lanzhou {
		if l.name == district {
			return l.division
		}
	}
	return lanzhou[0].division
}
