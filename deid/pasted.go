package deid

import "bytes"

// Tables pasted as text: a header line whose cells name columns
// (姓名,电话,QQ,备注), then rows with as many cells. The header says what
// a row's cells hold where nothing else in the row does: a QQ number, a
// WeChat id, a name, a local number.
//
//	姓名,电话,QQ,备注
//	叶永,13942477639,2793038853,8月5日
//
// In text read a line at a time the header is carried from line to line
// (scan.lines); elsewhere a text holds its own header and rows. Inside a
// CSV or JSON value a line break reads as a space (withoutIgnorable), and
// the table's lines are where the value's line breaks were (scan.breaks):
// a remarks column holding a class list pasted from a spreadsheet is read
// as the list it is.

// pastedTable is the header of a table pasted as text: its separator and
// what each column holds (0: nothing the table says).
type pastedTable struct {
	sep  byte
	cols []Entity
}

// tableSeps are the separators of pasted tables: a comma, a tab, a bar,
// columns aligned with two spaces or more (' ': a single space is inside
// cells, +65 9591 4906), and single spaces (spaceSep) under a header of
// short column names only.
var tableSeps = [...]byte{',', '\t', '|', ' ', spaceSep}

// spaceSep stands for cells split by single spaces (姓名 学号 手机 QQ): a
// header so split names two columns at least and no cell of it is longer
// than four characters, and a row with another number of words (a number
// written +65 9055 1234) ends the table.
const spaceSep = 1

// tableCells appends to cells the spans of line's cells split by sep
// (see tableSeps), without the spaces around them.
func tableCells(cells [][2]int, line []byte, sep byte) [][2]int {
	if sep == spaceSep {
		p := 0
		for p < len(line) {
			for p < len(line) && line[p] == ' ' {
				p++
			}
			if p == len(line) {
				break
			}
			q := p
			for q < len(line) && line[q] != ' ' {
				q++
			}
			cells = append(cells, [2]int{p, q})
			p = q
		}
		return cells
	}
	p := 0
	for {
		q := bytes.IndexByte(line[p:], sep)
		for q >= 0 && sep == ' ' && !(p+q+1 < len(line) && line[p+q+1] == ' ') {
			// A single space: inside a cell.
			r := bytes.IndexByte(line[p+q+1:], sep)
			if r < 0 {
				q = -1
				break
			}
			q += 1 + r
		}
		if q < 0 {
			q = len(line)
		} else {
			q += p
		}
		a, z := p, q
		for a < z && line[a] == ' ' {
			a++
		}
		for z > a && line[z-1] == ' ' {
			z--
		}
		cells = append(cells, [2]int{a, z})
		if q == len(line) {
			return cells
		}
		p = q + 1
		for sep == ' ' && p < len(line) && line[p] == ' ' {
			p++
		}
	}
}

// tableHeader reads line as a header: 3 to 16 cells split by one of
// tableSeps, each a short column name with no digit, one at least naming a
// QQ number, a WeChat id, a name or a phone (two at least when aligned
// with spaces). ok is false for any other line.
func tableHeader(line []byte) (pastedTable, bool) {
	var buf [16][2]int
	for _, sep := range tableSeps {
		if sep == spaceSep && bytes.IndexByte(line, ' ') < 0 ||
			sep != spaceSep && (bytes.IndexByte(line, sep) < 0 || sep == ' ' && !bytes.Contains(line, []byte("  "))) {
			continue
		}
		if sep != ' ' && sep != spaceSep {
			if n := bytes.Count(line, []byte{sep}) + 1; n < 3 || n > 16 {
				continue
			}
		}
		cells := tableCells(buf[:0], line, sep)
		if len(cells) < 3 || len(cells) > 16 {
			continue
		}
		t := pastedTable{sep: sep, cols: make([]Entity, 0, len(cells))}
		useful := 0
		for _, c := range cells {
			cell := line[c[0]:c[1]]
			if len(cell) == 0 || len(cell) > 24 || bytes.ContainsAny(cell, "0123456789") || sep == spaceSep && len(cell) > 12 {
				return pastedTable{}, false
			}
			e := InferEntity(string(cell))
			switch e {
			case QQ, WeChat, Name, Mobile, Landline:
				useful++
			default:
				e = 0
			}
			t.cols = append(t.cols, e)
		}
		if useful >= 2 || useful == 1 && sep != ' ' && sep != spaceSep {
			return t, true
		}
		return pastedTable{}, false
	}
	return pastedTable{}, false
}

// tableRows finds, in the text being scanned, the cells of pasted tables'
// rows that their header says hold a QQ number, a WeChat id, a name or a
// local number, and the QQ numbers that answer a question on the line
// before (answerQQ), and adds those the scan did not find (see
// pastedTable). The matches from base on are the text's.
func (s *scan) tableRows(base int) {
	b := s.b
	var extra []Match
	for start := 0; start <= len(b); {
		end := s.lineEnd(start)
		line := bytes.TrimSuffix(b[start:end], []byte{'\r'})
		if s.askedQQ {
			if a, z, ok := answerQQ(line); ok {
				extra = append(extra, Match{Entity: QQ, Start: start + a, End: start + z})
			}
		}
		s.askedQQ = asksQQ(line)
		if t, ok := tableHeader(line); ok {
			s.table = t
		} else if s.table.sep != 0 {
			extra = s.tableRow(extra, line, start)
		}
		start = end + 1
	}
	if len(extra) > 0 {
		s.out = mergeMatches(s.out, base, extra)
	}
}

