package reports_test

import (
	"testing"

	"github.com/incubeval/incubeval/reports"
)

// Every reason code the assessment writes has words for the clerk, the
// item of a missing expert score named in them.
func TestReasonsInChinese(t *testing.T) {
	for code, want := range map[string]string{
		"no_data":                         "考核期内无报送数据",
		"quota":                           "得分达到优秀线，但超出优秀名额",
		"veto:major_accident":             "一票否决：重大安全/质量事故",
		"missing_expert:service_quality":  "缺少专家评分（service_quality），该项得 0 分",
		"missing_expert:platform_quality": "缺少专家评分（platform_quality），该项得 0 分",
	} {
		if got := reports.ReasonZH(code); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}
