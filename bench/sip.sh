#!/usr/bin/env bash
# SIP front benchmark: "ringfence serve --sip" screening every INVITE against
# Kamailio as a stateless redirect server (bench/kamailio-redirect.cfg), both
# on this machine and both driven by SIPp (sip/testdata/sipp/uac-bench.xml:
# INVITE, 302/608/603, ACK) at rising call rates.
#
# For each server it reports, per rate: calls answered, failed calls,
# retransmissions, the rate SIPp achieved and the INVITE response time (p50,
# p99 as SIPp measures them, in 4 ms steps). A rate passes when no call
# failed and SIPp kept within 5% of the rate; the summary gives each
# server's highest passing rate and ours as a ratio of Kamailio's. Then the
# INVITE-to-answer time at 1,000 calls/s is measured to the microsecond by
# BenchmarkLatency (sip/latency_test.go) against both servers; the
# difference of the p99s is what screening adds.
#
# Usage: bench/sip.sh                 (two to three minutes)
#   RATES="1000 2000 4000 6000 8000 10000 12000 14000 16000 20000"  calls/s
#   SECS=5                                   seconds per rate
#   RINGFENCE=/path/to/ringfence             a prebuilt binary (default: go build)
# Needs sipp (Debian: sip-tester), kamailio (Debian: kamailio) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

RATES=${RATES:-"1000 2000 4000 6000 8000 10000 12000 14000 16000 20000"}
SECS=${SECS:-5}
OURS_PORT=${OURS_PORT:-15060}
KAM_PORT=${KAM_PORT:-15070}
HTTP_PORT=${HTTP_PORT:-18080}
CALLEE=13900139000
SCENARIO=$PWD/sip/testdata/sipp/uac-bench.xml

