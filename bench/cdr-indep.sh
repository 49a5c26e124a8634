#!/usr/bin/env bash
# cdr-indep.sh scans two populations from the independent generator
# (bench/indepcdr, Python 3 standard library; the detector was never fitted
# on it) and evaluates the flags against their truth:
#   p1: 4 days, 20,000 subscribers, seed 1
#   p2: 4 days, 40,000 subscribers, seed 2
# Usage: bench/cdr-indep.sh   (from the repository root; START=YYYY-MM-DD
# moves the first day, default 2026-11-26)
set -euo pipefail
cd "$(dirname "$0")/.."
START=${START:-2026-11-26}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/ringfence" ./cmd/ringfence
for p in "p1 1 20000" "p2 2 40000"; do
	set -- $p
	python3 bench/indepcdr/gen.py --days 4 --subscribers "$3" --seed "$2" --start "$START" --out "$work/$1.csv" --truth "$work/$1.truth"
	echo "== $1: seed $2, $3 subscribers, 4 days from $START"
	"$work/ringfence" cdr scan "$work/$1.csv" --json >"$work/$1.flags" 2>"$work/$1.err" || { cat "$work/$1.err"; exit 1; }
	grep '^rows read' "$work/$1.err"
	"$work/ringfence" cdr eval --truth "$work/$1.truth" "$work/$1.flags"
done
