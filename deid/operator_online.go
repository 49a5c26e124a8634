package deid

import "fmt"

// atIndex returns the offset and width of the at sign ('@' or '＠') of an
// e-mail address v.
func atIndex(v []byte) (int, int) {
	for i, c := range v {
		// atSignAt, without the call for bytes that start neither.
		if c == '@' || c == 0xEF {
			if w := atSignAt(v, i); w > 0 {
				return i, w
			}
		}
	}
	return len(v), 0
}

// wechat encrypts a WeChat id's characters after the first (a letter, which
// stays), letters into letters of the same case and digits into digits, so
// the result is still a well-formed id of the same shape.
func (c *ciphers) wechat(v []byte, decrypt bool) error {
	var pos, vals, radixes []int
	for i := 1; i < len(v); i++ {
		switch ch := v[i]; {
		case isDigit(ch):
			pos, vals, radixes = append(pos, i), append(vals, int(ch-'0')), append(radixes, 10)
		case ch >= 'a' && ch <= 'z':
			pos, vals, radixes = append(pos, i), append(vals, int(ch-'a')), append(radixes, 26)
		case ch >= 'A' && ch <= 'Z':
			pos, vals, radixes = append(pos, i), append(vals, int(ch-'A')), append(radixes, 26)
		}
	}
	if len(pos) == 0 {
		return fmt.Errorf("wechat: %w", ErrNoFPE)
	}
	if err := c.mixed(vals, radixes, "wechat:"+string(v[:1]), decrypt); err != nil {
		return err
	}
	putAlnum(v, pos, vals)
	return nil
}
