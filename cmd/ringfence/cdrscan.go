package main

import (
	"sort"

	"ringfence"
	"ringfence/cdr"
	"ringfence/detect"
	"ringfence/number"
)

// scanner feeds the records of "cdr scan" to one detector, or to several
// partitioned ones (detect.Partition) that work on each batch at once
// while the next batch is read.
type scanner struct {
	rd    *cdr.Reader // the reader of the records being added
	dets  []*detect.Detector
	batch []ringfence.CallRecord // being filled

	// With several detectors: the batch they work on, and its reader.
	spare  []ringfence.CallRecord
	spareR *cdr.Reader
	busy   bool
	in     []chan []ringfence.CallRecord
	done   chan struct{}
	found  [][]ringfence.Flag // each detector's flags from the batch
	all    []ringfence.Flag
}

// Batch sizes: one detector takes records in small batches (it prefetches
// the table entries of a batch); several take larger ones, to keep the
// hand-over rare.
const (
	scanBatch     = 256
	scanWorkBatch = 4096
)

func newScanner(cfg detect.Config, workers int) *scanner {
	sc := &scanner{}
	if workers <= 1 {
		sc.dets = []*detect.Detector{detect.New(cfg)}
		sc.batch = make([]ringfence.CallRecord, 0, scanBatch)
		return sc
	}
	sc.batch = make([]ringfence.CallRecord, 0, scanWorkBatch)
	sc.spare = make([]ringfence.CallRecord, 0, scanWorkBatch)
	sc.done = make(chan struct{}, workers)
	sc.found = make([][]ringfence.Flag, workers)
	for i := range workers {
		cfg.Partition = detect.Partition{Count: workers, Index: i}
		d := detect.New(cfg)
		in := make(chan []ringfence.CallRecord, 1)
		sc.dets = append(sc.dets, d)
		sc.in = append(sc.in, in)
		go func() {
			for b := range in {
				sc.found[i] = sc.found[i][:0]
				d.ObserveCalls(b, func(f ringfence.Flag) { sc.found[i] = append(sc.found[i], f) })
				sc.done <- struct{}{}
			}
		}()
	}
	return sc
}

func (sc *scanner) add(rec ringfence.CallRecord) { sc.batch = append(sc.batch, rec) }

func (sc *scanner) full() bool { return len(sc.batch) == cap(sc.batch) }

// flush hands the batch to the detectors. One detector works on it at
// once; several work on it while the caller reads on, and their flags are
// emitted at the next flush, or before flush returns when wait is set.
func (sc *scanner) flush(emit func(ringfence.Flag), wait bool) {
	if len(sc.dets) == 1 {
		b, rd := sc.batch, sc.rd
		sc.dets[0].ObserveCalls(b, func(f ringfence.Flag) { emit(attribute(f, b, rd)) })
		sc.batch = sc.batch[:0]
		return
	}
	sc.collect(emit)
	if len(sc.batch) > 0 {
		for _, in := range sc.in {
			in <- sc.batch
		}
		sc.busy = true
		sc.spareR = sc.rd
		sc.batch, sc.spare = sc.spare[:0], sc.batch
	}
	if wait {
		sc.collect(emit)
	}
}

// collect waits for the detectors to finish their batch and emits its
// flags in time order.
func (sc *scanner) collect(emit func(ringfence.Flag)) {
	if !sc.busy {
		return
	}
	for range sc.dets {
		<-sc.done
	}
	sc.busy = false
	sc.all = sc.all[:0]
	for _, fs := range sc.found {
		sc.all = append(sc.all, fs...)
	}
	sort.SliceStable(sc.all, func(i, j int) bool {
		a, b := sc.all[i], sc.all[j]
		if !a.FlaggedAt.Equal(b.FlaggedAt) {
			return a.FlaggedAt.Before(b.FlaggedAt)
		}
		if a.Number != b.Number {
			return a.Number < b.Number
		}
		return a.Kind < b.Kind
	})
	for _, f := range sc.all {
		emit(attribute(f, sc.spare, sc.spareR))
	}
}

// close stops the detectors' goroutines.
func (sc *scanner) close() {
	if sc.busy {
		for range sc.dets {
			<-sc.done
		}
		sc.busy = false
	}
	for _, in := range sc.in {
		close(in)
	}
	sc.in = nil
}

// stats adds up the detectors' counters.
func (sc *scanner) stats() detect.Stats {
	var st detect.Stats
	st.Flags = map[ringfence.FlagKind]int64{}
	for _, d := range sc.dets {
		s := d.Stats()
		st.Calls += s.Calls
		st.Skipped += s.Skipped
		st.Late += s.Late
		st.Duplicates += s.Duplicates
		st.ActiveCallers += s.ActiveCallers
		st.ActiveTargets += s.ActiveTargets
		st.Flagged += s.Flagged
		st.CallerBytes += s.CallerBytes
		st.FixedBytes += s.FixedBytes
		for k, n := range s.Flags {
			st.Flags[k] += n
		}
		if s.StreamTime.After(st.StreamTime) {
			st.StreamTime = s.StreamTime
		}
	}
	return st
}

// attribute gives a flag the account and trunk of the calls that raised
// it: those on the flagged caller's last record in the batch. A
// call-bombing target is called, not calling, and gets none.
func attribute(f ringfence.Flag, batch []ringfence.CallRecord, rd *cdr.Reader) ringfence.Flag {
	if rd == nil || f.Kind == ringfence.KindCallBombingTarget {
		return f
	}
	k, ok := number.Key(f.Number)
	if !ok {
		return f
	}
	for i := len(batch) - 1; i >= 0; i-- {
		if batch[i].Caller == k {
			if batch[i].Source != 0 {
				src := rd.Source(batch[i].Source)
				f.Account, f.Trunk = src.Account, src.Trunk
			}
			break
		}
	}
	return f
}
