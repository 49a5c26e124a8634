// Package evidencetest forges evidence bundles the way someone tampering
// with one would, for tests of the verifiers (the library, the command
// line and the API): one file edited, everything else stored and dated
// exactly as ringfence writes bundles, so that only the edit differs.
package evidencetest

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"io"
	"strings"
)

// Rezip rewrites bundle b with the file called name passed through edit.
func Rezip(b []byte, name string, edit func([]byte) []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if zf.Name == name {
			data = edit(data)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Store, Modified: zf.Modified,
			CRC32: crc32.ChecksumIEEE(data), CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(data))})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// FlipPadding sets an unused bit of the last base64 character of a signed
// note's signature ("…X=\n"): the signature decodes to the same bytes
// under lax base64 and must still be refused.
func FlipPadding(note []byte) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	out := bytes.Clone(note)
	i := len(out) - 3
	out[i] = alphabet[strings.IndexByte(alphabet, out[i])^1]
	return out
}
