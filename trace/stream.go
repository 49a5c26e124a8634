package trace

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// A list is salted in passes over its bytes, never held whole in memory:
// one to tell its encoding, one to learn its shape (delimiter, header,
// column roles, row count and a sample of rows to model canaries on), and
// one to write the copy row by row.

// donorSample is how many rows are kept as models for canary rows: the
// first rows, then a uniform sample of the rest.
const donorSample = 4096

// listShape is what the second pass learns about a list.
type listShape struct {
	enc    Encoding
	comma  rune
	crlf   bool
	header []string   // nil when the list has no header row
	head   [][]string // the first sniffSample data rows
	donors [][]string // the first donorSample data rows, then a uniform sample
	rows   int        // data rows
	ncol   int        // the widest row
}

// sniffEncoding reads r to its end and tells the list's encoding: UTF-8
// with a byte order mark, UTF-8, or else GB18030.
func sniffEncoding(r io.Reader) (Encoding, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
		return UTF8BOM, nil
	}
	buf := make([]byte, 1<<16)
	var carry []byte
	var total int64
	valid := true
	for {
		n, err := io.ReadFull(br, buf[len(carry):])
		total += int64(n)
		if total > MaxTableBytes {
			return "", fmt.Errorf("read list: larger than %d bytes", int64(MaxTableBytes))
		}
		data := buf[:len(carry)+n]
		end := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !end {
			return "", fmt.Errorf("read list: %w", err)
		}
		cut := len(data)
		if !end {
			cut = runeBoundary(data)
		}
		if valid && !utf8.Valid(data[:cut]) {
			valid = false
		}
		if end {
			break
		}
		carry = append(carry[:0], data[cut:]...)
		copy(buf, carry)
	}
	if valid {
		return UTF8, nil
	}
	return GB18030, nil
}

// runeBoundary returns the length of the longest prefix of b that does not
// end inside a UTF-8 sequence.
func runeBoundary(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		c := b[i]
		if c < utf8.RuneSelf {
			return len(b)
		}
		if c&0xC0 == 0xC0 { // a leading byte
			need := 2
			if c >= 0xF0 {
				need = 4
			} else if c >= 0xE0 {
				need = 3
			}
			if len(b)-i < need {
				return i
			}
			return len(b)
		}
	}
	return len(b)
}

// listReader reads a list from its start as UTF-8 text.
func listReader(rs io.ReadSeeker, start int64, enc Encoding) (*bufio.Reader, error) {
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("read list: %w", err)
	}
	var r io.Reader = rs
	switch enc {
	case UTF8BOM:
		if _, err := io.CopyN(io.Discard, rs, 3); err != nil {
			return nil, fmt.Errorf("read list: %w", err)
		}
	case GB18030:
		r = transform.NewReader(rs, simplifiedchinese.GB18030.NewDecoder())
	}
	return bufio.NewReaderSize(r, 1<<16), nil
}

// rowReader reads the records of a list, skipping blank lines.
type rowReader struct {
	cr  *csv.Reader
	enc Encoding
}

func newRowReader(text io.Reader, comma rune, enc Encoding) *rowReader {
	cr := csv.NewReader(text)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &rowReader{cr: cr, enc: enc}
}

