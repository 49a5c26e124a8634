package corpus

import (
	"fmt"
	"io"

	"ringfence/deid"
)

// Score counts the outcome for one entity. A found span is a true positive
// when a labelled span of the same entity has exactly the same bounds.
type Score struct {
	Entity  deid.Entity
	TP, FP  int
	FN      int
	Overlap int // false positives that overlap a labelled span of the entity (bounds differ)
}

// Precision is TP / (TP + FP), or 1 when nothing was found.
func (s Score) Precision() float64 {
	if s.TP+s.FP == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FP)
}

// Recall is TP / (TP + FN), or 1 when nothing was labelled.
func (s Score) Recall() float64 {
	if s.TP+s.FN == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FN)
}

// Evaluate runs find over docs and scores it per entity, in the order of
// deid.Entities.
func Evaluate(docs []Doc, find func([]byte) []deid.Match) []Score {
	scores := map[deid.Entity]*Score{}
	for _, e := range deid.Entities() {
		scores[e] = &Score{Entity: e}
	}
	type key struct {
		e          deid.Entity
		start, end int
	}
	for _, d := range docs {
		gold := map[key]bool{}
		for _, s := range d.Spans {
			gold[key{s.Entity, s.Start, s.End}] = true
		}
		for _, m := range find(d.Text) {
			k := key{m.Entity, m.Start, m.End}
			sc := scores[m.Entity]
			if gold[k] {
				sc.TP++
				delete(gold, k)
				continue
			}
			sc.FP++
			for _, s := range d.Spans {
				if s.Entity == m.Entity && s.Start < m.End && m.Start < s.End {
					sc.Overlap++
					break
				}
			}
		}
		for k := range gold {
			scores[k.e].FN++
		}
	}
	out := make([]Score, 0, len(scores))
	for _, e := range deid.Entities() {
		out = append(out, *scores[e])
	}
	return out
}

// WriteTable writes scores as a table for people.
func WriteTable(w io.Writer, scores []Score) error {
	if _, err := fmt.Fprintf(w, "%-10s %7s %7s %7s %10s %8s\n", "entity", "TP", "FP", "FN", "precision", "recall"); err != nil {
		return err
	}
	for _, s := range scores {
		kind := ""
		if !s.Entity.Structured() {
			kind = "  (context)"
		}
		if _, err := fmt.Fprintf(w, "%-10s %7d %7d %7d %10.4f %8.4f%s\n", s.Entity, s.TP, s.FP, s.FN, s.Precision(), s.Recall(), kind); err != nil {
			return err
		}
	}
	return nil
}
