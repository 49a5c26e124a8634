package trace

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// memSource is a Source held in memory.
type memSource struct {
	refs    []ExportRef
	lists   map[string][]byte
	aliases []AliasRef
}

func (m *memSource) Exports() ([]ExportRef, error) { return m.refs, nil }
func (m *memSource) Aliases() ([]AliasRef, error)  { return m.aliases, nil }
func (m *memSource) Prints(id string, buf []byte) ([]byte, error) {
	b, ok := m.lists[id]
	if !ok {
		return nil, fmt.Errorf("no export %s", id)
	}
	return append(buf[:0], b...), nil
}

func (m *memSource) record(res *SaltResult) {
	if m.lists == nil {
		m.lists = map[string][]byte{}
	}
	x := res.Export
	m.refs = append(m.refs, ExportRef{Disclosure: x.Disclosure, Entry: int64(len(m.refs)), Time: x.Time, Rows: x.Rows, Canaries: x.Canaries})
	m.lists[x.ExportID] = EncodePrints(slices.Clone(res.Prints))
}

// broker is the scenario of a data broker's customer list: 20 recipients
// get salted copies of overlapping subsets of the same customers.
type broker struct {
	src      *memSource
	copies   [][]byte // salted output per recipient
	results  []*SaltResult
	universe []customer
}

func newBroker(t testing.TB, recipients, customers int) *broker {
	b := &broker{src: &memSource{}, universe: inventCustomers(10, customers)}
	r := rand.New(rand.NewPCG(11, 12))
	nums := &seqNumbers{}
	for i := range recipients {
		n := customers/8 + r.IntN(customers/4)
		pick := r.Perm(customers)[:n]
		sub := make([]customer, n)
		for j, k := range pick {
			sub[j] = b.universe[k]
		}
		out, res := salt(t, customersCSV(sub), fmt.Sprintf("agent-%02d", i), fmt.Sprintf("x%02d", i), SaltOptions{Numbers: nums})
		b.src.record(res)
		b.copies = append(b.copies, out)
		b.results = append(b.results, res)
	}
	return b
}

// leakOptions say how the leaker reworked its copy.
type leakOptions struct {
	keep        float64 // share of rows kept
	dropCanary  bool    // canary rows removed (as if spotted)
	maskPhones  bool    // phones masked 138****5678
	dropPhones  bool    // phone column dropped, IDs kept
	gbk         bool
	phoneFormat int
}

// rework returns the leaked rows of recipient i: subset, columns reordered
// and renamed, phones reformatted.
func (b *broker) rework(t testing.TB, i int, o leakOptions, seed uint64) []string {
	tb, err := ReadTable(bytes.NewReader(b.copies[i]))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 1))
	canary := map[int]bool{}
	for _, k := range b.results[i].CanaryRows {
		canary[k] = true
	}
	var lines []string
	header := "Mobile,Full Name,Address,ID No,Remark"
	if o.dropPhones {
		header = "Full Name,ID No,Remark"
	}
	lines = append(lines, header)
	for k, row := range tb.Rows {
		if r.Float64() >= o.keep || o.dropCanary && canary[k] {
			continue
		}
		name, phone, id, addr, note := row[0], row[1], row[2], row[3], row[5]
		d := strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' {
				return c
			}
			return -1
		}, phone)
		d = d[len(d)-11:]
		switch {
		case o.maskPhones:
			phone = d[:3] + "****" + d[7:]
		case o.phoneFormat == 1:
			phone = "+86 " + d[:3] + "-" + d[3:7] + "-" + d[7:]
		case o.phoneFormat == 2:
			phone = d[:3] + " " + d[3:7] + " " + d[7:]
		default:
			phone = "86" + d
		}
		if o.dropPhones {
			lines = append(lines, fmt.Sprintf("%s,%s,%s", name, strings.ToLower(id), note))
		} else {
			lines = append(lines, fmt.Sprintf("%s,%s,\"%s\",%s,%s", phone, name, addr, id, note))
		}
	}
	return lines
}

