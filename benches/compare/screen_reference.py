"""The labelled screening set scored by the open-source reference: OpenSanctions'
nomenklatura `logic-v2` algorithm, at yente's default match threshold 0.7.

    python3 -m venv /tmp/nk && /tmp/nk/bin/pip install nomenklatura
    /tmp/nk/bin/python benches/compare/screen_reference.py

Reads the same files as tests/screen_labelled.rs (the SDN organisations, the CSL excerpt and
labelled.csv). Candidate retrieval imitates yente's search step: the listed names sharing a
word (or a word's first four letters) with the query, the 50 sharing the most; each is then
scored by logic-v2 and the best score per listed party kept. No test runs this script.
"""

import csv
import re
from collections import defaultdict
from pathlib import Path

from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig

HERE = Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures" / "screen"
THRESHOLD = 0.7
TOP = 50


def tokens(name):
    return {t for t in re.findall(r"[a-z0-9]+", name.lower()) if len(t) >= 3}


def entities():
    out = []
    with open(HERE / "sdn-organizations.csv", encoding="ascii", newline="") as f:
        for r in csv.reader(f):
            if len(r) != 12:
                continue
            aliases = re.findall(r"[afn]\.k\.a\. '([^']+)'", r[11])
            out.append(("sdn-organizations.csv", r[1], [r[1]] + aliases))
    with open(HERE / "csl-excerpt.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["type"] in ("", "Entity"):
                alts = [a.strip() for a in r["alt_names"].split(";") if a.strip()]
                out.append(("csl-excerpt.csv", r["name"], [r["name"]] + alts))
    return out


def proxy(i, names):
    e = model.make_entity("Organization")
    e.id = f"e{i}"
    for n in names:
        e.add("name", n)
    return e


def main():
    ents = entities()
    proxies = [proxy(i, names) for i, (_, _, names) in enumerate(ents)]
    df = defaultdict(int)
    index = defaultdict(set)
    for i, (_, _, names) in enumerate(ents):
        toks = set()
        for n in names:
            toks |= tokens(n)
        for t in toks:
            df[t] += 1
            index[t].add(i)
            index["~" + t[:4]].add(i)
    algo = get_algorithm("logic-v2")
    config = ScoringConfig.defaults()
    found = listed = flagged = clean = 0
    with open(HERE / "labelled" / "labelled.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for k, row in enumerate(rows):
        q = proxy(f"q{k}", [row["name"]])
        votes = defaultdict(int)
        for t in tokens(row["name"]):
            for i in index.get(t, ()):
                votes[i] += 2
            for i in index.get("~" + t[:4], ()):
                votes[i] += 1
        cands = sorted(votes, key=lambda i: (-votes[i], i))[:TOP]
        hits = {}
        for i in cands:
            score = algo.compare(q, proxies[i], config).score
            if score >= THRESHOLD:
                hits[i] = score
        if row["expect"] == "listed":
            listed += 1
            if any(ents[i][0] == row["list"] and ents[i][1] == row["listed_name"] for i in hits):
                found += 1
        else:
            clean += 1
            if hits:
                flagged += 1
    print(f"logic-v2 at {THRESHOLD}: recall {found}/{listed} = {100 * found / listed:.1f} %, "
          f"clean vendors flagged {flagged}/{clean} = {100 * flagged / clean:.1f} %")


if __name__ == "__main__":
    main()
