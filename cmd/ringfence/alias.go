package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"ringfence"
	"ringfence/engine"
	"ringfence/ledger"
	"ringfence/number"
)

func (c *cli) runAlias(args []string) int {
	fs := newFlagSet("alias", `pool [--json]
       ringfence alias pool add FILE [--quarantine 30d] [--null-share 0.05]
       ringfence alias new --subscriber S --merchant M [--merchant-number N]... [--block-strangers]
       ringfence alias list [--subscriber S]
       ringfence alias show ALIAS
       ringfence alias set ALIAS --block-strangers=true|false
       ringfence alias call ALIAS --caller N [--at RFC3339] [--duration SECONDS] [--answered]
       (each with --data DIR, or --store postgres://... [--log URLS] [--ledger-key FILE])`, c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	ledgerKey := ledgerKeyFlag(fs)
	quarantine := fs.String("quarantine", "30d", "pool add: how long new numbers wait, recording calls, before issue (0 for none)")
	nullShare := fs.Float64("null-share", 0.05, "pool add: share of numbers reserved as never-disclosed null aliases")
	sub := fs.String("subscriber", "", "the subscriber's own number")
	merchant := fs.String("merchant", "", "new: the merchant the alias is given to")
	var merchantNumbers stringList
	fs.Var(&merchantNumbers, "merchant-number", "new: a number or prefix* the merchant calls from (repeatable)")
	blockStrangers := fs.Bool("block-strangers", false, "new: refuse callers other than the merchant")
	caller := fs.String("caller", "", "call: the calling number")
	at := fs.String("at", "", "call: time of the call (default now)")
	duration := fs.Float64("duration", 0, "call: talk seconds")
	answered := fs.Bool("answered", false, "call: the call was answered")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return c.usageError(fs, "want pool, new, list, show, set or call")
	}
	verb := pos[0]
	name := verb
	if verb == "pool" && len(pos) > 1 {
		name = "pool " + pos[1]
	}
	takes := map[string][]string{
		"pool": {"json"}, "pool add": {"quarantine", "null-share"},
		"new":  {"subscriber", "merchant", "merchant-number", "block-strangers", "json", "ledger-key"},
		"list": {"subscriber", "json"}, "show": {"json"}, "set": {"block-strangers"},
		"call": {"caller", "at", "duration", "answered", "ledger-key"},
	}[name]
	if code, ok := c.onlyFlags(fs, "alias "+name, append(takes, "log")...); !ok {
		return code
	}
	if err := checkLedgerKey(*store, *ledgerKey); err != nil {
		return c.usageError(fs, "%v", err)
	}
	readOnly := verb == "list" || verb == "show" || verb == "pool" && len(pos) == 1
	// Bindings and leak events go to the disclosure ledger.
	writesLedger := verb == "new" || verb == "call"
	ctx := c.context()
	var e *engine.Engine
	switch {
	case *store != "" && writesLedger:
		w, code, ok := c.openStoreWriter(fs, "alias", *store, *ledgerKey)
		if !ok {
			return code
		}
		defer c.closeWriter(w, "alias")
		e = w.e
	default:
		var closeDB func()
		var usage, err error
		e, closeDB, usage, err = c.openFor(fs, *data, *store, !readOnly)
		if usage != nil {
			return c.usageError(fs, "%v", usage)
		} else if err != nil {
			return c.fail("alias", err)
		}
		defer closeDB()
		if writesLedger {
			l, err := openLedger(*data)
			if err != nil {
				return c.fail("alias", err)
			}
			defer l.Close()
			e.SetDisclosures(ledger.NewDisclosures(l))
			if err := c.reconcile(e); err != nil {
				return c.fail("alias", err)
			}
		}
	}
	switch {
	case verb == "pool" && len(pos) == 1:
		st := e.PoolStats()
		if *asJSON {
			c.printJSON(st)
			break
		}
		fmt.Fprintf(c.stdout, "alias pool: %s: %d free, %d waiting in quarantine, %d bound, %s, %d retired\n",
			ringfence.Plural(st.Numbers, "number"), st.Free, st.Waiting, st.Bound, ringfence.Plural(st.Null, "null alias"), st.Retired)
		if st.Low {
			fmt.Fprintf(c.stdout, "warning: under 10%% of the pool is free or waiting; add numbers with 'ringfence alias pool add'\n")
		}
	case verb == "pool" && len(pos) == 3 && pos[1] == "add":
		q, err := engine.ParseDays(*quarantine)
		if err != nil {
			return c.usageError(fs, "--quarantine: %v", err)
		}
		nums, rejected, err := readNumberFile(pos[2])
		if err != nil {
			return c.fail("alias", err)
		}
		for _, r := range rejected {
			fmt.Fprintf(c.stderr, "  %s\n", r)
		}
		if *nullShare < 0 || *nullShare >= 1 {
			return c.usageError(fs, "--null-share %v is not in [0, 1)", *nullShare)
		}
		added, nulls, err := e.AddAliasPool(ctx, cliActor, nums, q, *nullShare)
		if err != nil {
			return c.fail("alias", err)
		}
		fmt.Fprintf(c.stdout, "added %s (%d reserved as null %s, %d already known, %d rejected); issuable after %s\n",
			ringfence.Plural(added, "number"), nulls, map[bool]string{true: "alias", false: "aliases"}[nulls == 1], len(nums)-added, len(rejected), e.Now().Add(q).Format(time.RFC3339))
		c.warnPool(e)
	case verb == "new" && len(pos) == 1:
		if *sub == "" || *merchant == "" {
			return c.usageError(fs, "new needs --subscriber and --merchant")
		}
		b, err := e.NewAlias(ctx, cliActor, *sub, *merchant, merchantNumbers, *blockStrangers)
		if err != nil {
			return c.fail("alias", err)
		}
		if *asJSON {
			c.printJSON(b)
		} else {
			fmt.Fprintf(c.stdout, "%s\n", b.Alias)
			fmt.Fprintf(c.stderr, "alias %s for %s, given to %s (ledger entry %d)\n", b.Alias, b.Subscriber, b.Merchant, b.LedgerIndex)
		}
		c.warnPool(e)
	case verb == "list" && len(pos) == 1:
		bs, err := e.Aliases(*sub)
		if err != nil {
			return c.fail("alias", err)
		}
		if *asJSON {
			c.printJSON(bs)
			break
		}
		for _, b := range bs {
			fmt.Fprintf(c.stdout, "%s\t%s\t%s\t%s\n", b.Alias, b.Subscriber, b.Merchant, b.CreatedAt.Format(time.RFC3339))
		}
	case verb == "show" && len(pos) == 2:
		b, err := e.Alias(pos[1])
		if err != nil {
			return c.fail("alias", err)
		}
		evs, err := e.AliasEvents(ctx, b.Alias)
		if err != nil {
			return c.fail("alias", err)
		}
		if *asJSON {
			c.printJSON(map[string]any{"binding": b, "calls": evs})
			break
		}
		fmt.Fprintf(c.stdout, "alias %s → %s, given to %s on %s (ledger entry %d)\n", b.Alias, b.Subscriber, b.Merchant, b.CreatedAt.Format(time.RFC3339), b.LedgerIndex)
		if len(b.MerchantNumbers) > 0 {
			fmt.Fprintf(c.stdout, "  merchant numbers: %s\n", strings.Join(b.MerchantNumbers, ", "))
		}
		for _, ev := range evs {
			leak := ""
			if ev.Outcome == "stranger" {
				leak = fmt.Sprintf("  LEAK (ledger entry %d)", ev.LedgerIndex)
				if ev.Sequential {
					leak = fmt.Sprintf("  recorded (ledger entry %d), not claimed as a leak: the caller dials sequential blocks", ev.LedgerIndex)
				}
			}
			fmt.Fprintf(c.stdout, "  %s  %s  %s%s\n", ev.At.Format(time.RFC3339), ev.Caller, ev.Outcome, leak)
		}
	case verb == "set" && len(pos) == 2:
		set := false
		fs.Visit(func(f *flag.Flag) { set = set || f.Name == "block-strangers" })
		if !set {
			return c.usageError(fs, "set needs --block-strangers=true or --block-strangers=false")
		}
		b, err := e.SetBlockStrangers(ctx, cliActor, "", pos[1], *blockStrangers)
		if err != nil {
			return c.fail("alias", err)
		}
		fmt.Fprintf(c.stdout, "alias %s: strangers %s\n", b.Alias, map[bool]string{true: "refused", false: "put through, labelled as a leak"}[b.BlockStrangers])
	case verb == "call" && len(pos) == 2:
		callee, err := number.E164(pos[1])
		if err != nil {
			return c.fail("alias", ringfence.Errorf(ringfence.EINVALID, "alias: %v", err))
		}
		from, err := number.E164(*caller)
		if err != nil {
			return c.fail("alias", ringfence.Errorf(ringfence.EINVALID, "--caller: %v", err))
		}
		call := engine.AliasCall{Callee: callee, Caller: from, Duration: *duration, Answered: *answered}
		if *at != "" {
			if call.At, err = time.Parse(time.RFC3339, *at); err != nil {
				return c.usageError(fs, "--at %q is not RFC 3339", *at)
			}
		}
		d, ev, handled, err := e.RouteAlias(ctx, call)
		if err != nil {
			return c.fail("alias", err)
		}
		if !handled {
			return c.fail("alias", ringfence.Errorf(ringfence.ENOTFOUND, "%s is not an alias or pool number", callee))
		}
		target := d.Target
		if target == "" {
			target = "refused"
		}
		fmt.Fprintf(c.stdout, "%s: %s → %s (%s)\n", d.Outcome, from, target, d.Reason)
		switch {
		case d.Leak:
			fmt.Fprintf(c.stdout, "leak event %d against %s, ledger entry %d\n", ev.ID, ev.Merchant, ev.LedgerIndex)
		case ev.Sequential && ev.LedgerIndex >= 0:
			fmt.Fprintf(c.stdout, "call %d recorded against %s, ledger entry %d: not claimed as a leak, the caller dials sequential blocks\n", ev.ID, ev.Merchant, ev.LedgerIndex)
		}
	default:
		return c.usageError(fs, "unknown alias command %q", strings.Join(pos, " "))
	}
	return exitOK
}

// readNumberFile reads one number per line (blank lines and # comments
// skipped), normalising each; bad lines are returned with their line number.
func readNumberFile(name string) (nums, rejected []string, err error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		n, err := number.E164(s)
		if err == nil {
			err = engine.PoolNumber(n)
		}
		if err != nil {
			rejected = append(rejected, fmt.Sprintf("%s:%d: %s", name, line, errorText(err)))
			continue
		}
		nums = append(nums, n)
	}
	return nums, rejected, sc.Err()
}
