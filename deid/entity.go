package deid

import (
	"fmt"
	"strings"
)

// Entity is a kind of personal data that deid recognises. Its string form is
// the stable key used in policies, summaries and the API.
type Entity uint8

// The recognised entities. The zero Entity is "no entity".
const (
	Mobile    Entity = iota + 1 // mainland mobile number, in any notation
	Landline                    // fixed-line number with its area code
	IDCard                      // resident identity number, 18 or 15 digits
	BankCard                    // payment card number, 16 to 19 digits, Luhn
	USCC                        // unified social credit code (GB 32100)
	Plate                       // vehicle licence plate, incl. new-energy plates
	Email                       // e-mail address
	Name                        // Chinese personal name (in context)
	Address                     // postal address (province … number)
	QQ                          // QQ number introduced by its context (QQ, 企鹅 …)
	WeChat                      // WeChat id introduced by its context (微信, vx …)
	BirthDate                   // date of birth after its label (出生日期, DOB …) or in its column
	Passport                    // passport or travel permit number after its label (护照 …) or in its column
	numEntities
)

var entityKeys = [numEntities]string{"", "mobile", "landline", "id_card", "bank_card", "uscc", "plate", "email", "name", "address", "qq", "wechat", "birth_date", "passport"}

var entityLabels = [numEntities]string{"", "手机号", "固定电话", "身份证号", "银行卡号", "统一社会信用代码", "车牌号", "电子邮箱", "姓名", "地址", "QQ号", "微信号", "出生日期", "护照号"}

// Entities lists every entity in a stable order.
func Entities() []Entity {
	out := make([]Entity, 0, numEntities-1)
	for e := Mobile; e < numEntities; e++ {
		out = append(out, e)
	}
	return out
}

// String is the entity's key, such as "id_card".
func (e Entity) String() string {
	if e < numEntities {
		return entityKeys[e]
	}
	return fmt.Sprintf("entity(%d)", uint8(e))
}

// Label is the entity's Chinese label, such as "身份证号".
func (e Entity) Label() string {
	if e < numEntities {
		return entityLabels[e]
	}
	return e.String()
}

// Structured reports whether e is validated by a standard's structure or
// check digit (numbers, identity numbers, cards, codes, plates, e-mail)
// rather than by context (names, addresses, QQ numbers, WeChat ids, dates
// of birth, passport numbers).
func (e Entity) Structured() bool {
	return e != Name && e != Address && e != QQ && e != WeChat && e != BirthDate && e != Passport && e != 0
}

// ParseEntity returns the entity for a key ("mobile") or Chinese label
// ("手机号").
func ParseEntity(s string) (Entity, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	for e := Mobile; e < numEntities; e++ {
		if k == entityKeys[e] || s == entityLabels[e] {
			return e, nil
		}
	}
	switch k {
	case "phone", "cell":
		return Mobile, nil
	case "id", "idcard", "id_number":
		return IDCard, nil
	case "card", "bankcard":
		return BankCard, nil
	case "credit_code":
		return USCC, nil
	case "licence_plate", "license_plate":
		return Plate, nil
	case "weixin", "wx", "微信":
		return WeChat, nil
	case "qq_number", "qq号码":
		return QQ, nil
	case "dob", "birthday":
		return BirthDate, nil
	case "passport_no":
		return Passport, nil
	}
	keys := make([]string, 0, numEntities-1)
	for _, e := range Entities() {
		keys = append(keys, e.String())
	}
	return 0, fmt.Errorf("unknown entity %q (valid: %s)", s, strings.Join(keys, ", "))
}

// MarshalText implements encoding.TextMarshaler.
func (e Entity) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (e *Entity) UnmarshalText(b []byte) error {
	v, err := ParseEntity(string(b))
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// Match is one entity found in a text: the bytes text[Start:End].
type Match struct {
	Entity     Entity
	Start, End int
	// cc is the number of country-code digits (86 or 0086, 00852 …) that
	// lead a phone number's digits; area is the length of a landline's area
	// code among the national digits, leading 0 included when written.
	cc, area uint8
	// country is the calling code of a number outside mainland China (852,
	// 886, 65 …), 0 for a mainland number.
	country uint16
	// keep is 1 + the byte length of an address's province, city and
	// district, which masking keeps; 0 when unknown.
	keep uint16
	// plain tells that the match is ASCII digits only (and an identity
	// number's X), as the scanner read it; false when not known.
	plain bool
	// ocr tells that letters in the match stand for digits (read by OCR or
	// typed to get past filters: O for 0, l for 1), which masking counts
	// as the digits they stand for.
	ocr bool
}
