package ringfence_test

import (
	"testing"
	"time"
	"unsafe"

	"ringfence"
)

func TestCallRecord(t *testing.T) {
	tests := []struct {
		name           string
		rec            ringfence.CallRecord
		caller, callee string
		start          string
		talk           time.Duration
	}{
		{"answered", ringfence.CallRecord{Caller: 8613812345678, Callee: 8613987654321, Start: 1709514000, Duration: 23, Answered: true},
			"+8613812345678", "+8613987654321", "2024-03-04T01:00:00Z", 23 * time.Second},
		{"unanswered keeps no talk time", ringfence.CallRecord{Caller: 8613812345678, Callee: 14155550100, Start: 1709514000, Duration: 9},
			"+8613812345678", "+14155550100", "2024-03-04T01:00:00Z", 0},
		{"no numbers", ringfence.CallRecord{Start: -1},
			"", "", "1969-12-31T23:59:59Z", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rec.CallerE164(); got != tt.caller {
				t.Errorf("CallerE164 = %q, want %q", got, tt.caller)
			}
			if got := tt.rec.CalleeE164(); got != tt.callee {
				t.Errorf("CalleeE164 = %q, want %q", got, tt.callee)
			}
			if got := tt.rec.StartTime().Format(time.RFC3339); got != tt.start {
				t.Errorf("StartTime = %s, want %s", got, tt.start)
			}
			if got := tt.rec.Talk(); got != tt.talk {
				t.Errorf("Talk = %v, want %v", got, tt.talk)
			}
		})
	}
}

// The simulators hold whole days of calls and the detector batches them:
// a record stays 32 bytes, with no pointers for the collector to scan.
func TestCallRecordCompact(t *testing.T) {
	if n := unsafe.Sizeof(ringfence.CallRecord{}); n != 32 {
		t.Errorf("CallRecord is %d bytes, want 32", n)
	}
}
