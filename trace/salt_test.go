package trace

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files")

var tNow = time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)

// seqNumbers hands out canary numbers from a counter.
type seqNumbers struct{ next int }

func (s *seqNumbers) Canaries(_ context.Context, n int, _ Disclosure) ([]string, error) {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("+8617140%06d", s.next)
		s.next++
	}
	return out, nil
}

// mobilePrefixes are common mobile segments for invented customers.
var mobilePrefixes = []string{"138", "139", "137", "136", "150", "151", "152", "158", "159", "182", "186", "188", "189", "133", "153", "177", "180", "181", "191", "199"}

// customer is one invented real customer.
type customer struct {
	name, phone, id, address, gender, note string
}

func inventCustomers(seed uint64, n int) []customer {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]customer, n)
	for i := range out {
		p := newIdentity(r, tNow, false)
		g := "女"
		if p.male {
			g = "男"
		}
		out[i] = customer{
			name:    p.name,
			phone:   mobilePrefixes[r.IntN(len(mobilePrefixes))] + fmt.Sprintf("%08d", r.IntN(100000000)),
			id:      p.id,
			address: p.address,
			gender:  g,
			note:    []string{"A", "B", "R", "意向强", "已加微信"}[r.IntN(5)],
		}
	}
	return out
}

func customersCSV(cs []customer) []byte {
	var b bytes.Buffer
	b.WriteString("姓名,手机号码,身份证号,地址,性别,备注\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s\n", c.name, c.phone, c.id, c.address, c.gender, c.note)
	}
	return b.Bytes()
}

func salt(t testing.TB, in []byte, recipient, id string, opt SaltOptions) ([]byte, *SaltResult) {
	t.Helper()
	opt.Org, opt.Recipient, opt.ExportID = "bank", recipient, id
	if opt.Key == nil {
		opt.Key = testKey
	}
	if opt.Now.IsZero() {
		opt.Now = tNow
	}
	if opt.Numbers == nil {
		opt.Numbers = &seqNumbers{}
	}
	var out bytes.Buffer
	res, err := Salt(context.Background(), bytes.NewReader(in), &out, opt)
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), res
}

func TestSaltGolden(t *testing.T) {
	in := customersCSV(inventCustomers(1, 12))
	out, res := salt(t, in, "agency-7", "x-golden", SaltOptions{})
	if *update {
		os.WriteFile("testdata/salted.golden.csv", out, 0o644)
	}
	want := readFixture(t, "salted.golden.csv")
	if !bytes.Equal(out, want) {
		t.Fatalf("salted output differs from testdata/salted.golden.csv (run with -update after checking):\n%s", out)
	}
	if res.Export.Rows != 12+len(res.CanaryRows) || len(res.Export.Canaries) != len(res.CanaryRows) {
		t.Fatalf("rows %d canaries %d at %v", res.Export.Rows, len(res.Export.Canaries), res.CanaryRows)
	}
}

func TestCanariesLookReal(t *testing.T) {
	in := customersCSV(inventCustomers(2, 400))
	out, res := salt(t, in, "agency-1", "x-look", SaltOptions{})
	tb, err := ReadTable(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CanaryRows) < 3 {
		t.Fatalf("only %d canaries", len(res.CanaryRows))
	}
	for _, i := range res.CanaryRows {
		row := tb.Rows[i]
		if len(row) != 6 {
			t.Fatalf("canary row %d has %d fields", i, len(row))
		}
		name, phone, id, addr, gender := row[0], row[1], row[2], row[3], row[4]
		if !looksLikeName(name) {
			t.Errorf("canary name %q does not look like a name", name)
		}
		if e, err := NormalizePhone(phone); err != nil || !strings.HasPrefix(e, "+8617140") {
			t.Errorf("canary phone %q not from the number source", phone)
		}
		if !ValidID(id) {
			t.Errorf("canary ID %q invalid", id)
		}
		birth, _ := time.Parse("20060102", id[6:14])
		if age := tNow.Sub(birth).Hours() / 24 / 365; age < 19 || age > 71 {
			t.Errorf("canary ID %q: age %.0f", id, age)
		}
		if !slices.ContainsFunc(regions, func(r region) bool { return r.code == id[:6] }) {
			t.Errorf("canary ID %q: unknown region code", id)
		}
		if !looksLikeAddress(addr) {
			t.Errorf("canary address %q", addr)
		}
		male := (id[16]-'0')%2 == 1
		if (gender == "男") != male {
			t.Errorf("canary gender %q disagrees with ID %s", gender, id)
		}
	}
	// The canary prints are the prints of the canary rows and nothing else.
	for _, i := range res.CanaryRows {
		if !slices.Contains(res.Export.Canaries, res.Prints[i]) {
			t.Errorf("row %d print is not recorded as a canary", i)
		}
	}
}