// foundList merges the leaked lines with two other sources and noise.
func (b *broker) foundList(t testing.TB, leaked []string, gbk bool) []byte {
	var out bytes.Buffer
	part := strings.Join(leaked, "\r\n") + "\r\n"
	if gbk {
		enc, err := simplifiedchinese.GBK.NewEncoder().String(part)
		if err != nil {
			t.Fatal(err)
		}
		part = enc
	}
	// Source A: strangers, tab separated, UTF-8 with a BOM.
	out.WriteString("\xEF\xBB\xBF电话\t姓名\t城市\n")
	for _, c := range inventCustomers(99, 1500) {
		fmt.Fprintf(&out, "%s\t%s\t%s\n", c.phone, c.name, c.address[:9])
	}
	out.WriteString(part)
	// Source B: another company's customers, 150 of whom are also ours.
	out.WriteString("客户,联系方式,身份证\n")
	r := rand.New(rand.NewPCG(5, 5))
	for k, c := range inventCustomers(77, 900) {
		if k < 150 {
			c = b.universe[r.IntN(len(b.universe))]
		}
		fmt.Fprintf(&out, "%s,%s,%s\n", c.name, c.phone, c.id)
	}
	// Noise.
	out.WriteString("\n\n#####,,,\n号码,未知\n12345,abc\n,,,,\n合计: 2551 条\n")
	return out.Bytes()
}

func attribute(t testing.TB, src Source, found []byte) *Attribution {
	t.Helper()
	f, err := ReadFound(bytes.NewReader(found), testFP(t))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Attribute(context.Background(), f, src, AttributeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestBrokerAttribution(t *testing.T) {
	b := newBroker(t, 20, 4000)
	const leaker = 7
	cases := []struct {
		name       string
		opt        leakOptions
		canaries   bool    // canary hits expected
		minScore   float64 // log10 likelihood ratio of the leaker at least
		nextBelow  float64 // the runner-up scores below this
		leakerOnly bool
	}{
		{"subset reformatted GBK merged", leakOptions{keep: 0.6, gbk: true, phoneFormat: 1}, true, 50, 2, false},
		{"canaries removed", leakOptions{keep: 0.6, dropCanary: true, gbk: true, phoneFormat: 2}, false, 50, 2, false},
		{"small subset", leakOptions{keep: 0.1, dropCanary: true}, false, 10, 2, false},
		{"phones masked, names kept", leakOptions{keep: 0.6, dropCanary: true, maskPhones: true, gbk: true}, false, 20, 2, false},
		{"phones dropped, IDs kept", leakOptions{keep: 0.5, dropCanary: true, dropPhones: true}, false, 20, 2, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			leaked := b.rework(t, leaker, tc.opt, 3)
			a := attribute(t, b.src, b.foundList(t, leaked, tc.opt.gbk))
			if len(a.Candidates) == 0 {
				t.Fatal("no candidates")
			}
			top := a.Candidates[0]
			if top.Recipient != "agent-07" {
				for _, c := range a.Candidates[:min(5, len(a.Candidates))] {
					t.Logf("%s score %.1f matched %d/%d weak %d canaries %d cond %d/%d", c.Recipient, c.Score, c.Matched, c.Rows, c.Weak, c.CanaryHits, c.CondMatched, c.CondRows)
				}
				t.Fatalf("top candidate %s, want agent-07", top.Recipient)
			}
			if (top.CanaryHits > 0) != tc.canaries {
				t.Errorf("canary hits %d", top.CanaryHits)
			}
			if top.Score < tc.minScore {
				t.Errorf("leaker score %.1f < %.1f", top.Score, tc.minScore)
			}
			if len(a.Candidates) > 1 && a.Candidates[1].Score >= tc.nextBelow {
				c := a.Candidates[1]
				t.Errorf("runner-up %s scores %.1f (matched %d/%d, given the leaker %d/%d)", c.Recipient, c.Score, c.Matched, c.Rows, c.CondMatched, c.CondRows)
			}
			if len(top.Evidence) < 2 || top.Detail == nil || len(top.Detail.Matched)+len(top.Detail.Weak) == 0 {
				t.Errorf("evidence %q detail %v", top.Evidence, top.Detail != nil)
			}
			if top.Detail != nil && len(top.Detail.Matched) != top.Matched {
				t.Errorf("detail lists %d matched prints for %d matches", len(top.Detail.Matched), top.Matched)
			}
		})
	}
}

func TestTwoLeakersBothRanked(t *testing.T) {
	b := newBroker(t, 20, 4000)
	leaked := b.rework(t, 3, leakOptions{keep: 0.7, dropCanary: true}, 1)
	other := b.rework(t, 15, leakOptions{keep: 0.5, dropCanary: true, phoneFormat: 2}, 2)
	a := attribute(t, b.src, b.foundList(t, append(leaked, other[1:]...), false))
	if len(a.Candidates) < 3 {
		t.Fatalf("%d candidates", len(a.Candidates))
	}
	got := []string{a.Candidates[0].Recipient, a.Candidates[1].Recipient}
	slices.Sort(got)
	if got[0] != "agent-03" || got[1] != "agent-15" {
		t.Fatalf("top two %v, want agent-03 and agent-15", got)
	}
	if a.Candidates[1].Score < 10 || a.Candidates[2].Score >= 2 {
		t.Fatalf("second leaker %.1f, third %.1f", a.Candidates[1].Score, a.Candidates[2].Score)
	}
}

func TestAliasHitIsDecisive(t *testing.T) {
	src := &memSource{aliases: []AliasRef{
		{Alias: "+8616580000001", Merchant: "4s-dealer", Entry: 4},
		{Alias: "+8616580000002", Merchant: "bank", Entry: 5},
	}}
	found := "name,phone\n张伟,165 8000 0001\n李娜,13812345678\n"
	a := attribute(t, src, []byte(found))
	if len(a.Candidates) != 1 || a.Candidates[0].Kind != "alias" || a.Candidates[0].Recipient != "4s-dealer" || a.Candidates[0].Score < 5 {
		t.Fatalf("candidates %+v", a.Candidates)
	}
}

func TestAttributeNothingMatches(t *testing.T) {
	b := newBroker(t, 3, 300)
	a := attribute(t, b.src, []byte("phone\n13000000000\n"))
	if len(a.Candidates) != 0 {
		t.Fatalf("candidates for an unrelated list: %+v", a.Candidates)
	}
}

func TestOverlapLog10(t *testing.T) {
	cases := []struct {
		k, n int
		b    float64
		want float64
	}{
		{0, 100, 0.1, 0},
		{10, 100, 0.1, 0},       // at the baseline
		{5, 100, 0.1, 0},        // below it
		{100, 100, 0.5, 30.103}, // 100·log10(2)
		{50, 100, 0.25, 6.247},  // 50·log10(2) + 50·log10(2/3)
		{1, 1, 1e-9, 9},         // one decisive match
		{200, 100, 0.5, 30.103}, // k is capped at n
	}
	for _, tc := range cases {
		got := OverlapLog10(tc.k, tc.n, tc.b)
		if got < tc.want-0.001 || got > tc.want+0.001 {
			t.Errorf("OverlapLog10(%d, %d, %g) = %.4f, want %.3f", tc.k, tc.n, tc.b, got, tc.want)
		}
	}
	for _, tc := range []struct {
		p       float64
		n       int
		lr, sum float64
		want    float64
	}{
		{0.5, 1, 0, 0, 0.5},                         // one candidate, no evidence: the prior
		{0.01, 2, 0, math.Log10(2), 0.495},          // two tied at likelihood ratio 1
		{0.01, 2, 3, math.Log10(1001), 0.998981},    // canaries beside…
		{0.01, 2, 0, math.Log10(1001), 0.000998981}, // …a recipient they do not implicate
		{0.01, 3, 600, 600, 1},                      // overwhelming evidence
	} {
		if g := GuiltGiven(tc.p, tc.n, tc.lr, tc.sum); math.Abs(g-tc.want) > 1e-6 {
			t.Errorf("GuiltGiven(%g, %d, %g, %g) = %g, want %g", tc.p, tc.n, tc.lr, tc.sum, g, tc.want)
		}
	}
}

func FuzzReadFound(f *testing.F) {
	f.Add(readFixture(f, "customers.csv"))
	f.Add(readFixture(f, "customers_gbk.csv"))
	f.Add([]byte("138****5678,张伟\n110105********002X\n\"a,\"\"b\",c\n"))
	fp := testFP(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		found, err := ReadFound(bytes.NewReader(in), fp)
		if err != nil {
			return
		}
		if len(found.Records)+found.Duplicates+found.Unusable+found.Headers != found.Rows {
			t.Fatalf("rows %d != records %d + duplicates %d + unusable %d + headers %d",
				found.Rows, len(found.Records), found.Duplicates, found.Unusable, found.Headers)
		}
		for _, k := range found.keys {
			if k.value == 0 || int(k.rec) >= len(found.Records) {
				t.Fatalf("bad key %+v", k)
			}
		}
	})
}

