// Package evidence builds and verifies evidence bundles: zip files that
// carry everything needed to convince a third party, offline, that a
// disclosure happened and who made it. A bundle holds the ledger entries of
// a case, their inclusion proofs against a signed checkpoint, a consistency
// proof from the checkpoint that first covered them, the verifier key, the
// print list and case file behind an attribution, and a statement in
// Chinese and English with the likelihood ratio. A manifest signed with the
// ledger key lists the SHA-256 of every file.
//
// Bundles are written canonically (stored, not compressed, in a fixed order
// with fixed timestamps), so Verify can also check that not one byte of the
// zip structure differs from what its contents imply: any altered byte
// fails, with a message naming what no longer verifies.
package evidence

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"time"
)

// file is one file of a bundle.
type file struct {
	name string
	data []byte
}

// zipTime is the modification time of every file in a bundle, fixed so that
// the same contents always give the same bytes.
var zipTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxBundleFile bounds one file of a bundle.
const MaxBundleFile = 1 << 30

// encodeZip writes files canonically and returns the offsets at which each
// file's local header starts, and where the central directory starts.
func encodeZip(files []file) ([]byte, []int64, int64, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	offs := make([]int64, len(files))
	for i, f := range files {
		zw.Flush()
		offs[i] = int64(buf.Len())
		fh := &zip.FileHeader{
			Name:               f.name,
			Method:             zip.Store,
			Modified:           zipTime,
			CRC32:              crc32.ChecksumIEEE(f.data),
			CompressedSize64:   uint64(len(f.data)),
			UncompressedSize64: uint64(len(f.data)),
		}
		w, err := zw.CreateRaw(fh)
		if err != nil {
			return nil, nil, 0, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, nil, 0, err
		}
	}
	zw.Flush()
	dir := int64(buf.Len())
	if err := zw.Close(); err != nil {
		return nil, nil, 0, err
	}
	return buf.Bytes(), offs, dir, nil
}

// decodeZip reads every file of a bundle, in archive order.
func decodeZip(b []byte) ([]file, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("bundle is not a readable zip file: %w", err)
	}
	seen := map[string]bool{}
	files := make([]file, 0, len(zr.File))
	for _, zf := range zr.File {
		if seen[zf.Name] {
			return nil, fmt.Errorf("%s: appears twice in the bundle", zf.Name)
		}
		seen[zf.Name] = true
		if zf.UncompressedSize64 > MaxBundleFile {
			return nil, fmt.Errorf("%s: larger than %d bytes", zf.Name, MaxBundleFile)
		}
		rc, err := zf.Open()
		if err != nil {
			switch err {
			case zip.ErrFormat:
				return nil, fmt.Errorf("%s: its zip local header was altered", zf.Name)
			case zip.ErrAlgorithm:
				return nil, fmt.Errorf("%s: its zip compression method was altered", zf.Name)
			}
			return nil, fmt.Errorf("%s: %w", zf.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, MaxBundleFile+1))
		rc.Close()
		if err != nil {
			if err == zip.ErrChecksum {
				return nil, fmt.Errorf("%s: content altered (its zip checksum does not match)", zf.Name)
			}
			return nil, fmt.Errorf("%s: %w", zf.Name, err)
		}
		files = append(files, file{zf.Name, data})
	}
	return files, nil
}

// canonical checks that b is exactly the canonical encoding of files, and
// names the region of the first differing byte otherwise.
func canonical(b []byte, files []file) error {
	want, offs, dir, err := encodeZip(files)
	if err != nil {
		return err
	}
	n := min(len(b), len(want))
	at := -1
	for i := 0; i < n; i++ {
		if b[i] != want[i] {
			at = i
			break
		}
	}
	if at < 0 && len(b) == len(want) {
		return nil
	}
	if at < 0 {
		at = n
	}
	region := "the end of the archive"
	if int64(at) >= dir {
		region = "the zip central directory"
	} else if zr, err := zip.NewReader(bytes.NewReader(want), int64(len(want))); err == nil {
		for i := len(offs) - 1; i >= 0; i-- {
			if int64(at) < offs[i] {
				continue
			}
			region = "the zip local header of " + files[i].name
			if d, err := zr.File[i].DataOffset(); err == nil && int64(at) >= d {
				region = "the stored data of " + files[i].name
			}
			break
		}
	}
	return fmt.Errorf("bundle: byte %d (in %s) differs from the canonical encoding of its contents: the zip was altered after it was written", at, region)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// manifest is the signed table of contents of a bundle.
type manifest struct {
	Case     string
	Kind     string // "alias_leak" or "attribution"
	TreeSize int64
	Created  time.Time
	Files    []string          // in bundle order, manifest excluded
	Digests  map[string]string // name → hex SHA-256
}

const manifestTitle = "ringfence evidence bundle"

func (m *manifest) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\ncase %s\nkind %s\ntree %d\ncreated %s\n", manifestTitle, m.Case, m.Kind, m.TreeSize, m.Created.UTC().Format(time.RFC3339))
	for _, name := range m.Files {
		fmt.Fprintf(&b, "%s %s\n", m.Digests[name], name)
	}
	return b.String()
}

// parseManifest parses the text of a manifest (its signature already
// checked).
func parseManifest(text string) (*manifest, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 5 || lines[0] != manifestTitle {
		return nil, fmt.Errorf("manifest.txt: not a ringfence evidence manifest")
	}
	m := &manifest{Digests: map[string]string{}}
	var err error
	field := func(line, key string) (string, error) {
		v, ok := strings.CutPrefix(line, key+" ")
		if !ok || v == "" {
			return "", fmt.Errorf("manifest.txt: line %q should start with %q", line, key)
		}
		return v, nil
	}
	if m.Case, err = field(lines[1], "case"); err != nil {
		return nil, err
	}
	if m.Kind, err = field(lines[2], "kind"); err != nil {
		return nil, err
	}
	tree, err := field(lines[3], "tree")
	if err != nil {
		return nil, err
	}
	if _, err := fmt.Sscanf(tree, "%d", &m.TreeSize); err != nil {
		return nil, fmt.Errorf("manifest.txt: tree size %q", tree)
	}
	created, err := field(lines[4], "created")
	if err != nil {
		return nil, err
	}
	if m.Created, err = time.Parse(time.RFC3339, created); err != nil {
		return nil, fmt.Errorf("manifest.txt: created %q", created)
	}
	for _, line := range lines[5:] {
		digest, name, ok := strings.Cut(line, " ")
		if !ok || len(digest) != 64 || name == "" {
			return nil, fmt.Errorf("manifest.txt: bad line %q", line)
		}
		if _, dup := m.Digests[name]; dup {
			return nil, fmt.Errorf("manifest.txt: %s listed twice", name)
		}
		m.Files = append(m.Files, name)
		m.Digests[name] = digest
	}
	return m, nil
}
