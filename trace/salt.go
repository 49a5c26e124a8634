package trace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ExportRecord is what the ledger keeps about one salted copy of a list:
// who gave it to whom, how many rows it held and the prints of its canaries.
// The prints of all its rows are stored next to it as a print list.
type ExportRecord struct {
	Disclosure
	Time        time.Time
	Rows        int     // data rows written, canaries included
	Canaries    []Print // prints of the canary rows
	Aliased     bool    // every real phone number was replaced by an alias
	Encoding    Encoding
	PhoneColumn string // header (or 1-based number) of the phone column
}

// SaltOptions configure Salt.
type SaltOptions struct {
	Disclosure               // ExportID is generated when empty
	Key         []byte       // the ledger's fingerprint key
	PhoneColumn string       // header name or 1-based number; recognised when empty
	Numbers     NumberSource // canary phone numbers; ReservedRange{} when nil
	Aliases     AliasBinder  // when set, every real phone number is replaced by an alias
	Canaries    int          // number of canaries; derived from the export id when 0
	Now         time.Time    // export time; time.Now when zero
	// RawCells writes cells as they are; by default cells a spreadsheet
	// would evaluate as formulas are neutralised (NeutralizeCell).
	RawCells bool
}

// SaltResult is the outcome of Salt.
type SaltResult struct {
	Export ExportRecord
	Prints []Print // one per data row written, canaries included, in row order
	// CanaryRows are the 0-based data-row positions of the canaries in the
	// output. They are secret: whoever knows them can strip the canaries.
	CanaryRows []int
	// Unaliased counts phone cells that were blanked because they could not
	// be parsed and so could not be replaced by an alias.
	Unaliased int
}

