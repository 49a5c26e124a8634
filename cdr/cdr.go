// Package cdr reads call detail records: the native CSV of ringfence
// (caller,callee,start_time,duration_s,answered, and optionally account and
// trunk) and Asterisk's Master.csv, plain or gzip-compressed, with the
// format detected from the first line.
//
// Who carried a call (the customer account and the trunk: Asterisk's
// accountcode and originating channel, the native account and trunk
// columns) is interned by the Reader: a record carries a small Source id,
// and Reader.Source names it. A Rollup counts flags by that account or
// trunk, by the brand of the number's range or by the holder of a 95/96
// number: whose lines carry the harassment.
//
// A Reader streams records one at a time and never stops at a bad row: Next
// returns a *ringfence.RowError naming the line and field, and the following call
// goes on with the next row. Numbers in any common notation are normalised
// to E.164 by package number.
//
// The reader is built for bulk ingestion at carrier speed: lines are split
// by hand over a buffered reader (quoted fields take a slower path), times
// are parsed without the time package on the common layouts, and
// Next returns numbers as number.Key integers without allocating.
package cdr

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unsafe"

	"ringfence"
	"ringfence/number"
)

// Format is a CDR file format.
type Format int

// Formats. Auto detects Native or Asterisk from the first line.
const (
	Auto Format = iota
	Native
	Asterisk
)

func (f Format) String() string {
	switch f {
	case Native:
		return "native"
	case Asterisk:
		return "asterisk"
	}
	return "auto"
}

// ParseFormat parses "auto", "native" or "asterisk".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return Auto, nil
	case "native", "csv":
		return Native, nil
	case "asterisk", "master.csv":
		return Asterisk, nil
	}
	return Auto, ringfence.Errorf(ringfence.EINVALID, "unknown CDR format %q (want auto, native or asterisk)", s)
}

// maxLine is the longest line read; longer ones are bad rows.
const maxLine = 64 << 10

// Reader reads call records from a stream.
type Reader struct {
	br     *bufio.Reader
	format Format
	// Location is the time zone of times written without one (Asterisk's
	// start column, native times without an offset). It defaults to China
	// Standard Time (UTC+8).
	Location *time.Location

	line     int
	started  bool
	openErr  error
	cols     [7]int // native: index of caller, callee, start_time, duration_s, answered, account, trunk (-1: none)
	ncols    int
	width    int // native with a header: the header's field count (0: no header)
	sources  sourceTable
	fields   [][]byte
	long     []byte
	unquoted []byte
	times    timeCache
	fast     bool // native rows of the usual shape are read by quick
	noQuick  bool // tests: read every row the general way
}

// CST is China Standard Time, the default zone of times without one.
var CST = time.FixedZone("CST", 8*3600)

// NewReader returns a reader of r in the given format. Gzip input is
// detected from its magic bytes and decompressed, so files and stdin may be
// plain or compressed.
func NewReader(r io.Reader, format Format) *Reader {
	br := bufio.NewReaderSize(r, 256<<10)
	rd := &Reader{format: format, Location: CST, cols: [7]int{0, 1, 2, 3, 4, -1, -1}, ncols: 5}
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			rd.openErr = fmt.Errorf("gzip: %w", err)
		} else {
			zr.Multistream(true)
			br = bufio.NewReaderSize(zr, 256<<10)
		}
	}
	rd.br = br
	return rd
}

// Format returns the format in use: the one detected once the first row is
// read under Auto.
func (r *Reader) Format() Format { return r.format }

// Buffered returns the bytes read from the input but not yet returned as
// records: when it is 0, the next call to Next may wait on the input.
func (r *Reader) Buffered() int { return r.br.Buffered() }

