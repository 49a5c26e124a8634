package deid

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"

	"ringfence"
)

// TestUTF16Refused: a UTF-16 input (Excel's "Unicode Text"), with or
// without its byte-order mark, is refused whole before anything is
// written, whatever encoding is asked: read as UTF-8 or GB18030 its names
// are other characters no recogniser sees, and came out in clear.
func TestUTF16Refused(t *testing.T) {
	le := func(s string, bom bool) []byte {
		var b []byte
		if bom {
			b = append(b, 0xFF, 0xFE)
		}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	text := "姓名\t手机\n张伟\t13912345678\n王芳\t13812345678\n"
	tests := []struct {
		name string
		in   []byte
		enc  string
	}{
		{"with its mark", le(text, true), ""},
		{"without a mark", le(text, false), ""},
		{"without a mark, utf-8 asked", le(text, false), "utf-8"},
		{"big-endian mark", append([]byte{0xFE, 0xFF}, 0, 'a'), ""},
	}
	e, err := NewEngine(Policy{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		var out bytes.Buffer
		_, err := e.Process(bytes.NewReader(tt.in), &out, Options{Format: CSV, Encoding: tt.enc})
		if ringfence.ErrorCode(err) != ringfence.EINVALID || !strings.Contains(err.Error(), "UTF-16") {
			t.Errorf("%s: %v, want a refusal naming UTF-16", tt.name, err)
		}
		if out.Len() != 0 {
			t.Errorf("%s: %d bytes written", tt.name, out.Len())
		}
	}
}
