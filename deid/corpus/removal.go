package corpus

import (
	"fmt"
	"io"
	"unicode/utf8"

	"ringfence/deid"
)

// KindRemoval is how well one kind of labelled personal data was removed.
type KindRemoval struct {
	Entity   deid.Entity
	Labelled int // labelled spans of the kind
	Removed  int // of them, those whose every character lies inside a match (of any kind)
	Found    int // matches of the kind
	Correct  int // of them, those that overlap a labelled span (of any kind)
}

// Recall is Removed / Labelled, or 1 when nothing was labelled.
func (k KindRemoval) Recall() float64 {
	if k.Labelled == 0 {
		return 1
	}
	return float64(k.Removed) / float64(k.Labelled)
}

// Precision is Correct / Found, or 1 when nothing was found.
func (k KindRemoval) Precision() float64 {
	if k.Found == 0 {
		return 1
	}
	return float64(k.Correct) / float64(k.Found)
}

// RemovalReport scores de-identification as a privacy officer sees it:
// whether labelled personal data was changed at all, whatever kind the
// recogniser gave it, and how much text outside the labels was changed.
type RemovalReport struct {
	Kinds []KindRemoval // in the order of deid.Entities
	// Chars counts the characters of the corpus; OutsideChars those inside
	// a match and outside every labelled span.
	Chars, OutsideChars int
}

// Outside is the share of characters changed outside labelled spans.
func (r RemovalReport) Outside() float64 {
	if r.Chars == 0 {
		return 0
	}
	return float64(r.OutsideChars) / float64(r.Chars)
}

// Removal runs find over docs and scores what it removes.
func Removal(docs []Doc, find func([]byte) []deid.Match) RemovalReport {
	kinds := map[deid.Entity]*KindRemoval{}
	var order []*KindRemoval
	for _, e := range deid.Entities() {
		k := &KindRemoval{Entity: e}
		kinds[e] = k
		order = append(order, k)
	}
	var r RemovalReport
	var covered, labelled []bool
	for _, d := range docs {
		n := len(d.Text)
		covered = append(covered[:0], make([]bool, n)...)
		labelled = append(labelled[:0], make([]bool, n)...)
		ms := find(d.Text)
		for _, m := range ms {
			for i := m.Start; i < m.End; i++ {
				covered[i] = true
			}
		}
		for _, s := range d.Spans {
			for i := s.Start; i < s.End; i++ {
				labelled[i] = true
			}
			k := kinds[s.Entity]
			k.Labelled++
			removed := true
			for i := s.Start; i < s.End; i++ {
				if !covered[i] && d.Text[i] != ' ' {
					removed = false
					break
				}
			}
			if removed {
				k.Removed++
			}
		}
		for _, m := range ms {
			k := kinds[m.Entity]
			k.Found++
			for _, s := range d.Spans {
				if s.Start < m.End && m.Start < s.End {
					k.Correct++
					break
				}
			}
		}
		for i := 0; i < n; {
			_, w := utf8.DecodeRune(d.Text[i:])
			r.Chars++
			if covered[i] && !labelled[i] {
				r.OutsideChars++
			}
			i += w
		}
	}
	for _, k := range order {
		r.Kinds = append(r.Kinds, *k)
	}
	return r
}

// WriteRemoval writes the report as a table for people.
func WriteRemoval(w io.Writer, r RemovalReport) error {
	if _, err := fmt.Fprintf(w, "%-10s %9s %8s %8s %7s %8s %10s\n", "kind", "labelled", "removed", "recall", "found", "correct", "precision"); err != nil {
		return err
	}
	for _, k := range r.Kinds {
		if k.Labelled == 0 && k.Found == 0 {
			continue
		}
		if _, err := fmt.Fprintf(w, "%-10s %9d %8d %8.4f %7d %8d %10.4f\n", k.Entity, k.Labelled, k.Removed, k.Recall(), k.Found, k.Correct, k.Precision()); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "characters changed outside labelled spans: %d of %d (%.3f%%)\n", r.OutsideChars, r.Chars, 100*r.Outside())
	return err
}
