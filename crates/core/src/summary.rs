//! `tierscope summary`: what a dataset holds, before any analysis.

use crate::graph::ProductionGraph;
use crate::model::{Dataset, Trust};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub dataset: String,
    pub countries: usize,
    pub entities: usize,
    pub items: usize,
    pub bom_rows: usize,
    pub supply_rows: usize,
    pub unqualified_supply_rows: usize,
    pub end_products: usize,
    pub ownership_rows: usize,
    pub restricted_rows: usize,
    pub production_nodes: usize,
    pub edges: usize,
    /// Number of BOM levels: 1 for raw materials only, +1 for each level of "needs".
    pub bom_levels: u32,
    pub coverage: Coverage,
    pub restricted_entities: usize,
    pub untrusted_entities: usize,
    /// Entities of `kind` distributor (left out of the JSON when there are none).
    #[serde(skip_serializing_if = "is_zero")]
    pub distributors: usize,
    /// Requirements of several items (groups of substitutes) among the items' requirements
    /// (left out of the JSON when there are none).
    #[serde(skip_serializing_if = "is_zero")]
    pub substitute_groups: usize,
    pub by_country: Vec<CountryCount>,
    pub by_trust: BTreeMap<Trust, usize>,
    pub by_sector: BTreeMap<String, usize>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// How much of the inputs the map covers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Coverage {
    /// (production node, requirement) pairs: a BOM input, a group of substitutes, or what a
    /// distributor passes on.
    pub inputs: usize,
    pub fully_mapped: usize,
    pub partly_mapped: usize,
    pub unmapped: usize,
    /// Mean mapped fraction over all inputs (unmapped count as 0).
    pub mean: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CountryCount {
    pub code: String,
    pub name: Option<String>,
    pub trust: Trust,
    pub entities: usize,
    pub production_nodes: usize,
}

impl Summary {
    /// Counts what `ds` holds and how much of its inputs is mapped. O(R) for R rows.
    ///
    /// ```
    /// use tierscope_core::{graph::ProductionGraph, ingest, summary::Summary};
    /// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mini");
    /// let ds = ingest::load(&dir)?.dataset;
    /// let s = Summary::new(&ds, &ProductionGraph::build(&ds));
    /// assert_eq!((s.end_products, s.production_nodes), (2, 8));
    /// # Ok::<(), tierscope_core::Error>(())
    /// ```
    pub fn new(ds: &Dataset, g: &ProductionGraph) -> Summary {
        let mut coverage = Coverage {
            inputs: 0,
            fully_mapped: 0,
            partly_mapped: 0,
            unmapped: 0,
            mean: 0.0,
        };
        let mut sum = 0.0;
        for slot in g.inputs.iter().flatten() {
            coverage.inputs += 1;
            sum += slot.coverage;
            if !slot.is_mapped() {
                coverage.unmapped += 1;
            } else if slot.coverage >= 1.0 - crate::analysis::EPS {
                coverage.fully_mapped += 1;
            } else {
                coverage.partly_mapped += 1;
            }
        }
        coverage.mean = if coverage.inputs == 0 {
            1.0
        } else {
            sum / coverage.inputs as f64
        };
        let mut by_country: Vec<CountryCount> = ds
            .countries
            .iter()
            .map(|c| CountryCount {
                code: c.code.clone(),
                name: c.name.clone(),
                trust: c.trust,
                entities: 0,
                production_nodes: 0,
            })
            .collect();
        let mut by_trust = BTreeMap::new();
        for e in &ds.entities {
            by_country[e.country.ix()].entities += 1;
            *by_trust.entry(ds.country(e.country).trust).or_insert(0) += 1;
        }
        for n in g.graph.node_weights() {
            by_country[ds.entity(n.entity).country.ix()].production_nodes += 1;
        }
        by_country.sort_by(|a, b| b.entities.cmp(&a.entities).then(a.code.cmp(&b.code)));
        let mut by_sector = BTreeMap::new();
        for item in &ds.items {
            let sector = item.sector.clone().unwrap_or_else(|| "(none)".into());
            *by_sector.entry(sector).or_insert(0) += 1;
        }
        Summary {
            dataset: ds.name.clone(),
            countries: ds.countries.len(),
            entities: ds.entities.len(),
            items: ds.items.len(),
            bom_rows: ds.bom.len(),
            supply_rows: ds.supply.len(),
            unqualified_supply_rows: ds.supply.iter().filter(|r| !r.qualified).count(),
            end_products: ds.products.len(),
            ownership_rows: ds.ownership.len(),
            restricted_rows: ds.restricted.len(),
            production_nodes: g.node_count(),
            edges: g.edge_count(),
            bom_levels: g.item_level.iter().max().map_or(0, |m| m + 1),
            coverage,
            restricted_entities: g.parties.restricted.iter().flatten().count(),
            untrusted_entities: g.parties.untrusted.iter().filter(|u| **u).count(),
            distributors: g.distributor.iter().filter(|d| **d).count(),
            substitute_groups: (0..ds.items.len() as u32)
                .flat_map(|x| g.reqs.of_item(crate::model::ItemIx(x)))
                .filter(|&&r| g.reqs.is_group(r))
                .count(),
            by_country,
            by_trust,
            by_sector,
        }
    }

    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "dataset {}", self.dataset);
        let rows = [
            ("countries", self.countries),
            ("entities", self.entities),
            ("items", self.items),
            ("BOM rows", self.bom_rows),
            ("supply rows", self.supply_rows),
            ("  of which unqualified", self.unqualified_supply_rows),
            ("end products", self.end_products),
            ("ownership rows", self.ownership_rows),
            ("restricted-list rows", self.restricted_rows),
            ("production nodes", self.production_nodes),
            ("edges", self.edges),
            ("BOM levels", self.bom_levels as usize),
            ("restricted entities", self.restricted_entities),
            ("untrusted entities", self.untrusted_entities),
        ];
        for (name, n) in rows {
            let _ = writeln!(s, "  {name:<24}{n:>8}");
        }
        // Only where the dataset has them, so that other summaries read as before.
        for (name, n) in [
            ("distributors", self.distributors),
            ("groups of substitutes", self.substitute_groups),
        ] {
            if n > 0 {
                let _ = writeln!(s, "  {name:<24}{n:>8}");
            }
        }
        let c = &self.coverage;
        let _ = writeln!(
            s,
            "coverage of inputs: {:.1}% mean; {} inputs: {} fully mapped, {} partly, {} unmapped",
            c.mean * 100.0,
            c.inputs,
            c.fully_mapped,
            c.partly_mapped,
            c.unmapped
        );
        let _ = writeln!(s, "by country (entities, production nodes):");
        for cc in &self.by_country {
            let _ = writeln!(
                s,
                "  {:<4}{:<28}{:<10}{:>6}{:>6}",
                cc.code,
                cc.name.as_deref().unwrap_or(""),
                cc.trust.as_str(),
                cc.entities,
                cc.production_nodes
            );
        }
        let _ = writeln!(s, "by trust (entities):");
        for (t, n) in &self.by_trust {
            let _ = writeln!(s, "  {:<10}{n:>6}", t.as_str());
        }
        let _ = writeln!(s, "by sector (items):");
        for (sector, n) in &self.by_sector {
            let _ = writeln!(s, "  {sector:<28}{n:>6}");
        }
        s
    }
}
