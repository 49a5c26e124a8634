package ringfence

import (
	"context"
	"slices"
	"sync"
)

// Appended collects the events that store writes append to the log, with
// their positions. A node makes one for each of its own writes
// (WithAppended) to learn where they landed in the log: having applied
// those events to its memory itself, it need not apply them again when it
// catches up.
type Appended struct {
	mu  sync.Mutex
	evs []Event
}

type appendedKey struct{}

// WithAppended returns ctx carrying a new, empty Appended. Every Store
// write made with the returned context records there the events it
// appends to the store's log, with their positions (see RecordAppended).
// They count only when the write succeeds.
func WithAppended(ctx context.Context) (context.Context, *Appended) {
	a := &Appended{}
	return context.WithValue(ctx, appendedKey{}, a), a
}

// RecordAppended is how a Store reports what a write appended: a write
// that appends an event calls it with the event, Position set, in the order
// appended. It does nothing when ctx carries no Appended.
func RecordAppended(ctx context.Context, ev Event) {
	if a, _ := ctx.Value(appendedKey{}).(*Appended); a != nil {
		a.mu.Lock()
		a.evs = append(a.evs, ev)
		a.mu.Unlock()
	}
}

// Events returns the events recorded so far, in the order recorded.
func (a *Appended) Events() []Event {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.evs)
}

// Positions returns the positions of the events recorded so far.
func (a *Appended) Positions() []int64 {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	pos := make([]int64, len(a.evs))
	for i, ev := range a.evs {
		pos[i] = ev.Position
	}
	return pos
}
