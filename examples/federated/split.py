#!/usr/bin/env python3
"""Splits the joined biologic chain into the two datasets of this example (issue #19).

joined   = datasets/biologic-ingredients with Biocon selling drug substance to the US biotech
           (0.2; WuXi's share 0.7 -> 0.5), the two rows of the research notes.
supplier = the production cone of (biocon-bengaluru, mab-drug-substance): what Biocon keeps.
buyer    = the production cone of (us-biotech-fictional, novel-mab-vial), Biocon's drug
           substance node not expanded: its sub-tier is what the profile stands in for.

Each keeps every row of the nodes it expands (unqualified rows too), all BOM rows of their
items, the owners of its entities (transitively) and the public lists (countries.csv,
restricted.csv), so that both apply one trust policy. Run from the repository root:
    python3 examples/federated/split.py
The CSVs it writes are committed; tests/profile_example.rs checks the split against the
joined dataset without Python.
"""
import csv, io, os

SRC = "datasets/biologic-ingredients"
OUT = "examples/federated"
SUPPLIER = ("biocon-bengaluru", "mab-drug-substance")
BUYER = ("us-biotech-fictional", "novel-mab-vial")


def read(name):
    with open(os.path.join(SRC, name), newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def joined():
    head, rows = read("supply.csv")
    out = []
    for r in rows:
        if r[:3] == ["wuxi-biologics-wuxi", "us-biotech-fictional", "mab-drug-substance"]:
            r = r[:3] + ["0.5"] + r[4:]
        out.append(r)
    out.append(["biocon-bengaluru", "us-biotech-fictional", "mab-drug-substance", "0.2", "true", "60"])
    return head, out


def cone(start, supply, bom, distributors, stop=None):
    """The nodes upstream of `start` (itself included), not expanding `stop`."""
    inputs = {}
    for item, inp, *_ in bom:
        inputs.setdefault(item, set()).add(inp)
    seen, todo, rows = {start}, [start], set()
    while todo:
        e, x = todo.pop()
        if (e, x) == stop:
            continue
        feeds = {x} if e in distributors else inputs.get(x, set())
        for i, r in enumerate(supply):
            if r[1] == e and r[2] in feeds:
                rows.add(i)
                node = (r[0], r[2])
                if node not in seen:
                    seen.add(node)
                    todo.append(node)
    return seen, rows


def write(folder, name, head, rows):
    os.makedirs(folder, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    w.writerows(rows)
    with open(os.path.join(folder, name), "w", newline="") as f:
        f.write(buf.getvalue())


def split(folder, start, stop, products):
    s_head, supply = joined()
    b_head, bom = read("bom.csv")
    e_head, entities = read("entities.csv")
    distributors = {r[0] for r in entities if r[3].lower() == "distributor"}
    nodes, rows = cone(start, supply, bom, distributors, stop)
    kept = [supply[i] for i in sorted(rows)]
    ents = {e for e, _ in nodes} | {r[0] for r in kept} | {r[1] for r in kept}
    o_head, owners = read("ownership.csv")
    while True:
        more = {r[0] for r in owners if r[1] in ents} - ents
        if not more:
            break
        ents |= more
    expanded = {x for e, x in nodes if (e, x) != stop}
    bom_rows = [r for r in bom if r[0] in expanded]
    items = {x for _, x in nodes} | {r[1] for r in bom_rows} | {r[0] for r in bom_rows}
    items |= {r[2] for r in kept}
    i_head, all_items = read("items.csv")
    p_head, all_products = read("products.csv")
    r_head, restricted = read("restricted.csv")
    entity_col = r_head.index("entity")
    restricted = [r[:entity_col] + [r[entity_col] if r[entity_col] in ents else ""] + r[entity_col + 1:] for r in restricted]
    write(folder, "countries.csv", *read("countries.csv"))
    write(folder, "entities.csv", e_head, [r for r in entities if r[0] in ents])
    write(folder, "items.csv", i_head, [r for r in all_items if r[0] in items])
    write(folder, "bom.csv", b_head, bom_rows)
    write(folder, "supply.csv", s_head, kept)
    write(folder, "ownership.csv", o_head, [r for r in owners if r[0] in ents and r[1] in ents])
    write(folder, "restricted.csv", r_head, restricted)
    write(folder, "products.csv", p_head, products(all_products))


split(os.path.join(OUT, "supplier"), SUPPLIER, None,
      lambda _: [[SUPPLIER[0], SUPPLIER[1], "", ""]])
split(os.path.join(OUT, "buyer"), BUYER, SUPPLIER,
      lambda ps: [p for p in ps if tuple(p[:2]) == BUYER])
