package main

import (
	"sort"

	"ringfence"
	"ringfence/cdr"
	"ringfence/detect"
	"ringfence/number"
)

// scanner feeds the records of "cdr scan" to one detector, or to several
// partitioned ones (detect.Partition), each in its own goroutine working
// through the batches at its own pace while the next batches are read. A
// detect.Router gives each partitioned detector only the records whose
// caller or callee it owns.
type scanner struct {
	rd    *cdr.Reader // the reader of the records being added
	dets  []*detect.Detector
	batch []ringfence.CallRecord // being filled (one detector)

	// With several detectors: batches in flight, oldest first, and free
	// ones. A batch is emitted, in order, once every detector is done.
	job      *scanJob // being filled
	inflight []*scanJob
	free     []*scanJob
	in       []chan *scanJob
	results  chan scanResult
	router   *detect.Router
}

// scanJob is a batch of records, routed to the detectors.
type scanJob struct {
	recs    []ringfence.CallRecord
	routed  [][]detect.Routed // by detector
	rd      *cdr.Reader
	pending int // detectors not done with it
	flags   []ringfence.Flag
}

type scanResult struct {
	job   *scanJob
	flags []ringfence.Flag
}

// Batch sizes: one detector takes records in small batches (it prefetches
// the table entries of the calls a few places ahead within a batch);
// several take larger ones, up to
// scanInFlight at once, so that a detector held up a moment does not
// hold the others.
const (
	scanBatch     = 256
	scanWorkBatch = 8192
	scanInFlight  = 8
)

func newScanner(cfg detect.Config, workers int) *scanner {
	sc := &scanner{}
	if workers <= 1 {
		sc.dets = []*detect.Detector{detect.New(cfg)}
		sc.batch = make([]ringfence.CallRecord, 0, scanBatch)
		return sc
	}
	sc.results = make(chan scanResult, workers*scanInFlight)
	sc.router = detect.NewRouter(workers)
	for range scanInFlight {
		j := &scanJob{recs: make([]ringfence.CallRecord, 0, scanWorkBatch), routed: make([][]detect.Routed, workers)}
		for w := range j.routed {
			j.routed[w] = make([]detect.Routed, 0, scanWorkBatch*2/workers+64)
		}
		sc.free = append(sc.free, j)
	}
	sc.job = sc.take()
	for i := range workers {
		cfg.Partition = detect.Partition{Count: workers, Index: i}
		d := detect.New(cfg)
		in := make(chan *scanJob, scanInFlight)
		sc.dets = append(sc.dets, d)
		sc.in = append(sc.in, in)
		go func() {
			for j := range in {
				var fs []ringfence.Flag
				d.ObserveRouted(j.routed[i], func(f ringfence.Flag) { fs = append(fs, f) })
				sc.results <- scanResult{j, fs}
			}
		}()
	}
	return sc
}

func (sc *scanner) take() *scanJob {
	j := sc.free[len(sc.free)-1]
	sc.free = sc.free[:len(sc.free)-1]
	j.recs, j.flags = j.recs[:0], j.flags[:0]
	for w := range j.routed {
		j.routed[w] = j.routed[w][:0]
	}
	return j
}

func (sc *scanner) add(rec ringfence.CallRecord) {
	if sc.job != nil {
		sc.job.recs = append(sc.job.recs, rec)
		sc.router.Route(rec, sc.job.routed)
		return
	}
	sc.batch = append(sc.batch, rec)
}

func (sc *scanner) full() bool {
	if sc.job != nil {
		return len(sc.job.recs) == cap(sc.job.recs)
	}
	return len(sc.batch) == cap(sc.batch)
}

// flush hands the batch to the detectors. One detector works on it at
// once; several work on it while the caller reads on, and the flags of
// each batch are emitted, in order, once all are done with it: at a later
// flush, or before flush returns when wait is set.
func (sc *scanner) flush(emit func(ringfence.Flag), wait bool) {
	if len(sc.dets) == 1 {
		b, rd := sc.batch, sc.rd
		sc.dets[0].ObserveCalls(b, func(f ringfence.Flag) { emit(attribute(f, b, rd)) })
		sc.batch = sc.batch[:0]
		return
	}
	if j := sc.job; len(j.recs) > 0 {
		sc.router.End(j.routed)
		j.rd, j.pending = sc.rd, len(sc.dets)
		for _, in := range sc.in {
			in <- j
		}
		sc.inflight = append(sc.inflight, j)
		sc.job = nil
	}
	// Emit what is done; wait for the oldest batch only when no batch is
	// free to fill, or when told to.
collect:
	for len(sc.inflight) > 0 {
		if j := sc.inflight[0]; j.pending == 0 {
			sc.emit(j, emit)
			continue
		}
		if !wait && len(sc.free) > 0 {
			select {
			case r := <-sc.results:
				sc.done(r)
				continue
			default:
				break collect
			}
		}
		sc.done(<-sc.results)
	}
	if sc.job == nil {
		sc.job = sc.take()
	}
}

func (sc *scanner) done(r scanResult) {
	r.job.pending--
	r.job.flags = append(r.job.flags, r.flags...)
}

// emit emits the flags of the oldest batch in time order and frees it.
func (sc *scanner) emit(j *scanJob, emit func(ringfence.Flag)) {
	sort.SliceStable(j.flags, func(a, b int) bool {
		x, y := j.flags[a], j.flags[b]
		if !x.FlaggedAt.Equal(y.FlaggedAt) {
			return x.FlaggedAt.Before(y.FlaggedAt)
		}
		if x.Number != y.Number {
			return x.Number < y.Number
		}
		return x.Kind < y.Kind
	})
	for _, f := range j.flags {
		emit(attribute(f, j.recs, j.rd))
	}
	sc.inflight = sc.inflight[1:]
	sc.free = append(sc.free, j)
}

// close stops the detectors' goroutines once they are done with their
// batches.
func (sc *scanner) close() {
	for _, in := range sc.in {
		close(in)
	}
	for _, j := range sc.inflight {
		for ; j.pending > 0; j.pending-- {
			<-sc.results
		}
	}
	sc.in, sc.inflight = nil, nil
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
