package ledger

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"ringfence"
	"ringfence/trace"
)

var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func binding(i int) Entry {
	return Entry{Type: TypeAliasBinding, Time: t0.Add(time.Duration(i) * time.Second), AliasBinding: &AliasBinding{
		Alias: fmt.Sprintf("+8617000%06d", i), Subscriber: fmt.Sprintf("sub%d", i), Merchant: "m" + fmt.Sprint(i%7), Purpose: "alias",
	}}
}

func openTest(t *testing.T, dir string) *Log {
	t.Helper()
	l, err := OpenWith(dir, Options{CheckpointEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func appendN(t *testing.T, l *Log, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		got, err := l.Append(context.Background(), binding(i))
		if err != nil {
			t.Fatal(err)
		}
		if got != int64(i) {
			t.Fatalf("append %d got index %d", i, got)
		}
	}
}

func TestAppendReopenVerify(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, dir)
	appendN(t, l, 0, 37)
	if _, err := l.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 37, 5)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openTest(t, dir)
	defer l.Close()
	if l.Size() != 42 {
		t.Fatalf("size after reopen = %d, want 42", l.Size())
	}
	if r := l.Recovered(); r != "" {
		t.Fatalf("clean reopen recovered %q", r)
	}
	e, err := l.Entry(40)
	if err != nil {
		t.Fatal(err)
	}
	if e.AliasBinding.Alias != binding(40).AliasBinding.Alias || !e.Time.Equal(binding(40).Time) {
		t.Fatalf("entry 40 = %+v", e.AliasBinding)
	}
	rep, err := l.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 42 || rep.Checkpoints != 2 || rep.Types[TypeAliasBinding] != 42 {
		t.Fatalf("report = %+v", rep)
	}
	if _, err := l.Entry(42); ringfence.ErrorCode(err) != ringfence.ENOTFOUND {
		t.Fatalf("entry past the end: %v", err)
	}
}

