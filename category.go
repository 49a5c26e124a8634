package ringfence

// Category is a stable key of the report taxonomy, such as "loan".
type Category string

// CategoryInfo describes one category of the taxonomy.
type CategoryInfo struct {
	Key     Category
	Label   string // the Chinese label shown to people
	English string
	Benign  bool // a benign tag (delivery, ride hailing, customer service): never blocked for it
}

// Categories is the report taxonomy, defined once. Its order is stable and is
// used for compact encodings: the index of a category plus one is its code,
// and code 0 means "no category".
var Categories = []CategoryInfo{
	{"sales", "广告推销", "sales", false},
	{"loan", "贷款理财", "loans and finance", false},
	{"insurance", "保险推销", "insurance", false},
	{"real_estate", "房产中介", "real estate", false},
	{"decoration", "装修建材", "decoration", false},
	{"education", "教育培训", "education", false},
	{"debt_collection", "催收", "debt collection", false},
	{"fraud", "疑似诈骗", "suspected fraud", false},
	{"call_bombing", "电话轰炸", "call bombing", false},
	{"robocall", "语音群呼", "robocall", false},
	{"delivery", "快递外卖", "delivery", true},
	{"ride_hailing", "出租车网约车", "taxi and ride hailing", true},
	{"customer_service", "客服热线", "customer service", true},
}

var categoryCodes = func() map[Category]uint8 {
	m := make(map[Category]uint8, len(Categories))
	for i, c := range Categories {
		m[c.Key] = uint8(i + 1)
	}
	return m
}()

// ParseCategory returns the category for key, or an EINVALID error listing the
// valid keys.
func ParseCategory(key string) (Category, error) {
	if _, ok := categoryCodes[Category(key)]; ok {
		return Category(key), nil
	}
	return "", Errorf(EINVALID, "unknown category %q (valid: %s)", key, categoryKeys())
}

// Code is the compact code of c (1..len(Categories)), 0 when c is unknown.
func (c Category) Code() uint8 { return categoryCodes[c] }

// CategoryByCode is the inverse of Code; code 0 gives "".
func CategoryByCode(code uint8) Category {
	if code == 0 || int(code) > len(Categories) {
		return ""
	}
	return Categories[code-1].Key
}

// Info returns the taxonomy entry of c; ok is false when c is unknown.
func (c Category) Info() (CategoryInfo, bool) {
	code := c.Code()
	if code == 0 {
		return CategoryInfo{}, false
	}
	return Categories[code-1], true
}

// Benign reports whether c is a benign tag.
func (c Category) Benign() bool {
	info, _ := c.Info()
	return info.Benign
}

// Label is the Chinese label of c, or the key itself when unknown.
func (c Category) Label() string {
	if info, ok := c.Info(); ok {
		return info.Label
	}
	return string(c)
}

func categoryKeys() string {
	s := ""
	for i, c := range Categories {
		if i > 0 {
			s += ", "
		}
		s += string(c.Key)
	}
	return s
}
