package deid

// Validators for the structured entities. Each takes the numerals of a
// candidate as ASCII bytes ('0'-'9', and 'X' where a standard allows it).

// areaCodes lists the mainland fixed-line area codes without their leading
// 0: the two-digit codes of the largest cities and the three-digit codes of
// the rest (national numbering plan).
const areaCodes = "10 20 21 22 23 24 25 27 28 29 310 311 312 313 314 315 316 317 318 319 335 349 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 379 391 392 393 394 395 396 398 410 411 412 413 414 415 416 417 418 419 421 427 429 431 432 433 434 435 436 437 438 439 451 452 453 454 455 456 457 458 459 464 467 468 469 470 471 472 473 474 475 476 477 478 479 482 483 510 511 512 513 514 515 516 517 518 519 523 527 530 531 532 533 534 535 536 537 538 539 543 546 550 551 552 553 554 555 556 557 558 559 561 562 563 564 566 570 571 572 573 574 575 576 577 578 579 580 591 592 593 594 595 596 597 598 599 631 632 633 634 635 660 662 663 668 691 692 701 710 711 712 713 714 715 716 717 718 719 722 724 728 730 731 734 735 736 737 738 739 743 744 745 746 750 751 752 753 754 755 756 757 758 759 760 762 763 766 768 769 770 771 772 773 774 775 776 777 778 779 790 791 792 793 794 795 796 797 798 799 807 812 813 816 817 818 825 826 827 830 831 832 833 834 835 836 837 838 839 851 852 853 854 855 856 857 858 859 870 871 872 873 874 875 876 877 878 879 883 886 887 888 891 892 893 894 895 896 897 898 901 902 903 906 908 909 911 912 913 914 915 916 917 919 930 931 932 933 934 935 936 937 938 939 941 943 951 952 953 954 955 970 971 972 973 974 975 976 977 978 979 990 991 992 993 994 995 996 997 998 999"

// areaTable marks valid area codes: index 10..99 for two-digit codes and
// 100..999 for three-digit codes.
var areaTable = func() (t [1000]bool) {
	for i := 0; i < len(areaCodes); {
		j := i
		v := 0
		for j < len(areaCodes) && areaCodes[j] != ' ' {
			v = v*10 + int(areaCodes[j]-'0')
			j++
		}
		t[v] = true
		i = j + 1
	}
	return t
}()

