package ledger

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"ringfence/trace"
)

// A ledger key file gives a cluster's ledger nodes the keys of the ledger
// that the database must not hold: three lines, "signer KEY" (the note
// signer key), "verifier KEY" (its public verifier key) and "fingerprint
// HEX" (the key of record fingerprints). It is a secret (mode 0600).

// NewKeyFile returns the text of a key file with fresh keys.
func NewKeyFile() ([]byte, error) {
	var id [6]byte
	rand.Read(id[:])
	s, v, err := note.GenerateKey(rand.Reader, "ringfence.ledger/"+hex.EncodeToString(id[:]))
	if err != nil {
		return nil, fmt.Errorf("ledger key file: %w", err)
	}
	var fk [32]byte
	rand.Read(fk[:])
	return []byte("signer " + s + "\nverifier " + v + "\nfingerprint " + hex.EncodeToString(fk[:]) + "\n"), nil
}

// ParseKeyFile reads the keys of a key file and checks that they belong
// together.
func ParseKeyFile(data []byte) (Keys, error) {
	var k Keys
	seen := map[string]bool{}
	for n, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		name, val, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || seen[name] {
			return Keys{}, fmt.Errorf("line %d: want \"signer KEY\", \"verifier KEY\" or \"fingerprint HEX\", once each", n+1)
		}
		seen[name] = true
		val = strings.TrimSpace(val)
		switch name {
		case "signer":
			k.Signer = val
		case "verifier":
			k.Verifier = val
		case "fingerprint":
			b, err := hex.DecodeString(val)
			if err != nil || len(b) < trace.MinKeySize {
				return Keys{}, fmt.Errorf("line %d: the fingerprint key is not hex of at least %d bytes", n+1, trace.MinKeySize)
			}
			k.Fingerprint = b
		default:
			return Keys{}, fmt.Errorf("line %d: unknown key %q", n+1, name)
		}
	}
	if k.Signer == "" || k.Verifier == "" || k.Fingerprint == nil {
		return Keys{}, fmt.Errorf("want the signer, verifier and fingerprint keys")
	}
	s, err := note.NewSigner(k.Signer)
	if err != nil {
		return Keys{}, fmt.Errorf("signer key: %w", err)
	}
	v, err := note.NewVerifier(k.Verifier)
	if err != nil {
		return Keys{}, fmt.Errorf("verifier key: %w", err)
	}
	if s.Name() != v.Name() || s.KeyHash() != v.KeyHash() {
		return Keys{}, fmt.Errorf("the verifier key does not belong to the signer key")
	}
	return k, nil
}

// FingerprintCheck is a value that tells whether two parties hold the
// same fingerprint key without revealing it: stored beside a shared
// ledger, it stops a node with another key from writing prints no one
// could match.
func (k Keys) FingerprintCheck() string {
	m := hmac.New(sha256.New, k.Fingerprint)
	m.Write([]byte("ringfence ledger fingerprint key check"))
	return hex.EncodeToString(m.Sum(nil))
}