func TestCanaryCountAndPlacesVary(t *testing.T) {
	in := customersCSV(inventCustomers(3, 3000))
	counts := map[int]bool{}
	firsts := map[int]bool{}
	for i := range 8 {
		_, res := salt(t, in, "r", fmt.Sprintf("x-vary-%d", i), SaltOptions{})
		k := len(res.CanaryRows)
		if k < 3+3 || k > 6+9 {
			t.Errorf("export %d: %d canaries in 3000 rows", i, k)
		}
		counts[k] = true
		firsts[res.CanaryRows[0]] = true
	}
	if len(counts) < 2 || len(firsts) < 4 {
		t.Fatalf("canary counts %v and first positions %v do not vary", counts, firsts)
	}
	// Same key and export id: same canary plan.
	_, a := salt(t, in, "r", "x-same", SaltOptions{})
	_, b := salt(t, in, "r", "x-same", SaltOptions{})
	if !slices.Equal(a.CanaryRows, b.CanaryRows) {
		t.Fatal("the canary plan is not derived from the key and export id")
	}
}

func TestSaltKeepsEncoding(t *testing.T) {
	gbk := readFixture(t, "customers_gbk.csv")
	out, res := salt(t, gbk, "r", "x-gbk", SaltOptions{})
	if utf8.Valid(out) {
		t.Fatal("GBK input written as UTF-8")
	}
	if !bytes.HasPrefix(out, gbk[:bytes.IndexByte(gbk, '\n')+1]) {
		t.Fatal("GBK header not reproduced")
	}
	if res.Export.Encoding != GB18030 || !bytes.Contains(out, []byte("\r\n")) {
		t.Fatalf("encoding %s", res.Export.Encoding)
	}
	bom := append([]byte("\xEF\xBB\xBF"), readFixture(t, "customers.csv")...)
	out, _ = salt(t, bom, "r", "x-bom", SaltOptions{})
	if !bytes.HasPrefix(out, []byte("\xEF\xBB\xBF姓名")) {
		t.Fatal("BOM not kept")
	}
}

// mapAliases binds each (number, recipient) to an alias from a counter.
type mapAliases struct {
	m    map[string]string
	next int
}

func (a *mapAliases) Alias(_ context.Context, real string, d Disclosure) (string, error) {
	k := real + "|" + d.Recipient
	if s, ok := a.m[k]; ok {
		return s, nil
	}
	a.next++
	s := fmt.Sprintf("+8616580%06d", a.next)
	a.m[k] = s
	return s, nil
}

func TestSaltWithAliases(t *testing.T) {
	cs := inventCustomers(4, 50)
	in := customersCSV(cs)
	al := &mapAliases{m: map[string]string{}}
	out, res := salt(t, in, "r", "x-alias", SaltOptions{Aliases: al})
	if !res.Export.Aliased {
		t.Fatal("export not marked aliased")
	}
	for _, c := range cs {
		if bytes.Contains(out, []byte(c.phone)) {
			t.Fatalf("real number %s disclosed despite aliases", c.phone)
		}
	}
	if len(al.m) != 50 {
		t.Fatalf("%d aliases bound for 50 customers", len(al.m))
	}
	// The same recipient gets the same aliases again.
	out2, _ := salt(t, in, "r", "x-alias-2", SaltOptions{Aliases: al})
	if len(al.m) != 50 {
		t.Fatal("a second export to the same recipient bound new aliases")
	}
	tb1, _ := ReadTable(bytes.NewReader(out))
	tb2, _ := ReadTable(bytes.NewReader(out2))
	phones := func(tb *Table) map[string]bool {
		m := map[string]bool{}
		for _, r := range tb.Rows {
			m[r[1]] = true
		}
		return m
	}
	p1, p2 := phones(tb1), phones(tb2)
	shared := 0
	for p := range p1 {
		if p2[p] {
			shared++
		}
	}
	if shared < 50 {
		t.Fatalf("only %d aliases shared between two exports to one recipient", shared)
	}
}

func TestReservedRange(t *testing.T) {
	taken := map[string]bool{}
	rr := ReservedRange{Prefixes: []string{"+8616580"}, Taken: func(e string) bool { return taken[e] }}
	first, err := rr.Canaries(context.Background(), 500, Disclosure{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range first {
		if !strings.HasPrefix(n, "+8616580") || len(n) != 14 || taken[n] {
			t.Fatalf("bad or repeated canary number %s", n)
		}
		taken[n] = true
	}
	second, _ := rr.Canaries(context.Background(), 500, Disclosure{})
	for _, n := range second {
		if taken[n] {
			t.Fatalf("number %s handed out twice", n)
		}
	}
	if _, err := (ReservedRange{Prefixes: []string{"+1415"}}).Canaries(context.Background(), 1, Disclosure{}); err == nil {
		t.Fatal("a foreign prefix is accepted")
	}
}
