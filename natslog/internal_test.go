package natslog

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ringfence"
	"ringfence/natslog/natstest"
)

// TestPublishSameIDOnce: a publish repeated with its message ID (an
// append retried after its acknowledgement was lost) is stored once, and
// the repeat is told the first one's position.
func TestPublishSameIDOnce(t *testing.T) {
	ctx := context.Background()
	l, err := Open(ctx, Config{URLs: natstest.Server(t, t.TempDir()).ClientURL()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	msg := func() *nats.Msg {
		m := nats.NewMsg("ringfence.events.key_revoked")
		m.Data = []byte(`{"type":"key_revoked","key_id":"key_1"}`)
		m.Header.Set(atHeader, "0")
		return m
	}
	tests := []struct {
		id      string
		wantSeq uint64
		dup     bool
	}{{"a", 1, false}, {"a", 1, true}, {"b", 2, false}, {"a", 1, true}}
	for i, tt := range tests {
		ack, err := l.publish(ctx, msg(), tt.id)
		if err != nil || ack.Sequence != tt.wantSeq || ack.Duplicate != tt.dup {
			t.Fatalf("publish %d (id %s): %+v, %v; want sequence %d, duplicate %v", i, tt.id, ack, err, tt.wantSeq, tt.dup)
		}
	}
	if h, err := l.Head(ctx); err != nil || h != 2 {
		t.Fatalf("head %d, %v; want 2", h, err)
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nats.ErrTimeout, true},
		{nats.ErrNoResponders, true},
		{jetstream.ErrNoStreamResponse, true},
		{fmt.Errorf("publish: %w", context.DeadlineExceeded), true},
		{&jetstream.APIError{Code: 503, ErrorCode: 10008, Description: "JetStream system temporarily unavailable"}, true},
		{&jetstream.APIError{Code: 400, ErrorCode: errNoPeers, Description: "no suitable peers for placement"}, true},
		{&jetstream.APIError{Code: 400, ErrorCode: 10071, Description: "wrong last sequence"}, false},
		{nats.ErrConnectionClosed, false},
		{context.Canceled, false},
	}
	for _, tt := range tests {
		if got := retryable(tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestDecodeCallsRejects(t *testing.T) {
	good := appendRecord([]byte{callsVersion}, ringfence.CallRecord{Caller: 8617000000001, Callee: 8613800000001, Start: 1772366400, Duration: 30, Answered: true})
	tests := []struct {
		name string
		b    []byte
		ok   bool
	}{
		{"one record", good, true},
		{"empty batch", []byte{callsVersion}, true},
		{"no version", nil, false},
		{"other version", append([]byte{3}, good[1:]...), false},
		{"cut record", good[:len(good)-1], false},
	}
	for _, tt := range tests {
		rs, err := decodeCalls(tt.b)
		if (err == nil) != tt.ok {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if tt.name == "one record" && (len(rs) != 1 || !rs[0].Answered || rs[0].Duration != 30 || rs[0].Caller != 8617000000001) {
			t.Fatalf("round trip: %+v", rs)
		}
	}
}

// TestFailWindow: the relay gives its lease up only after attempts have
// kept failing at once for over 2×LeaseTTL, counted from the first
// failure of the run, not from the start of a long attempt before it.
func TestFailWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	limit := 2 * LeaseTTL
	type attempt struct {
		start, end    time.Duration
		first, giveUp bool
	}
	tests := []struct {
		name     string
		attempts []attempt
	}{
		{"a long run then one failure", []attempt{
			{0, time.Hour, true, false},
			{time.Hour + 200*time.Millisecond, time.Hour + 400*time.Millisecond, false, false},
		}},
		{"quick failures for the limit and more", []attempt{
			{0, 100 * time.Millisecond, true, false},
			{time.Second, time.Second + 100*time.Millisecond, false, false},
			{limit, limit + 100*time.Millisecond, false, false},
			{limit + time.Second, limit + time.Second + 100*time.Millisecond, false, true},
		}},
		{"a long run after failures starts a new run", []attempt{
			{0, 100 * time.Millisecond, true, false},
			{time.Second, 10 * time.Minute, true, false},
			{10*time.Minute + time.Second, 10*time.Minute + 2*time.Second, false, false},
			{10*time.Minute + limit, 10*time.Minute + limit + 200*time.Millisecond, false, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w failWindow
			for i, a := range tt.attempts {
				first, giveUp := w.failed(at(a.start), at(a.end))
				if first != a.first || giveUp != a.giveUp {
					t.Errorf("attempt %d (%v–%v): first %v, give up %v; want %v, %v", i, a.start, a.end, first, giveUp, a.first, a.giveUp)
				}
			}
		})
	}
}

// TestNamedBatch: a batch of records that name their sources carries the
// names once each, gives them back with every record, and a flag raised
// on a record gets its caller's account and trunk (not a call-bombing
// target's); damaged batches are refused.
func TestNamedBatch(t *testing.T) {
	names := map[uint16][2]string{1: {"acct-7", "trunk-a"}, 2: {"客户甲", ""}}
	source := func(id uint16) (string, string) { return names[id][0], names[id][1] }
	recs := []ringfence.CallRecord{
		{Caller: 8617000000001, Callee: 8613800000001, Start: 1772366400, Duration: 30, Answered: true, Source: 2},
		{Caller: 8617000000002, Callee: 8613800000002, Start: 1772366401},
		{Caller: 8617000000003, Callee: 8613800000003, Start: 1772366402, Source: 1},
		{Caller: 8617000000001, Callee: 8613800000004, Start: 1772366403, Source: 2},
	}
	nb := &namedBatch{index: map[uint16]uint16{}}
	for _, r := range recs {
		nb.add(r, source)
	}
	b := nb.bytes()
	got, srcs, err := decodeBatch(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || len(got) != len(recs) {
		t.Fatalf("%d names, %d records; want 2 and %d", len(srcs), len(got), len(recs))
	}
	for i, r := range got {
		want := recs[i]
		var wantName [2]string
		if want.Source != 0 {
			wantName = names[want.Source]
		}
		var gotName [2]string
		if r.Source != 0 {
			gotName = [2]string{srcs[r.Source-1].Account, srcs[r.Source-1].Trunk}
		}
		want.Source, r.Source = 0, 0
		if r != want || gotName != wantName {
			t.Errorf("record %d: %+v %q, want %+v %q", i, r, gotName, want, wantName)
		}
	}
	if rs, err := decodeCalls(b); err != nil || len(rs) != len(recs) {
		t.Errorf("decodeCalls of a named batch: %d records, %v", len(rs), err)
	}

	tele := ringfence.Flag{Number: "+8617000000001", Kind: ringfence.KindTelemarketing}
	if f := attribute(tele, got[0], srcs); f.Account != "客户甲" || f.Trunk != "" {
		t.Errorf("caller's flag: account %q trunk %q", f.Account, f.Trunk)
	}
	if f := attribute(tele, got[2], srcs); f.Account != "" {
		t.Errorf("a flag on another number got the record's account %q", f.Account)
	}
	bomb := ringfence.Flag{Number: "+8613800000001", Kind: ringfence.KindCallBombingTarget}
	if f := attribute(bomb, got[0], srcs); f.Account != "" {
		t.Errorf("a call-bombing target got account %q", f.Account)
	}

	for name, bad := range map[string][]byte{
		"cut in the names":  b[:5],
		"cut record":        b[:len(b)-1],
		"name out of range": append(append([]byte{}, b[:len(b)-2]...), 9, 0),
		"no count of names": {namedVersion, 1},
	} {
		if _, _, err := decodeBatch(bad); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

// FuzzDecodeBatch: any bytes on the stream decode to records whose source
// numbers are in the batch's names, or to an error; never a panic.
func FuzzDecodeBatch(f *testing.F) {
	nb := &namedBatch{index: map[uint16]uint16{}}
	nb.add(ringfence.CallRecord{Caller: 8617000000001, Callee: 8613800000001, Start: 1772366400, Source: 5}, func(uint16) (string, string) { return "a", "t" })
	f.Add(nb.bytes())
	f.Add(appendRecord([]byte{callsVersion}, ringfence.CallRecord{Caller: 1, Callee: 2}))
	f.Add([]byte{namedVersion, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, names, err := decodeBatch(b)
		if err != nil {
			return
		}
		for _, r := range recs {
			if names != nil && int(r.Source) > len(names) {
				t.Fatalf("source %d of %d names", r.Source, len(names))
			}
		}
	})
}
