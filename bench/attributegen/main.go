// Command attributegen builds the data set of bench/attribute.sh and times
// attribution on it.
//
//	attributegen -dir D            ledger in D/ledger with -exports exports
//	                               totalling -records disclosed records, and
//	                               the found list D/found.csv (-found rows)
//	attributegen -dir D -attribute read D/found.csv and attribute it, as
//	                               "ringfence trace attribute" does, with
//	                               timings
//
// Exports draw customers at random from a universe of -customers people, so
// records are held by several exports, as when one bank's customers are
// given to many agencies. Export sizes are log-normal (a few hundred to
// hundreds of thousands of rows). Records carry a phone number only: that is
// what found lists are matched on first, and what the index holds.
//
// The found list mixes 60% of the largest export (two of its canaries
// included, phones written in varied notations, GBK-encoded), 100,000
// customers of the same universe from other sources, strangers, and noise.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"ringfence/ledger"
	"ringfence/trace"
)

var prefixes = []string{"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
	"156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188", "189", "177", "176"}

// phone returns the national number of customer i (distinct for distinct i).
func phone(i int) string {
	p := prefixes[i%len(prefixes)]
	s := (uint64(i/len(prefixes))*2654435761 + 12345) % 100000000
	return fmt.Sprintf("%s%08d", p, s)
}

func main() {
	dir := flag.String("dir", "", "data set directory")
	exports := flag.Int("exports", 10000, "exports")
	records := flag.Int("records", 50_000_000, "disclosed records in all exports")
	customers := flag.Int("customers", 20_000_000, "distinct customers exports draw from")
	foundRows := flag.Int("found", 1_000_000, "rows of the found list")
	attribute := flag.Bool("attribute", false, "attribute D/found.csv instead of generating")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of -attribute to this file")
	flag.Parse()
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "attributegen:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "attributegen: -dir is required")
		os.Exit(2)
	}
	var err error
	if *attribute {
		err = runAttribute(*dir)
	} else {
		err = generate(*dir, *exports, *records, *customers, *foundRows)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "attributegen:", err)
		os.Exit(1)
	}
}

func generate(dir string, nExports, nRecords, nCustomers, foundRows int) error {
	start := time.Now()
	l, err := ledger.Open(filepath.Join(dir, "ledger"))
	if err != nil {
		return err
	}
	defer l.Close()
	if l.Size() > 0 {
		return fmt.Errorf("%s already holds a ledger", dir)
	}
	key := l.FingerprintKey()

	// Prints of every customer, computed once.
	prints := make([]uint64, nCustomers)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fp, _ := trace.NewFingerprinter(key)
			for i := w; i < nCustomers; i += workers {
				prints[i] = fp.Phone("+86" + phone(i))
			}
		}()
	}
	wg.Wait()
	fmt.Printf("fingerprinted %d customers in %.1fs\n", nCustomers, time.Since(start).Seconds())

	// Log-normal export sizes scaled to nRecords in all.
	r := rand.New(rand.NewPCG(1, 2))
	sizes := make([]float64, nExports)
	sum := 0.0
	for i := range sizes {
		sizes[i] = math.Exp(r.NormFloat64() * 1.3)
		sum += sizes[i]
	}
	counts := make([]int, nExports)
	total := 0
	for i := range sizes {
		counts[i] = max(50, min(800_000, int(sizes[i]/sum*float64(nRecords))))
		total += counts[i]
	}
	for total != nRecords {
		i := r.IntN(nExports)
		switch {
		case total < nRecords && counts[i] < 800_000:
			counts[i]++
			total++
		case total > nRecords && counts[i] > 50:
			counts[i]--
			total--
		}
	}
	leaker := 0
	for i, c := range counts {
		if c > counts[leaker] {
			leaker = i
		}
	}

	// Exports, written by several goroutines so their fsyncs overlap.
	var leakedIdx []int
	var leakedCanaries []string
	jobs := make(chan int)
	errc := make(chan error, 8)
	var mu sync.Mutex
	canaryNext := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fp, _ := trace.NewFingerprinter(key)
			for k := range jobs {
				rr := rand.New(rand.NewPCG(uint64(k), 7))
				n := counts[k]
				idx := make([]int, n)
				ps := make([]trace.Print, 0, n+6)
				for j := range idx {
					idx[j] = rr.IntN(nCustomers)
					ps = append(ps, trace.Print{Phone: prints[idx[j]]})
				}
				nc := 3 + rr.IntN(4)
				mu.Lock()
				first := canaryNext
				canaryNext += nc
				mu.Unlock()
				var canaries []trace.Print
				var canaryNums []string
				for c := range nc {
					num := fmt.Sprintf("1714%07d", first+c)
					p := trace.Print{Phone: fp.Phone("+86" + num)}
					canaries = append(canaries, p)
					canaryNums = append(canaryNums, num)
					ps = append(ps, p)
				}
				rec := trace.ExportRecord{
					Disclosure: trace.Disclosure{Org: "bank", Recipient: fmt.Sprintf("agency-%05d", k), ExportID: fmt.Sprintf("x%05d", k)},
					Time:       time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(k) * time.Minute),
					Rows:       len(ps), Canaries: canaries, Encoding: trace.UTF8,
				}
				if _, err := l.AppendExport(context.Background(), rec, ps); err != nil {
					errc <- err
					return
				}
				if k == leaker {
					leakedIdx, leakedCanaries = idx, canaryNums
				}
			}
		}()
	}
	for k := range nExports {
		select {
		case jobs <- k:
		case err := <-errc:
			close(jobs)
			return err
		}
		if k%1000 == 999 {
			fmt.Printf("  %d exports written (%.1fs)\n", k+1, time.Since(start).Seconds())
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
	}
	if _, err := l.Checkpoint(); err != nil {
		return err
	}
	fmt.Printf("wrote %d exports, %d records (largest: agency-%05d, %d rows) in %.1fs\n", nExports, nRecords, leaker, counts[leaker], time.Since(start).Seconds())
	return writeFound(filepath.Join(dir, "found.csv"), leakedIdx, leakedCanaries, nCustomers, foundRows, r)
}

