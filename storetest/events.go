package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"ringfence"
	"ringfence/alias"
)

// TestEventLog is the conformance suite for ringfence.EventLog. open opens
// the log kept in dir; opening the same dir again must give the same log,
// including while an earlier opening is still open (a crashed process that
// never closed it).
func TestEventLog(t *testing.T, open func(t *testing.T, dir string) ringfence.EventLog) {
	tests := []struct {
		name string
		f    func(*testing.T, string, func(*testing.T, string) ringfence.EventLog)
	}{
		{"Ordering", testEventOrdering},
		{"ResumeFromPosition", testEventResume},
		{"IdempotentReapply", testEventReapply},
		{"NoEventLostAcrossCrash", testEventCrash},
		{"ReaderErrorStops", testEventReaderError},
		{"Subscribe", testEventSubscribe},
		{"Trim", testEventTrim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.f(t, t.TempDir(), open) })
	}
}

func rulesEvent(sub string, pattern string) ringfence.Event {
	return ringfence.Event{Type: ringfence.EventRules, At: t0, Rules: &ringfence.Rules{Subscriber: sub, Entries: []ringfence.Entry{{Pattern: pattern, Kind: ringfence.EntryBlock}}}}
}

func readAll(t *testing.T, l ringfence.EventLog, after int64) []ringfence.Event {
	t.Helper()
	var out []ringfence.Event
	if err := l.Read(ctx, after, func(ev ringfence.Event) error { out = append(out, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func testEventOrdering(t *testing.T, dir string, open func(*testing.T, string) ringfence.EventLog) {
	l := open(t, dir)
	if h, err := l.Head(ctx); err != nil || h != 0 {
		t.Fatalf("empty log head %d, %v", h, err)
	}
	evs := []ringfence.Event{
		rulesEvent("+8613900000001", "+86170*"),
		{Type: ringfence.EventRegistry, At: t0, Business: &ringfence.Business{ID: 7, Pattern: "+8695311*", Name: "顺丰"}},
		{Type: ringfence.EventKeyRevoked, At: t0.Add(time.Second), KeyID: "key_1"},
	}
	p1, err := l.Append(ctx, evs[:2]...)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := l.Append(ctx, evs[2])
	if err != nil {
		t.Fatal(err)
	}
	if p2 <= p1 {
		t.Fatalf("positions %d then %d", p1, p2)
	}
	got := readAll(t, l, 0)
	if len(got) != 3 {
		t.Fatalf("read %d events, want 3", len(got))
	}
	for i, ev := range got {
		if i > 0 && ev.Position <= got[i-1].Position {
			t.Fatalf("event %d at %d after %d", i, ev.Position, got[i-1].Position)
		}
		if ev.Type != evs[i].Type || !ev.At.Equal(evs[i].At) {
			t.Fatalf("event %d: %+v, want %+v", i, ev, evs[i])
		}
	}
	if got[1].Position != p1 || got[2].Position != p2 {
		t.Fatalf("positions %d %d, Append returned %d %d", got[1].Position, got[2].Position, p1, p2)
	}
	if got[0].Rules == nil || got[0].Rules.Entries[0].Pattern != "+86170*" || got[1].Business.Name != "顺丰" || got[2].KeyID != "key_1" {
		t.Fatalf("bodies did not round-trip: %+v %+v %+v", got[0].Rules, got[1].Business, got[2].KeyID)
	}
	if h, err := l.Head(ctx); err != nil || h != p2 {
		t.Fatalf("head %d, %v; want %d", h, err, p2)
	}
}

func testEventResume(t *testing.T, dir string, open func(*testing.T, string) ringfence.EventLog) {
	l := open(t, dir)
	var pos []int64
	for _, p := range []string{"+86170*", "+86171*", "+86165*", "+86167*"} {
		n, err := l.Append(ctx, rulesEvent("+8613900000001", p))
		if err != nil {
			t.Fatal(err)
		}
		pos = append(pos, n)
	}
	for i, after := range append([]int64{0}, pos...) {
		got := readAll(t, l, after)
		if len(got) != len(pos)-i {
			t.Fatalf("after %d: %d events, want %d", after, len(got), len(pos)-i)
		}
		if len(got) > 0 && got[0].Position != pos[i] {
			t.Fatalf("after %d: first at %d, want %d", after, got[0].Position, pos[i])
		}
	}
}

// testEventReapply checks that events carry state, not deltas: applying
// the log twice, or from an earlier position over a state that already
// reflects it, gives the same state.
func testEventReapply(t *testing.T, dir string, open func(*testing.T, string) ringfence.EventLog) {
	l := open(t, dir)
	if _, err := l.Append(ctx,
		rulesEvent("+8613900000001", "+86170*"),
		ringfence.Event{Type: ringfence.EventReport, At: t0, Tallies: &ringfence.NumberTallies{Number: "+8617100000000", Tallies: []ringfence.Tally{{Category: "fraud", Reporters: 2, Weight: 3}}}},
		rulesEvent("+8613900000001", "+86171*"),
	); err != nil {
		t.Fatal(err)
	}
	apply := func(state map[string]string, ev ringfence.Event) {
		switch ev.Type {
		case ringfence.EventRules:
			state["rules "+ev.Rules.Subscriber] = ev.Rules.Entries[0].Pattern
		case ringfence.EventReport:
			state["tally "+ev.Tallies.Number] = string(ev.Tallies.Tallies[0].Category)
		}
	}
	once := map[string]string{}
	for _, ev := range readAll(t, l, 0) {
		apply(once, ev)
	}
	twice := map[string]string{}
	for range 2 {
		for _, ev := range readAll(t, l, 0) {
			apply(twice, ev)
		}
	}
	if len(once) != 2 || once["rules +8613900000001"] != "+86171*" || len(twice) != len(once) {
		t.Fatalf("once %v, twice %v", once, twice)
	}
	for k, v := range once {
		if twice[k] != v {
			t.Fatalf("re-applying changed %s: %s, then %s", k, v, twice[k])
		}
	}
}

func testEventCrash(t *testing.T, dir string, open func(*testing.T, string) ringfence.EventLog) {
	l := open(t, dir)
	p, err := l.Append(ctx, rulesEvent("+8613900000001", "+86170*"), rulesEvent("+8613900000002", "+86171*"))
	if err != nil {
		t.Fatal(err)
	}
	// Reopen without closing the first: whatever Append returned is there.
	again := open(t, dir)
	got := readAll(t, again, 0)
	if len(got) != 2 || got[1].Position != p {
		t.Fatalf("after reopening: %d events, last at %v; want 2, last at %d", len(got), got, p)
	}
	p2, err := again.Append(ctx, rulesEvent("+8613900000003", "+86165*"))
	if err != nil || p2 <= p {
		t.Fatalf("append after reopening: %d, %v (before: %d)", p2, err, p)
	}
}

func testEventReaderError(t *testing.T, dir string, open func(*testing.T, string) ringfence.EventLog) {
	l := open(t, dir)
	if _, err := l.Append(ctx, rulesEvent("+8613900000001", "+86170*"), rulesEvent("+8613900000002", "+86171*")); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	n := 0
	err := l.Read(ctx, 0, func(ringfence.Event) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Read went on after its reader failed: %d events, %v", n, err)
	}
}

// testWritesAppendEvents checks that each write other nodes must see
// appends its event, carrying the state after the write, and that a
// write that fails appends none.
func testWritesAppendEvents(t *testing.T, s ringfence.Store) {
	entry := func(action string) ringfence.AuditEntry {
		return ringfence.AuditEntry{At: t0, Actor: "op", Action: action}
	}
	judge := fixedJudge(1)
	tests := []struct {
		name  string
		write func(context.Context) error
		want  ringfence.EventType
		check func(ringfence.Event) bool
	}{
		{"report", func(ctx context.Context) error {
			_, err := s.AddReports(ctx, []ringfence.Report{report("+8617100000000", "fraud", "u1", t0)}, unitBoost, judge)
			return err
		}, ringfence.EventReport, func(ev ringfence.Event) bool {
			return ev.Tallies.Number == "+8617100000000" && len(ev.Tallies.Tallies) == 1 && ev.Tallies.Tallies[0].Reporters == 1
		}},
		{"rules", func(ctx context.Context) error {
			return s.PutRules(ctx, &ringfence.Rules{Subscriber: "+8613900000000", Entries: []ringfence.Entry{{Pattern: "+86170*", Kind: "block"}}}, entry("rules.set"))
		}, ringfence.EventRules, func(ev ringfence.Event) bool {
			return ev.Rules.Subscriber == "+8613900000000" && len(ev.Rules.Entries) == 1
		}},
		{"registry add", func(ctx context.Context) error {
			return s.AddBusiness(ctx, &ringfence.Business{Pattern: "+8695311*", Name: "顺丰", CreatedAt: t0}, entry("registry.add"))
		}, ringfence.EventRegistry, func(ev ringfence.Event) bool {
			return ev.Business != nil && ev.Business.ID > 0 && ev.Business.Name == "顺丰"
		}},
		{"registry add twice fails", func(ctx context.Context) error {
			return s.AddBusiness(ctx, &ringfence.Business{Pattern: "+8695311*", Name: "顺丰", CreatedAt: t0}, entry("registry.add"))
		}, "", nil},
		{"flag", func(ctx context.Context) error {
			return s.SaveFlags(ctx, []ringfence.Flag{{Number: "+8617100000001", Kind: ringfence.KindRobocall, Score: 0.9, FlaggedAt: t0}})
		}, ringfence.EventFlag, func(ev ringfence.Event) bool { return ev.Flag.Number == "+8617100000001" }},
		{"key revoke", func(ctx context.Context) error {
			if err := s.CreateKey(ctx, ringfence.Key{ID: "key_ev", Role: ringfence.RoleReporter, CreatedAt: t0}, []byte("hash_ev"), entry("key.create")); err != nil {
				return err
			}
			return s.RevokeKey(ctx, "key_ev", t0, entry("key.revoke"))
		}, ringfence.EventKeyRevoked, func(ev ringfence.Event) bool { return ev.KeyID == "key_ev" }},
		{"revoke unknown key fails", func(ctx context.Context) error { return s.RevokeKey(ctx, "key_none", t0, entry("key.revoke")) }, "", nil},
		{"pool add", func(ctx context.Context) error {
			_, _, err := s.AddPool(ctx, []alias.PoolNumber{pool("+8617000000101", false), pool("+8617000000102", true)}, entry("alias.pool_add"))
			return err
		}, ringfence.EventPool, func(ev ringfence.Event) bool {
			return len(ev.Pool) == 2 && ev.Pool[0].Number == "+8617000000101" && ev.Pool[1].Null && ev.Pool[0].State == alias.StatePool
		}},
		{"pool add skips known numbers", func(ctx context.Context) error {
			_, _, err := s.AddPool(ctx, []alias.PoolNumber{pool("+8617000000101", false), pool("+8617000000103", false)}, entry("alias.pool_add"))
			return err
		}, ringfence.EventPool, func(ev ringfence.Event) bool {
			return len(ev.Pool) == 1 && ev.Pool[0].Number == "+8617000000103"
		}},
		{"call to an unissued number", func(ctx context.Context) error {
			return s.AddAliasEvent(ctx, &ringfence.AliasEvent{At: t0, Alias: "+8617000000101", Caller: "+8613900000009", Outcome: alias.Quarantine, LedgerIndex: -1})
		}, ringfence.EventPool, func(ev ringfence.Event) bool {
			return len(ev.Pool) == 1 && ev.Pool[0].Number == "+8617000000101" && ev.Pool[0].Calls == 1 && ev.Pool[0].State == alias.StatePool
		}},
		{"call to a null alias", func(ctx context.Context) error {
			return s.AddAliasEvent(ctx, &ringfence.AliasEvent{At: t0, Alias: "+8617000000102", Caller: "+8613900000009", Outcome: alias.Null, LedgerIndex: -1})
		}, ringfence.EventPool, func(ev ringfence.Event) bool {
			return len(ev.Pool) == 1 && ev.Pool[0].Null && ev.Pool[0].Calls == 1
		}},
	}
	log := s.Events()
	for _, tt := range tests {
		head, err := log.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wctx, app := ringfence.WithAppended(ctx)
		err = tt.write(wctx)
		got := readAll(t, log, head)
		if tt.want == "" {
			if err == nil || len(got) != 0 {
				t.Fatalf("%s: %v, appended %+v; want a failure and no event", tt.name, err, got)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(got) != 1 || got[0].Type != tt.want || !tt.check(got[0]) {
			t.Fatalf("%s appended %+v, want one %s event", tt.name, got, tt.want)
		}
		// The writer learns where its event landed.
		if rec := app.Events(); len(rec) != 1 || rec[0].Position != got[0].Position || rec[0].Type != got[0].Type {
			t.Fatalf("%s recorded %+v for the writer, want the event at %d", tt.name, rec, got[0].Position)
		}
	}
}

// testEventSubscribe checks that a subscriber from a position gets the
// events after it, then those appended later, in order, and stops when its
// context ends.
func testEventSubscribe(t *testing.T, dir string, open func(*testing.T, string) ringfence.EventLog) {
	l := open(t, dir)
	first, err := l.Append(ctx, rulesEvent("+8613900000001", "+86170*"), rulesEvent("+8613900000002", "+86171*"))
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	got := make(chan ringfence.Event, 10)
	done := make(chan error, 1)
	go func() {
		done <- l.Subscribe(sctx, first-1, func(ev ringfence.Event) error { got <- ev; return nil })
	}()
	want := []string{"+8613900000002"}
	for _, sub := range []string{"+8613900000003", "+8613900000004"} {
		if _, err := l.Append(ctx, rulesEvent(sub, "+86165*")); err != nil {
			t.Fatal(err)
		}
		want = append(want, sub)
	}
	last := first - 1
	for i, w := range want {
		select {
		case ev := <-got:
			if ev.Position <= last || ev.Rules == nil || ev.Rules.Subscriber != w {
				t.Fatalf("event %d: %+v at %d (after %d), want rules of %s", i, ev.Rules, ev.Position, last, w)
			}
			last = ev.Position
		case err := <-done:
			t.Fatalf("Subscribe ended after %d events: %v", i, err)
		case <-time.After(time.Minute):
			t.Fatalf("Subscribe delivered %d of %d events", i, len(want))
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Subscribe after its context ended: %v", err)
	}
}

// testEventTrim: trimming deletes old events but never the latest, so
// positions go on; a reader behind the trimmed part is told to reload.
func testEventTrim(t *testing.T, dir string, open func(*testing.T, string) ringfence.EventLog) {
	l := open(t, dir)
	for i := range 4 {
		ev := rulesEvent("+8613900000001", "+86170*")
		ev.At = t0.Add(time.Duration(i) * time.Hour)
		if _, err := l.Append(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	n, err := l.Trim(ctx, t0.Add(90*time.Minute)) // the first two
	if err != nil || n != 2 {
		t.Fatalf("trim: %d, %v; want 2", n, err)
	}
	if got := readAll(t, l, 2); len(got) != 2 || got[0].Position != 3 {
		t.Fatalf("after trim, read from 2: %+v", got)
	}
	err = l.Read(ctx, 0, func(ringfence.Event) error { return nil })
	if ringfence.ErrorCode(err) != ringfence.ECONFLICT {
		t.Fatalf("reading trimmed events: %v, want conflict", err)
	}
	if n, err := l.Trim(ctx, t0.Add(48*time.Hour)); err != nil || n != 1 {
		t.Fatalf("trim all: %d, %v; want 1 (the latest stays)", n, err)
	}
	p, err := l.Append(ctx, rulesEvent("+8613900000001", "+86171*"))
	if err != nil || p != 5 {
		t.Fatalf("append after trimming: position %d, %v; want 5", p, err)
	}
}

// pool is an unbound pool number added at t0, out of quarantine at once.
func pool(num string, null bool) alias.PoolNumber {
	return alias.PoolNumber{Number: num, AddedAt: t0, AvailableAt: t0, Null: null, State: alias.StatePool}
}
