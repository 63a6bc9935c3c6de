#!/usr/bin/env bash
# Proves that a change left the output alone: builds the shipped site, every example, the
# `pillar init` starter and the 1,000-page benchmark corpus with two pillar binaries — the
# one of the commit named in .ci/same-output.base (the last commit that changed the output on
# purpose) and the working tree's — and compares the two outputs with `diff -r`.
# A commit that changes the output on purpose names itself in .ci/same-output.base.
#   bash .ci/same-output.sh [BASE_REF]      # exit 1 when an output differs
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BASE=${1:-$(cat .ci/same-output.base)}
WORK=$(mktemp -d)
trap 'git worktree remove --force "$WORK/base" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
# The base shares the target folder, so that only pillar itself compiles again; it replaces
# target/debug/pillar, so this runs after the tests (.ci/run), and the new binary is copied.
CARGO_TARGET_DIR_BASE=${SAME_OUTPUT_TARGET:-${CARGO_TARGET_DIR:-$REPO/target}}

cargo build --locked --quiet
NEW=$WORK/new-pillar
cp "${CARGO_TARGET_DIR:-$REPO/target}/debug/pillar" "$NEW"
if [ -n "${SAME_OUTPUT_OLD_BIN:-}" ]; then
  OLD=$SAME_OUTPUT_OLD_BIN   # a binary already built from BASE
else
  echo "same-output: building $BASE ($(git log -1 --format='%h %s' "$BASE"))"
  git worktree add --detach --quiet "$WORK/base" "$BASE"
  (cd "$WORK/base" && CARGO_TARGET_DIR=$CARGO_TARGET_DIR_BASE cargo build --locked --quiet)
  OLD=$WORK/old-pillar
  cp "$CARGO_TARGET_DIR_BASE/debug/pillar" "$OLD"
fi

# The sites: the shipped explainer, each example, a fresh starter, the corpus.
sites=("$REPO")
for e in "$REPO"/examples/*/; do sites+=("${e%/}"); done
"$NEW" init "$WORK/starter" >/dev/null
sites+=("$WORK/starter")
GEN="$REPO/../shared/bench/gen_corpus.py"
if [ -f "$GEN" ]; then
  python3 "$GEN" 1000 "$WORK/corpus" >/dev/null
  printf 'title = "Corpus"\nbase_url = "https://example.org/"\n' > "$WORK/corpus/site-config.toml"
  sites+=("$WORK/corpus")
else
  echo "same-output: no corpus generator at $GEN; the corpus is left out"
fi

failed=0
for site in "${sites[@]}"; do
  name=$(basename "$site")
  for bin in OLD NEW; do
    out="$WORK/out-$name-$bin"
    "${!bin}" build --quiet --root "$site" --output "$out" >/dev/null 2>"$WORK/err-$name-$bin" \
      || { echo "same-output: $bin failed on $name:"; cat "$WORK/err-$name-$bin"; failed=1; }
    # The build's own bookkeeping names the binary; the site is what must not change.
    find "$out" -name '.pillar-*' -delete 2>/dev/null || true
  done
  if diff -r "$WORK/out-$name-OLD" "$WORK/out-$name-NEW" >"$WORK/diff-$name"; then
    echo "same-output: $name: $(find "$WORK/out-$name-NEW" -type f | wc -l) files, identical"
  else
    echo "same-output: $name differs:"; head -40 "$WORK/diff-$name"; failed=1
  fi
  if ! cmp -s "$WORK/err-$name-OLD" "$WORK/err-$name-NEW"; then
    echo "same-output: $name: the messages differ:"; diff "$WORK/err-$name-OLD" "$WORK/err-$name-NEW" | head -20; failed=1
  fi
done
exit $failed
