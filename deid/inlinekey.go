package deid

import (
	"sync"
	"sync/atomic"
)

// Personal data under a field name in running text: log lines
// (receiverName=周九), query strings (?name=张三&addr=…), XML
// (<name>王五</name>) and JSON held in a string ("name":"张伟"). The field
// name is read as a column header is (InferEntity), and its value is
// masked as that column's would be. Names, addresses, QQ numbers, WeChat
// ids and the local numbers a phone field holds are read here; other
// numbers, e-mail and identifiers are found wherever they stand.

// keyByte marks the bytes of a field name: letters, digits, '_', '-', '.'.
var keyByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
	}
	return t
}()

// keyFollow marks what may follow a field name before its value: '=',
// ':', '>' (XML), '"' (JSON) and a space.
var keyFollow = byteSet("=:>\" ")

// inlineKey reads the value after the Latin field name at b[i] when the
// name is followed by '=', ':' (also after a closing quote) or, opened by
// '<', '>', and names a person, an address, a QQ number or a WeChat id. It
// emits the value and returns its end, or 0.
func (s *scan) inlineKey(i int) int {
	b := s.b
	n := len(b)
	if i > 0 && keyByte[b[i-1]] {
		return 0 // inside a field name: product_name
	}
	k := i
	for k < n && keyByte[b[k]] {
		k++
	}
	if k == i || k-i > 40 || k == n || !keyFollow[b[k]] {
		return 0
	}
	key := b[i:k]
	p := k
	switch {
	case p < n && b[p] == '>' && i > 0 && b[i-1] == '<':
		p++
	default:
		if p < n && b[p] == '"' && i > 0 && b[i-1] == '"' {
			p++ // "name":"张伟"
		}
		for p < n && b[p] == ' ' {
			p++
		}
		if p >= n || b[p] != '=' && b[p] != ':' {
			return 0
		}
		p++
		for p < n && (b[p] == ' ' || b[p] == '"' || b[p] == '\'') {
			p++
		}
	}
	if p >= n || p < s.last {
		return 0
	}
	e := keyEntity(key)
	if e == QQ || e == WeChat {
		// "qq":"7288166590", wx_id=xustudio: read as after QQ or 微信.
		return s.onlineID(p, e)
	}
	if e == Mobile || e == Landline {
		// "phone": "90710420": a local or Hong Kong number, read as
		// after 电话.
		return s.localLandline(p)
	}
	if e != Name && e != Address {
		return 0
	}
	q := p
	for q < n && q-p < 240 && !inlineValueEnd(b, q, e) {
		q++
	}
	for q > p && b[q-1] == ' ' {
		q--
	}
	if q == p {
		return 0
	}
	if e == Name {
		// A name: a few ideographs, or Latin words.
		if _, ok := hanAt(b, p); ok {
			if q-p > 18 {
				return 0
			}
		} else if latinNameAt(b, p) != q {
			return 0
		}
	}
	s.emit(e, p, q, 0, 0)
	return q
}

// keyKinds caches InferEntity of the field names met in text (log lines
// repeat a few names millions of times), up to maxKeyKinds names.
var (
	keyKinds    sync.Map // string → Entity
	keyKindsLen atomic.Int64
)

const maxKeyKinds = 1 << 16

func keyEntity(key []byte) Entity {
	if e, ok := keyKinds.Load(string(key)); ok {
		return e.(Entity)
	}
	e := InferEntity(string(key))
	if keyKindsLen.Load() < maxKeyKinds {
		if _, loaded := keyKinds.LoadOrStore(string(key), e); !loaded {
			keyKindsLen.Add(1)
		}
	}
	return e
}

// inlineValueEnd reports whether a field's value ends at b[q]: at the
// delimiters of query strings, XML, JSON and log lines, and for a name at
// a space or an ideographic comma too.
func inlineValueEnd(b []byte, q int, e Entity) bool {
	switch c := b[q]; c {
	case '&', '<', '"', '\'', ',', '|', ';', '\t', '\n', '\r', '}', ']':
		return true
	case ' ':
		// A Latin name goes on at a capital; an address at an ideograph
		// or a digit (广东省 深圳市, 3栋 501); a space before a line's end
		// (a line break read as one) or another field ends either.
		if q+1 >= len(b) || b[q+1] == ' ' {
			return true
		}
		if e == Name {
			return !(b[q+1] >= 'A' && b[q+1] <= 'Z')
		}
		return !(b[q+1] >= 0x80 || isDigit(b[q+1]))
	case 0xEF:
		return hasPrefixAt(b, q, "，") || hasPrefixAt(b, q, "；") || hasPrefixAt(b, q, "｜")
	case 0xE3:
		return hasPrefixAt(b, q, "。") || hasPrefixAt(b, q, "、")
	}
	return false
}
