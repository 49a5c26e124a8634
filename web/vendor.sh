#!/usr/bin/env bash
# Refreshes the console's vendored scripts from npm and records their
# versions and SHA-256 in static/vendor/VERSIONS. Run from anywhere:
#   web/vendor.sh
# The files are committed: building ringfence needs neither npm nor a
# network, and the console fetches nothing from a CDN.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/static/vendor"
HTMX=4.0.1
ECHARTS=6.1.0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "htmx.org@$HTMX" >/dev/null
npm pack --silent "echarts@$ECHARTS" >/dev/null
mkdir htmx echarts
tar -xzf "htmx.org-$HTMX.tgz" -C htmx
tar -xzf "echarts-$ECHARTS.tgz" -C echarts
mkdir -p "$out"
cp htmx/package/dist/htmx.min.js "$out/htmx.min.js"
cp echarts/package/dist/echarts.min.js "$out/echarts.min.js"
{
  echo "# Vendored by web/vendor.sh from the npm registry; do not edit by hand."
  echo "# package version file sha256"
  echo "htmx.org $HTMX htmx.min.js $(sha256sum "$out/htmx.min.js" | cut -d' ' -f1)"
  echo "echarts $ECHARTS echarts.min.js $(sha256sum "$out/echarts.min.js" | cut -d' ' -f1)"
} >"$out/VERSIONS"
cat "$out/VERSIONS"
