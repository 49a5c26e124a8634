package corpus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"ringfence/deid"
)

// jsonDoc is the JSON-lines form of a document: offsets count Unicode
// characters (code points), as most labelling tools do.
type jsonDoc struct {
	Text     string       `json:"text"`
	Entities []jsonEntity `json:"entities"`
}

type jsonEntity struct {
	Entity string `json:"entity"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
}

// WriteJSONL writes docs as JSON lines: {"text": …, "entities": [{"entity":
// "mobile", "start": 3, "end": 14}]}, offsets in characters.
func WriteJSONL(w io.Writer, docs []Doc) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, d := range docs {
		jd := jsonDoc{Text: string(d.Text), Entities: []jsonEntity{}}
		for _, s := range d.Spans {
			jd.Entities = append(jd.Entities, jsonEntity{s.Entity.String(), utf8.RuneCount(d.Text[:s.Start]), utf8.RuneCount(d.Text[:s.End])})
		}
		if err := enc.Encode(jd); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadJSONL reads documents written by WriteJSONL or by another labeller
// in the same form. Entity names may be keys ("id_card"), Chinese labels or
// the usual names of labelling tools ("person", "phone"); "category",
// "type" or "label" may stand for "entity". Offsets count characters unless
// byteOffsets is set.
func ReadJSONL(r io.Reader, byteOffsets bool) ([]Doc, error) {
	var docs []Doc
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var raw struct {
			Text     string `json:"text"`
			Entities []struct {
				Category string `json:"category"`
				Entity   string `json:"entity"`
				Type     string `json:"type"`
				Label    string `json:"label"`
				Start    int    `json:"start"`
				End      int    `json:"end"`
			} `json:"entities"`
		}
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			return nil, fmt.Errorf("corpus line %d: %w", line, err)
		}
		text := []byte(raw.Text)
		// Byte offset of every character boundary.
		var at []int
		if !byteOffsets {
			for i := range raw.Text {
				at = append(at, i)
			}
			at = append(at, len(text))
		}
		d := Doc{Text: text}
		for k, e := range raw.Entities {
			name := e.Entity
			if name == "" {
				name = e.Category
			}
			if name == "" {
				name = e.Type
			}
			if name == "" {
				name = e.Label
			}
			ent, err := parseCategory(name)
			if err != nil {
				return nil, fmt.Errorf("corpus line %d entity %d: %w", line, k+1, err)
			}
			start, end := e.Start, e.End
			if !byteOffsets {
				if start < 0 || end > len(at)-1 || start > end {
					return nil, fmt.Errorf("corpus line %d entity %d: offsets %d..%d outside the text (%d characters)", line, k+1, start, end, len(at)-1)
				}
				start, end = at[start], at[end]
			} else if start < 0 || end > len(text) || start > end {
				return nil, fmt.Errorf("corpus line %d entity %d: offsets %d..%d outside the text (%d bytes)", line, k+1, start, end, len(text))
			}
			d.Spans = append(d.Spans, Span{ent, start, end})
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("corpus line %d: %w", line+1, err)
	}
	return docs, nil
}

// parseCategory maps a labeller's category to an entity: an entity key or
// label, or a usual name ("person" and "PER" for names, "phone" for phone
// numbers of any kind).
func parseCategory(name string) (deid.Entity, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "person", "per", "per.nam", "person_name", "人名":
		return deid.Name, nil
	case "telephone", "tel", "phone_number", "电话":
		return deid.Mobile, nil
	case "mail", "e-mail":
		return deid.Email, nil
	}
	return deid.ParseEntity(name)
}
