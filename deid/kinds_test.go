package deid

import (
	"strings"
	"testing"

	"ringfence"
)

// TestBirthDatePassportInText: dates of birth and passport numbers after
// their labels are masked (the year and the passport's first letter and
// last two characters kept); the same dates and codes without a label, and
// labels without a value, are left alone.
func TestBirthDatePassportInText(t *testing.T) {
	checkOutputs(t, Options{Format: Text}, []inOut{
		// Every notation of a date, after every label.
		{"出生日期：1990-03-07\n", "出生日期：1990-**-**\n"},
		{"生日：1990/3/7\n", "生日：1990/*/*\n"},
		{"出生于1990.03.07\n", "出生于1990.**.**\n"},
		{"生日是19900307。\n", "生日是1990****。\n"},
		{"出生：1990年3月7日\n", "出生：1990年*月*日\n"},
		{"出生年月：1990年03月\n", "出生年月：1990年**月\n"},
		{"生日 １９９０年３月７日\n", "生日 １９９０年*月*日\n"},
		{"生日为1990年3月7号\n", "生日为1990年*月*号\n"},
		{"出生日期：1990-03\n", "出生日期：1990-**\n"},
		{"生日：3月7日\n", "生日：*月*日\n"},
		{"生日是12月31号，\n", "生日是**月**号，\n"},
		{"DOB: 1990-03-07\n", "DOB: 1990-**-**\n"},
		{"dob：1990-3-7\n", "dob：1990-*-*\n"},
		{"D.O.B. 19900307\n", "D.O.B. 1990****\n"},
		{"Date of birth: 07/03/1990\n", "Date of birth: **/**/1990\n"},
		{"Birthday 1990.3.7\n", "Birthday 1990.*.*\n"},
		{"born on 1990-03-07, Beijing\n", "born on 1990-**-**, Beijing\n"},
		{"张伟，生日：1990年3月7日，护照号：E12345678\n", "张*，生日：1990年*月*日，护照号：E******78\n"},
		// Passports and permits after their labels.
		{"护照号：E12345678\n", "护照号：E******78\n"},
		{"护照EA1234567\n", "护照E******67\n"},
		{"护照号码 G12345678\n", "护照号码 G******78\n"},
		{"护照编号：D12345678\n", "护照编号：D******78\n"},
		{"Passport No. P12345678\n", "Passport No. P******78\n"},
		{"passport number: K12345678\n", "passport number: K******78\n"},
		{"PP: S12345678\n", "PP: S******78\n"},
		{"passport: 123456789\n", "passport: 1******89\n"},
		{"Passport: X1234567A\n", "Passport: X******7A\n"},
		{"港澳通行证：C12345678\n", "港澳通行证：C******78\n"},
		{"往来港澳通行证号码C12345678\n", "往来港澳通行证号码C******78\n"},
		// Look-alikes: dates and codes with no birth or passport label.
		{"下单日期：2024-03-07\n", "下单日期：2024-03-07\n"},
		{"2024-03-07 12:00:00 订单已完成\n", "2024-03-07 12:00:00 订单已完成\n"},
		{"创建时间 2024/03/07 08:15\n", "创建时间 2024/03/07 08:15\n"},
		{"公司于1990年3月7日成立\n", "公司于1990年3月7日成立\n"},
		{"生日快乐！2024-03-07\n", "生日快乐！2024-03-07\n"},
		{"型号E12345678已发货\n", "型号E12345678已发货\n"},
		{"E12345678\n", "E12345678\n"},
		{"护照办理费用 123456 元\n", "护照办理费用 123456 元\n"},
		{"dobby 1990-03-07\n", "dobby 1990-03-07\n"},
		{"出生日期：1990-13-45\n", "出生日期：1990-13-45\n"},
		{"生日：2月30日\n", "生日：2月30日\n"},
		{"PP 12345678 polypropylene\n", "PP 12345678 polypropylene\n"},
		{"护照：E1234\n", "护照：E1234\n"},
	})
}

