package ledger

import (
	"golang.org/x/mod/sumdb/tlog"

	"ringfence/trace"
)

// Storage keeps a ledger's records durably: its entries with their tlog
// stored hashes, its signed checkpoints, and the print lists and case files
// its entries commit to by digest. A directory (Open) is one Storage; a
// cluster keeps its ledger in PostgreSQL (package postgres), opened with
// OpenStorage.
//
// Entries and checkpoints are append-only and indexed from 0: an append
// names the index of its first record, and a storage refuses an index
// already taken, so two writers can never fork the log. A Storage that
// other processes write too (Shared) is followed: the Log reads what they
// appended before it answers.
type Storage interface {
	// Entries calls fn for each committed entry of [from, to) in order (to
	// < 0: up to the last); a record that cannot be read is an error.
	Entries(from, to int64, fn func(i int64, data []byte) error) error
	// Entry returns the bytes of entry i.
	Entry(i int64) ([]byte, error)
	// Hashes returns the stored hashes at the given stored-hash indexes
	// (tlog.StoredHashIndex) of committed entries.
	Hashes(indexes []int64) ([]tlog.Hash, error)
	// Append stores records first, first+1, ... durably and as one: it
	// returns only once they are committed, and an error leaves none of
	// them acknowledged.
	Append(first int64, recs []Record) error
	// Checkpoints returns the signed checkpoints from seq from on, in
	// order.
	Checkpoints(from int) ([][]byte, error)
	// AppendCheckpoint stores signed checkpoint seq durably.
	AppendCheckpoint(seq int, note []byte) error
	// PutPrints stores the print list of an export and returns its digest
	// ("sha256:..." of its encoding); Prints reads it back into buf.
	PutPrints(exportID string, prints []trace.Print) (string, error)
	Prints(exportID string, buf []byte) ([]byte, error)
	// PutCase stores a case file; Case reads it back.
	PutCase(id string, data []byte) error
	Case(id string) ([]byte, error)
	// Remove deletes a print list or case file no entry commits to, named
	// as Attachments names them.
	Remove(name string) error
	// Attachments names every stored print list ("prints/ID.prints") and
	// case file ("cases/ID.json").
	Attachments() ([]string, error)
	// Shared reports whether other processes append to this storage.
	Shared() bool
	Close() error
}

// Record is one entry to append: its bytes and the stored hashes it adds
// to the tree (tlog.StoredHashes of its index and bytes).
type Record struct {
	Data   []byte
	Hashes []tlog.Hash
}

// Keys are a ledger's keys in their text forms: the note signer key
// (secret; "" for a Log that only reads and verifies), the note verifier
// key (public) and the key of record fingerprints (secret).
type Keys struct {
	Signer      string
	Verifier    string
	Fingerprint []byte
}

func printsName(exportID string) string { return "prints/" + exportID + ".prints" }
func caseName(id string) string         { return "cases/" + id + ".json" }