// Next returns the next record. It returns io.EOF at the end, a
// *ringfence.RowError for a bad row (call Next again to go on; Line counts
// lines of the decompressed input from 1), and any other error for a
// failure of the underlying stream. It does not allocate for rows whose
// numbers are already in E.164.
func (r *Reader) Next() (ringfence.CallRecord, error) {
	if r.openErr != nil {
		err := r.openErr
		r.openErr = io.ErrUnexpectedEOF
		if err == io.ErrUnexpectedEOF {
			return ringfence.CallRecord{}, io.EOF
		}
		return ringfence.CallRecord{}, err
	}
	for {
		line, err := r.readLine()
		if err != nil {
			return ringfence.CallRecord{}, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if !r.started {
			r.started = true
			if header, err := r.detect(line); header || err != nil {
				if err != nil {
					return ringfence.CallRecord{}, err
				}
				continue
			}
		}
		if r.format == Asterisk {
			return r.asterisk(line)
		}
		return r.native(line)
	}
}

// Line is the line of the record Next returned last (1 is the first line).
func (r *Reader) Line() int { return r.line }

// readLine returns the next line without its line ending. A line longer
// than maxLine is returned as a *ringfence.RowError.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			if len(r.long) < maxLine {
				r.long = append(r.long, line...)
			}
		}
		line = r.long
		if len(line) >= maxLine {
			r.line++
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, &ringfence.RowError{Line: r.line, Err: fmt.Errorf("line longer than %d bytes", maxLine)}
		}
	}
	if err != nil {
		if err != io.EOF {
			return nil, fmt.Errorf("read line %d: %w", r.line+1, err)
		}
		if len(line) == 0 {
			return nil, io.EOF
		}
	}
	r.line++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

var nativeNames = [7]string{"caller", "callee", "start_time", "duration_s", "answered", "account", "trunk"}

// nativeRequired is how many of nativeNames a native header must have; the
// rest (account, trunk) are optional.
const nativeRequired = 5

// detect looks at the first line: a native header (returns header=true),
// or a first data row whose shape tells the format.
func (r *Reader) detect(line []byte) (header bool, err error) {
	fields := r.split(line)
	lower := make([]string, len(fields))
	for i, f := range fields {
		lower[i] = strings.ToLower(strings.TrimSpace(string(f)))
	}
	isNative := false
	for _, f := range lower {
		if f == "caller" {
			isNative = true
		}
	}
	if isNative && r.format != Asterisk {
		r.format = Native
		cols := [7]int{-1, -1, -1, -1, -1, -1, -1}
		for i, f := range lower {
			for j, name := range nativeNames {
				if f == name || (j == 2 && f == "start") || (j == 3 && (f == "duration" || f == "billsec")) || (j == 5 && f == "accountcode") {
					if cols[j] < 0 {
						cols[j] = i
					}
				}
			}
		}
		for j, c := range cols[:nativeRequired] {
			if c < 0 {
				return true, fmt.Errorf("line %d: header has no %q column", r.line, nativeNames[j])
			}
		}
		r.cols = cols
		r.width = len(fields)
		r.ncols = 0
		for _, c := range cols {
			r.ncols = max(r.ncols, c+1)
		}
		r.fast = !r.noQuick && r.plain()
		return true, nil
	}
	if r.format == Auto {
		r.format = Native
		if len(fields) >= 14 {
			r.format = Asterisk
		}
	}
	r.fast = !r.noQuick && r.format == Native && r.plain()
	if r.format == Asterisk && len(lower) > 1 && (lower[0] == "accountcode" || lower[1] == "src") {
		return true, nil
	}
	return false, nil
}

// split splits a CSV line into r.fields, which alias line unless a field
// was quoted.
func (r *Reader) split(line []byte) [][]byte {
	r.fields = r.fields[:0]
	if bytes.IndexByte(line, '"') < 0 {
		for {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				r.fields = append(r.fields, line)
				return r.fields
			}
			r.fields = append(r.fields, line[:i])
			line = line[i+1:]
		}
	}
	return r.splitQuoted(line)
}

// splitQuoted handles RFC 4180 quoting: fields in double quotes may hold
// commas, and "" stands for one quote.
func (r *Reader) splitQuoted(line []byte) [][]byte {
	r.unquoted = r.unquoted[:0]
	// Pre-size so appends do not move fields already sliced from it.
	if cap(r.unquoted) < len(line) {
		r.unquoted = make([]byte, 0, len(line))
	}
	for {
		line = bytes.TrimLeft(line, " ")
		if len(line) > 0 && line[0] == '"' {
			start := len(r.unquoted)
			i := 1
			for i < len(line) {
				if line[i] == '"' {
					if i+1 < len(line) && line[i+1] == '"' {
						r.unquoted = append(r.unquoted, '"')
						i += 2
						continue
					}
					break
				}
				r.unquoted = append(r.unquoted, line[i])
				i++
			}
			r.fields = append(r.fields, r.unquoted[start:len(r.unquoted):len(r.unquoted)])
			line = line[min(i+1, len(line)):]
			j := bytes.IndexByte(line, ',')
			if j < 0 {
				return r.fields
			}
			line = line[j+1:]
			continue
		}
		i := bytes.IndexByte(line, ',')
		if i < 0 {
			r.fields = append(r.fields, line)
			return r.fields
		}
		r.fields = append(r.fields, line[:i])
		line = line[i+1:]
	}
}

