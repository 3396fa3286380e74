package ingest

// SetHeldRows changes the budget of rows held in memory, for a test.
func SetHeldRows(n int64) (restore func()) {
	old := heldRows
	heldRows = n
	return func() { heldRows = old }
}

// SetMaxFileBytes lowers the size limit of an input file, for a test.
func SetMaxFileBytes(n int64) (restore func()) {
	old := maxFileBytes
	maxFileBytes = n
	return func() { maxFileBytes = old }
}

// SetRowHook has f called as each row is taken, for a test.
func SetRowHook(f func()) (restore func()) {
	old := rowHook
	rowHook = f
	return func() { rowHook = old }
}

// SetParquetBatch changes how many rows of a Parquet file one query reads,
// for a test.
func SetParquetBatch(n int) (restore func()) {
	old := parquetBatch
	parquetBatch = n
	return func() { parquetBatch = old }
}
