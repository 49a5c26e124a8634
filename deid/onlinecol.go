package deid

// columnOnline appends to ms the QQ numbers (e QQ: 5 to 11 digits, the
// first not 0) or WeChat ids (e WeChat: a letter, then 5 to 19 letters,
// digits, '_' or '-') standing as words anywhere in v, a value of a column
// whose name says it holds them (QQ, QQ号, 微信, wechat_id, wx …), in place
// of the matches they overlap. A value in which none is found is masked
// whole by the caller.
func columnOnline(ms []Match, v []byte, e Entity) []Match {
	var found []Match
	word := func(c byte) bool { return isWordByte(c) || c == '-' }
	for i := 0; i < len(v); {
		if !word(v[i]) || i > 0 && word(v[i-1]) {
			i++
			continue
		}
		q := i
		digits := true
		for q < len(v) && word(v[q]) {
			digits = digits && isDigit(v[q])
			q++
		}
		if q < len(v) && (atSignAt(v, q) > 0 || v[q] == '.' && q+1 < len(v) && isWordByte(v[q+1])) {
			i = q // part of an e-mail address or a domain: the scanner's
			continue
		}
		n := q - i
		switch {
		case e == QQ && digits && n >= 5 && n <= 11 && v[i] != '0':
			found = append(found, Match{Entity: QQ, Start: i, End: q})
		case e == WeChat && byteClass[v[i]] == cLetter && n >= 6 && n <= 20:
			found = append(found, Match{Entity: WeChat, Start: i, End: q})
		}
		i = q
	}
	return mergeFound(ms, found)
}