// plain reports whether the native columns are the five required ones in
// their usual order, with nothing after them: rows that quick can read.
func (r *Reader) plain() bool {
	return r.ncols == nativeRequired && r.cols == [7]int{0, 1, 2, 3, 4, -1, -1}
}

// quick reads a native row of the usual shape in one pass over the line,
// without splitting it into fields: mobile numbers as +86 and 11 digits
// (or the 11 digits), a start time of a common layout, whole seconds and
// answered as 1 or 0, with no spaces or quotes. It returns ok false for
// anything else, which native reads the general way (with the same result
// for rows both read, and the error for bad ones).
func (r *Reader) quick(line []byte) (rec ringfence.CallRecord, ok bool) {
	// Fields end where the usual widths put a comma (+86 and 11 digits,
	// an RFC 3339 time with its offset), else at the next comma. A comma
	// found early by width inside a field fails the field's own check.
	i := comma(line, 14)
	if i < 0 {
		return rec, false
	}
	if rec.Caller, ok = fastMobile(line[:i]); !ok {
		return rec, false
	}
	line = line[i+1:]
	if i = comma(line, 14); i < 0 {
		return rec, false
	}
	if rec.Callee, ok = fastMobile(line[:i]); !ok {
		return rec, false
	}
	line = line[i+1:]
	if i = comma(line, 25); i < 0 {
		return rec, false
	}
	if rec.Start, ok = r.times.fast(line[:i], r.Location); !ok {
		return rec, false
	}
	line = line[i+1:]
	// Seconds: one to nine digits, then ",0" or ",1" ending the line.
	n := len(line)
	if n < 3 || n > 11 || line[n-2] != ',' {
		return rec, false
	}
	var dur uint32
	for _, c := range line[:n-2] {
		c -= '0'
		if c > 9 {
			return rec, false
		}
		dur = dur*10 + uint32(c)
	}
	switch line[n-1] {
	case '1':
		rec.Answered, rec.Duration = true, dur
	case '0':
	default:
		return rec, false
	}
	return rec, true
}

// comma returns the index of the comma ending line's first field: width
// when a comma is there, else the first comma's (-1: none).
func comma(line []byte, width int) int {
	if width < len(line) && line[width] == ',' {
		return width
	}
	return bytes.IndexByte(line, ',')
}

func (r *Reader) native(line []byte) (ringfence.CallRecord, error) {
	if r.fast {
		if rec, ok := r.quick(line); ok {
			return rec, nil
		}
	}
	f := r.split(line)
	if len(f) < r.ncols {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Err: fmt.Errorf("%d fields, want %d", len(f), r.ncols)}
	}
	if r.width > 0 && len(f) > r.width {
		// More fields than the header names: a comma inside an unquoted
		// field, or columns shifted; no field of it can be trusted.
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Err: fmt.Errorf("%d fields, the header has %d", len(f), r.width)}
	}
	var rec ringfence.CallRecord
	var err error
	if rec.Caller, err = key(f[r.cols[0]]); err != nil {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: "caller", Err: err}
	}
	if rec.Callee, err = key(f[r.cols[1]]); err != nil {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: "callee", Err: err}
	}
	if rec.Start, err = r.times.parse(f[r.cols[2]], r.Location); err != nil {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: "start_time", Err: err}
	}
	if rec.Duration, err = seconds(f[r.cols[3]]); err != nil {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: "duration_s", Err: err}
	}
	if rec.Answered, err = boolean(f[r.cols[4]]); err != nil {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: "answered", Err: err}
	}
	if !rec.Answered {
		rec.Duration = 0
	}
	if r.cols[5] >= 0 || r.cols[6] >= 0 {
		var account, trunk []byte
		if r.cols[5] >= 0 {
			account = f[r.cols[5]]
		}
		if r.cols[6] >= 0 {
			trunk = f[r.cols[6]]
		}
		var serr *sourceError
		if rec.Source, serr = r.sources.id(account, trunk); serr != nil {
			return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: serr.field, Err: serr}
		}
	}
	return rec, nil
}

