//! Ownership and verdicts: which parties on the candidates' ownership chains are restricted
//! (by the dataset, by a name match, or by the 50 percent rule), and the verdict of each
//! candidate that follows.

use super::candidates::{Candidate, OwnerRef};
use super::lists::PartyList;
use super::matcher::{Hit, Matcher};
use super::{OwnerLink, OwnershipResult, ScreenSettings, Verdict, entry_label};
use crate::analysis::{EPS, HAIR, round};
use crate::graph::parties::{FIFTY_PERCENT, Parties, RestrictedWhy, fifty_percent_rule, holdings};
use crate::model::{Dataset, EntityIx};

/// Restricted status of the parties on candidates' ownership chains.
pub(super) struct OwnerStatus {
    /// Dataset entities, then candidates.
    n: usize,
    names: Vec<(String, String, bool)>,
    /// For each party, its owners and their shares.
    owners: Vec<Vec<(usize, f64)>>,
    /// Restricted, with why.
    definite: Vec<Option<String>>,
    /// Possibly restricted (a name match below the block threshold, or such owners holding
    /// at least half), with why.
    possible: Vec<Option<String>>,
    /// Restricted by the 50 percent rule here (their owners explain them).
    derived: Vec<bool>,
}

impl OwnerStatus {
    pub(super) fn compute(
        ds: &Dataset,
        parties: &Parties,
        candidates: &[Candidate],
        hits: &[Vec<Hit>],
        matcher: &Matcher,
        lists: &[PartyList],
        settings: &ScreenSettings,
    ) -> OwnerStatus {
        let n = ds.entities.len();
        let total = n + candidates.len();
        let mut names: Vec<(String, String, bool)> = ds
            .entities
            .iter()
            .map(|e| (e.id.clone(), e.name.clone(), false))
            .collect();
        names.extend(
            candidates
                .iter()
                .map(|c| (c.id.clone(), c.name.clone(), true)),
        );
        let mut status = OwnerStatus {
            n,
            names,
            owners: owners_of(ds, candidates),
            definite: vec![None; total],
            possible: vec![None; total],
            derived: vec![false; total],
        };
        for (e, why) in parties.restricted.iter().enumerate() {
            if let Some(why) = why {
                status.definite[e] = Some(describe(ds, why));
                status.derived[e] = matches!(why, RestrictedWhy::FiftyPercentRule { .. });
            }
        }
        // Dataset entities up the candidates' chains are screened by name too.
        let seen = status.up_the_chains();
        for (x, _) in seen.iter().enumerate().filter(|(x, s)| **s && *x < n) {
            let h = matcher.screen(&ds.entities[x].name, settings.threshold);
            status.seed(x, &h, lists, settings);
        }
        for (k, h) in hits.iter().enumerate() {
            status.seed(n + k, h, lists, settings);
        }
        status.fifty_percent_rule();
        status
    }

    /// The parties up the owner chains of the candidates.
    fn up_the_chains(&self) -> Vec<bool> {
        let total = self.owners.len();
        let mut up: Vec<usize> = (self.n..total).collect();
        let mut seen = vec![false; total];
        while let Some(x) = up.pop() {
            for &(o, _) in &self.owners[x] {
                if !seen[o] {
                    seen[o] = true;
                    up.push(o);
                }
            }
        }
        seen
    }

    /// Party `x`'s best name match not already its own entry: restricted at or above the
    /// block threshold, possibly restricted below it.
    fn seed(&mut self, x: usize, hits: &[Hit], lists: &[PartyList], settings: &ScreenSettings) {
        let id = &self.names[x].0;
        let best = hits.iter().find(|h| {
            x >= self.n || lists[h.list].entries[h.entry].entity.as_deref() != Some(id.as_str())
        });
        if let Some(h) = best {
            let what = format!("name matches {}", entry_label(lists, h));
            if h.score + HAIR >= settings.block_threshold {
                self.definite[x].get_or_insert(what);
            } else if self.definite[x].is_none() {
                self.possible[x].get_or_insert(what);
            }
        }
    }

