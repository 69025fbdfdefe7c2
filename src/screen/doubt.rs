//! When a new vendor's removal of a single point of failure cannot be believed.
//!
//! A new vendor's own inputs are not in the dataset, so the analysis counts them as available
//! and the SPOFs it removes are an upper bound. Where the dataset does know better, the
//! removal is marked `doubtful` and left out of the SPOF score: when an input of the item
//! the vendor would supply has known sources (production nodes of that input, qualified or
//! not), and every one of them is stopped by the failing group the vendor is said to remove
//! (it is in the group, or depends on it: the group is in its crit set). "Navitas -> GaN
//! transistors removes the SPOF China" is doubtful when every known gallium source is
//! Chinese: the vendor would need gallium too.
//!
//! A vendor that declares where its own inputs come from (`input_countries`) settles it: at
//! the country level the removal is doubtful exactly when the failing country is declared;
//! at the untrusted level when a declared country is untrusted; at the entity and owner
//! levels, a group none of whose entities is in a declared country cannot be the vendor's
//! source, and the removal stands; otherwise the dataset rule above applies.
//!
//! **Complexity.** The crit sets of a level are computed once, the first time a removal at
//! that level is checked (O(edges × crit size), see [`crate::analysis::crit`]); each check
//! is then O(inputs × sources × crit size).

use super::impact::{self, Impact};
use crate::analysis::Settings;
use crate::analysis::crit::{CritSet, crit_sets};
use crate::analysis::findings::Id;
use crate::analysis::groups::{Groups, Level};
use crate::graph::{NodeIx, ProductionGraph};
use crate::model::{Dataset, ItemIx, Trust};
use std::collections::HashMap;
use std::sync::OnceLock;

struct LevelFacts {
    groups: Groups,
    crit: Vec<CritSet>,
    by_subject: HashMap<Id, u32>,
}

/// The facts the checks read, computed on demand.
pub struct Doubt<'a> {
    ds: &'a Dataset,
    g: &'a ProductionGraph,
    levels: [OnceLock<LevelFacts>; 4],
    /// For each item, the production nodes that make it.
    producers: Vec<Vec<NodeIx>>,
}

