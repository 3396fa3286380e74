package store

import (
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/marcboeker/go-duckdb"
)

// Text renders a value scanned from DuckDB the way a person reads it:
// dates as 2025-03-31, DECIMAL without trailing zeros, NULL as empty.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case duckdb.Decimal:
		return decimalText(x)
	case *big.Int:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		return fmt.Sprint(x)
	}
}

// decimalText prints a DECIMAL without trailing zeros (1.500000 → 1.5).
func decimalText(d duckdb.Decimal) string {
	s := d.Value.String()
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	scale := int(d.Scale)
	for len(s) <= scale {
		s = "0" + s
	}
	intPart, frac := s[:len(s)-scale], s[len(s)-scale:]
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if frac != "" {
		intPart += "." + frac
	}
	if neg {
		intPart = "-" + intPart
	}
	return intPart
}

// Fixed renders a DECIMAL with all its places (a score 99.90, not 99.9);
// other values as Text does.
func Fixed(v any) string {
	d, ok := v.(duckdb.Decimal)
	if !ok {
		return Text(v)
	}
	s := d.Value.String()
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	scale := int(d.Scale)
	for len(s) <= scale {
		s = "0" + s
	}
	if scale > 0 {
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Plural is a count with its English noun: "1 file", "13 files", "0 runs".
func Plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}
