package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"ringfence/engine"
	"ringfence/screen"
)

// runSimulatePolicy replays recorded calls against today's rules and
// reputation and says what would change.
func (c *cli) runSimulatePolicy(args []string) int {
	fs := newFlagSet("simulate policy", "[--from RFC3339] [--to RFC3339] [--subscriber S] [--examples N] [--data DIR | --store postgres://...]", c.stderr)
	data := c.dataDir(fs)
	store := storeFlag(fs)
	from := fs.String("from", "", "first call time (default 30 days ago)")
	to := fs.String("to", "", "end of the window (default now)")
	sub := fs.String("subscriber", "", "only calls to this subscriber")
	examples := fs.Int("examples", 10, "changed calls to show")
	pos, code, ok := c.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return c.usageError(fs, "unexpected argument %q", pos[0])
	}
	end := time.Now().UTC()
	start := end.AddDate(0, 0, -30)
	for _, f := range []struct {
		s   string
		dst *time.Time
	}{{*from, &start}, {*to, &end}} {
		if f.s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, f.s)
		if err != nil {
			return c.usageError(fs, "%q is not RFC 3339", f.s)
		}
		*f.dst = t
	}
	e, closeDB, usage, err := c.openFor(fs, *data, *store, false)
	if usage != nil {
		return c.usageError(fs, "%v", usage)
	} else if err != nil {
		return c.fail("simulate policy", err)
	}
	defer closeDB()
	total, changed := 0, 0
	transitions := map[string]int{}
	var shown []string
	err = e.Replay(context.Background(), start, end, *sub, func(old engine.CallEvent, v *screen.Verdict) error {
		total++
		if old.Action == v.Action {
			return nil
		}
		changed++
		transitions[string(old.Action)+" → "+string(v.Action)]++
		if len(shown) < *examples {
			why := ""
			if len(v.Reasons) > 0 {
				why = v.Reasons[0].String()
			}
			shown = append(shown, fmt.Sprintf("  %s  %s → %s  %s → %s  (%s)", old.At.Format(time.RFC3339), old.Caller, old.Callee, old.Action, v.Action, why))
		}
		return nil
	})
	if err != nil {
		return c.fail("simulate policy", err)
	}
	fmt.Fprintf(c.stdout, "replayed %d calls from %s to %s: %d would be answered differently today\n",
		total, start.Format(time.RFC3339), end.Format(time.RFC3339), changed)
	keys := make([]string, 0, len(transitions))
	for k := range transitions {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return transitions[keys[i]] > transitions[keys[j]] })
	for _, k := range keys {
		fmt.Fprintf(c.stdout, "  %-16s %d\n", k, transitions[k])
	}
	if len(shown) > 0 {
		fmt.Fprintln(c.stdout, "for example:")
		fmt.Fprintln(c.stdout, strings.Join(shown, "\n"))
	}
	return exitOK
}
