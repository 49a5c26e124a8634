package deid

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"

	"ringfence"
)

// maxRecord bounds one CSV record or JSON line, so that memory stays
// constant whatever the input's size.
const maxRecord = 64 << 20

// field is one CSV field: rec[start:end] in its record, quotes included.
type field struct {
	start, end int
	quoted     bool // enclosed in double quotes
	escaped    bool // holds "" escapes
	open       bool // its quote is never closed: it runs to the end of input
	bad        byte // why the field breaks RFC 4180 (badOpen …), 0 when it does not
}

// Why a field breaks RFC 4180.
const (
	badOpen       = 1 + iota // a quote is never closed
	badAfterQuote            // text after a closing quote: "x"y
	badBareQuote             // a quote inside an unquoted field: x"y
)

// recordReader splits a CSV stream (RFC 4180: quoted fields may hold
// commas, quotes and line breaks) into records without copying them.
type recordReader struct {
	r          io.Reader
	buf        []byte
	start, end int
	eof        bool
	line       int // line number of the next record
}

func newRecordReader(r io.Reader) *recordReader {
	return &recordReader{r: r, buf: make([]byte, 1<<18), line: 1}
}

// fill reads more input, keeping buf[start:end]. It returns false at the
// end of input.
func (rr *recordReader) fill() (bool, error) {
	if rr.eof {
		return false, nil
	}
	if rr.start > 0 {
		n := copy(rr.buf, rr.buf[rr.start:rr.end])
		rr.start, rr.end = 0, n
	}
	if rr.end == len(rr.buf) {
		if len(rr.buf) >= maxRecord {
			return false, ringfence.Errorf(ringfence.ETOOLARGE, "line %d: record longer than %d MiB", rr.line, maxRecord>>20)
		}
		nb := make([]byte, 2*len(rr.buf))
		copy(nb, rr.buf[:rr.end])
		rr.buf = nb
	}
	n, err := rr.r.Read(rr.buf[rr.end:])
	rr.end += n
	if err == io.EOF {
		rr.eof = true
		return n > 0, nil
	}
	if err != nil {
		return false, fmt.Errorf("read line %d: %w", rr.line, err)
	}
	return true, nil
}

// next returns the next record, line terminator included, its fields,
// what parseRecord learnt of it and the number of its first line. rec is
// valid until the following call; it is nil at the end of input.
func (rr *recordReader) next(fields []field) ([]byte, []field, recInfo, int, error) {
	for {
		rec, fs, ok, info := parseRecord(rr.buf[rr.start:rr.end], fields[:0], rr.eof)
		if ok && len(rec) > 0 {
			line := rr.line
			rr.line += info.lines
			rr.start += len(rec)
			return rec, fs, info, line, nil
		}
		if rr.eof {
			return nil, fs, info, rr.line, nil
		}
		if _, err := rr.fill(); err != nil {
			// A quote still open after maxRecord bytes is never closed
			// as far as this reader can tell: the record is returned with
			// its field open, for the caller to fail.
			if rec, fs, _, info := parseRecord(rr.buf[rr.start:rr.end], fields[:0], true); ringfence.ErrorCode(err) == ringfence.ETOOLARGE && len(fs) > 0 && fs[len(fs)-1].open {
				line := rr.line
				rr.line += info.lines
				rr.start += len(rec)
				return rec, fs, info, line, nil
			}
			return nil, fs, info, rr.line, err
		}
	}
}

// unread gives back the last n bytes of the record just returned by next,
// to be read again.
func (rr *recordReader) unread(rec []byte, n int) {
	rr.start -= n
	rr.line -= bytes.Count(rec[len(rec)-n:], newline)
}

var newline = []byte{'\n'}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// recInfo is what parseRecord learns of a record besides its fields.
type recInfo struct {
	text  uint8 // txtInvalid, txtIgnorable: what its fields' text holds
	bad   bool  // some field breaks RFC 4180 (its bad is set)
	lines int   // line breaks in the record, its own included
}

// What the text of a record's fields (all of it but its line break) holds,
// found as it is parsed: recordCheck's answers without a second pass.
const (
	txtInvalid   = 1 << iota // bytes that are not valid UTF-8
	txtIgnorable             // an ignorable character (see ignorableAt)
)