// Asterisk Master.csv columns.
const (
	astAccount     = 0
	astChannel     = 5
	astSrc         = 1
	astDst         = 2
	astStart       = 9
	astBillsec     = 13
	astDisposition = 14
)

func (r *Reader) asterisk(line []byte) (ringfence.CallRecord, error) {
	f := r.split(line)
	if len(f) < astBillsec+1 {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Err: fmt.Errorf("%d fields, want at least 14 (Asterisk Master.csv)", len(f))}
	}
	var rec ringfence.CallRecord
	var err error
	if rec.Caller, err = key(f[astSrc]); err != nil {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: "src", Err: err}
	}
	if rec.Callee, err = key(f[astDst]); err != nil {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: "dst", Err: err}
	}
	if rec.Start, err = r.times.parse(f[astStart], r.Location); err != nil {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: "start", Err: err}
	}
	if rec.Duration, err = seconds(f[astBillsec]); err != nil {
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: "billsec", Err: err}
	}
	if len(f) > astDisposition && len(bytes.TrimSpace(f[astDisposition])) > 0 {
		rec.Answered = string(bytes.TrimSpace(f[astDisposition])) == "ANSWERED"
	} else {
		rec.Answered = rec.Duration > 0
	}
	if !rec.Answered {
		rec.Duration = 0
	}
	var serr *sourceError
	if rec.Source, serr = r.sources.id(f[astAccount], channelTrunk(f[astChannel])); serr != nil {
		field := "accountcode"
		if serr.field == "trunk" {
			field = "channel"
		}
		return ringfence.CallRecord{}, &ringfence.RowError{Line: r.line, Field: field, Err: serr}
	}
	return rec, nil
}

var errEmpty = errors.New("empty")

// key normalises a number field to its number.Key.
func key(b []byte) (uint64, error) {
	b = bytes.TrimSpace(b)
	if k, ok := fastMobile(b); ok {
		return k, nil
	}
	return slowKey(b)
}

// slowKey is key by package number, for any notation.
func slowKey(b []byte) (uint64, error) {
	if len(b) == 0 {
		return 0, errEmpty
	}
	// The string aliases the line buffer only for the duration of the call;
	// E164 returns it unchanged when it already is E.164, and Key reads it
	// before the buffer moves on.
	s := unsafe.String(unsafe.SliceData(b), len(b))
	e, err := number.E164(s)
	if err != nil {
		return 0, errors.New(strings.Clone(err.Error()))
	}
	k, ok := number.Key(e)
	if !ok {
		return 0, fmt.Errorf("%q has no numeric E.164 form", string(b))
	}
	return k, nil
}

// seconds parses a non-negative number of seconds; a fraction is dropped.
func seconds(b []byte) (uint32, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0, errEmpty
	}
	var n uint64
	for i, c := range b {
		if c == '.' && i > 0 {
			rest := b[i+1:]
			for _, d := range rest {
				if d < '0' || d > '9' {
					return 0, fmt.Errorf("%q is not a number of seconds", string(b))
				}
			}
			break
		}
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a number of seconds", string(b))
		}
		n = n*10 + uint64(c-'0')
		if n > 1<<31 {
			return 0, fmt.Errorf("%q seconds is too long", string(b))
		}
	}
	return uint32(n), nil
}

func boolean(b []byte) (bool, error) {
	b = bytes.TrimSpace(b)
	switch len(b) {
	case 1:
		switch b[0] {
		case '1', 't', 'T', 'y', 'Y':
			return true, nil
		case '0', 'f', 'F', 'n', 'N':
			return false, nil
		}
	case 4, 5, 2, 3:
		switch strings.ToLower(string(b)) {
		case "true", "yes":
			return true, nil
		case "false", "no":
			return false, nil
		}
	}
	return false, fmt.Errorf("%q is not 1/0 or true/false", string(b))
}
