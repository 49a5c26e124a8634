package ringfence

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"
)

// ReportKey names a stored crowd report: a store keeps one per number and
// reporter.
type ReportKey struct{ Number, Reporter string }

// StoredReport is a stored report as a batch of reports sees and changes it.
type StoredReport struct {
	Report  Report  // Number, Reporter, Category, Source, times, Note, Weight, Complaints, Corroboration
	Ref     float64 // what it adds to its tally's weight (Weight times the corroboration boost)
	Cleared bool    // cleared by an accepted appeal: in no tally
	Dirty   bool    // changed by the batch: to be written
}

// BatchNumber is a number's tallies in a batch.
type BatchNumber struct {
	Tallies []Tally // by category, in the order a store's tallies read them
	Order   int     // when the batch first touched the number; -1 if not yet
}

// BatchTrack is a reporter's track record in a batch.
type BatchTrack struct {
	Track Track
	Dirty bool
}

// ReportBatch applies crowd reports in memory exactly as a store applies
// one report at a time to its tables: the stored report of each number and
// reporter, each number's tallies and each reporter's track. A store
// importing a file loads into it what a chunk of reports touches (every
// number with Order -1, every reporter), calls Add for each report, and
// then writes what is Dirty and the tallies of Touched; the two stores
// share it so that a bulk import and single writes cannot drift apart.
type ReportBatch struct {
	Pairs   map[ReportKey]*StoredReport
	Numbers map[string]*BatchNumber
	Tracks  map[string]*BatchTrack
	Touched []string // numbers in the order first touched

	scratch []Tally // the tallies judge is shown, reused report after report
}

// NewReportBatch returns an empty batch.
func NewReportBatch() *ReportBatch {
	return &ReportBatch{Pairs: map[ReportKey]*StoredReport{}, Numbers: map[string]*BatchNumber{}, Tracks: map[string]*BatchTrack{}}
}

// Import reads reports from next until io.EOF in chunks of size. For each
// chunk it calls load, which brings into b the stored state the chunk
// touches, applies the chunk's reports with Add, and calls write with the
// ones that changed anything (a repeat is applied as nothing and has no
// report event). It returns how many reports next gave and the ReceivedAt
// of the last; an error from next, ctx, load or write stops it, and the
// store's transaction is then to be rolled back.
func (b *ReportBatch) Import(ctx context.Context, next func() (Report, error), size int, boost func(Report) float64, judge Judge, load, write func([]Report) error) (n int, last time.Time, err error) {
	buf := make([]Report, 0, size)
	for done := false; !done; {
		buf = buf[:0]
		for len(buf) < size {
			r, err := next()
			if err == io.EOF {
				done = true
				break
			} else if err != nil {
				return n, last, err
			}
			buf = append(buf, r)
		}
		if err := ctx.Err(); err != nil {
			return n, last, err
		}
		if err := load(buf); err != nil {
			return n, last, err
		}
		n += len(buf)
		if len(buf) > 0 {
			last = buf[len(buf)-1].ReceivedAt
		}
		applied := buf[:0]
		for i := range buf {
			if b.Add(&buf[i], boost, judge) {
				applied = append(applied, buf[i])
			}
		}
		if err := write(applied); err != nil {
			return n, last, err
		}
	}
	return n, last, nil
}

// Add applies r (its number and reporter already loaded) and reports
// whether it changed anything: the same report again (Report.Repeats)
// does not. It sets r's Weight and Complaints as stored.
func (b *ReportBatch) Add(r *Report, boost func(Report) float64, judge Judge) bool {
	ns := b.Numbers[r.Number]
	if ns.Order < 0 {
		ns.Order = len(b.Touched)
		b.Touched = append(b.Touched, r.Number)
	}
	key := ReportKey{r.Number, r.Reporter}
	old, hadOld := b.Pairs[key]
	if hadOld && r.Repeats(old.Report) {
		r.Weight, r.Complaints = old.Report.Weight, old.Report.Complaints
		return false
	}
	if hadOld && !old.Cleared {
		if i := tallyAt(ns.Tallies, old.Report.Category); i >= 0 {
			t := &ns.Tallies[i]
			t.Reporters--
			t.Weight = max(t.Weight-old.Ref, 0)
			t.Corroborated = max(t.Corroborated-old.Report.Corroboration.ConfirmedCount(), 0)
		}
		ns.Tallies = slices.DeleteFunc(ns.Tallies, func(t Tally) bool { return t.Reporters <= 0 })
	}
	tr := b.Tracks[r.Reporter]
	var before []Tally // the judge reads it during the call only
	if len(ns.Tallies) > 0 {
		b.scratch = append(b.scratch[:0], ns.Tallies...)
		before = b.scratch
	}
	r.Complaints = 1
	if hadOld && !old.Cleared && r.Source != SourceCrowd && r.Source == old.Report.Source {
		r.Complaints = old.Report.Complaints + 1
	}
	w, agree := judge(*r, tr.Track, before)
	r.Weight = w
	ref := w * boost(*r)
	if old != nil {
		*old = StoredReport{Report: *r, Ref: ref, Dirty: true}
	} else {
		b.Pairs[key] = &StoredReport{Report: *r, Ref: ref, Dirty: true}
	}
	if i := tallyAt(ns.Tallies, r.Category); i >= 0 {
		t := &ns.Tallies[i]
		t.Reporters++
		t.Weight += ref
		t.Corroborated += r.Corroboration.ConfirmedCount()
	} else {
		i, _ := slices.BinarySearchFunc(ns.Tallies, r.Category, func(t Tally, c Category) int {
			return strings.Compare(string(t.Category), string(c))
		})
		ns.Tallies = slices.Insert(ns.Tallies, i, Tally{Category: r.Category, Reporters: 1, Weight: ref, Corroborated: r.Corroboration.ConfirmedCount()})
	}
	// The track counts the numbers a reporter has reported: a changed
	// report (another category or time) replaces the earlier one and earns
	// no second count or agreement.
	if !hadOld {
		tr.Track.Reports++
		switch {
		case agree > 0:
			tr.Track.Agreed++
		case agree < 0:
			tr.Track.Disagreed++
		}
	}
	tr.Dirty = true
	return true
}

func tallyAt(ts []Tally, c Category) int {
	for i := range ts {
		if ts[i].Category == c {
			return i
		}
	}
	return -1
}

// ConfirmedCount is 1 for a report call records confirmed, else 0: what it
// adds to its tally's corroborated count.
func (c Corroboration) ConfirmedCount() int {
	if c == Confirmed {
		return 1
	}
	return 0
}
