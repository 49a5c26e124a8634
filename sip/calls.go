package sip

import (
	"sync"
	"time"

	"ringfence"
)

// Call events reach the Recorder in batches, at most batchEvery apart: a
// recorder that writes on every event would pay a store transaction (an
// fsync) per call when calls are few.
const (
	batchEvery = 100 * time.Millisecond
	batchMax   = 1024 // a batch this big goes at once
)

// batcher gathers call events and hands them to a Recorder in batches.
type batcher struct {
	to   Recorder
	mu   sync.Mutex
	buf  []ringfence.CallEvent
	stop chan struct{}
	done chan struct{}
}

func newBatcher(to Recorder) *batcher {
	b := &batcher{to: to, stop: make(chan struct{}), done: make(chan struct{})}
	go b.run()
	return b
}

func (b *batcher) run() {
	defer close(b.done)
	t := time.NewTicker(batchEvery)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			b.flush()
			return
		case <-t.C:
			b.flush()
		}
	}
}

// Record queues ev.
func (b *batcher) Record(ev ringfence.CallEvent) {
	b.mu.Lock()
	b.buf = append(b.buf, ev)
	full := len(b.buf) >= batchMax
	b.mu.Unlock()
	if full {
		b.flush()
	}
}

// flush hands every queued event to the Recorder.
func (b *batcher) flush() {
	b.mu.Lock()
	out := b.buf
	b.buf = make([]ringfence.CallEvent, 0, max(16, len(out)))
	b.mu.Unlock()
	for _, ev := range out {
		b.to.Record(ev)
	}
}

// close stops the batcher after a last flush.
func (b *batcher) close() {
	close(b.stop)
	<-b.done
}
