//! Cross-file checks, once every row that parsed is in the model.
//!
//! Errors: duplicate rows, share sums above 1, rows without a share where the given shares
//! already sum to 1, BOM cycles (printed `a -> b -> a`), ownership of an entity above 1,
//! self-ownership, majority-ownership cycles, a buyer's rows of one item that would count
//! toward two requirements, cycles of distributors.
//! Warnings: unmapped inputs, supply rows no product uses (and rows into a distributor that
//! look like making, which a distributor does not do), entities never used, items nobody
//! makes, no end products, a substitute group of one row.

mod requirements;

use crate::diag::{At, Diagnostics};
use crate::graph::parties;
use crate::graph::requirements::{BuyerRequirements, Requirements};
use crate::graph::shares::{self, ShareProblem};
use crate::model::{Dataset, EntityIx, ItemIx};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use petgraph::graph::{DiGraph, NodeIndex};
use std::path::Path;

pub fn check(dir: &Path, ds: &Dataset, diags: &mut Diagnostics) {
    let file = |name: &str| dir.join(name).display().to_string();
    let files = Files {
        supply: file("supply.csv"),
        bom: file("bom.csv"),
        products: file("products.csv"),
        ownership: file("ownership.csv"),
        entities: file("entities.csv"),
        items: file("items.csv"),
    };
    // What each buyer's rows count toward (nothing to compute on data without substitutes).
    let reqs = Requirements::new(ds);
    let nodes = ds
        .supply
        .iter()
        .map(|r| (r.supplier, r.item))
        .chain(ds.products.iter().map(|p| (p.entity, p.item)));
    let (buyer_reqs, ambiguous) = BuyerRequirements::new(ds, &reqs, nodes);
    // Three independent groups of checks, on every core. Each collects its own
    // diagnostics; they are appended in this order, which is the order of one sequential
    // run (the cap per file and code included).
    let ((duplicated, unsplittable), rest) = rayon::join(
        || {
            rayon::join(
                || collected(|d| duplicate_rows(ds, &files, d)),
                || collected(|d| share_sums(ds, &reqs, &buyer_reqs, &files.supply, d)),
            )
        },
        || {
            collected(|d| {
                bom_cycles(ds, &files.bom, d);
                ownership_checks(ds, &files.ownership, d);
                requirements::groups_of_one(ds, &files.bom, d);
                requirements::ambiguous(ds, &reqs, &ambiguous, &files.supply, &files.bom, d);
                requirements::distributor_cycles(ds, &files.supply, d);
                usage_warnings(ds, &reqs, &files, d);
            })
        },
    );
    diags.append(duplicated);
    diags.append(unsplittable);
    diags.append(rest);
}

/// The diagnostics of one check, collected apart.
fn collected(check: impl FnOnce(&mut Diagnostics)) -> Diagnostics {
    let mut diags = Diagnostics::new();
    check(&mut diags);
    diags
}

/// The paths of the dataset's files, for diagnostics.
struct Files {
    supply: String,
    bom: String,
    products: String,
    ownership: String,
    entities: String,
    items: String,
}

/// Rows that repeat a key: supplies, BOM rows, end products and ownership rows.
fn duplicate_rows(ds: &Dataset, files: &Files, diags: &mut Diagnostics) {
    duplicates(
        diags,
        &files.supply,
        ds.supply
            .iter()
            .map(|r| ((r.supplier, r.buyer, r.item), r.line)),
        |(s, b, i)| {
            format!(
                "duplicate supply of `{}` from `{}` to `{}`",
                ds.item(i).id,
                ds.entity(s).id,
                ds.entity(b).id
            )
        },
    );
    duplicates(
        diags,
        &files.bom,
        ds.bom.iter().map(|r| ((r.item, r.input), r.line)),
        |(i, x)| {
            format!(
                "duplicate BOM row: `{}` needs `{}`",
                ds.item(i).id,
                ds.item(x).id
            )
        },
    );
    duplicates(
        diags,
        &files.products,
        ds.products.iter().map(|r| ((r.entity, r.item), r.line)),
        |(e, i)| {
            format!(
                "duplicate end product `{}` of `{}`",
                ds.item(i).id,
                ds.entity(e).id
            )
        },
    );
    duplicates(
        diags,
        &files.ownership,
        ds.ownership.iter().map(|r| ((r.owner, r.entity), r.line)),
        |(o, e)| {
            format!(
                "duplicate ownership of `{}` by `{}`",
                ds.entity(e).id,
                ds.entity(o).id
            )
        },
    );
}

