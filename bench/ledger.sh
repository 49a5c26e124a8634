#!/usr/bin/env bash
# Durable appends per second to the disclosure ledger: 64 appenders sharing
# fsyncs through group commit, against one appender waiting for its own
# fsync (the peer, same run, same disk). Then the log is reopened and
# verified whole. Bounded to well under three minutes.
#
#   bench/ledger.sh
#   LEDGER_BENCH_SECONDS=20 LEDGER_BENCH_APPENDERS=128 bench/ledger.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_GROUP=${LEDGER_BENCH_SECONDS:-10}
APPENDERS=${LEDGER_BENCH_APPENDERS:-64}
# The ledger must sit on the disk under test, not on a tmpfs.
work=$(mktemp -d "${LEDGER_BENCH_DIR:-$PWD}/.ledger-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

go build -o "$work/ledgerload" ./bench/ledgerload
df -h "$work" | tail -1 | awk '{print "disk: " $1 " mounted on " $6}'
timeout 170 "$work/ledgerload" -dir "$work/data" -appenders "$APPENDERS" -duration "${SECONDS_GROUP}s" -peer 3s
