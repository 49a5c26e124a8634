package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ringfence/engine"
	"ringfence/ledger"
	"ringfence/trace"
)

// runCmd runs one of the trace commands in-process.
func runCmd(t *testing.T, run func(*cli, []string) int, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	return run(c, args), out.String(), errb.String()
}

var (
	runTrace    = (*cli).runTrace
	runLedger   = (*cli).runLedger
	runEvidence = (*cli).runEvidence
)

type person struct{ name, phone, id, addr, plate string }

var (
	tSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹")
	tGiven    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉")
	tCities   = []string{"北京市朝阳区", "上海市浦东新区", "广东省深圳市南山区", "浙江省杭州市西湖区", "四川省成都市武侯区"}
	tRegions  = []string{"110105", "310115", "440305", "330106", "510107"}
)

func people(seed uint64, n int) []person {
	r := rand.New(rand.NewPCG(seed, 99))
	out := make([]person, n)
	for i := range out {
		k := r.IntN(len(tCities))
		birth := time.Date(1960+r.IntN(40), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		first17 := tRegions[k] + birth.Format("20060102") + fmt.Sprintf("%03d", r.IntN(1000))
		out[i] = person{
			name:  string(tSurnames[r.IntN(len(tSurnames))]) + string(tGiven[r.IntN(len(tGiven))]) + string(tGiven[r.IntN(len(tGiven))]),
			phone: fmt.Sprintf("1%d%d%08d", []int{3, 5, 8}[r.IntN(3)], r.IntN(10), r.IntN(1e8)),
			id:    first17 + string(trace.IDCheckDigit(first17)),
			addr:  fmt.Sprintf("%s人民路%d号%d室", tCities[k], 1+r.IntN(500), 101+r.IntN(2000)),
			plate: fmt.Sprintf("京A%05d", r.IntN(1e5)),
		}
	}
	return out
}

func gbk(t *testing.T, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBrokerScenario plays a data broker: 20 recipients get salted
// exports of overlapping customer subsets; one recipient's copy is cut,
// reformatted, GBK-encoded and merged with two other sources and noise.
// Attribution names that recipient, with and without the canaries, and
// its evidence bundle verifies until one byte changes.
func TestBrokerScenario(t *testing.T) {
	dir := t.TempDir()
	data := makeData(t, filepath.Join(dir, "data"))
	universe := people(1, 3000)
	known := map[string]bool{}
	for _, p := range universe {
		known[p.phone] = true
	}
	r := rand.New(rand.NewPCG(2, 3))
	for k := range 20 {
		var b strings.Builder
		english := k%3 == 1
		if english {
			b.WriteString("Name,Mobile,ID Number,Address,Plate\r\n")
		} else {
			b.WriteString("姓名,手机号码,身份证号,联系地址,车牌号码\r\n")
		}
		for _, i := range r.Perm(len(universe))[:400+r.IntN(500)] {
			p := universe[i]
			fmt.Fprintf(&b, "%s,%s,%s,%s,%s\r\n", p.name, p.phone, p.id, p.addr, p.plate)
		}
		in := []byte(b.String())
		if k%2 == 0 {
			in = gbk(t, b.String()) // saved by Excel in a Chinese locale
		}
		inPath := filepath.Join(dir, fmt.Sprintf("customers-%02d.csv", k))
		os.WriteFile(inPath, in, 0o600)
		code, out, errs := runCmd(t, runTrace, "export", "--org", "bank", "--recipient", fmt.Sprintf("agent-%02d", k),
			"--in", inPath, "--out", filepath.Join(dir, fmt.Sprintf("for-%02d.csv", k)), "--data", data)
		if code != 0 || !strings.Contains(out, "canaries") {
			t.Fatalf("export %d: exit %d\n%s%s", k, code, out, errs)
		}
		written, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("for-%02d.csv", k)))
		if k%2 == 0 && (bytes.Equal(written, in) || utf8.Valid(written) || !bytes.HasPrefix(written, in[:bytes.IndexByte(in, '\n')+1])) {
			t.Fatalf("export %d: not a GBK copy of the input", k)
		}
	}

	// The leaker reworks its copy.
	copyBytes, _ := os.ReadFile(filepath.Join(dir, "for-07.csv"))
	tb, err := trace.ReadTable(bytes.NewReader(copyBytes))
	if err != nil {
		t.Fatal(err)
	}
	leak := func(keepCanaries bool) []byte {
		var part strings.Builder
		part.WriteString("电话,客户,证件,住址\r\n")
		canaries := 0
		for _, row := range tb.Rows {
			// The leaker keeps about half the customers; the first run
			// keeps every canary (there may be only a few), the second none.
			if !known[row[1]] {
				if !keepCanaries {
					continue
				}
				canaries++
			} else if r.Float64() > 0.55 {
				continue
			}
			d := row[1]
			phone := []string{"+86 " + d[:3] + "-" + d[3:7] + "-" + d[7:], "86" + d, d[:3] + " " + d[3:7] + " " + d[7:]}[r.IntN(3)]
			fmt.Fprintf(&part, "%s,%s,%s,\"%s\"\r\n", phone, row[0], strings.ToLower(row[2]), row[3])
		}
		if keepCanaries && canaries == 0 {
			t.Fatal("the subset kept no canary; pick another seed")
		}
		var found bytes.Buffer
		found.WriteString("\xEF\xBB\xBFmobile\tname\n")
		for _, p := range people(50, 1200) {
			fmt.Fprintf(&found, "%s\t%s\n", p.phone, p.name)
		}
		found.Write(gbk(t, part.String()))
		found.WriteString("name,phone,id\n")
		for i, p := range people(60, 800) {
			if i < 100 {
				p = universe[r.IntN(len(universe))]
			}
			fmt.Fprintf(&found, "%s,%s,%s\n", p.name, p.phone, p.id)
		}
		found.WriteString("\n,,,\n共计 2000 条，售价 800 元\nxxxxxxxx\n")
		return found.Bytes()
	}

	type output struct {
		Case       string
		Candidates []struct {
			Org, Recipient string
			ExportID       string `json:"export_id"`
			Score          float64
			CanaryHits     int `json:"canary_hits"`
			Evidence       []string
		}
	}
	attribute := func(found []byte, extra ...string) output {
		path := filepath.Join(dir, "found.csv")
		os.WriteFile(path, found, 0o600)
		code, out, errs := runCmd(t, runTrace, append([]string{"attribute", path, "--json", "--data", data}, extra...)...)
		if code != 0 {
			t.Fatalf("attribute: exit %d\n%s%s", code, out, errs)
		}
		var o output
		if err := json.Unmarshal([]byte(out), &o); err != nil {
			t.Fatalf("attribute JSON: %v\n%s", err, out)
		}
		if len(o.Candidates) == 0 {
			t.Fatal("no candidates")
		}
		return o
	}

	bundle := filepath.Join(dir, "evidence.zip")
	o := attribute(leak(true), "--evidence", bundle)
	if top := o.Candidates[0]; top.Recipient != "agent-07" || top.CanaryHits == 0 || top.Org != "bank" {
		t.Fatalf("with canaries: top candidate %+v", top)
	}
	if len(o.Candidates) > 1 && o.Candidates[1].Score >= 2 {
		t.Fatalf("runner-up %+v scores as a source", o.Candidates[1])
	}

	_, pub, _ := runCmd(t, runLedger, "pubkey", "--data", data)
	keyFile := filepath.Join(dir, "ledger.pub")
	os.WriteFile(keyFile, []byte(pub), 0o644)
	if code, out, errs := runCmd(t, runEvidence, "verify", bundle, "--key", "@"+keyFile); code != 0 || !strings.Contains(out, "verifies") {
		t.Fatalf("evidence verify: exit %d\n%s%s", code, out, errs)
	}
	b, _ := os.ReadFile(bundle)
	b[len(b)/2] ^= 0x04
	bad := filepath.Join(dir, "bad.zip")
	os.WriteFile(bad, b, 0o644)
	if code, _, errs := runCmd(t, runEvidence, "verify", bad, "--key", strings.TrimSpace(pub)); code != exitFail || !strings.Contains(errs, "does not verify") {
		t.Fatalf("flipped byte: exit %d, %s", code, errs)
	}

	o = attribute(leak(false))
	if top := o.Candidates[0]; top.Recipient != "agent-07" || top.CanaryHits != 0 || top.Score < 10 {
		t.Fatalf("without canaries: top candidate %+v", top)
	}
	if len(o.Candidates) > 1 && o.Candidates[1].Score >= 2 {
		t.Fatalf("without canaries: runner-up %+v scores as a source", o.Candidates[1])
	}
	if code, out, errs := runCmd(t, runEvidence, "export", "--case", o.Case, "--out", filepath.Join(dir, "again.zip"), "--data", data); code != 0 {
		t.Fatalf("evidence export of case %s: exit %d\n%s%s", o.Case, code, out, errs)
	}

	if code, out, errs := runCmd(t, runLedger, "verify", "--data", data); code != 0 || !strings.Contains(out, "20 export") || !strings.Contains(out, "2 attribution") {
		t.Fatalf("ledger verify: exit %d\n%s%s", code, out, errs)
	}
}

