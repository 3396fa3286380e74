package reports

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/incubeval/incubeval/reports/xlsx"
	sqlfiles "github.com/incubeval/incubeval/sql"
)

// latestIngest is the data cut-off of workbooks that are not an assessment
// run's: the latest ingest the database holds (zero if none, or db is nil).
func latestIngest(ctx context.Context, db *sql.DB) (time.Time, error) {
	if db == nil {
		return time.Time{}, nil
	}
	var t sql.NullTime
	if err := sqlfiles.Row(ctx, db, "latest_ingest").Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("data cut-off: %w", err)
	}
	return xlsx.Stamp(t.Time), nil
}

// saveRejects saves a rejects workbook, dated when its batch was ingested.
// A batch that cannot be dated is saved undated rather than not at all.
func saveRejects(ctx context.Context, db *sql.DB, batchID int64, f *excelize.File, path string) error {
	q, args, err := sqlfiles.Bind("batch_ingested_at", sql.Named("batch_id", batchID))
	if err != nil {
		return err
	}
	var t sql.NullTime
	_ = db.QueryRowContext(ctx, q, args...).Scan(&t)
	_, err = xlsx.Save(f, path, xlsx.Options{Stamp: xlsx.Stamp(t.Time)})
	return err
}
