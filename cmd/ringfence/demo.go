package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"ringfence"
	"ringfence/deid"
	"ringfence/engine"
	"ringfence/screen"
)

const (
	demoKeysFile = "demo-keys.txt"
	// demoDeidKeyFile holds the de-identification key of "serve --demo"
	// (hex), used when RINGFENCE_DEID_KEY is not set.
	demoDeidKeyFile = "demo-deid.key"
	demoSubscriber  = "+8613800138000"
	demoOrg         = "广州某4S店"
)

func (c *cli) runDemo(args []string) int {
	fs := newFlagSet("demo", "[--data DIR]", c.stderr)
	data := c.dataDir(fs)
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		return c.usageError(fs, "unexpected argument %q", pos[0])
	}
	e, closeDB, err := c.createEngineToWrite(*data)
	if err != nil {
		return c.fail("demo", err)
	}
	defer closeDB()
	ctx := c.context()
	n, err := e.Store().CountReports(ctx)
	if err != nil {
		return c.fail("demo", err)
	}
	if n > 0 {
		fmt.Fprintf(c.stderr, "demo: demo data already loaded in %s (%s stored — one per reporter and number); nothing changed\n", *data, ringfence.Plural(n, "report"))
	} else if err := loadDemo(ctx, e, *data, c.stderr); err != nil {
		return c.fail("demo", err)
	}
	// The key "serve" then uses for pseudonym and fpe.
	if _, err := demoDeidKey(*data); err != nil {
		return c.fail("demo", fmt.Errorf("demo de-identification key: %w", err))
	}
	fmt.Fprintf(c.stderr, "\nStart the API with: ringfence serve --data %s\n", *data)
	printDemoHelp(c.stderr, "127.0.0.1:8080", *data)
	return exitOK
}

// demoMix is the share of harassing numbers per category, after the 12321
// complaint mix of DESIGN §1 (loans and finance first, then debt collection
// and call bombing).
var demoMix = []struct {
	cat   ringfence.Category
	share float64
}{
	{"loan", 0.24}, {"debt_collection", 0.157}, {"call_bombing", 0.093}, {"sales", 0.14},
	{"insurance", 0.09}, {"real_estate", 0.08}, {"decoration", 0.07}, {"education", 0.05},
	{"fraud", 0.05}, {"robocall", 0.03},
}

