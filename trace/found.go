package trace

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ringfence/number"
)

// A found list is whatever was seized: a copy of one or more disclosures,
// cut, reformatted, re-encoded and merged with other sources and noise. So
// ReadFound trusts nothing about its layout. Each line is decoded on its own
// (UTF-8, else GB18030), split on the delimiter that line uses, and every
// cell is judged by its content: a phone number in any notation, a masked
// phone number, a resident ID number (whole or masked), a name. Header rows
// anywhere in the file are recognised and used as hints for the rows below
// them.

// Kinds of found keys.
const (
	keyPhone     = iota // full phone print
	keyPhoneMask        // mask bits of a masked phone number
	keyID               // full ID print
	keyIDMask           // mask bits of a masked ID number
	numKeyKinds
)

// foundKey is one print of a found record.
type foundKey struct {
	value uint64
	rec   uint32
	kind  uint8
}

// FoundRecord is one distinct record of a found list.
type FoundRecord struct {
	Line int    // line of its first occurrence
	Name uint64 // name print, 0 when none
}

// Found is a found list reduced to prints.
type Found struct {
	SHA256     string         // of the file's bytes
	Lines      int            // physical lines read
	Rows       int            // rows with at least one cell
	Headers    int            // header rows recognised
	Duplicates int            // rows repeating an earlier record
	Unusable   int            // rows with no phone or ID number, whole or masked
	Masked     int            // records known only by masked numbers
	Encodings  map[string]int // lines per encoding
	Records    []FoundRecord
	keys       []foundKey
	numbers    *u64map // number.Key of whole phone numbers → record
}

// MaxFoundLine bounds one line of a found list.
const MaxFoundLine = 1 << 20

// foundBatch is a run of lines classified by one worker.
type foundBatch struct {
	first int      // line number of the first line
	data  []byte   // the lines' bytes
	ends  []int    // end offset of each line in data
	rows  []rowOut // one per line
	done  chan struct{}
}

// rowOut is what a worker makes of one line, leaving to the sequential
// merge only what depends on header rows above it.
type rowOut struct {
	enc       string
	empty     bool
	header    []Role // non-nil for a header row
	keys      [8]foundKey
	nk        int
	identity  uint64
	idRank    int
	numberKey uint64
	names     [4]nameCell // cells that may hold the name
	nNames    int
	lenient   [2]nameCell // cells that are ID numbers only if a header says so
	nLenient  int
}

// nameCell is a candidate print of cell col.
type nameCell struct {
	col   int
	print uint64
	looks bool // reads as a name without a header saying so
}

// ReadFound reads a found list and fingerprints its records with fp. Lines
// are classified on all cores; records keep the order of the file.
func ReadFound(r io.Reader, fp *Fingerprinter) (*Found, error) {
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(r, h), 1<<16)
	// Size the tables from the file's size when it is known: growing them
	// costs more than filling them.
	hint := 1024
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
			hint = int(min(fi.Size()/20, 1<<26))
		}
	}
	f := &Found{Encodings: map[string]int{}, numbers: newU64map(hint),
		Records: make([]FoundRecord, 0, hint), keys: make([]foundKey, 0, hint)}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *foundBatch, workers)
	order := make(chan *foundBatch, 2*workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(fp *Fingerprinter) {
			defer wg.Done()
			dec := simplifiedchinese.GB18030.NewDecoder()
			var cells []string
			for b := range jobs {
				b.rows = make([]rowOut, len(b.ends))
				start := 0
				for i, end := range b.ends {
					text, enc := decodeLine(b.data[start:end], dec)
					cells = splitLine(text, cells[:0])
					b.rows[i] = classifyRow(fp, cells)
					b.rows[i].enc = enc
					start = end
				}
				close(b.done)
			}
		}(fp.Clone())
	}
	var readErr error
	go func() {
		defer close(order)
		defer close(jobs)
		const batchLines = 2048
		b := &foundBatch{first: 1, done: make(chan struct{})}
		line := 0
		for {
			chunk, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				long := append([]byte(nil), chunk...)
				for err == bufio.ErrBufferFull && len(long) <= MaxFoundLine {
					chunk, err = br.ReadSlice('\n')
					long = append(long, chunk...)
				}
				if len(long) > MaxFoundLine {
					readErr = fmt.Errorf("read found list line %d: longer than %d bytes", line+1, MaxFoundLine)
					break
				}
				chunk = long
			}
			if len(chunk) > 0 {
				line++
				b.data = append(b.data, chunk...)
				b.ends = append(b.ends, len(b.data))
			}
			if len(b.ends) == batchLines || err != nil && len(b.ends) > 0 {
				jobs <- b
				order <- b
				b = &foundBatch{first: line + 1, done: make(chan struct{})}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				readErr = fmt.Errorf("read found list line %d: %w", line+1, err)
				break
			}
		}
	}()
	seen := newU64map(hint)
	var hints []Role
	for b := range order {
		<-b.done
		for i := range b.rows {
			f.Lines++
			f.merge(&b.rows[i], b.first+i, &hints, seen)
		}
	}
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	f.SHA256 = hex.EncodeToString(h.Sum(nil))
	return f, nil
}

// decodeLine returns line as UTF-8 without its line ending and BOM.
func decodeLine(line []byte, dec interface{ Bytes([]byte) ([]byte, error) }) (string, string) {
	line = bytes.TrimRight(line, "\r\n")
	enc := string(UTF8)
	if bytes.HasPrefix(line, utf8BOM) {
		line = line[3:]
		enc = string(UTF8BOM)
	}
	if utf8.Valid(line) {
		return string(line), enc
	}
	out, err := dec.Bytes(line)
	if err != nil {
		return strings.ToValidUTF8(string(line), "\uFFFD"), "invalid"
	}
	return string(out), string(GB18030)
}