// parseRecord parses the record at the start of b. Unless final, a record
// is complete only when its line break has been seen. Each byte is read
// once: the fields' text is checked (UTF-8, ignorable characters) as their
// ends are searched for, eight bytes at a time while they are printable
// ASCII and two characters at a time while they are ideographs.
func parseRecord(b []byte, fs []field, final bool) ([]byte, []field, bool, recInfo) {
	n := len(b)
	i := 0
	var info recInfo
	for {
		f := field{start: i}
		closed := -1 // just after the closing quote
		if i < n && b[i] == '"' {
			f.quoted = true
			j := i + 1
			for {
				j, info.text, info.lines = quotedText(b, j, info.text, info.lines)
				if j >= n {
					if !final {
						return nil, fs, false, info
					}
					f.quoted = false // unterminated: keep it as data
					f.open = true
					f.bad = badOpen
					break
				}
				if j+1 < n && b[j+1] == '"' {
					f.escaped = true
					j += 2
					continue
				}
				if j+1 == n && !final {
					return nil, fs, false, info
				}
				j++
				closed = j
				break
			}
			i = j
		}
		// To the first comma, CR or LF, by the kind of each byte met:
		// printable ASCII eight bytes at a time, multi-byte characters
		// by highText.
		bare := false
	text:
		for i < n {
			c := b[i]
			if c >= 0x80 {
				i, info.text = highText(b, i, info.text)
				continue
			}
			switch csvKind[c] {
			case kPlain:
				i = plainRun(b, i+1)
			case kStop:
				break text
			case kQuote:
				bare = true
				i++
			default: // kControl
				info.text |= txtIgnorable
				i++
			}
		}
		switch {
		case f.quoted && i != closed:
			f.quoted = false // text after the closing quote: keep it as data
			f.bad = badAfterQuote
		case !f.quoted && !f.open && bare && !excelText(b[f.start:i]):
			f.bad = badBareQuote
		}
		if f.bad != 0 {
			info.bad = true
		}
		f.end = i
		fs = append(fs, f)
		if i >= n {
			if !final {
				return nil, fs, false, info
			}
			return b, fs, true, info
		}
		switch b[i] {
		case ',':
			i++
			continue
		case '\r':
			if i+1 < n && b[i+1] == '\n' {
				info.lines++
				return b[:i+2], fs, true, info
			}
			if i+1 == n && !final {
				return nil, fs, false, info
			}
			return b[:i+1], fs, true, info
		default: // '\n'
			info.lines++
			return b[:i+1], fs, true, info
		}
	}
}

// broken says why a record cannot be parsed safely ("" when it can), and
// how many of its bytes make the broken record: when quotes went wrong its
// extent is unknown, so only its first line is failed and the lines after
// it are read again. want is the number of fields a record must have (0
// for any), as the record named by of has.
func broken(rec []byte, fs []field, want int, of string) (string, int) {
	for k, f := range fs {
		var why string
		switch f.bad {
		case badOpen:
			why = "a quote is never closed"
		case badAfterQuote:
			why = fmt.Sprintf("field %d: text after its closing quote", k+1)
		case badBareQuote:
			why = fmt.Sprintf("field %d: a quote inside an unquoted field", k+1)
		default:
			continue
		}
		if i := bytes.IndexByte(rec, '\n'); i >= 0 {
			return why, i + 1
		}
		return why, len(rec)
	}
	if want > 0 && len(fs) != want && !blankRecord(fs) {
		return fmt.Sprintf("%d fields, %s has %d", len(fs), of, want), len(rec)
	}
	return "", len(rec)
}

// blankRecord reports whether a record is an empty line.
func blankRecord(fs []field) bool { return len(fs) == 1 && fs[0].end == fs[0].start }

// unparsed appends the marker of a failed record: cells of Unparsed and
// the record's own line break.
func unparsed(out, rec []byte, cells int) []byte {
	for k := range max(cells, 1) {
		if k > 0 {
			out = append(out, ',')
		}
		out = append(out, Unparsed...)
	}
	switch {
	case bytes.HasSuffix(rec, []byte("\r\n")):
		out = append(out, '\r', '\n')
	case bytes.HasSuffix(rec, newline):
		out = append(out, '\n')
	case bytes.HasSuffix(rec, []byte("\r")):
		out = append(out, '\r')
	}
	return out
}

// formulaStart marks the bytes with which a spreadsheet cell becomes a
// formula (OWASP, CSV injection).
var formulaStart = [256]bool{'=': true, '+': true, '-': true, '@': true, '\t': true, '\r': true}

