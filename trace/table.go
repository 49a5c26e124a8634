package trace

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/width"
)

// Encoding is the character encoding of a CSV file.
type Encoding string

// The encodings a customer list comes in. Excel in Chinese locales saves
// CSV in GBK (GB18030 is its superset, used for both reading and writing).
const (
	UTF8    Encoding = "utf-8"
	UTF8BOM Encoding = "utf-8-bom"
	GB18030 Encoding = "gb18030"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Table is a CSV customer list held in memory, with what is needed to write
// it back the way it came: encoding, delimiter and line endings.
type Table struct {
	Header   []string // nil when the file has no header row
	Rows     [][]string
	Encoding Encoding
	Comma    rune
	CRLF     bool
	ncol     int // the widest row, when Rows holds only a sample
}

// MaxTableBytes bounds the size of a list ReadTable accepts.
const MaxTableBytes = 4 << 30

// ReadTable reads a CSV list in UTF-8 (with or without a byte order mark) or
// GBK/GB18030, with a comma, tab, semicolon or vertical bar delimiter, and
// decides whether its first row is a header. Rows may have differing field
// counts.
func ReadTable(r io.Reader) (*Table, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxTableBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read list: %w", err)
	}
	if len(raw) > MaxTableBytes {
		return nil, fmt.Errorf("read list: larger than %d bytes", MaxTableBytes)
	}
	t := &Table{Encoding: UTF8}
	text, enc, err := decodeText(raw)
	if err != nil {
		return nil, err
	}
	t.Encoding = enc
	t.Comma = sniffComma(text)
	t.CRLF = bytes.Contains(text[:min(len(text), 1<<16)], []byte("\r\n"))
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = t.Comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("read list line %d: %w", line, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		t.Rows = append(t.Rows, rec)
	}
	if len(t.Rows) > 0 && isHeader(t.Rows[0]) {
		t.Header, t.Rows = t.Rows[0], t.Rows[1:]
	}
	return t, nil
}

// decodeText returns raw as UTF-8 and the encoding it was in.
func decodeText(raw []byte) ([]byte, Encoding, error) {
	if bytes.HasPrefix(raw, utf8BOM) {
		return raw[3:], UTF8BOM, nil
	}
	if utf8.Valid(raw) {
		return raw, UTF8, nil
	}
	text, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
	if err != nil {
		return nil, "", fmt.Errorf("read list: neither UTF-8 nor GB18030: %w", err)
	}
	return text, GB18030, nil
}

// sniffComma picks the delimiter that splits the first line into the most
// fields, counting only outside quotes.
func sniffComma(text []byte) rune {
	line := text
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	best, bestN := ',', 0
	for _, c := range []rune{',', '\t', ';', '|'} {
		n, quoted := 0, false
		for _, r := range string(line) {
			if r == '"' {
				quoted = !quoted
			} else if r == c && !quoted {
				n++
			}
		}
		if n > bestN {
			best, bestN = c, n
		}
	}
	return best
}

// isHeader reports whether row is a header: some cell names a known column
// and no cell holds a phone number or ID number.
func isHeader(row []string) bool {
	named := 0
	for _, cell := range row {
		if roleByName(cell) != RoleOther {
			named++
		}
		if _, ok := cellPhone(cell); ok {
			return false
		}
		if _, ok := cellID(cell); ok {
			return false
		}
	}
	return named > 0
}

// Write writes t in its own encoding, delimiter and line endings, cells
// as they are.
func (t *Table) Write(w io.Writer) error {
	rw := newRowWriter(w, t.Encoding, t.Comma, t.CRLF, true)
	if t.Header != nil {
		if err := rw.write(t.Header); err != nil {
			return err
		}
	}
	for _, row := range t.Rows {
		if err := rw.write(row); err != nil {
			return err
		}
	}
	return rw.close()
}

// Role is what a column holds.
type Role int

// Column roles recognised by name (Chinese or English) or by content.
const (
	RoleOther Role = iota
	RolePhone
	RoleName
	RoleID
	RoleAddress
	RoleGender
	RoleBirth
	RoleAge
	RoleEmail
	RolePlate
)

var roleNames = [...]string{"other", "phone", "name", "id", "address", "gender", "birth", "age", "email", "plate"}

func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "role" + strconv.Itoa(int(r))
}

