package sqlite

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"ringfence"
)

// TestImportCacheRestored: the import's larger page cache is its
// transaction's only; the connection goes back to the pool with the cache
// it had, after an import that committed and after one that failed.
func TestImportCacheRestored(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.db.SetMaxOpenConns(1) // the import's connection is the one read after
	ctx := context.Background()
	cache := func() int64 {
		var n int64
		if err := d.db.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	was := cache()
	at := time.Date(2021, 7, 7, 4, 1, 15, 0, time.UTC)
	boost := func(ringfence.Report) float64 { return 1 }
	judge := func(ringfence.Report, ringfence.Track, []ringfence.Tally) (float64, int) { return 1, 0 }
	audit := func(n int) ringfence.AuditEntry {
		return ringfence.AuditEntry{At: at, Actor: "cli", Action: "import reports", Target: "f.csv"}
	}
	for _, tt := range []struct {
		name string
		fail error
	}{{"committed", nil}, {"failed", errors.New("read error")}} {
		i := 0
		next := func() (ringfence.Report, error) {
			if i++; i > 3 {
				if tt.fail != nil {
					return ringfence.Report{}, tt.fail
				}
				return ringfence.Report{}, io.EOF
			}
			return ringfence.Report{Number: "+14703352559", Reporter: "ftc:51" + string(rune('0'+i)), Category: "sales", Source: "ftc", ReportedAt: at, ReceivedAt: at}, nil
		}
		_, err := d.ImportReports(ctx, next, boost, judge, audit)
		if (err != nil) != (tt.fail != nil) {
			t.Fatalf("%s: import error %v", tt.name, err)
		}
		if got := cache(); got != was || was == -importCacheKiB {
			t.Errorf("%s: cache_size %d after the import, want %d as before", tt.name, got, was)
		}
	}
}

// TestImportEventsFail: when writing a chunk's report_events rows fails
// (here a trigger refuses one, in the second chunk), the import fails with
// that error, stops, and nothing of it is stored.
func TestImportEventsFail(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if _, err := d.db.ExecContext(ctx, `CREATE TRIGGER refuse BEFORE INSERT ON report_events WHEN NEW.number = '+12125550199'
		BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2021, 7, 7, 4, 1, 15, 0, time.UTC)
	n, total := 0, 5*importChunk
	next := func() (ringfence.Report, error) {
		if n == total {
			return ringfence.Report{}, io.EOF
		}
		n++
		num := "+1212555" + strconv.Itoa(1000+n%9000)
		if n == importChunk+5 {
			num = "+12125550199"
		}
		return ringfence.Report{Number: num, Reporter: "ftc:212", Category: "sales", Source: "ftc", ReportedAt: at, ReceivedAt: at}, nil
	}
	_, err = d.ImportReports(ctx, next, func(ringfence.Report) float64 { return 1 },
		func(ringfence.Report, ringfence.Track, []ringfence.Tally) (float64, int) { return 1, 0 },
		func(int) ringfence.AuditEntry {
			return ringfence.AuditEntry{At: at, Actor: "cli", Action: "import reports", Target: "f.csv"}
		})
	if err == nil || !strings.Contains(err.Error(), "refused by the test") {
		t.Fatalf("import error %v, want the trigger's", err)
	}
	if n == total {
		t.Errorf("the import read all %d reports after its events failed", n)
	}
	for _, table := range []string{"reports", "report_events", "tallies", "reporters", "events", "audit"} {
		var c int
		if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&c); err != nil {
			t.Fatal(err)
		}
		if c != 0 {
			t.Errorf("%s: %d rows after a failed import", table, c)
		}
	}
}