/// Qualified shares of each (buyer, requirement) that cannot be split.
fn share_sums(
    ds: &Dataset,
    reqs: &Requirements,
    buyer_reqs: &BuyerRequirements,
    supply_file: &str,
    diags: &mut Diagnostics,
) {
    for ((buyer, req), rows) in shares::requirement_groups(ds, buyer_reqs).iter() {
        let given = shares::given(ds, rows);
        let Err(problem) = shares::allocate(&given) else {
            continue;
        };
        // The message is built only for the groups that fail: at 1M rows, building it
        // for every group was a tenth of the validation.
        let lines = rows
            .iter()
            .map(|&i| ds.supply[i as usize].line.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let last = ds.supply[*rows.last().expect("groups are not empty") as usize].line;
        let what = format!(
            "`{}` of `{}` (lines {lines})",
            reqs.ids(ds, req, "` or `"),
            ds.entity(buyer).id
        );
        match problem {
        ShareProblem::SumAboveOne(sum) => diags.error(
            "share-sum",
            At::line(supply_file, last),
            format!("qualified shares of {what} sum to {sum:.6} (expected at most 1)"),
        ),
        ShareProblem::NoRoomForBlanks(sum) => diags.error(
            "share-sum",
            At::line(supply_file, last),
            format!(
                "rows without a share of {what} have nothing left to split: the given shares already sum to {sum:.6} (expected given shares below 1, or a share on every row)"
            ),
        ),
    }
    }
}

fn duplicates<K: std::hash::Hash + Eq + Copy>(
    diags: &mut Diagnostics,
    file: &str,
    rows: impl Iterator<Item = (K, u64)>,
    describe: impl Fn(K) -> String,
) {
    // Sized up front: grown one rehash at a time, each larger table was fresh memory while
    // the last was still held, which raised `validate`'s peak (`benches/README.md`).
    let mut first: HashMap<K, u64> = HashMap::with_capacity(rows.size_hint().0);
    for (key, line) in rows {
        match first.get(&key) {
            Some(prev) => diags.error(
                "duplicate-row",
                At::line(file, line),
                format!(
                    "{} (first at line {prev}; expected each row once)",
                    describe(key)
                ),
            ),
            None => {
                first.insert(key, line);
            }
        }
    }
}

/// Reports one cycle per strongly connected component of the BOM, as `a -> b -> a` where
/// `a -> b` reads "a needs b".
///
/// The components come from Kosaraju's algorithm, whose depth-first searches keep their own
/// stack: petgraph's `tarjan_scc` recurses once per BOM level and overflows the thread's stack
/// on a deep BOM.
fn bom_cycles(ds: &Dataset, file: &str, diags: &mut Diagnostics) {
    let mut g: DiGraph<(), u64> = DiGraph::with_capacity(ds.items.len(), ds.bom.len());
    for _ in &ds.items {
        g.add_node(());
    }
    for row in &ds.bom {
        g.add_edge(
            NodeIndex::new(row.item.ix()),
            NodeIndex::new(row.input.ix()),
            row.line,
        );
    }
    let mut found: Vec<(u64, String)> = Vec::new();
    let first = |scc: &[NodeIndex]| *scc.iter().min().expect("an SCC is not empty");
    for (start, cycle) in cycles(&g, first) {
        let line = cycle.iter().map(|(_, l)| *l).min().unwrap_or(0);
        let mut text: Vec<&str> = cycle
            .iter()
            .map(|(n, _)| ds.items[n.index()].id.as_str())
            .collect();
        text.push(&ds.items[start.index()].id);
        let lines = cycle
            .iter()
            .map(|(_, l)| l.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        found.push((
            line,
            format!(
                "BOM cycle {} (lines {lines}; expected no item to need itself, directly or through its inputs)",
                text.join(" -> ")
            ),
        ));
    }
    found.sort();
    for (line, message) in found {
        diags.error("bom-cycle", At::line(file, line), message);
    }
}

/// One cycle in each strongly connected component of `g` that has one, as (the node it starts
/// from, its steps); edges are weighted by the line of the row they come from. `first` picks
/// the start among a component's nodes.
fn cycles<N>(
    g: &DiGraph<N, u64>,
    first: impl Fn(&[NodeIndex]) -> NodeIndex,
) -> Vec<(NodeIndex, Vec<(NodeIndex, u64)>)> {
    let mut out = Vec::new();
    for scc in petgraph::algo::kosaraju_scc(g) {
        let start = first(&scc);
        let self_loop = g.find_edge(start, start);
        if scc.len() == 1 && self_loop.is_none() {
            continue;
        }
        let cycle = match self_loop {
            Some(edge) => vec![(start, g[edge])],
            None => {
                let members: HashSet<NodeIndex> = scc.iter().copied().collect();
                cycle_through(g, start, &members)
            }
        };
        out.push((start, cycle));
    }
    out
}

/// A cycle from `start` back to itself inside one SCC, by breadth-first search; each step is
/// (node, line of the row leaving it).
fn cycle_through<N>(
    g: &DiGraph<N, u64>,
    start: NodeIndex,
    members: &HashSet<NodeIndex>,
) -> Vec<(NodeIndex, u64)> {
    let mut parent: HashMap<NodeIndex, (NodeIndex, u64)> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        let mut next: Vec<_> = g
            .edges(n)
            .map(|e| (petgraph::visit::EdgeRef::target(&e), *e.weight()))
            .collect();
        next.sort();
        for (m, line) in next {
            if !members.contains(&m) {
                continue;
            }
            if m == start {
                // Walk back from n to start.
                let mut path = vec![(n, line)];
                let mut cur = n;
                while cur != start {
                    let (p, l) = parent[&cur];
                    path.push((p, l));
                    cur = p;
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(v) = parent.entry(m) {
                v.insert((n, line));
                queue.push_back(m);
            }
        }
    }
    vec![(start, 0)]
}

fn ownership_checks(ds: &Dataset, file: &str, diags: &mut Diagnostics) {
    let mut total: HashMap<EntityIx, (f64, u64)> = HashMap::new();
    for row in &ds.ownership {
        if row.owner == row.entity {
            diags.error(
                "self-ownership",
                At::line(file, row.line),
                format!(
                    "`{}` owns itself (expected an owner different from the entity)",
                    ds.entity(row.entity).id
                ),
            );
            continue;
        }
        let t = total.entry(row.entity).or_insert((0.0, row.line));
        t.0 += row.share;
        t.1 = t.1.max(row.line);
    }
    let mut over: Vec<_> = total
        .into_iter()
        .filter(|(_, (sum, _))| *sum > 1.0 + shares::SUM_TOLERANCE)
        .collect();
    over.sort_by_key(|(_, (_, line))| *line);
    for (entity, (sum, line)) in over {
        diags.error(
            "ownership-sum",
            At::line(file, line),
            format!(
                "owners of `{}` hold {:.2}% in all (expected at most 100%)",
                ds.entity(entity).id,
                sum * 100.0
            ),
        );
    }
    if let Err(cycles) = parties::ultimate_owners(&parties::majority_owners(ds)) {
        for cycle in cycles {
            // `cycle` follows majority owners (each entity, then its owner); the message reads
            // the other way, from each owner to what it holds, back to the first entity.
            let mut text: Vec<&str> = std::iter::once(&cycle[0])
                .chain(cycle[1..].iter().rev())
                .map(|e| ds.entity(*e).id.as_str())
                .collect();
            text.push(&ds.entity(cycle[0]).id);
            diags.error(
                "ownership-cycle",
                At::file(file),
                format!(
                    "majority-ownership cycle {} (each holds more than half of the next; expected a chain with a top owner)",
                    text.join(" -> ")
                ),
            );
        }
    }
}

/// Warnings about rows and records that take no part in any product's supply.
fn usage_warnings(ds: &Dataset, reqs: &Requirements, files: &Files, diags: &mut Diagnostics) {
    let (produces, needs) = production_pairs(ds, reqs);
    let supplied = unused_supply(ds, &produces, &needs, &files.supply, diags);
    unmapped_inputs(ds, reqs, &produces, &supplied, &files.supply, diags);
    unused_entities(ds, &files.entities, diags);
    unmade_items(ds, &produces, &files.items, diags);
    if ds.products.is_empty() {
        diags.warning(
            "no-products",
            At::file(&files.products),
            "no end products: there is nothing to analyse (expected at least one row)",
        );
    }
}

/// (entity, item) pairs.
type Pairs = HashSet<(EntityIx, ItemIx)>;

/// Production pairs and what each buyer needs: every item of every requirement of a node,
/// or, for a distributor's node, the item it passes on.
fn production_pairs(ds: &Dataset, reqs: &Requirements) -> (Pairs, Pairs) {
    let mut produces: HashSet<(EntityIx, ItemIx)> = HashSet::new();
    for r in &ds.supply {
        produces.insert((r.supplier, r.item));
    }
    for p in &ds.products {
        produces.insert((p.entity, p.item));
    }
    let mut needs: HashSet<(EntityIx, ItemIx)> = HashSet::new();
    for &(e, x) in &produces {
        if ds.entity(e).is_distributor() {
            needs.insert((e, x));
            continue;
        }
        for &r in reqs.of_item(x) {
            for &y in reqs.items(r) {
                needs.insert((e, y));
            }
        }
    }
    (produces, needs)
}

/// Warns of each supply row no product needs; returns the (buyer, item) pairs supplied.
fn unused_supply(
    ds: &Dataset,
    produces: &Pairs,
    needs: &Pairs,
    supply_file: &str,
    diags: &mut Diagnostics,
) -> Pairs {
    let bom = requirements::BomOf::new(ds);
    let mut supplied: HashSet<(EntityIx, ItemIx)> = HashSet::new();
    for r in &ds.supply {
        supplied.insert((r.buyer, r.item));
        if needs.contains(&(r.buyer, r.item)) {
            continue;
        }
        if ds.entity(r.buyer).is_distributor() {
            requirements::unused_by_distributor(ds, &bom, produces, r, supply_file, diags);
            continue;
        }
        diags.warning(
            "supply-unused",
            At::line(supply_file, r.line),
            format!(
                "`{}` buys `{}`, but nothing `{}` makes has it as a BOM input (this row is not part of any product's supply)",
                ds.entity(r.buyer).id,
                ds.item(r.item).id,
                ds.entity(r.buyer).id
            ),
        );
    }
    supplied
}

/// Warns of each requirement of a production pair that no supply row delivers, in a stable
/// order.
fn unmapped_inputs(
    ds: &Dataset,
    reqs: &Requirements,
    produces: &Pairs,
    supplied: &Pairs,
    supply_file: &str,
    diags: &mut Diagnostics,
) {
    let mut pairs: Vec<_> = produces.iter().copied().collect();
    pairs.sort();
    for (e, x) in pairs {
        if ds.entity(e).is_distributor() {
            if !supplied.contains(&(e, x)) {
                diags.warning(
                    "unmapped-input",
                    At::file(supply_file),
                    format!(
                        "`{}` is a distributor and passes on `{}`, but no supply row delivers `{}` to `{}` (counted as available, reported as a visibility gap)",
                        ds.entity(e).id,
                        ds.item(x).id,
                        ds.item(x).id,
                        ds.entity(e).id
                    ),
                );
            }
            continue;
        }
        for &r in reqs.of_item(x) {
            let items = reqs.items(r);
            if items.iter().any(|&y| supplied.contains(&(e, y))) {
                continue;
            }
            let message = match items {
                [y] => format!(
                    "`{}` makes `{}`, which needs `{}`, but no supply row delivers `{}` to `{}` (counted as available, reported as a visibility gap)",
                    ds.entity(e).id,
                    ds.item(x).id,
                    ds.item(*y).id,
                    ds.item(*y).id,
                    ds.entity(e).id
                ),
                _ => format!(
                    "`{}` makes `{}`, which needs `{}` (substitutes: any of them will do), but no supply row delivers any of them to `{}` (counted as available, reported as a visibility gap)",
                    ds.entity(e).id,
                    ds.item(x).id,
                    reqs.ids(ds, r, "` or `"),
                    ds.entity(e).id
                ),
            };
            diags.warning("unmapped-input", At::file(supply_file), message);
        }
    }
}

/// Warns of each entity in no supply, product or ownership row.
fn unused_entities(ds: &Dataset, entities_file: &str, diags: &mut Diagnostics) {
    let mut used = vec![false; ds.entities.len()];
    for r in &ds.supply {
        used[r.supplier.ix()] = true;
        used[r.buyer.ix()] = true;
    }
    for p in &ds.products {
        used[p.entity.ix()] = true;
    }
    for o in &ds.ownership {
        used[o.owner.ix()] = true;
        used[o.entity.ix()] = true;
    }
    for (e, u) in used.iter().enumerate() {
        if !u {
            diags.warning(
                "entity-unused",
                At::line(entities_file, ds.entities[e].line),
                format!(
                    "entity `{}` appears in no supply, product or ownership row",
                    ds.entities[e].id
                ),
            );
        }
    }
}

/// Warns of each item nobody makes.
fn unmade_items(ds: &Dataset, produces: &Pairs, items_file: &str, diags: &mut Diagnostics) {
    let mut made = vec![false; ds.items.len()];
    for (_, x) in produces {
        made[x.ix()] = true;
    }
    for (i, m) in made.iter().enumerate() {
        if !m {
            diags.warning(
                "item-unmade",
                At::line(items_file, ds.items[i].line),
                format!(
                    "nobody makes item `{}` (no supply or product row has it)",
                    ds.items[i].id
                ),
            );
        }
    }
}
