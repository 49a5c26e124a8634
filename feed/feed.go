// Package feed reads files of crowd reports: ringfence's native CSV
// (number,category,reporter,reported_at[,note]) and the US FTC Do-Not-Call
// complaint CSV, whose subjects it maps onto ringfence's categories and whose
// complainant area codes become reporter groups. It only reads and maps;
// numbers and categories are validated by the caller, row by row.
package feed

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"ringfence"
)

// Format is a report file format.
type Format string

// Formats.
const (
	Native Format = "native"
	FTC    Format = "ftc"
)

// ParseFormat validates a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Native, FTC:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (native or ftc)", s)
}

// Reader reads reports from a CSV stream.
//
// A report is one line: a quoted field may hold commas and doubled quotes
// ("") but not a line break, so a quote left open cannot swallow the rows
// after it. A line whose quotes do not parse (a quote never closed, text
// after a closing quote) is a *ringfence.RowError naming its line and
// field, and the reader goes on with the next line; a quote inside an
// unquoted field is kept as written. Blank lines are skipped.
//
// The encoding is detected from the first 64 KiB (DetectEncoding): UTF-8
// (a byte order mark is dropped) or else GB18030, which covers GBK and
// GB2312. A field whose text is still not valid UTF-8 (or that the
// GB18030 decoder could not map) is a *ringfence.RowError for that field.
type Reader struct {
	br     *bufio.Reader
	format Format
	cols   map[string]int
	names  []string // column names by index, as in the header
	line   int
	gb     bool     // the input is GB18030
	rec    []string // the last record, reused
	long   []byte   // a line longer than the reader's buffer
	eof    bool
	used   []int // the columns a report reads
	col    cols  // the columns' indexes, found once from the header
	cats   map[ftcSubject]ringfence.Category
}

// Encodings DetectEncoding tells apart.
const (
	UTF8    = "utf-8"
	GB18030 = "gb18030"
)

// DetectEncoding tells the encoding of text from head, its first bytes:
// UTF-8 unless head is not valid UTF-8 (a rune cut at the end of head
// aside), which a GBK or GB18030 file with Chinese text never is; then
// GB18030.
func DetectEncoding(head []byte) string {
	for i := 0; i < utf8.UTFMax-1 && len(head) > 0; i++ {
		if r, _ := utf8.DecodeLastRune(head); r != utf8.RuneError {
			break
		}
		head = head[:len(head)-1]
	}
	if utf8.Valid(head) {
		return UTF8
	}
	return GB18030
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// NewReader reads the header and returns a reader. A header that lacks a
// required column is an error.
func NewReader(r io.Reader, format Format) (*Reader, error) {
	var need, read []string
	switch format {
	case Native:
		need = []string{"number", "category", "reporter", "reported_at"}
		read = []string{"note", "called_at"}
	case FTC:
		need = []string{"company_phone_number", "created_date", "consumer_area_code", "subject"}
		read = []string{"violation_date", "recorded_message_or_robocall"}
	default:
		return nil, fmt.Errorf("unknown format %q", format)
	}
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(1 << 16)
	fr := &Reader{br: br, format: format, cols: map[string]int{}}
	if bytes.HasPrefix(head, utf8BOM) {
		br.Discard(len(utf8BOM))
	} else if DetectEncoding(head) == GB18030 {
		fr.gb = true
		fr.br = bufio.NewReaderSize(transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), 1<<16)
	}
	header, err := fr.record()
	if err == io.EOF {
		return nil, errors.New("empty file: no header line")
	} else if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	fr.names = make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		fr.names[i] = h
		fr.cols[strings.ToLower(h)] = i
	}
	for _, c := range need {
		if _, ok := fr.cols[c]; !ok {
			return nil, fmt.Errorf("header: missing column %q (have %s)", c, strings.Join(header, ","))
		}
	}
	for _, c := range append(need, read...) {
		if i, ok := fr.cols[c]; ok {
			fr.used = append(fr.used, i)
		}
	}
	fr.col = fr.indexes()
	return fr, nil
}

// Line is the line number of the last row returned.
func (fr *Reader) Line() int { return fr.line }

