package deid

import (
	"bufio"
	"io"
	"unicode/utf8"
)

// maxTextLine bounds a line of text held in memory; longer lines are cut
// at a space or punctuation and processed in pieces.
const maxTextLine = 1 << 20

// lines de-identifies text or JSON lines, one line at a time.
func (st *state) lines(src io.Reader, w *bufio.Writer, jsonl bool) error {
	rr := newRecordReader(src)
	limit := maxTextLine
	if jsonl {
		limit = maxRecord
	}
	var out []byte
	line := 0
	textRule := rule{op: OpScan, col: -1}
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
		ok := false
		if jsonl && !isBlankLine(chunk) {
			if !whole {
				st.warn("line %d: longer than %d MiB, processed as text", line+1, limit>>20)
			} else if out, ok = st.jsonLine(out, chunk); !ok {
				st.warn("line %d: not a JSON value, processed as text", line)
				out = out[:0]
			}
		}
		if !ok {
			out = st.rewrite(out, chunk, chunk, nil, &textRule)
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
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
