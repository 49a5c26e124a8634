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

// pinyinSurnames are the commonest Chinese surnames in pinyin: after a
// title, a name in Latin letters is read only when it starts with one
// (Dear Customer, Mr Smith stay).
var pinyinSurnames = wordSet("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song Tang " +
	"Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Jin Fu Zhong Cui Tan " +
	"Fan Wan Qian Shi Jia Xia Hou Dai Mo Kong Bai Qiu Qin Yin Xue Yan Duan Lei Long Tao Mao Hao Gu Meng Qi Kang Ji Wen Fang Ou Ouyang Situ Shangguan Zhuge")

// isLatinTitle reports whether w is an English title that puts a
// person's name after it: Mr Wang Wei, Dear Zhang Wei, Customer Wang
// Xiaoming called.
func isLatinTitle(w string) bool {
	switch w {
	case "Mr", "Mrs", "Ms", "Miss", "Dr", "Dear", "Customer", "Client", "Patient", "customer", "client", "patient":
		return true
	}
	return false
}

// latinTitleLead marks the first letters of the titles of isLatinTitle.
var latinTitleLead = byteSet("MDCPcp")

// latinTitleName reads a name in pinyin after an English title at b[i]
// (Mr Wang Wei, Mr. Chen Jie, Dear Zhang Wei,): two or three capitalised
// words, the first a common surname. It emits the name and returns its
// end, or 0.
func (s *scan) latinTitleName(i int) int {
	b := s.b
	k := i
	for k < len(b) && byteClass[b[k]] == cLetter {
		k++
	}
	p := k
	if p < len(b) && b[p] == '.' {
		p++
	}
	if p >= len(b) || b[p] != ' ' || k-i < 2 || k-i > 8 || !isLatinTitle(string(b[i:k])) {
		return 0
	}
	for p < len(b) && b[p] == ' ' {
		p++
	}
	q := p
	for q < len(b) && byteClass[b[q]] == cLetter {
		q++
	}
	if p < s.last || !pinyinSurnames[string(b[p:q])] {
		return 0
	}
	if e := latinNameAt(b, p); e > 0 {
		s.emit(Name, p, e, 0, 0)
		return e
	}
	return 0
}