func (fr *Reader) field(rec []string, name string) string {
	i, ok := fr.cols[name]
	if !ok {
		return ""
	}
	return fieldAt(rec, i)
}

// fieldAt is field i of rec, trimmed; "" when rec has no field i (i < 0
// for a column the header lacks).
func fieldAt(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// readLine returns the next line without its line break, or io.EOF.
func (fr *Reader) readLine() ([]byte, error) {
	if fr.eof {
		return nil, io.EOF
	}
	b, err := fr.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		fr.long = append(fr.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = fr.br.ReadSlice('\n')
			fr.long = append(fr.long, b...)
		}
		b = fr.long
	}
	if err == io.EOF {
		fr.eof = true
		if len(b) == 0 {
			return nil, io.EOF
		}
	} else if err != nil {
		return nil, err
	}
	fr.line++
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	return b, nil
}

// record reads the next non-blank line and splits it into fields. A line
// whose quotes do not parse is a *ringfence.RowError.
func (fr *Reader) record() ([]string, error) {
	var b []byte
	for {
		var err error
		if b, err = fr.readLine(); err != nil {
			return nil, err
		}
		if len(b) > 0 {
			break
		}
	}
	line := string(b)
	rec := fr.rec[:0]
	if strings.IndexByte(line, '"') < 0 {
		for {
			i := strings.IndexByte(line, ',')
			if i < 0 {
				rec = append(rec, line)
				break
			}
			rec = append(rec, line[:i])
			line = line[i+1:]
		}
		fr.rec = rec
		return rec, nil
	}
	rec, err := splitQuoted(rec, line)
	fr.rec = rec
	if err != nil {
		col := len(rec)
		name := fmt.Sprintf("field %d", col+1)
		if col < len(fr.names) {
			name = fr.names[col]
		}
		return nil, &ringfence.RowError{Line: fr.line, Field: name, Err: err}
	}
	return rec, nil
}

// splitQuoted appends the fields of one CSV line that has quotes in it to
// rec. On error rec holds the fields before the one at fault.
func splitQuoted(rec []string, line string) ([]string, error) {
	for {
		if !strings.HasPrefix(line, `"`) {
			i := strings.IndexByte(line, ',')
			if i < 0 {
				return append(rec, line), nil
			}
			rec = append(rec, line[:i])
			line = line[i+1:]
			continue
		}
		line = line[1:]
		var sb strings.Builder
		for {
			i := strings.IndexByte(line, '"')
			if i < 0 {
				return rec, errors.New("quote never closed (a report is one line)")
			}
			sb.WriteString(line[:i])
			line = line[i+1:]
			if strings.HasPrefix(line, `"`) {
				sb.WriteByte('"')
				line = line[1:]
				continue
			}
			break
		}
		rec = append(rec, sb.String())
		switch {
		case line == "":
			return rec, nil
		case line[0] == ',':
			line = line[1:]
		default:
			return rec[:len(rec)-1], errors.New("text after a closing quote")
		}
	}
}

// Next returns the next report. A bad row gives a *ringfence.RowError and the reader
// can go on; io.EOF ends the stream. Numbers and categories are returned as
// written (the native format) or as mapped (FTC), not yet validated.
func (fr *Reader) Next() (ringfence.Report, error) {
	rec, err := fr.record()
	if err != nil {
		return ringfence.Report{}, err
	}
	for _, i := range fr.used {
		if i >= len(rec) {
			continue
		}
		if v := rec[i]; !utf8.ValidString(v) || fr.gb && strings.ContainsRune(v, utf8.RuneError) {
			name := fmt.Sprintf("field %d", i+1)
			if i < len(fr.names) {
				name = fr.names[i]
			}
			why := "not valid UTF-8; the file's first 64 KiB are UTF-8, so the file is read as UTF-8 (a file in GBK/GB18030 throughout is detected when its Chinese text starts earlier, or convert it: iconv -f GB18030 -t UTF-8)"
			if fr.gb {
				why = "not valid GB18030 (the file was detected as GBK/GB18030 from its first 64 KiB)"
			}
			return ringfence.Report{}, &ringfence.RowError{Line: fr.line, Field: name, Err: errors.New(why)}
		}
	}
	if fr.format == FTC {
		return fr.ftc(rec)
	}
	return fr.native(rec)
}

