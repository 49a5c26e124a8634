#!/usr/bin/env bash
# verdict.sh measures the in-process verdict with 10,000,000 reputed numbers
# in the index (BenchmarkVerdict10M, target <= 250 ns/op and 0 allocs/op),
# interleaved in the same run with the same benchmark built from another
# revision (default main), and prints each side's median and the ratio.
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
go test -c -o "$work/new.test" ./engine
(cd "$work/base" && go test -c -o "$work/base.test" ./engine)
for i in $(seq "$RUNS"); do
	for side in base new; do
		ns=$("$work/$side.test" -test.run X -test.bench 'Verdict10M$' -test.benchmem -test.benchtime "$ITER" |
			awk '/^BenchmarkVerdict10M/ { print $3, $(NF-1) }')
		echo "$side $ns" | tee -a "$work/runs"
	done
done
median() { grep "^$1 " "$work/runs" | awk '{ print $2 }' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
b=$(median base)
n=$(median new)
echo "base ($BASE): median $b ns/op; new: median $n ns/op, $(awk '$1 == "new" { print $3 }' "$work/runs" | sort -u | tr '\n' ' ')allocs/op"
awk -v b="$b" -v n="$n" 'BEGIN { printf "new/base: %.2f\n", n / b }'
