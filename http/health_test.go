package http

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ringfence"
)

// fakeFollower is a Service that follows a log at a given place.
type fakeFollower struct {
	fakeScreening
	pos, head int64
	following bool
	failure   string
	source    string
}

func (f *fakeFollower) LogStatus() (int64, int64, bool, string) {
	return f.pos, f.head, f.following, f.failure
}
func (f *fakeFollower) ReadyLag() int64 { return 10 }

// Snapshot: memory loaded at position 7, 90 seconds ago.
func (f *fakeFollower) Snapshot() (int64, time.Time)     { return 7, time.Now().Add(-90 * time.Second) }
func (f *fakeFollower) LogSource() string                { return f.source }
func (f *fakeFollower) IndexStats() ringfence.IndexStats { return ringfence.IndexStats{} }
func (f *fakeFollower) PoolStats() ringfence.PoolStats   { return ringfence.PoolStats{} }

// TestReadyz checks GET /readyz: 200 within ReadyLag events of the head
// while following (also when the log is unreachable for now), 503 with the
// lag otherwise, and the log gauges of /metrics.
func TestReadyz(t *testing.T) {
	tests := []struct {
		name      string
		pos, head int64
		following bool
		failure   string
		source    string
		status    int
		lag       int64
	}{
		{"caught up", 50, 50, true, "", "store", 200, 0},
		{"within the lag", 40, 50, true, "", "stream", 200, 10},
		{"behind", 39, 50, true, "", "stream", 503, 11},
		{"store down, caught up as last read", 50, 50, true, "reading the event log head: connection refused", "stream", 200, 0},
		{"not following", 50, 50, false, "not following the event log", "store", 503, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeFollower{pos: tt.pos, head: tt.head, following: tt.following, failure: tt.failure, source: tt.source}
			s := NewServer(f, slog.New(slog.DiscardHandler), Limits{})
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
			var rd readiness
			if err := json.Unmarshal(w.Body.Bytes(), &rd); err != nil {
				t.Fatalf("%d %s: %v", w.Code, w.Body, err)
			}
			if w.Code != tt.status || rd.Lag != tt.lag || rd.Ready != (tt.status == 200) || rd.Error != tt.failure || rd.MaxLag != 10 || rd.Source != tt.source {
				t.Errorf("GET /readyz: %d %+v, want %d with lag %d", w.Code, rd, tt.status, tt.lag)
			}
			w = httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
			onStream := "0"
			if tt.source == "stream" {
				onStream = "1"
			}
			for _, line := range []string{"ringfence_log_lag_events " + itoa(tt.lag), "ringfence_log_position " + itoa(tt.pos), "ringfence_log_reading_stream " + onStream, "ringfence_snapshot_position 7"} {
				if !strings.Contains(w.Body.String(), "\n"+line+"\n") {
					t.Errorf("/metrics lacks %q", line)
				}
			}
			var age float64
			if i := strings.Index(w.Body.String(), "\nringfence_snapshot_age_seconds "); i < 0 {
				t.Errorf("/metrics lacks ringfence_snapshot_age_seconds")
			} else if _, err := fmt.Sscan(w.Body.String()[i+len("\nringfence_snapshot_age_seconds "):], &age); err != nil || age < 90 || age > 150 {
				t.Errorf("ringfence_snapshot_age_seconds %v (%v), want 90 s or a little more", age, err)
			}
		})
	}
	// A service that follows no log is ready; /readyz takes no query.
	s := NewServer(&fakeScreening{}, slog.New(slog.DiscardHandler), Limits{})
	for _, tt := range []struct {
		path   string
		status int
	}{{"/readyz", 200}, {"/readyz?x=1", 400}} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", tt.path, nil))
		if w.Code != tt.status {
			t.Errorf("GET %s without a log: %d %s, want %d", tt.path, w.Code, w.Body, tt.status)
		}
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
