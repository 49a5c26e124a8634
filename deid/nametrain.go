package deid

import (
	"io"
	"math/rand/v2"
	"sync"
)

// NameExample is a text and the byte spans of the person names in it, for
// training the name tagger.
type NameExample struct {
	Text  []byte
	Names [][2]int
}

// NameTagger is a trained person-name tagger: what TrainNameTagger returns
// and what deid embeds (names.model).
type NameTagger struct {
	m     *nameModel
	feats map[uint32][numTags]float32
}

// prepared is one training example with its features computed once.
type prepared struct {
	feats []uint32
	spans []int
	gold  []uint8
}

// goldTags gives the BIO tags of the runes of text (offsets offs) from
// byte spans.
func goldTags(offs []int, names [][2]int) []uint8 {
	tags := make([]uint8, len(offs)-1)
	for _, sp := range names {
		first := true
		for i := range tags {
			if offs[i] >= sp[0] && offs[i] < sp[1] {
				if first {
					tags[i] = tagB
					first = false
				} else {
					tags[i] = tagI
				}
			}
		}
	}
	return tags
}

// TrainNameTagger learns a tagger from examples with an averaged
// structured perceptron: epochs passes over the examples in an order
// shuffled with seed (so training is reproducible). Its bias is 0.
func TrainNameTagger(examples []NameExample, epochs int, seed uint64) *NameTagger {
	var s nameSentence
	data := make([]prepared, 0, len(examples))
	for _, ex := range examples {
		s.prepare(ex.Text)
		spans := s.allFeatures(nil)
		data = append(data, prepared{
			feats: append([]uint32(nil), s.feats...),
			spans: spans,
			gold:  goldTags(s.offs, ex.Names),
		})
	}
	index := map[uint32]int{}
	var w, u []float64 // weights and their sum weighted by time
	var tw, tu [numTags + 1][numTags]float64
	c := 1.0
	update := func(h uint32, t int, d float64) {
		k, ok := index[h]
		if !ok {
			k = len(index)
			index[h] = k
			w = append(w, make([]float64, numTags)...)
			u = append(u, make([]float64, numTags)...)
		}
		w[k*numTags+t] += d
		u[k*numTags+t] += c * d
	}
	var cur [numTags + 1][numTags]float32
	score := func(h uint32, out *[numTags]float32) {
		if k, ok := index[h]; ok {
			for t := range numTags {
				out[t] += float32(w[k*numTags+t])
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	order := make([]int, len(data))
	for i := range order {
		order[i] = i
	}
	for range epochs {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		for _, k := range order {
			d := &data[k]
			for a := range cur {
				for b := range cur[a] {
					cur[a][b] = float32(tw[a][b])
				}
			}
			s.feats = d.feats
			s.emissions(d.spans, 0, score)
			pred := s.decode(&cur)
			prev, prevGold := numTags, numTags
			for i, g := range d.gold {
				p := int(pred[i])
				if p != int(g) {
					for _, h := range d.feats[d.spans[i]:d.spans[i+1]] {
						update(h, int(g), 1)
						update(h, p, -1)
					}
				}
				if p != int(g) || prev != prevGold {
					tw[prevGold][g]++
					tu[prevGold][g] += c
					tw[prev][p]--
					tu[prev][p] -= c
				}
				prev, prevGold = p, int(g)
			}
			c++
		}
	}
	t := &NameTagger{feats: make(map[uint32][numTags]float32, len(index))}
	var trans [numTags + 1][numTags]float32
	for a := range trans {
		for b := range trans[a] {
			trans[a][b] = float32(tw[a][b] - tu[a][b]/c)
		}
	}
	keys := make([]uint32, 0, len(index))
	var ws []float32
	for h, k := range index {
		var v [numTags]float32
		big := false
		for x := range numTags {
			v[x] = float32(w[k*numTags+x] - u[k*numTags+x]/c)
			if v[x] > 1e-3 || v[x] < -1e-3 {
				big = true
			}
		}
		if !big {
			continue
		}
		t.feats[h] = v
		keys = append(keys, h)
		ws = append(ws, v[:]...)
	}
	t.m = newNameModel(keys, ws)
	t.m.trans = trans
	return t
}

// SetBias sets the score added to name tags: above 0 the tagger finds more
// names at the cost of precision.
func (t *NameTagger) SetBias(b float32) { t.m.bias = b }

// Features is the number of features with a weight.
func (t *NameTagger) Features() int { return len(t.feats) }

// Write writes the tagger in the form deid embeds, after header lines.
func (t *NameTagger) Write(w io.Writer, header []string) error {
	return writeNameModel(w, header, t.feats, t.m.trans, t.m.bias)
}

// Names returns the byte spans of the names the tagger alone finds in text.
func (t *NameTagger) Names(text []byte) [][2]int {
	var s nameSentence
	out, _ := t.m.tag(&s, nil, text, nil)
	return out
}

// Find is deid.Find with the names the tagger finds added where no other
// entity was found.
func (t *NameTagger) Find(text []byte) []Match {
	var s nameSentence
	ms := Find(text)
	out, _ := t.m.tag(&s, nil, text, nil)
	return mergeNames(ms, out)
}

// FindText is Find with the names in running text that the embedded
// tagger finds (the "model" of Policy.TextNames) added where no other
// entity was found. It panics if the embedded tagger cannot be read, which
// the package's tests rule out.
func FindText(text []byte) []Match {
	m, err := loadedNameModel()
	if err != nil {
		panic(err)
	}
	ms := Find(text)
	if !mayHoldName(text) {
		return ms
	}
	s := sentences.Get().(*nameSentence)
	var out [][2]int
	out, s.spans = m.tag(s, s.spans, text, nil)
	sentences.Put(s)
	return mergeNames(ms, out)
}

// sentences are the tagger's buffers, reused between calls of FindText.
var sentences = sync.Pool{New: func() any { return new(nameSentence) }}

// mayHoldName reports whether text has a byte that starts a character of
// three or four bytes (CJK and most scripts but Latin): the tagger reads
// names in Chinese text, and skipping the rest keeps ASCII fast.
func mayHoldName(text []byte) bool {
	for _, c := range text {
		if c >= 0xE0 {
			return true
		}
	}
	return false
}

// mergeNames adds the name spans to ms (in order, without overlaps) where
// they overlap no match, and returns ms in order.
func mergeNames(ms []Match, names [][2]int) []Match {
	if len(names) == 0 {
		return ms
	}
	n := len(ms)
	k := 0
	for _, sp := range names {
		for k < n && ms[k].End <= sp[0] {
			k++
		}
		if k < n && ms[k].Start < sp[1] {
			continue
		}
		ms = append(ms, Match{Entity: Name, Start: sp[0], End: sp[1]})
	}
	if len(ms) == n {
		return ms
	}
	// Merge the two sorted runs.
	added := append([]Match(nil), ms[n:]...)
	ms = ms[:n+len(added)]
	i, j, o := n-1, len(added)-1, len(ms)-1
	for j >= 0 {
		if i >= 0 && ms[i].Start > added[j].Start {
			ms[o] = ms[i]
			i--
		} else {
			ms[o] = added[j]
			j--
		}
		o--
	}
	return ms
}

// SyntheticName makes up a Chinese name for training the tagger: a surname
// (the most frequent ones half of the time, a compound one now and then)
// and one or two given-name characters. pick(n) returns a number in [0, n).
func SyntheticName(pick func(n int) int) string {
	var b []rune
	top, all, given := []rune(topSurnames), []rune(singleSurnames), []rune(givenNameChars)
	switch k := pick(20); {
	case k == 0:
		b = []rune(compoundSurnames[pick(len(compoundSurnames))])
	case k < 10:
		b = []rune{top[pick(len(top))]}
	default:
		b = []rune{all[pick(len(all))]}
	}
	n := 1 // two thirds of names have two given characters
	if pick(3) > 0 {
		n = 2
	}
	for range n {
		b = append(b, given[pick(len(given))])
	}
	return string(b)
}
