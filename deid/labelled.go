package deid

// Identity and card numbers with a wrong check character. People mistype
// them, and a list keeps the typo: 身份证号：11010519900512123X (check
// character 1, not X) is still the person's number with one digit wrong.
// Without a label such a run is left alone (an order number passes the
// shape as often as not); after an explicit label a run of the right
// shape is read whatever its check.

// explicitHints are the labels that name an identity or card number
// without doubt (not "ID" or a bare 卡, which name order and member
// numbers as often).
var explicitHints = []hintWord{
	{"身份证", IDCard}, {"身份證", IDCard}, {"证件号", IDCard}, {"證件號", IDCard}, {"身份号码", IDCard},
	{"银行卡", BankCard}, {"銀行卡", BankCard}, {"卡号", BankCard}, {"卡號", BankCard}, {"信用卡", BankCard},
	{"借记卡", BankCard}, {"储蓄卡", BankCard}, {"银行账号", BankCard}, {"银行帐号", BankCard},
	{"账户", BankCard}, {"帳戶", BankCard}, {"账号", BankCard}, {"帳號", BankCard}, {"存折", BankCard}, {"工资卡", BankCard},
}

// labelledShape returns IDCard for the 17 digits d and a final digit or
// X (x) of an identity number with a real division code or birth date, or
// BankCard for 16 to 19 digits, when an explicit label stands before
// b[start]; 0 otherwise. The digits
// must be grouped as such numbers are.
func (s *scan) labelledShape(d []byte, x bool, gs []group, start int) Entity {
	n := len(d)
	if x {
		n++
	}
	if n < 16 || n > 19 {
		return 0
	}
	// In a column named for them the label is the header: a value that
	// fails the check is masked whole there (fail closed), not read here.
	switch labelHintIn(s.b, start, explicitHints, &explicitFinals) {
	case IDCard:
		if n != 18 || !allDigits(d[:17]) || len(gs) > 1 && !idGrouping(gs) {
			return 0
		}
		if validIDDivision(d) || idShaped(d[:17], s.r.maxYear) {
			return IDCard
		}
	case BankCard:
		if !x && allDigits(d) && (len(gs) == 1 || cardGrouping(gs)) {
			return BankCard
		}
	}
	return 0
}
