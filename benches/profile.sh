#!/usr/bin/env bash
# Instruction counts (valgrind --tool=callgrind) of a clean pillar build and of the floor on the
# same corpus: unlike wall time, these do not depend on what else the machine is doing.
#
#   bash benches/profile.sh [SIZES]     # default "20 1000"; 10000 takes about 5 minutes
#
# Uses the corpora benches/run.sh left in /dev/shm/pillar-bench (generates missing ones) and the
# release binaries it built. Writes benches/out/profile/{pillar,floor}-N.cg (open them with
# callgrind_annotate or kcachegrind) and prints the totals, the ratio and pillar's main stages.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
REPO=$PWD
BENCH_REF=${BENCH_REF:-/work/shared/bench}
SHM=${BENCH_SHM:-/dev/shm/pillar-bench}
OUT=$REPO/benches/out/profile
PILLAR=$REPO/target/release-fat/pillar
FLOOR=$REPO/benches/out/floor-target/release/cmark_floor
[ -x "$PILLAR" ] && [ -x "$FLOOR" ] || { echo "run benches/run.sh first (it builds both)" >&2; exit 2; }
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
mkdir -p "$OUT"
echo "pillar binary sha256 $(sha256sum "$PILLAR" | cut -c1-16)"

irefs() { grep -o 'I *refs: *[0-9,]*' "$1" | tr -dc '0-9'; }

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20 1000)
for n in "${sizes[@]}"; do
  corpus=$SHM/corpus-$n proj=$SHM/pillar-$n
  if [ ! -d "$proj/content" ]; then
    python3 "$BENCH_REF/gen_corpus.py" "$n" "$corpus" >/dev/null
    mkdir -p "$proj" && cp -r "$corpus/content" "$proj/content"
    printf 'title = "Bench site"\nbase_url = "https://example.org/"\n' >"$proj/site-config.toml"
  fi
  rm -rf "$SHM/cg-p" "$SHM/cg-f"
  valgrind --tool=callgrind --callgrind-out-file="$OUT/pillar-$n.cg" \
    "$PILLAR" build --quiet --root "$proj" --output "$SHM/cg-p" 2>"$OUT/pillar-$n.log"
  valgrind --tool=callgrind --callgrind-out-file="$OUT/floor-$n.cg" \
    "$FLOOR" par "$corpus/content" "$SHM/cg-f" --hl --tera 2>"$OUT/floor-$n.log"
  rm -rf "$SHM/cg-p" "$SHM/cg-f"
  p=$(irefs "$OUT/pillar-$n.log") f=$(irefs "$OUT/floor-$n.log")
  echo
  echo "$n pages: pillar $p instructions, floor $f, ratio $(python3 -c "print(f'{$p/$f:.2f}')")"
  # Inclusive cost of pillar's own functions (all threads; approximate where code recurses).
  (cd / && PERL_HASH_SEED=0 callgrind_annotate --inclusive=yes "$OUT/pillar-$n.cg" 2>/dev/null) |
    grep -E "^ *[0-9,]+ \([ 0-9.]+%\)  $REPO/src/.*\[" | grep -v '{{closure}}' |
    sed -E "s#$REPO/##; s/ \[[^]]*\]\$//" | awk "NR <= 15"
  echo "  floor: $(PERL_HASH_SEED=0 callgrind_annotate --inclusive=yes "$OUT/floor-$n.cg" 2>/dev/null |
    grep -E "highlighted_html_for_string" | awk "NR == 1" | sed -E 's/^ *([0-9,]+) .*/\1/') instructions in syntect highlighting"
done
