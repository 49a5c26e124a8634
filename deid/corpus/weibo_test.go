package corpus

import (
	"fmt"
	"os"
	"testing"
	"unicode"

	"ringfence/deid"
)

// readWeibo reads a split of Weibo NER (real posts, CC BY-SA 3.0) from
// ../shared beside the checkout, or skips (fails under CI).
func readWeibo(t *testing.T, split string) []Doc {
	t.Helper()
	fh, err := os.Open("../../../shared/data/weibo_ner/weiboNER_2nd_conll." + split)
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
	return docs
}

// nameFigures scores person names found by find on docs: exact spans,
// removal of all names and of the names written in Chinese characters
// only, and the share of characters changed outside labels.
type nameFigures struct {
	exact      Score
	all, hanzi KindRemoval
	outside    float64
}

func scoreNames(docs []Doc, find func([]byte) []deid.Match) nameFigures {
	var f nameFigures
	for _, s := range Evaluate(docs, find) {
		if s.Entity == deid.Name {
			f.exact = s
		}
	}
	r := Removal(docs, find)
	for _, k := range r.Kinds {
		if k.Entity == deid.Name {
			f.all = k
		}
	}
	f.outside = r.Outside()
	// The same removal over the names made of CJK ideographs alone.
	var han []Doc
	for _, d := range docs {
		h := Doc{Text: d.Text}
		for _, s := range d.Spans {
			if allHan(string(d.Text[s.Start:s.End])) {
				h.Spans = append(h.Spans, s)
			}
		}
		han = append(han, h)
	}
	for _, k := range Removal(han, find).Kinds {
		if k.Entity == deid.Name {
			f.hanzi = k
		}
	}
	return f
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

func (f nameFigures) String(what string) string {
	return what + ": " + formatFigures(f)
}

// TestWeiboNames scores person names in running text on the test split of
// Weibo NER with the context rules alone (Find) and with the tagger
// (FindText), and guards the figures reached. The tagger was trained on
// train and dev only; the dev figures are logged beside.
func TestWeiboNames(t *testing.T) {
	test := readWeibo(t, "test")
	if len(test) != 270 {
		t.Fatalf("%d posts, want 270", len(test))
	}
	ctx := scoreNames(test, deid.Find)
	mod := scoreNames(test, deid.FindText)
	t.Log(ctx.String("test, context rules"))
	t.Log(mod.String("test, context rules + tagger"))
	if mod.all.Labelled != 113 {
		t.Errorf("%d person names labelled, want 113", mod.all.Labelled)
	}
	if ctx.exact.Precision() < 0.8 || ctx.outside > 0.005 {
		t.Errorf("context rules: precision %.3f (want >= 0.8), outside share %.4f (want <= 0.005)", ctx.exact.Precision(), ctx.outside)
	}
	// The figures the tagger reached, less a little slack.
	if mod.all.Recall() < 0.53 || mod.hanzi.Recall() < 0.57 || mod.outside > 0.005 || mod.all.Precision() < 0.7 {
		t.Errorf("tagger: recall %.3f, Chinese-character names %.3f, precision by overlap %.3f, outside share %.4f",
			mod.all.Recall(), mod.hanzi.Recall(), mod.all.Precision(), mod.outside)
	}
	if dev := readWeibo(t, "dev"); len(dev) > 0 {
		t.Log(scoreNames(dev, deid.FindText).String("dev (trained on), context rules + tagger"))
	}
}

func formatFigures(f nameFigures) string {
	return fmt.Sprintf("%d names (%d in Chinese characters); exact spans P %.3f R %.3f (TP %d FP %d FN %d); removed %.3f, Chinese-character names removed %.3f; precision by overlap %.3f; characters changed outside labels %.3f%%",
		f.all.Labelled, f.hanzi.Labelled, f.exact.Precision(), f.exact.Recall(), f.exact.TP, f.exact.FP, f.exact.FN,
		f.all.Recall(), f.hanzi.Recall(), f.all.Precision(), 100*f.outside)
}
