#!/usr/bin/env bash
# The shipped explainer (the repository root: content/ + reform.toml + the built-in theme):
# a clean `pillar build` against the floor (pulldown-cmark + syntect + Tera, rayon) on the same
# content/ folder, interleaved, output on tmpfs, medians of ROUNDS (default 15) runs.
#
#   bash benches/shipped.sh        # after benches/run.sh (reuses its floor build), or alone
#
# The floor only turns each Markdown file into an HTML page; pillar also reads reform.toml,
# resolves citations and internal links, draws the charts, writes the feed, sitemap, search
# index and assets, and checks everything before writing. Raw runs: benches/out/shipped.csv.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
REPO=$PWD
BENCH_REF=${BENCH_REF:-/work/shared/bench}
SHM=${BENCH_SHM:-/dev/shm/pillar-bench}
OUT=$REPO/benches/out
ROUNDS=${ROUNDS:-15}
mkdir -p "$OUT" "$SHM"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

echo "load before: $(uptime)"
cargo build --profile release-fat --quiet
PILLAR=$REPO/target/release-fat/pillar
echo "pillar binary: $(stat -c '%y' "$PILLAR"), sha256 $(sha256sum "$PILLAR" | cut -c1-16)"
FLOOR=$OUT/floor-target/release/cmark_floor
if [ ! -x "$FLOOR" ]; then
  rm -rf "$OUT/floor"
  cp -r "$BENCH_REF/cmark_floor" "$OUT/floor"
  chmod -R u+w "$OUT/floor"
  printf '\n[workspace]\n' >>"$OUT/floor/Cargo.toml"
  (cd "$OUT/floor" && CARGO_TARGET_DIR="$OUT/floor-target" cargo build --release --quiet)
fi

CSV=$OUT/shipped.csv
echo "round,tool,wall_s,user_s,sys_s,maxrss_kib,load1" >"$CSV"
o_p=$SHM/shipped-pillar o_f=$SHM/shipped-floor
cmd_p=("$PILLAR" build --quiet --root "$REPO" --output "$o_p")
cmd_f=("$FLOOR" par "$REPO/content" "$o_f" --hl --tera)

measure() { # ROUND TOOL -- COMMAND...
  local round=$1 tool=$2 tf=$SHM/shipped-time.txt t0 t1 us e u s m l
  shift 3
  read -r l _ </proc/loadavg
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >/dev/null 2>"$SHM/shipped.log" ||
    { echo "FAILED: $*" >&2; cat "$SHM/shipped.log" >&2; exit 1; }
  t1=$EPOCHREALTIME
  read -r e u s m <"$tf"
  us=$((${t1/./} - ${t0/./}))
  printf '%s,%s,%d.%06d,%s,%s,%s,%s\n' "$round" "$tool" $((us / 1000000)) $((us % 1000000)) \
    "$u" "$s" "$m" "$l" >>"$CSV"
}

# Warm-up, not recorded.
rm -rf "$o_p" "$o_f"
"${cmd_p[@]}" >/dev/null 2>&1
"${cmd_f[@]}" >/dev/null 2>&1
for r in $(seq 1 "$ROUNDS"); do
  rm -rf "$o_p"
  measure "$r" pillar -- "${cmd_p[@]}"
  rm -rf "$o_f"
  measure "$r" floor -- "${cmd_f[@]}"
done
echo "pillar wrote $(find "$o_p" -type f | wc -l) files; the floor $(find "$o_f" -type f | wc -l)"
rm -rf "$o_p" "$o_f"
echo "load after:  $(uptime)"

python3 - "$CSV" <<'EOF'
import csv, statistics as st, sys
rows = list(csv.DictReader(open(sys.argv[1])))
med = lambda t, k: st.median(float(r[k]) for r in rows if r["tool"] == t)
n = sum(1 for r in rows if r["tool"] == "pillar")
print(f"shipped explainer, clean builds on tmpfs, medians of {n} interleaved runs")
print(f"{'tool':<7} {'wall ms':>8} {'user s':>7} {'sys s':>6} {'peak MiB':>8}")
for t in ("pillar", "floor"):
    print(f"{t:<7} {med(t, 'wall_s') * 1000:>8.1f} {med(t, 'user_s'):>7.2f} "
          f"{med(t, 'sys_s'):>6.2f} {med(t, 'maxrss_kib') / 1024:>8.1f}")
by = {}
for r in rows:
    by.setdefault(r["round"], {})[r["tool"]] = float(r["wall_s"])
paired = st.median(v["pillar"] / v["floor"] for v in by.values() if len(v) == 2)
print(f"pillar/floor wall: {med('pillar', 'wall_s') / med('floor', 'wall_s'):.2f} "
      f"(median of per-round ratios {paired:.2f})")
EOF
