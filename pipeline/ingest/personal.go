package ingest

import "github.com/incubeval/incubeval/pipeline/idcard"

// shield is what ingest keeps of an issue of a kind holding personal data
// (a nomination's ID number, SPEC §9), so that no rejects list, workbook
// or view shows a whole ID number: the value of a personal column masked
// as a workbook shows it (620102********1234), and in every other value
// and in the messages each run of 17 digits or more masked alike — a
// number typed into the wrong column (a credit code's, say), or pushed
// out of its own by a shifted row. (A credit code of 18 digits is masked
// too: the clerk finds it by the row.) Issues of the other kinds are kept
// as they are.
func (s *Spec) shield(is Issue) Issue {
	if !s.personal() {
		return is
	}
	if c := s.column(is.Column); c != nil && c.Personal {
		is.Raw = idcard.Mask(idcard.Normalize(fold(is.Raw)))
	} else {
		is.Raw = idcard.Redact(is.Raw)
	}
	is.ZH, is.EN = idcard.Redact(is.ZH), idcard.Redact(is.EN)
	is.Carrier, is.District = idcard.Redact(is.Carrier), idcard.Redact(is.District)
	return is
}

// personal reports whether a kind has a column of personal data.
func (s *Spec) personal() bool {
	for i := range s.Columns {
		if s.Columns[i].Personal {
			return true
		}
	}
	return false
}

// column is the column of that name, or nil.
func (s *Spec) column(name string) *Column {
	for i := range s.Columns {
		if s.Columns[i].Name == name {
			return &s.Columns[i]
		}
	}
	return nil
}