var names = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨敏", "黄磊", "赵强", "吴秀英", "周杰", "徐丽", "孙涛", "马超", "朱明", "胡军"}

// writeFound writes the found list.
func writeFound(path string, leaked []int, canaries []string, nCustomers, rows int, r *rand.Rand) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	format := func(n string) string {
		switch r.IntN(4) {
		case 0:
			return "+86 " + n[:3] + "-" + n[3:7] + "-" + n[7:]
		case 1:
			return "86" + n
		case 2:
			return n[:3] + " " + n[3:7] + " " + n[7:]
		}
		return n
	}
	written := 0
	// The leaked copy: 60% of the largest export, at most 400,000 rows,
	// two canaries, GBK with a header of its own.
	keep := min(len(leaked)*6/10, 400_000)
	enc := simplifiedchinese.GBK.NewEncoder()
	line, _ := enc.String("手机,姓名,城市\r\n")
	w.WriteString(line)
	perm := r.Perm(len(leaked))[:keep]
	for j, k := range perm {
		line, _ := enc.String(fmt.Sprintf("%s,%s,深圳\r\n", format(phone(leaked[k])), names[j%len(names)]))
		w.WriteString(line)
		if j == keep/3 || j == 2*keep/3 {
			w.WriteString(format(canaries[j%len(canaries)]) + ",canary,\r\n")
		}
	}
	written += keep + 2
	// Another source: 100,000 customers of the same universe, tab separated.
	w.WriteString("phone\tname\n")
	for range 100_000 {
		fmt.Fprintf(w, "%s\t%s\n", format(phone(r.IntN(nCustomers))), "Li Wei")
	}
	written += 100_000
	// Strangers: numbers outside the universe's segments, and noise.
	w.WriteString("电话,备注\n")
	for written < rows-1000 {
		fmt.Fprintf(w, "199%08d,B\n", r.IntN(100_000_000))
		written++
	}
	for range 1000 {
		w.WriteString("--,,n/a,12345\n")
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Printf("found list %s: %d rows\n", path, rows)
	return nil
}

// readAll reads every print list once: the floor that any attribution
// reading them pays.
func readAll(l *ledger.Log) (int64, error) {
	refs, err := l.Exports()
	if err != nil {
		return 0, err
	}
	var n int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	jobs := make(chan string)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for id := range jobs {
				buf, _ = l.Prints(id, buf)
				mu.Lock()
				n += int64(len(buf))
				mu.Unlock()
			}
		}()
	}
	for _, r := range refs {
		jobs <- r.ExportID
	}
	close(jobs)
	wg.Wait()
	return n, nil
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func runAttribute(dir string) error {
	c0 := cpuTime()
	t0 := time.Now()
	l, err := ledger.Open(filepath.Join(dir, "ledger"))
	if err != nil {
		return err
	}
	defer l.Close()
	tOpen := time.Since(t0)

	t1 := time.Now()
	fp, err := trace.NewFingerprinter(l.FingerprintKey())
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, "found.csv"))
	if err != nil {
		return err
	}
	defer f.Close()
	found, err := trace.ReadFound(f, fp)
	if err != nil {
		return err
	}
	tRead := time.Since(t1)

	t2 := time.Now()
	a, err := trace.Attribute(context.Background(), found, l, trace.AttributeOptions{Top: 5})
	if err != nil {
		return err
	}
	tAttr := time.Since(t2)
	total := time.Since(t0)
	cpu := cpuTime() - c0

	t3 := time.Now()
	bytes, err := readAll(l)
	if err != nil {
		return err
	}
	tFloor := time.Since(t3)

	refs, _ := l.Exports()
	disclosed := 0
	for _, r := range refs {
		disclosed += r.Rows
	}
	fmt.Printf("found list: %d lines, %d distinct records; %d exports, %d disclosed records\n", found.Lines, len(found.Records), len(refs), disclosed)
	fmt.Printf("open ledger        %6.2fs\n", tOpen.Seconds())
	fmt.Printf("read found list    %6.2fs  (%.0f rows/s)\n", tRead.Seconds(), float64(found.Lines)/tRead.Seconds())
	fmt.Printf("attribute          %6.2fs  (%.0f disclosed records/s)\n", tAttr.Seconds(), float64(disclosed)/tAttr.Seconds())
	fmt.Printf("total              %6.2fs  (target <= 10 s); CPU %.2fs on %d cores\n", total.Seconds(), cpu.Seconds(), runtime.GOMAXPROCS(0))
	fmt.Printf("peer: read all print lists once %6.2fs (%d MB); attribute / read = %.1f\n", tFloor.Seconds(), bytes>>20, tAttr.Seconds()/tFloor.Seconds())
	for i, c := range a.Candidates[:min(3, len(a.Candidates))] {
		fmt.Printf("  %d. %s export %s: score %s, %d canaries, %d/%d matched\n", i+1, c.Recipient, c.ExportID, trace.FormatLR(c.Score), c.CanaryHits, c.Matched, c.Rows)
	}
	if len(a.Candidates) == 0 {
		return fmt.Errorf("no candidate")
	}
	return nil
}
