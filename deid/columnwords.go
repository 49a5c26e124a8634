package deid

import (
	"strings"
	"unicode"
)

// Column names are matched word by word: a Latin word of columnWords names
// a column only as whole words of its header (split at '_', '-', '.',
// spaces, camelCase and digits), so that hotel is no telephone, and
// status_cancelled no cell phone. A header that also holds a word saying
// which attribute of the thing it is about (phone_model, card_type,
// email_sent, account_balance) or, for a name, what is named
// (product_name, company_name, hotel_name, user_name) names no personal
// data. Any other word next to it (customer_phone, receiver_name, name_cn)
// leaves the column of its kind: when unsure, the column is masked.

// headerTokens splits a column name into lower-case words: runs of Latin
// letters or digits, split at camelCase boundaries and between letters and
// digits, and runs of other letters (CJK), each one word.
func headerTokens(s string) []string {
	var toks []string
	rs := []rune(s)
	start := -1
	flush := func(i int) {
		if start >= 0 {
			toks = append(toks, strings.ToLower(string(rs[start:i])))
		}
		start = -1
	}
	class := func(r rune) int {
		switch {
		case r < 0x80 && unicode.IsLetter(r):
			return 1
		case r < 0x80 && unicode.IsDigit(r):
			return 2
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return 3
		}
		return 0
	}
	for i, r := range rs {
		c := class(r)
		if c == 0 {
			flush(i)
			continue
		}
		if start >= 0 {
			pc := class(rs[i-1])
			switch {
			case pc != c:
				flush(i)
			case c == 1 && unicode.IsUpper(r) && unicode.IsLower(rs[i-1]):
				flush(i) // phoneNumber
			case c == 1 && unicode.IsUpper(r) && unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
				flush(i) // IDCard
			}
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(rs))
	return toks
}

// wordTokens are the words of each Latin entry of columnWords.
var wordTokens = func() [][]string {
	t := make([][]string, len(columnWords))
	for i, w := range columnWords {
		if asciiWord(w.word) {
			t[i] = headerTokens(w.word)
		}
	}
	return t
}()

func asciiWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// attributeWords say that a column is about an attribute of a phone, card,
// account, address or mailbox rather than the thing itself.
var attributeWords = wordSet("type kind model brand maker os status state sent opened clicked bounced verified valid validated " +
	"flag is has count cnt total amount fee price cost balance limit level category template subject " +
	"optin opt subscribed unsubscribed format version color colour size coupon voucher gift discount reward points " +
	"month year day week age province city country region zip postcode postal source channel")

// nameOfWords say that a name column names something other than a person
// (product_name, company_name) or an account rather than its owner
// (user_name: an account id, read as free text, not masked as a name).
var nameOfWords = wordSet("product products item items goods sku commodity company companies corp org organization organisation " +
	"enterprise firm business merchant shop store brand hotel restaurant bank branch school university college hospital " +
	"department dept team group project app application file host domain server service table field column key class " +
	"type path dir base tag label category plan package campaign course event activity city province country region district " +
	"street road building station airport airline flight route site page channel vendor supplier model device platform " +
	"browser menu room venue property unit user login screen role job title position")

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// latinWordIn reports whether the words w (of a column word of entity e)
// stand in the header's words toks, without a word that makes the header
// about something else. The last word may be plural (emails, addresses).
func latinWordIn(toks, w []string, e Entity) bool {
	if len(w) == 0 {
		return false
	}
	for i := range toks {
		end := wordsAt(toks, i, w)
		if end < 0 {
			continue
		}
		other := false
		for j, t := range toks {
			if j >= i && j < end {
				continue
			}
			if attributeWords[t] || e == Name && nameOfWords[t] {
				other = true
				break
			}
		}
		if !other {
			return true
		}
	}
	return false
}

// trimTailNote drops what follows the words of a header in brackets or
// after spaces ("客户生日 (公历)", "生日（阳历）"), so that a word that must end
// the header is matched against its words.
func trimTailNote(k string) string {
	if i := strings.IndexAny(k, "(（[【"); i > 0 {
		k = k[:i]
	}
	return strings.TrimSpace(k)
}

// wordsAt returns the end of the words w in toks from toks[i], or -1. A
// word may stand as several header words run together by camelCase
// (WeChat, IDCard); the last may be plural.
func wordsAt(toks []string, i int, w []string) int {
	for j, x := range w {
		if i >= len(toks) {
			return -1
		}
		t := toks[i]
		i++
		for len(t) < len(x) && strings.HasPrefix(x, t) && i < len(toks) {
			t += toks[i]
			i++
		}
		if t != x && !(j == len(w)-1 && (t == x+"s" || t == x+"es")) {
			return -1
		}
	}
	return i
}

// endsHeader reports whether the CJK word w ends the header k, but for
// words of a date (出生年月日, 生日日期) and a note in brackets: 客户生日, not
// 生日礼券.
func endsHeader(k, w string) bool {
	k = trimTailNote(k)
	i := strings.LastIndex(k, w)
	if i < 0 {
		return false
	}
	for _, r := range k[i+len(w):] {
		if !strings.ContainsRune("年月日期号時时间間 ", r) {
			return false
		}
	}
	return true
}
