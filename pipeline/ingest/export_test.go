package ingest

// SetHeldRows changes the budget of rows held in memory, for a test.
func SetHeldRows(n int64) (restore func()) {
	old := heldRows
	heldRows = n
	return func() { heldRows = old }
}