// TestBirthDatePassportColumns: a column whose header names a date of
// birth or a passport number has them read anywhere in its values, without
// labels; a value in which none is found is masked whole and counted (fail
// closed).
func TestBirthDatePassportColumns(t *testing.T) {
	tests := []struct {
		header, value, want string
		whole               bool
	}{
		{"出生日期", "1990-03-07", "1990-**-**", false},
		{"出生年月", "1990.03", "1990.**", false},
		{"出生年月日", "1990年3月7日", "1990年*月*日", false},
		{"生日", "19900307", "1990****", false},
		{"出生", "1990/3/7", "1990/*/*", false},
		{"生辰", "１９９０年３月７日", "１９９０年*月*日", false},
		{"DOB", "07/03/1990", "**/**/1990", false},
		{"D.O.B.", "1990-03-07", "1990-**-**", false},
		{"date of birth", "1990-03-07", "1990-**-**", false},
		{"Birth Date", "1990-03-07", "1990-**-**", false},
		{"Customer Birthday", "1990-03-07", "1990-**-**", false},
		{"birth_date", "生于1990年3月", "生于1990年*月", false},
		{"birthdate", "1990-03-07 00:00:00", "1990-**-** 00:00:00", false},
		{"dob", "1990-03-07", "1990-**-**", false},
		{"生日", "3月7日", "*月*日", false},
		{"出生日期", "不详", "**", true},
		{"出生日期", "1990-13-45", "****-**-**", true},
		{"护照", "E12345678", "E******78", false},
		{"护照号", "EA1234567", "E******67", false},
		{"护照号码", "护照 G12345678", "护照 G******78", false},
		{"护照编号", "e12345678", "e******78", false},
		{"passport", "123456789", "1******89", false},
		{"Passport No", "K12345678", "K******78", false},
		{"passport number", "P12345678", "P******78", false},
		{"passport_no", "无", "*", true},
	}
	for _, tt := range tests {
		in := "id," + tt.header + "\n7," + tt.value + "\n"
		out, sum := process(t, Policy{Format: CSV}, nil, []byte(in), Options{})
		want := "id," + tt.header + "\n7," + tt.want + "\n"
		if string(out) != want {
			t.Errorf("%s=%q: got %q, want %q", tt.header, tt.value, out, want)
		}
		col := ColumnName(tt.header)
		if got := sum.Whole[col] == 1; got != tt.whole {
			t.Errorf("%s=%q: whole_values = %d, want whole %v", tt.header, tt.value, sum.Whole[col], tt.whole)
		}
		kind := InferEntity(tt.header)
		if !tt.whole && sum.Columns[col][kind] != 1 {
			t.Errorf("%s=%q: counted %v, want one %v", tt.header, tt.value, sum.Columns[col], kind)
		}
	}
	// Birthplace and other dates are not dates of birth.
	for _, h := range []string{"出生地", "出生地点", "下单日期", "created_at", "护"} {
		if e := InferEntity(h); e == BirthDate || e == Passport {
			t.Errorf("InferEntity(%q) = %v", h, e)
		}
	}
}

// TestBirthDatePassportCSVAndJSONL: the example, in their own
// columns and in free text, in CSV and in JSON lines.
func TestBirthDatePassportCSVAndJSONL(t *testing.T) {
	in := "name,出生日期,护照号,remarks\n张伟,1990-03-07,E12345678,生日：1990年3月7日 护照号：E12345678\n"
	want := "name,出生日期,护照号,remarks\n张*,1990-**-**,E******78,生日：1990年*月*日 护照号：E******78\n"
	out, sum := process(t, Policy{Format: CSV}, nil, []byte(in), Options{})
	if string(out) != want {
		t.Errorf("csv: got %q, want %q", out, want)
	}
	if sum.Found[BirthDate] != 2 || sum.Found[Passport] != 2 {
		t.Errorf("csv: found %v, want 2 birth_date and 2 passport", sum.Found)
	}
	if sum.Columns["remarks"][BirthDate] != 1 || sum.Columns["remarks"][Passport] != 1 {
		t.Errorf("csv: remarks column counts %v", sum.Columns["remarks"])
	}
	var b strings.Builder
	sum.WriteText(&b)
	if !strings.Contains(b.String(), "birth_date") || !strings.Contains(b.String(), "passport") {
		t.Errorf("summary does not name the kinds:\n%s", b.String())
	}

	in = `{"dob":"1990-03-07","passport_no":"E12345678","note":"DOB 07/03/1990, Passport No. EA1234567","order":"2024-03-07"}` + "\n"
	want = `{"dob":"1990-**-**","passport_no":"E******78","note":"DOB **/**/1990, Passport No. E******67","order":"2024-03-07"}` + "\n"
	out, _ = process(t, Policy{Format: JSONL}, nil, []byte(in), Options{})
	if string(out) != want {
		t.Errorf("jsonl: got %s, want %s", out, want)
	}
}