func (fr *Reader) native(rec []string) (ringfence.Report, error) {
	r := ringfence.Report{
		Number:   fr.field(rec, "number"),
		Category: ringfence.Category(fr.field(rec, "category")),
		Reporter: fr.field(rec, "reporter"),
		Note:     fr.field(rec, "note"),
		Source:   ringfence.SourceCrowd,
	}
	at := fr.field(rec, "reported_at")
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return r, &ringfence.RowError{Line: fr.line, Field: "reported_at", Err: fmt.Errorf("%q is not RFC 3339", at)}
	}
	r.ReportedAt = t
	if s := fr.field(rec, "called_at"); s != "" {
		if r.CalledAt, err = time.Parse(time.RFC3339, s); err != nil {
			return r, &ringfence.RowError{Line: fr.line, Field: "called_at", Err: fmt.Errorf("%q is not RFC 3339", s)}
		}
	}
	return r, nil
}

// ftcTime is the FTC files' time layout; times are US Eastern.
const ftcTime = "2006-01-02 15:04:05"

var eastern = func() *time.Location {
	if l, err := time.LoadLocation("America/New_York"); err == nil {
		return l
	}
	return time.FixedZone("EST", -5*3600)
}()

func (fr *Reader) ftc(rec []string) (ringfence.Report, error) {
	num := fieldAt(rec, fr.col.phone)
	if num == "" {
		return ringfence.Report{}, &ringfence.RowError{Line: fr.line, Field: "Company_Phone_Number", Err: errors.New("blank number")}
	}
	digits := num
	if !allDigits(num) {
		digits = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, num)
	}
	switch {
	case len(digits) == 10:
		num = "+1" + digits
	case len(digits) == 11 && digits[0] == '1':
		num = "+" + digits
	default:
		return ringfence.Report{}, &ringfence.RowError{Line: fr.line, Field: "Company_Phone_Number", Err: fmt.Errorf("%q is not a North American number (%d digits)", num, len(digits))}
	}
	created := fieldAt(rec, fr.col.created)
	t, err := parseFTCTime(created)
	if err != nil {
		return ringfence.Report{}, &ringfence.RowError{Line: fr.line, Field: "Created_Date", Err: fmt.Errorf("%q is not YYYY-MM-DD hh:mm:ss", created)}
	}
	r := ringfence.Report{
		Number:     num,
		Category:   fr.category(fieldAt(rec, fr.col.subject), fieldAt(rec, fr.col.robocall)),
		Source:     ringfence.SourceFTC,
		ReportedAt: t.UTC(),
	}
	if v := fieldAt(rec, fr.col.violation); v != "" {
		if vt, err := parseFTCTime(v); err == nil {
			r.CalledAt = vt.UTC()
		}
	}
	area := fieldAt(rec, fr.col.area)
	if area == "" {
		area = "unknown"
	}
	r.Reporter = "ftc:" + area
	return r, nil
}

// FTCCategory maps an FTC complaint subject (and its robocall flag) onto a
// category. Subjects that say nothing of the call's purpose become
// "robocall" when the complainant flagged a recorded message, else "sales".
func FTCCategory(subject, robocall string) ringfence.Category {
	s := strings.ToLower(strings.Join(strings.Fields(subject), " "))
	switch {
	case strings.Contains(s, "debt"), strings.Contains(s, "loan"), strings.Contains(s, "mortgage"):
		return "loan"
	case strings.Contains(s, "pretending"), strings.Contains(s, "imposter"),
		strings.Contains(s, "computer"), strings.Contains(s, "lotter"), strings.Contains(s, "work from home"):
		return "fraud"
	case strings.Contains(s, "home improvement"):
		return "decoration"
	case strings.Contains(s, "insurance"), strings.Contains(s, "medical"):
		return "insurance"
	case strings.Contains(s, "warrant"), strings.Contains(s, "energy"), strings.Contains(s, "vacation"),
		strings.Contains(s, "charit"), strings.Contains(s, "security"):
		return "sales"
	}
	if strings.EqualFold(strings.TrimSpace(robocall), "y") {
		return "robocall"
	}
	return "sales"
}
