package postgres_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"ringfence"
	"ringfence/postgres"
	"ringfence/postgres/pgtest"
	"ringfence/reputation"
	"ringfence/screen"
	"ringfence/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var ctx = context.Background()

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) ringfence.Store {
		s, err := postgres.Open(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestEventLogConformance(t *testing.T) {
	var mu sync.Mutex
	dbs := map[string]string{} // the suite's directory → its database
	storetest.TestEventLog(t, func(t *testing.T, dir string) ringfence.EventLog {
		mu.Lock()
		url, ok := dbs[dir]
		if !ok {
			url = pgtest.URL(t)
			dbs[dir] = url
		}
		mu.Unlock()
		return open(t, url).Events()
	})
}

// TestOpenTogether: nodes starting at once on a new database apply each
// migration once, under the advisory lock, and all open.
func TestOpenTogether(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(ctx, url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("open while another node opens: %v", err)
		}
	}
	s := open(t, url)
	if p, err := s.Events().Head(ctx); err != nil || p != 0 {
		t.Fatalf("head after opening %d, %v", p, err)
	}
}

// TestConcurrentAppendsReadInOrder: many writers append at once while a
// subscriber reads; it sees every position exactly once, 1, 2, 3… with
// none skipped for a transaction that committed late.
func TestConcurrentAppendsReadInOrder(t *testing.T) {
	s := open(t, pgtest.URL(t))
	const writers, each = 8, 25
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var got []int64
	done := make(chan error, 1)
	go func() {
		done <- s.Events().Subscribe(sctx, 0, func(ev ringfence.Event) error {
			got = append(got, ev.Position)
			if len(got) == writers*each {
				cancel()
			}
			return nil
		})
	}()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				sub := fmt.Sprintf("+86139%04d%04d", w, i)
				if err := s.PutRules(ctx, &ringfence.Rules{Subscriber: sub}, ringfence.AuditEntry{At: time.Now(), Actor: "op", Action: "rules.set"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("subscriber saw %d of %d events", len(got), writers*each)
	}
	if len(got) != writers*each {
		t.Fatalf("subscriber saw %d events, want %d", len(got), writers*each)
	}
	for i, p := range got {
		if p != int64(i+1) {
			t.Fatalf("event %d at position %d, want %d", i, p, i+1)
		}
	}
}

// TestConcurrentReportsOneNumber: writes of one number's reports from
// several nodes at once serialise on the number, so every reporter counts
// once and each judge sees the tallies before its report.
func TestConcurrentReportsOneNumber(t *testing.T) {
	url := pgtest.URL(t)
	nodes := []*postgres.Store{open(t, url), open(t, url), open(t, url)}
	const n = "+8617012345678"
	const per = 20
	judge := func(ringfence.Report, reputation.Track, []reputation.Tally) (float64, int) { return 1, 0 }
	boost := func(ringfence.Report) float64 { return 1 }
	var wg sync.WaitGroup
	for i, s := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range per {
				at := time.Date(2026, 3, 1, 12, 0, j, 0, time.UTC)
				// Each node's reporters, and one reporter all nodes share.
				rs := []ringfence.Report{
					{Number: n, Category: "fraud", Reporter: fmt.Sprintf("r%d-%d", i, j), Source: ringfence.SourceCrowd, ReportedAt: at, ReceivedAt: at},
					{Number: n, Category: "fraud", Reporter: "shared", Source: ringfence.SourceCrowd, ReportedAt: at, ReceivedAt: at},
				}
				if _, err := s.AddReports(ctx, rs, boost, judge); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	ts, err := nodes[0].TallyOf(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	want := len(nodes)*per + 1
	if len(ts) != 1 || ts[0].Reporters != want || ts[0].Weight != float64(want) {
		t.Fatalf("tallies %+v, want %d reporters of weight 1", ts, want)
	}
	if c, _ := nodes[1].CountReports(ctx); c != int64(want) {
		t.Fatalf("stored reports %d, want %d", c, want)
	}
}

// TestRulesGroupsOfTwoNodes: two nodes commit rules writes of the same
// few subscribers in groups at once, in whatever order their writes come;
// no write fails but for a version that moved on (no deadlock between
// the nodes' commits), and each subscriber's stored version counts its
// writes that succeeded.
func TestRulesGroupsOfTwoNodes(t *testing.T) {
	url := pgtest.URL(t)
	nodes := []*postgres.Store{open(t, url), open(t, url)}
	const subs, clients, writes = 6, 16, 40
	var mu sync.Mutex
	stored := map[string]int64{}
	var wg sync.WaitGroup
	for n, s := range nodes {
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range writes {
					sub := fmt.Sprintf("+8613900000%03d", (n+c*7+i*5)%subs)
					cur, err := s.Rules(ctx, sub)
					if ringfence.ErrorCode(err) == ringfence.ENOTFOUND {
						cur, err = &screen.Rules{Subscriber: sub, BlockedCategories: map[ringfence.Category]ringfence.Action{}}, nil
					}
					if err != nil {
						t.Error(err)
						return
					}
					cur.Entries = append(cur.Entries, screen.Entry{Pattern: fmt.Sprintf("+86170%02d%02d%04d", n, c, i), Kind: screen.EntryBlock})
					err = s.PutRules(ctx, cur, ringfence.AuditEntry{At: time.Now(), Actor: "op", Action: "rules.set"})
					switch ringfence.ErrorCode(err) {
					case "":
						mu.Lock()
						stored[sub]++
						mu.Unlock()
					case ringfence.ECONFLICT:
					default:
						t.Errorf("node %d, client %d, write %d: %v", n, c, i, err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	for sub, n := range stored {
		r, err := nodes[0].Rules(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		if r.Version != n {
			t.Errorf("%s at version %d after %d writes stored", sub, r.Version, n)
		}
	}
}
