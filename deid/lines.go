package deid

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// maxTextLine bounds a line of text held in memory; longer lines are cut
// at a space or punctuation and processed in pieces.
const maxTextLine = 1 << 20

// lines de-identifies text or JSON lines, one line at a time. A line that
// cannot be parsed (not JSON, longer than a JSON line may be, or bytes not
// in the input's encoding) is replaced whole by Unparsed.
func (st *state) lines(src io.Reader, w *bufio.Writer, jsonl bool) error {
	rr := newRecordReader(src)
	limit := maxTextLine
	if jsonl {
		limit = maxRecord
	}
	var out []byte
	line := 0
	skip := false // the rest of a failed line
	textRule := rule{op: OpScan, col: -1}
	st.sc.lines = !jsonl // a table pasted as text spans lines
	defer func() { st.sc.lines, st.sc.table, st.sc.askedQQ = false, pastedTable{}, false }()
	for {
		chunk, whole, err := rr.readLine(limit)
		if err != nil {
			return err
		}
		if chunk == nil {
			return nil
		}
		if whole {
			line++
			st.records++
		}
		out = out[:0]
		why := ""
		switch {
		case skip:
			skip = !whole
			if whole {
				out = lineEnd(out, chunk)
			}
			if _, err := w.Write(out); err != nil {
				return err
			}
			continue
		default:
			why = st.decodeFault(chunk)
			if why == "" && jsonl && !isBlankLine(chunk) && !whole {
				why = fmt.Sprintf("longer than %d MiB", limit>>20)
			}
		}
		ok := why == ""
		if ok && jsonl && !isBlankLine(chunk) {
			if out, ok = st.jsonLine(out, chunk); !ok {
				why = "not a JSON value"
			}
		} else if ok {
			out = st.rewrite(out, chunk, chunk, nil, &textRule)
		}
		if !ok {
			n := line
			if !whole {
				n++
				skip = true
			}
			st.fail(n, "%s", why)
			out = out[:0]
			if jsonl {
				out = append(append(append(out, '"'), Unparsed...), '"')
			} else {
				out = append(out, Unparsed...)
			}
			if whole {
				out = lineEnd(out, chunk)
			}
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
}

// lineEnd appends the line break that ends chunk, if any.
func lineEnd(out, chunk []byte) []byte {
	switch {
	case bytes.HasSuffix(chunk, []byte("\r\n")):
		return append(out, '\r', '\n')
	case bytes.HasSuffix(chunk, []byte("\n")):
		return append(out, '\n')
	}
	return out
}

// readLine returns the next line with its line break, or when none comes within
// limit bytes a piece of it cut after a space or punctuation (whole is then
// false). It returns nil at the end of input.
func (rr *recordReader) readLine(limit int) (chunk []byte, whole bool, err error) {
	scanned := 0
	for {
		b := rr.buf[rr.start:rr.end]
		for i := scanned; i < len(b); i++ {
			if b[i] == '\n' {
				rr.start += i + 1
				rr.line++
				return b[:i+1], true, nil
			}
		}
		scanned = len(b)
		if rr.eof {
			if len(b) == 0 {
				return nil, false, nil
			}
			rr.start = rr.end
			return b, true, nil
		}
		if len(b) >= limit {
			cut := safeCut(b)
			rr.start += cut
			return b[:cut], false, nil
		}
		if _, err := rr.fill(); err != nil {
			return nil, false, err
		}
	}
}

// safeCut returns where to cut a long line: after the last ASCII space or
// punctuation in its final 4 KiB, else at a character boundary.
func safeCut(b []byte) int {
	for i := len(b) - 1; i > 0 && i > len(b)-4096; i-- {
		switch b[i] {
		case ' ', '\t', ',', ';', '\r':
			return i + 1
		}
	}
	i := len(b)
	for i > 0 && !utf8.RuneStart(b[i-1]) {
		i--
	}
	if i > 0 {
		i--
	}
	if i == 0 {
		return len(b)
	}
	return i
}

func isBlankLine(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