// TestBirthDatePassportOperators: redact, pseudonym (one token per date
// whatever the notation, one per passport whatever the case) and keep; fpe
// is refused in the policy, naming the field, and a default of fpe masks
// them.
func TestBirthDatePassportOperators(t *testing.T) {
	p := Policy{Entities: map[string]Op{"birth_date": OpRedact, "passport": OpRedact}}
	out, _ := process(t, p, nil, []byte("生日：1990-03-07，护照：E12345678\n"), Options{Format: Text})
	if want := "生日：[birth_date]，护照：[passport]\n"; string(out) != want {
		t.Errorf("redact: got %q, want %q", out, want)
	}

	p = Policy{Entities: map[string]Op{"dob": OpPseudonym, "passport_no": OpPseudonym}}
	token := func(text string) string {
		t.Helper()
		out, sum := process(t, p, testKey, []byte(text+"\n"), Options{Format: Text})
		if sum.Total() != 1 {
			t.Fatalf("%q: found %v, want one entity", text, sum.Found)
		}
		s := strings.TrimSpace(string(out))
		for _, prefix := range []string{"BIR_", "PAS_"} {
			if k := strings.Index(s, prefix); k >= 0 {
				return s[k:]
			}
		}
		return s
	}
	dates := []string{"生日：1990-03-07", "生日：1990/3/7", "出生日期 19900307", "出生于1990年3月7日", "生日 １９９０年３月７日", "DOB: 07/03/1990", "Birthday: 1990.03.07"}
	first := token(dates[0])
	if !strings.HasPrefix(first, "BIR_") || len(first) != len("BIR_")+16 {
		t.Errorf("pseudonym of a date of birth = %q", first)
	}
	for _, d := range dates[1:] {
		if got := token(d); got != first {
			t.Errorf("pseudonym(%q) = %q, want %q as for %q", d, got, first, dates[0])
		}
	}
	if other := token("生日：1990-03-08"); other == first {
		t.Errorf("two dates of birth got one token %q", other)
	}
	if a, b := token("生日：3月7日"), token("生日 03月07号"); a != b || a == first {
		t.Errorf("pseudonyms of 3月7日 and 03月07号: %q and %q, want one token other than %q", a, b, first)
	}
	pass := token("护照号：E12345678")
	if !strings.HasPrefix(pass, "PAS_") {
		t.Errorf("pseudonym of a passport = %q", pass)
	}
	if got := token("passport e12345678"); got != pass {
		t.Errorf("pseudonym of e12345678 = %q, want %q", got, pass)
	}

	for _, tt := range []struct{ policy, want string }{
		{`{"entities":{"birth_date":"fpe"}}`, "field entities.birth_date: fpe is not available for dates of birth"},
		{`{"entities":{"dob":"encrypt"}}`, "field entities.dob: fpe is not available for dates of birth"},
		{`{"entities":{"passport":"fpe"}}`, "field entities.passport: fpe is not available for passport numbers"},
		{`{"columns":{"出生日期":"fpe"}}`, "field columns.出生日期: fpe is not available for dates of birth"},
		{`{"columns":{"证件":{"op":"fpe","entity":"passport"}}}`, "field columns.证件: fpe is not available for passport numbers"},
	} {
		_, err := ParsePolicyFile("p.json", []byte(tt.policy))
		if ringfence.ErrorCode(err) != ringfence.EINVALID || !strings.Contains(ringfence.ErrorMessage(err), tt.want) {
			t.Errorf("%s: %v, want %q", tt.policy, err, tt.want)
		}
	}
	out, sum := process(t, Policy{Default: OpFPE}, testKey, []byte("生日：1990-03-07，护照：E12345678\n"), Options{Format: Text})
	if want := "生日：1990-**-**，护照：E******78\n"; string(out) != want || len(sum.Failed) != 0 {
		t.Errorf("default fpe: got %q (failed %v), want %q", out, sum.Failed, want)
	}
	out, _ = process(t, Policy{Entities: map[string]Op{"birth_date": OpKeep}}, nil, []byte("生日：1990-03-07\n"), Options{Format: Text})
	if want := "生日：1990-03-07\n"; string(out) != want {
		t.Errorf("keep: got %q, want %q", out, want)
	}
}

// TestParseNewEntities: keys, aliases and Chinese labels.
func TestParseNewEntities(t *testing.T) {
	for in, want := range map[string]Entity{
		"birth_date": BirthDate, "dob": BirthDate, "Birthday": BirthDate, "出生日期": BirthDate,
		"passport": Passport, "passport_no": Passport, "护照号": Passport,
		"qq": QQ, "wechat": WeChat, "wx": WeChat,
	} {
		if got, err := ParseEntity(in); err != nil || got != want {
			t.Errorf("ParseEntity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if BirthDate.Structured() || Passport.Structured() {
		t.Error("dates of birth and passports are read from context, not validated by structure")
	}
}

// TestNameFPEUnchangedByNewLabels: the labels 生日, 出生, 护照 and 港澳通行证
// make 生, 出, 护 and 港 scanner cues; names holding them must encrypt as
// they did before, so that earlier ciphertexts still decrypt. The
// ciphertexts were made with testKey before those labels existed.
func TestNameFPEUnchangedByNewLabels(t *testing.T) {
	c, _ := testCiphers(t)
	for _, tt := range []struct{ name, want string }{
		{"王建生", "卢槊瀙"}, {"陈港生", "仲娉圾"}, {"刘护", "龚愹"}, {"张出生", "劳加圃"},
	} {
		got, err := c.name([]byte(tt.name), false)
		if err != nil || string(got) != tt.want {
			t.Errorf("fpe(%s) = %s, %v; want %s", tt.name, got, err, tt.want)
		}
		back, err := c.name([]byte(tt.want), true)
		if err != nil || string(back) != tt.name {
			t.Errorf("decrypt(%s) = %s, %v; want %s", tt.want, back, err, tt.name)
		}
	}
}
