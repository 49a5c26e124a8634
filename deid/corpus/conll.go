package corpus

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"ringfence/deid"
)

// ReadCoNLL reads a character-per-line corpus in the CoNLL form of Weibo
// NER (Peng and Dredze 2015): "<char>[segment position]\t<BIO tag>", a
// blank line between documents. Person names (B-PER.NAM, I-PER.NAM) become
// name spans; nominal mentions and other tags are not personal data here.
func ReadCoNLL(r io.Reader) ([]Doc, error) {
	var docs []Doc
	var text strings.Builder
	var spans []Span
	open := -1
	closeSpan := func() {
		if open >= 0 {
			spans = append(spans, Span{deid.Name, open, text.Len()})
			open = -1
		}
	}
	flush := func() {
		closeSpan()
		if text.Len() > 0 {
			docs = append(docs, Doc{Text: []byte(text.String()), Spans: spans})
		}
		text.Reset()
		spans = nil
	}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		tab := strings.LastIndexByte(l, '\t')
		if tab <= 0 {
			return nil, fmt.Errorf("conll line %d: no tab between character and tag", line)
		}
		ch, tag := []rune(l[:tab]), l[tab+1:]
		switch tag {
		case "B-PER.NAM":
			closeSpan()
			open = text.Len()
		case "I-PER.NAM":
			if open < 0 {
				open = text.Len()
			}
		default:
			closeSpan()
		}
		text.WriteRune(ch[0])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("conll line %d: %w", line+1, err)
	}
	flush()
	return docs, nil
}
