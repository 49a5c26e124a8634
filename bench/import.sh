#!/usr/bin/env bash
# Bulk import of crowd reports against sqlite3's own CSV import, in the same
# run, on the same file.
#
# The file: 337,810 rows of real FTC Do-Not-Call complaints, made from the
# one day in ../shared/data (ftc_dnc_2021-07-08.csv, 14,034 rows, blank
# and malformed numbers included) repeated with Created_Date moved one day
# back per copy (the issue's figure was for 337,810 complaint numbers; only
# this day of them is stored here).
#
# Each of `ringfence import reports FILE --format ftc --data DIR` (into a
# fresh data directory: the whole file in one transaction) and `sqlite3
# DB '.import FILE t'` runs RUNS times (default 3), alternating; the medians
# and their ratio (sqlite3 / ringfence; target >= 0.3) are printed.
# With RINGFENCE_BENCH_POSTGRES=postgres://... it also imports the file
# with --store into that (empty) database, also in one transaction.
# With RINGFENCE_BENCH_BASE=BINARY (a ringfence built from another commit,
# e.g. main's: git worktree add /tmp/rf-main main && (cd /tmp/rf-main &&
# go build -o /tmp/rf-base ./cmd/ringfence)) each round also imports with
# it, in turn with the others, and its medians and this build's CPU and
# wall time as a fraction of its are printed.
# Usage: bench/import.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
src=${RINGFENCE_FTC:-../shared/data/ftc_dnc_2021-07-08.csv}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ringfence" ./cmd/ringfence
go run ./bench/importgen "$src" > "$tmp/ftc.csv"
echo "file: $(($(wc -l < "$tmp/ftc.csv") - 1)) rows, $(du -h "$tmp/ftc.csv" | cut -f1)"
# secs CMD…: runs CMD, prints its wall time; appends its CPU time (user +
# system, which other processes' load changes less) to $tmp/cpu.
secs() {
  local s e
  s=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" > "$tmp/out" 2> "$tmp/err" || { cat "$tmp/err" >&2; return 1; }
  e=$(date +%s.%N)
  awk '{ print $1 + $2 }' "$tmp/time" >> "$tmp/cpu.$(basename "$1")"
  echo "$e - $s" | bc
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
base=${RINGFENCE_BENCH_BASE:-}
if [ -n "$base" ]; then
  [ -x "$base" ] || { echo "RINGFENCE_BENCH_BASE: $base is not an executable" >&2; exit 2; }
  cp "$base" "$tmp/base"
fi
: > "$tmp/rf"; : > "$tmp/sq"; : > "$tmp/bs"
for i in $(seq "$runs"); do
  rm -rf "$tmp/data" "$tmp/s.db"
  secs "$tmp/ringfence" import reports "$tmp/ftc.csv" --format ftc --data "$tmp/data" >> "$tmp/rf"
  sed -n 1p "$tmp/out" > "$tmp/summary"
  secs sqlite3 "$tmp/s.db" -cmd '.mode csv' ".import $tmp/ftc.csv t" >> "$tmp/sq"
  if [ -n "$base" ]; then
    rm -rf "$tmp/data"
    secs "$tmp/base" import reports "$tmp/ftc.csv" --format ftc --data "$tmp/data" >> "$tmp/bs"
    sed -n 1p "$tmp/out" | cmp -s - "$tmp/summary" || { echo "base binary's summary differs: $(sed -n 1p "$tmp/out")" >&2; exit 1; }
  fi
done
cat "$tmp/summary"
rf=$(median < "$tmp/rf"); sq=$(median < "$tmp/sq")
echo "ringfence import (embedded): $(tr '\n' ' ' < "$tmp/rf")s → median ${rf}s"
echo "sqlite3 .import:             $(tr '\n' ' ' < "$tmp/sq")s → median ${sq}s"
echo "ratio sqlite3/ringfence: $(echo "scale=2; $sq / $rf" | bc) (target >= 0.3); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rc=$(median < "$tmp/cpu.ringfence"); sc=$(median < "$tmp/cpu.sqlite3")
echo "CPU time (user+sys), medians: ringfence ${rc}s, sqlite3 ${sc}s, ratio $(echo "scale=2; $sc / $rc" | bc)"
if [ -n "$base" ]; then
  bw=$(median < "$tmp/bs"); bc_=$(median < "$tmp/cpu.base")
  echo "base ringfence import:       $(tr '\n' ' ' < "$tmp/bs")s → median ${bw}s, CPU ${bc_}s; this build's wall $(echo "scale=2; $rf / $bw" | bc)× and CPU $(echo "scale=2; $rc / $bc_" | bc)× the base's"
fi
if [ -n "${RINGFENCE_BENCH_POSTGRES:-}" ]; then
  pg=$(secs "$tmp/ringfence" import reports "$tmp/ftc.csv" --format ftc --store "$RINGFENCE_BENCH_POSTGRES")
  echo "ringfence import --store postgres: ${pg}s ($(echo "scale=0; 337810 / $pg" | bc) rows/s)"
fi
