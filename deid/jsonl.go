package deid

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonCtx is one open JSON container.
type jsonCtx struct {
	object    bool
	expectKey bool
	key       []byte // the current key of an object
}

// jsonLine de-identifies one JSON line: string values (and numbers) are
// rewritten under the rule of their key, everything else is copied. ok is
// false when the line is not JSON; out then holds garbage.
func (st *state) jsonLine(out, line []byte) ([]byte, bool) {
	n := len(line)
	var stack []jsonCtx
	seen := false
	for i := 0; i < n; {
		c := line[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			out = append(out, c)
			i++
			continue
		case ':':
			if len(stack) == 0 || !stack[len(stack)-1].object {
				return out, false
			}
			out = append(out, c)
			i++
			continue
		case ',':
			if len(stack) == 0 {
				return out, false
			}
			top := &stack[len(stack)-1]
			if top.object {
				top.expectKey = true
			}
			out = append(out, c)
			i++
			continue
		case '{', '[':
			if len(stack) == 0 && seen {
				return out, false
			}
			seen = true
			stack = append(stack, jsonCtx{object: c == '{', expectKey: c == '{'})
			out = append(out, c)
			i++
			continue
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1].object != (c == '}') {
				return out, false
			}
			stack = stack[:len(stack)-1]
			out = append(out, c)
			i++
			continue
		}
		var top *jsonCtx
		if len(stack) == 0 {
			// A scalar alone on its line is a JSON value too.
			if seen {
				return out, false
			}
			seen = true
			top = &jsonCtx{}
		} else {
			top = &stack[len(stack)-1]
		}
		if c == '"' {
			j, esc := stringEnd(line, i+1)
			if j < 0 {
				return out, false
			}
			raw := line[i+1 : j]
			// Keys are scanned too: {"13812345678": …} is personal data.
			r := rule{op: OpScan, col: -1}
			if top.object && top.expectKey {
				top.key = raw
				top.expectKey = false
			} else {
				r = st.keyRule(stack)
			}
			out = append(out, '"')
			if esc {
				var ok bool
				st.tmp, st.offs, ok = unescapeJSON(st.tmp[:0], st.offs[:0], raw)
				if !ok {
					return out, false
				}
				out = st.rewrite(out, raw, st.tmp, st.offs, &r)
			} else {
				out = st.rewrite(out, raw, raw, nil, &r)
			}
			out = append(out, '"')
			i = j + 1
			continue
		}
		// A number or a literal.
		j := i
		for j < n && !jsonDelim[line[j]] {
			j++
		}
		tok := line[i:j]
		switch {
		case string(tok) == "true" || string(tok) == "false" || string(tok) == "null":
			out = append(out, tok...)
		case tok[0] == '-' || isDigit(tok[0]):
			mark := len(out)
			kr := st.keyRule(stack)
			out = st.rewrite(out, tok, tok, nil, &kr)
			if rep := out[mark:]; string(rep) != string(tok) && !jsonNumber(rep) {
				q := append([]byte{'"'}, rep...)
				out = append(append(out[:mark], q...), '"')
			}
		default:
			return out, false
		}
		i = j
	}
	return out, seen && len(stack) == 0
}

var jsonDelim = byteSet(" \t\r\n,:{}[]\"")

func jsonNumber(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) && c != '-' && c != '.' && c != 'e' && c != 'E' && c != '+' {
			return false
		}
	}
	return len(b) > 0
}

// stringEnd returns the index of the quote closing a JSON string whose
// content starts at b[i], and whether the string holds escapes; -1 when it
// is not closed.
func stringEnd(b []byte, i int) (int, bool) {
	esc := false
	for i < len(b) {
		switch b[i] {
		case '"':
			return i, esc
		case '\\':
			esc = true
			i += 2
			continue
		}
		i++
	}
	return -1, esc
}

// keyRule returns the rule of the innermost key around a value. When that
// key says nothing (no policy column, no kind inferred) and the nearest
// key around it that does is a name's ({"name":{"first":"四"}}) or an
// address's ({"addr":{"detail":"科苑路15号"}}), the value is a part of it.
func (st *state) keyRule(stack []jsonCtx) rule {
	inner := rule{op: OpScan, col: -1}
	found := false
	for k := len(stack) - 1; k >= 0; k-- {
		if !stack[k].object || stack[k].key == nil {
			continue
		}
		r := st.jsonKeyRule(stack[k].key)
		if !found {
			inner, found = r, true
			if r.op != OpScan || r.entity != 0 {
				return inner
			}
			continue
		}
		if r.op == OpScan && r.entity == 0 {
			continue
		}
		if r.entity == Name && r.names || r.entity == Address {
			r.col = inner.col
			return r
		}
		return inner
	}
	return inner
}

// jsonKeyRule returns the rule of one JSON key, raw as in its line.
func (st *state) jsonKeyRule(key []byte) rule {
	if r, ok := st.jsonRules[string(key)]; ok {
		return r
	}
	name := string(key)
	if hasBackslash(key) {
		if d, _, ok := unescapeJSON(nil, nil, key); ok {
			name = string(d)
		}
	}
	r := st.ruleFor(name, -1)
	if r.entity == 0 && !r.explicit && validMobile([]byte(strings.TrimPrefix(name, "+86"))) {
		// A phone book keyed by number ({"13812345678":"张三"}): the
		// value is the name of the number's owner.
		r = st.ruleFor("姓名", -1)
	}
	if st.jsonRules == nil {
		st.jsonRules = map[string]rule{}
	}
	if len(st.jsonRules) < 10000 {
		st.jsonRules[string(key)] = r
	}
	return r
}

func hasBackslash(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}

// unescapeJSON resolves the escapes of JSON string content raw, recording
// for each byte of the result the offset in raw where its character starts
// (and one more entry for the end).
func unescapeJSON(dst []byte, offs []int, raw []byte) ([]byte, []int, bool) {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			offs = append(offs, i)
			dst = append(dst, c)
			i++
			continue
		}
		if i+1 >= len(raw) {
			return dst, offs, false
		}
		start := i
		var r rune
		switch raw[i+1] {
		case '"', '\\', '/':
			r = rune(raw[i+1])
			i += 2
		case 'b':
			r, i = '\b', i+2
		case 'f':
			r, i = '\f', i+2
		case 'n':
			r, i = '\n', i+2
		case 'r':
			r, i = '\r', i+2
		case 't':
			r, i = '\t', i+2
		case 'u':
			v, ok := hex4(raw, i+2)
			if !ok {
				return dst, offs, false
			}
			r, i = rune(v), i+6
			if utf16.IsSurrogate(r) {
				if lo, ok := hex4(raw, i+2); ok && i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					r, i = utf16.DecodeRune(r, rune(lo)), i+6
				}
			}
		default:
			return dst, offs, false
		}
		k := len(dst)
		dst = utf8.AppendRune(dst, r)
		for range len(dst) - k {
			offs = append(offs, start)
		}
	}
	offs = append(offs, len(raw))
	return dst, offs, true
}

func hex4(b []byte, i int) (int, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[i : i+4] {
		switch {
		case isDigit(c):
			v = v*16 + int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v*16 + int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v*16 + int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
