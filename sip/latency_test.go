package sip

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"ringfence/engine"
)

// BenchmarkLatency sends b.N INVITEs over loopback UDP at a steady rate
// (default 1,000/s) and reports the INVITE-to-answer time percentiles in
// microseconds, which SIPp only measures in 4 ms steps. The target is an
// in-process server over the seeded engine, or the server at
// $RINGFENCE_SIP_TARGET (HOST:PORT), so bench/sip.sh can measure ringfence
// and Kamailio alike. $RINGFENCE_SIP_RATE sets the rate. The ACK is not
// sent: neither server retransmits its answer.
//
//	go test ./sip -run '^$' -bench Latency -benchtime 5000x
func BenchmarkLatency(b *testing.B) {
	target := os.Getenv("RINGFENCE_SIP_TARGET")
	if target == "" {
		// As serve runs it: calls recorded in the store by a call log.
		e := newEngine(b)
		ctx, cancel := context.WithCancel(context.Background())
		calls := engine.NewCallLog(ctx, e.Store(), 0, slog.New(slog.DiscardHandler))
		defer calls.Wait()
		defer cancel()
		srv, err := NewServer(e, Config{NextHop: "127.0.0.1:5080", Calls: calls})
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		a, err := srv.Listen("udp://127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		target = a.String()
	}
	rate := 1000.0
	if r, err := strconv.ParseFloat(os.Getenv("RINGFENCE_SIP_RATE"), 64); err == nil && r > 0 {
		rate = r
	}
	c, err := net.Dial("udp", target)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if uc, ok := c.(*net.UDPConn); ok {
		uc.SetReadBuffer(4 << 20)
	}
	local := c.LocalAddr().String()
	rng := rand.New(rand.NewPCG(1, 2))
	run := rng.Uint64()
	reqs := make([][]byte, b.N)
	for i := range reqs {
		caller := fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1e9)) // mobiles, some in virtual ranges
		if i%4 == 0 {
			caller = strconv.Itoa(95100 + rng.IntN(900)) // service lines, often reported
		}
		reqs[i] = fmt.Appendf(nil, "INVITE sip:13900139000@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-%x-%d\r\n"+
			"Max-Forwards: 70\r\nFrom: <sip:%s@%s>;tag=%d\r\nTo: <sip:13900139000@%s>\r\nCall-ID: %x-%d@bench\r\n"+
			"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n", target, local, run, i, caller, local, i, target, run, i)
	}
	sent := make([]time.Time, b.N)
	lat := make([]time.Duration, b.N)
	var mu sync.Mutex
	done := make(chan struct{})
	got := 0
	go func() { // receiver
		defer close(done)
		buf := make([]byte, 65535)
		marker := fmt.Appendf(nil, "branch=z9hG4bK-%x-", run)
		for got < b.N {
			c.SetReadDeadline(time.Now().Add(3 * time.Second))
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			now := time.Now()
			j := bytes.Index(buf[:n], marker)
			if j < 0 {
				continue
			}
			rest := buf[j+len(marker) : n]
			k := bytes.IndexAny(rest, ";\r")
			if k < 0 {
				continue
			}
			i, err := strconv.Atoi(string(rest[:k]))
			if err != nil || i < 0 || i >= b.N {
				continue
			}
			mu.Lock()
			if lat[i] == 0 {
				lat[i] = now.Sub(sent[i])
				got++
			}
			mu.Unlock()
		}
	}()
	interval := time.Duration(float64(time.Second) / rate)
	b.ResetTimer()
	start := time.Now()
	for i := range reqs {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		mu.Lock()
		sent[i] = time.Now()
		mu.Unlock()
		if _, err := c.Write(reqs[i]); err != nil {
			b.Fatal(err)
		}
	}
	<-done
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	if got < b.N {
		b.Fatalf("%d of %d INVITEs unanswered", b.N-got, b.N)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		i := int(float64(len(lat))*p+0.999999) - 1
		return float64(lat[max(0, min(i, len(lat)-1))].Microseconds())
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
	b.ReportMetric(rate, "calls/s")
}
