// Command ledgerload measures durable appends to the disclosure ledger for
// bench/ledger.sh: -appenders goroutines append alias bindings for
// -duration, each append acknowledged only after fsync, sharing fsyncs
// through group commit. The same run measures one appender alone (one fsync
// per append) as the peer, then reopens the log and verifies it whole.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"ringfence/ledger"
)

func main() {
	dir := flag.String("dir", "", "directory for the ledgers (a temporary one when empty)")
	appenders := flag.Int("appenders", 64, "concurrent appenders")
	duration := flag.Duration("duration", 10*time.Second, "how long to append with group commit")
	peer := flag.Duration("peer", 3*time.Second, "how long to append with one appender")
	flag.Parse()
	if *dir == "" {
		d, err := os.MkdirTemp("", "ledgerload")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	n1, lat1, err := run(*dir+"/serial", 1, *peer)
	if err != nil {
		fail(err)
	}
	n, lat, err := run(*dir+"/group", *appenders, *duration)
	if err != nil {
		fail(err)
	}
	rate1 := float64(n1) / peer.Seconds()
	rate := float64(n) / duration.Seconds()
	fmt.Printf("one appender:      %8.0f durable appends/s  (p50 %v, p99 %v)\n", rate1, pct(lat1, 50), pct(lat1, 99))
	fmt.Printf("%3d appenders:     %8.0f durable appends/s  (p50 %v, p99 %v)  target >= 5000\n", *appenders, rate, pct(lat, 50), pct(lat, 99))
	fmt.Printf("group commit / one appender: %.1fx\n", rate/rate1)

	t := time.Now()
	l, err := ledger.Open(*dir + "/group")
	if err != nil {
		fail(err)
	}
	tOpen := time.Since(t)
	t = time.Now()
	rep, err := l.Verify(context.Background())
	if err != nil {
		fail(err)
	}
	tVerify := time.Since(t)
	l.Close()
	fmt.Printf("reopen %d entries: %v; verify: %v (%.0f entries/s), %d checkpoints\n", rep.Entries, tOpen.Round(time.Millisecond), tVerify.Round(time.Millisecond), float64(rep.Entries)/tVerify.Seconds(), rep.Checkpoints)
}

// run appends from k goroutines for d and returns the count and latencies.
func run(dir string, k int, d time.Duration) (int64, []time.Duration, error) {
	l, err := ledger.Open(dir)
	if err != nil {
		return 0, nil, err
	}
	defer l.Close()
	var n atomic.Int64
	var mu sync.Mutex
	var lats []time.Duration
	var firstErr atomic.Value
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := 0; time.Now().Before(stop); i++ {
				e := ledger.Entry{Type: ledger.TypeAliasBinding, Time: time.Now(), AliasBinding: &ledger.AliasBinding{
					Alias:      fmt.Sprintf("+86171%04d%04d", w, i%10000),
					Subscriber: l.Fingerprint("subscriber", fmt.Sprint(w, i)),
					Merchant:   "merchant-" + fmt.Sprint(i%97),
					Purpose:    "alias",
				}}
				t := time.Now()
				if _, err := l.Append(context.Background(), e); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				mine = append(mine, time.Since(t))
				n.Add(1)
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, nil, err
	}
	slices.Sort(lats)
	return n.Load(), lats, nil
}

func pct(s []time.Duration, p int) time.Duration {
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, len(s)*p/100)].Round(10 * time.Microsecond)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ledgerload:", err)
	os.Exit(1)
}
