#!/usr/bin/env bash
# Attribution of a 1,000,000-row found list against 10,000 exports totalling
# 50,000,000 disclosed records (target: <= 10 s on this machine), compared
# in the same run with merely reading every print list once.
#
# The data set (a ledger of 10,000 exports, 1.2 GB of print lists, and the
# found list) is generated once, in about a minute, and kept in
# $ATTR_BENCH_DIR (default /tmp/ringfence-bench-attribute) for later runs.
#
#   bench/attribute.sh
#   ATTR_BENCH_RUNS=5 bench/attribute.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${ATTR_BENCH_DIR:-/tmp/ringfence-bench-attribute}
RUNS=${ATTR_BENCH_RUNS:-3}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/attributegen" ./bench/attributegen

if [ ! -f "$DIR/found.csv" ]; then
	rm -rf "$DIR"
	mkdir -p "$DIR"
	timeout 150 "$bin/attributegen" -dir "$DIR" -exports 10000 -records 50000000 -customers 20000000 -found 1000000
fi
cat "$DIR/found.csv" "$DIR"/ledger/prints/* >/dev/null # warm the page cache
for i in $(seq "$RUNS"); do
	echo "--- run $i of $RUNS"
	timeout 60 "$bin/attributegen" -dir "$DIR" -attribute
done