// columnNames lists header names per role, most specific roles first.
// Names are compared after normalisation (see headerKey); Chinese names
// also match as substrings (客户手机号 is a phone column).
var columnNames = []struct {
	role  Role
	exact []string
	sub   []string
}{
	{RoleID, []string{"id", "idno", "idnumber", "idcard", "idcardno", "nationalid", "residentid", "identity", "identitycard", "证件"},
		[]string{"身份证", "证件号"}},
	{RolePlate, []string{"plate", "plateno", "licenseplate", "platenumber", "carplate"}, []string{"车牌"}},
	{RoleEmail, []string{"email", "mail", "emailaddress"}, []string{"邮箱", "邮件"}},
	{RolePhone, []string{"phone", "tel", "telephone", "mobile", "mobileno", "mobilephone", "cell", "cellphone", "phoneno", "phonenumber", "contactnumber", "contactphone", "contact", "msisdn", "number", "号码", "联系方式"},
		[]string{"手机", "电话", "号码", "联系方式", "移动电话"}},
	{RoleAddress, []string{"address", "addr", "homeaddress", "street", "location"}, []string{"地址", "住址", "小区", "所在地"}},
	{RoleGender, []string{"gender", "sex"}, []string{"性别"}},
	{RoleBirth, []string{"birthday", "birthdate", "dob", "dateofbirth", "born"}, []string{"出生", "生日"}},
	{RoleAge, []string{"age"}, []string{"年龄"}},
	{RoleName, []string{"name", "fullname", "customer", "customername", "client", "clientname", "contactname", "owner", "客户", "联系人"},
		[]string{"姓名", "名字", "客户名", "联系人", "户主", "业主", "车主", "学员", "家长"}},
}

