package trace

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
)

// A print list is the stored form of the prints of one disclosure: the
// magic "RFPRINT1", the count as a little-endian uint64, then count records
// of three little-endian uint64 (phone, ID, name), sorted by phone, ID, name.
// Its SHA-256 is what the ledger commits to, so the list can be stored next
// to the ledger and checked against it.
const printListMagic = "RFPRINT1"

const printSize = 24

// EncodePrints sorts prints in place and returns their print-list encoding.
func EncodePrints(prints []Print) []byte {
	slices.SortFunc(prints, compare)
	b := make([]byte, 16+printSize*len(prints))
	copy(b, printListMagic)
	binary.LittleEndian.PutUint64(b[8:], uint64(len(prints)))
	o := 16
	for _, p := range prints {
		binary.LittleEndian.PutUint64(b[o:], p.Phone)
		binary.LittleEndian.PutUint64(b[o+8:], p.ID)
		binary.LittleEndian.PutUint64(b[o+16:], p.Name)
		o += printSize
	}
	return b
}

// WritePrints sorts prints in place and writes their print-list encoding
// to w in small pieces, so that no second copy of the list is held.
func WritePrints(w io.Writer, prints []Print) error {
	slices.SortFunc(prints, compare)
	buf := make([]byte, 16, 16+printSize*1024)
	copy(buf, printListMagic)
	binary.LittleEndian.PutUint64(buf[8:], uint64(len(prints)))
	for _, p := range prints {
		buf = binary.LittleEndian.AppendUint64(buf, p.Phone)
		buf = binary.LittleEndian.AppendUint64(buf, p.ID)
		buf = binary.LittleEndian.AppendUint64(buf, p.Name)
		if len(buf) == cap(buf) {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}

// PrintList is a read-only view of an encoded print list.
type PrintList struct{ b []byte }

// DecodePrints checks b's framing and sort order and returns a view of it
// without copying.
func DecodePrints(b []byte) (PrintList, error) {
	if err := checkPrintHeader(b); err != nil {
		return PrintList{}, err
	}
	l := PrintList{b}
	for i := 1; i < l.Len(); i++ {
		if compare(l.At(i-1), l.At(i)) > 0 {
			return PrintList{}, fmt.Errorf("print list: print %d is out of order", i)
		}
	}
	return l, nil
}

// Len is the number of prints.
func (l PrintList) Len() int {
	if len(l.b) < 16 {
		return 0
	}
	return (len(l.b) - 16) / printSize
}

// At returns print i.
func (l PrintList) At(i int) Print {
	o := 16 + i*printSize
	return Print{
		binary.LittleEndian.Uint64(l.b[o:]),
		binary.LittleEndian.Uint64(l.b[o+8:]),
		binary.LittleEndian.Uint64(l.b[o+16:]),
	}
}

// Contains reports whether the list holds exactly p.
func (l PrintList) Contains(p Print) bool {
	lo, hi := 0, l.Len()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if compare(l.At(m), p) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < l.Len() && l.At(lo) == p
}

// Digest is the commitment to an encoded print list: "sha256:" and the
// hexadecimal SHA-256 of its bytes.
func Digest(encoded []byte) string {
	sum := sha256.Sum256(encoded)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// checkPrintHeader checks the magic and that the count fits the length.
func checkPrintHeader(b []byte) error {
	if len(b) < 16 || !bytes.Equal(b[:8], []byte(printListMagic)) {
		return fmt.Errorf("print list: bad header")
	}
	n := binary.LittleEndian.Uint64(b[8:])
	if n > uint64(len(b)) || uint64(len(b)-16) != n*printSize {
		return fmt.Errorf("print list: header says %d prints, body holds %d bytes", n, len(b)-16)
	}
	return nil
}
