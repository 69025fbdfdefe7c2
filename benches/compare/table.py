"""Prints the comparison table from run.sh's results: median wall time and peak memory per
tool and size, the ratios the targets are about, and the growth exponent of tierscope."""

import math
import statistics
import sys
from collections import defaultdict


def seconds(text):
    parts = [float(p) for p in text.split(":")]
    s = 0.0
    for p in parts:
        s = s * 60 + p
    return s


def main():
    runs = defaultdict(list)
    for line in open(sys.argv[1]):
        tool, rows, _, wall, peak = line.rstrip("\n").split("\t")
        runs[(tool, int(rows))].append((seconds(wall), int(peak) / 1024))
    med = {
        k: (statistics.median(t for t, _ in v), statistics.median(m for _, m in v), len(v))
        for k, v in runs.items()
    }
    sizes = sorted({rows for _, rows in med})
    tools = ["tierscope", "ts-partial", "csv", "igraph", "networkx"]
    print()
    print("| rows | tool | wall (s) | peak (MiB) | runs |")
    print("|---:|---|---:|---:|---:|")
    for rows in sizes:
        for tool in tools:
            if (tool, rows) in med:
                t, m, n = med[(tool, rows)]
                print(f"| {rows:,} | {tool} | {t:.2f} | {m:,.0f} | {n} |")
    print()
    for ours in ["tierscope", "ts-partial"]:
        ratios(med, sizes, ours)
    ts = [(rows, med[("tierscope", rows)][0]) for rows in sizes if ("tierscope", rows) in med]
    for (r1, t1), (r2, t2) in zip(ts, ts[1:]):
        if t1 > 0 and r2 > r1:
            k = math.log(t2 / t1) / math.log(r2 / r1)
            print(f"\ntierscope time grows as rows^{k:.2f} from {r1:,} to {r2:,} rows")


def ratios(med, sizes, ours):
    print()
    print(f"| rows | networkx / {ours} (time) | igraph / {ours} (time) | {ours} / igraph (memory) | {ours} / csv (time) |")
    print("|---:|---:|---:|---:|---:|")
    for rows in sizes:
        if (ours, rows) not in med:
            continue
        t, m, _ = med[(ours, rows)]

        def ratio(tool, index, inverse=False):
            if (tool, rows) not in med:
                return "–"
            other = med[(tool, rows)][index]
            if other <= 0 or (t if index == 0 else m) <= 0:
                return "– (below the 0.01 s resolution)"
            value = (m if index else t) / other if inverse else other / (t if index == 0 else m)
            return f"{value:.2f}x"

        print(
            f"| {rows:,} | {ratio('networkx', 0)} | {ratio('igraph', 0)} | "
            f"{ratio('igraph', 1, inverse=True)} | {ratio('csv', 0, inverse=True)} |"
        )


if __name__ == "__main__":
    main()
