#!/usr/bin/env bash
# Runs every test of pillar: the Rust unit and integration tests, then the shipped site is built
# into a temporary folder and checked as a reader gets it (browser, accessibility, validator,
# links, page weight, Lighthouse). Installs what it needs on a fresh machine (tests/setup.sh).
# Prints the time of each step; exits 1 if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export SITE_DIR="$TMP/site"

times=()
failed=()
run_start=$(date +%s)
step() { # step NAME COMMAND...
  local name=$1 start rc
  shift
  echo
  echo "=== $name"
  start=$(date +%s)
  "$@"
  rc=$?
  local took=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    times+=("$(printf '%5d s  ok      %s' "$took" "$name")")
  else
    times+=("$(printf '%5d s  FAILED  %s (exit %d)' "$took" "$name" "$rc")")
    failed+=("$name")
  fi
  return $rc
}

summary() {
  echo
  echo "=== tests/run.sh: time per step"
  printf '%s\n' "${times[@]}"
  echo "$(printf '%5d s' $(( $(date +%s) - run_start )))  total"
}

if ! step "install test tools (tests/setup.sh)" bash tests/setup.sh; then
  summary
  exit 1
fi
# `cargo test` also builds target/debug/pillar, the binary its integration tests run: the site
# is built with that one (`cargo run` would compile the crate again, without the features
# dev-dependencies switch on). If the tests did not get that far, cargo builds it.
BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/pillar"
if step "cargo test" cargo test --locked --all-targets && [ -x "$BIN" ]; then
  build_site() { "$BIN" build --output "$SITE_DIR"; }
else
  build_site() { cargo run --locked --quiet -- build --output "$SITE_DIR"; }
fi
if step "build the shipped site into \$SITE_DIR" build_site; then
  # serve.test.mjs drives `pillar serve` with the same binary.
  export PILLAR_BIN="${PILLAR_BIN:-$BIN}"
  step "browser tests (node --test tests/browser/)" node --test tests/browser/
  # The page-level checks of site.test.mjs (axe, no sideways scroll, the text without
  # JavaScript, …) over the deep example too, with axe on the phone in light (its layout) and
  # the desktop in dark (its colours; the shipped site has the other combinations): its pages
  # share the shipped site's theme, and axe is most of this step's time. charts.test.mjs
  # builds the examples and fixtures for the chart checks itself.
  deep_site() {
    "$BIN" build --quiet --root examples/harbour-ministry --output "$TMP/deep" &&
      SITE_DIR="$TMP/deep" DATA_FILE=examples/harbour-ministry/content/reform.toml \
        AXE_RUNS="phone-light desktop-dark" node --test tests/browser/site.test.mjs
  }
  step "browser page checks over examples/harbour-ministry" deep_site
  step "site checks (tests/check-site.sh)" bash tests/check-site.sh
fi
summary
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "all tests passed"
