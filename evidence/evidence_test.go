package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"ringfence/ledger"
	"ringfence/trace"
)

var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func openLedger(t testing.TB) *ledger.Log {
	t.Helper()
	l, err := ledger.OpenWith(t.TempDir(), ledger.Options{CheckpointEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// aliasLeak records a binding, some unrelated entries, a checkpoint, a
// stranger's call and more entries, and returns the leak's entry.
func aliasLeak(t testing.TB, l *ledger.Log) int64 {
	t.Helper()
	ctx := context.Background()
	for i := range 5 {
		l.BindAlias(ctx, ledger.AliasBinding{Alias: fmt.Sprintf("+861700000%04d", i), Subscriber: l.Fingerprint("subscriber", fmt.Sprint(i)), Merchant: "shop"}, t0)
	}
	b, err := l.BindAlias(ctx, ledger.AliasBinding{Alias: "+8617012345678", Subscriber: l.Fingerprint("subscriber", "alice"), Merchant: "4s-dealer", Purpose: "alias"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	leak, err := l.RecordLeak(ctx, ledger.LeakEvent{Alias: "+8617012345678", Merchant: "4s-dealer", Binding: b, Caller: "+8617188880000",
		CallTime: t0.Add(26 * time.Hour), Duration: 29, Answered: true}, t0.Add(26*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	for i := range 9 {
		l.BindAlias(ctx, ledger.AliasBinding{Alias: fmt.Sprintf("+861710000%04d", i), Subscriber: "s", Merchant: "bank"}, t0)
	}
	return leak
}

func TestAliasLeakBundle(t *testing.T) {
	l := openLedger(t)
	leak := aliasLeak(t, l)
	b, err := Export(l, LeakCaseID(leak))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(b, l.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	if res.Case != "leak-6" || res.Kind != KindAliasLeak || res.KeyFromBundle || len(res.Entries) != 2 || res.TreeSize != 16 {
		t.Fatalf("result %+v", res)
	}
	// No null aliases observed: the conservative prior, one stranger's
	// call in 30 days, not 1 in 10^10.
	for _, want := range []string{"+8617188880000", "4s-dealer", "conservative prior", "likelihood ratio 28.2", "checkpoint.old.txt"} {
		if !strings.Contains(res.Statement+string(fileOf(t, b, "manifest.txt")), want) {
			t.Errorf("statement or manifest lacks %q", want)
		}
	}
	zh := string(fileOf(t, b, "statement.zh.txt"))
	if !strings.Contains(zh, "保守的先验") || !strings.Contains(zh, "隐私号") || strings.Contains(zh, "百亿") {
		t.Errorf("Chinese statement:\n%s", zh)
	}
	if res, err := Verify(b, ""); err != nil || !res.KeyFromBundle {
		t.Fatalf("verify with the bundle's own key: %v", err)
	}
	// A key of another ledger rejects the bundle.
	other := openLedger(t)
	if _, err := Verify(b, other.VerifierKey()); err == nil || !strings.Contains(err.Error(), "key.txt") {
		t.Fatalf("verify with another ledger's key: %v", err)
	}
	// Building twice gives the same entries and proofs.
	if _, err := Export(l, "leak-3"); err == nil {
		t.Fatal("a bundle for an entry that is no leak event")
	}
}

func fileOf(t testing.TB, bundle []byte, name string) []byte {
	files, err := decodeZip(bundle)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.name == name {
			return f.data
		}
	}
	t.Fatalf("bundle lacks %s", name)
	return nil
}

// TestEveryFlippedByteFails alters each byte of a bundle in turn.
func TestEveryFlippedByteFails(t *testing.T) {
	l := openLedger(t)
	b, err := Export(l, LeakCaseID(aliasLeak(t, l)))
	if err != nil {
		t.Fatal(err)
	}
	key := l.VerifierKey()
	messages := map[string]int{}
	for i := range b {
		bad := bytes.Clone(b)
		bad[i] ^= 0x01
		_, err := Verify(bad, key)
		if err == nil {
			t.Fatalf("flipping byte %d (%q) still verifies", i, b[max(0, i-10):min(len(b), i+10)])
		}
		if err.Error() == "" {
			t.Fatalf("byte %d: empty message", i)
		}
		messages[strings.SplitN(err.Error(), ":", 2)[0]]++
		if testing.Verbose() && i%400 == 0 {
			t.Logf("byte %d: %v", i, err)
		}
	}
	// The failures name the part that no longer verifies.
	for _, want := range []string{"statement.en.txt", "entries/6.json", "checkpoint.txt", "manifest.txt", "bundle"} {
		if messages[want] == 0 {
			t.Errorf("no failure names %s (failures: %v)", want, messages)
		}
	}
}

// rezip rewrites a bundle with one file replaced, as a forger would.
func rezip(t *testing.T, b []byte, name string, edit func([]byte) []byte) []byte {
	files, err := decodeZip(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		if files[i].name == name {
			files[i].data = edit(files[i].data)
		}
	}
	out, _, _, err := encodeZip(files)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTamperingIsNamed(t *testing.T) {
	l := openLedger(t)
	b, err := Export(l, LeakCaseID(aliasLeak(t, l)))
	if err != nil {
		t.Fatal(err)
	}
	key := l.VerifierKey()
	cases := []struct {
		name string
		bad  []byte
		want string
	}{
		{"statement edited", rezip(t, b, "statement.en.txt", func(d []byte) []byte { return bytes.Replace(d, []byte("4s-dealer"), []byte("5s-dealer"), 1) }), "statement.en.txt: content altered"},
		{"entry edited", rezip(t, b, "entries/6.json", func(d []byte) []byte {
			return bytes.Replace(d, []byte(`"duration_s":29`), []byte(`"duration_s":59`), 1)
		}), "entries/6.json: content altered"},
		{"manifest re-signed by another ledger", rezip(t, b, "manifest.txt", func(d []byte) []byte {
			other := openLedger(t)
			text := d[:bytes.Index(d, []byte("\n\n"))+1]
			s, _ := other.Sign(string(text))
			return s
		}), "is not the signature of"},
		{"file added", func() []byte {
			files, _ := decodeZip(b)
			files = append(files[:1], append([]file{{"extra.txt", []byte("x")}}, files[1:]...)...)
			out, _, _, _ := encodeZip(files)
			return out
		}(), "extra.txt: not listed"},
		{"file removed", func() []byte {
			files, _ := decodeZip(b)
			var keep []file
			for _, f := range files {
				if f.name != "proofs/5.json" {
					keep = append(keep, f)
				}
			}
			out, _, _, _ := encodeZip(keep)
			return out
		}(), "proofs/5.json: listed in the signed manifest but missing"},
		{"recompressed", func() []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			files, _ := decodeZip(b)
			for _, f := range files {
				w, _ := zw.Create(f.name)
				w.Write(f.data)
			}
			zw.Close()
			return buf.Bytes()
		}(), "canonical encoding"},
		{"not a zip", []byte("PK\x03\x04 nothing"), "not a readable zip"},
	}
	for _, tc := range cases {
		_, err := Verify(tc.bad, key)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// attributionCase salts exports for a few recipients, leaks one copy and
// records the attribution.
func attributionCase(t testing.TB, l *ledger.Log) string {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	var phones []string
	for range 600 {
		phones = append(phones, fmt.Sprintf("139%08d", r.IntN(1e8)))
	}
	var leakedCopy []byte
	canary := map[int]bool{}
	for k := range 6 {
		var in bytes.Buffer
		in.WriteString("姓名,手机\n")
		for _, i := range r.Perm(len(phones))[:200] {
			fmt.Fprintf(&in, "客户%d,%s\n", i, phones[i])
		}
		var out bytes.Buffer
		res, err := trace.Salt(ctx, &in, &out, trace.SaltOptions{
			Disclosure: trace.Disclosure{Org: "bank", Recipient: fmt.Sprintf("agency-%d", k)},
			Key:        l.FingerprintKey(), Now: t0,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.AppendExport(ctx, res.Export, res.Prints); err != nil {
			t.Fatal(err)
		}
		if k == 4 {
			leakedCopy = out.Bytes()
			for _, row := range res.CanaryRows {
				canary[row] = true
			}
		}
	}
	lines := strings.Split(strings.TrimSpace(string(leakedCopy)), "\n")
	found := "phone,name\n"
	// A third of the rows go missing, never the canaries (their positions
	// vary with the random export id).
	for i, line := range lines[1:] {
		if i%3 != 0 || canary[i] {
			f := strings.Split(line, ",")
			found += "+86 " + f[1] + "," + f[0] + "\n"
		}
	}
	fp, _ := trace.NewFingerprinter(l.FingerprintKey())
	f, err := trace.ReadFound(strings.NewReader(found), fp)
	if err != nil {
		t.Fatal(err)
	}
	a, err := trace.Attribute(ctx, f, l, trace.AttributeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Candidates) == 0 || a.Candidates[0].Recipient != "agency-4" {
		t.Fatalf("attribution: %+v", a.Candidates)
	}
	c := &trace.Case{ID: ledger.NewCaseID(t0), Time: t0, Found: f.Summary(), Attribution: a}
	if _, err := l.RecordCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestAttributionBundle(t *testing.T) {
	l := openLedger(t)
	id := attributionCase(t, l)
	b, err := Export(l, id)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(b, l.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != KindAttribution || res.Score < 10 || !strings.Contains(res.Statement, "agency-4") || !strings.Contains(res.Statement, "canary") {
		t.Fatalf("result %+v\n%s", res, res.Statement)
	}
	zh := string(fileOf(t, b, "statement.zh.txt"))
	if !strings.Contains(zh, "似然比") || !strings.Contains(zh, "agency-4") {
		t.Errorf("Chinese statement:\n%s", zh)
	}
	// A case file with an inflated score fails even before its digest
	// check would, and a print list with one print changed fails.
	for _, tc := range []struct{ name, file, from, to, want string }{
		{"score", "case.json", `"score":`, `"score":1`, "case.json"},
		{"print list", "prints/", "", "", "prints/"},
	} {
		files, _ := decodeZip(b)
		for i := range files {
			if strings.HasPrefix(files[i].name, tc.file) {
				if tc.from != "" {
					files[i].data = bytes.Replace(files[i].data, []byte(tc.from), []byte(tc.to), 1)
				} else {
					files[i].data[len(files[i].data)-1] ^= 1
				}
			}
		}
		out, _, _, _ := encodeZip(files)
		if _, err := Verify(out, l.VerifierKey()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s altered: %v", tc.name, err)
		}
	}
	// Spot-check flipped bytes across the whole bundle.
	for i := 0; i < len(b); i += 97 {
		bad := bytes.Clone(b)
		bad[i] ^= 0x80
		if _, err := Verify(bad, l.VerifierKey()); err == nil {
			t.Fatalf("flipping byte %d still verifies", i)
		}
	}
	if _, err := Export(l, "case-none"); err == nil {
		t.Fatal("a bundle for an unknown case")
	}
}

func FuzzVerify(f *testing.F) {
	l, err := ledger.OpenWith(f.TempDir(), ledger.Options{CheckpointEvery: -1})
	if err != nil {
		f.Fatal(err)
	}
	b, err := Export(l, LeakCaseID(aliasLeak(f, l)))
	if err != nil {
		f.Fatal(err)
	}
	key := l.VerifierKey()
	l.Close()
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Fuzz(func(t *testing.T, in []byte) {
		if _, err := Verify(in, key); err == nil && !bytes.Equal(in, b) {
			t.Fatal("a bundle other than the one signed verifies")
		}
	})
}

func TestLeakLog10(t *testing.T) {
	bound := t0
	cases := []struct {
		name       string
		calls      int
		numberDays float64
		after      time.Duration
		lo, hi     float64
	}{
		{"no null aliases: the prior, one call in 30 days", 0, 0, time.Hour, 1.48, 1.49},          // p = 1-e^(-1/30)
		{"too few number-days: the prior", 0, 29, 24 * time.Hour, 1.48, 1.49},                     // 0.5/29 is below 1/30
		{"too few number-days, busy null aliases: their rate", 5, 10, 24 * time.Hour, 0.40, 0.41}, // λ = 0.5: p = 0.393
		{"a moment watched, no call: the prior", 0, 0.001, 24 * time.Hour, 1.48, 1.49},
		{"thirty number-days: observed", 0, 30, 24 * time.Hour, 1.77, 1.79},            // λ = 1/60: p = 0.0165
		{"quiet null aliases", 0, 100000, 24 * time.Hour, 5.29, 5.31},                  // λ = 0.5/1e5, one day
		{"null aliases called now and then", 9, 1000, 30 * 24 * time.Hour, 0.60, 0.61}, // λ = 9.5e-3, 30 days: p = 0.248
		{"null aliases called daily", 1000, 1000, 30 * 24 * time.Hour, 0, 1e-9},
	}
	ev := &ledger.LeakEvent{CallTime: bound.Add(time.Hour), NullCalls: 0, NullNumberDays: 100000, SequentialDialler: true}
	if got := LeakLog10(ev, bound); got != 0 {
		t.Errorf("sequential dialler: LeakLog10 = %g, want 0", got)
	}
	for _, tc := range cases {
		ev := &ledger.LeakEvent{CallTime: bound.Add(tc.after), NullCalls: tc.calls, NullNumberDays: tc.numberDays}
		if got := LeakLog10(ev, bound); got < tc.lo || got > tc.hi {
			t.Errorf("%s: LeakLog10 = %.4f, want [%g, %g]", tc.name, got, tc.lo, tc.hi)
		}
	}
}

// TestLeakStatementSaysWhatIsKnown: the statement says the alias was given
// only to the merchant per the ledger (where else it went is unknowable),
// and the exposure it really had: minutes when the call came minutes after
// binding, with the one-day floor of the estimate said as such.
func TestLeakStatementSaysWhatIsKnown(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		after  time.Duration
		en, zh string
	}{
		{90 * time.Second, "exposed for 1 minute (counted as one day", "1 分钟"},
		{14 * time.Minute, "exposed for 14 minutes (counted as one day", "14 分钟"},
		{5 * time.Hour, "exposed for 5.0 hours (counted as one day", "5.0 小时"},
		{26 * time.Hour, "exposed for 1.1 days is called", "1.1 天"},
	} {
		l := openLedger(t)
		b, err := l.BindAlias(ctx, ledger.AliasBinding{Alias: "+8617012345678", Subscriber: l.Fingerprint("subscriber", "alice"), Merchant: "4s-dealer", Purpose: "alias"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		leak, err := l.RecordLeak(ctx, ledger.LeakEvent{Alias: "+8617012345678", Merchant: "4s-dealer", Binding: b, Caller: "+8617188880000",
			CallTime: t0.Add(tc.after)}, t0.Add(tc.after))
		if err != nil {
			t.Fatal(err)
		}
		bundle, err := Export(l, LeakCaseID(leak))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Verify(bundle, l.VerifierKey())
		if err != nil {
			t.Fatal(err)
		}
		zh := string(fileOf(t, bundle, "statement.zh.txt"))
		if !strings.Contains(res.Statement, `given only to "4s-dealer", per the ledger`) || strings.Contains(res.Statement, "published nowhere else") ||
			!strings.Contains(res.Statement, tc.en) || !strings.Contains(zh, "据账本记录") || strings.Contains(zh, "未在其他任何地方公开") || !strings.Contains(zh, tc.zh) {
			t.Errorf("call %s after binding:\n%s\n%s", tc.after, res.Statement, zh)
		}
	}
}

// An attribution decided by an alias number in the found list: the bundle
// carries the alias binding instead of an export.
func TestAliasAttributionBundle(t *testing.T) {
	l := openLedger(t)
	ctx := context.Background()
	bi, err := l.BindAlias(ctx, ledger.AliasBinding{Alias: "+8617100001234", Subscriber: l.Fingerprint("subscriber", "bob"), Merchant: "装修公司"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	fp, _ := trace.NewFingerprinter(l.FingerprintKey())
	f, err := trace.ReadFound(strings.NewReader("姓名,电话\n李先生,171 0000 1234\n王女士,13812345678\n"), fp)
	if err != nil {
		t.Fatal(err)
	}
	a, err := trace.Attribute(ctx, f, l, trace.AttributeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Candidates) != 1 || a.Candidates[0].Kind != "alias" || a.Candidates[0].Entry != bi {
		t.Fatalf("candidates %+v", a.Candidates)
	}
	b, res := recordAndVerify(t, l, "case-alias-1", f, a)
	if !strings.Contains(res.Statement, "装修公司") || !strings.Contains(res.Statement, "alias number") {
		t.Fatalf("statement:\n%s", res.Statement)
	}
	fileOf(t, b, fmt.Sprintf("entries/%d.json", bi))
}

// signatureTampers are the ways a forger can change a bundle's manifest
// signature block without the ledger's private key. Each leaves a bundle
// that note.Open alone accepts.
func signatureTampers(t *testing.T, manifest []byte) []struct {
	name, want string
	edit       func([]byte) []byte
} {
	t.Helper()
	blank := bytes.LastIndex(manifest, []byte("\n\n"))
	if blank < 0 {
		t.Fatal("manifest has no signature block")
	}
	ownSig := string(manifest[blank+2:])
	line := strings.Count(string(manifest[:blank+2]), "\n") + 1 // the line number of the ledger's signature
	fake := "— someone/approved " + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 68)) + "\n"
	nameEnd := strings.LastIndex(ownSig, " ")
	garbled := ownSig[:nameEnd+1] + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 68)) + "\n"
	return []struct {
		name, want string
		edit       func([]byte) []byte
	}{
		{"a second signer appended", fmt.Sprintf("manifest.txt: line %d: ", line+1), func(d []byte) []byte { return append(bytes.Clone(d), fake...) }},
		{"a second signer first", fmt.Sprintf("manifest.txt: line %d: ", line), func(d []byte) []byte {
			return append(append(bytes.Clone(d[:blank+2]), fake...), ownSig...)
		}},
		{"the ledger's signature twice", fmt.Sprintf("manifest.txt: line %d: ", line+1), func(d []byte) []byte { return append(bytes.Clone(d), ownSig...) }},
		{"a garbled repeat of the ledger's signature", fmt.Sprintf("manifest.txt: line %d: ", line+1), func(d []byte) []byte { return append(bytes.Clone(d), garbled...) }},
		{"padding bits of the signature flipped", fmt.Sprintf("manifest.txt: line %d: ", line), func(d []byte) []byte {
			// 68 signature bytes end in one base64 group of two bytes and
			// one '=': the last character carries two unused bits.
			const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
			out := bytes.Clone(d)
			i := len(out) - 3 // "…X=\n"
			if out[i+1] != '=' {
				t.Fatalf("signature does not end in one padding character: %q", out[len(out)-8:])
			}
			out[i] = alphabet[strings.IndexByte(alphabet, out[i])^1]
			return out
		}},
		{"signature without its final newline", fmt.Sprintf("manifest.txt: line %d: ", line), func(d []byte) []byte { return bytes.Clone(d[:len(d)-1]) }},
		{"no signature line", "manifest.txt: ", func(d []byte) []byte { return bytes.Clone(d[:blank+2]) }},
	}
}

// TestSignatureBlockIsStrict: a bundle carries exactly the ledger's one
// signature on its manifest, in strict base64; any other line fails, and
// the failure names the line.
func TestSignatureBlockIsStrict(t *testing.T) {
	l := openLedger(t)
	b, err := Export(l, LeakCaseID(aliasLeak(t, l)))
	if err != nil {
		t.Fatal(err)
	}
	key := l.VerifierKey()
	for _, tc := range signatureTampers(t, fileOf(t, b, "manifest.txt")) {
		bad := rezip(t, b, "manifest.txt", tc.edit)
		for _, k := range []string{key, ""} {
			_, err := Verify(bad, k)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s (key %q): %v, want an error starting %q", tc.name, k, err, tc.want)
			}
		}
	}
	// The untouched bundle still verifies.
	if _, err := Verify(b, key); err != nil {
		t.Fatal(err)
	}
}

// ledgerPool binds each number it gives out in the ledger, to the export's
// recipient and the export, as the engine does on commit.
type ledgerPool struct {
	l    *ledger.Log
	next int
}

func (p *ledgerPool) take(ctx context.Context, d trace.Disclosure, purpose string) (string, error) {
	a := fmt.Sprintf("+861710009%04d", p.next)
	p.next++
	_, err := p.l.BindAlias(ctx, ledger.AliasBinding{Alias: a, Subscriber: p.l.Fingerprint("subscriber", a), Merchant: d.Recipient, Purpose: purpose, ExportID: d.ExportID}, t0)
	return a, err
}

func (p *ledgerPool) Canaries(ctx context.Context, n int, d trace.Disclosure) ([]string, error) {
	var out []string
	for range n {
		a, err := p.take(ctx, d, "canary")
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (p *ledgerPool) Alias(ctx context.Context, _ string, d trace.Disclosure) (string, error) {
	return p.take(ctx, d, "alias")
}

// An export whose real numbers were replaced by aliases turns up: its
// aliases count in the export's one candidate, and the bundle proves their
// bindings to that export.
func TestAliasedExportBundle(t *testing.T) {
	l := openLedger(t)
	ctx := context.Background()
	pool := &ledgerPool{l: l}
	in := "姓名,手机\n"
	for i := range 30 {
		in += fmt.Sprintf("客户%d,139%08d\n", i, 1000+i*7)
	}
	var copyB []byte
	for _, who := range []string{"保险公司A", "装修公司B"} {
		opt := trace.SaltOptions{Disclosure: trace.Disclosure{Org: "4s", Recipient: who, ExportID: map[string]string{"保险公司A": "xa", "装修公司B": "xb"}[who]}, Key: l.FingerprintKey(), Now: t0, Numbers: pool, Canaries: 1}
		if who == "装修公司B" {
			opt.Aliases = pool
		}
		var out bytes.Buffer
		res, err := trace.Salt(ctx, strings.NewReader(in), &out, opt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.AppendExport(ctx, res.Export, res.Prints); err != nil {
			t.Fatal(err)
		}
		copyB = out.Bytes()
	}
	fp, _ := trace.NewFingerprinter(l.FingerprintKey())
	f, err := trace.ReadFound(bytes.NewReader(copyB), fp)
	if err != nil {
		t.Fatal(err)
	}
	a, err := trace.Attribute(ctx, f, l, trace.AttributeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Candidates) != 1 || a.Candidates[0].Kind != "export" || a.Candidates[0].AliasHits != 30 || a.Candidates[0].CanaryHits != 1 || a.Candidates[0].Matched != 0 {
		t.Fatalf("candidates %+v", a.Candidates)
	}
	_, res := recordAndVerify(t, l, "case-aliased-1", f, a)
	if !strings.Contains(res.Statement, "30 alias numbers issued for that copy only are in the found list") || !strings.Contains(res.Statement, "by this recipient (the only one whose disclosures match it)") {
		t.Fatalf("statement:\n%s", res.Statement)
	}
}

// recordAndVerify records an attribution case in the ledger, exports its
// bundle and verifies it.
func recordAndVerify(t *testing.T, l *ledger.Log, id string, f *trace.Found, a *trace.Attribution) ([]byte, *Result) {
	t.Helper()
	c := &trace.Case{ID: id, Time: t0, Found: f.Summary(), Attribution: a}
	if _, err := l.RecordCase(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	b, err := Export(l, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(b, l.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	return b, res
}
