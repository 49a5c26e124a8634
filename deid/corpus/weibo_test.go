package corpus

import (
	"os"
	"testing"

	"ringfence/deid"
)

// TestWeiboNames scores person names in running text on the test split of
// Weibo NER (real posts, CC BY-SA 3.0, read from ../shared beside the
// checkout) and guards the figures reached: recall and precision of exact
// spans and of removal.
func TestWeiboNames(t *testing.T) {
	fh, err := os.Open("../../../shared/data/weibo_ner/weiboNER_2nd_conll.test")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("weibo_ner not available; CI runs with ../shared beside the checkout:", err)
		}
		t.Skip("weibo_ner not available:", err)
	}
	defer fh.Close()
	docs, err := ReadCoNLL(fh)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 270 {
		t.Fatalf("%d posts, want 270", len(docs))
	}
	var exact Score
	for _, s := range Evaluate(docs, deid.Find) {
		if s.Entity == deid.Name {
			exact = s
		}
	}
	var rem KindRemoval
	r := Removal(docs, deid.Find)
	for _, k := range r.Kinds {
		if k.Entity == deid.Name {
			rem = k
		}
	}
	t.Logf("Weibo NER test, person names: %d labelled; exact spans precision %.3f recall %.3f (TP %d FP %d FN %d); removed %d (recall %.3f), precision by overlap %.3f; characters changed outside labels %.3f%%",
		rem.Labelled, exact.Precision(), exact.Recall(), exact.TP, exact.FP, exact.FN, rem.Removed, rem.Recall(), rem.Precision(), 100*r.Outside())
	if rem.Labelled != 113 {
		t.Errorf("%d person names labelled, want 113", rem.Labelled)
	}
	if exact.Precision() < 0.8 || r.Outside() > 0.005 {
		t.Errorf("precision %.3f (want >= 0.8), outside share %.4f (want <= 0.005)", exact.Precision(), r.Outside())
	}
}