for tool in sipp kamailio go curl; do
	command -v "$tool" >/dev/null || { echo "bench/sip.sh: $tool is not installed" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The dataset: the demo (crowd reports on ~1,200 numbers, two verified
# businesses). Callers: every 95xxx service line (most reported in the demo),
# the demo's named numbers and random mobiles, half in virtual-operator
# ranges; the callee has no personal rules, so verdicts are the crowd's.
RINGFENCE=${RINGFENCE:-}
if [ -z "$RINGFENCE" ]; then
	RINGFENCE=$tmp/ringfence
	go build -o "$RINGFENCE" ./cmd/ringfence
fi
go test -c -o "$tmp/sip.test" ./sip
"$RINGFENCE" demo --data "$tmp/data" >/dev/null 2>&1
awk 'BEGIN {
	srand(12321); print "RANDOM"
	for (n = 95100; n < 96000; n++) print n ";"
	print "17100001234;"; print "16512340000;"; print "95588;"; print "17012345000;"
	split("130 131 132 133 135 136 137 138 139 150 151 152 155 158 159 186 187 188 189", mob, " ")
	split("170 171 162 165 167", vno, " ")
	for (i = 0; i < 4000; i++) {
		p = (i % 2) ? mob[1 + int(rand() * 19)] : vno[1 + int(rand() * 5)]
		printf "%s%08d;\n", p, int(rand() * 1e8)
	}
}' >"$tmp/callers.csv"

# ringfence: the SIP front with its defaults (call events recorded in the
# data directory) but no per-source limit: one SIPp carries every call, as
# one carrier SBC would, and the default of 100 INVITEs/s per source would
# answer most of them 503. SIPp and the latency probe send from 127.0.0.1,
# named here as the one trusted source (the default trusts all loopback);
# anything else gets no answer, and the run fails if any call was untrusted.
"$RINGFENCE" serve --data "$tmp/data" --http "127.0.0.1:$HTTP_PORT" --sip-rate 0 --sip-trust 127.0.0.1/32 \
	--sip "udp://127.0.0.1:$OURS_PORT" --sip-next-hop 127.0.0.1:15080 2>"$tmp/serve.log" &
pids+=($!)
# Kamailio: stateless 302 from the configuration's request route, two UDP
# workers for the two cores.
mkdir -p "$tmp/kam"
kamailio -f bench/kamailio-redirect.cfg -l "udp:127.0.0.1:$KAM_PORT" -n 2 -DD -E \
	-Y "$tmp/kam" -P "$tmp/kam/kamailio.pid" -m 256 -M 16 >"$tmp/kam.log" 2>&1 &
pids+=($!)
for i in $(seq 100); do
	grep -q "ringfence SIP screening" "$tmp/serve.log" && break
	sleep 0.1
done
grep -q "ringfence SIP screening" "$tmp/serve.log" || { echo "ringfence did not start:" >&2; cat "$tmp/serve.log" >&2; exit 1; }
sleep 1
kill -0 "${pids[1]}" 2>/dev/null || { echo "kamailio did not start:" >&2; cat "$tmp/kam.log" >&2; exit 1; }

# run NAME PORT RATE: one SIPp run; prints a result line and sets PASS and P99.
run() {
	local name=$1 port=$2 rate=$3 dir=$tmp/run-$1-$3
	mkdir -p "$dir"
	(cd "$dir" && sipp "127.0.0.1:$port" -sf "$SCENARIO" -inf "$tmp/callers.csv" -s "$CALLEE" \
		-m $((rate * SECS)) -r "$rate" -t u1 -i 127.0.0.1 -p $((port + 1000)) -nostdin \
		-timeout $((SECS * 4 + 10))s -recv_timeout 3s -buff_size 8388608 \
		-max_recv_loops 100000 -max_sched_loops 100000 \
		-trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 100 >sipp.out 2>&1) || true
	local stats
	stats=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ last = $0 }
		END { split(last, f, ";")
			printf "%d %d %d %.0f", f[col["SuccessfulCall(C)"]], f[col["FailedCall(C)"]],
				f[col["Retransmissions(C)"]], f[col["CallRate(C)"]] }' "$dir/stat.csv" 2>/dev/null || echo "0 0 0 0")
	read -r ok failed retrans achieved <<<"$stats"
	local p50 p99
	read -r p50 p99 < <(cat "$dir"/*_rtt.csv 2>/dev/null | awk -F';' '$3 == "invite" { print $2 }' | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) { print "- -"; exit }
			i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
			i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++
			print v[i50], v[i99] }')
	PASS=0
	if [ "$failed" = 0 ] && [ "$ok" -ge $((rate * SECS)) ] && [ "$achieved" -ge $((rate * 95 / 100)) ]; then
		PASS=1
	fi
	P99=$p99
	printf "%-9s %6d/s  answered %7d  failed %6d  retrans %6d  achieved %6d/s  p50 %3s ms  p99 %3s ms  %s\n" \
		"$name" "$rate" "$ok" "$failed" "$retrans" "$achieved" "$p50" "$p99" "$([ $PASS = 1 ] && echo pass || echo FAIL)"
}

echo "SIP redirect benchmark: ${SECS}s per rate, callee $CALLEE, $(nproc) cores shared by SIPp and the server"
declare -A best p99at1000
for server in ringfence kamailio; do
	port=$OURS_PORT
	[ "$server" = kamailio ] && port=$KAM_PORT
	best[$server]=0
	p99at1000[$server]=-
	SECS=2 run "$server-warmup" "$port" 500 >/dev/null # first calls, caches, sockets
	for rate in $RATES; do
		run "$server" "$port" "$rate"
		[ "$rate" = 1000 ] && p99at1000[$server]=$P99
		[ "$PASS" = 1 ] || break
		best[$server]=$rate
		sleep 1
	done
done

# latency PORT: p50 and p99 in microseconds at 1,000 INVITE/s, 5,000 calls.
latency() {
	(cd sip && RINGFENCE_SIP_TARGET=127.0.0.1:$1 RINGFENCE_SIP_RATE=1000 \
		"$tmp/sip.test" -test.run '^$' -test.bench Latency -test.benchtime 5000x 2>&1) |
		awk '/^BenchmarkLatency/ { for (i = 2; i < NF; i++) { if ($(i + 1) == "p50-µs") p50 = $i; if ($(i + 1) == "p99-µs") p99 = $i }
			} END { if (p99 == "") print "- -"; else print p50, p99 }'
}
read -r ours50 ours99 < <(latency "$OURS_PORT")
read -r kam50 kam99 < <(latency "$KAM_PORT")

ours=${best[ringfence]} theirs=${best[kamailio]}
ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
added=$(awk -v a="$ours99" -v b="$kam99" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) printf "%.2f", (a - b) / 1000; else print "-" }')
echo
echo "highest rate with 0 failed calls: ringfence ${ours}/s, kamailio ${theirs}/s, ratio ${ratio} (goal >= 0.5; target >= 5000/s)"
echo "SIPp INVITE p99 at 1000/s: ringfence ${p99at1000[ringfence]} ms, kamailio ${p99at1000[kamailio]} ms (4 ms steps)"
echo "INVITE-to-answer at 1000/s: ringfence p50 ${ours50} µs p99 ${ours99} µs; kamailio p50 ${kam50} µs p99 ${kam99} µs; added p99 ${added} ms (target <= 2 ms)"
# Every call came from the trusted source: none was dropped as untrusted.
untrusted=$(curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^ringfence_sip_untrusted_total/ { n += $2 } END { print n + 0 }')
# Stop ringfence to print what it screened.
kill "${pids[0]}" && wait "${pids[0]}" || true
grep -o 'ringfence SIP stopped.*' "$tmp/serve.log" | tr -d '"' | sed 's/^ringfence SIP stopped/ringfence screened:/' || true
if [ "$untrusted" != 0 ]; then
	echo "bench/sip.sh: $untrusted SIP messages came from outside --sip-trust and were not answered" >&2
	exit 1
fi
last=$(echo "$RATES" | awk '{ print $NF }')
if [ "$ours" = "$last" ] || [ "$theirs" = "$last" ]; then
	echo "(a server passed the highest rate tried: SIPp on the same cores may be the limit; try higher RATES)"
fi
