package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ringfence"
	"ringfence/sqlite"
)

// A flag keeps who carried its calls, and FlagsBetween gives the flags
// raised in a span, in the order they were raised; a flag raised again
// takes its new time and source.
func TestFlagsBetween(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	flags := []ringfence.Flag{
		{Number: "+8617000000001", Kind: ringfence.KindTelemarketing, Score: 0.97, FlaggedAt: nov.Add(-time.Second), Reasons: []string{"a"}, Account: "acme", Trunk: "sip-1"},
		{Number: "+8617000000002", Kind: ringfence.KindRobocall, Score: 0.98, FlaggedAt: nov.Add(48 * time.Hour), Reasons: []string{"b"}, Account: "acme"},
		{Number: "+8617000000003", Kind: ringfence.KindTelemarketing, Score: 0.99, FlaggedAt: nov, Reasons: []string{"c"}, Trunk: "sip-2"},
		{Number: "+8617000000004", Kind: ringfence.KindTelemarketing, Score: 0.99, FlaggedAt: nov.AddDate(0, 1, 0), Reasons: []string{"d"}},
	}
	if err := db.SaveFlags(ctx, flags); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from, to time.Time
		want     string
	}{
		{nov, nov.AddDate(0, 1, 0), "+8617000000003//sip-2 +8617000000002/acme/ "},
		{nov.AddDate(0, -1, 0), nov, "+8617000000001/acme/sip-1 "},
		{nov.AddDate(0, 1, 0), nov.AddDate(0, 2, 0), "+8617000000004// "},
		{nov.AddDate(0, 2, 0), nov.AddDate(0, 3, 0), ""},
	}
	for _, tt := range tests {
		got := ""
		if err := db.FlagsBetween(ctx, tt.from, tt.to, func(f ringfence.Flag) error {
			got += fmt.Sprintf("%s/%s/%s ", f.Number, f.Account, f.Trunk)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s..%s: %q, want %q", tt.from.Format("2006-01"), tt.to.Format("2006-01"), got, tt.want)
		}
	}
	// Raised again in November from another account.
	flags[0].FlaggedAt, flags[0].Account, flags[0].Trunk = nov.Add(72*time.Hour), "beta", ""
	if err := db.SaveFlags(ctx, flags[:1]); err != nil {
		t.Fatal(err)
	}
	var got []string
	db.Flags(ctx, func(f ringfence.Flag) error {
		got = append(got, f.Number+"/"+f.Account+"/"+f.Trunk)
		return nil
	})
	if fmt.Sprint(got) != "[+8617000000001/beta/ +8617000000002/acme/ +8617000000003//sip-2 +8617000000004//]" {
		t.Errorf("flags %q", got)
	}
}
