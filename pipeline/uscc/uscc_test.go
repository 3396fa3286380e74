package uscc

import (
	"errors"
	"testing"
)

func TestValidateRealCodes(t *testing.T) {
	// Publicly printed codes of well-known Chinese companies.
	for _, code := range []string{
		"91350100M000100Y43",
		"911100001000128855",
	} {
		if err := Validate(code); err != nil {
			t.Errorf("Validate(%s) = %v, want nil", code, err)
		}
	}
}

func TestValidateRules(t *testing.T) {
	tests := []struct {
		name, code, rule string
	}{
		{"short", "91350100M000100Y4", "uscc_length"},
		{"forbidden letter O", "91350100O000100Y43", "uscc_char"},
		{"lower case", "91350100m000100Y43", "uscc_char"},
		{"wrong org check digit", "91350100M000100X43", "uscc_org_check"},
		{"wrong final check", "91350100M000100Y44", "uscc_check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.code)
			var ue *Error
			if !errors.As(err, &ue) || ue.Rule != tt.rule {
				t.Fatalf("Validate(%s) = %v, want rule %s", tt.code, err, tt.rule)
			}
		})
	}
}

func TestCompleteIsValid(t *testing.T) {
	code, err := Complete('9', '1', "620102", "MA72ABCD")
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(code); err != nil {
		t.Fatalf("Complete gave %s, invalid: %v", code, err)
	}
	if Normalize(" 91 350100m000100y43 ") != "91350100M000100Y43" {
		t.Fatal("Normalize did not fold case and spaces")
	}
}
