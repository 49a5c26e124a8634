package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/ledger"
	"ringfence/number"
	"ringfence/screen"
	"ringfence/simulate"
	"ringfence/trace"
)

// demoActivity is what loadDemo adds so that every role's console has
// something to show: behaviour flags, pending appeals, alias numbers with
// a leak, screened calls and an organisation's export.
type demoActivity struct {
	Flags, Appeals, Aliases, Calls, Exports int
}

// Demo alias pool: a virtual-operator block the demo reports do not use.
const (
	demoPoolFormat = "+86162000%05d"
	demoPoolSize   = 30
)

// seedDemoActivity writes the demo's activity through the engine's own
// write paths (detector, appeals, alias pool and routing, call log,
// export), so that audit, events and ledger stay consistent. harassing
// lists numbers the crowd reports (E.164 or national), used as callers.
func seedDemoActivity(ctx context.Context, e *engine.Engine, dir string, harassing []string, log io.Writer) (demoActivity, error) {
	var a demoActivity
	now := e.Now()
	r := rand.New(rand.NewPCG(2026, 12321))

	// (a) Behaviour flags: one simulated day, the day before yesterday
	// (China time), through the CDR observe path.
	day := now.In(simulate.CST).Add(-48 * time.Hour)
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, simulate.CST)
	sim := simulate.Run(simulate.Config{Days: 1, Subscribers: 2000, Seed: 12321, Start: start})
	flags, err := e.ObserveFrom(ctx, sim.Calls, nil)
	if err != nil {
		return a, fmt.Errorf("demo flags: %w", err)
	}
	a.Flags = len(flags)

	// (b) Appeals waiting for the operator.
	appeals := []ringfence.Appeal{
		{Number: harassing[0], Business: "某某科技有限公司 客服中心", Contact: "400-800-1234", Reason: "我们是正规客服热线，只回访已下单的客户。"},
		{Number: harassing[1], Business: "同城快递 配送站", Contact: "020-12345678", Reason: "快递员派件电话，被误标为骚扰。"},
		{Number: harassing[2], Business: "某贷款中介", Contact: "13900000000", Reason: "号码已更换主人，请复核。"},
	}
	for _, ap := range appeals {
		if _, err := e.FileAppeal(ctx, "demo-reporter", ap); err != nil {
			return a, fmt.Errorf("demo appeal for %s: %w", ap.Number, err)
		}
		a.Appeals++
	}

	// (c) and (e) need the ledger: bindings, leaks and exports are
	// disclosures. serve opens it again after the demo is loaded.
	led, err := openLedger(dir)
	if err != nil {
		return a, err
	}
	defer led.Close()
	e.SetDisclosures(ledger.NewDisclosures(led))
	defer e.SetDisclosures(nil)
	pool := make([]string, demoPoolSize)
	for i := range pool {
		pool[i] = fmt.Sprintf(demoPoolFormat, i)
	}
	if _, _, err := e.AddAliasPool(ctx, cliActor, pool, 0, 0.1); err != nil {
		return a, fmt.Errorf("demo alias pool: %w", err)
	}
	shop, err := e.NewAlias(ctx, cliActor, demoSubscriber, "某电商平台 收货电话", []string{"+8695000*"}, false)
	if err != nil {
		return a, fmt.Errorf("demo alias: %w", err)
	}
	// A stranger calls (the leak: ledger entry 1, so evidence case
	// leak-1, which the README's "evidence export --case leak-1"
	// exports), then the merchant (put through).
	for _, c := range []engine.AliasCall{
		{Callee: shop.Alias, Caller: "+8617198765432", Duration: 12, Answered: true},
		{Callee: shop.Alias, Caller: "+8695000123", Duration: 45, Answered: true},
	} {
		if _, _, _, err := e.RouteAlias(ctx, c); err != nil {
			return a, fmt.Errorf("demo alias call: %w", err)
		}
	}
	if _, err := e.NewAlias(ctx, cliActor, demoSubscriber, "某健身房 会员登记", []string{"+862087654321"}, true); err != nil {
		return a, fmt.Errorf("demo alias: %w", err)
	}
	a.Aliases = 2

	// (e) An export of the demo organisation's customer list.
	var list bytes.Buffer
	list.WriteString("姓名,手机,城市\n")
	cities := []string{"广州", "深圳", "佛山", "东莞"}
	for i := range 200 {
		fmt.Fprintf(&list, "客户%03d,1%d%09d,%s\n", i, 3+r.IntN(7), r.IntN(1e9), cities[r.IntN(len(cities))])
	}
	issue := e.NewIssue(cliActor, demoOrg)
	defer issue.Abort()
	res, err := trace.Salt(ctx, bytes.NewReader(list.Bytes()), io.Discard, trace.SaltOptions{
		Disclosure: trace.Disclosure{Org: demoOrg, Recipient: "某保险代理公司"},
		Key:        led.FingerprintKey(), Numbers: issue, Canaries: 4,
	})
	if err != nil {
		return a, fmt.Errorf("demo export: %w", err)
	}
	if _, err := issue.Commit(ctx, &res.Export, res.Prints); err != nil {
		return a, fmt.Errorf("demo export: %w", err)
	}
	if _, err := led.Checkpoint(); err != nil {
		return a, err
	}
	a.Exports = 1

	// (d) Calls screened for the demo subscriber over the last week,
	// verdicts as the SIP front records them.
	callers := []string{"17100001234", "16512340000", "17012345000", "95588", "16700001111"}
	for i := 0; i < 16 && i < len(harassing); i++ {
		callers = append(callers, harassing[r.IntN(len(harassing))])
	}
	for range 6 {
		callers = append(callers, fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1e9)))
	}
	logCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	calls := engine.NewCallLog(logCtx, e.Store(), 0, slog.New(slog.NewTextHandler(log, nil)))
	var v screen.Verdict
	for i, c := range callers {
		at := now.Add(-time.Duration(len(callers)-i) * 7 * 24 * time.Hour / time.Duration(len(callers)+1)).Truncate(time.Second)
		if err := e.Check(&v, ringfence.CheckRequest{Caller: c, Callee: demoSubscriber, At: at}); err != nil {
			stop()
			calls.Wait()
			return a, fmt.Errorf("demo call from %s: %w", c, err)
		}
		ev := ringfence.CallEvent{At: at, Caller: c, Callee: demoSubscriber, Source: "sip", Action: v.Action, Category: v.Category, Score: v.Score}
		if n, err := number.E164(c); err == nil {
			ev.Caller = n
		}
		for _, r := range v.Reasons {
			ev.Reasons = append(ev.Reasons, r.String())
		}
		calls.Record(ev)
		a.Calls++
	}
	stop()
	calls.Wait()
	return a, nil
}
