package deid

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFindRealText holds the misses seen on real Chinese web bios and posts:
// numbers typed straight into letters and symbols, numbers outside mainland
// China, QQ numbers, WeChat ids and e-mail with full-width "＠". Each want
// must be among what Find returns; nothing else may overlap it.
func TestFindRealText(t *testing.T) {
	tests := []struct {
		in   string
		want []found
	}{
		// Mainland mobiles run into letters and symbols.
		{"：13910819844E-mail:", []found{{Mobile, "13910819844"}}},
		{"missworld.cn13501379817", []found{{Mobile, "13501379817"}}},
		{"13601283569@郝经安", []found{{Mobile, "13601283569"}}},
		{"+86-18601200718E：", []found{{Mobile, "+86-18601200718"}}},
		{"158-1121-2183", []found{{Mobile, "158-1121-2183"}}},
		{"手机１５８－１１２１－２１８３。", []found{{Mobile, "１５８－１１２１－２１８３"}}},
		{"Tel13910819844Fax", []found{{Mobile, "13910819844"}}},
		// Hong Kong, Taiwan, Macau and other international numbers.
		{"+886-936-092-241", []found{{Mobile, "+886-936-092-241"}}},
		{"852-97392372", []found{{Mobile, "852-97392372"}}},
		{"(852)61909075", []found{{Mobile, "(852)61909075"}}},
		{"（+886）2-2752-1874", []found{{Landline, "（+886）2-2752-1874"}}},
		{"00886928592269", []found{{Mobile, "00886928592269"}}},
		{"0085290544220", []found{{Mobile, "0085290544220"}}},
		{"886-2369-9886#585", []found{{Landline, "886-2369-9886"}}},
		{"+6568714242", []found{{Landline, "+6568714242"}}},
		{"＋８５３ ６６１２ ３４５６", []found{{Mobile, "＋８５３ ６６１２ ３４５６"}}},
		{"香港手机：9739 2372", []found{{Mobile, "9739 2372"}}},
		{"台湾手机0936-092-241", []found{{Mobile, "0936-092-241"}}},
		// QQ numbers and WeChat ids in context.
		{"QQ772845851", []found{{QQ, "772845851"}}},
		{"qq764957359", []found{{QQ, "764957359"}}},
		{"QQ｜微信：1827967769", []found{{QQ, "1827967769"}}},
		{"企鹅：10086123", []found{{QQ, "10086123"}}},
		{"Q:58246", []found{{QQ, "58246"}}},
		{"微信：hongshui007", []found{{WeChat, "hongshui007"}}},
		{"vx: rachel-213", []found{{WeChat, "rachel-213"}}},
		{"V信 abc_12345，", []found{{WeChat, "abc_12345"}}},
		{"WeChat:wx_lee2020", []found{{WeChat, "wx_lee2020"}}},
		{"微信同号13812345678", []found{{Mobile, "13812345678"}}},
		{"QQ邮箱：772845851@qq.com", []found{{Email, "772845851@qq.com"}}},
		// E-mail with a full-width at sign and CJK around it.
		{"邮箱zhang.san＠example.com联系", []found{{Email, "zhang.san＠example.com"}}},
		{"投稿：abc@163.com谢谢", []found{{Email, "abc@163.com"}}},
	}
	for _, tt := range tests {
		got := findAll(t, tt.in)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Find(%q)\n got  %v\n want %v among them", tt.in, got, tt.want)
			}
		}
	}
}

// TestFindRealTextLookAlikes checks that what only looks like personal data
// in the same notations is left alone.
func TestFindRealTextLookAlikes(t *testing.T) {
	for _, in := range []string{
		"订单号：202311151381234567",
		"时间戳1699999999123",
		"ORD2023111513812345678", // a mobile inside a longer digit run
		"852-1234",               // too short for Hong Kong
		"+886-000-000-000",       // no such Taiwan number
		"QQ群：一二三",                // no number
		"微信公众号",                  // no id
		"qq音乐12",                 // too short
		"2023-11-15 13:45:12",    // a date and a time
		"版本号v1.2.3",
		"快递单号SF0066900232610",    // a courier number, not 0066 (Thailand)
		"快递单号JD0081271079695301", // nor 0081 (Japan)
	} {
		if got := findAll(t, in); len(got) > 0 {
			t.Errorf("Find(%q) = %v, want nothing", in, got)
		}
	}
}