// loadDemo fills an empty data directory with a realistic synthetic
// dataset: harassing numbers concentrated on virtual-operator ranges and
// 95/96 lines, couriers tagged benign by the crowd, a verified bank line
// under a sybil attack, a subscriber with personal rules, and one key per
// role. It does nothing when the store already holds reports.
func loadDemo(ctx context.Context, e *engine.Engine, dir string, log io.Writer) error {
	if n, err := e.Store().CountReports(ctx); err != nil || n > 0 {
		return err
	}
	start := time.Now()
	r := rand.New(rand.NewPCG(12321, 2026))
	now := e.Now()
	var reports []ringfence.Report
	add := func(num string, cat ringfence.Category, reporter string, daysAgo float64) {
		reports = append(reports, ringfence.Report{
			Number: num, Category: cat, Reporter: reporter, Source: ringfence.SourceCrowd,
			ReportedAt: now.Add(-time.Duration(daysAgo * float64(24*time.Hour))),
		})
	}
	reporter := func() string { return fmt.Sprintf("demo-user-%04d", r.IntN(1500)) }

	// Harassing numbers: a third on virtual-operator ranges, a fifth on
	// 95/96 call-centre lines, the rest ordinary mobiles.
	ranges := []string{"170", "171", "162", "165", "167"}
	var harassing []string
	mobiles := []string{"134", "138", "150", "152", "157", "183", "186", "189", "199"}
	for i := 0; i < 1200; i++ {
		var num string
		switch x := r.Float64(); {
		case x < 0.35:
			num = fmt.Sprintf("%s%08d", ranges[r.IntN(len(ranges))], r.IntN(1e8))
		case x < 0.52:
			num = fmt.Sprintf("95%03d", 100+r.IntN(900))
		default:
			num = fmt.Sprintf("%s%08d", mobiles[r.IntN(len(mobiles))], r.IntN(1e8))
		}
		harassing = append(harassing, num)
		cat := pickCategory(r.Float64())
		// Reporters per number are heavy-tailed: most numbers get a few,
		// the worst get many.
		n := int(3 + 60*r.ExpFloat64()*r.Float64())
		for j := 0; j < n; j++ {
			c := cat
			if r.Float64() < 0.08 { // people disagree about the details
				c = pickCategory(r.Float64())
			}
			add(num, c, reporter(), 60*r.Float64())
		}
	}
	// The README's examples.
	for j := 0; j < 120; j++ {
		add("17100001234", "loan", reporter(), 30*r.Float64())
	}
	add("17100001234", "customer_service", reporter(), 10)
	for j := 0; j < 40; j++ {
		add("16512340000", "sales", reporter(), 20*r.Float64())
	}
	for j := 0; j < 60; j++ {
		add("17012345000", "delivery", reporter(), 20*r.Float64())
	}
	// A sybil crowd of fresh accounts tries to get a bank's line blocked.
	for j := 0; j < 100; j++ {
		add("95588", "fraud", fmt.Sprintf("sybil-%03d", j), 1)
	}
	sort.Slice(reports, func(i, j int) bool { return reports[i].ReportedAt.Before(reports[j].ReportedAt) })
	for i := 0; i < len(reports); i += importBatch {
		if err := e.AddReports(ctx, reports[i:min(i+importBatch, len(reports))]); err != nil {
			return fmt.Errorf("demo reports: %w", err)
		}
	}
	if _, err := e.AddBusiness(ctx, cliActor, "95588", "中国工商银行 客服热线"); err != nil {
		return err
	}
	if _, err := e.AddBusiness(ctx, cliActor, "95311*", "顺丰速运"); err != nil {
		return err
	}
	if _, err := e.ReplaceRules(ctx, cliActor, demoSubscriber, &screen.Rules{
		Entries: []screen.Entry{
			{Pattern: "17100001234", Kind: screen.EntryAllow, Note: "我的贷款经理"},
			{Pattern: "167*", Kind: screen.EntryBlock},
		},
		BlockedCategories: map[ringfence.Category]ringfence.Action{"insurance": ringfence.Block, "real_estate": ringfence.Block},
		Quiet:             &screen.QuietHours{From: "22:00", To: "07:00", Action: ringfence.Block},
	}); err != nil {
		return err
	}
	act, err := seedDemoActivity(ctx, e, dir, harassing, log)
	if err != nil {
		return err
	}
	var keys strings.Builder
	for _, role := range []ringfence.Role{ringfence.RoleCarrier, ringfence.RoleOperator, ringfence.RoleRegulator, ringfence.RoleReporter, ringfence.RoleSubscriber, ringfence.RoleOrg} {
		sub, org := "", ""
		switch role {
		case ringfence.RoleSubscriber:
			sub = demoSubscriber
		case ringfence.RoleOrg:
			org = demoOrg
		}
		secret, _, err := e.CreateKey(ctx, cliActor, role, sub, org)
		if err != nil {
			return err
		}
		fmt.Fprintf(&keys, "%s %s %s\n", role, secret, sub+org)
	}
	if err := os.WriteFile(filepath.Join(dir, demoKeysFile), []byte(keys.String()), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(log, "demo: loaded %d reports on %d numbers, 2 verified businesses, rules for %s and one key per role in %s (%.1fs)\n",
		len(reports), e.IndexStats().Numbers, demoSubscriber, demoKeysFile, time.Since(start).Seconds())
	fmt.Fprintf(log, "demo: %s from a simulated day of call records, %s pending, %s for %s (one called by a stranger: a leak), %s screened for %s, %s of %s\n",
		ringfence.Plural(act.Flags, "behaviour flag"), ringfence.Plural(act.Appeals, "appeal"), ringfence.Plural(act.Aliases, "alias number"), demoSubscriber,
		ringfence.Plural(act.Calls, "call"), demoSubscriber, ringfence.Plural(act.Exports, "salted export"), demoOrg)
	return nil
}

// demoDeidKey returns the demo's de-identification key, kept in hex in
// dir/demo-deid.key (0600) and created there on first use, so that
// pseudonym and fpe work in the demo and give the same output across
// restarts.
func demoDeidKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, demoDeidKeyFile)
	if data, err := os.ReadFile(path); err == nil {
		k, err := deid.ParseKey(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return k, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	k := make([]byte, 32)
	crand.Read(k)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return demoDeidKey(dir) // created meanwhile
	}
	if err != nil {
		return nil, err
	}
	_, err = fmt.Fprintln(f, hex.EncodeToString(k))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

func pickCategory(x float64) ringfence.Category {
	for _, m := range demoMix {
		if x < m.share {
			return m.cat
		}
		x -= m.share
	}
	return "sales"
}
