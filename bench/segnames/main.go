// Command segnames measures two Chinese segmenters' person names against
// ringfence's own name tagger on the test split of Weibo NER (real posts,
// CC BY-SA 3.0): go-ego/gse (pure Go, its jieba-style part-of-speech tagger
// with HMM) and yanyiwu/gojieba (cppjieba through cgo). A token tagged nr
// (a person's name) of two or three Chinese characters is taken as a name;
// each segmenter is scored alone and added to the tagger's names, with the
// figures the project reports for the tagger (TestWeiboNames): names whose
// every character was masked, precision by overlap, exact spans, and the
// share of characters changed outside labelled spans. It then times each
// on one core over all three splits.
//
// It is a module of its own so that neither segmenter (nor cgo) is a
// dependency of ringfence:
//
//	cd bench/segnames && GOMAXPROCS=1 go run . -data ../../../shared/data/weibo_ner
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
	gsepos "github.com/go-ego/gse/hmm/pos"
	"github.com/yanyiwu/gojieba"

	"ringfence/deid"
	"ringfence/deid/corpus"
)

// token is a tagged word at byte offsets of the text.
type token struct {
	start, end int
	pos        string
}

// place finds each word in text in order (segmenters return words, not
// offsets); a word that is not where the last ended is looked for ahead.
func place(text string, words, tags []string) []token {
	var out []token
	at := 0
	for i, w := range words {
		if w == "" {
			continue
		}
		j := strings.Index(text[at:], w)
		if j < 0 {
			continue
		}
		out = append(out, token{at + j, at + j + len(w), tags[i]})
		at += j + len(w)
	}
	return out
}

// names keeps the tokens tagged nr of two or three Chinese characters
// (single characters tagged nr are mostly interjections and particles).
func names(text []byte, toks []token) []deid.Match {
	var ms []deid.Match
	for _, t := range toks {
		if t.pos != "nr" {
			continue
		}
		n := 0
		for _, r := range string(text[t.start:t.end]) {
			if !unicode.Is(unicode.Han, r) {
				n = 0
				break
			}
			n++
		}
		if n == 2 || n == 3 {
			ms = append(ms, deid.Match{Entity: deid.Name, Start: t.start, End: t.end})
		}
	}
	return ms
}

// union adds the names extra finds to the tagger's where they overlap none.
func union(extra func([]byte) []deid.Match) func([]byte) []deid.Match {
	return func(text []byte) []deid.Match {
		ms := deid.FindText(text)
		n := len(ms)
	next:
		for _, e := range extra(text) {
			for _, m := range ms[:n] {
				if m.Start < e.End && e.Start < m.End {
					continue next
				}
			}
			ms = append(ms, e)
		}
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].Start < ms[j].Start })
		return ms
	}
}

func main() {
	data := flag.String("data", "../../../shared/data/weibo_ner", "directory of weiboNER_2nd_conll.{train,dev,test}")
	flag.Parse()
	log.SetFlags(0)
	read := func(split string) []corpus.Doc {
		fh, err := os.Open(filepath.Join(*data, "weiboNER_2nd_conll."+split))
		if err != nil {
			log.Fatal(err)
		}
		defer fh.Close()
		docs, err := corpus.ReadCoNLL(fh)
		if err != nil {
			log.Fatalf("%s: %v", fh.Name(), err)
		}
		return docs
	}
	test := read("test")

	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	h0, t0 := heap(), time.Now()
	var seg gse.Segmenter
	seg.SkipLog = true
	if err := seg.LoadDictEmbed(); err != nil {
		log.Fatal(err)
	}
	var pos gsepos.Segmenter
	pos.WithGse(seg)
	fmt.Printf("gse: dictionary loaded in %.2fs, Go heap +%.0f MB\n", time.Since(t0).Seconds(), heap()-h0)
	t0 = time.Now()
	jb := gojieba.NewJieba() // reads its dictionaries from files at gojieba.DICT_DIR
	defer jb.Free()
	fmt.Printf("gojieba: dictionaries loaded from %s in %.2fs (C++ heap)\n\n", gojieba.DICT_DIR, time.Since(t0).Seconds())

	gseNames := func(text []byte) []deid.Match {
		var words, tags []string
		for _, p := range pos.Cut(string(text), true) {
			words, tags = append(words, p.Text), append(tags, p.Pos)
		}
		return names(text, place(string(text), words, tags))
	}
	jiebaNames := func(text []byte) []deid.Match {
		var words, tags []string
		for _, wt := range jb.Tag(string(text)) {
			k := strings.LastIndexByte(wt, '/')
			words, tags = append(words, wt[:k]), append(tags, wt[k+1:])
		}
		return names(text, place(string(text), words, tags))
	}
	finders := []struct {
		name string
		find func([]byte) []deid.Match
	}{
		{"ringfence tagger (deid.FindText)", deid.FindText},
		{"gse, nr", gseNames},
		{"gojieba, nr", jiebaNames},
		{"tagger + gse", union(gseNames)},
		{"tagger + gojieba", union(jiebaNames)},
	}
	fmt.Println("Weibo NER test split, person names:")
	fmt.Println("| finder | names removed | precision by overlap | exact spans P / R | characters changed outside labels |")
	fmt.Println("|---|---|---|---|---|")
	for _, f := range finders {
		var exact corpus.Score
		for _, s := range corpus.Evaluate(test, f.find) {
			if s.Entity == deid.Name {
				exact = s
			}
		}
		r := corpus.Removal(test, f.find)
		for _, k := range r.Kinds {
			if k.Entity == deid.Name {
				fmt.Printf("| %s | %.3f (%d of %d) | %.3f | %.3f / %.3f | %.2f%% |\n", f.name, k.Recall(), k.Removed, k.Labelled,
					k.Precision(), exact.Precision(), exact.Recall(), 100*r.Outside())
			}
		}
	}

	var all []string
	for _, split := range []string{"train", "dev", "test"} {
		for _, d := range read(split) {
			all = append(all, string(d.Text))
		}
	}
	text := []byte(strings.Join(all, "\n"))
	fmt.Printf("\nSpeed over the three splits (%d bytes, %d characters), best of 3, GOMAXPROCS=%d:\n", len(text), utf8.RuneCount(text), runtime.GOMAXPROCS(0))
	for _, f := range finders[:3] {
		best := time.Duration(1 << 62)
		for range 3 {
			t := time.Now()
			f.find(text)
			best = min(best, time.Since(t))
		}
		fmt.Printf("  %-34s %6.2f MB/s\n", f.name, float64(len(text))/1e6/best.Seconds())
	}
}