impl<'a> Doubt<'a> {
    pub fn new(ds: &'a Dataset, g: &'a ProductionGraph, _settings: &Settings) -> Doubt<'a> {
        let mut producers = vec![Vec::new(); ds.items.len()];
        for n in (0..g.node_count() as u32).map(NodeIx) {
            producers[g.node(n).item.ix()].push(n);
        }
        Doubt {
            ds,
            g,
            levels: Default::default(),
            producers,
        }
    }

    fn facts(&self, level: Level) -> &LevelFacts {
        let k = Level::ALL.iter().position(|l| *l == level).unwrap_or(0);
        self.levels[k].get_or_init(|| {
            let groups = Groups::new(level, self.ds, self.g);
            let crit = crit_sets(self.g, &groups);
            let by_subject = groups
                .subject
                .iter()
                .enumerate()
                .map(|(i, s)| (s.clone(), i as u32))
                .collect();
            LevelFacts {
                groups,
                crit,
                by_subject,
            }
        })
    }

    /// Marks the doubtful removals of a new vendor's proposal to supply `item`.
    pub fn mark(&self, impact: &mut Impact, item: ItemIx, declared: &[String]) {
        impact::mark_doubtful(impact, |_, spof| {
            self.why(spof.level, &spof.subject, item, declared)
        });
    }

    /// Why removing the SPOF (`level`, `subject`) by supplying `item` is doubtful, if it is.
    pub fn why(
        &self,
        level: Level,
        subject: &str,
        item: ItemIx,
        declared: &[String],
    ) -> Option<String> {
        let facts = self.facts(level);
        let grp = *facts.by_subject.get(subject)?;
        if !declared.is_empty() {
            match self.settled(level, facts, grp, declared) {
                Settled::Doubtful(why) => return Some(why),
                Settled::Stands => return None,
                Settled::Open => {}
            }
        }
        // A requirement is met by any item of it (substitutes): its sources are the
        // producers of every one of them.
        for &r in self.g.reqs.of_item(item) {
            let items = self.g.reqs.items(r);
            let sources: Vec<NodeIx> = items
                .iter()
                .flat_map(|z| self.producers[z.ix()].iter().copied())
                .collect();
            if sources.is_empty() {
                continue;
            }
            let stopped = sources
                .iter()
                .all(|&n| facts.crit[n.ix()].binary_search(&grp).is_ok());
            if !stopped {
                continue;
            }
            let mut entities: Vec<_> = sources.iter().map(|&n| self.g.node(n).entity).collect();
            entities.sort_unstable();
            entities.dedup();
            let inside = entities.iter().all(|&e| facts.groups.of(e) == Some(grp));
            let n = entities.len();
            let input = items
                .iter()
                .map(|&z| self.ds.item(z).name.as_str())
                .collect::<Vec<_>>()
                .join(" or ");
            let label = self.label(level, facts, grp);
            let all = if n == 1 {
                let e = self.ds.entity(entities[0]);
                format!("the only known source, {} ({}),", e.name, e.id)
            } else {
                format!("all {n} known sources")
            };
            let verb = if n == 1 { "is" } else { "are" };
            return Some(if inside {
                match level {
                    Level::Untrusted => format!("its input {input}: {all} {verb} untrusted"),
                    Level::Entity => format!("its input {input}: the only known source is {label}"),
                    Level::Owner => {
                        let belong = if n == 1 { "belongs" } else { "belong" };
                        let e = self
                            .ds
                            .entity(self.ds.entity_ix[facts.groups.subject[grp as usize].as_str()]);
                        format!("its input {input}: {all} {belong} to {} ({})", e.name, e.id)
                    }
                    _ => format!("its input {input}: {all} {verb} in {label}"),
                }
            } else {
                let depend = if n == 1 { "depends" } else { "depend" };
                format!("its input {input}: {all} {depend} on {label}")
            });
        }
        None
    }

    fn settled(&self, level: Level, facts: &LevelFacts, grp: u32, declared: &[String]) -> Settled {
        let trust = |code: &str| {
            self.ds
                .country_ix
                .get(code)
                .map_or(Trust::Neutral, |c| self.ds.country(*c).trust)
        };
        match level {
            Level::Country => {
                let code = &facts.groups.subject[grp as usize];
                if declared.iter().any(|c| c == code) {
                    Settled::Doubtful(format!("its own inputs come from {code} (input_countries)"))
                } else {
                    Settled::Stands
                }
            }
            Level::Untrusted => {
                let bad: Vec<&str> = declared
                    .iter()
                    .map(String::as_str)
                    .filter(|c| trust(c) == Trust::Untrusted)
                    .collect();
                if bad.is_empty() {
                    Settled::Stands
                } else {
                    Settled::Doubtful(format!(
                        "its own inputs come from {}, untrusted (input_countries)",
                        bad.join(", ")
                    ))
                }
            }
            Level::Entity | Level::Owner => {
                let touches = facts.groups.members[grp as usize].iter().any(|&e| {
                    let code = &self.ds.entity_country(e).code;
                    declared.iter().any(|c| c == code)
                });
                if touches {
                    Settled::Open
                } else {
                    Settled::Stands
                }
            }
        }
    }

    /// A failing group in words: `CN`, `Gallium Refinery (ga-cn)`, `untrusted suppliers`.
    fn label(&self, level: Level, facts: &LevelFacts, grp: u32) -> String {
        let subject = &facts.groups.subject[grp as usize];
        match level {
            Level::Country => subject.to_string(),
            Level::Untrusted => "untrusted suppliers".into(),
            Level::Entity => {
                let e = self.ds.entity(self.ds.entity_ix[subject.as_str()]);
                format!("{} ({})", e.name, e.id)
            }
            Level::Owner => {
                let e = self.ds.entity(self.ds.entity_ix[subject.as_str()]);
                format!("{} ({}) and what it controls", e.name, e.id)
            }
        }
    }
}

enum Settled {
    Doubtful(String),
    Stands,
    Open,
}