// TestDivisionCodes checks that 18-digit numbers whose division code is no
// GB/T 2260 code are neither identity numbers nor credit codes, even when
// their check character fits.
func TestDivisionCodes(t *testing.T) {
	tests := []struct {
		body string // 17 characters; the check character is appended
		uscc bool
		want Entity
	}{
		{"91110108MA01ABCD", true, USCC},     // Haidian, Beijing
		{"91110199MA01ABCD", true, 0},        // 110199 is no code
		{"92440305MA5FXXXX", true, USCC},     // Nanshan, Shenzhen
		{"92449999MA5FXXXX", true, 0},        // 449999 is no code
		{"11010519491231002", false, IDCard}, // Chaoyang, Beijing
		{"11980519491231002", false, 0},      // prefecture 98 does not exist
	}
	for _, tt := range tests {
		var s string
		if tt.uscc {
			body := tt.body + "0"
			body = body[:17]
			s = body + string(usccCheck([]byte(body)))
		} else {
			s = tt.body + string(idCheck([]byte(tt.body)))
		}
		var got Entity
		if ms := Find([]byte(s)); len(ms) == 1 && ms[0].Start == 0 && ms[0].End == len(s) {
			got = ms[0].Entity
		}
		if got != tt.want {
			t.Errorf("Find(%s) = %v, want %v", s, got, tt.want)
		}
	}
}

