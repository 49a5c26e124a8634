package engine

import "testing"

// TestPositionsMoveOnlyOverWhatMemoryHolds drives the position tracker
// with own writes (w) and events applied from the log (l): the position
// moves over own writes only while no event is missing before them, and an
// event from the log makes own writes ahead of it count again.
func TestPositionsMoveOnlyOverWhatMemoryHolds(t *testing.T) {
	type step struct {
		own bool
		pos []int64
	}
	w := func(pos ...int64) step { return step{true, pos} }
	l := func(pos int64) step { return step{false, []int64{pos}} }
	tests := []struct {
		name  string
		start int64
		steps []step
		want  int64
	}{
		{"own writes in order", 5, []step{w(6), w(7, 8)}, 8},
		{"own writes out of order", 5, []step{w(7), w(6)}, 7},
		{"another writer's event missing", 5, []step{w(7), w(8)}, 5},
		{"the log fills the gap, own writes after it are applied again", 5, []step{w(7), l(6)}, 6},
		{"own write after the log's event does not skip an earlier own write", 5, []step{w(8), l(6), w(7)}, 7},
		{"old positions change nothing", 5, []step{w(3), l(4)}, 5},
		{"the log in order", 0, []step{l(1), l(2), l(3)}, 3},
	}
	for _, tt := range tests {
		var p positions
		p.reset(tt.start)
		for _, s := range tt.steps {
			if s.own {
				p.wrote(s.pos)
			} else {
				p.logged(s.pos[0])
			}
		}
		if got := p.applied.Load(); got != tt.want {
			t.Errorf("%s: at %d, want %d", tt.name, got, tt.want)
		}
	}
}
