package ringfence_test

import (
	"testing"

	"ringfence"
)

// Category codes are stable keys: each category keeps its code whatever
// the order of the table, and no code is 0 or shared.
func TestCategoryCodesStable(t *testing.T) {
	want := map[ringfence.Category]uint8{
		"sales": 1, "loan": 2, "insurance": 3, "real_estate": 4, "decoration": 5,
		"education": 6, "debt_collection": 7, "fraud": 8, "call_bombing": 9,
		"robocall": 10, "delivery": 11, "ride_hailing": 12, "customer_service": 13,
	}
	cats := ringfence.Categories()
	if len(cats) != len(want) {
		t.Fatalf("%d categories, want %d", len(cats), len(want))
	}
	var max uint8
	for _, c := range cats {
		if c.Code != want[c.Key] || c.Key.Code() != want[c.Key] {
			t.Errorf("%s: code %d (Code() %d), want %d", c.Key, c.Code, c.Key.Code(), want[c.Key])
		}
		if got := ringfence.CategoryByCode(c.Code); got != c.Key {
			t.Errorf("CategoryByCode(%d) = %q, want %q", c.Code, got, c.Key)
		}
		max = maxU8(max, c.Code)
	}
	if got := ringfence.MaxCategoryCode(); got != max {
		t.Errorf("MaxCategoryCode = %d, want %d", got, max)
	}
	for _, code := range []uint8{0, max + 1, 255} {
		if got := ringfence.CategoryByCode(code); got != "" {
			t.Errorf("CategoryByCode(%d) = %q, want none", code, got)
		}
	}
}

// The taxonomy cannot be changed from outside: Categories hands out a copy.
func TestCategoriesImmutable(t *testing.T) {
	cats := ringfence.Categories()
	cats[0].Key, cats[0].Code, cats[0].Benign = "changed", 99, true
	copy(cats[1:], cats[2:])
	again := ringfence.Categories()
	if again[0].Key != "sales" || again[0].Code != 1 || again[0].Benign || len(again) != 13 {
		t.Errorf("taxonomy changed through the slice Categories returned: %+v", again[0])
	}
	if ringfence.Category("sales").Code() != 1 || ringfence.Category("changed").Code() != 0 {
		t.Error("codes changed through the slice Categories returned")
	}
}

func maxU8(a, b uint8) uint8 {
	if a > b {
		return a
	}
	return b
}
