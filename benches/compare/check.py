"""Cross-checks tierscope's report against networkx's or igraph's answers.

    python check.py hhi REPORT.json HHI.tsv LIB     # concentration: supplier and country HHI
    python check.py spof REPORT.json SPOF.tsv LIB   # entity-level SPOFs = dominators

Prints one line, PASS or FAIL, with the counts compared.
"""

import json
import sys


def main():
    what, report_path, answers, lib = sys.argv[1:5]
    with open(report_path) as f:
        report = json.load(f)
    if what == "hhi":
        ours = {
            (r["buyer"], r["item"]): (r["supplier_hhi"], r["country_hhi"])
            for r in report["concentration"]
        }
        theirs = {}
        with open(answers) as f:
            for line in f:
                b, y, s, c = line.rstrip("\n").split("\t")
                theirs[(b, y)] = (float(s), float(c))
        bad = [
            k
            for k in theirs
            if k not in ours
            or abs(ours[k][0] - theirs[k][0]) > 1e-6
            or abs(ours[k][1] - theirs[k][1]) > 1e-6
        ]
        bad += [k for k in ours if k not in theirs]
        verdict = "PASS" if not bad and theirs else "FAIL"
        print(
            f"{verdict} hhi vs {lib}: {len(theirs)} (buyer, input) pairs, "
            f"{len(ours)} in the report, {len(bad)} differ{': ' + str(bad[:3]) if bad else ''}"
        )
    elif what == "spof":
        ours = {
            (p["entity"], p["item"]): sorted(p["spof"].get("entity", []))
            for p in report["products"]
        }
        theirs = {}
        with open(answers) as f:
            for line in f:
                e, x, chain = line.rstrip("\n").split("\t")
                theirs[(e, x)] = sorted(c for c in chain.split(",") if c)
        bad = [k for k in theirs if ours.get(k) != theirs[k]]
        bad += [k for k in ours if k not in theirs]
        with_spof = sum(1 for v in theirs.values() if v)
        total = sum(len(v) for v in theirs.values())
        verdict = "PASS" if not bad and theirs and with_spof else "FAIL"
        print(
            f"{verdict} dominators vs {lib}: {len(theirs)} products, {with_spof} with a single "
            f"point of failure, {total} in all, {len(bad)} differ"
            f"{': ' + str(bad[:3]) if bad else ''}"
        )
    else:
        raise SystemExit(f"unknown check {what}")


if __name__ == "__main__":
    main()
