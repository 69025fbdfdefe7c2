"""The part of tierscope's work that networkx or igraph can do, on a tierscope dataset folder.

    python pywork.py networkx|igraph DIR [--hhi OUT.tsv] [--spof OUT.tsv]

Loads the CSV files (the csv module), builds the production graph of DATA-MODEL.md (nodes
(entity, item); edges (s, y) -> (e, x) for each qualified supplier s of input y to e), then:

1. immediate dominators from a virtual root over the primary sources (the nodes with no
   incoming edge): in a graph where every BOM has one input and every entity makes one item,
   the dominators of a product are its entity-level single points of failure;
2. articulation points of the undirected graph;
3. for each end product, every node upstream of it and the number of distinct untrusted
   entities among them (untrusted country, flagged restricted, or listed by id);
4. HHI of each (buyer, input): by supplier and by supplier country, with tierscope's share
   rules (rows without a share split what the given shares leave; otherwise the given shares
   are rescaled to sum to 1; unqualified rows take no part).

Prints one line of counts, so the work cannot be optimised away. With --hhi and --spof it
writes the answers for the cross-check.
"""

import csv
import sys
import time
from collections import defaultdict


def rows(path):
    try:
        f = open(path, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        return
    with f:
        yield from csv.DictReader(f)


def is_true(text):
    return (text or "").strip().lower() in ("true", "yes", "1")


def allocate(shares):
    given = sum(s for s in shares if s is not None)
    blanks = sum(1 for s in shares if s is None)
    if blanks:
        each = (1.0 - given) / blanks
        return [each if s is None else s for s in shares]
    return [s / given for s in shares]


def rnd(v):
    return round(v * 1e9) / 1e9


def main():
    lib, d = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    hhi_out = args[args.index("--hhi") + 1] if "--hhi" in args else None
    spof_out = args[args.index("--spof") + 1] if "--spof" in args else None
    t0 = time.perf_counter()
    lap = [t0]

    def phase(name):
        now = time.perf_counter()
        print(f"  {lib} {name}: {now - lap[0]:.2f} s", file=sys.stderr)
        lap[0] = now

    trust = {r["code"].strip(): r["trust"].strip().lower() for r in rows(f"{d}/countries.csv")}
    country = {}
    untrusted = set()
    for r in rows(f"{d}/entities.csv"):
        e = r["id"].strip()
        country[e] = r["country"].strip()
        if trust.get(country[e]) == "untrusted" or is_true(r.get("restricted")):
            untrusted.add(e)
    for r in rows(f"{d}/restricted.csv"):
        if (r.get("entity") or "").strip():
            untrusted.add(r["entity"].strip())
    bom = defaultdict(list)
    for r in rows(f"{d}/bom.csv"):
        bom[r["item"].strip()].append(r["input"].strip())
    produces = set()
    groups = defaultdict(list)  # (buyer, item) -> [(supplier, share)]
    for r in rows(f"{d}/supply.csv"):
        s, b, y = r["supplier"].strip(), r["buyer"].strip(), r["item"].strip()
        produces.add((s, y))
        q = (r.get("qualified") or "").strip()
        if q and not is_true(q):
            continue
        share = (r.get("share") or "").strip()
        groups[(b, y)].append((s, float(share) if share else None))
    products = []
    for r in rows(f"{d}/products.csv"):
        p = (r["entity"].strip(), r["item"].strip())
        products.append(p)
        produces.add(p)
    phase("load")

    # The production graph, nodes numbered 0..n-1, the virtual root is n.
    nodes = sorted(produces)
    index = {node: i for i, node in enumerate(nodes)}
    edges = []
    for (e, x) in nodes:
        for y in bom.get(x, ()):
            for s, _ in groups.get((e, y), ()):
                edges.append((index[(s, y)], index[(e, x)]))
    n = len(nodes)
    has_in = [False] * n
    for _, b in edges:
        has_in[b] = True
    root_edges = [(n, v) for v in range(n) if not has_in[v]]

    if lib == "networkx":
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(range(n + 1))
        g.add_edges_from(edges)
        g.add_edges_from(root_edges)
        phase("build")
        idom = nx.immediate_dominators(g, n)
        phase("dominators")
        ug = g.subgraph(range(n)).to_undirected(as_view=True)
        arts = sum(1 for _ in nx.articulation_points(ug))
        phase("articulation points")

        def upstream(v):
            return nx.ancestors(g, v) - {n}
    elif lib == "igraph":
        import igraph as ig

        g = ig.Graph(n=n + 1, edges=edges + root_edges, directed=True)
        phase("build")
        dom = g.dominator(n, mode="out")
        idom = {v: (dom[v] if dom[v] >= 0 else v) for v in range(n + 1) if dom[v] is not None}
        idom[n] = n
        phase("dominators")
        arts = len(g.subgraph(range(n)).articulation_points())
        phase("articulation points")

        def upstream(v):
            return set(g.subcomponent(v, mode="in")) - {n, v}
    else:
        raise SystemExit(f"unknown library {lib}")

    untrusted_upstream = 0
    reach = 0
    for p in products:
        v = index[p]
        up = upstream(v)
        reach += len(up)
        untrusted_upstream += len({nodes[u][0] for u in up if nodes[u][0] in untrusted})
    phase("upstream reach")

    hhi = {}
    for (b, y), members in groups.items():
        weights = allocate([s for _, s in members])
        sup = sum(w * w for w in weights)
        by_country = defaultdict(float)
        for (s, _), w in zip(members, weights):
            by_country[country[s]] += w
        hhi[(b, y)] = (rnd(sup), rnd(sum(w * w for w in by_country.values())))
    phase("hhi")

    if hhi_out:
        with open(hhi_out, "w") as f:
            for (b, y), (s, c) in sorted(hhi.items()):
                f.write(f"{b}\t{y}\t{s!r}\t{c!r}\n")
    if spof_out:
        # The dominators of each product, but the product and the root: entity ids.
        with open(spof_out, "w") as f:
            for p in sorted(products):
                v = index[p]
                chain = []
                u = idom.get(v, n)
                while u != n:
                    chain.append(nodes[u][0])
                    u = idom[u]
                f.write(f"{p[0]}\t{p[1]}\t{','.join(sorted(chain))}\n")
    print(
        f"{lib}: {n} nodes, {len(edges)} edges, {len(idom)} dominated, {arts} articulation "
        f"points, {reach} upstream visits, {untrusted_upstream} untrusted upstream entities, "
        f"{len(hhi)} HHI rows in {time.perf_counter() - t0:.1f} s"
    )


if __name__ == "__main__":
    main()