    /// The 50 percent rule (the analysis's own), twice: over the restricted, then over the
    /// restricted and the possibly restricted.
    fn fifty_percent_rule(&mut self) {
        let total = self.owners.len();
        let owners = &self.owners;
        let owned = holdings(
            total,
            owners
                .iter()
                .enumerate()
                .flat_map(|(x, os)| os.iter().map(move |&(o, share)| (o, x, share))),
        );
        let held_by = |x: usize, set: &[bool]| -> f64 {
            owners[x]
                .iter()
                .filter(|(o, _)| set[*o])
                .map(|(_, s)| s)
                .sum()
        };
        let mut sure: Vec<bool> = self.definite.iter().map(Option::is_some).collect();
        for x in fifty_percent_rule(&owned, &mut sure) {
            self.definite[x] = Some(format!(
                "restricted owners hold {} (50 percent rule)",
                crate::numbers::pct(held_by(x, &sure))
            ));
            self.derived[x] = true;
        }
        let mut maybe: Vec<bool> = (0..total)
            .map(|x| self.definite[x].is_some() || self.possible[x].is_some())
            .collect();
        for x in fifty_percent_rule(&owned, &mut maybe) {
            self.possible[x] = Some(format!(
                "owners that are or may be restricted hold {}",
                crate::numbers::pct(held_by(x, &maybe))
            ));
            self.derived[x] = true;
        }
    }

    /// (restricted share, restricted-or-possibly share) held directly in party `x`.
    fn held(&self, x: usize) -> (f64, f64) {
        let mut sure = 0.0;
        let mut maybe = 0.0;
        for &(o, s) in &self.owners[x] {
            if self.definite[o].is_some() {
                sure += s;
                maybe += s;
            } else if self.possible[o].is_some() {
                maybe += s;
            }
        }
        (sure, maybe)
    }

    pub(super) fn result(
        &self,
        k: usize,
        c: &Candidate,
        ds: &Dataset,
        candidates: &[Candidate],
    ) -> Option<OwnershipResult> {
        let owner = c.owner?;
        let (owner_id, owner_name) = match owner {
            OwnerRef::Entity(e) => (ds.entity(e).id.clone(), ds.entity(e).name.clone()),
            OwnerRef::Candidate(j) => (candidates[j].id.clone(), candidates[j].name.clone()),
        };
        let x = self.n + k;
        let (sure, maybe) = self.held(x);
        // The chain: restricted and possibly restricted owners, breadth first.
        let mut chain = Vec::new();
        let mut queue = std::collections::VecDeque::from([x]);
        let mut seen = vec![false; self.names.len()];
        seen[x] = true;
        while let Some(y) = queue.pop_front() {
            for &(o, share) in &self.owners[y] {
                let (status, why) = match (&self.definite[o], &self.possible[o]) {
                    (Some(w), _) => ("restricted", w),
                    (None, Some(w)) => ("possibly_restricted", w),
                    _ => continue,
                };
                chain.push(OwnerLink {
                    owner: self.names[o].0.clone(),
                    owner_name: self.names[o].1.clone(),
                    owner_kind: if self.names[o].2 {
                        "candidate"
                    } else {
                        "entity"
                    }
                    .into(),
                    owned: self.names[y].0.clone(),
                    share: round(share),
                    status: status.into(),
                    why: why.clone(),
                });
                if self.derived[o] && !seen[o] {
                    seen[o] = true;
                    queue.push_back(o);
                }
            }
        }
        Some(OwnershipResult {
            owner: owner_id,
            owner_name,
            owner_share: round(c.owner_share),
            restricted_share: round(sure),
            possibly_restricted_share: round(maybe),
            chain,
        })
    }
}

