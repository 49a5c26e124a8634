package deid

// Names in pinyin or another Latin spelling after a name label: 姓名:Zhang
// Wei, Name: Li Na, 联系人：Wang Xiaoming, Contact: Chen Jie. Two or three
// capitalised words; a lone word or a lower-case one is not read (Name:
// admin), nor anything without a label.

// latinNameAt reads two or three capitalised Latin words at b[p], one
// space between them, and returns their end, or 0.
func latinNameAt(b []byte, p int) int {
	words, q := 0, p
	end := 0
	for words < 3 && q < len(b) && b[q] >= 'A' && b[q] <= 'Z' {
		r := q + 1
		for r < len(b) && byteClass[b[r]] == cLetter {
			r++
		}
		if r-q < 2 || r-q > 12 || r < len(b) && (isDigit(b[r]) || b[r] == '_' || b[r] == '@' || b[r] == '.' && r+1 < len(b) && isWordByte(b[r+1])) {
			break
		}
		words++
		end = r
		if r+1 < len(b) && b[r] == ' ' && b[r+1] >= 'A' && b[r+1] <= 'Z' {
			q = r + 1
			continue
		}
		break
	}
	if words < 2 {
		return 0
	}
	return end
}

// latinNameLabels are the Latin words that label a name, matched without
// regard to case and followed by a colon.
var latinNameLabels = []string{"name", "contact"}

// latinNameLabel reads a Latin name label at b[i] ("Name:", "contact :")
// and the name after it; it emits the name and returns its end, or 0.
func (s *scan) latinNameLabel(i int) int {
	b := s.b
	if i+1 >= len(b) || b[i+1]|0x20 != 'a' && b[i+1]|0x20 != 'o' {
		return 0 // neither "name" nor "contact"
	}
	for _, w := range latinNameLabels {
		end := i + len(w)
		if end > len(b) || !lowerEqual(b[i:end], w) || end < len(b) && (byteClass[b[end]] == cLetter || b[end] == '_') {
			continue
		}
		p := end
		for p < len(b) && b[p] == ' ' {
			p++
		}
		switch {
		case p < len(b) && b[p] == ':':
			p++
		case hasPrefixAt(b, p, "："):
			p += 3
		default:
			return 0
		}
		for p < len(b) && b[p] == ' ' {
			p++
		}
		if p < s.last {
			return 0
		}
		if e := latinNameAt(b, p); e > 0 {
			s.emit(Name, p, e, 0, 0)
			return e
		}
		return 0
	}
	return 0
}
