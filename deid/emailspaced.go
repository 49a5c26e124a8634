package deid

// E-mail addresses typed with spaces around the at sign and the dots
// (邮箱 zhangsan @ qq . com, 邮箱：zhangsan@qq .com), read only after an
// e-mail label: without one, "a @ b . com" is as often prose.

// spacedEmail returns the end of an e-mail address whose local part is
// b[i:k], with up to two spaces before and after its at sign and its
// dots, after an e-mail label; 0 when there is none.
func spacedEmail(b []byte, i, k int) int {
	if k == i || b[k-1] == '.' {
		return 0
	}
	p := skipSpaces(b, k)
	w := atSignAt(b, p)
	if w == 0 || !emailLabelBefore(b, i) {
		return 0
	}
	p = skipSpaces(b, p+w)
	n := len(b)
	labels, end := 0, 0
	for p < n {
		q := domainLabelEnd(b, p)
		if q < 0 {
			break
		}
		labels++
		if labels >= 2 && spelledTLD(b[p:q]) {
			end = q
		}
		r := skipSpaces(b, q)
		dw := domainDotAt(b, r)
		if dw == 0 {
			break
		}
		r = skipSpaces(b, r+dw)
		if r >= n || !isWordByte(b[r]) {
			break
		}
		p = r
	}
	if end == 0 || end < n && (isWordByte(b[end]) || atSignAt(b, end) > 0) {
		return 0
	}
	return end
}
