#!/usr/bin/env bash
# Time from saving a file to the live-reload message reaching a page, with `pillar serve` on
# the shipped explainer, 30 times: prints min, median, p90, p95, max and the build times.
# Usage: bash benches/serve_reload.sh [N]     (builds the release-fat binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --profile release-fat --quiet
flags=()
if ! node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)'; then
  flags+=(--experimental-websocket)
fi
node "${flags[@]}" --no-warnings benches/serve_reload.mjs target/release-fat/pillar "${1:-30}"
