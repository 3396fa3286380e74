package reports

import (
	"strings"
	"testing"
)

// TestFeedbackFileNamesAreSafeOnWindows: ordinary ids are kept; anything
// Windows refuses is replaced and marked with a hash of the id, so that
// names stay distinct, also where Windows ignores case.
func TestFeedbackFileNamesAreSafeOnWindows(t *testing.T) {
	ids := []string{"LZ-ZC-0007", "a/b", "a\\b", "CON", "con.txt", "x. ", "", "a:b*?", "AB", "ab", "甘肃-001"}
	names, err := feedbackFileNames(ids)
	if err != nil {
		t.Fatal(err)
	}
	if names[0] != "LZ-ZC-0007.xlsx" || names[10] != "甘肃-001.xlsx" {
		t.Errorf("ordinary ids changed: %q, %q", names[0], names[10])
	}
	seen := map[string]string{}
	for i, n := range names {
		base := strings.TrimSuffix(n, ".xlsx")
		if strings.ContainsAny(base, `<>:"/\|?*`) || strings.HasSuffix(base, ".") || strings.HasSuffix(base, " ") || base == "" {
			t.Errorf("%q → %q: not a Windows file name", ids[i], n)
		}
		stem, _, _ := strings.Cut(base, ".")
		if fbWindowsReserved[strings.ToUpper(stem)] {
			t.Errorf("%q → %q: a device name", ids[i], n)
		}
		if prev, ok := seen[strings.ToLower(n)]; ok {
			t.Errorf("%q and %q share the file name %q", prev, ids[i], n)
		}
		seen[strings.ToLower(n)] = ids[i]
	}
	again, _ := feedbackFileNames(ids)
	for i := range names {
		if names[i] != again[i] {
			t.Errorf("%q: %q then %q", ids[i], names[i], again[i])
		}
	}
}