// lineEnd is the end of the line of the text being scanned that starts at
// start: its next line break, or where its value had one (scan.breaks).
func (s *scan) lineEnd(start int) int {
	if len(s.breaks) > 0 {
		for _, p := range s.breaks {
			if p >= start {
				return p
			}
		}
		return len(s.b)
	}
	if end := bytes.IndexByte(s.b[start:], '\n'); end >= 0 {
		return start + end
	}
	return len(s.b)
}

// tableRow appends to extra the cells of line (at b[at]) that the table's
// header names, when the line has the header's cells; otherwise the table
// ends.
func (s *scan) tableRow(extra []Match, line []byte, at int) []Match {
	t := s.table
	if t.sep != ' ' && t.sep != spaceSep && bytes.Count(line, []byte{t.sep})+1 != len(t.cols) {
		s.table = pastedTable{}
		return extra
	}
	var buf [16][2]int
	cells := tableCells(buf[:0], line, t.sep)
	if len(cells) != len(t.cols) {
		s.table = pastedTable{}
		return extra
	}
	for i, c := range cells {
		if e := cellEntity(line[c[0]:c[1]], t.cols[i]); e != 0 {
			extra = append(extra, Match{Entity: e, Start: at + c[0], End: at + c[1]})
		}
	}
	return extra
}

// cellEntity reports what a cell under a column of entity col holds, if it
// is of that column's form: a QQ number (5 to 11 digits, not from 0), a
// WeChat id (a letter, then 5 to 19 letters, digits, '_' or '-'), a name
// (a surname and one or two given names), a local number (7 or 8 digits,
// not from 0 or 1); 0 otherwise.
func cellEntity(c []byte, col Entity) Entity {
	switch col {
	case QQ:
		if q, digits := groupedDigits(c, 0); q == len(c) && digits >= 5 && digits <= 11 && c[0] != '0' && !bytes.ContainsAny(c, " -") {
			return QQ // ASCII or full-width digits
		}
	case WeChat:
		if wechatShaped(c) {
			return WeChat
		}
	case Name:
		if len(c) >= 6 && nameAt(c, 0) == len(c) {
			return Name
		}
	case Mobile, Landline:
		if q, digits := groupedDigits(c, 0); q == len(c) && digits >= 7 && digits <= 8 && c[0] >= '2' && c[0] <= '9' {
			return Landline
		}
	}
	return 0
}

// wechatShaped reports whether c has a WeChat id's shape: a letter, then
// 5 to 19 letters, digits, '_' or '-'.
func wechatShaped(c []byte) bool {
	return len(c) >= 6 && len(c) <= 20 && byteClass[c[0]] == cLetter && idChars(c)
}

// idChars reports whether c holds only letters, digits, '_' and '-'.
func idChars(c []byte) bool {
	for _, x := range c {
		if !isWordByte(x) && x != '-' {
			return false
		}
	}
	return true
}

// mergeMatches merges extra (in order) into out from base on, leaving out
// each extra match that overlaps one already there.
func mergeMatches(out []Match, base int, extra []Match) []Match {
	return append(out[:base], mergeFound(extra, out[base:])...)
}

// Answers in a transcript: a line that asks for a QQ number (请问您的QQ号是多少)
// and the next line, a speaker's answer after their label
// ([00:00:24] 客户：267164373, spk_1：8148128, [客户]：5 2 3 4 3 4 5 0 8).

// askWords end a question for a QQ number.
var askWords = []string{"QQ号是多少", "QQ号码是多少", "QQ是多少", "QQ多少", "qq号是多少", "qq多少", "扣扣号是多少", "扣扣多少"}

// asksQQ reports whether line asks for a QQ number.
func asksQQ(line []byte) bool {
	for _, w := range askWords {
		if bytes.Contains(line, []byte(w)) {
			return true
		}
	}
	return false
}

// answerQQ returns the span of a QQ number answering a question on the
// line before: after the speaker's label (a colon in the first 40 bytes),
// 5 to 11 digits, single spaces allowed between them, not from 0, and
// nothing after them but punctuation or the line's end; ok is false
// otherwise.
func answerQQ(line []byte) (start, end int, ok bool) {
	// The label's colon: the first in 48 bytes not inside a time.
	p := -1
	for c := 0; c < len(line) && c < 48; c++ {
		if line[c] == ':' && !(c > 0 && isDigit(line[c-1]) && c+1 < len(line) && isDigit(line[c+1])) {
			p = c + 1
			break
		}
		if hasPrefixAt(line, c, "：") {
			p = c + len("：")
			break
		}
	}
	if p < 0 || p >= len(line) {
		return 0, 0, false
	}
	for p < len(line) && line[p] == ' ' {
		p++
	}
	q, digits := p, 0
	for q < len(line) {
		if isDigit(line[q]) {
			digits++
			q++
			continue
		}
		if line[q] == ' ' && q+1 < len(line) && isDigit(line[q+1]) && digits > 0 {
			q++
			continue
		}
		break
	}
	if digits < 5 || digits > 11 || line[p] == '0' || q < len(line) && (isWordByte(line[q]) || line[q] >= 0x80 && !hasPrefixAt(line, q, "，") && !hasPrefixAt(line, q, "。")) {
		return 0, 0, false
	}
	return p, q, true
}