// TestLookAlikeSurvival draws 18-digit order numbers, 13-digit timestamps
// and identity numbers with a wrong check digit, and requires at least
// 0.999 of each to be left alone.
func TestLookAlikeSurvival(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 34))
	digits := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return b
	}
	rec := NewRecognizer(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	const n = 200000
	// Random 18-digit numbers that start with a card scheme's prefix and
	// pass Luhn are indistinguishable from UnionPay or Visa cards; they are
	// counted apart (cards) and not held to the target.
	kinds := []struct {
		name string
		gen  func() []byte
	}{
		{"order number", func() []byte { return digits(18) }},
		{"order number from 1-9", func() []byte { d := digits(18); d[0] = byte('1' + r.IntN(9)); return d }},
		{"dated order number", func() []byte {
			return append(fmt.Appendf(nil, "20%02d%02d%02d", 15+r.IntN(11), 1+r.IntN(12), 1+r.IntN(28)), digits(10)...)
		}},
		{"timestamp ms", func() []byte {
			return fmt.Appendf(nil, "%d", time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()+r.Int64N(15*365*86400*1000))
		}},
		{"bad identity check", func() []byte {
			y := 1950 + r.IntN(60)
			d := fmt.Appendf(nil, "110105%04d%02d%02d%03d", y, 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
			c := idCheck(d)
			k := (indexByte(idCheckChars, c) + 1 + r.IntN(10)) % 11
			return append(d, idCheckChars[k])
		}},
	}
	for _, k := range kinds {
		hit, cards := 0, 0
		for range n {
			text := append([]byte("单据"), k.gen()...)
			for _, m := range rec.Find(text) {
				if m.Entity == BankCard {
					cards++
				} else {
					hit++
				}
			}
		}
		survival := 1 - float64(hit)/n
		t.Logf("%s: %d of %d found (and %d Luhn-valid card look-alikes), survival %.5f", k.name, hit, n, cards, survival)
		if survival < 0.999 {
			t.Errorf("%s: survival %.5f < 0.999", k.name, survival)
		}
	}
}

func indexByte(s string, c byte) int {
	for i := range len(s) {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// TestOperatorsNewKinds applies every operator to the kinds of match added
// for real text: numbers outside mainland China, QQ numbers, WeChat ids and
// e-mail with a full-width at sign.
func TestOperatorsNewKinds(t *testing.T) {
	c, k := testCiphers(t)
	tests := []struct {
		text, value  string // value is the match in text
		mask, redact string
	}{
		{"+886-936-092-241", "+886-936-092-241", "+886-***-***-*41", "[mobile]"},
		{"852-97392372", "852-97392372", "852-******72", "[mobile]"},
		{"（+886）2-2752-1874", "（+886）2-2752-1874", "（+886）*-****-**74", "[landline]"},
		{"QQ772845851", "772845851", "7*******1", "[qq]"},
		{"微信：hongshui007", "hongshui007", "h**********", "[wechat]"},
		{"邮箱zhang.san＠example.com", "zhang.san＠example.com", "z********＠example.com", "[email]"},
	}
	for _, tt := range tests {
		text := []byte(tt.text)
		var m Match
		for _, x := range Find(text) {
			if string(text[x.Start:x.End]) == tt.value {
				m = x
			}
		}
		if m.Entity == 0 {
			t.Errorf("%q: %q not found", tt.text, tt.value)
			continue
		}
		if got := string(mask(nil, text, m)); got != tt.mask {
			t.Errorf("mask(%q) = %q, want %q", tt.value, got, tt.mask)
		}
		if got := string(redact(nil, m.Entity)); got != tt.redact {
			t.Errorf("redact(%q) = %q, want %q", tt.value, got, tt.redact)
		}
		slots := numeralSlots(nil, text, m)
		tok := string(pseudonym(nil, &k.pseudo, m.Entity, normal(nil, text, m, slots)))
		if !strings.HasPrefix(tok, pseudoPrefix[m.Entity]+"_") || strings.Contains(tok, tt.value) {
			t.Errorf("pseudonym(%q) = %q", tt.value, tok)
		}
		enc, err := c.fpe(nil, text, m, slots, false)
		if err != nil {
			t.Errorf("fpe(%q): %v", tt.value, err)
			continue
		}
		if string(enc) == tt.value || len(enc) != len(tt.value) {
			t.Errorf("fpe(%q) = %q: want another value of the same length", tt.value, enc)
		}
		// The ciphertext is found again as the same kind and decrypts back.
		ct := append(append(append([]byte(nil), text[:m.Start]...), enc...), text[m.End:]...)
		var m2 Match
		for _, x := range Find(ct) {
			if x.Start == m.Start && x.End == m.Start+len(enc) {
				m2 = x
			}
		}
		if m2.Entity != m.Entity {
			t.Errorf("fpe(%q) = %q is not found again as %v", tt.value, enc, m.Entity)
			continue
		}
		dec, err := c.fpe(nil, ct, m2, numeralSlots(nil, ct, m2), true)
		if err != nil || string(dec) != tt.value {
			t.Errorf("decrypt(fpe(%q)) = %q, %v", tt.value, dec, err)
		}
	}
	// One number, one token, whatever the notation.
	tok := func(s string) string {
		for _, m := range Find([]byte(s)) {
			return string(pseudonym(nil, &k.pseudo, m.Entity, normal(nil, []byte(s), m, numeralSlots(nil, []byte(s), m))))
		}
		return ""
	}
	for _, group := range [][]string{
		{"+852 9739 2372", "852-97392372", "(852)97392372", "0085297392372", "香港电话97392372"},
		{"+886 936 092 241", "0936-092-241", "00886936092241"},
		{"a@b.cn", "A＠B.CN"},
	} {
		want := tok(group[0])
		for _, s := range group[1:] {
			if got := tok(s); got != want || got == "" {
				t.Errorf("pseudonym(%q) = %q, pseudonym(%q) = %q: want one token", s, got, group[0], want)
			}
		}
	}
}

// TestFindNamesInRunningText holds person names that real bios and posts
// introduce by context.
func TestFindNamesInRunningText(t *testing.T) {
	tests := []struct {
		in   string
		want []found
	}{
		{"商务合作联系经理人李涛：13910819844", []found{{Name, "李涛"}, {Mobile, "13910819844"}}},
		{"经纪人MIKI（赵思熹）", []found{{Name, "赵思熹"}}},
		{"张伟的手机是13812345678", []found{{Name, "张伟"}, {Mobile, "13812345678"}}},
		{"欧阳娜娜的微信：nana_2020", []found{{Name, "欧阳娜娜"}, {WeChat, "nana_2020"}}},
		{"对接人：王小明", []found{{Name, "王小明"}}},
	}
	for _, tt := range tests {
		got := findAll(t, tt.in)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("Find(%q)\n got  %v\n want %v", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{"我的手机坏了", "公司的电话是多少", "他的邮箱满了"} {
		if got := findAll(t, in); len(got) > 0 {
			t.Errorf("Find(%q) = %v, want nothing", in, got)
		}
	}
}

// TestFindAmidLetters holds numbers run into Latin letters (issue 12): a
// mainland mobile, an 18-character identity number whose check fits and a
// Luhn-valid card are found whatever letters touch them, an 'x' after a
// mobile included. Each want is the only match.
func TestFindAmidLetters(t *testing.T) {
	tests := []struct {
		in   string
		want []found
	}{
		{"13612345678x", []found{{Mobile, "13612345678"}}},
		{"13612345678X", []found{{Mobile, "13612345678"}}},
		{"his phone 13612345678x", []found{{Mobile, "13612345678"}}},
		{"tel:13612345678x", []found{{Mobile, "13612345678"}}},
		{"电话１３９１２３４５６７８x", []found{{Mobile, "１３９１２３４５６７８"}}},
		{"电话１３９１２３４５６７８X。", []found{{Mobile, "１３９１２３４５６７８"}}},
		{"+86 136 1234 5678x", []found{{Mobile, "+86 136 1234 5678"}}},
		{"ID110101199003071233", []found{{IDCard, "110101199003071233"}}},
		{"A110101199003071233", []found{{IDCard, "110101199003071233"}}},
		{"No110101199003071233", []found{{IDCard, "110101199003071233"}}},
		{"110101199003071233abc", []found{{IDCard, "110101199003071233"}}},
		{"ID11010519491231002X", []found{{IDCard, "11010519491231002X"}}},
		{"ID11010519491231002x。", []found{{IDCard, "11010519491231002x"}}},
		{"card6222021234567890128", []found{{BankCard, "6222021234567890128"}}},
		{"Card:6222021234567890128", []found{{BankCard, "6222021234567890128"}}},
		{"6222021234567890128x", []found{{BankCard, "6222021234567890128"}}},
		{"6217001234567893abc", []found{{BankCard, "6217001234567893"}}},
		// Still found as before.
		{"id:110101199003071233", []found{{IDCard, "110101199003071233"}}},
		{"身份证110101199003071233", []found{{IDCard, "110101199003071233"}}},
		{"卡号6222021234567890128", []found{{BankCard, "6222021234567890128"}}},
		{"13612345678a", []found{{Mobile, "13612345678"}}},
		// Look-alikes amid letters stay untouched.
		{"ID110101199003071234", nil},                           // wrong check digit
		{"A110101199013071230", nil},                            // month 13
		{"DD6222021234567890128", nil},                          // a code prefix, no card label
		{"ORD2023111513812345678", nil},                         // an order number
		{"SN13812345678X", nil},                                 // part of a code
		{"51420106485742167C", nil},                             // a credit code whose check fails
		{"Y132050640803364XD", nil},                             // nor a 15-digit identity number inside one
		{"11010519491231002Xabc", nil},                          // an X that starts a word is no check character
		{"C00000001", nil},                                      // a SKU code
		{"6222021234567890123x", nil},                           // Luhn fails
		{"1361234567x", nil},                                    // 10 digits
		{"0x5f3a13612345678", []found{{Mobile, "13612345678"}}}, // as before: a mobile in letters
	}
	for _, tt := range tests {
		got := findAll(t, tt.in)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("Find(%q)\n got  %v\n want %v", tt.in, got, tt.want)
		}
	}
}

// TestAmidLettersLookAlikeSurvival draws look-alikes run into Latin
// letters — order numbers behind a code prefix, hex ids, SKU codes and
// identity numbers with a wrong check digit behind ID or before letters —
// and requires at least 0.999 of each to be left alone. A phone number run
// into letters is read by design (cn13501379817), so inside hex ids and SKU
// codes the runs read as phone numbers are counted apart and not held to
// the target: the target holds the identity numbers and cards read amid
// letters.
func TestAmidLettersLookAlikeSurvival(t *testing.T) {
	r := rand.New(rand.NewPCG(56, 78))
	digits := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return b
	}
	badID := func() []byte {
		d := fmt.Appendf(nil, "%s%04d%02d%02d%03d", []string{"110105", "440305", "510107", "330106"}[r.IntN(4)], 1950+r.IntN(60), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
		c := idCheck(d)
		return append(d, idCheckChars[(indexByte(idCheckChars, c)+1+r.IntN(10))%11])
	}
	rec := NewRecognizer(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	const n = 100000
	kinds := []struct {
		name string
		gen  func() []byte
	}{
		{"DD order number", func() []byte { return append([]byte("DD"), digits(16+r.IntN(4))...) }},
		{"ORD order number", func() []byte { return append([]byte("ORD"), digits(18)...) }},
		{"hex id", func() []byte {
			b := make([]byte, 32)
			for i := range b {
				b[i] = "0123456789abcdef"[r.IntN(16)]
			}
			return b
		}},
		{"SKU code", func() []byte { return append([]byte("C"), digits(8+r.IntN(10))...) }},
		{"bad identity check after ID", func() []byte { return append([]byte("ID"), badID()...) }},
		{"bad identity check before letters", func() []byte { return append(badID(), "abc"...) }},
	}
	for _, k := range kinds {
		hit, phones := 0, 0
		for range n {
			text := append([]byte("单据 "), k.gen()...)
			for _, m := range rec.Find(text) {
				if m.Entity == Mobile || m.Entity == Landline {
					phones++
				} else {
					hit++
				}
			}
		}
		survival := 1 - float64(hit)/n
		t.Logf("%s: %d of %d found (and %d phone numbers), survival %.5f", k.name, hit, n, phones, survival)
		if survival < 0.999 {
			t.Errorf("%s: survival %.5f < 0.999", k.name, survival)
		}
	}
}

// TestAmidLettersCSV runs the numbers of TestFindAmidLetters through a
// free-text CSV column and through the text format: the masked field is the
// same byte for byte, and no number is left in clear.
func TestAmidLettersCSV(t *testing.T) {
	tests := []struct{ in, secret string }{
		{"his phone 13612345678x", "13612345678"},
		{"tel:13612345678x", "13612345678"},
		{"电话１３９１２３４５６７８x", "１３９１２３４５６７８"},
		{"ID110101199003071233", "110101199003071233"},
		{"A110101199003071233", "110101199003071233"},
		{"No110101199003071233", "110101199003071233"},
		{"110101199003071233abc", "110101199003071233"},
		{"card6222021234567890128", "6222021234567890128"},
		{"6222021234567890128x", "6222021234567890128"},
	}
	for _, tt := range tests {
		csvOut, sum := process(t, Policy{}, nil, []byte("备注\n"+tt.in+"\n"), Options{Format: CSV})
		if sum.FailedRecords != 0 {
			t.Errorf("%q: %d failed records", tt.in, sum.FailedRecords)
		}
		textOut, _ := process(t, Policy{}, nil, []byte(tt.in+"\n"), Options{Format: Text})
		field, ok := strings.CutPrefix(string(csvOut), "备注\n")
		if !ok || field != string(textOut) {
			t.Errorf("%q: csv %q, text %q", tt.in, csvOut, textOut)
		}
		if strings.Contains(string(csvOut), tt.secret) || strings.Contains(string(textOut), tt.secret) {
			t.Errorf("%q: %s in clear: csv %q, text %q", tt.in, tt.secret, csvOut, textOut)
		}
	}
}
