package sample

import (
	"math/rand/v2"
	"strconv"
)

// expertHeaderZh is the header of an expert scores file (专家评分, SPEC §7).
const expertHeaderZh = "载体编号,年度,评分项,评委,分数\n"

// ExpertScoresCSV is an expert scores file (专家评分, SPEC §7) for tests
// and benchmarks: one row per carrier, item and judge (评委1 … 评委N) of
// year, in that order, each score drawn from 60.00 to 100.00 in whole
// hundredths. The scores are drawn with a seed made of the year alone, so
// the same call gives the same bytes. The demo writes no such file.
func ExpertScoresCSV(carriers []string, year int, items []string, judges int) []byte {
	r := rand.New(rand.NewPCG(uint64(year), 0x5eede8be))
	b := []byte(expertHeaderZh)
	for _, c := range carriers {
		for _, item := range items {
			for j := 1; j <= judges; j++ {
				b = append(b, c...)
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(year), 10)
				b = append(b, ',')
				b = append(b, item...)
				b = append(b, ",评委"...)
				b = strconv.AppendInt(b, int64(j), 10)
				b = append(b, ',')
				b = appendHundredths(b, int64(6000+r.IntN(4001)))
				b = append(b, '\n')
			}
		}
	}
	return b
}
