package deid

import (
	"bytes"
	"strings"
	"testing"
)

// TestTaggerNameSpans: a conjunction the tagger took in is trimmed off a
// name or splits two names, and is kept in the output; a name with 和
// inside is not split.
func TestTaggerNameSpans(t *testing.T) {
	e, err := NewEngine(Policy{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{"杨幂和刘德华\n", "杨*和刘**\n"},
		{"小明和小红\n", "小*和小*\n"},
		{"王和平\n", "王和平\n"},
	} {
		var out bytes.Buffer
		if _, err := e.Process(strings.NewReader(c.in), &out, Options{Format: Text}); err != nil {
			t.Fatal(err)
		}
		if out.String() != c.want {
			t.Errorf("%q: %q, want %q", c.in, out.String(), c.want)
		}
	}
}

// TestFixNameSpans checks the two rules on spans given, whatever the
// tagger makes of the text.
func TestFixNameSpans(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"杨幂和", []string{"杨幂"}},
		{"杨和", []string{"杨和"}},          // one character would be left
		{"刘德华说", []string{"刘德华"}},       // a particle
		{"小明和小红", []string{"小明", "小红"}}, // 小 after the joiner
		{"张三、李四和王五", []string{"张三", "李四", "王五"}},
		{"王和平", []string{"王和平"}},     // one character before 和
		{"刘德和美丽", []string{"刘德和美丽"}}, // 美 is no surname
		{"老王与老李", []string{"老王", "老李"}},
	} {
		text := []byte(c.text)
		spans := fixNameSpans(text, [][2]int{{0, len(text)}}, 0)
		var got []string
		for _, sp := range spans {
			got = append(got, c.text[sp[0]:sp[1]])
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: %q, want %q", c.text, got, c.want)
		}
	}
}
