package natslog

import (
	"testing"
	"time"

	"ringfence"
	"ringfence/detect"
)

// TestCheckpointReplayFrom: a checkpoint's replay start moves past the
// hourly marks older than the window, never before them, and its flags
// keep callers for the flag memory and targets for the window.
func TestCheckpointReplayFrom(t *testing.T) {
	const hour = 3600
	cfg := detect.DefaultConfig() // flag memory 30 days
	tests := []struct {
		name  string
		hours int    // stream time applied, one message an hour from 0
		want  uint64 // ReplayFrom
	}{
		{"within the window", 50, 1},
		{"the window exactly", 72, 2}, // hour 0 is 72 h old
		{"a day past it", 96, 26},     // hours 0..24 are 72 h old or more
		{"five days", 120, 50},
	}
	for _, tt := range tests {
		st := newPartState(checkpoint{}, cfg, 72*time.Hour)
		for h := 0; h <= tt.hours; h++ {
			st.now = int64(h * hour)
			st.advance(uint64(h + 1)) // message h+1 holds hour h
		}
		ck := st.checkpoint(0, 16, "a")
		if ck.ReplayFrom != tt.want || ck.Applied != uint64(tt.hours+1) {
			t.Errorf("%s: replay from %d, applied %d; want %d, %d", tt.name, ck.ReplayFrom, ck.Applied, tt.want, tt.hours+1)
		}
		// Every record the replay skips is older than the window.
		if skipped := int64(ck.ReplayFrom-1) - 1; skipped >= 0 && skipped*hour > st.now-72*hour {
			t.Errorf("%s: skips hour %d, inside the window ending at hour %d", tt.name, skipped, tt.hours)
		}
	}
}

// TestSeenFlags: a caller flagged within the flag memory, or a target
// flag at the same time, is not raised again; older ones are, and the
// checkpoint drops what can no longer matter.
func TestSeenFlags(t *testing.T) {
	cfg := detect.DefaultConfig()
	day := int64(24 * 3600)
	at := func(s int64) time.Time { return time.Unix(s, 0).UTC() }
	tests := []struct {
		name string
		f    ringfence.Flag
		seen bool
	}{
		{"first", ringfence.Flag{Number: "+8617000000001", Kind: ringfence.KindTelemarketing, FlaggedAt: at(100 * day)}, false},
		{"again in the memory", ringfence.Flag{Number: "+8617000000001", Kind: ringfence.KindTelemarketing, FlaggedAt: at(110 * day)}, true},
		{"another kind", ringfence.Flag{Number: "+8617000000001", Kind: ringfence.KindRobocall, FlaggedAt: at(110 * day)}, false},
		{"past the memory", ringfence.Flag{Number: "+8617000000001", Kind: ringfence.KindTelemarketing, FlaggedAt: at(131 * day)}, false},
		{"target", ringfence.Flag{Number: "+8613800000001", Kind: ringfence.KindCallBombingTarget, FlaggedAt: at(131 * day)}, false},
		{"target, same time", ringfence.Flag{Number: "+8613800000001", Kind: ringfence.KindCallBombingTarget, FlaggedAt: at(131 * day)}, true},
		{"target, later attack", ringfence.Flag{Number: "+8613800000001", Kind: ringfence.KindCallBombingTarget, FlaggedAt: at(131*day + 3600)}, false},
	}
	st := newPartState(checkpoint{}, cfg, 72*time.Hour)
	for _, tt := range tests {
		if got := st.seen(tt.f); got != tt.seen {
			t.Errorf("%s: seen %v, want %v", tt.name, got, tt.seen)
		}
	}
	// Restored from a checkpoint 40 days on: the robocall flag (day 110)
	// is past the memory, the telemarketing one (day 131) is not; the
	// target flag is past the window.
	st.now = 150 * day
	ck := st.checkpoint(0, 16, "a")
	st2 := newPartState(ck, cfg, 72*time.Hour)
	if !st2.seen(ringfence.Flag{Number: "+8617000000001", Kind: ringfence.KindTelemarketing, FlaggedAt: at(150 * day)}) {
		t.Error("the telemarketing flag of day 131 is forgotten by the checkpoint")
	}
	if st2.seen(ringfence.Flag{Number: "+8617000000001", Kind: ringfence.KindRobocall, FlaggedAt: at(150 * day)}) {
		t.Error("the robocall flag of day 110 outlived the flag memory")
	}
	if len(ck.Flagged) != 1 {
		t.Errorf("checkpoint keeps %d flags, want 1: %v", len(ck.Flagged), ck.Flagged)
	}
}