/// Why a dataset entity is restricted, in words.
fn describe(ds: &Dataset, why: &RestrictedWhy) -> String {
    match why {
        RestrictedWhy::Flag => "flagged restricted in entities.csv".into(),
        RestrictedWhy::ListedById { line, list } => format!(
            "listed in restricted.csv line {line}{}",
            list.as_ref().map_or(String::new(), |l| format!(" ({l})"))
        ),
        RestrictedWhy::ListedByName {
            line,
            listed_name,
            list,
        } => format!(
            "named in restricted.csv line {line} as \"{listed_name}\"{}",
            list.as_ref().map_or(String::new(), |l| format!(" ({l})"))
        ),
        RestrictedWhy::FiftyPercentRule { owners, total } => format!(
            "restricted owners hold {} (50 percent rule): {}",
            crate::numbers::pct(*total),
            owner_shares(ds, owners)
        ),
    }
}

/// Owners with their shares, for messages: `parent-a 30%, parent-b 25%`.
pub(super) fn owner_shares(ds: &Dataset, owners: &[(EntityIx, f64)]) -> String {
    owners
        .iter()
        .map(|(o, s)| format!("{} {}", ds.entity(*o).id, crate::numbers::pct(*s)))
        .collect::<Vec<_>>()
        .join(", ")
}
/// Each party's owners and their shares: the dataset's entities, then the candidates.
fn owners_of(ds: &Dataset, candidates: &[Candidate]) -> Vec<Vec<(usize, f64)>> {
    let n = ds.entities.len();
    let mut owners: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n + candidates.len()];
    for row in &ds.ownership {
        if row.owner != row.entity {
            owners[row.entity.ix()].push((row.owner.ix(), row.share));
        }
    }
    for (k, c) in candidates.iter().enumerate() {
        match c.owner {
            Some(OwnerRef::Entity(e)) => owners[n + k].push((e.ix(), c.owner_share)),
            Some(OwnerRef::Candidate(j)) => owners[n + k].push((n + j, c.owner_share)),
            None => {}
        }
    }
    owners
}

/// A candidate's verdict and the reasons for it.
pub(super) fn verdict(
    k: usize,
    c: &Candidate,
    hits: &[Hit],
    owners: &OwnerStatus,
    lists: &[PartyList],
    settings: &ScreenSettings,
) -> (Verdict, Vec<String>) {
    let mut blocked = Vec::new();
    let mut review = Vec::new();
    for h in hits {
        if h.score + HAIR >= settings.block_threshold {
            blocked.push(format!("name matches {}", entry_label(lists, h)));
        } else if let Some(rule) = h.containment {
            review.push(format!(
                "name may match {}: {}",
                entry_label(lists, h),
                rule.reason()
            ));
        } else {
            review.push(format!("name may match {}", entry_label(lists, h)));
        }
    }
    let x = owners.n + k;
    let (sure, maybe) = owners.held(x);
    if c.owner.is_some() {
        if sure >= FIFTY_PERCENT - EPS {
            blocked.push(format!(
                "restricted owners hold {} of it: blocked by the 50 percent rule",
                crate::numbers::pct(sure)
            ));
        } else if maybe >= FIFTY_PERCENT - EPS {
            review.push(format!(
                "owners that are or may be restricted hold {} of it",
                crate::numbers::pct(maybe)
            ));
        } else if sure > 0.0 {
            review.push(format!(
                "restricted owners hold {} of it: below 50%, not blocked by the rule, but a restricted party has a stake",
                crate::numbers::pct(sure)
            ));
        }
    }
    if !blocked.is_empty() {
        blocked.extend(review);
        (Verdict::Blocked, blocked)
    } else if !review.is_empty() {
        (Verdict::Review, review)
    } else {
        (
            Verdict::Clear,
            vec![format!(
                "no list entry scores {:.2} or more, or holds the name or is held by it{}",
                settings.threshold,
                if c.owner.is_some() {
                    "; no restricted owner"
                } else {
                    ""
                }
            )],
        )
    }
}
