// Package uscc validates and completes the 18-character unified social credit
// code (统一社会信用代码, GB 32100-2015) that identifies a carrier's operator.
//
// Characters 9–17 embed the organisation code of GB 11714-1997, whose ninth
// character is a check digit of its own; a valid code satisfies both checks.
package uscc

import (
	"fmt"
	"strings"
)

// alphabet is GB 32100's character set; a character's value is its index.
// I, O, Z, S and V are excluded by the standard.
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weights of positions 1–17 in the GB 32100 check: 3^(i-1) mod 31.
var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights of the eight body characters in the GB 11714 check.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// Error explains why a code is invalid; Rule is a stable code for reports.
type Error struct {
	Rule string // uscc_length, uscc_char, uscc_org_check, uscc_check
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func value(c byte) int { return strings.IndexByte(alphabet, c) }

// Normalize upper-cases a code and removes surrounding and inner spaces.
func Normalize(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// CheckChar returns the GB 32100 check character for the first 17 characters.
func CheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, &Error{"uscc_length", fmt.Sprintf("need 17 characters, got %d", len(first17))}
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := value(first17[i])
		if v < 0 {
			return 0, &Error{"uscc_char", fmt.Sprintf("character %d %q is not allowed", i+1, first17[i])}
		}
		sum += v * weights[i]
	}
	c := (31 - sum%31) % 31
	return alphabet[c], nil
}

// OrgCheck returns the GB 11714 check character for an 8-character
// organisation-code body (digits and upper-case letters).
func OrgCheck(body string) (byte, error) {
	if len(body) != 8 {
		return 0, &Error{"uscc_length", fmt.Sprintf("organisation code body needs 8 characters, got %d", len(body))}
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0, &Error{"uscc_char", fmt.Sprintf("organisation code character %q is not allowed", c)}
		}
		sum += v * orgWeights[i]
	}
	switch r := 11 - sum%11; r {
	case 10:
		return 'X', nil
	case 11:
		return '0', nil
	default:
		return byte('0' + r), nil
	}
}

// Validate reports whether s (already normalized) is a valid USCC.
func Validate(s string) error {
	if len(s) != 18 {
		return &Error{"uscc_length", fmt.Sprintf("must be 18 characters, got %d", len([]rune(s)))}
	}
	for i := 0; i < 18; i++ {
		if value(s[i]) < 0 {
			return &Error{"uscc_char", fmt.Sprintf("character %d %q is not allowed (no I, O, Z, S, V, lower case or punctuation)", i+1, s[i])}
		}
	}
	org, err := OrgCheck(s[8:16])
	if err != nil {
		return err
	}
	if s[16] != org {
		return &Error{"uscc_org_check", fmt.Sprintf("organisation-code check digit (character 17) is %q, expected %q", s[16], org)}
	}
	c, err := CheckChar(s[:17])
	if err != nil {
		return err
	}
	if s[17] != c {
		return &Error{"uscc_check", fmt.Sprintf("check character (character 18) is %q, expected %q", s[17], c)}
	}
	return nil
}

// Complete builds a valid USCC from a registration-authority code, an
// organisation-type code, a six-digit administrative division code and an
// eight-character organisation-code body. It is used to make sample data.
func Complete(authority, orgType byte, division, body string) (string, error) {
	org, err := OrgCheck(body)
	if err != nil {
		return "", err
	}
	first := string([]byte{authority, orgType}) + division + body + string(org)
	c, err := CheckChar(first)
	if err != nil {
		return "", err
	}
	return first + string(c), nil
}
