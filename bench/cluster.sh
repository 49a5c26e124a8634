#!/usr/bin/env bash
# Cluster figures, bounded to a few minutes:
#  1. replication lag: writes paced at RATE a second (default 5,000, asked)
#     for 5 s by WRITERS clients (default 64) on two nodes, a third node following PostgreSQL's
#     event log; prints the achieved rate and the lag p50/p99/max from a
#     write's time to the follower applying it (cmd/ringfence
#     TestClusterLagAtRate); with --log, measured a second time with the
#     follower reading the JetStream events stream a relay fills from
#     PostgreSQL (three NATS servers in-process, R3);
#  2. bulk import of 337,810 real FTC complaint rows: embedded (against
#     sqlite3 .import) and with --store into PostgreSQL (bench/import.sh);
#  3. verdict throughput and p99 of GET /v1/numbers/{n} under wrk (as
#     bench/http-check.sh drives it) against one node of a 3-node cluster
#     (three `ringfence serve --store` processes) and against a single
#     embedded `ringfence serve --data`, both holding the same keys and the
#     same imported reports, alternating ROUNDS times (default 3); prints
#     the ratio of the medians (target >= 0.9).
#  4. (also alone: bench/cluster.sh --detect) call records through the
#     JetStream log: PublishCalls into one embedded server (rows/s, target
#     >= 500,000); 1, 2 and 3 detector nodes in one process applying two
#     simulated days of 20,000 subscribers (natslog BenchmarkDetectors: on
#     one machine more nodes share the same cores, so it shows overhead,
#     not speed-up); and end to end, POST /v1/cdrs on three node processes
#     over three NATS servers (R3) and PostgreSQL, one node and one NATS
#     server killed mid-stream (cmd/ringfence TestClusterDetect with
#     RINGFENCE_DETECT_SUBSCRIBERS=20000).
# PostgreSQL: the server at RINGFENCE_TEST_POSTGRES (a URL of a role that may
# create databases) if set, else a throwaway one started here from the
# Debian binaries (initdb, pg_ctl; as the user postgres when run as root),
# with PostgreSQL's default durability (fsync on).
# Usage: bench/cluster.sh [--log] [RATE] [WRK_DURATION]   (default 5000 10s)
#        bench/cluster.sh --detect
set -euo pipefail
cd "$(dirname "$0")/.."
detect() {
  echo "== 4. call records through the JetStream log and the partitioned detectors ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  go test ./natslog -run '^$' -bench 'PublishCalls|Detectors' -benchtime 3x -count=1 | grep -E '^Benchmark'
  RINGFENCE_TEST_POSTGRES=${admin:-${RINGFENCE_TEST_POSTGRES:-}} RINGFENCE_DETECT_SUBSCRIBERS=20000 go test ./cmd/ringfence -run 'TestClusterDetect$' -count=1 -v -timeout 5m |
    grep -E 'rows/s|records in|FAIL' | sed 's/^ *clusterdetect_test.go:[0-9]*: //'
}
if [ "${1:-}" = --detect ]; then detect; exit 0; fi
logs=(pg)
if [ "${1:-}" = --log ]; then logs+=(nats); shift; fi
rate=${1:-5000}
dur=${2:-10s}
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
asPG() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -d "$tmp/pg" ]; then asPG "$pgbin/pg_ctl" -D "$tmp/pg" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }

if [ -n "${RINGFENCE_TEST_POSTGRES:-}" ]; then
  admin=$RINGFENCE_TEST_POSTGRES
else
  [ -n "$pgbin" ] || { echo "needs PostgreSQL (apt-get install postgresql) or RINGFENCE_TEST_POSTGRES" >&2; exit 2; }
  pgport=$(freeport)
  mkdir "$tmp/pg" && { [ "$(id -u)" != 0 ] || chown postgres "$tmp/pg"; }
  asPG "$pgbin/initdb" -D "$tmp/pg" -A trust -U postgres -E UTF8 >/dev/null
  asPG "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/server.log" -w \
    -o "-p $pgport -k $tmp/pg -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  admin="postgres://postgres@127.0.0.1:$pgport/postgres?sslmode=disable"