// TestAliasLeakEvidence: a stranger's call on an alias is a leak event in
// the ledger, and its evidence bundle verifies until one byte changes.
func TestAliasLeakEvidence(t *testing.T) {
	dir := t.TempDir()
	data, li := recordLeak(t, dir)

	bundle := filepath.Join(dir, "leak.zip")
	if code, out, errs := runCmd(t, runEvidence, "export", "--case", fmt.Sprintf("leak-%d", li), "--out", bundle, "--data", data); code != 0 {
		t.Fatalf("evidence export: exit %d\n%s%s", code, out, errs)
	}
	_, pub, _ := runCmd(t, runLedger, "pubkey", "--data", data)
	code, out, errs := runCmd(t, runEvidence, "verify", bundle, "--key", strings.TrimSpace(pub))
	if code != 0 || !strings.Contains(out, "alias_leak") {
		t.Fatalf("evidence verify: exit %d\n%s%s", code, out, errs)
	}
	b, _ := os.ReadFile(bundle)
	for _, i := range []int{10, len(b) / 3, len(b) - 30} {
		bad := bytes.Clone(b)
		bad[i] ^= 0x10
		os.WriteFile(bundle, bad, 0o644)
		if code, _, errs := runCmd(t, runEvidence, "verify", bundle, "--key", strings.TrimSpace(pub)); code != exitFail || !strings.Contains(errs, "does not verify") {
			t.Fatalf("byte %d flipped: exit %d %s", i, code, errs)
		}
	}
	if code, _, errs := runCmd(t, runEvidence, "export", "--case", "leak-0", "--out", bundle, "--data", data); code != exitFail || !strings.Contains(errs, "not a leak event") {
		t.Fatalf("bundle of a binding: exit %d %s", code, errs)
	}
}

