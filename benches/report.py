#!/usr/bin/env python3
"""Medians, ratios, targets and the plot for benches/run.sh.

Usage: report.py OUT_DIR SVG_PATH
Reads OUT_DIR/runs.csv (one row per timed command), writes OUT_DIR/medians.csv and
OUT_DIR/medians.json, prints the table and the PASS/FAIL lines, draws SVG_PATH.

Ratios compare tools measured in the same run. The headline ratio is the ratio of the
medians; "paired" is the median of the per-round ratios (same round, back to back), which is
less sensitive to the machine's load drifting during the run.
"""
import csv
import json
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path

TOOLS = ["pillar", "hugo", "floor"]
COLOURS = {"pillar": "#c0392b", "pillar-touched": "#e67e22", "hugo": "#2471a3",
           "floor": "#7f8c8d"}
LABELS = {
    "pillar": "pillar",
    "pillar-touched": "pillar, rebuild after one page's text changed",
    "hugo": "Hugo",
    "floor": "floor (pulldown-cmark + syntect + Tera, rayon)",
}


def load_runs(path):
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            for k in ("wall_s", "time_e_s", "user_s", "sys_s", "load1"):
                r[k] = float(r[k])
            r["maxrss_kib"] = int(r["maxrss_kib"])
            r["size"] = int(r["size"])
            r["round"] = int(r["round"])
            rows.append(r)
    return rows


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    out = Path(sys.argv[1])
    svg = Path(sys.argv[2])
    rows = load_runs(out / "runs.csv")
    groups = defaultdict(list)
    for r in rows:
        groups[(r["size"], r["tool"], r["mode"])].append(r)

    medians = []
    M = {}
    for (size, tool, mode), rs in sorted(groups.items()):
        m = {
            "size": size,
            "tool": tool,
            "mode": mode,
            "runs": len(rs),
            "wall_s": med([r["wall_s"] for r in rs]),
            "wall_min_s": min(r["wall_s"] for r in rs),
            "wall_max_s": max(r["wall_s"] for r in rs),
            "time_e_s": med([r["time_e_s"] for r in rs]),
            "user_s": med([r["user_s"] for r in rs]),
            "sys_s": med([r["sys_s"] for r in rs]),
            "cpu_s": med([r["user_s"] + r["sys_s"] for r in rs]),
            "peak_mib": med([r["maxrss_kib"] for r in rs]) / 1024,
            "load1": med([r["load1"] for r in rs]),
        }
        medians.append(m)
        M[(size, tool, mode)] = m

    def paired(size, num, den, num_mode="clean", den_mode="clean", key="wall_s"):
        a = {r["round"]: r[key] for r in groups.get((size, num, num_mode), [])}
        b = {r["round"]: r[key] for r in groups.get((size, den, den_mode), [])}
        rs = [a[k] / b[k] for k in a if k in b and b[k] > 0]
        return med(rs)

    def ratio(size, num, den, num_mode="clean", den_mode="clean", key="wall_s"):
        a, b = M.get((size, num, num_mode)), M.get((size, den, den_mode))
        if not a or not b or not b[key]:
            return float("nan")
        return a[key] / b[key]

    sizes = sorted({s for (s, t, _) in M if t in TOOLS})
    lines = []
    p = lines.append
    hs = [(s, M[(s, "harness", "noop")]) for s in sorted({k[0] for k in M})
          if (s, "harness", "noop") in M]
    if hs:
        p("harness overhead (/usr/bin/time running `true`, once a round; included in every "
          "wall figure): " + ", ".join(f"{h['wall_s'] * 1000:.1f} ms at {s} pages" for s, h in hs))
    p("")
    p("Medians (clean builds into a fresh folder on tmpfs; wall from $EPOCHREALTIME, "
      "user/sys/peak RSS from /usr/bin/time)")
    p(f"{'pages':>6}  {'tool':<7} {'build':<10} {'runs':>4}  {'wall s':>8}  {'user s':>7}  "
      f"{'sys s':>6}  {'cpu s':>6}  {'peak MiB':>8}  {'load1':>5}")
    for s in sizes:
        for t in TOOLS:
            for mode in ("clean", "unchanged", "touched"):
                m = M.get((s, t, mode))
                if not m:
                    continue
                p(f"{s:>6}  {t:<7} {mode:<10} {m['runs']:>4}  {m['wall_s']:>8.4f}  "
                  f"{m['user_s']:>7.2f}  {m['sys_s']:>6.2f}  {m['cpu_s']:>6.2f}  "
                  f"{m['peak_mib']:>8.1f}  "
                  f"{m['load1']:>5.2f}")
    p("")
    p("Ratios (wall, clean builds; ratio of medians, [median of per-round ratios])")
    p(f"{'pages':>6}  {'pillar/Hugo':>20}  {'pillar/floor':>20}  {'Hugo/floor':>20}")
    ratios = {}
    for s in sizes:
        ph, phq = ratio(s, "pillar", "hugo"), paired(s, "pillar", "hugo")
        pf, pfq = ratio(s, "pillar", "floor"), paired(s, "pillar", "floor")
        hf, hfq = ratio(s, "hugo", "floor"), paired(s, "hugo", "floor")
        ratios[str(s)] = {
            "pillar_over_hugo_wall": ph, "pillar_over_hugo_wall_paired": phq,
            "pillar_over_floor_wall": pf, "pillar_over_floor_wall_paired": pfq,
            "hugo_over_floor_wall": hf, "hugo_over_floor_wall_paired": hfq,
        }
        p(f"{s:>6}  {ph:>11.3f} [{phq:>6.3f}]  {pf:>11.3f} [{pfq:>6.3f}]  "
          f"{hf:>11.3f} [{hfq:>6.3f}]")
    p("")
    p("CPU (user+sys) ratios, for context: less sensitive than wall to other work on the "
      "machine, blind to parallelism")
    p(f"{'pages':>6}  {'pillar/Hugo':>12}  {'pillar/floor':>12}")
    for s in sizes:
        ch, cf = ratio(s, "pillar", "hugo", key="cpu_s"), ratio(s, "pillar", "floor", key="cpu_s")
        ratios[str(s)].update({"pillar_over_hugo_cpu": ch, "pillar_over_floor_cpu": cf})
        p(f"{s:>6}  {fr(ch):>12}  {fr(cf):>12}")
    osz = out / "output-sizes.csv"
    if osz.exists():
        p("")
        p("Output written (last round): MiB / files")
        written = defaultdict(dict)
        with open(osz, newline="") as f:
            for r in csv.DictReader(f):
                written[int(r["size"])][r["tool"]] = (int(r["bytes"]), int(r["files"]))
        for s in sorted(written):
            p(f"{s:>6}  " + "   ".join(
                f"{t} {written[s][t][0] / 1048576:.1f} / {written[s][t][1]}"
                for t in TOOLS if t in written[s]))

    big, mid = 10000, 1000
    mem = ratio(big, "pillar", "hugo", key="peak_mib")
    reb = ratio(big, "pillar", "pillar", "unchanged", "clean")
    rebq = paired(big, "pillar", "pillar", "unchanged", "clean")
    tch = ratio(big, "pillar", "pillar", "touched", "clean")
    reb1k = ratio(mid, "pillar", "pillar", "unchanged", "clean")
    tch1k = ratio(mid, "pillar", "pillar", "touched", "clean")
    lin = {t: float("nan") for t in TOOLS}
    for t in TOOLS:
        a, b = M.get((big, t, "clean")), M.get((mid, t, "clean"))
        if a and b:
            lin[t] = a["wall_s"] / b["wall_s"]
    p("")
    p(f"peak memory pillar/Hugo at 10,000 pages:         {mem:.3f}")
    p(f"rebuild, nothing changed / clean, 10,000 pages:  {reb:.3f} [{rebq:.3f}]"
      f"   (1,000 pages: {reb1k:.3f})")
    p(f"rebuild, one page touched / clean, 10,000 pages: {tch:.3f}"
      f"   (1,000 pages: {tch1k:.3f})")
    p(f"linearity wall(10,000)/wall(1,000): pillar {lin['pillar']:.2f}, "
      f"Hugo {lin['hugo']:.2f}, floor {lin['floor']:.2f}")

    targets = []

    def target(name, value, limit):
        if math.isnan(value):
            targets.append({"target": name, "value": None, "limit": limit, "pass": None})
            p(f"N/A   {name}: not measured in this run")
            return
        ok = value <= limit
        over = "" if ok else f"  ({value / limit:.2f}x the limit)"
        targets.append({"target": name, "value": value, "limit": limit, "pass": ok})
        p(f"{'PASS' if ok else 'FAIL'}  {name}: {value:.3f} (limit {limit}){over}")

    p("")
    p("Targets")
    for s in sizes:
        target(f"{s} pages: pillar wall <= 2 x floor", ratio(s, "pillar", "floor"), 2.0)
    for s in sizes:
        target(f"{s} pages: pillar wall <= 0.3 x Hugo", ratio(s, "pillar", "hugo"), 0.3)
    target("10,000 pages: pillar peak memory <= 0.1 x Hugo", mem, 0.1)
    target("10,000 pages: rebuild with nothing changed <= 0.2 x clean build", reb, 0.2)
    target("10,000 pages: rebuild after one page's text changed <= 0.10 x clean build", tch, 0.10)
    target("pillar time(10,000)/time(1,000) <= 10.5", lin["pillar"], 10.5)

    print("\n".join(lines))

    fields = list(medians[0].keys())
    with open(out / "medians.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for m in medians:
            w.writerow({k: (round(v, 6) if isinstance(v, float) else v) for k, v in m.items()})

    def text(name):
        f = out / name
        return f.read_text().strip().splitlines() if f.exists() else []

    def clean(v):
        """NaN (a ratio with a zero median) is not JSON: write null."""
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    with open(out / "medians.json", "w") as f:
        json.dump(clean({
            "machine": text("machine.txt"),
            "load": text("load.txt"),
            "medians": medians,
            "ratios": ratios,
            "memory_pillar_over_hugo_10k": mem,
            "rebuild_unchanged_over_clean_10k": reb,
            "rebuild_touched_over_clean_10k": tch,
            "rebuild_unchanged_over_clean_1k": reb1k,
            "rebuild_touched_over_clean_1k": tch1k,
            "linearity_10k_over_1k": lin,
            "targets": targets,
        }), f, indent=2, allow_nan=False)

    series = {t: [(s, M[(s, t, "clean")]["wall_s"]) for s in sizes if (s, t, "clean") in M]
              for t in TOOLS}
    series["pillar-touched"] = [(s, M[(s, "pillar", "touched")]["wall_s"]) for s in sizes
                                if (s, "pillar", "touched") in M]
    try:
        plot_matplotlib(series, svg)
    except ImportError:
        plot_by_hand(series, svg)


def plot_matplotlib(series, svg):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    matplotlib.rcParams.update({
        "svg.fonttype": "none",       # text stays text: small, diff-able file
        "svg.hashsalt": "pillar-bench",  # stable ids from run to run
        "font.size": 10,
    })
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for t, pts in series.items():
        if not pts:
            continue
        xs, ys = zip(*pts)
        ax.plot(xs, ys, marker="o", color=COLOURS[t], label=LABELS[t], linewidth=1.8)
        for x, y in pts:
            ax.annotate(fmt_s(y), (x, y), textcoords="offset points", xytext=(6, -3),
                        fontsize=8, color=COLOURS[t])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("pages")
    ax.set_ylabel("wall time (median)")
    ax.set_title("Clean builds and incremental rebuilds against pages (log-log, tmpfs, 2 cores)",
                 fontsize=9)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_tick(v)))
    ax.minorticks_off()
    ax.set_xlim(10, 30000)
    ax.grid(True, which="major", color="#dddddd", linewidth=0.8)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(svg, format="svg", metadata={"Date": None})
    plt.close(fig)


