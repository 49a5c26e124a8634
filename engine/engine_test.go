package engine_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/reputation"
	"ringfence/screen"
	"ringfence/sqlite"
)

var ctx = context.Background()

func open(t testing.TB, dir string) (*engine.Engine, *sqlite.DB) {
	t.Helper()
	db, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e, err := engine.Open(ctx, db, reputation.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return e, db
}

func check(t *testing.T, e *engine.Engine, caller, callee string) *screen.Verdict {
	t.Helper()
	var v screen.Verdict
	if err := e.Check(&v, ringfence.CheckRequest{Caller: caller, Callee: callee}); err != nil {
		t.Fatal(err)
	}
	return &v
}

func reports(num, cat string, reporters ...string) []ringfence.Report {
	var rs []ringfence.Report
	for _, r := range reporters {
		rs = append(rs, ringfence.Report{Number: num, Category: ringfence.Category(cat), Reporter: r})
	}
	return rs
}

func names(prefix string, n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("%s%03d", prefix, i))
	}
	return out
}

// seasoned gives reporters a track record: each agrees with an established
// crowd label on other numbers, as ordinary good reporters do.
func seasoned(t *testing.T, e *engine.Engine, who []string) {
	t.Helper()
	for i := 0; i < 12; i++ {
		num := fmt.Sprintf("1700000%04d", i)
		if err := e.AddReports(ctx, reports(num, "loan", names("seed", 30)...)); err != nil {
			t.Fatal(err)
		}
		if err := e.AddReports(ctx, reports(num, "loan", who...)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOneReporterCountsOnce(t *testing.T) {
	e, _ := open(t, t.TempDir())
	rs := reports("13512345678", "loan", strings.Split(strings.Repeat("mallory,", 1000), ",")[:1000]...)
	if err := e.AddReports(ctx, rs); err != nil {
		t.Fatal(err)
	}
	v := check(t, e, "13512345678", "")
	if v.Action != ringfence.Allow {
		t.Fatalf("one reporter ×1000 changed what others see: %s %q", v.Action, v.ReasonStrings())
	}
	if c := e.Crowd("+8613512345678", e.Now()); c.Reporters != 1 {
		t.Fatalf("reporters %d, want 1", c.Reporters)
	}
}

func TestCrowdLabelsAndDecays(t *testing.T) {
	e, _ := open(t, t.TempDir())
	good := names("good", 6)
	seasoned(t, e, good)
	if err := e.AddReports(ctx, reports("13512345678", "loan", good...)); err != nil {
		t.Fatal(err)
	}
	if v := check(t, e, "13512345678", ""); v.Action != ringfence.Label || v.Category != "loan" {
		t.Fatalf("six seasoned reporters should label: %s %q", v.Action, v.ReasonStrings())
	}
	var v screen.Verdict
	e.Check(&v, ringfence.CheckRequest{Caller: "13512345678", At: e.Now().Add(365 * 24 * time.Hour)})
	if v.Action != ringfence.Allow {
		t.Fatalf("a year later the label should have decayed: %s %q", v.Action, v.ReasonStrings())
	}
}

func TestSybilCannotBlockVerifiedBusiness(t *testing.T) {
	e, _ := open(t, t.TempDir())
	if _, err := e.AddBusiness(ctx, "op", "95588", "工商银行"); err != nil {
		t.Fatal(err)
	}
	if err := e.AddReports(ctx, reports("95588", "fraud", names("sybil", 100)...)); err != nil {
		t.Fatal(err)
	}
	if v := check(t, e, "95588", ""); v.Action != ringfence.Allow {
		t.Fatalf("100 fresh reporters moved a verified business: %s %q", v.Action, v.ReasonStrings())
	}
	// Against an unverified number the same crowd labels, but cannot block.
	if err := e.AddReports(ctx, reports("95566", "fraud", names("sybil", 100)...)); err != nil {
		t.Fatal(err)
	}
	if v := check(t, e, "95566", ""); v.Action == ringfence.Block {
		t.Fatalf("100 fresh reporters blocked a number: %q", v.ReasonStrings())
	}
}

func TestPersonalAllowBeatsCrowd(t *testing.T) {
	e, _ := open(t, t.TempDir())
	seasoned(t, e, names("good", 40))
	if err := e.AddReports(ctx, reports("17100001234", "loan", names("good", 40)...)); err != nil {
		t.Fatal(err)
	}
	if v := check(t, e, "17100001234", ""); v.Action != ringfence.Block {
		t.Fatalf("40 seasoned reporters should block: %s %q", v.Action, v.ReasonStrings())
	}
	if _, err := e.SetEntry(ctx, "op", "13800138000", screen.Entry{Pattern: "171 0000 1234", Kind: screen.EntryAllow}); err != nil {
		t.Fatal(err)
	}
	if v := check(t, e, "17100001234", "+86 138-0013-8000"); v.Action != ringfence.Allow {
		t.Fatalf("personal allow lost to the crowd: %s %q", v.Action, v.ReasonStrings())
	}
	if v := check(t, e, "17100001234", "13900000000"); v.Action != ringfence.Block {
		t.Fatalf("one subscriber's allow leaked to another: %s", v.Action)
	}
}

func TestAppealLiftsLabel(t *testing.T) {
	e, db := open(t, t.TempDir())
	seasoned(t, e, names("good", 6))
	e.AddReports(ctx, reports("4008123123", "sales", names("good", 6)...))
	if v := check(t, e, "4008123123", ""); v.Action != ringfence.Label {
		t.Fatalf("want label, got %s", v.Action)
	}
	a, err := e.FileAppeal(ctx, "biz", ringfence.Appeal{Number: "400-812-3123", Business: "某物流", Reason: "delivery notices"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DecideAppeal(ctx, "op", a.ID, true, "checked the contract"); err != nil {
		t.Fatal(err)
	}
	if v := check(t, e, "4008123123", ""); v.Action != ringfence.Allow {
		t.Fatalf("accepted appeal left the label: %s %q", v.Action, v.ReasonStrings())
	}
	log, _ := db.AuditLog(ctx, 10)
	var actions []string
	for _, l := range log {
		actions = append(actions, l.Action)
	}
	if !strings.Contains(strings.Join(actions, " "), "appeal.accepted") || !strings.Contains(strings.Join(actions, " "), "appeal.file") {
		t.Fatalf("appeal not audited: %v", actions)
	}
}

func TestRestartRebuildsSameVerdicts(t *testing.T) {
	dir := t.TempDir()
	e, db := open(t, dir)
	seasoned(t, e, names("good", 30))
	e.AddReports(ctx, reports("16512340000", "sales", names("good", 30)...))
	e.AddBusiness(ctx, "op", "95311*", "顺丰")
	e.SetEntry(ctx, "op", "13800138000", screen.Entry{Pattern: "165*", Kind: screen.EntryBlock})
	e.ApplyFlags(ctx, []ringfence.Flag{{Number: "+8613512345678", Kind: ringfence.KindRobocall, Score: 0.95, FlaggedAt: e.Now(), Reasons: []string{"detected robocall"}}})
	cases := [][2]string{{"16512340000", ""}, {"16512340000", "13800138000"}, {"95311000", ""}, {"13512345678", ""}, {"13600000000", ""}}
	var before []string
	for _, c := range cases {
		v := check(t, e, c[0], c[1])
		before = append(before, string(v.Action)+" "+strings.Join(v.ReasonStrings(), ";"))
	}
	db.Close()
	e2, _ := open(t, dir)
	for i, c := range cases {
		v := check(t, e2, c[0], c[1])
		if got := string(v.Action) + " " + strings.Join(v.ReasonStrings(), ";"); got != before[i] {
			t.Errorf("%v: before restart %q, after %q", c, before[i], got)
		}
	}
}

func TestInvalidReports(t *testing.T) {
	e, _ := open(t, t.TempDir())
	for _, r := range []ringfence.Report{
		{Number: "", Category: "loan", Reporter: "a"},
		{Number: "hello", Category: "loan", Reporter: "a"},
		{Number: "13512345678", Category: "spam", Reporter: "a"},
		{Number: "13512345678", Category: "loan", Reporter: ""},
	} {
		err := e.AddReports(ctx, []ringfence.Report{r})
		if ringfence.ErrorCode(err) != ringfence.EINVALID {
			t.Errorf("%+v: got %v, want invalid", r, err)
		}
	}
}

// TestRebuildScale measures the start-up rebuild over a large store. It
// runs only when RINGFENCE_REBUILD_N is set (bench/rebuild.sh sets it).
func TestRebuildScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("RINGFENCE_REBUILD_N"))
	if n == 0 {
		t.Skip("set RINGFENCE_REBUILD_N to run")
	}
	dir := t.TempDir()
	db, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := db.BulkTallies(ctx, n); err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %d reputed numbers in %v", n, time.Since(start))
	start = time.Now()
	e, err := engine.Open(ctx, db, reputation.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	st := e.IndexStats()
	fmt.Printf("rebuild: %d numbers in %.1fs, index %.1f bytes/number\n", st.Numbers, time.Since(start).Seconds(), float64(st.Bytes)/float64(st.Numbers))
	if st.Numbers != n {
		t.Fatalf("index holds %d, want %d", st.Numbers, n)
	}
	db.Close()
}