// TestTiedRecipientsUndecided: two recipients got the same customers, and
// the found list holds some of them but no canary: no recipient stands out,
// the attribution says so instead of ranking one first, and the guilt
// probability splits between them instead of giving each 1.
func TestTiedRecipientsUndecided(t *testing.T) {
	b := &broker{src: &memSource{}, universe: inventCustomers(10, 40)}
	nums := &seqNumbers{}
	for i, who := range []string{"保险公司A", "装修公司B"} {
		out, res := salt(t, customersCSV(b.universe), who, fmt.Sprintf("x%02d", i), SaltOptions{Numbers: nums})
		b.src.record(res)
		b.copies = append(b.copies, out)
		b.results = append(b.results, res)
	}
	leaked := b.rework(t, 1, leakOptions{keep: 0.6, dropCanary: true}, 3)
	a := attribute(t, b.src, []byte(strings.Join(leaked, "\n")+"\n"))
	if len(a.Candidates) != 2 {
		t.Fatalf("%d candidates", len(a.Candidates))
	}
	if !a.Undecided || !strings.Contains(a.Verdict, "no recipient stands out: 保险公司A and 装修公司B received the same records; no canary of either is in the list") {
		t.Errorf("undecided %v, verdict %q", a.Undecided, a.Verdict)
	}
	for _, c := range a.Candidates {
		if c.Guilt == nil || *c.Guilt > 0.5 || *c.Guilt < 0.49 {
			t.Fatalf("%s: guilt %v, want it split between the two (about 0.495)", c.Recipient, c.Guilt)
		}
		if !strings.Contains(strings.Join(c.Evidence, "\n"), fmt.Sprintf("guilt probability %.6g", *c.Guilt)) {
			t.Errorf("%s: evidence %q", c.Recipient, c.Evidence)
		}
	}
	// With one of B's canaries in the list, B stands out.
	leaked = b.rework(t, 1, leakOptions{keep: 1}, 3)
	a = attribute(t, b.src, []byte(strings.Join(leaked, "\n")+"\n"))
	if a.Undecided || a.Verdict != "" || a.Candidates[0].Recipient != "装修公司B" || a.Candidates[0].CanaryHits == 0 {
		t.Errorf("with canaries: undecided %v, verdict %q, top %s", a.Undecided, a.Verdict, a.Candidates[0].Recipient)
	}
}