def fr(v):
    """A ratio, or a dash when a median was 0 (10 ms resolution of /usr/bin/time)."""
    return "-" if math.isnan(v) or math.isinf(v) else f"{v:.3f}"


def fmt_tick(v):
    return f"{v:g} s" if v >= 1 else f"{v * 1000:g} ms"


def fmt_s(v):
    if v >= 1:
        return f"{v:.2f} s" if v < 10 else f"{v:.1f} s"
    return f"{v * 1000:.0f} ms" if v >= 0.01 else f"{v * 1000:.1f} ms"


def plot_by_hand(series, svg):
    """Same plot without matplotlib: plain SVG, log-log axes."""
    W, H, L, R, T, B = 640, 420, 70, 20, 40, 50
    xs = [x for pts in series.values() for x, _ in pts]
    ys = [y for pts in series.values() for _, y in pts]
    x0, x1 = math.log10(10), math.log10(30000)
    y0 = math.floor(math.log10(min(ys)))
    y1 = math.ceil(math.log10(max(ys)))

    def X(v):
        return L + (math.log10(v) - x0) / (x1 - x0) * (W - L - R)

    def Y(v):
        return H - B - (math.log10(v) - y0) / (y1 - y0) * (H - T - B)

    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
         f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="11">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{W / 2}" y="20" text-anchor="middle" font-size="13">'
         'Clean build, wall time against pages (log-log, tmpfs, 2 cores)</text>']
    for e in range(y0, y1 + 1):
        v = 10 ** e
        o.append(f'<line x1="{L}" x2="{W - R}" y1="{Y(v):.1f}" y2="{Y(v):.1f}" stroke="#ddd"/>')
        o.append(f'<text x="{L - 6}" y="{Y(v) + 4:.1f}" text-anchor="end">{fmt_tick(v)}</text>')
    for v in (10, 100, 1000, 10000):
        o.append(f'<line x1="{X(v):.1f}" x2="{X(v):.1f}" y1="{T}" y2="{H - B}" stroke="#ddd"/>')
        o.append(f'<text x="{X(v):.1f}" y="{H - B + 16}" text-anchor="middle">{v:,}</text>')
    o.append(f'<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">pages</text>')
    o.append(f'<text transform="translate(16 {(T + H - B) / 2}) rotate(-90)" '
             'text-anchor="middle">wall time (median)</text>')
    ly = T + 14
    for t, pts in series.items():
        if not pts:
            continue
        c = COLOURS[t]
        d = " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in pts)
        o.append(f'<polyline points="{d}" fill="none" stroke="{c}" stroke-width="2"/>')
        for x, y in pts:
            o.append(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3.5" fill="{c}"/>')
            o.append(f'<text x="{X(x) + 7:.1f}" y="{Y(y) + 4:.1f}" fill="{c}" '
                     f'font-size="9">{fmt_s(y)}</text>')
        o.append(f'<line x1="{L + 10}" x2="{L + 30}" y1="{ly}" y2="{ly}" stroke="{c}" '
                 'stroke-width="2"/>')
        o.append(f'<text x="{L + 36}" y="{ly + 4}">{LABELS[t]}</text>')
        ly += 16
    o.append("</svg>")
    svg.write_text("\n".join(o) + "\n")


if __name__ == "__main__":
    main()
