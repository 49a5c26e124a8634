package deid

import "unicode/utf8"

// Post-processing of the spans the name tagger finds (not of the spans the
// context rules find): the tagger now and then takes in the word after a
// name ("杨幂和" in 杨幂和刘德华) or joins two names around a conjunction
// (小明和小红).

// nameTrailers are words that end a span of the tagger without being part
// of the name before them, when what remains is at least two characters.
const nameTrailers = "和与跟同及的是在说"

// nameJoiners join two names: a span holding one, with at least two
// characters on either side and a surname (or 小, 老) after it, is two
// names; the joiner is no part of either.
const nameJoiners = "和与跟、"

// fixNameSpans applies both rules to the spans of text from spans[from:]
// on, in place, and returns the spans.
func fixNameSpans(text []byte, spans [][2]int, from int) [][2]int {
	for i := from; i < len(spans); i++ {
		sp := trimNameTrailer(text, spans[i])
		if j, k, ok := nameJoin(text, sp); ok {
			spans[i] = [2]int{sp[0], j}
			// The right side is looked at again in the next round.
			spans = append(spans, [2]int{})
			copy(spans[i+2:], spans[i+1:])
			spans[i+1] = [2]int{k, sp[1]}
			continue
		}
		spans[i] = sp
	}
	return spans
}

// trimNameTrailer drops a trailing particle or conjunction from sp when
// at least two characters remain.
func trimNameTrailer(text []byte, sp [2]int) [2]int {
	for {
		r, size := utf8.DecodeLastRune(text[sp[0]:sp[1]])
		if size == 0 || !containsRune(nameTrailers, r) || utf8.RuneCount(text[sp[0]:sp[1]-size]) < 2 {
			return sp
		}
		sp[1] -= size
	}
}

// nameJoin finds a joiner in sp that splits it into two names: j is the
// end of the left one, k the start of the right one.
func nameJoin(text []byte, sp [2]int) (j, k int, ok bool) {
	for p := sp[0]; p < sp[1]; {
		r, size := utf8.DecodeRune(text[p:sp[1]])
		if containsRune(nameJoiners, r) && utf8.RuneCount(text[sp[0]:p]) >= 2 && utf8.RuneCount(text[p+size:sp[1]]) >= 2 {
			q := p + size
			next, _ := utf8.DecodeRune(text[q:sp[1]])
			if next == '小' || next == '老' || surnameAt(text[:sp[1]], q) > 0 {
				return p, q, true
			}
		}
		p += size
	}
	return 0, 0, false
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}
