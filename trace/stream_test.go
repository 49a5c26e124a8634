package trace

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// formulaList is a list whose cells a spreadsheet would evaluate: phones
// written +86 …, names and notes starting with =, -, @, a tab.
func formulaList(n int) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"姓名", "手机号码", "备注"})
	notes := []string{"=HYPERLINK(\"http://x\",\"点我\")", "-2+3", "@SUM(A1:A9)", "\t=1+1", "普通备注"}
	for i := range n {
		name := fmt.Sprintf("客户%d", i)
		if i%7 == 0 {
			name = "=cmd|' /C calc'!A0"
		}
		w.Write([]string{name, fmt.Sprintf("+86 138 %04d %04d", i/10000, i%10000), notes[i%len(notes)]})
	}
	w.Flush()
	return b.Bytes()
}

// TestSaltNeutralizesFormulas: by default no cell of a salted copy starts
// with a formula character, canaries included (their phones look like the
// real ones); RawCells keeps the cells as they are; and a found list cut
// from the neutralised copy is still attributed to it, canaries and all.
func TestSaltNeutralizesFormulas(t *testing.T) {
	in := formulaList(300)
	for _, tc := range []struct {
		name string
		raw  bool
	}{{"neutralised", false}, {"raw", true}} {
		t.Run(tc.name, func(t *testing.T) {
			out, res := salt(t, in, "某保险公司", "x-formula-"+tc.name, SaltOptions{RawCells: tc.raw})
			rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			formulas, phones := 0, 0
			for _, row := range rows[1:] {
				for _, c := range row {
					if c != "" && strings.ContainsRune(formulaStart, rune(c[0])) {
						formulas++
					}
				}
				if strings.HasPrefix(row[1], "'+86 ") {
					phones++
				}
			}
			if tc.raw {
				if formulas == 0 || phones != 0 {
					t.Fatalf("raw copy: %d formula cells, %d quoted phones; want them as they were", formulas, phones)
				}
				return
			}
			if formulas != 0 {
				t.Fatalf("%d cells still start with a formula character:\n%s", formulas, out[:min(len(out), 600)])
			}
			if phones != len(rows)-1 {
				t.Fatalf("%d of %d phone cells neutralised: canaries would stand out", phones, len(rows)-1)
			}
			// The found list is the copy as the recipient passed it on.
			src := &memSource{}
			src.record(res)
			f, err := ReadFound(bytes.NewReader(out), mustFP(t))
			if err != nil {
				t.Fatal(err)
			}
			a, err := Attribute(context.Background(), f, src, AttributeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Candidates) != 1 || a.Candidates[0].Matched != 300 || a.Candidates[0].CanaryHits != len(res.CanaryRows) {
				t.Fatalf("attribution of the neutralised copy: %+v", a.Candidates)
			}
		})
	}
}

func mustFP(t *testing.T) *Fingerprinter {
	fp, err := NewFingerprinter(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

// peakWriter forces a collection every few writes and records the largest
// live heap seen while the copy is written.
type peakWriter struct {
	n    int
	peak uint64
	size int64
}

func (w *peakWriter) Write(p []byte) (int, error) {
	w.n++
	w.size += int64(len(p))
	if w.n%8 == 0 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		w.peak = max(w.peak, ms.HeapAlloc)
	}
	return len(p), nil
}

// TestSaltStreams: salting a list from a file holds neither the list nor
// the copy in memory; the live heap stays a fraction of the file's size
// (its prints, 24 bytes a row, are all that grows with it).
func TestSaltStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 40 MB list")
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cs := inventCustomers(3, 2000)
	fmt.Fprintln(f, "姓名,手机号码,身份证号,地址,性别,备注")
	var size int64
	for i := 0; size < 40<<20; i++ {
		c := cs[i%len(cs)]
		n, _ := fmt.Fprintf(f, "%s,1%02d%08d,%s,%s,%s,%s\n", c.name, 30+i%60, i, c.id, c.address, c.gender, c.note)
		size += int64(n)
	}
	f.Close()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	w := &peakWriter{}
	res, err := Salt(context.Background(), in, w, SaltOptions{Disclosure: Disclosure{Org: "o", Recipient: "r", ExportID: "x-big"}, Key: testKey, Numbers: &seqNumbers{}})
	if err != nil {
		t.Fatal(err)
	}
	grown := int64(w.peak) - int64(base)
	t.Logf("list %d MB, %d rows: live heap grew by at most %.1f MB while writing", size>>20, res.Export.Rows, float64(grown)/(1<<20))
	if w.size < size || grown > size/3 {
		t.Fatalf("the live heap grew by %d bytes salting a %d-byte list (wrote %d)", grown, size, w.size)
	}
}