fi
createdb() { "$tmp/createdb" "$admin" "$1"; } # name → URL of a new, empty database
go build -o "$tmp/ringfence" ./cmd/ringfence
go build -o "$tmp/createdb" ./bench/createdb
echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== 1. replication lag at $rate writes/s asked"
for log in "${logs[@]}"; do
  RINGFENCE_TEST_POSTGRES=$admin RINGFENCE_CLUSTER_RATE=$rate RINGFENCE_CLUSTER_WRITERS=${WRITERS:-64} RINGFENCE_CLUSTER_LOG=$log go test ./cmd/ringfence -run 'TestClusterLagAtRate$' -count=1 -v -timeout 5m |
    grep -E 'asked|FAIL' | sed 's/^ *cluster_test.go:[0-9]*: //'
done

echo "== 2. bulk import"
importdb=$(createdb rf_bench_import)
RINGFENCE_BENCH_POSTGRES=$importdb bench/import.sh 1 | grep -v '^imported'

echo "== 3. verdict throughput: one node of three vs a single embedded node"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
go run ./bench/importgen -n 337810 ../shared/data/ftc_dnc_2021-07-08.csv > "$tmp/ftc.csv"
clusterdb=$(createdb rf_bench_cluster)
ckey=$("$tmp/ringfence" keys create --role carrier --store "$clusterdb" 2>/dev/null)
"$tmp/ringfence" import reports "$tmp/ftc.csv" --format ftc --store "$clusterdb" >/dev/null 2>&1
ekey=$("$tmp/ringfence" keys create --role carrier --data "$tmp/data" 2>/dev/null)
"$tmp/ringfence" import reports "$tmp/ftc.csv" --format ftc --data "$tmp/data" >/dev/null 2>&1
ports=()
for n in a b c; do
  p=$(freeport); ports+=("$p")
  "$tmp/ringfence" serve --store "$clusterdb" --node "$n" --http "127.0.0.1:$p" 2>"$tmp/node-$n.log" & pids+=($!)
done
eport=$(freeport)
"$tmp/ringfence" serve --data "$tmp/data" --http "127.0.0.1:$eport" 2>"$tmp/embedded.log" & pids+=($!)
for p in "${ports[@]}" "$eport"; do
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$p/readyz" >/dev/null && break; sleep 0.1; done
done
# Callers: as bench/http-check.sh, plus the imported (US) numbers.
cat > "$tmp/numbers.lua" <<'LUA'
local prefixes = {"170", "171", "138", "150", "186", "165"}
local us = {"4703352559", "2178398804", "8005550100", "2025550143"}
math.randomseed(42)
request = function()
  local r = math.random(100)
  local n
  if r <= 5 then n = "95588"
  elseif r <= 30 then n = "+1" .. us[math.random(#us)]
  else n = prefixes[math.random(#prefixes)] .. string.format("%08d", math.random(0, 99999999)) end
  return wrk.format("GET", "/v1/numbers/" .. n)
end
LUA
run() { # name port key
  wrk -t2 -c64 -d"$dur" --latency -s "$tmp/numbers.lua" -H "Authorization: Bearer $3" "http://127.0.0.1:$2" > "$tmp/$1.txt"
  local rps p99 non2xx
  rps=$(awk '/Requests\/sec/{print $2}' "$tmp/$1.txt")
  p99=$(awk '$1=="99%"{print $2}' "$tmp/$1.txt")
  non2xx=$(awk '/Non-2xx/{print $NF}' "$tmp/$1.txt")
  printf '%-22s %12s req/s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p99" "${non2xx:-0}"
  echo "$rps" > "$tmp/$1.rps"
}
# The two alternate, ROUNDS times (default 3), so that the machine's other
# load falls on both; the ratio is of the medians.
rounds=${ROUNDS:-3}
echo "wrk -t2 -c64 -d$dur, GET /v1/numbers/{n}, $rounds rounds alternating"
: > "$tmp/embedded.all"; : > "$tmp/cluster.all"
for i in $(seq "$rounds"); do
  run "embedded-$i" "$eport" "$ekey"; cat "$tmp/embedded-$i.rps" >> "$tmp/embedded.all"
  run "cluster-node-a-$i" "${ports[0]}" "$ckey"; cat "$tmp/cluster-node-a-$i.rps" >> "$tmp/cluster.all"
done
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
awk -v c="$(med "$tmp/cluster.all")" -v e="$(med "$tmp/embedded.all")" 'BEGIN{printf "medians: cluster node %.0f, embedded %.0f req/s; ratio cluster node / embedded = %.2f (target >= 0.9)\n", c, e, c/e}'

detect