// neutralise gives the cell that starts at out[at] a leading quote when a
// spreadsheet would read it as a formula.
func (st *state) neutralise(out []byte, at int) []byte {
	if st.raw || at >= len(out) || !formulaStart[out[at]] || excelText(out[at:]) {
		// A text formula (="3412…") is a string constant: Excel runs
		// nothing in it, and the leading ' would show its quotes.
		return out
	}
	st.neutral++
	return slices.Insert(out, at, '\'')
}

// unquote returns the content of a quoted field with "" resolved, and the
// offset in raw of each content offset.
func unquote(dst []byte, offs []int, raw []byte) ([]byte, []int) {
	for i := 1; i < len(raw)-1; i++ {
		offs = append(offs, i)
		dst = append(dst, raw[i])
		if raw[i] == '"' {
			i++
		}
	}
	offs = append(offs, len(raw)-1)
	return dst, offs
}

// excelText reports whether the unquoted field v is a text formula, as
// shops' order exports write long numbers so that Excel keeps their digits
// (="3412345678901234567"): its only quotes open and close what follows
// the '='. Such a field is read as it stands, not as a broken quote.
func excelText(v []byte) bool {
	return len(v) >= 3 && v[0] == '=' && v[1] == '"' && v[len(v)-1] == '"' && bytes.IndexByte(v[2:len(v)-1], '"') < 0
}

