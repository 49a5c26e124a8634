package ringfence

// Category is a stable key of the report taxonomy, such as "loan".
type Category string

// CategoryInfo describes one category of the taxonomy.
type CategoryInfo struct {
	Key     Category
	Code    uint8  // compact code, 1..MaxCategoryCode(); fixed per key, never reused
	Label   string // the Chinese label shown to people
	English string
	Benign  bool // a benign tag (delivery, ride hailing, customer service): never blocked for it
}

// categories is the report taxonomy, defined once and in display order.
// Stored data names categories by Key; in-memory encodings (reputation
// summaries, SIP decisions) use Code, which each entry carries itself so
// that reordering the table changes nothing. A new category takes the next
// unused code; reputation checks at start-up that its packed encoding has
// room for the highest one.
var categories = [...]CategoryInfo{
	{"sales", 1, "广告推销", "sales", false},
	{"loan", 2, "贷款理财", "loans and finance", false},
	{"insurance", 3, "保险推销", "insurance", false},
	{"real_estate", 4, "房产中介", "real estate", false},
	{"decoration", 5, "装修建材", "decoration", false},
	{"education", 6, "教育培训", "education", false},
	{"debt_collection", 7, "催收", "debt collection", false},
	{"fraud", 8, "疑似诈骗", "suspected fraud", false},
	{"call_bombing", 9, "电话轰炸", "call bombing", false},
	{"robocall", 10, "语音群呼", "robocall", false},
	{"delivery", 11, "快递外卖", "delivery", true},
	{"ride_hailing", 12, "出租车网约车", "taxi and ride hailing", true},
	{"customer_service", 13, "客服热线", "customer service", true},
}

// Categories returns the report taxonomy in display order. The slice is a
// copy: the taxonomy itself cannot be changed.
func Categories() []CategoryInfo { return append([]CategoryInfo(nil), categories[:]...) }

// MaxCategoryCode is the highest category code in use.
func MaxCategoryCode() uint8 { return maxCategoryCode }

var (
	categoryCodes   = make(map[Category]uint8, len(categories))
	categoryByCode  [256]int16 // code → index into categories plus one; 0 for none
	maxCategoryCode uint8
)

func init() {
	for i, c := range categories {
		if c.Code == 0 || categoryByCode[c.Code] != 0 || categoryCodes[c.Key] != 0 {
			panic("ringfence: category " + string(c.Key) + ": code 0 or key or code used twice")
		}
		categoryCodes[c.Key] = c.Code
		categoryByCode[c.Code] = int16(i + 1)
		maxCategoryCode = max(maxCategoryCode, c.Code)
	}
}

// ParseCategory returns the category for key, or an EINVALID error listing the
// valid keys.
func ParseCategory(key string) (Category, error) {
	if _, ok := categoryCodes[Category(key)]; ok {
		return Category(key), nil
	}
	return "", Errorf(EINVALID, "unknown category %q (valid: %s)", key, categoryKeys())
}

// Code is the compact code of c (1..MaxCategoryCode()), 0 when c is unknown.
func (c Category) Code() uint8 { return categoryCodes[c] }

// CategoryByCode is the inverse of Code; code 0 and unused codes give "".
func CategoryByCode(code uint8) Category {
	if i := categoryByCode[code]; i != 0 {
		return categories[i-1].Key
	}
	return ""
}

// Info returns the taxonomy entry of c; ok is false when c is unknown.
func (c Category) Info() (CategoryInfo, bool) {
	if i := categoryByCode[c.Code()]; i != 0 {
		return categories[i-1], true
	}
	return CategoryInfo{}, false
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
	for i, c := range categories {
		if i > 0 {
			s += ", "
		}
		s += string(c.Key)
	}
	return s
}
