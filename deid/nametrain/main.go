// Command nametrain trains the person-name tagger that deid embeds
// (deid/names.model) on Weibo NER (Peng and Dredze 2015, CC BY-SA 3.0):
// it trains on the train split, chooses the bias on the dev split (the
// highest recall of names whose share of characters changed outside
// labels stays within -outside), then trains again on train and dev with
// that bias and writes the model. The test split is never read.
//
//	go run ./deid/nametrain -data ../shared/data/weibo_ner -out deid/names.model
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"ringfence/deid"
	"ringfence/deid/corpus"
)

func main() {
	data := flag.String("data", "../shared/data/weibo_ner", "directory of weiboNER_2nd_conll.{train,dev}")
	out := flag.String("out", "", "write the model here (default: only report)")
	epochs := flag.Int("epochs", 20, "passes over the training data")
	seed := flag.Uint64("seed", 1, "shuffling seed")
	outside := flag.Float64("outside", 0.004, "largest share of characters changed outside labels on dev")
	bias := flag.Float64("bias", -1000, "use this bias instead of choosing one on dev")
	dict := flag.String("dict", "", "write the lexicon (-lexout) from this jieba-format dictionary and stop")
	lexOut := flag.String("lexout", "deid/namelex.dat", "where -dict writes the lexicon")
	augment := flag.Int("augment", 0, "add this many copies of each training post with names, each name replaced by a person's name from the lexicon")
	lexFile := flag.String("lexicon", "deid/namelex.dat", "the lexicon whose person names -augment draws")
	lexNames := flag.Bool("lexnames", false, "-augment draws half of the names from the lexicon's person names (otherwise all are made up)")
	show := flag.Bool("show", false, "print the dev names missed and the spans found outside names")
	flag.Parse()
	log.SetFlags(0)
	if *dict != "" {
		writeLexicon(*dict, *lexOut)
		return
	}

	train := read(filepath.Join(*data, "weiboNER_2nd_conll.train"))
	dev := read(filepath.Join(*data, "weiboNER_2nd_conll.dev"))

	var names []string
	if *augment > 0 && *lexNames {
		names = personNames(*lexFile)
	}
	t := deid.TrainNameTagger(augmented(examples(train), names, *augment, *seed), *epochs, *seed)
	fmt.Printf("trained on train: %d features\n", t.Features())
	fmt.Printf("%6s %9s %9s %9s %9s %9s\n", "bias", "exactP", "exactR", "removedR", "overlapP", "outside%")
	chosen := float32(*bias)
	bestR := -1.0
	for _, b := range []float32{-20, -10, -5, 0, 5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 130} {
		t.SetBias(b)
		ex, r := score(dev, t.Find)
		fmt.Printf("%6.1f %9.3f %9.3f %9.3f %9.3f %9.3f\n", b, ex.Precision(), ex.Recall(), r.Recall(), r.Precision(), 100*rep(dev, t.Find).Outside())
		if *bias == -1000 && rep(dev, t.Find).Outside() <= *outside && r.Recall() > bestR {
			bestR, chosen = r.Recall(), b
		}
	}
	fmt.Printf("bias %.1f\n", chosen)
	if *show {
		t.SetBias(chosen)
		showErrors(dev, t.Find)
	}
	if *out == "" {
		return
	}
	final := deid.TrainNameTagger(augmented(examples(append(train, dev...)), names, *augment, *seed), *epochs, *seed)
	final.SetBias(chosen)
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	header := []string{
		"ringfence person-name tagger: an averaged structured perceptron over characters (deid/namemodel.go).",
		"Weights derived from Weibo NER, 2nd revision, train and dev splits (Peng and Dredze, EMNLP 2015;",
		"github.com/hltcoe/golden-horse), licensed CC BY-SA 3.0; these weights are shared under the same licence.",
		fmt.Sprintf("Rebuild: go run ./deid/nametrain -data ../shared/data/weibo_ner -epochs %d -seed %d -augment %d -outside %g -out deid/names.model", *epochs, *seed, *augment, *outside),
		fmt.Sprintf("%d features, bias %.1f (chosen on dev).", final.Features(), chosen),
	}
	if err := final.Write(f, header); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func read(path string) []corpus.Doc {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	docs, err := corpus.ReadCoNLL(f)
	if err != nil {
		log.Fatal(err)
	}
	return docs
}

func examples(docs []corpus.Doc) []deid.NameExample {
	out := make([]deid.NameExample, len(docs))
	for i, d := range docs {
		out[i].Text = d.Text
		for _, s := range d.Spans {
			if s.Entity == deid.Name {
				out[i].Names = append(out[i].Names, [2]int{s.Start, s.End})
			}
		}
	}
	return out
}

func score(docs []corpus.Doc, find func([]byte) []deid.Match) (corpus.Score, corpus.KindRemoval) {
	var ex corpus.Score
	for _, s := range corpus.Evaluate(docs, find) {
		if s.Entity == deid.Name {
			ex = s
		}
	}
	var rem corpus.KindRemoval
	for _, k := range rep(docs, find).Kinds {
		if k.Entity == deid.Name {
			rem = k
		}
	}
	return ex, rem
}

func rep(docs []corpus.Doc, find func([]byte) []deid.Match) corpus.RemovalReport {
	return corpus.Removal(docs, find)
}

// writeLexicon writes the tagger's lexicon from gse's copy of the jieba
// dictionary.
func writeLexicon(dict, out string) {
	in, err := os.Open(dict)
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()
	f, err := os.Create(out)
	if err != nil {
		log.Fatal(err)
	}
	header := []string{
		"ringfence name-tagger lexicon: words of 2 to 4 CJK ideographs, class p (person: nr, nrfg, nrt), l (place: ns),",
		"o (organisation: nt) or w (another word seen at least 5 times), one \"word class\" a line in the gzip stream below.",
		"Derived from the jieba dictionary (github.com/fxsjy/jieba, MIT licence) as shipped by github.com/go-ego/gse v0.80.3",
		"(data/dict/zh/s_1.txt, Apache-2.0).",
		"Rebuild: go mod download github.com/go-ego/gse@v0.80.3 && go run ./deid/nametrain -dict $(go env GOMODCACHE)/github.com/go-ego/gse@v0.80.3/data/dict/zh/s_1.txt -lexout deid/namelex.dat",
	}
	n, err := deid.WriteNameLexicon(f, in, header, 5)
	if err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d words\n", n)
}

// showErrors prints, for developing on dev, the names missed and the name
// matches outside labels.
func showErrors(docs []corpus.Doc, find func([]byte) []deid.Match) {
	for _, d := range docs {
		ms := find(d.Text)
		for _, s := range d.Spans {
			hit := false
			for _, m := range ms {
				if m.Start <= s.Start && m.End >= s.End {
					hit = true
				}
			}
			if !hit {
				fmt.Printf("MISS %s  | %s\n", d.Text[s.Start:s.End], context(d.Text, s.Start, s.End))
			}
		}
		for _, m := range ms {
			if m.Entity != deid.Name {
				continue
			}
			in := false
			for _, s := range d.Spans {
				if m.Start < s.End && s.Start < m.End {
					in = true
				}
			}
			if !in {
				fmt.Printf("FP   %s  | %s\n", d.Text[m.Start:m.End], context(d.Text, m.Start, m.End))
			}
		}
	}
}

func context(b []byte, start, end int) string {
	a, z := max(0, start-24), min(len(b), end+24)
	for a > 0 && b[a]&0xC0 == 0x80 {
		a--
	}
	for z < len(b) && b[z]&0xC0 == 0x80 {
		z++
	}
	return string(b[a:start]) + "[" + string(b[start:end]) + "]" + string(b[end:z])
}

// personNames reads the person names (class p) of the lexicon.
func personNames(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			log.Fatal(err)
		}
		if l == "\n" {
			break
		}
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		log.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		if w, ok := strings.CutSuffix(sc.Text(), " p"); ok {
			out = append(out, w)
		}
	}
	return out
}

// augmented adds k copies of each example with names, each name replaced
// by one drawn from names.
func augmented(ex []deid.NameExample, names []string, k int, seed uint64) []deid.NameExample {
	if k == 0 {
		return ex
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	out := append([]deid.NameExample(nil), ex...)
	for _, e := range ex {
		if len(e.Names) == 0 {
			continue
		}
		for range k {
			var c deid.NameExample
			p := 0
			for _, sp := range e.Names {
				c.Text = append(c.Text, e.Text[p:sp[0]]...)
				n := deid.SyntheticName(rng.IntN)
				if names != nil && rng.IntN(2) == 0 {
					n = names[rng.IntN(len(names))]
				}
				c.Names = append(c.Names, [2]int{len(c.Text), len(c.Text) + len(n)})
				c.Text = append(c.Text, n...)
				p = sp[1]
			}
			c.Text = append(c.Text, e.Text[p:]...)
			out = append(out, c)
		}
	}
	return out
}