// csv de-identifies a CSV stream record by record. A record that cannot
// be parsed is replaced whole by Unparsed cells.
func (st *state) csv(src io.Reader, w *bufio.Writer) error {
	rr := newRecordReader(src)
	var fields []field
	var rules []rule
	var out, dec []byte
	var offs []int
	header := st.e.pol.header
	want := 0           // fields per record: the header's, else the first record's
	headerLost := false // the header could not be parsed: no column is known
	preamble := 0       // rows above the header (preambleRow)
	scanRule := rule{op: OpScan, col: -1}
	for {
		rec, fs, info, line, err := rr.next(fields)
		fields = fs
		if err != nil {
			return err
		}
		if rec == nil {
			st.clean = false
			return nil
		}
		out = out[:0]
		if !header {
			st.records++
		}
		of := "the header"
		if !st.e.pol.header {
			of = "the first row"
		}
		why, keep := "", len(rec)
		if info.bad || want > 0 && len(fs) != want {
			why, keep = broken(rec, fs, want, of)
		}
		st.clean = false
		if why == "" {
			// The parser has read the fields once and told whether
			// they decode and whether any holds an ignorable character.
			if st.enc == "utf-8" {
				if info.text&txtInvalid != 0 {
					why = "not valid utf-8"
				}
			} else {
				why = st.decodeFault(rec)
			}
			st.clean = info.text == 0
		}
		if why == "" && headerLost && !blankRecord(fs) {
			why = "the header (line 1) cannot be parsed, so its columns are unknown"
		}
		if why != "" {
			if keep < len(rec) {
				rr.unread(rec, len(rec)-keep)
				rec = rec[:keep]
			}
			st.fail(line, "%s", why)
			if header {
				header, headerLost = false, true
			}
			if _, err := w.Write(unparsed(out, rec, want)); err != nil {
				return err
			}
			continue
		}
		if header {
			if preamble < maxPreamble && preambleRow(rec, fs) {
				// A title, a blank line or Excel's sep=, above the
				// header: scanned as text, and the header comes after.
				preamble++
				if _, err := w.Write(st.scanRow(out, rec, fs, &scanRule, &dec, &offs)); err != nil {
					return err
				}
				continue
			}
			if len(fs) == 1 {
				if sep, ok := otherDelimiter(rec); ok {
					// Read as one column, the others' data would be
					// masked by whichever kind the header names first.
					return ringfence.Errorf(ringfence.EINVALID, "%s:%d: the header is one field of column names separated by %q, not commas: deid reads comma-separated values; save the file as CSV with commas", st.name, line, sep)
				}
			}
			header = false
			want = len(fs)
			for k, f := range fs {
				name := string(trimSpace(rec[f.start:f.end]))
				if f.quoted {
					d, _ := unquote(nil, nil, rec[f.start:f.end])
					name = string(trimSpace(d))
				}
				rules = append(rules, st.ruleFor(name, k))
			}
			// Column names are scanned too: a file without a header
			// row has personal data in its first.
			out = st.scanRow(out, rec, fs, &scanRule, &dec, &offs)
			if _, err := w.Write(out); err != nil {
				return err
			}
			continue
		}
		if want == 0 && !blankRecord(fs) {
			want = len(fs)
		}
		for len(rules) < len(fs) {
			rules = append(rules, st.ruleFor(fmt.Sprintf("#%d", len(rules)+1), len(rules)))
		}
		p := 0
		for k := range fs {
			f, r := &fs[k], &rules[k]
			if f.start == p+1 {
				out = append(out, rec[p]) // the comma, without a call to copy it
			} else {
				out = append(out, rec[p:f.start]...)
			}
			if f.quoted || f.escaped || r.explicit && r.op == OpKeep {
				out = st.cell(out, rec[f.start:f.end], *f, r, &dec, &offs)
			} else {
				// cell's usual case, without the call.
				at := len(out)
				out = st.rewrite(out, rec[f.start:f.end], rec[f.start:f.end], nil, r)
				if at < len(out) && formulaStart[out[at]] {
					out = st.neutralise(out, at)
				}
			}
			p = f.end
		}
		out = append(out, rec[p:]...)
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
}

// maxPreamble is how many rows above a CSV header preambleRow may pass
// over.
const maxPreamble = 10

// preambleRow reports whether a record read where the header is expected
// is a row above it, as exports write them: a blank line, Excel's sep=,
// line, or a title (客户档案导出,,,): a row of several fields of which at
// most one holds anything, and that one names no personal data. A header
// of one named column and empty ones (姓名,,) is a header: taking the row
// under it for the header would leave that column's data unnamed.
func preambleRow(rec []byte, fs []field) bool {
	full := 0
	for _, f := range fs {
		v := trimSpace(rec[f.start:f.end])
		if f.quoted && len(v) >= 2 {
			v = trimSpace(v[1 : len(v)-1])
		}
		if len(v) == 0 {
			continue
		}
		full++
		if sep := bytes.HasPrefix(bytes.ToLower(v), []byte("sep=")); len(fs) == 1 && !sep || !sep && InferEntity(string(v)) != 0 {
			return false
		}
	}
	return full <= 1
}

// otherDelimiter reports whether a header read as one field is column
// names separated by a semicolon or a tab (Excel's CSV in European
// locales, tab-separated text), two of which at least name personal
// data.
func otherDelimiter(rec []byte) (byte, bool) {
	for _, sep := range []byte{';', '\t', '|'} {
		parts := bytes.Split(trimSpace(rec), []byte{sep})
		if len(parts) < 2 {
			continue
		}
		named := 0
		for _, p := range parts {
			if InferEntity(string(p)) != 0 {
				named++
			}
		}
		if named >= 2 {
			return sep, true
		}
	}
	return 0, false
}

// scanRow appends the record rec, whose fields are fs, each field
// de-identified under r (the header's and the preamble's scanning rule).
func (st *state) scanRow(out, rec []byte, fs []field, r *rule, dec *[]byte, offs *[]int) []byte {
	p := 0
	for _, f := range fs {
		out = append(out, rec[p:f.start]...)
		out = st.cell(out, rec[f.start:f.end], f, r, dec, offs)
		p = f.end
	}
	return append(out, rec[p:]...)
}

// cell appends field f, raw in its record, de-identified under rule r and
// neutralised.
func (st *state) cell(out, raw []byte, f field, r *rule, dec *[]byte, offs *[]int) []byte {
	at := len(out)
	if f.quoted {
		at++
	}
	switch {
	case r.op == OpKeep && r.explicit:
		out = append(out, raw...)
	case f.escaped:
		*dec, *offs = unquote((*dec)[:0], (*offs)[:0], raw)
		out = st.rewrite(out, raw, *dec, *offs, r)
	case f.quoted:
		out = append(out, '"')
		out = st.rewrite(out, raw[1:len(raw)-1], raw[1:len(raw)-1], nil, r)
		out = append(out, '"')
	default:
		out = st.rewrite(out, raw, raw, nil, r)
	}
	if at >= len(out) || !formulaStart[out[at]] {
		return out // neutralise has nothing to do
	}
	return st.neutralise(out, at)
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return trimBOM(b)
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}
