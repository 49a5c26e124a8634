#!/usr/bin/env bash
# GET /v1/numbers/{n} under wrk: ringfence (demo data, carrier key, rate
# limits on) and, in the same run, a bare net/http peer serving a fixed
# verdict (bench/httppeer). Prints req/s and p99 for both and the ratio.
# Targets: >= 20,000 req/s with p99 <= 10 ms on a 2-core machine.
# Usage: bench/http-check.sh [DURATION] [CONNECTIONS]   (default 10s 64)
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s}
conns=${2:-64}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

go build -o "$tmp/ringfence" ./cmd/ringfence
go build -o "$tmp/peer" ./bench/httppeer
"$tmp/ringfence" demo --data "$tmp/data" 2>/dev/null
key=$(awk '$1=="carrier"{print $2}' "$tmp/data/demo-keys.txt")

"$tmp/ringfence" serve --data "$tmp/data" --http 127.0.0.1:18091 2>"$tmp/serve.log" & pids+=($!)
"$tmp/peer" 127.0.0.1:18092 & pids+=($!)
for port in 18091 18092; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done

# Callers: a mix of reputed (170/171 demo ranges), unknown and service numbers.
cat > "$tmp/numbers.lua" <<'LUA'
local prefixes = {"170", "171", "138", "150", "186", "165"}
math.randomseed(42)
request = function()
  local r = math.random(100)
  local n
  if r <= 5 then n = "95588"
  elseif r <= 10 then n = "17100001234"
  else n = prefixes[math.random(#prefixes)] .. string.format("%08d", math.random(0, 99999999)) end
  return wrk.format("GET", "/v1/numbers/" .. n)
end
LUA

run() { # name port
  wrk -t2 -c"$conns" -d"$dur" --latency -s "$tmp/numbers.lua" -H "Authorization: Bearer $key" "http://127.0.0.1:$2" > "$tmp/$1.txt"
  local rps p99 non2xx
  rps=$(awk '/Requests\/sec/{print $2}' "$tmp/$1.txt")
  p99=$(awk '$1=="99%"{print $2}' "$tmp/$1.txt")
  non2xx=$(awk '/Non-2xx/{print $NF}' "$tmp/$1.txt")
  printf '%-10s %12s req/s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p99" "${non2xx:-0}"
  echo "$rps" > "$tmp/$1.rps"
}
echo "wrk -t2 -c$conns -d$dur, GET /v1/numbers/{n}, $(nproc) cores"
run ringfence 18091
run peer 18092
awk -v a="$(cat "$tmp/ringfence.rps")" -v b="$(cat "$tmp/peer.rps")" 'BEGIN{printf "ratio      ringfence / bare net/http = %.2f\n", a/b}'
