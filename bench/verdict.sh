#!/usr/bin/env bash
# verdict.sh measures the in-process verdict with 10,000,000 reputed numbers
# in the index (BenchmarkVerdict10M, target <= 250 ns/op and 0 allocs/op),
# interleaved in the same run with the same benchmark built from another
# revision (default main), and prints each side's medians and minimums and
# the ratio. Both sides run this tree's benchmark file, so they measure the
# same loop; besides the wall clock (ns/op) it reports the process's CPU
# time per verdict (cpu-ns/op), which other programs on a shared machine
# do not inflate by holding the cores.
#
#   bench/verdict.sh                 (from the repository root)
#   BASE=47f799a RUNS=7 bench/verdict.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-main}
RUNS=${RUNS:-5}
ITER=${ITER:-2000000x}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base" "$BASE" >/dev/null 2>&1
cp engine/bench_test.go engine/cputime_*_test.go "$work/base/engine/"
go test -c -o "$work/new.test" ./engine
(cd "$work/base" && go test -c -o "$work/base.test" ./engine)
for i in $(seq "$RUNS"); do
	for side in base new; do
		"$work/$side.test" -test.run X -test.bench 'Verdict10M$' -test.benchmem -test.benchtime "$ITER" |
			awk -v side="$side" '/^BenchmarkVerdict10M/ {
				for (i = 4; i <= NF; i++) if ($i == "cpu-ns/op") cpu = $(i-1); else if ($i == "allocs/op") allocs = $(i-1)
				print side, $3, cpu, allocs }' | tee -a "$work/runs"
	done
done
# stat SIDE FIELD: the median and the minimum of a column over the runs.
stat() {
	grep "^$1 " "$work/runs" | awk -v f="$2" '{ print $f }' | sort -n |
		awk '{ a[NR] = $1 } END { printf "%s %s\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2, a[1] }'
}
for f in 2:ns/op 3:cpu-ns/op; do
	read -r bm bmin <<<"$(stat base "${f%%:*}")"
	read -r nm nmin <<<"$(stat new "${f%%:*}")"
	awk -v u="${f#*:}" -v bm="$bm" -v bmin="$bmin" -v nm="$nm" -v nmin="$nmin" -v base="$BASE" 'BEGIN {
		printf "%-9s base (%s) median %.1f min %.1f; new median %.1f min %.1f; new/base %.2f (medians)\n", u, base, bm, bmin, nm, nmin, nm / bm }'
done
echo "allocs/op new: $(awk '$1 == "new" { print $4 }' "$work/runs" | sort -u | tr '\n' ' ')"
