package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ringfence/evidence/evidencetest"
	"ringfence/ledger"
)

// TestEvidenceVerifyRejectsExtraSignature: a bundle whose manifest carries a
// second signature line, or a signature in non-canonical base64, does not
// verify, and the failure names the line.
func TestEvidenceVerifyRejectsExtraSignature(t *testing.T) {
	dir := t.TempDir()
	data, bundle := leakBundle(t, dir)
	_, pub, _ := runCmd(t, runLedger, "pubkey", "--data", data)
	b, _ := os.ReadFile(bundle)
	fake := "— someone/approved " + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 68)) + "\n"
	cases := []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		{"second signature line", func(d []byte) []byte { return append(bytes.Clone(d), fake...) }, `an extra signature line "— someone/approved`},
		{"padding bits flipped", evidencetest.FlipPadding, "not in canonical base64"},
	}
	for _, tc := range cases {
		bad := filepath.Join(dir, "bad.zip")
		os.WriteFile(bad, rezip(t, b, tc.edit), 0o644)
		for _, key := range []string{strings.TrimSpace(pub), ""} {
			code, out, errs := runCmd(t, runEvidence, "verify", bad, "--key", key, "--data", data)
			if code != exitFail || !strings.Contains(errs, "does not verify: manifest.txt: line ") || !strings.Contains(errs, tc.want) || strings.Contains(out, "verifies") {
				t.Errorf("%s (key %q): exit %d\n%s%s", tc.name, key, code, out, errs)
			}
		}
	}
	// Rewriting without an edit keeps a bundle that verifies: the test
	// changes nothing but the manifest.
	os.WriteFile(bundle, rezip(t, b, bytes.Clone), 0o644)
	if code, out, errs := runCmd(t, runEvidence, "verify", bundle, "--key", strings.TrimSpace(pub)); code != 0 {
		t.Fatalf("rewritten bundle: exit %d\n%s%s", code, out, errs)
	}
}

// recordLeak makes a data directory under dir whose ledger holds one alias
// leak, and returns it with the leak's ledger index.
func recordLeak(t *testing.T, dir string) (data string, index int64) {
	t.Helper()
	data = makeData(t, filepath.Join(dir, "data"))
	l, err := openLedger(data)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	at := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
	bi, err := l.BindAlias(ctx, ledger.AliasBinding{Alias: "+8617100009999", Subscriber: l.Fingerprint("subscriber", "+8613800138000"), Merchant: "某4S店", Purpose: "alias"}, at)
	if err != nil {
		t.Fatal(err)
	}
	index, err = l.RecordLeak(ctx, ledger.LeakEvent{Alias: "+8617100009999", Merchant: "某4S店", Binding: bi, Caller: "+8617012345678",
		CallTime: at.Add(72 * time.Hour), Duration: 23, Answered: true, NullCalls: 2, NullNumberDays: 9000}, at.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return data, index
}

// leakBundle makes a data directory under dir with a ledger holding one
// alias leak, and exports that leak's evidence bundle from it.
func leakBundle(t *testing.T, dir string) (data, bundle string) {
	t.Helper()
	data, li := recordLeak(t, dir)
	bundle = filepath.Join(dir, "leak.zip")
	if code, out, errs := runCmd(t, runEvidence, "export", "--case", fmt.Sprintf("leak-%d", li), "--out", bundle, "--data", data); code != 0 {
		t.Fatalf("evidence export: exit %d\n%s%s", code, out, errs)
	}
	return data, bundle
}

// TestEvidenceVerifyNeedsLedgerKey: a bundle signed by another ledger does
// not verify without --key: the key comes from the data directory's ledger
// (which is not the signer) or, with no ledger there, is missing; checked
// against its own embedded key a bundle proves nothing about its origin.
func TestEvidenceVerifyNeedsLedgerKey(t *testing.T) {
	dir := t.TempDir()
	theirs, bundle := leakBundle(t, filepath.Join(dir, "theirs"))
	_, pub, _ := runCmd(t, runLedger, "pubkey", "--data", theirs)
	// Our data directory, with a ledger of its own.
	ours := makeData(t, filepath.Join(dir, "ours"))
	l, err := openLedger(ours)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	code, out, errs := runCmd(t, runEvidence, "verify", bundle, "--data", ours)
	if code != exitFail || strings.Contains(out, "verifies") || !strings.Contains(errs, "not the key given") {
		t.Errorf("another ledger's bundle, checked against ours: exit %d\n%s%s", code, out, errs)
	}
	for _, data := range []string{makeData(t, filepath.Join(dir, "noledger")), filepath.Join(dir, "missing")} {
		code, out, errs = runCmd(t, runEvidence, "verify", bundle, "--data", data)
		if code != exitFail || strings.Contains(out, "verifies") ||
			!strings.Contains(errs, "no ledger key to check the signature against: pass --key (the ledger's public key, `ringfence ledger pubkey`)") {
			t.Errorf("no ledger in %s: exit %d\n%s%s", data, code, out, errs)
		}
	}
	code, out, errs = runCmd(t, runEvidence, "verify", bundle, "--key", strings.TrimSpace(pub), "--data", ours)
	if code != 0 || !strings.Contains(out, "verifies") {
		t.Errorf("with the signer's key: exit %d\n%s%s", code, out, errs)
	}
	// Without --key, in the signer's own data directory.
	if code, out, errs := runCmd(t, runEvidence, "verify", bundle, "--data", theirs); code != 0 || !strings.Contains(out, "verifies") || errs != "" {
		t.Errorf("in the signer's data directory: exit %d\n%s%s", code, out, errs)
	}
}

// rezip rewrites a bundle with its manifest edited, stored and dated exactly
// as ringfence writes bundles, so that only the edit differs.
func rezip(t *testing.T, b []byte, edit func([]byte) []byte) []byte {
	t.Helper()
	out, err := evidencetest.Rezip(b, "manifest.txt", edit)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