// headerKey folds a header cell for comparison: width folded, lower case,
// without spaces, underscores, dashes, dots and brackets.
func headerKey(s string) string {
	s = width.Fold.String(strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF")))
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || strings.ContainsRune("_-./()[]（）【】:：*#", r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// roleByName returns the role a header cell names, or RoleOther.
func roleByName(cell string) Role {
	k := headerKey(cell)
	if k == "" || len(k) > 64 {
		return RoleOther
	}
	for _, c := range columnNames {
		for _, e := range c.exact {
			if k == e {
				return c.role
			}
		}
	}
	for _, c := range columnNames {
		for _, s := range c.sub {
			if strings.Contains(k, s) {
				return c.role
			}
		}
	}
	return RoleOther
}

// Columns are the roles of a table's columns: Role[i] is column i's role,
// and Phone, Name, ID, Address are the index of the column chosen for each
// identifying role, -1 when absent.
type Columns struct {
	Role                     []Role
	Phone, Name, ID, Address int
}

// Recognize decides each column's role from its header name and, where the
// name says nothing or there is no header, from its content. phoneColumn,
// when not empty, names the phone column by header name or 1-based number.
func (t *Table) Recognize(phoneColumn string) (Columns, error) {
	ncol := max(len(t.Header), t.ncol)
	for _, row := range t.Rows {
		ncol = max(ncol, len(row))
	}
	c := Columns{Role: make([]Role, ncol), Phone: -1, Name: -1, ID: -1, Address: -1}
	for i := range ncol {
		if i < len(t.Header) {
			c.Role[i] = roleByName(t.Header[i])
		}
		if c.Role[i] == RoleOther || c.Role[i] == RoleName || c.Role[i] == RolePhone {
			if r := t.sniff(i); r != RoleOther {
				c.Role[i] = r
			}
		}
	}
	if phoneColumn != "" {
		i, err := t.columnIndex(phoneColumn, ncol)
		if err != nil {
			return c, err
		}
		for j, r := range c.Role {
			if r == RolePhone && j != i {
				c.Role[j] = RoleOther
			}
		}
		c.Role[i] = RolePhone
		c.Phone = i
	}
	for i, r := range c.Role {
		pick := func(p *int) {
			if *p < 0 {
				*p = i
			} else if r == RolePhone && c.Phone >= 0 && t.mobileShare(i) > t.mobileShare(c.Phone) && phoneColumn == "" {
				*p = i // prefer the column holding mobile numbers
			}
		}
		switch r {
		case RolePhone:
			pick(&c.Phone)
		case RoleName:
			pick(&c.Name)
		case RoleID:
			pick(&c.ID)
		case RoleAddress:
			pick(&c.Address)
		}
	}
	if c.Phone < 0 && c.ID < 0 && c.Name < 0 {
		return c, errors.New("no phone, ID number or name column recognised (name the phone column with --phone-column)")
	}
	return c, nil
}

// columnIndex resolves a column given by header name or 1-based number.
func (t *Table) columnIndex(name string, ncol int) (int, error) {
	for i, h := range t.Header {
		if strings.TrimSpace(h) == strings.TrimSpace(name) || headerKey(h) == headerKey(name) {
			return i, nil
		}
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n < 1 || n > ncol {
			return 0, fmt.Errorf("column %d out of range (the list has %d columns)", n, ncol)
		}
		return n - 1, nil
	}
	return 0, fmt.Errorf("no column named %q", name)
}

// sniffSample is how many rows content sniffing looks at.
const sniffSample = 500

// sniff returns the role most cells of column i agree on, judged from
// content: phone, ID, name or address, or RoleOther.
func (t *Table) sniff(i int) Role {
	var n, phone, id, name, addr int
	for _, row := range t.Rows[:min(len(t.Rows), sniffSample)] {
		if i >= len(row) || strings.TrimSpace(row[i]) == "" {
			continue
		}
		cell := row[i]
		n++
		switch {
		case isPhoneCell(cell):
			phone++
		case isIDCell(cell):
			id++
		case looksLikeName(cell):
			name++
		case looksLikeAddress(cell):
			addr++
		}
	}
	if n == 0 {
		return RoleOther
	}
	switch {
	case phone*10 >= n*6:
		return RolePhone
	case id*10 >= n*6:
		return RoleID
	case name*10 >= n*6:
		return RoleName
	case addr*10 >= n*6:
		return RoleAddress
	}
	return RoleOther
}

// mobileShare is the share of sampled cells of column i that are Chinese
// mobile numbers.
func (t *Table) mobileShare(i int) float64 {
	n, m := 0, 0
	for _, row := range t.Rows[:min(len(t.Rows), sniffSample)] {
		if i >= len(row) || strings.TrimSpace(row[i]) == "" {
			continue
		}
		n++
		if e, ok := cellPhone(row[i]); ok && strings.HasPrefix(e, "+861") && len(e) == 14 {
			m++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(m) / float64(n)
}

func isPhoneCell(s string) bool {
	if _, ok := cellPhone(s); ok {
		return true
	}
	_, err := ParseMaskedPhone(s)
	return err == nil
}

func isIDCell(s string) bool {
	if _, ok := cellID(s); ok {
		return true
	}
	_, err := ParseMaskedID(s)
	return err == nil
}

// cellPhone returns the E.164 form of a cell that holds a phone number of at
// least 7 digits (shorter numbers are service numbers, postcodes or sizes).
func cellPhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 7 || len(s) > 40 {
		return "", false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c >= utf8.RuneSelf:
		default:
			return "", false
		}
	}
	if digits < 7 || digits > 16 {
		return "", false
	}
	e, err := NormalizePhone(s)
	if err != nil {
		return "", false
	}
	return e, true
}

// cellID returns the normalised ID number a cell holds, if it is an
// 18-character ID with a valid check digit.
func cellID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 15 || len(s) > 60 {
		return "", false
	}
	id, ok := normalizeID(s)
	if !ok || len(id) != 18 || !ValidID(id) {
		return "", false
	}
	return id, true
}

// looksLikeName reports whether s is two to four Han characters starting
// with a common surname, or two or three capitalised Latin words.
func looksLikeName(s string) bool {
	s = strings.TrimSpace(s)
	rs := []rune(s)
	if len(rs) >= 2 && len(rs) <= 4 {
		han := true
		for _, r := range rs {
			if !unicode.Is(unicode.Han, r) && r != '*' && r != '某' {
				han = false
			}
		}
		if han && (isSurname(string(rs[:1])) || len(rs) >= 3 && isSurname(string(rs[:2]))) {
			return true
		}
	}
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 3 {
		return false
	}
	for _, w := range words {
		if len(w) < 2 || w[0] < 'A' || w[0] > 'Z' {
			return false
		}
		for _, r := range w[1:] {
			if r < 'a' || r > 'z' {
				return false
			}
		}
	}
	return true
}

// looksLikeAddress reports whether s reads like a Chinese postal address.
func looksLikeAddress(s string) bool {
	if utf8.RuneCountInString(s) < 6 {
		return false
	}
	n := 0
	for _, m := range []string{"省", "市", "区", "县", "路", "街", "号", "镇", "村", "栋", "室", "小区", "大道", "弄"} {
		if strings.Contains(s, m) {
			n++
		}
	}
	return n >= 2
}
