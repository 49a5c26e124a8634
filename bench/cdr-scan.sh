#!/usr/bin/env bash
# cdr-scan.sh measures end-to-end CDR scanning (parse, normalise, detect) on
# one core, and in the same run has DuckDB compute the equivalent per-caller
# aggregation over the same file, then reports the ratio of the two speeds.
# It then measures --workers scaling: 1 and 2 partitioned detectors on two
# cores, and checks that they flag the same numbers, and whether the flags
# (number, kind, score, time) are the same too. With BASE=<git revision> it also builds that revision and scans
# the same file with it on one core, for a before/after in the same run.
# It also measures the detector's memory per active caller with
# RF_CALLERS distinct callers (default 10,000,000), and what the server
# keeps per active caller on the simulated population: the detector's
# state and the corroboration sketch it feeds every call (package
# corroborate), together against the issue's 256 bytes, over DAYS and
# over SKETCH_DAYS (30: the sketch's full window).
#
# Usage: bench/cdr-scan.sh            (from the repository root)
# Environment: DAYS (7), SUBSCRIBERS (100000), RF_CALLERS (10000000),
#              SCENARIO (main, or alt: the independently modelled population
#              with mixed time zones, disorder and duplicate rows),
#              BASE (a git revision to compare with), RUNS (1: rounds of
#              the one-core runs, each of this build, BASE and DuckDB,
#              keeping the best of each), SKIP_DUCKDB=1 to skip
#              the peer, SKIP_WORKERS=1 to skip scaling, SKIP_MEMORY=1 to
#              skip memory, SKETCH_DAYS (30) for the second memory run.
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS=${DAYS:-7}
SUBSCRIBERS=${SUBSCRIBERS:-100000}
RF_CALLERS=${RF_CALLERS:-10000000}
SCENARIO=${SCENARIO:-main}
RUNS=${RUNS:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

one_core() {
	if command -v taskset >/dev/null; then GOMAXPROCS=1 taskset -c 0 "$@"; else GOMAXPROCS=1 "$@"; fi
}
two_cores() {
	if command -v taskset >/dev/null; then GOMAXPROCS=2 taskset -c 0,1 "$@"; else GOMAXPROCS=2 "$@"; fi
}
rate() { sed -n 's/.* \([0-9][0-9]*\) rows\/s.*/\1/p' "$1"; }
# flagset is a scan's flags without campaign ids (which link the numbers
# one detector flagged) and reasons, sorted.
flagset() { sed -e 's/"reasons":\[[^]]*\],\{0,1\}//' -e 's/"campaign":"[^"]*",\{0,1\}//' "$1" | sort; }
# numbers is a scan's flagged numbers alone, sorted: partitioned detectors
# keep list and campaign evidence by the caller's owner, so their scores and
# times may differ from one detector's while the numbers flagged are the same.
numbers() { sed -n 's/^{"number":"\([^"]*\)".*/\1/p' "$1" | sort; }

go build -o "$work/ringfence" ./cmd/ringfence
echo "== simulating $DAYS days x $SUBSCRIBERS subscribers ($SCENARIO scenario)"
"$work/ringfence" simulate cdr --scenario "$SCENARIO" --days "$DAYS" --subscribers "$SUBSCRIBERS" \
	--out "$work/cdr.csv" --truth "$work/truth.jsonl" --seed 11
rows=$(($(wc -l <"$work/cdr.csv") - 1))
echo "file: $rows rows, $(du -h "$work/cdr.csv" | cut -f1)"

if [ -n "${BASE:-}" ]; then
	git worktree add -q --detach "$work/base" "$BASE"
	(cd "$work/base" && go build -o "$work/ringfence-base" ./cmd/ringfence)
	git worktree remove --force "$work/base"
fi
if [ "${SKIP_DUCKDB:-}" != 1 ]; then
	(cd bench/duckdb && CGO_ENABLED=1 go build -o "$work/duckdb-agg" .)
fi
# The one-core runs: RUNS rounds of this build, the base and DuckDB in
# turn, each keeping its best round, so that a burst of load on a shared
# machine weighs on all three alike.
# Each run's CPU seconds (user+sys of the whole process) give rows per CPU
# second too: on a machine whose core 0 other work shares, wall-clock rows/s
# measure the load as much as the program.
TIMEFORMAT='%U %S'
cpu_rate() { awk -v n="$rows" '{ printf "%d", n / ($1 + $2) }' "$1"; }
rf_rate=0 base_rate=0 duck_rate=0 rf_cpu=0 base_cpu=0 duck_cpu=0
for round in $(seq "$RUNS"); do
	load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
	{ time one_core "$work/ringfence" cdr scan "$work/cdr.csv" --json >"$work/flags.jsonl" 2>"$work/scan.$round.err"; } 2>"$work/t"
	r=$(rate "$work/scan.$round.err") c=$(cpu_rate "$work/t")
	echo "round $round (load average $load): ringfence $r rows/s, $c rows per CPU s"
	if [ "$r" -gt "$rf_rate" ]; then rf_rate=$r; cp "$work/scan.$round.err" "$work/scan.err"; fi
	if [ "$c" -gt "$rf_cpu" ]; then rf_cpu=$c; fi
	if [ -n "${BASE:-}" ]; then
		{ time one_core "$work/ringfence-base" cdr scan "$work/cdr.csv" --json >"$work/base.jsonl" 2>"$work/base.err"; } 2>"$work/t"
		r=$(rate "$work/base.err") c=$(cpu_rate "$work/t")
		echo "round $round: base $r rows/s, $c rows per CPU s"
		if [ "$r" -gt "$base_rate" ]; then base_rate=$r; fi
		if [ "$c" -gt "$base_cpu" ]; then base_cpu=$c; fi
	fi
	if [ "${SKIP_DUCKDB:-}" != 1 ]; then
		{ time one_core "$work/duckdb-agg" --threads 1 "$work/cdr.csv" >"$work/duck.out"; } 2>"$work/t"
		r=$(sed -n 's/.*rows_per_s=\([0-9]*\).*/\1/p' "$work/duck.out") c=$(cpu_rate "$work/t")
		echo "round $round: duckdb $r rows/s, $c rows per CPU s ($(cat "$work/duck.out"))"
		if [ "$r" -gt "$duck_rate" ]; then duck_rate=$r; fi
		if [ "$c" -gt "$duck_cpu" ]; then duck_cpu=$c; fi
	fi
done

echo "== ringfence cdr scan (one core; best of $RUNS; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"
cat "$work/scan.err"
"$work/ringfence" cdr eval --truth "$work/truth.jsonl" "$work/flags.jsonl" | sed -n '1,4p'

if [ -n "${BASE:-}" ]; then
	echo "== ringfence cdr scan at $BASE (one core, same file, best of $RUNS)"
	if [ "$(flagset "$work/base.jsonl" | sed 's/,"account":"[^"]*"//; s/,"trunk":"[^"]*"//')" = "$(flagset "$work/flags.jsonl")" ]; then same=same; else same=DIFFERENT; fi
	awk -v a="$rf_rate" -v b="$base_rate" -v s="$same" 'BEGIN { printf "speed-up over base: %.2f (%d vs %d rows/s); flags: %s\n", a / b, a, b, s }'
	awk -v a="$rf_cpu" -v b="$base_cpu" 'BEGIN { printf "speed-up over base per CPU second: %.2f (%d vs %d rows per CPU s)\n", a / b, a, b }'
fi

if [ "${SKIP_DUCKDB:-}" != 1 ]; then
	echo "== DuckDB per-caller aggregation (one thread, one core, best of $RUNS)"
	awk -v a="$rf_rate" -v b="$duck_rate" 'BEGIN { printf "ratio ringfence/duckdb: %.2f (%d vs %d rows/s)\n", a / b, a, b }'
	awk -v a="$rf_cpu" -v b="$duck_cpu" 'BEGIN { printf "ratio ringfence/duckdb per CPU second: %.2f (%d vs %d rows per CPU s)\n", a / b, a, b }'
fi

if [ "${SKIP_WORKERS:-}" != 1 ]; then
	echo "== --workers scaling (two cores)"
	# CPU seconds (user+sys) show what the machine's other load hides:
	# scaling needs two idle cores.
	TIMEFORMAT='%U %S'
	for w in 1 2; do
		{ time two_cores "$work/ringfence" cdr scan "$work/cdr.csv" --json --workers "$w" >"$work/w$w.jsonl" 2>"$work/w$w.err"; } 2>"$work/w$w.time"
		echo "workers $w: $(rate "$work/w$w.err") rows/s, $(awk '{ printf "%.2f", $1 + $2 }' "$work/w$w.time") CPU s"
	done
	echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
	if [ "$(flagset "$work/w1.jsonl")" = "$(flagset "$work/w2.jsonl")" ]; then same=same; else same=DIFFERENT; fi
	if [ "$(numbers "$work/w1.jsonl")" = "$(numbers "$work/w2.jsonl")" ]; then nsame=same; else nsame=DIFFERENT; fi
	awk -v a="$(rate "$work/w2.err")" -v b="$(rate "$work/w1.err")" -v s="$same" -v n="$nsame" 'BEGIN { printf "scaling 1 -> 2 workers: %.2f; flagged numbers: %s; flags with scores and times: %s\n", a / b, n, s }'
fi

if [ "${SKIP_MEMORY:-}" != 1 ]; then
	# The detector's bytes are per caller active in the last two days (its
	# idle expiry), the sketch's per caller with a call in the records it
	# holds (up to 30 days); sketch-bytes/detector-caller divides the
	# sketch by the detector's callers instead, for comparison.
	for d in $DAYS ${SKETCH_DAYS:-30}; do
		echo "== detector and corroboration sketch per active caller ($d days x $SUBSCRIBERS subscribers, main scenario)"
		RF_DAYS=$d RF_SUBS=$SUBSCRIBERS go test ./detect -run '^$' -bench BenchmarkStateWithSketch -benchtime 1x -timeout 30m |
			grep -E '^Benchmark' | tr '\t' '\n' | sed -n 's/^ *\([0-9.]*\) \(.*\)/\2: \1/p' | grep -E 'caller|days'
		if [ "$d" = "${SKETCH_DAYS:-30}" ]; then break; fi
	done
	echo "== detector memory with $RF_CALLERS distinct active callers"
	RF_CALLERS=$RF_CALLERS go test ./detect -run '^$' -bench BenchmarkDistinctCallers -benchtime 1x -timeout 30m |
		grep -E 'Benchmark|callers'
fi
