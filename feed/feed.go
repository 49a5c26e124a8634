// Package feed reads files of crowd reports: ringfence's native CSV
// (number,category,reporter,reported_at[,note]) and the US FTC Do-Not-Call
// complaint CSV, whose subjects it maps onto ringfence's categories and whose
// complainant area codes become reporter groups. It only reads and maps;
// numbers and categories are validated by the caller, row by row.
package feed

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

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
type Reader struct {
	r      *csv.Reader
	format Format
	cols   map[string]int
	line   int
}

// NewReader reads the header and returns a reader. A header that lacks a
// required column is an error.
func NewReader(r io.Reader, format Format) (*Reader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty file: no header line")
	} else if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	fr := &Reader{r: cr, format: format, cols: map[string]int{}, line: 1}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		fr.cols[strings.ToLower(h)] = i
	}
	var need []string
	switch format {
	case Native:
		need = []string{"number", "category", "reporter", "reported_at"}
	case FTC:
		need = []string{"company_phone_number", "created_date", "consumer_area_code", "subject"}
	default:
		return nil, fmt.Errorf("unknown format %q", format)
	}
	for _, c := range need {
		if _, ok := fr.cols[c]; !ok {
			return nil, fmt.Errorf("header: missing column %q (have %s)", c, strings.Join(header, ","))
		}
	}
	return fr, nil
}

// Line is the line number of the last row returned.
func (fr *Reader) Line() int { return fr.line }

func (fr *Reader) field(rec []string, name string) string {
	i, ok := fr.cols[name]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// Next returns the next report. A bad row gives a *ringfence.RowError and the reader
// can go on; io.EOF ends the stream. Numbers and categories are returned as
// written (the native format) or as mapped (FTC), not yet validated.
func (fr *Reader) Next() (ringfence.Report, error) {
	rec, err := fr.r.Read()
	if err == io.EOF {
		return ringfence.Report{}, io.EOF
	}
	if line, _ := fr.r.FieldPos(0); line > 0 {
		fr.line = line
	} else {
		fr.line++
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			fr.line = pe.Line
			return ringfence.Report{}, &ringfence.RowError{Line: pe.Line, Err: pe.Err}
		}
		return ringfence.Report{}, err
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
	num := fr.field(rec, "company_phone_number")
	if num == "" {
		return ringfence.Report{}, &ringfence.RowError{Line: fr.line, Field: "Company_Phone_Number", Err: errors.New("blank number")}
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, num)
	switch {
	case len(digits) == 10:
		num = "+1" + digits
	case len(digits) == 11 && digits[0] == '1':
		num = "+" + digits
	default:
		return ringfence.Report{}, &ringfence.RowError{Line: fr.line, Field: "Company_Phone_Number", Err: fmt.Errorf("%q is not a North American number (%d digits)", num, len(digits))}
	}
	created := fr.field(rec, "created_date")
	t, err := time.ParseInLocation(ftcTime, created, eastern)
	if err != nil {
		return ringfence.Report{}, &ringfence.RowError{Line: fr.line, Field: "Created_Date", Err: fmt.Errorf("%q is not YYYY-MM-DD hh:mm:ss", created)}
	}
	r := ringfence.Report{
		Number:     num,
		Category:   FTCCategory(fr.field(rec, "subject"), fr.field(rec, "recorded_message_or_robocall")),
		Source:     ringfence.SourceFTC,
		ReportedAt: t.UTC(),
	}
	if v := fr.field(rec, "violation_date"); v != "" {
		if vt, err := time.ParseInLocation(ftcTime, v, eastern); err == nil {
			r.CalledAt = vt.UTC()
		}
	}
	area := fr.field(rec, "consumer_area_code")
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