// TestStrangerOnAliasEndToEnd: the engine routes a stranger's call on an
// alias; the ledger records the binding and the leak event; the evidence
// bundle of the leak verifies until one byte changes.
func TestStrangerOnAliasEndToEnd(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	e, closeDB, err := (&cli{}).createEngine(data)
	if err != nil {
		t.Fatal(err)
	}
	l, err := openLedger(data)
	if err != nil {
		t.Fatal(err)
	}
	e.SetDisclosures(ledger.NewDisclosures(l))
	ctx := context.Background()
	if _, _, err := e.AddAliasPool(ctx, "test", []string{"+8617100009999", "+8617100009998"}, 0, 0); err != nil {
		t.Fatal(err)
	}
	b, err := e.NewAlias(ctx, "test", "+8613800138000", "某4S店", []string{"+862088888888"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if b.LedgerIndex < 0 {
		t.Fatal("binding not recorded in the ledger")
	}
	_, ev, handled, err := e.RouteAlias(ctx, engine.AliasCall{Callee: b.Alias, Caller: "+8617012345678", Duration: 29, Answered: true})
	if err != nil || !handled || ev.LedgerIndex < 0 {
		t.Fatalf("stranger's call: handled %v, ledger entry %d, %v", handled, ev.LedgerIndex, err)
	}
	_, mev, _, err := e.RouteAlias(ctx, engine.AliasCall{Callee: b.Alias, Caller: "+862088888888", Duration: 60, Answered: true})
	if err != nil || mev.LedgerIndex >= 0 {
		t.Fatalf("the merchant's own call recorded as a leak: %+v %v", mev, err)
	}
	entry, err := l.Entry(ev.LedgerIndex)
	if err != nil || entry.LeakEvent == nil || entry.LeakEvent.Caller != "" || entry.LeakEvent.CallerPrint == "" || entry.LeakEvent.Merchant != "某4S店" {
		t.Fatalf("leak entry %+v, %v", entry, err)
	}
	bound, _ := l.Entry(b.LedgerIndex)
	if strings.Contains(bound.AliasBinding.Subscriber, "13800138000") {
		t.Fatal("the subscriber's number is in the ledger in clear")
	}
	// Entries and checkpoints after the leak, then a reopened ledger: the
	// bundle must still be built from the right checkpoints.
	if _, err := l.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.NewAlias(ctx, "test", "+8613900139000", "另一家", nil, false); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	l.Close()
	closeDB()

	bundle := filepath.Join(t.TempDir(), "leak.zip")
	if code, out, errs := runCmd(t, runEvidence, "export", "--case", fmt.Sprintf("leak-%d", ev.LedgerIndex), "--out", bundle, "--data", data); code != 0 {
		t.Fatalf("evidence export: %d %s%s", code, out, errs)
	}
	_, pub, _ := runCmd(t, runLedger, "pubkey", "--data", data)
	if code, out, errs := runCmd(t, runEvidence, "verify", bundle, "--key", strings.TrimSpace(pub)); code != 0 {
		t.Fatalf("evidence verify: %d %s%s", code, out, errs)
	}
	// The bundle, given to the victim or a regulator, names the caller the
	// ledger holds only as a fingerprint.
	raw, _ := os.ReadFile(bundle)
	if !bytes.Contains(raw, []byte("the number +8617012345678, which is not the merchant")) || !bytes.Contains(raw, []byte("caller.json")) {
		t.Fatal("the statement does not name the caller")
	}
	raw[len(raw)/2] ^= 1
	os.WriteFile(bundle, raw, 0o644)
	if code, _, errs := runCmd(t, runEvidence, "verify", bundle, "--key", strings.TrimSpace(pub)); code != exitFail || !strings.Contains(errs, "does not verify") {
		t.Fatalf("flipped byte: %d %s", code, errs)
	}
}

func TestLedgerVerifyFindsTampering(t *testing.T) {
	dir := t.TempDir()
	data := makeData(t, filepath.Join(dir, "data"))
	in := filepath.Join(dir, "in.csv")
	os.WriteFile(in, []byte("姓名,手机\n张伟,13812345678\n李娜,13912345678\n"), 0o600)
	if code, out, errs := runCmd(t, runTrace, "export", "--org", "o", "--recipient", "r", "--in", in, "--out", filepath.Join(dir, "out.csv"), "--data", data); code != 0 {
		t.Fatalf("export: %d %s%s", code, out, errs)
	}
	if code, _, _ := runCmd(t, runLedger, "verify", "--data", data); code != 0 {
		t.Fatal("a fresh ledger does not verify")
	}
	lists, _ := filepath.Glob(filepath.Join(data, "ledger", "prints", "*.prints"))
	if len(lists) != 1 {
		t.Fatalf("print lists %v", lists)
	}
	b, _ := os.ReadFile(lists[0])
	b[20] ^= 1
	os.WriteFile(lists[0], b, 0o600)
	code, _, errs := runCmd(t, runLedger, "verify", "--data", data)
	if code != exitFail || !strings.Contains(errs, "print list digest") {
		t.Fatalf("tampered print list: exit %d %s", code, errs)
	}
}

func TestTraceUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"frob"}, {"export"}, {"attribute"}, {"export", "--org", "o"}} {
		if code, _, _ := runCmd(t, runTrace, args...); code != exitUsage {
			t.Errorf("trace %q: exit %d", args, code)
		}
	}
	if code, _, _ := runCmd(t, runEvidence, "verify"); code != exitUsage {
		t.Error("evidence verify without a bundle")
	}
	if code, _, _ := runCmd(t, runLedger, "frob"); code != exitUsage {
		t.Error("ledger frob")
	}
}
