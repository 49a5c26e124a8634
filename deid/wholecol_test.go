package deid

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// checkWholeNumber fails t when wholeNumber reads v in a column of kind and
// the scanner does not read exactly the same single match; it reports
// whether wholeNumber read v.
func checkWholeNumber(t *testing.T, r *Recognizer, v []byte, kind Entity) bool {
	t.Helper()
	m, ok := r.wholeNumber(v, kind)
	if !ok {
		return false
	}
	var s scan
	got := r.appendScan(&s, nil, v, kind)
	if !slices.Equal(got, []Match{m}) {
		t.Fatalf("%q in a %v column: wholeNumber %+v, scanner %+v", v, kind, m, got)
	}
	return true
}

// TestWholeNumberAsScanned checks the direct reading of whole mobile,
// identity and card values against the scanner: on valid numbers of each
// kind, on random digits of every length near theirs, and on either with
// one character changed.
func TestWholeNumberAsScanned(t *testing.T) {
	r := NewRecognizer(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	read := map[Entity]int{}
	rng := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return b
	}
	for range 200000 {
		kind := []Entity{Mobile, IDCard, BankCard}[rng.IntN(3)]
		v := digits(10 + rng.IntN(11))
		how := rng.IntN(4)
		if how < 2 { // a valid number of the kind
			switch kind {
			case Mobile:
				v = append([]byte("13"), digits(9)...)
			case IDCard:
				v = append([]byte(fmt.Sprintf("110105%04d%02d%02d", 1930+rng.IntN(90), 1+rng.IntN(12), 1+rng.IntN(28))), digits(3)...)
				v = append(v, idCheck(v))
				if v[17] == 'X' && rng.IntN(2) == 0 {
					v[17] = 'x'
				}
			case BankCard:
				body := append([]byte("62"), digits(13+rng.IntN(4))...)
				v = append(body, luhnCheck(body))
			}
		}
		if how%2 == 1 { // one character changed
			v[rng.IntN(len(v))] = "0123456789Xx -+"[rng.IntN(15)]
		}
		if checkWholeNumber(t, r, v, kind) {
			read[kind]++
		}
	}
	for _, kind := range []Entity{Mobile, IDCard, BankCard} {
		if read[kind] < 1000 {
			t.Errorf("wholeNumber read %d values of %v: the direct reading is not being tested", read[kind], kind)
		}
	}
}

// FuzzWholeNumber checks wholeNumber against the scanner on any value.
func FuzzWholeNumber(f *testing.F) {
	for _, s := range []string{"13812345678", "11010519491231002X", "11010519491231002x", "6222021234567890128", "8613812345678", "4111111111111111", "０１２"} {
		f.Add(s, uint8(0))
	}
	r := NewRecognizer(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	f.Fuzz(func(t *testing.T, v string, k uint8) {
		checkWholeNumber(t, r, []byte(v), []Entity{Mobile, IDCard, BankCard}[k%3])
	})
}