func TestConcurrentAppends(t *testing.T) {
	l := openTest(t, t.TempDir())
	defer l.Close()
	const workers, each = 40, 25
	seen := make([]bool, workers*each)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				i, err := l.Append(context.Background(), binding(w*each+j))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[i] {
					t.Errorf("index %d given twice", i)
				}
				seen[i] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if l.Size() != workers*each {
		t.Fatalf("size %d", l.Size())
	}
	if _, err := l.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestAppendBatch(t *testing.T) {
	l := openTest(t, t.TempDir())
	defer l.Close()
	appendN(t, l, 0, 3)
	es := []Entry{binding(3), binding(4), binding(5)}
	first, err := l.AppendBatch(context.Background(), es)
	if err != nil || first != 3 {
		t.Fatalf("AppendBatch = %d, %v", first, err)
	}
	bad := []Entry{binding(6), {Type: TypeAliasBinding, Time: t0, AliasBinding: &AliasBinding{Alias: "12345", Merchant: "m"}}}
	if _, err := l.AppendBatch(context.Background(), bad); ringfence.ErrorCode(err) != ringfence.EINVALID {
		t.Fatalf("batch with an invalid entry: %v", err)
	}
	if l.Size() != 6 {
		t.Fatalf("a rejected batch must append nothing; size %d", l.Size())
	}
}

// TestTornTail simulates a crash in the middle of a group commit: whatever
// bytes of the last write reached the disk, Open keeps every entry before
// them and cuts the rest.
func TestTornTail(t *testing.T) {
	frame := appendFrame(nil, []byte(`{"type":"alias_binding","time":"2025-03-14T09:30:00Z","alias_binding":{"alias":"+8617000999999","subscriber":"s","merchant":"m"}}`))
	cases := []struct {
		name string
		tail []byte
	}{
		{"half a header", frame[:5]},
		{"header only", frame[:8]},
		{"partial payload", frame[:len(frame)-10]},
		{"bad checksum", append(append([]byte{}, frame[:len(frame)-1]...), frame[len(frame)-1]^1)},
		{"zeros", make([]byte, 700)},
		{"huge length", []byte{0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5}},
		{"full frame then torn frame", append(append([]byte{}, frame...), frame[:20]...)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			l := openTest(t, dir)
			appendN(t, l, 0, 10)
			l.Checkpoint()
			appendN(t, l, 10, 3) // acknowledged, not yet checkpointed
			l.Close()
			want := int64(13)
			if strings.HasPrefix(tc.name, "full frame") {
				want = 14
			}
			f, err := os.OpenFile(filepath.Join(dir, "entries.log"), os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(tc.tail)
			f.Close()
			// The crash may also have left the hashes of the torn batch.
			h, _ := os.OpenFile(filepath.Join(dir, "hashes.dat"), os.O_WRONLY|os.O_APPEND, 0)
			h.Write(make([]byte, 3*tlog.HashSize))
			h.Close()

			l = openTest(t, dir)
			defer l.Close()
			if l.Size() != want {
				t.Fatalf("size after recovery = %d, want %d", l.Size(), want)
			}
			if tc.name != "full frame then torn frame" && l.Recovered() == "" {
				t.Fatal("Recovered() is empty after cutting a torn tail")
			}
			for i := range want {
				if _, err := l.Entry(i); err != nil {
					t.Fatalf("entry %d lost: %v", i, err)
				}
			}
			appendN(t, l, int(want), 2)
			l.Checkpoint()
			if _, err := l.Verify(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDamageUnderCheckpointIsAnError(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, dir)
	appendN(t, l, 0, 20)
	l.Checkpoint()
	l.Close()
	path := filepath.Join(dir, "entries.log")
	b, _ := os.ReadFile(path)
	off, _ := findFrame(b, 7)
	b[off+30] ^= 0x20
	os.WriteFile(path, b, 0o600)
	_, err := OpenWith(dir, Options{CheckpointEvery: -1})
	if err == nil || !strings.Contains(err.Error(), "entry 7") {
		t.Fatalf("Open of a log damaged under a checkpoint: %v", err)
	}
}

func TestAlteredEntryFailsVerify(t *testing.T) {
	// An entry rewritten with a valid frame (checksum recomputed) still
	// cannot match the signed root.
	dir := t.TempDir()
	l := openTest(t, dir)
	appendN(t, l, 0, 9)
	l.Checkpoint()
	l.Close()
	path := filepath.Join(dir, "entries.log")
	b, _ := os.ReadFile(path)
	off, n := findFrame(b, 4)
	data := append([]byte{}, b[off+8:off+8+n]...)
	data = []byte(strings.Replace(string(data), `"m4"`, `"m5"`, 1))
	copy(b[off:], appendFrame(nil, data))
	os.WriteFile(path, b, 0o600)
	// Open trusts hashes covered by a checkpoint (it does not rehash the
	// whole log); Verify rehashes every entry.
	l = openTest(t, dir)
	defer l.Close()
	_, err := l.Verify(context.Background())
	if err == nil || !strings.Contains(err.Error(), "entry 4") {
		t.Fatalf("Verify of an altered log: %v", err)
	}
	// And the altered entry no longer proves included.
	cp := l.Checkpoints()[0]
	p, _ := l.ProveInclusion(4, cp.Size)
	altered, _ := l.EntryData(4)
	if tlog.CheckRecord(p, cp.Size, cp.Root, 4, tlog.RecordHash(altered)) == nil {
		t.Fatal("altered entry proves included")
	}
}

// findFrame returns the offset and payload length of frame i in b.
func findFrame(b []byte, i int) (int, int) {
	off := 0
	for k := 0; ; k++ {
		n := int(uint32(b[off]) | uint32(b[off+1])<<8 | uint32(b[off+2])<<16 | uint32(b[off+3])<<24)
		if k == i {
			return off, n
		}
		off += 8 + n
	}
}

func TestHashesRepairedAtOpen(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, dir)
	appendN(t, l, 0, 30)
	l.Checkpoint()
	appendN(t, l, 30, 4)
	l.Close()
	// Lose the hashes of the entries after the checkpoint.
	path := filepath.Join(dir, "hashes.dat")
	os.Truncate(path, tlog.StoredHashCount(31)*tlog.HashSize)
	l = openTest(t, dir)
	defer l.Close()
	if _, err := l.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestCheckpointTampering(t *testing.T) {
	l := openTest(t, t.TempDir())
	defer l.Close()
	appendN(t, l, 0, 3)
	cp, _ := l.Checkpoint()
	text := string(cp.Note)
	for _, bad := range []string{
		strings.Replace(text, "\n3\n", "\n4\n", 1),
		strings.Replace(text, "Z\n", "Z\nextra\n", 1),
		text[:len(text)-5] + "AAAA\n",
	} {
		if _, err := ParseCheckpoint([]byte(bad), l.Verifier()); err == nil {
			t.Errorf("tampered checkpoint accepted:\n%s", bad)
		}
	}
	other := openTest(t, t.TempDir())
	defer other.Close()
	if _, err := ParseCheckpoint(cp.Note, other.Verifier()); err == nil {
		t.Error("checkpoint accepted by another ledger's key")
	}
}

func TestSecondOpenRefused(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, dir)
	defer l.Close()
	if _, err := Open(dir); ringfence.ErrorCode(err) != ringfence.ECONFLICT {
		t.Fatalf("second Open: %v", err)
	}
}

func TestKeysPersistAndPermissions(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, dir)
	vk, fk := l.VerifierKey(), l.FingerprintKey()
	l.Close()
	for _, name := range []string{"signer.key", "fingerprint.key"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", name, st.Mode().Perm())
		}
	}
	l = openTest(t, dir)
	defer l.Close()
	if l.VerifierKey() != vk || string(l.FingerprintKey()) != string(fk) {
		t.Fatal("keys changed across reopen")
	}
	if !strings.HasPrefix(vk, "ringfence.ledger/") {
		t.Fatalf("verifier key %q", vk)
	}
}

func testExport(t *testing.T, l *Log, id string, rows int) (trace.ExportRecord, []trace.Print) {
	t.Helper()
	fp, _ := trace.NewFingerprinter(l.FingerprintKey())
	prints := make([]trace.Print, rows)
	for i := range prints {
		prints[i] = fp.Record(fmt.Sprintf("+86139%08d", i), "", "")
	}
	rec := trace.ExportRecord{Disclosure: trace.Disclosure{Org: "bank", Recipient: "r-" + id, ExportID: id},
		Time: t0, Rows: rows, Canaries: []trace.Print{prints[3]}}
	return rec, prints
}

func TestExportsAndVerifyPrintLists(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, dir)
	ctx := context.Background()
	rec, prints := testExport(t, l, "x1", 50)
	i, err := l.AppendExport(ctx, rec, prints)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.AppendExport(ctx, rec, prints); ringfence.ErrorCode(err) != ringfence.ECONFLICT {
		t.Fatalf("duplicate export id: %v", err)
	}
	refs, _ := l.Exports()
	if len(refs) != 1 || refs[0].Entry != i || refs[0].Rows != 50 || refs[0].Recipient != "r-x1" {
		t.Fatalf("Exports = %+v", refs)
	}
	b, err := l.Prints("x1", nil)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := trace.DecodePrints(b)
	if err != nil || pl.Len() != 50 || !pl.Contains(prints[7]) {
		t.Fatalf("print list: %v", err)
	}
	l.Checkpoint()
	l.Close()

	l = openTest(t, dir)
	if refs, _ := l.Exports(); len(refs) != 1 {
		t.Fatalf("exports after reopen: %d", len(refs))
	}
	if _, err := l.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	l.Close()
	path := filepath.Join(dir, "prints", "x1.prints")
	b, _ = os.ReadFile(path)
	b[len(b)-1] ^= 1
	os.WriteFile(path, b, 0o600)
	l = openTest(t, dir)
	defer l.Close()
	_, err = l.Verify(ctx)
	if err == nil || !strings.Contains(err.Error(), "export x1") || !strings.Contains(err.Error(), "digest") {
		t.Fatalf("Verify with an altered print list: %v", err)
	}
}

func TestAliasesAndLeaks(t *testing.T) {
	l := openTest(t, t.TempDir())
	defer l.Close()
	ctx := context.Background()
	sub := l.Fingerprint("subscriber", "alice")
	if strings.Contains(sub, "alice") || len(sub) != 64 {
		t.Fatalf("subscriber fingerprint %q", sub)
	}
	bi, err := l.BindAlias(ctx, AliasBinding{Alias: "+8617012345678", Subscriber: sub, Merchant: "4s-dealer"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	ev := LeakEvent{Alias: "+8617012345678", Merchant: "4s-dealer", Binding: bi, Caller: "+8617188880000", CallTime: t0.Add(time.Hour), Duration: 29, Answered: true}
	if _, err := l.RecordLeak(ctx, ev, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wrong := ev
	wrong.Merchant = "bank"
	if _, err := l.RecordLeak(ctx, wrong, t0); ringfence.ErrorCode(err) != ringfence.EINVALID {
		t.Fatalf("leak against the wrong merchant: %v", err)
	}
	al, err := l.Aliases()
	if err != nil || len(al) != 1 || al[0].Entry != bi || al[0].Merchant != "4s-dealer" {
		t.Fatalf("Aliases = %+v, %v", al, err)
	}
	if got := l.EntriesOfType(TypeLeakEvent); len(got) != 1 || got[0] != 1 {
		t.Fatalf("leak entries = %v", got)
	}
}

func TestEntryValidate(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	cases := []struct {
		name string
		e    Entry
		ok   bool
	}{
		{"export", Entry{Type: TypeExport, Time: t0, Export: &Export{Org: "o", Recipient: "r", ExportID: "x1", Rows: 3, Prints: digest}}, true},
		{"export bad id", Entry{Type: TypeExport, Time: t0, Export: &Export{Org: "o", Recipient: "r", ExportID: "../x", Rows: 3, Prints: digest}}, false},
		{"export no prints", Entry{Type: TypeExport, Time: t0, Export: &Export{Org: "o", Recipient: "r", ExportID: "x1", Rows: 3}}, false},
		{"no time", Entry{Type: TypeExport, Export: &Export{Org: "o", Recipient: "r", ExportID: "x1", Rows: 3, Prints: digest}}, false},
		{"two bodies", Entry{Type: TypeAliasBinding, Time: t0, AliasBinding: &AliasBinding{Alias: "+8613800000000", Merchant: "m"}, LeakEvent: &LeakEvent{}}, false},
		{"type mismatch", Entry{Type: TypeLeakEvent, Time: t0, AliasBinding: &AliasBinding{Alias: "+8613800000000", Merchant: "m"}}, false},
		{"binding", Entry{Type: TypeAliasBinding, Time: t0, AliasBinding: &AliasBinding{Alias: "+8613800000000", Merchant: "m"}}, true},
		{"canary binding without export", Entry{Type: TypeAliasBinding, Time: t0, AliasBinding: &AliasBinding{Alias: "+8613800000000", Merchant: "m", Purpose: "canary"}}, false},
		{"leak", Entry{Type: TypeLeakEvent, Time: t0, LeakEvent: &LeakEvent{Alias: "+8613800000000", Merchant: "m", Caller: "+8613900000000", CallTime: t0}}, true},
		{"leak without call time", Entry{Type: TypeLeakEvent, Time: t0, LeakEvent: &LeakEvent{Alias: "+8613800000000", Merchant: "m", Caller: "+8613900000000"}}, false},
		{"attribution", Entry{Type: TypeAttribution, Time: t0, Attribution: &Attribution{Case: "case-1", CaseFile: digest}}, true},
		{"unknown", Entry{Type: "gossip", Time: t0, Attribution: &Attribution{Case: "case-1", CaseFile: digest}}, false},
	}
	for _, tc := range cases {
		err := tc.e.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%s: Validate = %v", tc.name, err)
		}
		if tc.ok {
			b, _ := tc.e.Encode()
			if entryType(b) != tc.e.Type {
				t.Errorf("%s: encoded type prefix %q", tc.name, entryType(b))
			}
			if _, err := DecodeEntry(b); err != nil {
				t.Errorf("%s: round trip: %v", tc.name, err)
			}
		}
	}
}

func FuzzDecodeEntry(f *testing.F) {
	e := binding(1)
	b, _ := e.Encode()
	f.Add(b)
	f.Add([]byte(`{"type":"export","time":"2025-01-01T00:00:00Z","export":{"org":"o","recipient":"r","export_id":"x","rows":1,"canaries":["0000000000000001.0000000000000000.0000000000000000"],"prints":"sha256:00"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEntry(data)
		if err != nil {
			return
		}
		b, err := e.Encode()
		if err != nil {
			t.Fatalf("decoded entry does not encode: %v", err)
		}
		if _, err := DecodeEntry(b); err != nil {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
	})
}

func FuzzParseCheckpoint(f *testing.F) {
	dir := f.TempDir()
	l, err := OpenWith(dir, Options{CheckpointEvery: -1})
	if err != nil {
		f.Fatal(err)
	}
	l.Append(context.Background(), binding(0))
	cp, _ := l.Checkpoint()
	v := l.Verifier()
	l.Close()
	f.Add(cp.Note)
	f.Fuzz(func(t *testing.T, msg []byte) {
		c, err := ParseCheckpoint(msg, v)
		if err != nil {
			return
		}
		if string(c.Note) != string(msg) || c.Origin != v.Name() {
			t.Fatalf("parsed checkpoint %+v", c)
		}
	})
}

func benchAppend(b *testing.B, parallel bool) {
	l, err := OpenWith(b.TempDir(), Options{CheckpointEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	e := binding(1)
	b.ResetTimer()
	if !parallel {
		for range b.N {
			if _, err := l.Append(context.Background(), e); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := l.Append(context.Background(), e); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkAppendSerial is one appender waiting for each fsync; compare
// BenchmarkAppendGroup (64 appenders sharing fsyncs) with it.
func BenchmarkAppendSerial(b *testing.B) { benchAppend(b, false) }

// BenchmarkAppendGroup measures durable appends with group commit.
func BenchmarkAppendGroup(b *testing.B) { benchAppend(b, true) }
