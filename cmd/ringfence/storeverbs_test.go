package main

import (
	"strings"
	"testing"
)

// TestAliasTraceStoreRefused: alias and trace write the disclosure ledger,
// which a cluster keeps on its writer node; with --store they say so and
// point to the API, writing nothing.
func TestAliasTraceStoreRefused(t *testing.T) {
	for _, args := range [][]string{
		{"trace", "export", "--store", "postgres://db/rf", "--org", "o", "--recipient", "r", "--in", "x.csv", "--out", "y.csv"},
		{"alias", "list", "--store=postgres://db/rf"},
		{"alias", "new", "-store", "postgres://db/rf", "--subscriber", "13800138000", "--merchant", "m"},
	} {
		code, out, errs := runCLI(t, "", args...)
		if code != exitUsage || out != "" || !strings.Contains(errs, "POST /v1/exports") || !strings.Contains(errs, "docs/deploy.md") {
			t.Errorf("ringfence %s: exit %d, %q %q", strings.Join(args, " "), code, out, errs)
		}
	}
	// A value that only looks like the flag is no flag.
	if hasStoreFlag([]string{"--org", "store"}) || hasStoreFlag([]string{"--", "--store"}) {
		t.Error("a value or an argument after -- read as --store")
	}
}
