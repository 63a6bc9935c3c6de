#!/usr/bin/env bash
# Clean-build benchmark: pillar against Hugo and the "floor" (pulldown-cmark + syntect + Tera,
# rayon) on the seeded corpus from /work/shared/bench, at 20, 1,000 and 10,000 pages.
#
#   bash benches/run.sh            # about 7 minutes on 2 cores (first run: +3 min to build the floor)
#
# Everything it builds or measures lives on tmpfs (/dev/shm/pillar-bench) or in benches/out/
# (git-ignored); the plot goes to benches/wall-time.svg. Knobs (environment variables):
#   SIZES="20 1000 10000"  ROUNDS_20=21  ROUNDS_1K=11  ROUNDS_10K=9
#   BENCH_REF=/work/shared/bench (corpus generator, Hugo layout, floor sources)
#   BENCH_SHM=/dev/shm/pillar-bench
#   QUIET_LOAD=2.5 QUIET_WAIT=300  (optional: wait for the load to drop before each size)
#
# Method: for each size, one untimed warm-up build per tool, then rounds of
# pillar, hugo, floor (interleaved, same order every round), each a CLEAN build into a fresh
# output folder on tmpfs: the `rm -rf` of the previous output happens before the timed
# command, the same way for every tool. Each command runs under
# `/usr/bin/time -f '%e %U %S %M'` (wall, user, sys, peak RSS); the wall time is also taken
# around that command with bash's $EPOCHREALTIME (microseconds; %e has only 10 ms resolution,
# too coarse at 20 pages), and that is the wall figure used in the table. pillar's clean build
# in each round is followed by a rebuild with nothing changed and a rebuild after appending a
# line to one page (incremental: the page is restored afterwards, by a copy, so the next
# round's clean build is of the same files).
# Medians, ratios, the PASS/FAIL lines and the plot come from benches/report.py.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
REPO=$PWD
BENCH_REF=${BENCH_REF:-/work/shared/bench}
SHM=${BENCH_SHM:-/dev/shm/pillar-bench}
OUT=$REPO/benches/out
SIZES=${SIZES:-"20 1000 10000"}
rounds_for() {
  case $1 in
    20) echo "${ROUNDS_20:-21}" ;;
    1000) echo "${ROUNDS_1K:-11}" ;;
    10000) echo "${ROUNDS_10K:-9}" ;;
    *) echo 5 ;;
  esac
}
# The page that the "touched" rebuild edits (exists at every size >= 4 pages).
TOUCH_PAGE=content/blog/page-00004.md

say() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------- tools
need_apt=()
command -v hugo >/dev/null || need_apt+=(hugo)
[ -x /usr/bin/time ] || need_apt+=(time)
if ((${#need_apt[@]})); then
  say "installing ${need_apt[*]} (apt-get)"
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 2; }

mkdir -p "$OUT" "$SHM"
T0_SCRIPT=$EPOCHREALTIME
say "load before: $(uptime)"
echo "before: $(uptime)" >"$OUT/load.txt"

# ---------------------------------------------------------------- machine
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')," \
    "$(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') MHz," \
    "cache $(grep -m1 'cache size' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
    "$(grep -qw hypervisor /proc/cpuinfo && echo '(virtual machine)')"
  echo "ram: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -sr)"
  echo "os: $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
  echo "rustc: $(rustc --version)"
  echo "hugo: $(hugo version | head -1)"
  echo "python: $(python3 --version 2>&1)"
  echo "tmpfs: $(df -h /dev/shm | awk 'NR==2 {print $2" total, "$4" free"}')"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt"

# ---------------------------------------------------------------- builds
say "building pillar (cargo build --profile release-fat)"
cargo build --profile release-fat --quiet
PILLAR=$REPO/target/release-fat/pillar
echo "pillar binary: $(stat -c '%y' "$PILLAR"), sha256 $(sha256sum "$PILLAR" | cut -c1-16)" | tee -a "$OUT/machine.txt"

say "building the floor (copied to benches/out/floor, target benches/out/floor-target)"
# Copied again only when the reference sources changed (a fresh copy would make cargo rebuild).
# The copy is its own workspace, so that cargo does not look at the repository's Cargo.toml.
floor_manifest=$(cat "$BENCH_REF/cmark_floor/Cargo.toml"; printf '\n[workspace]\n')
if ! { [ -f "$OUT/floor/Cargo.toml" ] && [ "$(cat "$OUT/floor/Cargo.toml")" = "$floor_manifest" ] &&
  diff -rq "$BENCH_REF/cmark_floor/src" "$OUT/floor/src" >/dev/null; }; then
  rm -rf "$OUT/floor"
  cp -r "$BENCH_REF/cmark_floor" "$OUT/floor"
  chmod -R u+w "$OUT/floor"
  printf '%s\n' "$floor_manifest" >"$OUT/floor/Cargo.toml"
fi
(cd "$OUT/floor" && CARGO_TARGET_DIR="$OUT/floor-target" cargo build --release --quiet)
FLOOR=$OUT/floor-target/release/cmark_floor

# ---------------------------------------------------------------- timing
RUNS=$OUT/runs.csv
echo "size,round,tool,mode,wall_s,time_e_s,user_s,sys_s,maxrss_kib,load1" >"$RUNS"
SIZES_CSV=$OUT/output-sizes.csv
echo "size,tool,bytes,files" >"$SIZES_CSV"

# measure SIZE ROUND TOOL MODE -- COMMAND...   (appends one row to runs.csv)
measure() {
  local size=$1 round=$2 tool=$3 mode=$4
  shift 5
  local tf=$SHM/time.txt log=$SHM/cmd.log rc=0 t0 t1 load1 us e u s m
  read -r load1 _ </proc/loadavg
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$log" 2>&1 || rc=$?
  t1=$EPOCHREALTIME
  if ((rc != 0)); then
    echo "FAILED (exit $rc): $*" >&2
    cat "$log" "$tf" >&2
    exit 1
  fi
  read -r e u s m <"$tf"
  us=$((${t1/./} - ${t0/./}))
  printf '%s,%s,%s,%s,%d.%06d,%s,%s,%s,%s,%s\n' "$size" "$round" "$tool" "$mode" \
    $((us / 1000000)) $((us % 1000000)) "$e" "$u" "$s" "$m" "$load1" >>"$RUNS"
}

# Optional: QUIET_LOAD=2.5 waits (at most QUIET_WAIT seconds, default 300) before each size
# until the 1-minute load average is at or below that value. Off by default.
wait_for_quiet() {
  [ -n "${QUIET_LOAD:-}" ] || return 0
  local waited=0 l
  while :; do
    read -r l _ </proc/loadavg
    if python3 -c "import sys; sys.exit(0 if $l <= $QUIET_LOAD else 1)"; then return 0; fi
    if ((waited >= ${QUIET_WAIT:-300})); then
      echo "  load still $l after ${waited} s; going ahead"
      return 0
    fi
    sleep 10
    waited=$((waited + 10))
  done
}

for n in $SIZES; do
  rounds=$(rounds_for "$n")
  say "$n pages: corpus, Hugo site, pillar project"
  corpus=$SHM/corpus-$n
  site=$SHM/hugo-$n
  proj=$SHM/pillar-$n
  rm -rf "$corpus" "$proj"
  python3 "$BENCH_REF/gen_corpus.py" "$n" "$corpus"
  sh "$BENCH_REF/make_hugo_site.sh" "$corpus" "$site" >/dev/null
  mkdir -p "$proj"
  cp -r "$corpus/content" "$proj/content"
  printf 'title = "Bench site"\nbase_url = "https://example.org/"\n' >"$proj/site-config.toml"
  o_p=$SHM/out-pillar-$n o_h=$SHM/out-hugo-$n o_f=$SHM/out-floor-$n
  cmd_p=("$PILLAR" build --quiet --root "$proj" --output "$o_p")
  cmd_h=(hugo --quiet -s "$site" -d "$o_h")
  cmd_f=("$FLOOR" par "$corpus/content" "$o_f" --hl --tera)

  # Warm-up (page cache, lazy CPU frequency), not recorded.
  for o in "$o_p" "$o_h" "$o_f"; do rm -rf "$o"; done
  "${cmd_p[@]}" >/dev/null 2>&1
  "${cmd_h[@]}" >/dev/null 2>&1
  "${cmd_f[@]}" >/dev/null 2>&1

  extra=" (+ pillar rebuilds: unchanged, one page touched)"
  wait_for_quiet
  say "$n pages: $rounds rounds of pillar, hugo, floor$extra (load now $(cut -d' ' -f1-3 /proc/loadavg))"
  for r in $(seq 1 "$rounds"); do
    # The harness itself (fork/exec of /usr/bin/time running `true`), same round, same load.
    measure "$n" "$r" harness noop -- true
    rm -rf "$o_p"
    measure "$n" "$r" pillar clean -- "${cmd_p[@]}"
    measure "$n" "$r" pillar unchanged -- "${cmd_p[@]}"
    page=$proj/$TOUCH_PAGE
    cp "$page" "$SHM/touched.orig"
    printf '\nA line appended for round %s.\n' "$r" >>"$page"
    measure "$n" "$r" pillar touched -- "${cmd_p[@]}"
    cp "$SHM/touched.orig" "$page"
    rm -rf "$o_h"
    measure "$n" "$r" hugo clean -- "${cmd_h[@]}"
    rm -rf "$o_f"
    measure "$n" "$r" floor clean -- "${cmd_f[@]}"
    printf '  round %d/%d done (load %s)\n' "$r" "$rounds" "$(cut -d' ' -f1 /proc/loadavg)"
  done
  # What each tool wrote (bytes, files), from the last round's output.
  for t in pillar hugo floor; do
    o=$SHM/out-$t-$n
    printf '%s,%s,%s,%s\n' "$n" "$t" "$(du -sb "$o" | cut -f1)" "$(find "$o" -type f | wc -l)" >>"$SIZES_CSV"
  done
  # Free the tmpfs before the next size.
  rm -rf "$o_p" "$o_h" "$o_f"
done

say "load after: $(uptime)"
echo "after: $(uptime)" >>"$OUT/load.txt"
secs=$(((${EPOCHREALTIME/./} - ${T0_SCRIPT/./}) / 1000000))
echo "elapsed: ${secs} s" >>"$OUT/load.txt"

# ---------------------------------------------------------------- report
if ! python3 -c 'import matplotlib' 2>/dev/null; then
  say "installing matplotlib for the plot (falls back to a hand-written SVG if this fails)"
  timeout 180 python3 -m pip install --quiet matplotlib >/dev/null 2>&1 || true
fi
say "results"
python3 "$REPO/benches/report.py" "$OUT" "$REPO/benches/wall-time.svg" | tee "$OUT/summary.txt"
# Keep every run (the machine is shared: runs differ, and the reading should say how much).
keep=$OUT/history/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$keep"
cp "$OUT"/{runs.csv,output-sizes.csv,medians.csv,medians.json,machine.txt,load.txt,summary.txt} "$keep/"
echo
echo "script time: ${secs} s (plus the report); raw runs: benches/out/runs.csv (copy in ${keep#"$REPO"/})"
