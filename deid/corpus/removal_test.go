package corpus

import (
	"bytes"
	"math"
	"testing"

	"ringfence/deid"
)

// TestRemoval scores a hand-labelled corpus with "category" fields and
// character offsets: per-kind share of labelled spans removed, precision of
// what was found, and the share of characters changed outside labels.
func TestRemoval(t *testing.T) {
	in := `{"text":"张伟的手机是13812345678，QQ772845851","entities":[{"category":"person","start":0,"end":2},{"category":"phone","start":6,"end":17},{"category":"qq","start":20,"end":29}]}
{"text":"订单号202311151381234567，联系13901234567","entities":[{"category":"mobile","start":24,"end":35}]}
{"text":"香港电话97392372","entities":[]}
`
	docs, err := ReadJSONL(bytes.NewReader([]byte(in)), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 3 || docs[0].Spans[0].Entity != deid.Name || docs[0].Spans[1].Entity != deid.Mobile || docs[0].Spans[2].Entity != deid.QQ {
		t.Fatalf("read %+v", docs)
	}
	// A finder that removes the mobile numbers and the Hong Kong number but
	// neither the name nor the QQ number.
	find := func(text []byte) []deid.Match {
		var out []deid.Match
		for _, m := range deid.Find(text) {
			if m.Entity == deid.Mobile {
				out = append(out, m)
			}
		}
		return out
	}
	r := Removal(docs, find)
	want := map[deid.Entity][2]int{deid.Name: {1, 0}, deid.Mobile: {2, 2}, deid.QQ: {1, 0}}
	for _, k := range r.Kinds {
		w, ok := want[k.Entity]
		if !ok {
			if k.Labelled != 0 {
				t.Errorf("%v: %d labelled", k.Entity, k.Labelled)
			}
			continue
		}
		if k.Labelled != w[0] || k.Removed != w[1] {
			t.Errorf("%v: labelled %d removed %d, want %d %d", k.Entity, k.Labelled, k.Removed, w[0], w[1])
		}
		if k.Entity == deid.Mobile && (k.Found != 3 || k.Correct != 2) {
			t.Errorf("mobile: found %d correct %d, want 3 2", k.Found, k.Correct)
		}
	}
	// 8 characters of the Hong Kong number outside any label, of 29+35+12.
	if want := 8.0 / 76; math.Abs(r.Outside()-want) > 1e-9 {
		t.Errorf("outside share %.5f, want %.5f", r.Outside(), want)
	}
}