// poolNumbers draws canary numbers from an alias pool, binding each to the
// recipient of the export it is planted in, as the engine does.
type poolNumbers struct {
	seq seqNumbers
	src *memSource
}

func (p *poolNumbers) Canaries(ctx context.Context, n int, d Disclosure) ([]string, error) {
	out, err := p.seq.Canaries(ctx, n, d)
	for _, a := range out {
		p.src.aliases = append(p.src.aliases, AliasRef{Alias: a, Merchant: d.Recipient, ExportID: d.ExportID, Entry: int64(100 + len(p.src.aliases)), Time: tNow})
	}
	return out, err
}

// TestAttributionOneCandidatePerRecipient is the README's scenario: 保险公司A
// and 装修公司B get the same customers, with canaries drawn from the alias
// pool, and B's copy turns up. B's canaries are evidence of B's export only,
// counted once, in one candidate; A, whose records B explains, cannot be
// guilty with certainty beside it; and no candidate is set against itself.
func TestAttributionOneCandidatePerRecipient(t *testing.T) {
	src := &memSource{}
	universe := inventCustomers(10, 40)
	nums := &poolNumbers{src: src}
	var copies [][]byte
	for i, who := range []string{"保险公司A", "装修公司B"} {
		out, res := salt(t, customersCSV(universe), who, fmt.Sprintf("x%02d", i), SaltOptions{Numbers: nums, Canaries: 1 + 2*i})
		src.record(res)
		copies = append(copies, out)
	}
	a := attribute(t, src, copies[1])
	if len(a.Candidates) != 2 || a.Undecided {
		t.Fatalf("undecided %v, candidates %+v", a.Undecided, a.Candidates)
	}
	b, other := a.Candidates[0], a.Candidates[1]
	if b.Kind != "export" || b.Recipient != "装修公司B" || b.ExportID != "x01" || b.CanaryHits != 3 || b.AliasHits != 0 || len(b.Given) != 0 {
		t.Errorf("best %+v, want B's export with its 3 canaries counted once", b)
	}
	if other.Kind != "export" || other.Recipient != "保险公司A" || other.CanaryHits != 0 {
		t.Errorf("second %+v, want A's export", other)
	}
	if b.Guilt == nil || other.Guilt == nil {
		t.Fatalf("guilt %v and %v, want both", b.Guilt, other.Guilt)
	}
	if *b.Guilt < 0.9 || *other.Guilt > 0.1 || *b.Guilt+*other.Guilt > 1 {
		t.Errorf("guilt B %g, A %g: A has no canary in the list and explains nothing B does not", *b.Guilt, *other.Guilt)
	}
	for _, c := range a.Candidates {
		ev := strings.Join(c.Evidence, "\n")
		if strings.Contains(ev, "(s)") || !strings.Contains(ev, fmt.Sprintf("guilt probability %.6g", *c.Guilt)) {
			t.Errorf("%s: evidence %q", c.Recipient, ev)
		}
	}
	if !strings.Contains(strings.Join(b.Evidence, "\n"), "3 canary records planted only in this copy are in the found list") {
		t.Errorf("B's evidence %q", b.Evidence)
	}
}