// next returns the next non-blank record (valid until the following call),
// or io.EOF.
func (rr *rowReader) next() ([]string, error) {
	for {
		rec, err := rr.cr.Read()
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			line, _ := rr.cr.FieldPos(0)
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			if rr.enc == GB18030 && !errors.As(err, &pe) {
				return nil, fmt.Errorf("read list: neither UTF-8 nor GB18030 (line %d): %w", line, err)
			}
			return nil, fmt.Errorf("read list line %d: %w", line, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		return rec, nil
	}
}

// scanShape reads the whole list once and returns its shape. sample
// chooses which rows beyond the first donorSample replace earlier donors.
func scanShape(ctx context.Context, rs io.ReadSeeker, start int64, sample *rand.Rand) (*listShape, error) {
	enc, err := func() (Encoding, error) {
		if _, err := rs.Seek(start, io.SeekStart); err != nil {
			return "", fmt.Errorf("read list: %w", err)
		}
		return sniffEncoding(rs)
	}()
	if err != nil {
		return nil, err
	}
	text, err := listReader(rs, start, enc)
	if err != nil {
		return nil, err
	}
	sh := &listShape{enc: enc}
	peek, _ := text.Peek(1 << 16)
	sh.comma = sniffComma(peek)
	sh.crlf = bytes.Contains(peek, []byte("\r\n"))
	rr := newRowReader(text, sh.comma, enc)
	first := true
	for {
		rec, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if first {
			first = false
			if isHeader(rec) {
				sh.header = clone(rec)
				sh.ncol = len(rec)
				continue
			}
		}
		if sh.rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		sh.ncol = max(sh.ncol, len(rec))
		if sh.rows < sniffSample {
			sh.head = append(sh.head, clone(rec))
		}
		if sh.rows < donorSample {
			sh.donors = append(sh.donors, clone(rec))
		} else if j := sample.IntN(sh.rows + 1); j < donorSample {
			sh.donors[j] = clone(rec)
		}
		sh.rows++
	}
	return sh, nil
}

func clone(rec []string) []string {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = strings.Clone(s)
	}
	return out
}

// rowWriter writes rows in a list's encoding, delimiter and line endings.
type rowWriter struct {
	bw  *bufio.Writer
	enc io.WriteCloser
	cw  *csv.Writer
	raw bool     // write cells as they are, not neutralised
	buf []string // the neutralised row
}

func newRowWriter(w io.Writer, enc Encoding, comma rune, crlf, raw bool) *rowWriter {
	rw := &rowWriter{bw: bufio.NewWriterSize(w, 1<<16), raw: raw}
	var out io.Writer = rw.bw
	switch enc {
	case UTF8BOM:
		rw.bw.Write(utf8BOM)
	case GB18030:
		rw.enc = transform.NewWriter(rw.bw, simplifiedchinese.GB18030.NewEncoder())
		out = rw.enc
	}
	rw.cw = csv.NewWriter(out)
	rw.cw.Comma = comma
	if comma == 0 {
		rw.cw.Comma = ','
	}
	rw.cw.UseCRLF = crlf
	return rw
}

func (rw *rowWriter) write(row []string) error {
	if !rw.raw {
		rw.buf = rw.buf[:0]
		for _, c := range row {
			rw.buf = append(rw.buf, NeutralizeCell(c))
		}
		row = rw.buf
	}
	if err := rw.cw.Write(row); err != nil {
		return fmt.Errorf("write list: %w", err)
	}
	return nil
}

func (rw *rowWriter) close() error {
	rw.cw.Flush()
	if err := rw.cw.Error(); err != nil {
		return fmt.Errorf("write list: %w", err)
	}
	if rw.enc != nil {
		if err := rw.enc.Close(); err != nil {
			return fmt.Errorf("write list: %w", err)
		}
	}
	if err := rw.bw.Flush(); err != nil {
		return fmt.Errorf("write list: %w", err)
	}
	return nil
}

// formulaStart lists the characters that make a spreadsheet read a cell
// as a formula (OWASP, CSV injection).
const formulaStart = "=+-@\t\r"

// NeutralizeCell makes a cell safe to open in a spreadsheet, as OWASP
// advises against CSV injection: a cell that starts with =, +, -, @, a tab
// or a carriage return is prefixed with a single quote, which spreadsheets
// show as text and do not evaluate. Other cells are returned unchanged.
func NeutralizeCell(s string) string {
	if s != "" && strings.IndexByte(formulaStart, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// UnneutralizeCell undoes NeutralizeCell: a cell of a found list that went
// through a neutralised export is read as its original value.
func UnneutralizeCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(formulaStart, s[1]) >= 0 {
		return s[1:]
	}
	return s
}
