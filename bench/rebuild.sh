#!/usr/bin/env bash
# Start-up rebuild of the in-memory reputation index from SQLite.
# Generates N reputed numbers (default 10,000,000) in a fresh database, then
# times engine.Open over it and reports bytes per number. Target: <= 30 s,
# <= 32 bytes/number.
# Usage: bench/rebuild.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
RINGFENCE_REBUILD_N=${1:-10000000} go test ./engine -run TestRebuildScale -count=1 -v -timeout 30m | grep -E 'rebuild:|generated|ok|FAIL'