// Salt copies the customer list in into out for one recipient, planting
// canary records unique to that copy at positions derived from a keyed PRF
// of the export id, and optionally replacing every real phone number by a
// per-recipient alias. out is written in in's encoding, delimiter and line
// endings, with cells that a spreadsheet would evaluate as formulas
// neutralised (see NeutralizeCell) unless opt.RawCells is set. The result
// carries the prints to record in the ledger; nothing is recorded here.
//
// When in is an io.ReadSeeker (a file) the list is read in passes and
// never held in memory whole; only its prints (24 bytes a row) are.
func Salt(ctx context.Context, in io.Reader, out io.Writer, opt SaltOptions) (*SaltResult, error) {
	if opt.Org == "" || opt.Recipient == "" {
		return nil, errors.New("salt: org and recipient are required")
	}
	fp, err := NewFingerprinter(opt.Key)
	if err != nil {
		return nil, fmt.Errorf("salt: %w", err)
	}
	rs, ok := in.(io.ReadSeeker)
	if !ok {
		raw, err := io.ReadAll(io.LimitReader(in, MaxTableBytes+1))
		if err != nil {
			return nil, fmt.Errorf("read list: %w", err)
		}
		if len(raw) > MaxTableBytes {
			return nil, fmt.Errorf("read list: larger than %d bytes", int64(MaxTableBytes))
		}
		rs = bytes.NewReader(raw)
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("read list: %w", err)
	}
	d := opt.Disclosure
	if d.ExportID == "" {
		d.ExportID = randomID()
	}
	sh, err := scanShape(ctx, rs, start, prfRand(fp.PRF("donors\x00"+d.ExportID)))
	if err != nil {
		return nil, err
	}
	if sh.rows == 0 {
		return nil, errors.New("salt: the list has no data rows")
	}
	// head models the list for column recognition, donors for canaries.
	head := &Table{Header: sh.header, Rows: sh.head, Encoding: sh.enc, Comma: sh.comma, CRLF: sh.crlf, ncol: sh.ncol}
	donors := &Table{Header: sh.header, Rows: sh.donors, Encoding: sh.enc, Comma: sh.comma, CRLF: sh.crlf, ncol: sh.ncol}
	cols, err := head.Recognize(opt.PhoneColumn)
	if err != nil {
		return nil, fmt.Errorf("salt: %w", err)
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC()
	r := prfRand(fp.PRF("export\x00" + d.ExportID))
	n := sh.rows
	k := opt.Canaries
	if k <= 0 {
		k = canaryCount(r, n)
	}
	res := &SaltResult{Export: ExportRecord{Disclosure: d, Time: now, Encoding: sh.enc, Aliased: opt.Aliases != nil}}
	if cols.Phone >= 0 {
		res.Export.PhoneColumn = strconv.Itoa(cols.Phone + 1)
		if cols.Phone < len(sh.header) {
			res.Export.PhoneColumn = sh.header[cols.Phone]
		}
	}
	if opt.Aliases != nil && cols.Phone < 0 {
		return nil, errors.New("salt: aliases asked for, but no phone column recognised")
	}

	var numbers []string
	if cols.Phone >= 0 {
		src := opt.Numbers
		if src == nil {
			src = ReservedRange{}
		}
		numbers, err = src.Canaries(ctx, k, d)
		if err != nil {
			return nil, fmt.Errorf("salt: canary numbers: %w", err)
		}
		if len(numbers) != k {
			return nil, fmt.Errorf("salt: canary number source gave %d numbers, want %d", len(numbers), k)
		}
		for i, n := range numbers {
			e, err := NormalizePhone(n)
			if err != nil {
				return nil, fmt.Errorf("salt: canary number %d: %w", i+1, err)
			}
			numbers[i] = e
		}
	}

	latin := cols.Name >= 0 && head.latinNames(cols.Name)
	canaries := make([][]string, k)
	for j := range canaries {
		p := newIdentity(r, now, latin)
		phone := ""
		if numbers != nil {
			phone = numbers[j]
		}
		canaries[j] = donors.canaryRow(r, cols, p, phone, now)
	}
	// Choose k distinct output positions among n+k.
	pos := make(map[int]bool, k)
	for len(pos) < k {
		pos[r.IntN(n+k)] = true
	}
	sh.head, sh.donors, head.Rows, donors.Rows = nil, nil, nil, nil

	// Write the copy: real rows in order, canaries at their positions.
	text, err := listReader(rs, start, sh.enc)
	if err != nil {
		return nil, err
	}
	rr := newRowReader(text, sh.comma, sh.enc)
	w := newRowWriter(out, sh.enc, sh.comma, sh.crlf, opt.RawCells)
	if sh.header != nil {
		if _, err := rr.next(); err != nil {
			return nil, fmt.Errorf("read list: the header row: %w", err)
		}
		if err := w.write(sh.header); err != nil {
			return nil, err
		}
	}
	res.Prints = make([]Print, 0, n+k)
	cj := 0
	for i := 0; i < n+k; i++ {
		var row []string
		if pos[i] {
			row = canaries[cj]
			res.CanaryRows = append(res.CanaryRows, i)
			cj++
		} else {
			if row, err = rr.next(); err != nil {
				if err == io.EOF {
					err = errors.New("read list: the list changed while it was salted")
				}
				return nil, err
			}
			if i%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			if opt.Aliases != nil && cols.Phone < len(row) && strings.TrimSpace(row[cols.Phone]) != "" {
				e, err := NormalizePhone(row[cols.Phone])
				if err != nil {
					row[cols.Phone] = ""
					res.Unaliased++
				} else {
					a, err := opt.Aliases.Alias(ctx, e, d)
					if err != nil {
						return nil, fmt.Errorf("salt: alias for row %d: %w", i+1-cj, err)
					}
					if _, err := NormalizePhone(a); err != nil {
						return nil, fmt.Errorf("salt: alias for row %d: %w", i+1-cj, err)
					}
					row[cols.Phone] = mimicPhone(row[cols.Phone], a)
				}
			}
		}
		res.Prints = append(res.Prints, disclosedPrint(fp, row, cols))
		if err := w.write(row); err != nil {
			return nil, err
		}
	}
	if _, err := rr.next(); err != io.EOF {
		if err == nil {
			err = errors.New("read list: the list changed while it was salted")
		}
		return nil, err
	}
	for _, i := range res.CanaryRows {
		res.Export.Canaries = append(res.Export.Canaries, res.Prints[i])
	}
	res.Export.Rows = n + k
	if err := w.close(); err != nil {
		return nil, err
	}
	return res, nil
}

// disclosedPrint fingerprints the identifying cells of a disclosed row.
func disclosedPrint(fp *Fingerprinter, row []string, cols Columns) Print {
	var p Print
	if c := cols.Phone; c >= 0 && c < len(row) {
		if e, err := NormalizePhone(row[c]); err == nil {
			p.Phone = fp.Phone(e)
		}
	}
	if c := cols.ID; c >= 0 && c < len(row) {
		if id, err := NormalizeID(row[c]); err == nil {
			p.ID = fp.ID(id)
		}
	}
	if c := cols.Name; c >= 0 && c < len(row) {
		if n := NormalizeName(row[c]); n != "" {
			p.Name = fp.Name(n)
		}
	}
	return p
}

// latinNames reports whether most names in column i are in Latin script.
func (t *Table) latinNames(i int) bool {
	n, latin := 0, 0
	for _, row := range t.Rows[:min(len(t.Rows), sniffSample)] {
		if i < len(row) && strings.TrimSpace(row[i]) != "" {
			n++
			if c := strings.TrimSpace(row[i])[0]; c < utf8.RuneSelf && (c|0x20 >= 'a' && c|0x20 <= 'z') {
				latin++
			}
		}
	}
	return n > 0 && latin*2 > n
}

// canaryRow builds a canary row for person p: identifying and derived
// columns are invented in the style of the list; other columns are copied
// from randomly chosen real rows, each from a different one.
func (t *Table) canaryRow(r *rand.Rand, cols Columns, p identity, phone string, now time.Time) []string {
	template := t.Rows[r.IntN(len(t.Rows))]
	row := make([]string, max(len(template), cols.Phone+1, cols.Name+1, cols.ID+1, cols.Address+1))
	for i := range row {
		donor := t.Rows[r.IntN(len(t.Rows))]
		tmpl := ""
		if i < len(donor) {
			tmpl = donor[i]
		}
		role := RoleOther
		if i < len(cols.Role) {
			role = cols.Role[i]
		}
		if strings.TrimSpace(tmpl) == "" && role != RolePhone && role != RoleName && role != RoleID {
			continue // keep the column as sparse as the real ones
		}
		switch {
		case i == cols.Phone:
			row[i] = mimicPhone(tmpl, phone)
		case i == cols.Name:
			row[i] = p.name
		case i == cols.ID:
			row[i] = mimicID(tmpl, p.id)
		case i == cols.Address:
			row[i] = p.address
		case role == RolePhone:
			row[i] = scrambleDigits(r, tmpl, 4)
		case role == RoleGender:
			row[i] = mimicGender(tmpl, p.male)
		case role == RoleBirth:
			row[i] = mimicDate(tmpl, p.birth)
		case role == RoleAge:
			age := now.Year() - p.birth.Year()
			if now.YearDay() < p.birth.YearDay() {
				age--
			}
			row[i] = strconv.Itoa(age)
		case role == RoleEmail:
			row[i] = inventEmail(r, p)
		case role == RolePlate:
			row[i] = inventPlate(r, tmpl, p.reg)
		default:
			// A copied free-text value would be the twin of a real row's
			// and give the canary away: vary its long numbers (order
			// numbers, phones, plates), keeping dates and short numbers.
			row[i] = varyLongNumbers(r, tmpl)
		}
	}
	return row
}

// varyLongNumbers replaces all but the first three digits of every run of
// five or more digits in s with random digits.
func varyLongNumbers(r *rand.Rand, s string) string {
	b := []byte(s)
	for i := 0; i < len(b); {
		if b[i] < '0' || b[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j-i >= 5 {
			for k := i + 3; k < j; k++ {
				b[k] = byte('0' + r.IntN(10))
			}
		}
		i = j
	}
	return string(b)
}
