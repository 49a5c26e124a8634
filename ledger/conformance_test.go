package ledger_test

import (
	"testing"

	"ringfence/ledger"
	"ringfence/ledger/ledgertest"
)

// TestStorageConformance runs the storage suite over a ledger directory.
func TestStorageConformance(t *testing.T) {
	ledgertest.Run(t, ledgertest.Harness{
		Open: func(t *testing.T) (*ledger.Log, func() *ledger.Log) {
			dir := t.TempDir()
			open := func() *ledger.Log {
				l, err := ledger.OpenWith(dir, ledger.Options{CheckpointEvery: -1})
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			l := open()
			return l, func() *ledger.Log {
				if err := l.Close(); err != nil {
					t.Fatal(err)
				}
				l = open()
				return l
			}
		},
	})
}