// splitLine splits one line on the delimiter it uses most (outside quotes),
// honouring double quotes.
func splitLine(s string, cells []string) []string {
	comma := byte(',')
	best := 0
	for _, c := range []byte{',', '\t', ';', '|'} {
		n, q := 0, false
		for i := 0; i < len(s); i++ {
			if s[i] == '"' {
				q = !q
			} else if s[i] == c && !q {
				n++
			}
		}
		if n > best {
			comma, best = c, n
		}
	}
	var b strings.Builder
	q := false
	start := 0
	plain := true
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == comma && !q {
			if plain {
				cells = append(cells, s[start:i])
			} else {
				cells = append(cells, b.String())
				b.Reset()
				plain = true
			}
			start = i + 1
			continue
		}
		if s[i] == '"' {
			if plain {
				b.WriteString(s[start:i])
				plain = false
			}
			if q && i+1 < len(s) && s[i+1] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			q = !q
			continue
		}
		if !plain {
			b.WriteByte(s[i])
		}
	}
	return cells
}

// classifyRow judges every cell of a row by its content.
func classifyRow(fp *Fingerprinter, cells []string) rowOut {
	out := rowOut{idRank: 9, empty: true}
	add := func(kind uint8, v uint64, rank int) {
		if out.nk < len(out.keys) {
			out.keys[out.nk] = foundKey{value: v, kind: kind}
			out.nk++
		}
		if rank < out.idRank {
			out.identity, out.idRank = v^uint64(kind)<<61, rank
		}
	}
	for i, cell := range cells {
		cell = UnneutralizeCell(strings.TrimSpace(cell))
		if cell == "" {
			continue
		}
		out.empty = false
		if e, ok := cellPhone(cell); ok {
			rank := 3
			if len(e) == 14 && strings.HasPrefix(e, "+861") {
				rank = 0
			} else if len(e) >= 12 {
				rank = 2
			}
			add(keyPhone, fp.Phone(e), rank)
			if k, ok := number.Key(e); ok && out.numberKey == 0 {
				out.numberKey = k
			}
			continue
		}
		if form, err := ParseMaskedPhone(cell); err == nil {
			add(keyPhoneMask, fp.MaskedPhone(form)+1, 5)
			continue
		}
		if id, ok := cellID(cell); ok {
			add(keyID, fp.ID(id), 1)
			continue
		}
		if form, err := ParseMaskedID(cell); err == nil {
			add(keyIDMask, fp.MaskedID(form)+1, 6)
			continue
		}
		if id, ok := normalizeID(cell); ok {
			if out.nLenient < len(out.lenient) {
				out.lenient[out.nLenient] = nameCell{col: i, print: fp.ID(id)}
				out.nLenient++
			}
			continue
		}
	}
	// Names matter only to records known by a masked number (and to
	// nothing else): fingerprint them only then.
	if out.idRank >= 5 && out.idRank < 9 {
		for i, cell := range cells {
			cell = UnneutralizeCell(strings.TrimSpace(cell))
			if out.nNames == len(out.names) {
				break
			}
			if cell == "" || utf8.RuneCountInString(cell) > 16 || isPhoneCell(cell) || isIDCell(cell) {
				continue
			}
			if n := NormalizeName(cell); n != "" {
				out.names[out.nNames] = nameCell{col: i, print: fp.Name(n), looks: looksLikeName(cell)}
				out.nNames++
			}
		}
	}
	if out.nk == 0 && out.nLenient == 0 && !out.empty && isHeader(cells) {
		out.header = make([]Role, len(cells))
		for i, c := range cells {
			out.header[i] = roleByName(c)
		}
	}
	return out
}

// merge adds one classified row, applying the header hints above it.
func (f *Found) merge(r *rowOut, line int, hints *[]Role, seen *u64map) {
	f.Encodings[r.enc]++
	if r.empty {
		return
	}
	f.Rows++
	if r.header != nil {
		f.Headers++
		*hints = r.header
		return
	}
	hint := func(col int) Role {
		if col < len(*hints) {
			return (*hints)[col]
		}
		return RoleOther
	}
	for _, c := range r.lenient[:r.nLenient] {
		if hint(c.col) == RoleID && r.nk < len(r.keys) {
			r.keys[r.nk] = foundKey{value: c.print, kind: keyID}
			r.nk++
			if r.idRank > 1 {
				r.identity, r.idRank = c.print^uint64(keyID)<<61, 1
			}
		}
	}
	if r.nk == 0 {
		f.Unusable++
		return
	}
	hintName := slices.Contains(*hints, RoleName)
	var name uint64
	for _, c := range r.names[:r.nNames] {
		if hint(c.col) == RoleName || !hintName && c.looks {
			name = c.print
			break
		}
	}
	identity := r.identity
	if r.idRank >= 5 {
		identity ^= name // masked records: the masked number and the name
		f.Masked++
	}
	rec := uint32(len(f.Records))
	if identity == 0 {
		identity = 1
	}
	if !seen.putNew(identity, rec) {
		f.Duplicates++
		if r.idRank >= 5 {
			f.Masked--
		}
		return
	}
	f.Records = append(f.Records, FoundRecord{Line: line, Name: name})
	for _, k := range r.keys[:r.nk] {
		k.rec = rec
		f.keys = append(f.keys, k)
	}
	if r.numberKey != 0 {
		f.numbers.putNew(r.numberKey, rec)
	}
}