// mobileSegments marks the three-digit mobile segments 1xy in service:
// index xy.
var mobileSegments = func() (t [100]bool) {
	for _, r := range [][2]int{{30, 39}, {41, 41}, {45, 49}, {50, 53}, {55, 59}, {62, 62}, {65, 67}, {70, 78}, {80, 89}, {90, 93}, {95, 99}} {
		for s := r[0]; s <= r[1]; s++ {
			t[s] = true
		}
	}
	return t
}()

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(d []byte) bool {
	for _, c := range d {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// validMobile reports whether d is an 11-digit mainland mobile number in an
// allocated segment.
func validMobile(d []byte) bool {
	return len(d) == 11 && d[0] == '1' && isDigit(d[1]) && isDigit(d[2]) &&
		mobileSegments[int(d[1]-'0')*10+int(d[2]-'0')] && allDigits(d[3:])
}

// landlineArea returns the length of the area code at the start of the
// national digits d (without the trunk 0) when d is a fixed-line number: a
// valid area code followed by a 7- or 8-digit local number that does not
// start with 0 (numbers starting with 1 are
// service codes, but written examples often use them).
func landlineArea(d []byte) (int, bool) {
	if len(d) < 9 || len(d) > 11 || !allDigits(d) || d[0] == '0' {
		return 0, false
	}
	two := int(d[0]-'0')*10 + int(d[1]-'0')
	n := 0
	if two == 10 || (two >= 20 && two <= 29) {
		if areaTable[two] {
			n = 2
		}
	} else if areaTable[two*10+int(d[2]-'0')] {
		n = 3
	}
	if n == 0 {
		return 0, false
	}
	local := len(d) - n
	if local < 7 || local > 8 || d[n] == '0' {
		return 0, false
	}
	return n, true
}

// provinceCodes marks the first two digits of a resident identity number:
// the province-level division codes of GB/T 2260, with 71 (Taiwan), 81
// (Hong Kong) and 82 (Macao), and 83 for residence permits.
var provinceCodes = func() (t [100]bool) {
	for _, c := range []int{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
		41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83} {
		t[c] = true
	}
	return t
}()

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// idCheck is the GB 11643 (ISO 7064 MOD 11-2) check character of the first
// 17 digits of d.
func idCheck(d []byte) byte {
	s := 0
	for i, w := range idWeights {
		s += int(d[i]-'0') * w
	}
	return idCheckChars[s%11]
}

func num2(d []byte) int { return int(d[0]-'0')*10 + int(d[1]-'0') }

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if leap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// validDate reports whether y-m-d is a calendar date with minYear <= y <=
// maxYear.
func validDate(y, m, d, minYear, maxYear int) bool {
	return y >= minYear && y <= maxYear && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

// validID18 reports whether d is an 18-character resident identity number:
// a division code (validIDDivision), a real birth date (1900 to maxYear), a sequence code and
// the GB 11643 check character (an upper- or lower-case X is accepted).
func validID18(d []byte, maxYear int) bool {
	if len(d) != 18 || !allDigits(d[:17]) || !validIDDivision(d) {
		return false
	}
	y := num2(d[6:])*100 + num2(d[8:])
	if !validDate(y, num2(d[10:]), num2(d[12:]), 1900, maxYear) {
		return false
	}
	c := d[17]
	if c == 'x' {
		c = 'X'
	}
	return c == idCheck(d)
}

// validID15 reports whether d is a 15-digit first-generation identity
// number: a province code, a birth date in 19YY and a sequence code.
func validID15(d []byte) bool {
	if len(d) != 15 || !allDigits(d) || !validIDDivision(d) {
		return false
	}
	return validDate(1900+num2(d[6:]), num2(d[8:]), num2(d[10:]), 1900, 1999)
}

// luhnValid reports whether the digits d pass the Luhn (ISO/IEC 7812) check.
func luhnValid(d []byte) bool {
	s := 0
	for i := len(d) - 1; i >= 0; i -= 2 {
		s += int(d[i] - '0')
	}
	for i := len(d) - 2; i >= 0; i -= 2 {
		v := int(d[i]-'0') * 2
		if v > 9 {
			v -= 9
		}
		s += v
	}
	return s%10 == 0
}

// luhnCheck is the Luhn check digit to append to the digits body.
func luhnCheck(body []byte) byte {
	s := 0
	for i := len(body) - 1; i >= 0; i -= 2 {
		v := int(body[i]-'0') * 2
		if v > 9 {
			v -= 9
		}
		s += v
	}
	for i := len(body) - 2; i >= 0; i -= 2 {
		s += int(body[i] - '0')
	}
	return byte('0' + (10-s%10)%10)
}

// validCard reports whether d is a payment card number: 16 to 19 digits
// with the issuer prefix of a card scheme used in China (UnionPay 62 and the
// other 6 prefixes, Visa 4, Mastercard 51-55 and 2221-2720, JCB 35, the old
// domestic 95 cards) and a valid Luhn check digit.
func validCard(d []byte) bool {
	n := len(d)
	if n < 16 || n > 19 || !allDigits(d) {
		return false
	}
	switch d[0] {
	case '4', '6':
	case '5':
		if d[1] < '1' || d[1] > '5' {
			return false
		}
	case '3', '9':
		if d[1] != '5' {
			return false
		}
	case '2':
		if p := num2(d)*100 + num2(d[2:]); p < 2221 || p > 2720 {
			return false
		}
	default:
		return false
	}
	return luhnValid(d)
}

// idShaped reports whether the 18 digits d carry a real birth date where
// an identity number has it. Such a number that fails validID18 is a
// mistyped identity number, not a card.
func idShaped(d []byte, maxYear int) bool {
	if !allDigits(d[6:14]) {
		return false
	}
	y := num2(d[6:])*100 + num2(d[8:])
	return validDate(y, num2(d[10:]), num2(d[12:]), 1900, maxYear)
}

// usccAlphabet holds the 31 characters of a unified social credit code in
// the order of their values (GB 32100: digits and capitals without I, O, S,
// V, Z).
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccValue maps a byte to its value in usccAlphabet, or -1.
var usccValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range len(usccAlphabet) {
		t[usccAlphabet[i]] = int8(i)
	}
	return t
}()

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccCheck is the GB 32100 check character of the first 17 characters of
// s, which must all be in usccAlphabet.
func usccCheck(s []byte) byte {
	sum := 0
	for i, w := range usccWeights {
		sum += int(usccValue[s[i]]) * w
	}
	return usccAlphabet[(31-sum%31)%31]
}

// validUSCC reports whether s is an 18-character unified social credit code:
// a registration authority (1-9, A, N, Y), an organisation type (1-9), a
// GB/T 2260 division code (see validDivision), nine characters of the
// organisation code and the GB 32100 check character.
func validUSCC(s []byte) bool {
	if len(s) != 18 {
		return false
	}
	for _, c := range s {
		if usccValue[c] < 0 {
			return false
		}
	}
	a := s[0]
	if !(a >= '1' && a <= '9' || a == 'A' || a == 'N' || a == 'Y') {
		return false
	}
	if s[1] < '1' || s[1] > '9' || !validDivision(s[2:8]) {
		return false
	}
	return s[17] == usccCheck(s)
}

// orgCheck is the GB 11714 check character of the 8-character organisation
// code body s (values 0-35 for 0-9 and A-Z): '0'-'9' or 'X'.
func orgCheck(s []byte) byte {
	w := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range s[:8] {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * w[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}
